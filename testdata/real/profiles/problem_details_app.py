"""A Connexion 3 API: every error it sends is RFC 9457 problem details, by Connexion's default.

Served by hypercorn on 127.0.0.1 for make_captures.sh. The 404 for an unknown path, the 400
for a bad query parameter, the 405 and the 500 for an unhandled exception are Connexion's own; one
handler answers a 422 with a problem it built for a 400, the mistake errlint should find.
"""

from connexion import AsyncApp
from connexion.problem import problem

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "books", "version": "1"},
    "paths": {
        "/v1/books/{book_id}": {
            "get": {
                "operationId": "problem_details_app.get_book",
                "parameters": [{"name": "book_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "a book"}},
            }
        },
        "/v1/books": {
            "get": {
                "operationId": "problem_details_app.list_books",
                "parameters": [{"name": "limit", "in": "query", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "books"}},
            }
        },
        "/v1/orders": {
            "post": {
                "operationId": "problem_details_app.create_order",
                "responses": {
                    "201": {"description": "created"},
                    "422": {"description": "invalid",
                            "content": {"application/problem+json": {"schema": {"type": "object"}}}},
                },
            }
        },
        "/v1/crash": {
            "get": {
                "operationId": "problem_details_app.crash",
                "responses": {"200": {"description": "never"}},
            }
        },
    },
}


def get_book(book_id):
    if book_id == 1:
        return {"id": 1, "title": "Dune"}
    return problem(404, "Not Found", f"No book {book_id}.")


def list_books(limit):
    return [{"id": 1, "title": "Dune"}][:limit]


def create_order():
    # The body says 400, the status line 422: clients that trust one of them are misled.
    body = {"type": "about:blank", "title": "Bad Request", "status": 400,
            "detail": "The order has no items."}
    return body, 422, {"Content-Type": "application/problem+json"}


def crash():
    raise RuntimeError("boom")


app = AsyncApp(__name__)
app.add_api(SPEC)
