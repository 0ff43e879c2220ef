"""Citizen-facing organisation pages (/organisations/): apply, my organisations."""

app_name = "organisations"
urlpatterns: list = []
