"""Betamax records a requests session against server.py, as a unittest suite would
(record="once": an existing cassette is replayed, so make_cassettes.sh deletes them first):

  betamax/errors.json       Betamax's defaults: bodies stored as text (`string`). The binary
                            body is left out: Betamax decodes it as text, and the rebuilt
                            response no longer matches its Content-Length, so requests fails
                            with "IncompleteRead(37 bytes read, -10 more expected)".
  betamax/exact-bytes.json  preserve_exact_body_bytes=True (Betamax's option for binary
                            bodies): every body stored as `base64_string`.
"""

import requests
from betamax import Betamax

from common import BASE, HEADERS, REQUESTS, out_dir

OUT = out_dir("betamax")

for name, exact, requests_list in [
    ("errors", False, [req for req in REQUESTS if req["path"] != "/v1/binary"]),
    ("exact-bytes", True, REQUESTS),
]:
    session = requests.Session()
    recorder = Betamax(session, cassette_library_dir=str(OUT))
    with recorder.use_cassette(name, record="once", preserve_exact_body_bytes=exact):
        for req in requests_list:
            # requests follows the redirect: the 301 and then the 429 are both recorded.
            session.request(req["method"], BASE + req["path"], headers=HEADERS, json=req.get("json"))
    print("wrote", OUT / (name + ".json"))
