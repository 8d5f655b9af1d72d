#!/usr/bin/env python3
"""Writes a Chrome-shaped HAR for errlint's benchmark, with a known number of defects.

Usage: gen_har.py OUT.har [--entries N] [--indent N] [--seed S]
Prints one line of ground truth: entries, bytes, and how many responses break the contract.
Deterministic for a given seed; python3 standard library only.
"""
import argparse
import json
import random

TYPES = {401: "authentication", 403: "authentication", 429: "rate_limit"}


def required_type(status):
    return TYPES.get(status, "api" if status >= 500 else "invalid_request")


def entry(rng, i):
    roll = rng.random()
    status = rng.choice([200, 200, 201, 400, 401, 403, 404, 409, 429, 500, 503])
    defect = False
    if status < 300:
        body = {"id": f"obj_{i}", "object": "order", "amount": rng.randint(1, 10_000)}
    else:
        body = {"type": required_type(status), "code": "resource_missing",
                "message": "No such order.", "param": "id"}
        if roll < 0.04:
            body["type"] = "api" if body["type"] != "api" else "invalid_request"
            defect = True
        elif roll < 0.08:
            del body["code"]
            defect = True
    text = json.dumps(body)
    headers = [{"name": "content-type", "value": "application/json"},
               {"name": "content-length", "value": str(len(text))},
               {"name": "date", "value": "Tue, 24 Nov 2026 10:00:00 GMT"},
               {"name": "x-request-id", "value": f"req_{rng.getrandbits(48):012x}"}]
    request_headers = [{"name": ":method", "value": "GET"},
                       {"name": "accept", "value": "application/json"},
                       {"name": "authorization", "value": "Bearer sk_test_bench"},
                       {"name": "user-agent", "value": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0"}]
    return defect, {
        "_initiator": {"type": "script"}, "_priority": "High", "_resourceType": "fetch",
        "cache": {}, "pageref": "page_1",
        "request": {"method": "GET", "url": f"https://api.example.invalid/v1/orders/ord_{i}?expand=items",
                    "httpVersion": "http/2.0", "headers": request_headers, "queryString": [],
                    "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "http/2.0", "headers": headers,
                     "cookies": [], "content": {"size": len(text), "mimeType": "application/json", "text": text},
                     "redirectURL": "", "headersSize": -1, "bodySize": len(text), "_transferSize": len(text) + 200},
        "serverIPAddress": "192.0.2.10", "startedDateTime": "2026-11-24T10:00:00.000Z", "time": 12.5,
        "timings": {"blocked": 0.5, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 11.8, "receive": 0.1},
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--indent", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    indent = args.indent or None
    separators = (",", ":") if indent is None else (",", ": ")
    defects = 0
    with open(args.out, "w", encoding="utf-8") as out:
        out.write('{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},'
                  '"pages":[{"id":"page_1","title":"bench","startedDateTime":"2026-11-24T10:00:00.000Z","pageTimings":{}}],"entries":[')
        for i in range(args.entries):
            defect, e = entry(rng, i)
            defects += defect
            if i:
                out.write(",")
            out.write(json.dumps(e, indent=indent, separators=separators))
        out.write("]}}\n")
        size = out.tell()
    print(f"entries={args.entries} bytes={size} defective={defects}")


if __name__ == "__main__":
    main()
