"""The provider's pages, adapted from django-oauth-toolkit's: who may authorize, which
login page, the keys published, the discovery document."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from oauth2_provider import views as dot

from motcua.identity.oidc.eligibility import ACR_PREFIX, ACR_STAFF, may_authorize
from motcua.identity.oidc.validator import signing_keys
from motcua.security.models import AuditAction
from motcua.security.services import record


class AuthorizationView(dot.AuthorizationView):
    """The consent step. Anonymous people go to the citizen login and come back here."""

    def get_login_url(self) -> str:
        return str(settings.MOTCUA_OIDC_LOGIN_URL)

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        record(
            AuditAction.PERMISSION_DENIED,
            request=request,
            data={"path": request.path[:255], "client_id": request.GET.get("client_id", "")[:100]},
        )
        return render(request, "oauth2_provider/not_eligible.html", status=403)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_authorize(request.user):
            return self._refuse(request)
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_authorize(request.user):
            return self._refuse(request)
        return super().post(request, *args, **kwargs)


class DiscoveryView(dot.ConnectDiscoveryInfoView):
    """The discovery document, stating only what this provider does."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data["id_token_signing_alg_values_supported"] = ["RS256"]
        data["code_challenge_methods_supported"] = ["S256"]
        data["grant_types_supported"] = ["authorization_code", "refresh_token"]
        data["acr_values_supported"] = [f"{ACR_PREFIX}1", f"{ACR_PREFIX}2", ACR_STAFF]
        adjusted = JsonResponse(data)
        adjusted["Access-Control-Allow-Origin"] = "*"
        return adjusted


class JwksView(dot.JwksInfoView):
    """Every key a live token may be signed with: the active one and the previous ones."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        published = []
        for key in signing_keys().all_jwks():
            data = {"alg": "RS256", "use": "sig", "kid": key.thumbprint()}
            data.update(json.loads(key.export_public()))
            published.append(data)
        response = JsonResponse({"keys": published})
        response["Access-Control-Allow-Origin"] = "*"
        max_age = settings.OAUTH2_PROVIDER.get("OIDC_JWKS_MAX_AGE_SECONDS", 600)
        response["Cache-Control"] = f"public, max-age={max_age}"
        return response
