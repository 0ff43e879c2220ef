from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "motcua.security"
    label = "security"
    verbose_name = _("Cyber-security and audit")

    def ready(self) -> None:
        from motcua.security import signals  # noqa: F401
