"""Citizens' "my signature" pages, under /account/signature/."""

from django.urls import path

from motcua.signing import portal_views

app_name = "signing_portal"
urlpatterns = [
    path("", portal_views.mine, name="mine"),
    path("request/", portal_views.request_certificate, name="request"),
    path("revoke/<str:serial>/", portal_views.revoke_certificate, name="revoke"),
    path("sign/<str:code>/", portal_views.sign, name="sign"),
]
