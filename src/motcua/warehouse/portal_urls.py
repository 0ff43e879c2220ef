"""The citizen's warehouse pages, under /documents/."""

from django.urls import path

from motcua.warehouse import portal_views as views

app_name = "warehouse_portal"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/download/", views.download, name="download"),
]
