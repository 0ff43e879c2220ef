from django.urls import path

from motcua.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("citizens/<str:id_number>/", views.citizen_detail, name="citizen"),
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.import_progress, name="import_progress"),
    path("import/<int:pk>/errors.csv", views.import_errors, name="import_errors"),
    path("quality/", views.quality_dashboard, name="quality"),
    path("quality/scan/", views.quality_scan, name="quality_scan"),
    path("quality/issues/", views.issue_queue, name="issues"),
    path("quality/issues/<int:pk>/resolve/", views.resolve, name="resolve"),
]
