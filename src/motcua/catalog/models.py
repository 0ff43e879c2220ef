"""The procedure catalog: procedures, required papers, fees, step templates, essentials."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AgencyLevel
from motcua.identity.models import Role

HOURS_PER_WORKING_DAY = 8


class ReuseSource(models.TextChoices):
    REGISTRY = "registry", _("Population registry")
    WAREHOUSE = "warehouse", _("Data warehouse")
    NONE = "none", _("Not reusable")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Fully online")
    PARTIAL = "partial", _("Partly online")


class Step(models.TextChoices):
    """The five electronic steps of the one-stop engine, in order."""

    RECEIVE = "receive", _("Receive")
    DIGITISE = "digitise", _("Digitise")
    APPRAISE = "appraise", _("Appraise and process")
    APPROVE = "approve", _("Approve and sign")
    RETURN = "return", _("Return the result")


STEP_ORDER: dict[str, int] = {step.value: index for index, step in enumerate(Step, start=1)}


class DocumentType(models.Model):
    """A kind of paper a procedure may ask for, and whether data already held replaces it."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    reuse_source = models.CharField(
        _("reusable from"), max_length=16, choices=ReuseSource.choices, default=ReuseSource.NONE
    )

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure as published in the national database."""

    code = models.CharField(_("national code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=500)
    sector = models.CharField(_("sector"), max_length=128, db_index=True)
    agency_level = models.CharField(_("handling level"), max_length=16, choices=AgencyLevel.choices)
    agency = models.ForeignKey(
        "core.Agency",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name=_("handling agency"),
    )
    online_level = models.CharField(_("online level"), max_length=16, choices=OnlineLevel.choices)
    eid_level = models.PositiveSmallIntegerField(
        _("e-ID level required"), validators=[MinValueValidator(1), MaxValueValidator(2)]
    )
    processing_hours = models.PositiveIntegerField(_("processing time (working hours)"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    # The application form's fields: [{"name", "label", "type", "required", "choices"}],
    # type one of text, date, id_number, choice, number (see dossiers.formdata).
    form_fields = models.JSONField(_("form fields"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def processing_days(self) -> float:
        return self.processing_hours / HOURS_PER_WORKING_DAY


class ProcedureDocument(models.Model):
    procedure = models.ForeignKey(Procedure, models.CASCADE, related_name="documents")
    document_type = models.ForeignKey(
        DocumentType, models.PROTECT, related_name="+", verbose_name=_("document type")
    )
    required = models.BooleanField(_("required"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "document_type"], name="procedure_document_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.document_type)


class ProcedureFee(models.Model):
    procedure = models.ForeignKey(Procedure, models.CASCADE, related_name="fees")
    label = models.CharField(_("label"), max_length=255)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount}"


class StepTemplate(models.Model):
    """One of a procedure's five steps: who does it and its share of the processing time."""

    procedure = models.ForeignKey(Procedure, models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    share_percent = models.PositiveSmallIntegerField(
        _("share of processing time (%)"), validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("step template")
        verbose_name_plural = _("step templates")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "step"], name="procedure_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_step_display()}"


class EssentialService(models.Model):
    """One of the province's 53 essential public services."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(53)]
    )
    name = models.CharField(_("name"), max_length=500)
    is_project06 = models.BooleanField(_("Project 06 service"), default=False)
    provided_online = models.BooleanField(_("provided online"), default=False)
    procedure = models.ForeignKey(
        Procedure,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="essential_services",
        verbose_name=_("procedure"),
    )

    class Meta:
        verbose_name = _("essential service")
        verbose_name_plural = _("essential services")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"
