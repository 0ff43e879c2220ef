"""Officers' organisation queue (/backoffice/organisations/)."""

from django.urls import path

from motcua.identity.organisations import backoffice_views as views

app_name = "organisations_backoffice"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/approve/", views.approve_view, name="approve"),
    path("<int:pk>/reject/", views.reject_view, name="reject"),
    path("<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
]
