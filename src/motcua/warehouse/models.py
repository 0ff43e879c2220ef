"""The digitised data warehouse: every digitised input and electronic result is a
`Document` whose bytes are a `StoredFile`, kept once per content hash."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """The bytes of one PDF, stored once under `warehouse/<aa>/<sha256>.pdf` however many
    documents (owners, types, dossiers) point at it."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    page_count = models.PositiveIntegerField(_("pages"))
    name = models.CharField(_("storage name"), max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.sha256


class DocumentKind(models.TextChoices):
    RESULT = "result", _("Original electronic result")
    SCAN = "scan", _("Scan of a paper document")
    UPLOAD = "upload", _("Uploaded by the applicant")


class Document(models.Model):
    """One paper of one owner (a citizen or an organisation), of one type.

    The issuer is an agency of the province or, for documents from elsewhere (another
    province, a hospital's or a school's system), a name; the external-issuer API will
    name its systems here.
    """

    file = models.ForeignKey(StoredFile, models.PROTECT, related_name="documents")
    document_type = models.ForeignKey(
        "catalog.DocumentType",
        models.PROTECT,
        related_name="warehouse_documents",
        verbose_name=_("document type"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    citizen = models.ForeignKey(
        "registry.Citizen",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="warehouse_documents",
        verbose_name=_("owner (citizen)"),
    )
    organisation = models.ForeignKey(
        "identity.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="warehouse_documents",
        verbose_name=_("owner (organisation)"),
    )
    issuer_agency = models.ForeignKey(
        "core.Agency",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("issuing agency"),
    )
    issuer_name = models.CharField(_("issuer"), max_length=255, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    source_dossier = models.ForeignKey(
        "dossiers.Dossier",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source dossier"),
    )
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(citizen__isnull=False) & Q(organisation__isnull=True))
                | (Q(citizen__isnull=True) & Q(organisation__isnull=False)),
                name="document_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(issuer_agency__isnull=True) | Q(issuer_name=""),
                name="document_one_issuer",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="document_valid_period",
            ),
            # The same bytes filed twice for the same owner and type are one document.
            models.UniqueConstraint(
                fields=["file", "document_type", "citizen"],
                condition=Q(citizen__isnull=False),
                name="document_once_per_citizen",
            ),
            models.UniqueConstraint(
                fields=["file", "document_type", "organisation"],
                condition=Q(organisation__isnull=False),
                name="document_once_per_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["citizen", "document_type"], name="document_citizen_type"),
            models.Index(
                fields=["organisation", "document_type"], name="document_organisation_type"
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.document_type)

    @property
    def sha256(self) -> str:
        return self.file.sha256

    @property
    def page_count(self) -> int:
        return self.file.page_count

    @property
    def size(self) -> int:
        return self.file.size


class DossierRole(models.TextChoices):
    UPLOADED = "uploaded", _("Handed in with the dossier")
    REUSED = "reused", _("Reused from the warehouse")
    RESULT = "result", _("Result of the dossier")


class DossierDocument(models.Model):
    """A document used by a dossier. Staff reach a document only through such a link on a
    dossier they handle."""

    dossier = models.ForeignKey("dossiers.Dossier", models.CASCADE, related_name="warehouse_links")
    document = models.ForeignKey(Document, models.PROTECT, related_name="dossier_links")
    role = models.CharField(_("role"), max_length=16, choices=DossierRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document of a dossier")
        verbose_name_plural = _("documents of dossiers")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document"], name="dossier_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.document_id} ({self.role})"


class IssuerSystem(models.Model):
    """Another agency's system that delivers documents into the warehouse (a health book,
    school transcripts, judicial records), only of the document types it is scoped for."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    agency = models.ForeignKey(
        "core.Agency",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="issuer_systems",
        verbose_name=_("agency"),
    )
    document_types = models.ManyToManyField(
        "catalog.DocumentType",
        blank=True,
        related_name="issuer_systems",
        verbose_name=_("document types it may deliver"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issuing system")
        verbose_name_plural = _("issuing systems")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IssuerCredential(models.Model):
    """A bearer credential of an issuing system, `<key id>.<secret>`: only the SHA-256 of
    the secret is kept. The request count of the current minute sits on the row, so every
    process shares the rate limit."""

    system = models.ForeignKey(IssuerSystem, models.PROTECT, related_name="credentials")
    key_id = models.CharField(_("key id"), max_length=32, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("issuer credential")
        verbose_name_plural = _("issuer credentials")

    def __str__(self) -> str:
        return f"{self.system_id}: {self.key_id}"


class IssuerDelivery(models.Model):
    """A document delivered by an issuing system under its own reference: the same
    reference delivered again is the same document."""

    system = models.ForeignKey(IssuerSystem, models.PROTECT, related_name="deliveries")
    credential = models.ForeignKey(IssuerCredential, models.PROTECT, related_name="deliveries")
    reference = models.CharField(_("issuer's reference"), max_length=128)
    document = models.ForeignKey(Document, models.PROTECT, related_name="deliveries")
    delivered_at = models.DateTimeField(_("delivered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "reference"], name="issuer_delivery_reference_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system_id}: {self.reference}"
