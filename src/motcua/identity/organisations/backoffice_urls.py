"""Officers' organisation queue (/backoffice/organisations/)."""

app_name = "organisations_backoffice"
urlpatterns: list = []
