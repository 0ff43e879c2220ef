from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class CitizenStatus(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DEAD = "dead", _("Dead")
    MOVED_OUT = "moved_out", _("Moved out of the province")


class Citizen(models.Model):
    """A person in the population registry, keyed by the 12-digit personal ID number.

    Fields other than the number may be missing or wrong in imported data: the quality
    rules find those; the registry keeps the record rather than losing it.
    """

    id_number = models.CharField(_("personal ID number"), max_length=12)
    full_name = models.CharField(_("full name"), max_length=150)
    # Diacritic-free, lower-case copy of the name (names.name_key), indexed for search.
    name_key = models.CharField(max_length=150, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    birth_province_code = models.CharField(
        _("province of birth registration"), max_length=3, blank=True
    )
    nationality = models.CharField(_("nationality"), max_length=2, default="VN", blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True)
    religion = models.CharField(_("religion"), max_length=50, blank=True)
    permanent_address = models.CharField(_("permanent residence"), max_length=255, blank=True)
    # Indexed by citizen_commune_status, which starts with it.
    permanent_commune = models.ForeignKey(
        "core.AdministrativeUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("commune of permanent residence"),
    )
    temporary_address = models.CharField(_("temporary residence"), max_length=255, blank=True)
    temporary_commune = models.ForeignKey(
        "core.AdministrativeUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("commune of temporary residence"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CitizenStatus.choices, default=CitizenStatus.ALIVE
    )
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        # Every index slows bulk imports: these are the ones search and the scan use. A
        # constraint rather than unique=True spares PostgreSQL a second (LIKE) index.
        constraints = [
            models.UniqueConstraint(fields=["id_number"], name="citizen_id_number_unique"),
        ]
        indexes = [
            # PostgreSQL: pattern ops serve = and LIKE 'prefix%'; SQLite: a plain b-tree.
            models.Index(
                fields=["name_key"], name="citizen_name_key", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["birth_date", "sex"], name="citizen_birth_sex"),
            models.Index(fields=["permanent_commune", "status"], name="citizen_commune_status"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.id_number})"

    @property
    def unit_id(self) -> int | None:
        """The commune that scopes staff access to this record."""
        return self.permanent_commune_id


class Household(models.Model):
    """A digitised household registration (sổ hộ khẩu điện tử)."""

    number = models.CharField(_("household number"), max_length=20, unique=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    commune = models.ForeignKey(
        "core.AdministrativeUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.number

    @property
    def unit_id(self) -> int | None:
        return self.commune_id


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative")


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, models.CASCADE, related_name="members")
    citizen = models.ForeignKey(Citizen, models.CASCADE, related_name="memberships")
    relation = models.CharField(_("relation to the head"), max_length=16, choices=Relation.choices)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            # A person belongs to one household at a time.
            models.UniqueConstraint(
                fields=["citizen"], condition=Q(left_on__isnull=True), name="one_current_household"
            ),
        ]
        indexes = [models.Index(fields=["household", "relation"], name="member_household_rel")]

    def __str__(self) -> str:
        return f"{self.citizen} — {self.get_relation_display()}"


class IdCardStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REPLACED = "replaced", _("Replaced")
    REVOKED = "revoked", _("Revoked")


class IdCard(models.Model):
    """A chip identity card. Expiry follows the renewal ages 14, 25, 40 and 60."""

    citizen = models.ForeignKey(Citizen, models.CASCADE, related_name="cards")
    number = models.CharField(_("card number"), max_length=12)
    issue_date = models.DateField(_("issue date"))
    # None: valid for life (issued from age 58 on).
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=IdCardStatus.choices, default=IdCardStatus.VALID
    )

    class Meta:
        verbose_name = _("ID card")
        verbose_name_plural = _("ID cards")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen"], condition=Q(status="valid"), name="one_valid_card"
            ),
        ]
        indexes = [models.Index(fields=["status", "expiry_date"], name="card_status_expiry")]

    def __str__(self) -> str:
        return f"{self.number} ({self.issue_date:%d/%m/%Y})"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One bulk import of a CSV or XLSX file, with its progress and its error report."""

    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="registry/imports/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows read"), default=0)
    created_rows = models.PositiveIntegerField(_("new records"), default=0)
    updated_rows = models.PositiveIntegerField(_("changed records"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("unchanged records"), default=0)
    invalid_rows = models.PositiveIntegerField(_("rejected rows"), default=0)
    # CSV: row number, ID number, reason — one line per rejected row.
    error_report = models.FileField(
        _("error report"), upload_to="registry/import-errors/%Y/%m/", blank=True
    )
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        "identity.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class QualityAttribute(models.TextChoices):
    CORRECT = "correct", _("Correct")
    SUFFICIENT = "sufficient", _("Sufficient")
    CLEAN = "clean", _("Clean")
    LIVE = "live", _("Live")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FIXED = "fixed", _("Fixed")
    DISMISSED = "dismissed", _("Dismissed")


class QualityIssue(models.Model):
    """One breach of a data-quality rule by one record (or one pair, for duplicates).

    (rule, subject_key) identifies it across scans: a re-scan reopens nothing dismissed,
    closes what no longer breaks the rule, and adds what is new.
    """

    rule = models.CharField(_("rule"), max_length=48)
    attribute = models.CharField(_("attribute"), max_length=16, choices=QualityAttribute.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    subject_key = models.CharField(max_length=64)
    citizen = models.ForeignKey(
        Citizen, models.CASCADE, null=True, blank=True, related_name="quality_issues"
    )
    other_citizen = models.ForeignKey(
        Citizen, models.CASCADE, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        Household, models.CASCADE, null=True, blank=True, related_name="quality_issues"
    )
    commune = models.ForeignKey(
        "core.AdministrativeUnit", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    detected_at = models.DateTimeField(_("detected at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        "identity.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("data-quality issue")
        verbose_name_plural = _("data-quality issues")
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject_key"], name="quality_issue_subject"),
        ]
        indexes = [
            models.Index(fields=["status", "commune", "attribute"], name="issue_queue"),
            models.Index(fields=["citizen", "status"], name="issue_citizen"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject_key} ({self.status})"

    @property
    def unit_id(self) -> int | None:
        return self.commune_id


class QualityScan(models.Model):
    """One run of the quality rules, with how long it took and what it found."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    citizens = models.PositiveIntegerField(_("citizens scanned"), default=0)
    opened = models.PositiveIntegerField(_("issues opened"), default=0)
    closed = models.PositiveIntegerField(_("issues closed"), default=0)
    # {rule: number of records breaking it}
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("quality scan")
        verbose_name_plural = _("quality scans")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
