#!/usr/bin/env python3
"""Writes a vcrpy cassette (YAML, cassette format version 1) of N interactions, as vcrpy
records them under requests: headers as lists, bodies under `body.string`, gzip bodies as
`!!binary`. Mostly 200s with JSON bodies; every 20th an error response, some of which break
the error contract. Deterministic (seeded). Needs python3 with PyYAML.

    python3 bench/gen_vcrpy.py OUT.yaml [--interactions 20000]
"""
import argparse
import gzip
import json
import random

import yaml

try:
    Dumper = yaml.CSafeDumper
except AttributeError:  # PyYAML without libyaml
    Dumper = yaml.SafeDumper

ERRORS = [
    (400, "invalid_request", "parameter_missing"),
    (401, "authentication", "token_expired"),
    (404, "invalid_request", "resource_missing"),
    (429, "rate_limit", "too_many_requests"),
    (500, "api", "internal_error"),
    (503, "api", "upstream_unavailable"),
]


def interaction(rng, i):
    path = f"/v1/orders/{i}"
    status, body, message = 200, None, "OK"
    if i % 20 == 7:
        status, kind, code = ERRORS[i // 20 % len(ERRORS)]
        message = "Error"
        if i % 3 == 0:
            kind = "api"  # a type that does not match the status
        body = {"type": kind, "code": code, "param": None,
                "message": f"The request for order {i} could not be completed."}
    else:
        body = {"id": f"ord_{i:08d}", "object": "order", "amount": rng.randint(100, 99999),
                "currency": rng.choice(["usd", "eur", "gbp"]),
                "items": [{"sku": f"sku_{rng.randint(1, 9999)}", "quantity": rng.randint(1, 5)}
                          for _ in range(rng.randint(1, 4))],
                "description": "An order placed through the storefront, with a note that is long enough to fold."}
    text = json.dumps(body)
    headers = {"Content-Type": ["application/json"], "Date": ["Mon, 01 Jan 2024 00:00:00 GMT"],
               "Request-Id": [f"req_{rng.getrandbits(64):016x}"]}
    if i % 10 == 3:
        headers["Content-Encoding"] = ["gzip"]
        stored = {"string": gzip.compress(text.encode(), mtime=0)}  # dumped as !!binary
    else:
        stored = {"string": text}
    return {
        "request": {"body": None,
                    "headers": {"Accept": ["application/json"], "User-Agent": ["python-requests/2.31.0"]},
                    "method": "GET", "uri": "https://api.example.com" + path},
        "response": {"body": stored, "headers": headers,
                     "status": {"code": status, "message": message}},
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--interactions", type=int, default=20000)
    args = parser.parse_args()
    rng = random.Random(20240101)
    cassette = {"interactions": [interaction(rng, i) for i in range(args.interactions)], "version": 1}
    with open(args.out, "w") as f:
        yaml.dump(cassette, f, Dumper=Dumper)


if __name__ == "__main__":
    main()
