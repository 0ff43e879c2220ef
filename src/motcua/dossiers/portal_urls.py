"""Citizen-facing pages of the one-stop engine, under /dossiers/."""

from django.urls import path

from motcua.dossiers import portal_views as views

app_name = "dossiers_portal"
urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("procedures/", views.procedures, name="procedures"),
    path("procedures/<str:code>/", views.procedure, name="procedure"),
    path("submit/<str:code>/", views.submit, name="submit"),
    path("mine/", views.mine, name="mine"),
    path("mine/<str:code>/", views.detail, name="detail"),
    path("mine/<str:code>/supplement/", views.provide_supplement, name="supplement"),
    path("mine/<str:code>/withdraw/", views.withdraw, name="withdraw"),
    path("mine/<str:code>/pay/", views.pay, name="pay"),
    path("mine/<str:code>/rate/", views.rate, name="rate"),
    path("mine/<str:code>/forms/<str:number>.pdf", views.form_pdf, name="form_pdf"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.mark_all_read, name="mark_all_read"),
    path("inbox/unread/", views.unread_count, name="unread_count"),
]
