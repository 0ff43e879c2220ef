from django.contrib import admin
from django.urls import include, path

from motcua.api import api
from motcua.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("motcua.identity.oidc.urls")),
    path("account/", include("motcua.identity.accounts.urls")),
    path("organisations/", include("motcua.identity.organisations.urls")),
    path("backoffice/identity/", include("motcua.identity.accounts.backoffice_urls")),
    path("backoffice/organisations/", include("motcua.identity.organisations.backoffice_urls")),
    path("backoffice/registry/", include("motcua.registry.urls")),
    path("backoffice/catalog/", include("motcua.catalog.urls")),
    path("backoffice/dossiers/", include("motcua.dossiers.urls")),
    path("dossiers/", include("motcua.dossiers.portal_urls")),
    path("backoffice/", include("motcua.backoffice.urls")),
    path("documents/", include("motcua.warehouse.portal_urls")),
    path("account/signature/", include("motcua.signing.portal_urls")),
    path("backoffice/signing/", include("motcua.signing.backoffice_urls")),
    path("", include("motcua.signing.urls")),  # /verify/, /pki/ (public)
    path("", include("motcua.portal.urls")),
]

handler403 = "motcua.core.views.forbidden"
handler404 = "motcua.core.views.not_found"
