"""Signed results per second: motcua's signing service end to end (certificates looked up,
two PAdES signatures — the leader's and the agency seal — with visible QR stamps, the
signed-document record and its audit entry, in one transaction) against pyHanko alone
making the same two signatures, with the same stamp style, on the same PDF with the same
keys. RSA-2048 and ECDSA P-256; keys in encrypted files. BENCH_SIGNATURES sets the count.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import time
from pathlib import Path

TARGET_SHARE = 0.70


def _province() -> None:
    from django.core.management import call_command

    from motcua.core.models import Agency

    if not Agency.objects.exists():
        call_command("load_units", verbosity=0)
        call_command("seed_agencies", verbosity=0)


def _fresh_pki(algorithm: str):  # type: ignore[no-untyped-def]
    from motcua.signing import services
    from motcua.signing.models import Certificate, RevocationList, SignedDocument

    SignedDocument.objects.all().delete()
    RevocationList.objects.all().delete()
    for kind in ("officer", "seal", "citizen", "issuing", "root"):
        Certificate.objects.filter(kind=kind).delete()
    return services.init_ca(algorithm=algorithm)


def _sample_pdf(agency_name: str) -> bytes:
    from django.utils import timezone

    from motcua.dossiers.results import ResultData, render_result

    return render_result(
        ResultData(
            agency_name=agency_name,
            parent_agency_name="",
            place="Hạ Long",
            procedure_code="1.001193",
            procedure_name="Đăng ký khai sinh",
            dossier_code="H49.22-261123-0001",
            applicant_name="Nguyễn Thị Ánh Tuyết",
            applicant_id_number="022190000001",
            applicant_address="Phường Hà Tu, tỉnh Quảng Ninh",
            representative_name="",
            result_summary="Cấp Giấy khai sinh bản điện tử số 15/2026.",
            signer_name="Phạm Quang Huy",
            issued_at=timezone.now(),
        )
    )


def _stamp_style():  # type: ignore[no-untyped-def]
    """The stamp motcua draws, made once with pyHanko's classes, as a pyHanko user would."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import QRStampStyle

    from motcua.signing.stamping import stamp_font

    return QRStampStyle(
        stamp_text="Ký bởi: %(signer)s\nCơ quan: %(agency)s\nThời gian: %(at)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(stamp_font())), font_size=7),
        border_width=1,
    )


def _pyhanko_alone(pdf: bytes, placements, url: str, style) -> bytes:  # type: ignore[no-untyped-def]
    """The two signatures with pyHanko's own SimpleSigner and nothing of motcua's."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    for signer, field_name, box, name, agency in placements:
        out = io.BytesIO()
        signers.PdfSigner(
            signers.PdfSignatureMetadata(
                field_name=field_name,
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                name=name,
            ),
            signer=signer,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=-1, box=box),
        ).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False),
            output=out,
            appearance_text_params={
                "url": url,
                "agency": agency,
                "at": dt.datetime.now().strftime("%d/%m/%Y %H:%M:%S"),
            },
        )
        pdf = out.getvalue()
    return pdf


def _simple_signer(certificate):  # type: ignore[no-untyped-def]
    """pyHanko's SimpleSigner over the same key, read from its file once."""
    from asn1crypto import keys as asn1_keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from motcua.signing import pki
    from motcua.signing.keys import store_for

    key = store_for(certificate.key_backend).private_key(certificate.key_ref)
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    chain = [pki.as_asn1(ca) for ca in pki.chain_of(certificate)]
    return signers.SimpleSigner(
        signing_cert=pki.as_asn1(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def _measure(label: str, count: int, work) -> float:  # type: ignore[no-untyped-def]
    for _ in range(2):
        work()
    began = time.perf_counter()
    for _ in range(count):
        work()
    seconds = time.perf_counter() - began
    print(f"  {label:<50} {count / seconds:>8.2f} results/s  ({count} in {seconds:.1f} s)")
    return count / seconds


def run(count: int | None = None) -> None:
    from motcua.core.models import Agency, AgencyKind
    from motcua.identity.models import Role, User
    from motcua.identity.services import create_staff_user, grant_role
    from motcua.signing.models import KeyAlgorithm

    count = count or int(os.environ.get("BENCH_SIGNATURES", "40"))
    _province()
    agency = Agency.objects.filter(kind=AgencyKind.PEOPLES_COMMITTEE).order_by("code").last()
    assert agency is not None
    leader = User.objects.filter(username="bench-leader").first() or create_staff_user(
        "bench-leader", full_name="Phạm Quang Huy", password=None
    )
    grant_role(leader, Role.LEADER, agency=agency)
    pdf = _sample_pdf(agency.name)
    print(f"\nsigned results (two PAdES signatures with QR stamps each, {len(pdf):,}-byte PDF)")
    keys = Path(tempfile.mkdtemp(prefix="motcua-bench-keys-"))
    for algorithm in (KeyAlgorithm.RSA_2048, KeyAlgorithm.ECDSA_P256):
        print(f" {KeyAlgorithm(algorithm).label}")
        _compare(algorithm, count, leader, agency, pdf, keys / algorithm)


def _compare(algorithm, count, leader, agency, pdf, keys) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction
    from django.test import override_settings

    from motcua.signing import services, stamping
    from motcua.signing.models import CertificateKind

    with override_settings(MOTCUA_KEY_BACKEND="file", MOTCUA_KEY_DIR=keys):
        _fresh_pki(algorithm)
        personal = services.issue_certificate(
            CertificateKind.OFFICER, actor=None, holder=leader, agency=agency
        )
        seal = services.issue_certificate(CertificateKind.SEAL, actor=None, agency=agency)
        url = services.verify_url("00000000-0000-4000-8000-000000000000")
        style = _stamp_style()
        fields = [
            ("LeaderSignature", stamping.LOWER_RIGHT, personal.common_name, agency.name),
            ("AgencySeal", stamping.LOWER_LEFT, seal.common_name, agency.name),
        ]
        simple = [(_simple_signer(c), *f) for c, f in zip((personal, seal), fields, strict=True)]
        # The strict reference: pyHanko with the key decoded once, so that what remains is
        # motcua's own cost (certificate lookups, records, audit, transaction).
        kept = [(stamping.signer_for(c), *f) for c, f in zip((personal, seal), fields, strict=True)]

        def through_motcua() -> None:
            with transaction.atomic():
                services.sign_result(pdf, leader=leader, agency=agency, title="bench")

        ours = _measure("motcua signing service (end to end)", count, through_motcua)
        alone = _measure(
            "pyHanko alone (SimpleSigner), same PDF/keys/stamp",
            count,
            lambda: _pyhanko_alone(pdf, simple, url, style),
        )
        strict = _measure(
            "pyHanko, key decoded once (strict reference)",
            count,
            lambda: _pyhanko_alone(pdf, kept, url, style),
        )
        for reference, label in ((alone, "pyHanko alone"), (strict, "the strict reference")):
            share = ours / reference
            verdict = "met" if share >= TARGET_SHARE else "NOT met"
            print(f"  motcua: {share:.0%} of {label} (aim ≥ {TARGET_SHARE:.0%}: {verdict})")
