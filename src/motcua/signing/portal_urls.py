"""Citizens' "my signature" pages, under /account/signature/."""

app_name = "signing_portal"
urlpatterns: list = []
