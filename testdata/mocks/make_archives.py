#!/usr/bin/env python3
"""Writes example.warc, example.warc.gz and example.saz: small archives in the layouts that
wget --warc-file / warcio and Fiddler write, with the quirks errlint must read (chunked and
gzip-compressed bodies, request records after their response, sessions numbered past 9).
Deterministic: run it again and the files do not change."""
import gzip
import io
import zipfile

CRLF = b"\r\n"


def chunked(data, size=16):
    out = b""
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += b"%x\r\n" % len(part) + part + CRLF
    return out + b"0\r\n\r\n"


def record(fields, block):
    head = b"WARC/1.1\r\n" + b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in fields)
    head += b"Content-Length: %d\r\n\r\n" % len(block)
    return head + block + CRLF + CRLF


mismatch = b'{"type": "api", "code": "slow_down", "message": "Slow down.", "param": null}'
zipped = gzip.compress(mismatch, mtime=0)
response_429 = (b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
                b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(zipped))
request_429 = (b"POST /v1/orders?token=SECRET-QUERY HTTP/1.1\r\nHost: api.example.com\r\n"
               b"Authorization: Bearer SECRET-TOKEN\r\n\r\n")
not_found = b'{"type": "invalid_request", "code": "no_such_order", "message": "No such order.", "param": null}'
response_404 = b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\r\n" + not_found
request_404 = b"DELETE /v1/orders/2 HTTP/1.1\r\nHost: api.example.com\r\n\r\n"
server_error = b'{"type": "invalid_request", "code": "boom", "message": "Boom.", "param": null}'
response_500 = b"HTTP/1.0 500 Internal Server Error\nContent-Type: application/json\n\n" + server_error

records = [
    record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", "<urn:uuid:00000000-0000-0000-0000-000000000000>"),
            ("Content-Type", "application/warc-fields")], b"software: errlint testdata\r\n"),
    record([("WARC-Type", "response"), ("WARC-Record-ID", "<urn:uuid:00000000-0000-0000-0000-000000000001>"),
            ("WARC-Target-URI", "https://api.example.com/v1/orders?token=SECRET-QUERY"),
            ("Content-Type", "application/http; msgtype=response")], response_429),
    record([("WARC-Type", "request"), ("WARC-Record-ID", "<urn:uuid:00000000-0000-0000-0000-000000000002>"),
            ("WARC-Concurrent-To", "<urn:uuid:00000000-0000-0000-0000-000000000001>"),
            ("WARC-Target-URI", "https://api.example.com/v1/orders?token=SECRET-QUERY"),
            ("Content-Type", "application/http; msgtype=request")], request_429),
    record([("WARC-Type", "request"), ("WARC-Record-ID", "<urn:uuid:00000000-0000-0000-0000-000000000003>"),
            ("WARC-Target-URI", "https://api.example.com/v1/orders/2"),
            ("Content-Type", "application/http; msgtype=request")], request_404),
    record([("WARC-Type", "response"), ("WARC-Record-ID", "<urn:uuid:00000000-0000-0000-0000-000000000004>"),
            ("WARC-Target-URI", "https://api.example.com/v1/orders/2"),
            ("Content-Type", "application/http; msgtype=response")], response_404),
    record([("WARC-Type", "metadata"), ("WARC-Record-ID", "<urn:uuid:00000000-0000-0000-0000-000000000005>"),
            ("Content-Type", "application/warc-fields")], b"via: errlint testdata\r\n"),
    record([("WARC-Type", "response"), ("WARC-Record-ID", "<urn:uuid:00000000-0000-0000-0000-000000000006>"),
            ("WARC-Target-URI", "https://api.example.com/v1/orders/3"),
            ("Content-Type", "application/http; msgtype=response")], response_500),
]
with open("example.warc", "wb") as f:
    f.write(b"".join(records))
with open("example.warc.gz", "wb") as f:
    for r in records:  # one gzip member per record, as WARC writers do
        f.write(gzip.compress(r, mtime=0))

sessions = {
    1: (b"GET https://api.example.com/v1/orders/1 HTTP/1.1\r\nAuthorization: Bearer SECRET-TOKEN\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"id\": \"ord_1\"}"),
    2: (b"POST https://api.example.com/v1/orders?token=SECRET-QUERY HTTP/1.1\r\nCookie: session=SECRET-COOKIE\r\n\r\n{\"secret\": \"SECRET-BODY\"}",
        response_429),
    10: (b"DELETE https://api.example.com/v1/orders/10 HTTP/1.1\r\n\r\n",
         b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n\r\n" + server_error),
}
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
    def add(name, data):
        info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
    add("_index.htm", b"<html><body>Fiddler session archive</body></html>")
    for n, (client, server) in sessions.items():
        add("raw/%d_c.txt" % n, client)
        add("raw/%d_s.txt" % n, server)
        add("raw/%d_m.xml" % n, b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?><Session />')
with open("example.saz", "wb") as f:
    f.write(buffer.getvalue())
