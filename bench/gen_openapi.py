#!/usr/bin/env python3
"""Writes an OpenAPI 3.0 description with OPERATIONS operations (default 2,000) for the
benchmark: the ten resources of ../shared/bench/gen_corpus.py's HAR (so its requests match
operations), then generated resources up to the count, five operations each
(list, create, retrieve, update, delete). Error responses $ref one 3.0 error schema
(`nullable`), as real descriptions do. Usage: gen_openapi.py OUT.json [OPERATIONS]"""
import json
import sys

RESOURCES = ["customers", "charges", "invoices", "payment_intents", "subscriptions", "refunds",
             "products", "prices", "events", "files"]


def responses(ok):
    error = {"$ref": "#/components/responses/Error"}
    return {"200": {"description": "OK"}, ok: {"description": "OK"}, "400": error, "401": error, "403": error,
            "404": error, "409": error, "429": error, "4XX": error, "5XX": error}


def main():
    out = sys.argv[1]
    wanted = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    paths, count, n = {}, 0, 0
    while count < wanted:
        res = RESOURCES[n] if n < len(RESOURCES) else "resource_%04d" % n
        n += 1
        paths["/v1/%s" % res] = {"get": {"responses": responses("200")},
                                 "post": {"responses": responses("201")}}
        paths["/v1/%s/{id}" % res] = {
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "get": {"responses": responses("200")},
            "post": {"responses": responses("200")},
            "delete": {"responses": responses("200")}}
        count += 5
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "benchmark", "version": "1"},
        "servers": [{"url": "https://api.example.invalid"}],
        "paths": paths,
        "components": {
            "responses": {"Error": {"description": "An error.", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {"Error": {
                "type": "object", "required": ["type", "code", "message", "param"],
                "properties": {
                    "type": {"type": "string",
                             "enum": ["invalid_request", "rate_limit", "api", "authentication"]},
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "message": {"type": "string", "minLength": 1},
                    "param": {"type": "string", "nullable": True}}}}},
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
    print("%s: %d operations, %d paths" % (out, count, len(paths)))


main()
