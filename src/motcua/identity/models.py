from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    CITIZEN = "citizen", _("Citizen")


class User(AbstractUser):
    """Every person who logs in: staff now; citizens and organisations' members later."""

    kind = models.CharField(
        _("account kind"), max_length=16, choices=AccountKind.choices, default=AccountKind.STAFF
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    REGISTRY_OFFICER = "registry_officer", _("Registry officer")
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer")
    SECURITY_OFFICER = "security_officer", _("Security officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class RoleAssignment(models.Model):
    """A staff role held within a scope: an agency (and the agencies under it) and/or an
    administrative unit (and the units under it)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    agency = models.ForeignKey(
        "core.Agency", models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    unit = models.ForeignKey(
        "core.AdministrativeUnit",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    granted_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=False) | Q(unit__isnull=False),
                name="role_has_a_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agency", "unit"], name="role_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        scope = self.agency or self.unit
        return f"{self.user} — {self.get_role_display()} — {scope}"
