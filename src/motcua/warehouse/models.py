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
