#!/usr/bin/env python3
"""Writes a WARC of N response records, each followed by its request record (as warcio and
warcprox write them), plain and with one gzip member per record (as wget writes them).

    bench/gen_warc.py OUT.warc [N]     # N defaults to 200,000 (about 220 MB)

Every tenth response is a 429 whose type breaks the contract, so a run has N/10 findings."""
import gzip
import sys

out_path = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
items = b", ".join(b'{"sku": "s%d", "qty": 1}' % i for i in range(20))
bad = b'{"type": "api", "code": "slow_down", "message": "Slow down.", "param": null}'


def record(kind, fields, block):
    head = b"WARC/1.0\r\nWARC-Type: " + kind + b"\r\n" + b"".join(k + b": " + v + b"\r\n" for k, v in fields)
    return head + b"Content-Length: %d\r\n\r\n" % len(block) + block + b"\r\n\r\n"


with open(out_path, "wb") as plain, open(out_path + ".gz", "wb") as zipped:
    for i in range(count):
        if i % 10 == 0:
            response = b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n\r\n" + bad
        else:
            body = b'{"id": "ord_%d", "object": "order", "amount": 1200, "items": [%s]}' % (i, items)
            response = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + body
        rid = b"<urn:uuid:%08d-0000-0000-0000-000000000000>" % i
        uri = b"https://api.example.com/v1/orders/%d" % i
        request = b"GET /v1/orders/%d HTTP/1.1\r\nHost: api.example.com\r\n\r\n" % i
        for r in (
            record(b"response", [(b"WARC-Record-ID", rid), (b"WARC-Target-URI", uri),
                                 (b"Content-Type", b"application/http; msgtype=response")], response),
            record(b"request", [(b"WARC-Concurrent-To", rid), (b"WARC-Target-URI", uri),
                                (b"Content-Type", b"application/http; msgtype=request")], request),
        ):
            plain.write(r)
            zipped.write(gzip.compress(r, 1, mtime=0))
