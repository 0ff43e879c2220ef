"""Citizen account pages (/account/): sign-up, login with second factor, recovery, my account."""

from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.identity.accounts import account_views, views

app_name = "accounts"
urlpatterns = [
    path("", account_views.account, name="account"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.citizen_login, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("login/recovery/", views.login_recovery, name="login_recovery"),
    path("second-factor/", views.enrol, name="enrol"),
    path("recovery-codes/", account_views.regenerate_codes, name="regenerate_codes"),
    path("password/", account_views.password_change, name="password_change"),
    path("level2-needed/", account_views.level2_needed, name="level2_needed"),
    path("logout/", auth_views.LogoutView.as_view(next_page="portal:home"), name="logout"),
]
