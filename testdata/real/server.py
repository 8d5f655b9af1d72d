"""A local API that answers with the error bodies errlint is tested on.

Served by hypercorn (HTTP/1.1 and h2c) on 127.0.0.1 only; make_captures.sh points real
clients (curl, headless Chromium) at it and commits what they record. Plain ASGI, no
framework, so every header and byte on the wire is the one written here.
"""

import gzip
import json

GOOD_404 = {"type": "invalid_request", "code": "resource_missing",
            "message": "No such customer.", "param": "id"}
WRONG_TYPE_429 = {"type": "api", "code": "too_many_requests",
                  "message": "Slow down.", "param": None}
LEAKY_500 = {"type": "api", "code": "InternalError",
             "message": "java.lang.NullPointerException at com.acme.Orders.get(Orders.java:42)",
             "param": None}
WRONG_TYPE_403 = {"type": "invalid_request", "code": "forbidden",
                  "message": "You cannot see this order.", "param": "order.id"}
MISSING_FIELDS_400 = {"error": "invalid email"}
# Added for make_cassettes.sh; the bodies above stay byte for byte as committed captures hold them.
# The message comes before `type` so a finding on /type sits after multi-byte characters.
UNICODE_404 = {"message": "Kundenkonto nicht gefunden – ü€😀", "type": "api",
               "code": "customer_missing", "param": "id"}
SESSION_401 = {"type": "authentication", "code": "session_expired",
               "message": "Please sign in again.", "param": None}
# Not UTF-8, not JSON, and not starting with `{` or `[`: a body no text decoder round-trips.
BINARY_500 = b"\x89ERR\r\n\x1a\n\x00\x01\x02\xfe\xff\x80\xc3\x28 core dump\n"
GATEWAY_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"

PAGE = b"""<!doctype html><html><body><script>
async function go() {
  for (const path of ['/v1/customers/cus_missing', '/v1/orders', '/v1/charges',
                      '/v1/gateway', '/v1/ok', '/v1/orders/ord_1/items', '/v1/empty']) {
    try { await fetch(path, {headers: {'Accept': 'application/json'}}); } catch (e) {}
  }
  document.title = 'done';
}
go();
</script></body></html>"""


def json_body(obj):
    return json.dumps(obj).encode()


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    # Drain the request body (curl sends one for POST).
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)

    status, headers, body, chunks = 404, [], b"", None
    ctype = [(b"content-type", b"application/json")]
    if path == "/":
        status, headers, body = 200, [(b"content-type", b"text/html")], PAGE
    elif path == "/v1/customers/cus_missing":
        status, headers, body = 404, ctype, json_body(GOOD_404)
    elif path == "/v1/orders":
        status, headers, body = 429, ctype + [(b"retry-after", b"1")], json_body(WRONG_TYPE_429)
    elif path == "/v1/old-orders":
        status, headers, body = 301, [(b"location", b"/v1/orders"), (b"content-type", b"text/plain")], b"moved\n"
    elif path == "/v1/charges":
        status, headers, body = 500, ctype, json_body(LEAKY_500)
    elif path == "/v1/gateway":
        status, headers, body = 502, [(b"content-type", b"text/html")], GATEWAY_PAGE
    elif path == "/v1/gzip-error":
        status = 400
        headers = ctype + [(b"content-encoding", b"gzip")]
        body = gzip.compress(json_body(MISSING_FIELDS_400), mtime=0)
    elif path == "/v1/orders/ord_1/items":
        # No content-length: HTTP/1.1 answers with chunked framing.
        status, headers, chunks = 403, ctype, [json_body(WRONG_TYPE_403)[:20], json_body(WRONG_TYPE_403)[20:]]
    elif path == "/v1/empty":
        status, headers, body = 503, [(b"content-length", b"0")], b""
    elif path == "/v1/ok":
        status, headers, body = 200, ctype, json_body({"id": "cus_1", "object": "customer"})
    elif path == "/v1/no-content":
        status, headers, body = 204, [], b""
    elif path == "/v1/unicode-404":
        status = 404
        headers = [(b"content-type", b"application/json; charset=utf-8")]
        body = json.dumps(UNICODE_404, ensure_ascii=False).encode()
    elif path == "/v1/binary":
        status, headers, body = 500, [(b"content-type", b"application/octet-stream")], BINARY_500
    elif path == "/v1/session":
        # A secret in a response header: errlint must never print it.
        status = 401
        headers = ctype + [(b"set-cookie", b"session=CANARY-set-cookie-rec; Path=/; HttpOnly")]
        body = json_body(SESSION_401)

    if chunks is None:
        if not any(name == b"content-length" for name, _ in headers):
            headers = headers + [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    else:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for i, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": i + 1 < len(chunks)})
