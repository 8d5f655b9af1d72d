"""Requests each path from a local server with Python's http.client and writes what came
back as a HAR 1.2 file and as a list of capture envelopes (docs/inputs.md).

Usage: record.py BASE OUT_HAR OUT_ENVELOPES METHOD:PATH...
Only the response is recorded as it arrived: status, headers, body text. ACCEPT sets the
Accept header (application/json by default).
"""

import http.client
import json
import sys
import os
import urllib.parse


def main():
    base, out_har, out_envelopes, *requests = sys.argv[1:]
    host = urllib.parse.urlsplit(base)
    entries, envelopes = [], []
    for request in requests:
        method, path = request.split(":", 1)
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        conn.request(method, path, body=b"{}" if method == "POST" else None,
                     headers={"Accept": os.environ.get("ACCEPT", "application/json"),
                              "Content-Type": "application/json"})
        response = conn.getresponse()
        body = response.read().decode("utf-8")
        headers = [{"name": k, "value": v} for k, v in response.getheaders()]
        mime = response.getheader("Content-Type", "")
        url = base + path
        entries.append({
            "startedDateTime": "2026-01-01T00:00:00.000Z", "time": 1,
            "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1",
                        "headers": [], "queryString": [], "cookies": [],
                        "headersSize": -1, "bodySize": -1},
            "response": {"status": response.status, "statusText": response.reason,
                         "httpVersion": "HTTP/1.1", "headers": headers, "cookies": [],
                         "content": {"size": len(body), "mimeType": mime, "text": body},
                         "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
            "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0},
        })
        envelopes.append({"method": method, "url": url, "status": response.status,
                          "headers": {k: v for k, v in response.getheaders()}, "body": body})
        conn.close()
    har = {"log": {"version": "1.2", "creator": {"name": "record.py", "version": "1"},
                   "entries": entries}}
    with open(out_har, "w") as f:
        json.dump(har, f, indent=2)
        f.write("\n")
    with open(out_envelopes, "w") as f:
        json.dump(envelopes, f, indent=2)
        f.write("\n")


main()
