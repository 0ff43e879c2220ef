from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "motcua.signing"
    label = "signing"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:
        from motcua.signing import signals  # noqa: F401  (revocation on death)
