"""Public verification of signed PDFs, and the PKI's published files.

Anyone may verify: an uploaded PDF, or the copy kept here of a document whose QR code
they scanned (its page names the document and the signatures, never its content). Every
outcome — not a PDF, damaged, unsigned, tampered, foreign, revoked — is a page with a
verdict, not an error.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.exceptions import DomainError
from motcua.signing import services
from motcua.signing.models import Certificate, CertificateKind, SignedDocument
from motcua.signing.verification import Report, count_attempt, verify_pdf


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PDF document"),
        help_text=gettext_lazy("The signed PDF you received or downloaded."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        limit = settings.MOTCUA_MAX_ATTACHMENT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return b"".join(upload.chunks())


def _checked(request: HttpRequest) -> tuple[VerifyForm, Report | None, int]:
    form = VerifyForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_bound and form.is_valid():
        try:
            count_attempt(request)
        except DomainError as error:
            form.add_error(None, error.message)
            return form, None, error.status_code
        return form, verify_pdf(form.cleaned_data["file"]), 200
    return form, None, 400 if form.is_bound else 200


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form, report, status = _checked(request)
    return render(request, "signing/verify.html", {"form": form, "report": report}, status=status)


def _kept_copy(signed: SignedDocument) -> bytes | None:
    if signed.document is None:
        return None
    with default_storage.open(signed.document.file.name, "rb") as handle:
        return handle.read()


@require_http_methods(["GET", "POST"])
def verify_signed(request: HttpRequest, token: str) -> HttpResponse:
    """The page a stamp's QR code opens: the document signed here, checked as kept; a copy
    uploaded is checked too, and compared with the one kept."""
    signed = get_object_or_404(
        SignedDocument.objects.select_related("agency", "document__file"), token=token
    )
    kept = _kept_copy(signed)
    kept_report = verify_pdf(kept) if kept is not None else None
    form, report, status = _checked(request)
    same = report is not None and report.sha256 == signed.sha256
    context = {
        "signed": signed,
        "kept_report": kept_report,
        "form": form,
        "report": report,
        "same_as_kept": same,
    }
    return render(request, "signing/verify_signed.html", context, status=status)


def _ca(serial: str) -> Certificate:
    return get_object_or_404(
        Certificate, serial=serial.lower(), kind__in=[CertificateKind.ROOT, CertificateKind.ISSUING]
    )


@require_GET
def crl(request: HttpRequest, serial: str) -> HttpResponse:
    ca = _ca(serial)
    if not ca.key_ref:
        raise Http404  # a root kept offline publishes its CRL elsewhere
    revocation_list = services.current_crl(ca)
    response = HttpResponse(bytes(revocation_list.der), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def ca_certificate(request: HttpRequest, serial: str) -> HttpResponse:
    ca = _ca(serial)
    response = HttpResponse(bytes(ca.der), content_type="application/pkix-cert")
    response["Content-Disposition"] = f'attachment; filename="{ca.serial}.crt"'
    return response
