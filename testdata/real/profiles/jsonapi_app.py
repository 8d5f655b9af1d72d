"""A Django REST framework JSON:API app: its errors are JSON:API error documents, made by
djangorestframework-jsonapi's exception handler and renderer.

Served (ASGI) by hypercorn on 127.0.0.1 for make_captures.sh.
"""

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="errlint-test-only",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    MIDDLEWARE=[],
    DATABASES={},
    REST_FRAMEWORK={
        "EXCEPTION_HANDLER": "rest_framework_json_api.exceptions.exception_handler",
        "DEFAULT_RENDERER_CLASSES": ["rest_framework_json_api.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework_json_api.parsers.JSONParser"],
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "UNAUTHENTICATED_USER": None,
    },
)
django.setup()

from django.core.asgi import get_asgi_application  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework import exceptions, serializers  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class Article(serializers.Serializer):
    title = serializers.CharField(max_length=5)
    rating = serializers.IntegerField(min_value=1)

    class Meta:
        resource_name = "articles"


class ArticleDetail(APIView):
    resource_name = "articles"

    def get(self, request, pk):
        if pk == 1:
            return Response({"id": 1, "title": "Hello", "rating": 5})
        raise exceptions.NotFound(f"No article {pk}.")


class ArticleThrottled(APIView):
    resource_name = "articles"

    def get(self, request):
        raise exceptions.Throttled(wait=30)


class ArticleMixed(APIView):
    """Answers 422 with error objects of two statuses, where JSON:API wants their class."""

    resource_name = "articles"

    def get(self, request):
        errors = [
            {"status": "422", "code": "invalid", "detail": "Title is too long.",
             "source": {"pointer": "/data/attributes/title"}},
            {"status": "415", "code": "unsupported_media_type",
             "detail": "Send application/vnd.api+json."},
        ]
        return Response(errors, status=422, exception=True)


urlpatterns = [
    path("v1/articles/<int:pk>", ArticleDetail.as_view()),
    path("v1/articles/throttled", ArticleThrottled.as_view()),
    path("v1/articles/mixed", ArticleMixed.as_view()),
]

app = get_asgi_application()
