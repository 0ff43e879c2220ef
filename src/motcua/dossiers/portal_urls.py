"""Citizen-facing pages of the one-stop engine, under /dossiers/."""

from django.urls import path  # noqa: F401

app_name = "dossiers_portal"
urlpatterns: list = []
