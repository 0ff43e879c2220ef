from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.backoffice import views
from motcua.identity.accounts import views as account_views

app_name = "backoffice"
urlpatterns = [
    # Password, then the second factor (identity/accounts/login.py), with lockout.
    path("login/", account_views.staff_login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", views.calendar_remove, name="calendar_remove"),
    path("audit/", views.audit_trail, name="audit"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
]
