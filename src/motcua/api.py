"""The HTTP API (django-ninja), mounted at /api/ with OpenAPI docs at /api/docs.

Each app contributes a router from its own `api.py`; errors users can cause come back as
4xx with a translated `detail`, never a bare 500.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import django_auth

from motcua import __version__
from motcua.catalog.api import router as catalog_router
from motcua.core.api import router as core_router
from motcua.core.exceptions import DomainError
from motcua.dossiers.api import router as dossiers_router
from motcua.registry.api import router as registry_router
from motcua.security.api import router as security_router
from motcua.signing.api import router as signing_router
from motcua.warehouse.api import router as warehouse_router

api = NinjaAPI(
    title="motcua API",
    version=__version__,
    description="One-stop dossiers, registry, e-ID and programme data of the province.",
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or _("You do not have permission to see this.")
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.message, "code": exc.code}, status=exc.status_code
    )


api.add_router("/core/", core_router)
api.add_router("/catalog/", catalog_router)
api.add_router("/dossiers/", dossiers_router)
api.add_router("/registry/", registry_router)
api.add_router("/security/", security_router)
api.add_router("/warehouse/", warehouse_router)
api.add_router("/signing/", signing_router)
