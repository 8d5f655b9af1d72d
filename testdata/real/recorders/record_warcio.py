"""warcio's capture_http records a requests session against server.py into warc/warcio.warc
(uncompressed, WARC/1.0 records: request and response records, the response payload as it came off the
wire, chunked framing and gzip included; each response record comes before its request record)."""

from warcio.capture_http import capture_http

from common import BASE, HEADERS, REQUESTS, out_dir

import requests  # noqa: E402  (warcio patches http.client; requests is imported after it)

OUT = out_dir("warc") / "warcio.warc"
if OUT.exists():
    OUT.unlink()
with capture_http(str(OUT), gzip=False):
    session = requests.Session()
    for req in REQUESTS:
        # requests follows the redirect: the 301 and then the 429 are both recorded.
        session.request(req["method"], BASE + req["path"], headers=HEADERS, json=req.get("json"))
print("wrote", OUT)
