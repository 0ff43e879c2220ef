import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# QCVN 102:2016: four groups written from the lowest level up, e.g. 000.00.14.H49.
AGENCY_CODE_REGEX = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"
agency_code_validator = RegexValidator(
    AGENCY_CODE_REGEX,
    _("An agency code has the QCVN 102:2016 form 000.00.00.H49."),
)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District (before 1 July 2025)")
    COMMUNE = "commune", _("Commune")


class AdministrativeUnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    def valid_on(self, day: datetime.date) -> "AdministrativeUnitQuerySet":
        return self.filter(
            Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        )

    def current(self) -> "AdministrativeUnitQuerySet":
        return self.filter(valid_to__isnull=True)


class AdministrativeUnit(models.Model):
    """A province, commune or (historic) district, valid over a span of dates.

    Codes are the General Statistics Office's: 2-digit provinces since 1 July 2025, 3-digit
    before (the prefix of personal ID numbers), 5-digit communes. A code may be reused
    across eras, so it is unique together with level and start date.
    """

    code = models.CharField(_("code"), max_length=8, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=UnitLevel.choices)
    division_type = models.CharField(_("division type"), max_length=64)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors"
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"], name="unit_code_unique_per_era"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    DEPARTMENT = "department", _("Department or branch")
    SERVICE_CENTRE = "service_centre", _("Public Administration Service Centre")
    POLICE = "police", _("Police")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """A state agency that receives or handles dossiers, identified by its QCVN 102 code."""

    code = models.CharField(
        _("code"), max_length=32, unique=True, validators=[agency_code_validator]
    )
    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(_("level"), max_length=16, choices=AgencyLevel.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="agencies", verbose_name=_("unit")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CalendarOverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Extra day off")
    WORKING_DAY = "working_day", _("Compensatory working day")


class CalendarOverride(models.Model):
    """A province's own change to the national calendar for one date."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarOverrideKind.choices)
    reason = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey(
        "identity.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"
