"""The provincial PKI's records: certificates (with where their key lives), their
revocation, the CRLs issued, and the documents signed here (what a QR code points to)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    ROOT = "root", _("Provincial root CA")
    ISSUING = "issuing", _("Issuing CA")
    OFFICER = "officer", _("Officer")
    SEAL = "seal", _("Agency seal")
    CITIZEN = "citizen", _("Citizen")


END_ENTITY_KINDS = (CertificateKind.OFFICER, CertificateKind.SEAL, CertificateKind.CITIZEN)


class RevocationReason(models.TextChoices):
    """RFC 5280 CRLReason values a person can choose."""

    UNSPECIFIED = "unspecified", _("Unspecified")
    KEY_COMPROMISE = "key_compromise", _("Key compromised")
    AFFILIATION_CHANGED = "affiliation_changed", _("Left the agency or changed post")
    SUPERSEDED = "superseded", _("Replaced by a new certificate")
    CESSATION_OF_OPERATION = "cessation_of_operation", _("No longer needed")
    PRIVILEGE_WITHDRAWN = "privilege_withdrawn", _("Signing right withdrawn")


class KeyAlgorithm(models.TextChoices):
    RSA_2048 = "rsa2048", "RSA-2048"
    ECDSA_P256 = "ecdsa-p256", "ECDSA P-256"


class Certificate(models.Model):
    """One X.509 certificate issued (or imported) by the provincial CA."""

    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    common_name = models.CharField(_("name"), max_length=255)
    subject = models.CharField(_("subject"), max_length=1000)
    issuer = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="issued")
    der = models.BinaryField(_("certificate (DER)"))
    algorithm = models.CharField(_("key algorithm"), max_length=16, choices=KeyAlgorithm.choices)
    # Where the private key is: "file" or "pkcs11", and the key's id there. Empty for an
    # imported root whose key stays offline.
    key_backend = models.CharField(_("key storage"), max_length=16, blank=True)
    key_ref = models.CharField(_("key reference"), max_length=64, blank=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    agency = models.ForeignKey(
        "core.Agency", models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("revocation reason"), max_length=32, choices=RevocationReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One certificate in force per person and kind, and one seal per agency:
            # a new one is issued after the old is revoked.
            models.UniqueConstraint(
                fields=["kind", "holder"],
                condition=Q(revoked_at__isnull=True, holder__isnull=False),
                name="signing_one_live_certificate_per_holder",
            ),
            models.UniqueConstraint(
                fields=["kind", "agency"],
                condition=Q(revoked_at__isnull=True, kind="seal"),
                name="signing_one_live_seal_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.serial})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class RevocationList(models.Model):
    """A CRL the CA signed; the newest per CA is served at its fixed address."""

    ca = models.ForeignKey(Certificate, models.PROTECT, related_name="crls")
    number = models.PositiveIntegerField()
    der = models.BinaryField()
    this_update = models.DateTimeField()
    next_update = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ca", "number"], name="signing_crl_number_unique")
        ]

    def __str__(self) -> str:
        return f"CRL {self.number} of {self.ca.common_name}"


class SignedDocument(models.Model):
    """A PDF signed here. Its `token` is in the QR code of the stamp: the public page it
    opens checks the copy kept here, and any copy a person uploads against it."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    agency = models.ForeignKey("core.Agency", models.PROTECT, null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 of the signed file"), max_length=64, blank=True)
    document = models.ForeignKey(
        "warehouse.Document", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    certificates = models.ManyToManyField(Certificate, related_name="signed_documents")

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")

    def __str__(self) -> str:
        return self.title


class VerificationAttempt(models.Model):
    """A public verification, counted per address: each one costs real CPU, so the public
    pages are rate-limited (MOTCUA_VERIFICATIONS_PER_10_MIN)."""

    source_ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.source_ip} {self.at:%Y-%m-%d %H:%M}"
