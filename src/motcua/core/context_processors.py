from django.conf import settings
from django.http import HttpRequest


def languages(request: HttpRequest) -> dict:
    """Each language named in itself ("Tiếng Việt", "English"), never translated."""
    return {"motcua_languages": settings.LANGUAGES}
