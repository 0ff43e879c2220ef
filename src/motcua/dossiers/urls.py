"""Back-office pages of the one-stop engine, under /backoffice/dossiers/."""

from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.intake, name="intake"),
    path("sla/", views.sla, name="sla"),
    path("<str:code>/", views.dossier_detail, name="detail"),
    path("<str:code>/forms/<str:number>.pdf", views.form_pdf, name="form_pdf"),
    path("<str:code>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<str:code>/papers/", views.digitise_papers, name="digitise_papers"),
    path("<str:code>/documents/<int:pk>/", views.document, name="document"),
]
