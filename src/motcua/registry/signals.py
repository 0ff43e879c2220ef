"""Events other apps listen to (e-ID accounts close on death, certificates are revoked)."""

from django.dispatch import Signal

# sender=Citizen, citizen=…, old_status=…, new_status=…
citizen_status_changed = Signal()
# sender=IdCard, card=…
card_revoked = Signal()
