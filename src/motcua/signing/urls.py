"""Public pages of the provincial PKI: verification (/verify/) and CRLs and CA
certificates at fixed addresses (/pki/)."""

from django.urls import path

from motcua.signing import views

app_name = "signing"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<uuid:token>/", views.verify_signed, name="verify_signed"),
    path("pki/crl/<str:serial>.crl", views.crl, name="crl"),
    path("pki/ca/<str:serial>.crt", views.ca_certificate, name="ca_certificate"),
]
