"""vcrpy records requests and httpx sessions against server.py, as a test suite would.

Writes vcrpy/requests.yaml, vcrpy/httpx.yaml and vcrpy/requests.json (the JSON serializer).
record_mode="once": an existing cassette is replayed, so make_cassettes.sh deletes them first.
"""

import httpx
import requests
import vcr

from common import BASE, HEADERS, REQUESTS, out_dir

OUT = out_dir("vcrpy")


def with_requests(requests_list=REQUESTS):
    session = requests.Session()
    for req in requests_list:
        # requests follows the redirect, so /v1/old-orders records the 301 and then the 429.
        session.request(req["method"], BASE + req["path"], headers=HEADERS, json=req.get("json"))


def with_httpx():
    # httpx encodes str header values as ASCII; a team sending non-ASCII passes bytes.
    headers = {name: value.encode("utf-8") for name, value in HEADERS.items()}
    with httpx.Client() as client:
        for req in REQUESTS:
            client.request(req["method"], BASE + req["path"], headers=headers, json=req.get("json"))


def with_requests_text_only():
    # vcrpy's JSON serializer refuses a body that is not UTF-8 ("use a different serializer"):
    # the binary body is left out, and the gzip body is stored decoded (decode_compressed_response).
    with_requests([req for req in REQUESTS if req["path"] != "/v1/binary"])


for name, serializer, decode, run in [
    ("requests.yaml", "yaml", False, with_requests),
    ("httpx.yaml", "yaml", False, with_httpx),
    ("requests.json", "json", True, with_requests_text_only),
]:
    recorder = vcr.VCR(record_mode="once", serializer=serializer, decode_compressed_response=decode)
    with recorder.use_cassette(str(OUT / name)):
        run()
    print("wrote", OUT / name)
