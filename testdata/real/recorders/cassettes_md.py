"""Writes testdata/real/CASSETTES.md from the recorded files themselves.

Each file is read the way its format defines (YAML `!!binary` and Ruby's `!binary`, base64,
hex chunks, WARC records, Pact v4 bodies, WireMock `__files`), every response's body is
compared with what server.py sent, and the table rows say what the tool kept, decoded or
dropped. The prose (what each tool is, notes a reader cannot derive) lives in
cassettes_intro.md and cassettes_notes.json beside this file.

  python cassettes_md.py          # rewrite CASSETTES.md
  python cassettes_md.py --check  # exit 1 when CASSETTES.md is not what the files say
"""

import base64
import glob
import gzip
import json
import os
import sys
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
import server  # noqa: E402  (the bodies as sent)

SENT = {
    "/v1/customers/cus_missing": server.json_body(server.GOOD_404),
    "/v1/orders": server.json_body(server.WRONG_TYPE_429),
    "/v1/charges": server.json_body(server.LEAKY_500),
    "/v1/orders/ord_1/items": server.json_body(server.WRONG_TYPE_403),
    "/v1/gzip-error": server.json_body(server.MISSING_FIELDS_400),
    "/v1/gateway": server.GATEWAY_PAGE,
    "/v1/empty": b"",
    "/v1/unicode-404": json.dumps(server.UNICODE_404, ensure_ascii=False).encode(),
    "/v1/binary": server.BINARY_500,
    "/v1/old-orders": b"moved\n",
    "/v1/no-content": b"",
    "/v1/ok": server.json_body({"id": "cus_1", "object": "customer"}),
    "/v1/session": server.json_body(server.SESSION_401),
}
GZIPPED = gzip.compress(SENT["/v1/gzip-error"], mtime=0)

LABEL = {
    "/v1/customers/cus_missing": "good 404",
    "/v1/orders": "429 wrong type",
    "/v1/charges": "500 leaky",
    "/v1/orders/ord_1/items": "403 wrong type",
    "/v1/gzip-error": "400 missing fields (gzip)",
    "/v1/gateway": "502 HTML page",
    "/v1/empty": "503 empty",
    "/v1/unicode-404": "404 non-ASCII, wrong type",
    "/v1/binary": "500 binary",
    "/v1/old-orders": "301 redirect",
    "/v1/no-content": "204 empty",
    "/v1/ok": "200 customer",
    "/v1/session": "401 good + Set-Cookie",
}


class BinaryLoader(yaml.SafeLoader):
    """Safe YAML that reads `!!binary` and Ruby's older `!binary` as bytes."""


def _binary(loader, node):
    return base64.b64decode(loader.construct_scalar(node))


BinaryLoader.add_constructor("!binary", _binary)
BinaryLoader.add_constructor("tag:yaml.org,2002:binary", _binary)


def headers(h):
    """name (lower case) -> list of values, from a map, a list of {name|key, value}, or pairs."""
    out = {}
    if isinstance(h, dict):
        for k, v in h.items():
            out.setdefault(k.lower(), []).extend(v if isinstance(v, list) else [v])
    elif isinstance(h, list) and h and isinstance(h[0], dict):
        for x in h:
            out.setdefault(x.get("name", x.get("key")).lower(), []).append(x["value"])
    elif isinstance(h, list):
        for k, v in zip(h[::2], h[1::2]):
            out.setdefault(k.lower(), []).append(v)
    return out


def path_of(url):
    return urlsplit(url).path if "://" in url else url


def as_bytes(s):
    if isinstance(s, bytes):
        return s
    return b"" if s is None else s.encode("utf-8", "surrogateescape")


# Each reader yields (method, path, status, how the body is stored, body bytes, headers).

def vcrpy(f):
    d = yaml.load(f.read_bytes(), Loader=BinaryLoader) if f.suffix == ".yaml" else json.loads(f.read_text())
    for x in d["interactions"]:
        r = x["response"]
        s = r["body"]["string"]
        kind = "!!binary" if isinstance(s, bytes) else "body.string"
        yield x["request"]["method"], path_of(x["request"]["uri"]), r["status"]["code"], kind, as_bytes(s), headers(r["headers"])


def ruby_vcr(f):
    if f.suffix == ".yml":
        d = yaml.load(f.read_bytes(), Loader=BinaryLoader)
    else:
        # Oj writes binary bodies' raw bytes into JSON strings: keep them byte for byte.
        d = json.loads(f.read_bytes().decode("utf-8", "surrogateescape"))
    for x in d["http_interactions"]:
        r = x["response"]
        b = r["body"]
        if "base64_string" in b:
            kind, body = "body.base64_string", base64.b64decode(b["base64_string"])
        else:
            s = b["string"]
            kind = ("!binary" if isinstance(s, bytes) else "body.string") + f" (encoding {b.get('encoding')})"
            body = as_bytes(s)
            if not isinstance(s, bytes):
                try:
                    s.encode("utf-8")
                except UnicodeEncodeError:
                    kind += ", not UTF-8"
        yield x["request"]["method"], path_of(x["request"]["uri"]), r["status"]["code"], kind, body, headers(r["headers"])


def nock(f):
    for x in json.loads(f.read_text()):
        r = x["response"]
        if isinstance(r, list):
            kind, body = "hex chunks", b"".join(bytes.fromhex(c) for c in r)
        elif isinstance(r, str) and x.get("responseIsBinary"):
            kind, body = "hex string (responseIsBinary)", bytes.fromhex(r)
        elif isinstance(r, str):
            kind, body = "string", r.encode()
        else:
            kind, body = "JSON value", json.dumps(r, ensure_ascii=False).encode()
        yield x["method"], x["path"], x.get("status", 200), kind, body, headers(x["rawHeaders"])


def wiremock_response(r, root):
    if "bodyFileName" in r:
        return "bodyFileName", (root / "__files" / r["bodyFileName"]).read_bytes()
    if "base64Body" in r:
        return "base64Body", base64.b64decode(r["base64Body"])
    if "jsonBody" in r:
        return "jsonBody", json.dumps(r["jsonBody"]).encode()
    if "body" in r:
        return "body", r["body"].encode()
    return "no body field", b""


def wiremock(f):
    d = json.loads(f.read_text())
    for x in d["mappings"] if "mappings" in d else [d]:
        r = x["response"]
        kind, body = wiremock_response(r, f.parent.parent)
        yield x["request"]["method"], x["request"].get("url"), r.get("status", 200), kind, body, headers(r.get("headers", {}))


def postman(f):
    def walk(items):
        for it in items:
            if "item" in it:
                yield from walk(it["item"])
                continue
            for r in it.get("response", []):
                u = r["originalRequest"]["url"]
                p = "/" + "/".join(u["path"]) if isinstance(u, dict) else path_of(u)
                yield r["originalRequest"]["method"], p, r["code"], "body", as_bytes(r.get("body")), headers(r["header"])

    yield from walk(json.loads(f.read_text())["item"])


def pact(f):
    for x in json.loads(f.read_text())["interactions"]:
        r = x["response"]
        b = r.get("body")
        if b is None:
            kind, body = "no body", b""
        elif isinstance(b, dict) and "content" in b and "encoded" in b:
            if b["encoded"] == "base64":
                kind, body = "body.content base64", base64.b64decode(b["content"])
            elif isinstance(b["content"], str):
                kind, body = "body.content string", b["content"].encode()
            else:
                kind, body = "body.content JSON", json.dumps(b["content"], ensure_ascii=False).encode()
        elif isinstance(b, str):
            kind, body = "string", b.encode()
        else:
            kind, body = "JSON value", json.dumps(b, ensure_ascii=False).encode()
        yield x["request"]["method"], x["request"]["path"], r.get("status", 200), kind, body, headers(r.get("headers", {}))


def warc_records(raw):
    pos = 0
    while pos < len(raw):
        end = raw.index(b"\r\n\r\n", pos)
        fields = dict(line.split(": ", 1) for line in raw[pos:end].decode().split("\r\n")[1:])
        length = int(fields["Content-Length"])
        yield fields, raw[end + 4:end + 4 + length]
        pos = end + 4 + length + 4


def warc(f):
    raw = f.read_bytes()
    if f.suffix == ".gz":
        out, pos = b"", 0
        while pos < len(raw):  # one gzip member per record
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += d.decompress(raw[pos:])
            pos = len(raw) - len(d.unused_data)
        raw = out
    records = list(warc_records(raw))
    for fields, block in records:
        if fields["WARC-Type"] != "response":
            continue
        head, _, body = block.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        h = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            h.setdefault(k.lower(), []).append(v.strip())
        method = next((b2.split(b" ")[0].decode() for f2, b2 in records
                       if f2["WARC-Type"] == "request" and f2["WARC-Target-URI"] == fields["WARC-Target-URI"]), "?")
        yield method, path_of(fields["WARC-Target-URI"].strip("<>")), int(lines[0].split(" ")[1]), "raw HTTP", body, h


def betamax(f):
    for x in json.loads(f.read_text())["http_interactions"]:
        r = x["response"]
        b = r["body"]
        enc = json.dumps(b.get("encoding"))
        if "base64_string" in b:
            kind, body = f"base64_string (encoding {enc})", base64.b64decode(b["base64_string"])
        else:
            kind, body = f"string (encoding {enc})", as_bytes(b["string"])
        yield x["request"]["method"], path_of(x["request"]["uri"]), r["status"]["code"], kind, body, headers(r["headers"])


def polly(f):
    for e in json.loads(f.read_text())["log"]["entries"]:
        r = e["response"]
        c = r["content"]
        t = c.get("text")
        if t is None:
            kind, body = "no content.text", b""
        elif c.get("encoding") == "base64" and t.startswith("["):
            kind, body = "base64 chunks (JSON array)", b"".join(base64.b64decode(x) for x in json.loads(t))
        elif c.get("encoding") == "base64":
            kind, body = "base64", base64.b64decode(t)
        else:
            kind, body = "text", t.encode()
        yield e["request"]["method"], path_of(e["request"]["url"]), r["status"], kind, body, headers(r["headers"])


def go_vcr(f):
    for x in yaml.load(f.read_bytes(), Loader=BinaryLoader)["interactions"]:
        r = x["response"]
        b = r["body"]
        yield x["request"]["method"], path_of(x["request"]["url"]), r["code"], "!!binary" if isinstance(b, bytes) else "body", as_bytes(b), headers(r["headers"])


def files():
    """(name in cassettes_notes.json, path, reader), in the order CASSETTES.md lists them."""
    fixed = [
        ("vcrpy/requests.yaml", vcrpy), ("vcrpy/httpx.yaml", vcrpy), ("vcrpy/requests.json", vcrpy),
        ("ruby-vcr/net_http.yml", ruby_vcr), ("ruby-vcr/net_http.json", ruby_vcr), ("ruby-vcr/net_http_oj.json", ruby_vcr),
        ("nock/recorder.json", nock), ("nock/back/errors.json", nock),
    ]
    for name, reader in fixed:
        yield name, ROOT / name, reader
    for p in sorted(glob.glob(str(ROOT / "wiremock/mappings/*.json"))):
        yield "wiremock", Path(p), wiremock
    for name, reader in [
        ("wiremock-api/recordings-stop.json", wiremock),
        ("postman/errors.postman_collection.json", postman),
        ("pact/errlint-app-test-api-v2.json", pact), ("pact/errlint-app-test-api-v3.json", pact),
        ("pact/errlint-app-test-api-v4.json", pact),
        ("warc/wget.warc.gz", warc), ("warc/warcio.warc", warc),
        ("betamax/errors.json", betamax), ("betamax/exact-bytes.json", betamax),
    ]:
        yield name, ROOT / name, reader
    for p in glob.glob(str(ROOT / "polly/*/recording.har")):
        yield "polly", Path(p), polly
    yield "go-vcr/errors.yaml", ROOT / "go-vcr/errors.yaml", go_vcr


def dechunk(b):
    out = b""
    while True:
        i = b.index(b"\r\n")
        n = int(b[:i], 16)
        if n == 0:
            return out
        out += b[i + 2:i + 2 + n]
        b = b[i + 2 + n + 2:]


def quirks(name, path, body, h):
    """What the tool did to this response, compared with what server.py sent."""
    q = []
    ce, cl, te = h.get("content-encoding"), h.get("content-length"), h.get("transfer-encoding")
    described = name.startswith("pact/")  # a pact describes a body; it records no transfer
    if path == "/v1/gzip-error" and described:
        q.append("described decoded, without Content-Encoding")
    elif path == "/v1/gzip-error" and body == GZIPPED:
        q.append("the gzip bytes as sent, under `Content-Encoding: gzip`")
    elif path == "/v1/gzip-error" and body == SENT[path]:
        s = "stored decoded" + (" but kept `Content-Encoding: gzip`" if ce else ", dropped Content-Encoding")
        if cl and cl[0] == "46":
            s += (" and " if ce else " but kept ") + "`Content-Length: 46` (body is 26 bytes)"
        elif cl:
            s += f", Content-Length rewritten to {cl[0]}"
        else:
            s += ", no Content-Length"
        q.append(s)
    elif path == "/v1/gzip-error":
        q.append(f"UNEXPECTED body {body[:20]!r}")
    if path == "/v1/orders/ord_1/items" and not described:
        if te and body[:3] == b"14\r":
            assert dechunk(body) == SENT[path]
            q.append("chunked framing as on the wire (chunks of 0x14 and 0x5a bytes)")
        elif te:
            q.append("de-chunked body, kept `Transfer-Encoding: chunked`")
        else:
            q.append("de-chunked, dropped Transfer-Encoding")
    if path == "/v1/binary":
        if body == SENT[path]:
            q.append("exact bytes")
        elif b"\xef\xbf\xbd" in body:
            n = body.count(b"\xef\xbf\xbd")
            q.append(f"LOSSY: saved as text, each of the {n} invalid bytes became U+FFFD ({len(body)} bytes of UTF-8, not the 27 sent)")
        else:
            q.append(f"UNEXPECTED body {body[:20]!r}")
    if path == "/v1/session":
        q.append("Set-Cookie kept" if "set-cookie" in h else "no Set-Cookie (the pact describes only Content-Type)")
    if path not in ("/v1/gzip-error", "/v1/orders/ord_1/items", "/v1/binary"):
        try:
            same = body == SENT[path] or json.loads(body) == json.loads(SENT[path])
        except ValueError:
            same = False
        if not same:
            q.append(f"UNEXPECTED body {body[:20]!r}")
    return q


def render():
    notes = json.loads((HERE / "cassettes_notes.json").read_text(encoding="utf-8"))
    out = [(HERE / "cassettes_intro.md").read_text(encoding="utf-8")]
    wiremock_rows = []
    for name, path, reader in files():
        rows = list(reader(path))
        extra = notes[name]["notes"]
        if name == "wiremock":
            for method, p, status, kind, body, h in rows:
                q = quirks(name, p, body, h) + ([extra[p]] if p in extra else [])
                if kind == "bodyFileName":
                    q.append("body in `__files/` under the same name")
                wiremock_rows.append(f"| `{path.name}` | {method} | `{p}` | {status} | {LABEL[p]} — {kind} | {'; '.join(q) or '—'} |")
            continue
        if wiremock_rows:
            out.append("### `wiremock/`\n\n" + notes["wiremock"]["about"] + "\n\n"
                       "| mapping file (`wiremock/mappings/`) | method | url | status | body (as stored) | quirks |\n"
                       "|---|---|---|---|---|---|\n" + "\n".join(wiremock_rows) + "\n")
            wiremock_rows = []
        table = ["| # | method | path | status | body (as stored) | quirks |", "|---|---|---|---|---|---|"]
        for i, (method, p, status, kind, body, h) in enumerate(rows):
            q = quirks(name, p, body, h) + [v for k, v in ((p, extra.get(p)), (f"#{i}", extra.get(f"#{i}"))) if v]
            table.append(f"| {i} | {method} | `{p}` | {status} | {LABEL[p]} — {kind} | {'; '.join(q) or '—'} |")
        out.append(f"### `{path.relative_to(ROOT)}`\n\n{notes[name]['about']}\n\n" + "\n".join(table) + "\n")
    return "\n".join(out)


if __name__ == "__main__":
    text = render()
    target = ROOT / "CASSETTES.md"
    if "--check" in sys.argv[1:]:
        if target.read_text(encoding="utf-8") != text:
            print("CASSETTES.md is not what the recorded files say: run recorders/cassettes_md.py", file=sys.stderr)
            sys.exit(1)
    else:
        target.write_text(text, encoding="utf-8")
        print("wrote", target)
