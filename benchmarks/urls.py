"""The bench's urlconf: the whole site plus a baseline view, the cheapest authenticated write
a request can do (one INSERT), to compare the submission API against on the same stack."""

import json

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from motcua.urls import handler403, handler404
from motcua.urls import urlpatterns as site

BASELINE_TABLE = "bench_baseline_insert"

__all__ = ["handler403", "handler404", "urlpatterns"]


@login_required
@require_POST
def baseline_insert(request: HttpRequest) -> HttpResponse:
    body = json.loads(request.body or b"{}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BASELINE_TABLE} (user_id, payload) VALUES (%s, %s) RETURNING id",
            [request.user.pk, json.dumps(body)],
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [path("bench/baseline/", baseline_insert), *site]
