"""Certificate management for administrators, under /backoffice/signing/."""

app_name = "signing_backoffice"
urlpatterns: list = []
