"""Dossiers of the one-stop engine: the dossier, its steps (the control slip), its events
(the history), supplement requests, apologies, payments, ratings and notifications."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Step
from motcua.identity.models import Role


class DossierStatus(models.IntegerChoices):
    """The national status codes used when syncing with the National Public Service Portal."""

    SUBMITTED = 1, _("Submitted online")
    RECEIVED = 2, _("Received")
    REFUSED = 3, _("Refused")
    PROCESSING = 4, _("Processing")
    SUPPLEMENT_REQUESTED = 5, _("Supplement requested")
    FEES_DUE = 6, _("Fees due")
    WITHDRAWN = 7, _("Withdrawn by the applicant")
    STOPPED = 8, _("Stopped")
    RESULT_READY = 9, _("Result ready")
    RESULT_RETURNED = 10, _("Result returned")


CLOSED_STATUSES = frozenset(
    {
        DossierStatus.REFUSED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
        DossierStatus.RESULT_RETURNED,
    }
)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class Dossier(models.Model):
    """One application for one procedure, from intake to the returned result."""

    code = models.CharField(_("dossier code"), max_length=48, unique=True)
    procedure = models.ForeignKey(
        "catalog.Procedure", models.PROTECT, related_name="dossiers", verbose_name=_("procedure")
    )
    receiving_agency = models.ForeignKey(
        "core.Agency", models.PROTECT, related_name="+", verbose_name=_("receiving agency")
    )
    agency = models.ForeignKey(
        "core.Agency", models.PROTECT, related_name="dossiers", verbose_name=_("handling agency")
    )
    # The handling agency's unit, kept here so officers scoped by commune see the dossier.
    unit = models.ForeignKey(
        "core.AdministrativeUnit", models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.PositiveSmallIntegerField(
        _("status"), choices=DossierStatus.choices, db_index=True
    )
    current_step = models.CharField(
        _("current step"), max_length=16, choices=Step.choices, blank=True
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("applicant's account"),
    )
    citizen = models.ForeignKey(
        "registry.Citizen",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("applicant in the registry"),
    )
    organisation = models.ForeignKey(
        "identity.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("applicant organisation"),
    )
    applicant_name = models.CharField(_("applicant"), max_length=255)
    # The citizen's personal ID number, or the organisation's enterprise/tax code.
    owner_id_number = models.CharField(_("owner's ID number"), max_length=14, db_index=True)
    applicant_address = models.CharField(_("address"), max_length=255, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    representative_name = models.CharField(
        _("authorised representative"), max_length=150, blank=True
    )
    representative_id_number = models.CharField(
        _("representative's ID number"), max_length=12, blank=True
    )
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    # Indexed through the (submitted_by, idempotency_key) constraint.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # NULL, not "", when absent: the unique constraint then ignores keyless submissions.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    submitted_at = models.DateTimeField(_("submitted at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    # The legal deadline: timeliness is always judged against it. An apology promises a
    # later return date (`promised_at`) but does not make a late dossier on time.
    promised_at = models.DateTimeField(_("promised return date"), null=True, blank=True)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    timeliness = models.CharField(
        _("timeliness"), max_length=8, choices=Timeliness.choices, blank=True
    )
    fee_total = models.PositiveBigIntegerField(_("fees (VND)"), default=0)
    fees_paid = models.PositiveBigIntegerField(_("fees paid (VND)"), default=0)
    result_summary = models.TextField(_("result"), blank=True)
    # Papers counted at submission (`warehouse.reuse`, `dossiers.submission`): the required papers a
    # person would hand in (registry data is not a paper), those reused from the warehouse,
    # those read from the population registry, and those uploaded.
    papers_required = models.PositiveSmallIntegerField(_("papers required"), default=0)
    papers_reused = models.PositiveSmallIntegerField(_("papers reused"), default=0)
    papers_from_registry = models.PositiveSmallIntegerField(
        _("papers read from the registry"), default=0
    )
    papers_uploaded = models.PositiveSmallIntegerField(_("papers uploaded"), default=0)
    # Bumped by every transition: a form posted against an older version is refused
    # instead of overwriting what another officer just did.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"], name="dossier_submission_once"
            )
        ]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def fees_outstanding(self) -> int:
        return max(self.fee_total - self.fees_paid, 0)


class DailySequence(models.Model):
    """The last dossier number handed out by an agency on a day (the code's 4 digits)."""

    agency = models.ForeignKey("core.Agency", models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="daily_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"


class DossierStep(models.Model):
    """One step of the five, as run for a dossier: one line of the control slip.

    A step is handed to a role at an agency (and optionally to one person); it is done by
    one person, early, on time or late against its allotted working hours.
    """

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    agency = models.ForeignKey("core.Agency", models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_steps",
        verbose_name=_("assignee"),
    )
    # Who handed over and who completed are shown, never searched by: no index (every
    # index is paid on each hand-over).
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    handed_from_agency = models.ForeignKey(
        "core.Agency", models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    started_at = models.DateTimeField(_("handed over at"))
    allotted_hours = models.DecimalField(
        _("allotted working hours"), max_digits=8, decimal_places=2
    )
    due_at = models.DateTimeField(_("step due"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    timeliness = models.CharField(
        _("timeliness"), max_length=8, choices=Timeliness.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "started_at", "pk"]
        indexes = [models.Index(fields=["agency", "role", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.step}"


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Dossier submitted")
    RECEIVED = "received", _("Received")
    STEP_DONE = "step_done", _("Step completed")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    SUPPLEMENTED = "supplemented", _("Supplement provided")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Stopped")
    TRANSFERRED = "transferred", _("Transferred")
    APOLOGISED = "apologised", _("Apology with a new date")
    FEE_PAID = "fee_paid", _("Fee paid")
    RESULT_READY = "result_ready", _("Result ready")
    RESULT_RETURNED = "result_returned", _("Result returned")
    RATED = "rated", _("Rated")


class DossierEvent(models.Model):
    """One entry of a dossier's history; the public lookup shows kind, status and time."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    status_from = models.PositiveSmallIntegerField(choices=DossierStatus.choices, null=True)
    status_to = models.PositiveSmallIntegerField(choices=DossierStatus.choices)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"


class SupplementRequest(models.Model):
    """The one request to supplement a dossier, listing everything missing at once."""

    dossier = models.OneToOneField(Dossier, models.CASCADE, related_name="supplement_request")
    items = models.JSONField(_("missing items"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    resume_status = models.PositiveSmallIntegerField(choices=DossierStatus.choices)
    provided_at = models.DateTimeField(_("provided at"), null=True, blank=True)
    provided_note = models.TextField(_("what was provided"), blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {len(self.items)}"


class Apology(models.Model):
    """A late apology (form 04): the reason and the new return date promised."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="apologies")
    reason = models.TextField(_("reason"))
    old_due_at = models.DateTimeField(_("previous due date"))
    new_due_at = models.DateTimeField(_("new return date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")
        ordering = ["dossier", "created_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.new_due_at:%Y-%m-%d}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash at the counter")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Bank card")
    E_WALLET = "e_wallet", _("E-wallet")
    NATIONAL_PORTAL = "national_portal", _("National Public Service Portal payment")


class Payment(models.Model):
    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="payments")
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=64)
    paid_at = models.DateTimeField(_("paid at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["dossier", "paid_at"]
        constraints = [
            models.UniqueConstraint(fields=["method", "reference"], name="payment_reference_once")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.reference}: {self.amount}"


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neutral")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class Rating(models.Model):
    dossier = models.OneToOneField(Dossier, models.CASCADE, related_name="rating")
    level = models.PositiveSmallIntegerField(_("satisfaction"), choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.level}"


class Attachment(models.Model):
    """A file handed in with a dossier (the warehouse issue will deduplicate these)."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="attachments")
    document_type = models.ForeignKey(
        "catalog.DocumentType", models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="dossiers/%Y/%m/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """A message to an applicant on a status change: in the portal inbox and by e-mail."""

    # Indexed through (user, read_at).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", db_index=False
    )
    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="notifications")
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class LookupAttempt(models.Model):
    """A public status lookup, counted per address to rate-limit guessing."""

    source_ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(db_index=True)
    found = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.source_ip} {self.at:%Y-%m-%d %H:%M}"
