"""Registry events that change accounts (death, card revocation), and session tracking."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from motcua.identity.accounts import services
from motcua.identity.models import User
from motcua.registry.models import CitizenStatus
from motcua.registry.signals import card_revoked, citizen_status_changed


@receiver(citizen_status_changed, dispatch_uid="accounts_close_on_death")
def close_on_death(sender: Any, citizen: Any, new_status: str, **kwargs: Any) -> None:
    if new_status != CitizenStatus.DEAD:
        return
    for user in User.objects.filter(citizen=citizen):
        services.disable_account(user, services.DISABLED_DEATH)


@receiver(card_revoked, dispatch_uid="accounts_close_on_card_revoked")
def close_on_card_revoked(sender: Any, card: Any, **kwargs: Any) -> None:
    # "A card revocation in the registry disables the account at once" (BRIEF §3.3).
    # A card *replaced* by a new one is not revoked and leaves the account alone.
    for user in User.objects.filter(citizen_id=card.citizen_id, is_active=True):
        services.disable_account(user, services.DISABLED_CARD_REVOKED)


@receiver(user_logged_in, dispatch_uid="accounts_track_session")
def track_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and isinstance(user, User):
        services.start_session(request, user)


@receiver(user_logged_out, dispatch_uid="accounts_end_session")
def end_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.close_session(request.session.session_key)
