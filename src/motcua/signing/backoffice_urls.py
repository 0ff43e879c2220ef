"""Certificate management for administrators, under /backoffice/signing/."""

from django.urls import path

from motcua.signing import backoffice_views

app_name = "signing_backoffice"
urlpatterns = [
    path("", backoffice_views.certificate_list, name="list"),
    path("officers/", backoffice_views.issue_officer, name="issue_officer"),
    path("seals/", backoffice_views.issue_seal, name="issue_seal"),
    path("<str:serial>/revoke/", backoffice_views.revoke, name="revoke"),
]
