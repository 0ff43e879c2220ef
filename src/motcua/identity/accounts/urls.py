"""Citizen account pages (/account/): sign-up, login with second factor, recovery, my account."""

app_name = "accounts"
urlpatterns: list = []
