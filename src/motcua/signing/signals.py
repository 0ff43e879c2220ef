"""A citizen's death revokes their signing certificate (BRIEF §3.8)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from motcua.registry.models import CitizenStatus
from motcua.registry.signals import citizen_status_changed
from motcua.signing.models import Certificate, CertificateKind, RevocationReason


@receiver(citizen_status_changed, dispatch_uid="signing_revoke_on_death")
def revoke_on_death(sender: Any, citizen: Any, new_status: str, **kwargs: Any) -> None:
    if new_status != CitizenStatus.DEAD:
        return
    from motcua.signing.services import revoke

    live = Certificate.objects.filter(
        kind=CertificateKind.CITIZEN, holder__citizen=citizen, revoked_at__isnull=True
    )
    for certificate in live:
        revoke(certificate, reason=RevocationReason.CESSATION_OF_OPERATION, actor=None)
