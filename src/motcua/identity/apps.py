from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "motcua.identity"
    label = "identity"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from motcua.identity import admin_site
        from motcua.identity.accounts import signals  # noqa: F401

        admin_site.install()
