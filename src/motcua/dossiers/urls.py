"""Back-office pages of the one-stop engine, under /backoffice/dossiers/."""

from django.urls import path  # noqa: F401

app_name = "dossiers"
urlpatterns: list = []
