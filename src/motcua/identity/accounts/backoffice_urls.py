"""Officers' pages for citizen accounts (/backoffice/identity/): the level-2 queue."""

app_name = "identity_backoffice"
urlpatterns: list = []
