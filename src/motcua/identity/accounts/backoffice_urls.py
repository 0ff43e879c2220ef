"""Officers' pages for citizen accounts (/backoffice/identity/): the level-2 queue."""

from django.urls import path

from motcua.identity.accounts import backoffice_views

app_name = "identity_backoffice"
urlpatterns = [
    path("level2/", backoffice_views.level2_queue, name="level2"),
    path("level2/<str:id_number>/", backoffice_views.level2_raise, name="level2_raise"),
]
