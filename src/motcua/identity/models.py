from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    CITIZEN = "citizen", _("Citizen")


class EidLevel(models.IntegerChoices):
    """Decree 69/2024/NĐ-CP: level 1 identity data; level 2 equal to showing the card."""

    NONE = 0, _("No electronic identity")
    LEVEL_1 = 1, _("Level 1")
    LEVEL_2 = 2, _("Level 2")


class User(AbstractUser):
    """Every person who logs in: staff now; citizens and organisations' members later."""

    kind = models.CharField(
        _("account kind"), max_length=16, choices=AccountKind.choices, default=AccountKind.STAFF
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Citizens: the registry record the account is bound to, and its e-ID level.
    citizen = models.OneToOneField(
        "registry.Citizen", models.PROTECT, null=True, blank=True, related_name="account"
    )
    eid_level = models.PositiveSmallIntegerField(
        _("e-ID level"), choices=EidLevel.choices, default=EidLevel.NONE
    )
    level2_verified_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level2_verified_at = models.DateTimeField(_("level 2 verified at"), null=True, blank=True)
    level2_verified_place = models.CharField(
        _("level 2 verified where"), max_length=255, blank=True
    )
    disabled_reason = models.CharField(_("why the account is disabled"), max_length=255, blank=True)
    # TOTP second factor: the base32 secret (set at enrolment), confirmed once a code matched.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(_("second factor enrolled at"), null=True, blank=True)
    # The last TOTP time-step accepted, so a code is never accepted twice.
    totp_last_step = models.BigIntegerField(default=0)

    class Meta:
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        # Names are kept whole in `full_name` (Vietnamese names do not split into first/last).
        return self.full_name or super().get_full_name()


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    CLERK = "clerk", _("Records clerk")
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


class RecoveryCode(models.Model):
    """A one-time code to log in when the authenticator is lost; only its hash is kept."""

    user = models.ForeignKey(User, models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"recovery code of {self.user} ({'used' if self.used_at else 'unused'})"


class AuthFailure(models.Model):
    """One failed password or second-factor check, for throttling and lockout.

    Rows, not in-process counters: every web worker on every machine sees the same count.
    """

    username = models.CharField(max_length=150, db_index=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["source_ip", "created_at"], name="authfailure_ip_time")]

    def __str__(self) -> str:
        return f"{self.username} from {self.source_ip} at {self.created_at:%H:%M:%S}"


class AccountSession(models.Model):
    """A login session as the account owner sees it on the "my account" page."""

    user = models.ForeignKey(User, models.CASCADE, related_name="account_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"session of {self.user} since {self.created_at:%Y-%m-%d %H:%M}"


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ApplicantRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    AUTHORISED_PERSON = "authorised_person", _("Authorised person")


class Organisation(models.Model):
    """An organisation's e-ID account, applied for by a level-2 citizen."""

    name = models.CharField(_("name"), max_length=255)
    # Enterprise / tax code: 10 digits, or 10 digits + "-" + 3 digits for a branch.
    code = models.CharField(_("enterprise or tax code"), max_length=14)
    address = models.CharField(_("address"), max_length=255)
    commune = models.ForeignKey(
        "core.AdministrativeUnit", models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
    )
    applicant = models.ForeignKey(User, models.PROTECT, related_name="organisation_applications")
    applicant_role = models.CharField(
        _("applicant's role"), max_length=32, choices=ApplicantRole.choices
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            # One approved account per code; rejected applications may be repeated.
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="approved"), name="one_approved_organisation"
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="organisation_queue")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def unit_id(self) -> int | None:
        return self.commune_id


class OrganisationDocument(models.Model):
    """A supporting document of an application (PDF, JPEG or PNG)."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="identity/organisations/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class OrganisationRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Legal representative")
    MANAGER = "manager", _("Account manager")
    MEMBER = "member", _("Member")


class OrganisationMember(models.Model):
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="members")
    user = models.ForeignKey(User, models.CASCADE, related_name="organisation_memberships")
    role = models.CharField(_("role"), max_length=32, choices=OrganisationRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.role})"


class SpentAuthorizationCode(models.Model):
    """An authorization code already exchanged, and the tokens it gave.

    django-oauth-toolkit deletes a code once used; this row remembers it, so that a second
    use (a stolen code replayed) revokes the tokens of the first (RFC 6749 §4.1.2).
    """

    code_hash = models.CharField(max_length=64, db_index=True)
    client_id = models.CharField(max_length=100)
    user = models.ForeignKey(User, models.CASCADE, null=True, related_name="+")
    access_token_id = models.BigIntegerField(null=True)
    token_family = models.UUIDField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.client_id} {self.code_hash[:12]}"
