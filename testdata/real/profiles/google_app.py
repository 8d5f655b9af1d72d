"""Google-style (AIP-193) errors built with Google's own error protos.

`google.rpc.Status` and its detail messages come from googleapis-common-protos, the canonical
code names from `google.rpc.Code`, the HTTP status of each code from google-api-core's
exception classes, and the JSON from protobuf's `json_format`, as Google's HTTP front ends render
them: `{"error": {"code", "message", "status", "details"}}`. Plain ASGI, served by hypercorn on
127.0.0.1 for make_captures.sh. One route sends a code that does not match its status.
"""

import json

from google.api_core import exceptions
from google.protobuf import any_pb2, json_format
from google.rpc import code_pb2, error_details_pb2


def error_body(exception, code, message, details=(), http_status=None):
    # api-core's exception class for the canonical code carries its HTTP status.
    http = http_status or exception.code
    packed = []
    for detail in details:
        item = any_pb2.Any()
        item.Pack(detail)
        packed.append(json_format.MessageToDict(item))
    body = {"error": {"code": int(http), "message": message,
                      "status": code_pb2.Code.Name(code), "details": packed}}
    return int(http), json.dumps(body, indent=2).encode()


def route(path):
    if path == "/v1/projects/p1/books/missing":
        return error_body(exceptions.NotFound, code_pb2.NOT_FOUND, "Book not found.", [
            error_details_pb2.ResourceInfo(resource_type="book", resource_name="projects/p1/books/missing")])
    if path == "/v1/projects/p1/books:search":
        return error_body(exceptions.InvalidArgument, code_pb2.INVALID_ARGUMENT, "Invalid page size.", [
            error_details_pb2.BadRequest(field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field="page_size", description="must be positive")])])
    if path == "/v1/projects/p1/quota":
        return error_body(exceptions.ResourceExhausted, code_pb2.RESOURCE_EXHAUSTED, "Quota exceeded.", [
            error_details_pb2.ErrorInfo(reason="RATE_LIMIT_EXCEEDED", domain="example.com")])
    if path == "/v1/projects/p1/books/locked":
        # Sent as 404 while the code says FAILED_PRECONDITION (400): the status line and the
        # body disagree.
        return error_body(exceptions.FailedPrecondition, code_pb2.FAILED_PRECONDITION,
                          "The book is locked.", http_status=404)
    return 200, b'{"name": "projects/p1/books/1"}'


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    status, body = route(scope["path"])
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=UTF-8")]})
    await send({"type": "http.response.body", "body": body})
