"""Citizen-facing organisation pages (/organisations/): apply, my organisations."""

from django.urls import path

from motcua.identity.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.my_organisations, name="mine"),
    path("apply/", views.apply, name="apply"),
]
