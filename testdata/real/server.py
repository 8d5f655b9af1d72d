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

    if chunks is None:
        if not any(name == b"content-length" for name, _ in headers):
            headers = headers + [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    else:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for i, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": i + 1 < len(chunks)})
