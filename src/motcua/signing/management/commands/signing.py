"""`motcua signing`: the provincial CA from the command line.

motcua signing init [--algorithm rsa2048|ecdsa-p256]
motcua signing import ROOT.pem ISSUING.pem ISSUING-KEY.pem [--password-env VAR]
motcua signing officer USERNAME AGENCY_CODE      # a leader's or officer's certificate
motcua signing seal AGENCY_CODE                   # an agency's seal
motcua signing revoke SERIAL [--reason REASON]
motcua signing crl                                # reissue the issuing CA's CRL now
motcua signing status
motcua signing sweep [--delete]                   # key files no certificate names
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.exceptions import DomainError
from motcua.core.models import Agency
from motcua.identity.models import User
from motcua.signing import pki, services
from motcua.signing.models import Certificate, CertificateKind, KeyAlgorithm, RevocationReason


class Command(BaseCommand):
    help = "Set up the provincial CA, issue and revoke certificates, publish CRLs."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        init = commands.add_parser("init", help="create the root CA and the issuing CA")
        init.add_argument("--algorithm", choices=KeyAlgorithm.values, default=None)
        imported = commands.add_parser(
            "import", help="take over an existing root (key offline) and issuing CA"
        )
        imported.add_argument("root", type=Path)
        imported.add_argument("issuing", type=Path)
        imported.add_argument("issuing_key", type=Path)
        imported.add_argument(
            "--password-env", default="", help="environment variable holding the key password"
        )
        officer = commands.add_parser("officer", help="issue a staff member's certificate")
        officer.add_argument("username")
        officer.add_argument("agency", help="the agency's code, named in the certificate")
        seal = commands.add_parser("seal", help="issue an agency's seal certificate")
        seal.add_argument("agency")
        revoke = commands.add_parser("revoke", help="revoke a certificate")
        revoke.add_argument("serial")
        revoke.add_argument(
            "--reason", choices=RevocationReason.values, default=RevocationReason.UNSPECIFIED
        )
        commands.add_parser("crl", help="reissue the issuing CA's CRL")
        commands.add_parser("status", help="the CAs and the certificates issued")
        sweep = commands.add_parser(
            "sweep", help="list key files no certificate names (older than an hour)"
        )
        sweep.add_argument("--delete", action="store_true", help="destroy them")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['command']}")(options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _init(self, options: dict[str, Any]) -> None:
        root, issuing = services.init_ca(algorithm=options["algorithm"])
        self.stdout.write(f"Root CA:    {root.subject} serial {root.serial}")
        self.stdout.write(f"Issuing CA: {issuing.subject} serial {issuing.serial}")
        self.stdout.write(f"CRL:        {pki.crl_url(issuing)}")

    def _import(self, options: dict[str, Any]) -> None:
        password_var = options["password_env"]
        password = os.environ.get(password_var, "").encode() if password_var else None
        root, issuing = services.import_ca(
            root_pem=options["root"].read_bytes(),
            issuing_pem=options["issuing"].read_bytes(),
            issuing_key_pem=options["issuing_key"].read_bytes(),
            password=password or None,
        )
        self.stdout.write(f"Imported {root.common_name} and {issuing.common_name}.")

    def _agency(self, code: str) -> Agency:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(f"No agency with code {code}.")
        return agency

    def _officer(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']}.")
        certificate = services.issue_certificate(
            CertificateKind.OFFICER, actor=None, holder=user, agency=self._agency(options["agency"])
        )
        self.stdout.write(f"Issued {certificate.subject} serial {certificate.serial}")

    def _seal(self, options: dict[str, Any]) -> None:
        certificate = services.issue_certificate(
            CertificateKind.SEAL, actor=None, agency=self._agency(options["agency"])
        )
        self.stdout.write(f"Issued {certificate.subject} serial {certificate.serial}")

    def _revoke(self, options: dict[str, Any]) -> None:
        certificate = Certificate.objects.filter(serial=options["serial"].lower()).first()
        if certificate is None:
            raise CommandError(f"No certificate with serial {options['serial']}.")
        services.revoke(certificate, reason=options["reason"], actor=None)
        self.stdout.write(f"Revoked {certificate.serial}; the CRL was reissued.")

    def _crl(self, options: dict[str, Any]) -> None:
        issuing = services.issuing_ca()
        if issuing is None:
            raise CommandError("The CA is not set up: run `motcua signing init`.")
        crl = services.publish_crl(issuing)
        self.stdout.write(f"CRL number {crl.number} at {pki.crl_url(issuing)}")

    def _status(self, options: dict[str, Any]) -> None:
        for ca in (services.root_ca(), services.issuing_ca()):
            if ca is not None:
                self.stdout.write(
                    f"{ca.get_kind_display()}: {ca.subject} until {ca.not_after:%Y-%m-%d}"
                )
        counts = services.counts_by_kind()
        for kind in (CertificateKind.OFFICER, CertificateKind.SEAL, CertificateKind.CITIZEN):
            issued, live = counts.get(kind, 0), counts.get(f"{kind}_live", 0)
            self.stdout.write(f"{kind.label}: {issued} issued, {live} in force")

    def _sweep(self, options: dict[str, Any]) -> None:
        from motcua.signing.keys import FILE, store_for

        unused = services.unused_keys()
        for key_ref in unused:
            if options["delete"]:
                store_for(FILE).discard(key_ref)
            self.stdout.write(f"{'destroyed' if options['delete'] else 'unused'} {key_ref}")
        self.stdout.write(f"{len(unused)} key file(s) no certificate names.")
