"""Where private keys live, behind one interface: files encrypted at rest (the default) or
a hardware security module over PKCS#11 (`MOTCUA_KEY_BACKEND=pkcs11`).

A key is named by a reference (`key_ref`, 32 hex digits) kept with its certificate. The
rest of the app asks a store to generate a key, to give its public half, to sign bytes
(certificates and CRLs) and to make a pyHanko signer (PDFs); no private key ever leaves the
store other than to sign in this process (files) or at all (PKCS#11).
"""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    PublicKeyTypes,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from motcua.signing.models import KeyAlgorithm

FILE = "file"
PKCS11 = "pkcs11"


class KeyStore(Protocol):
    backend: str

    def generate(self, algorithm: str) -> str:
        """A new key pair; returns its reference."""

    def public_key(self, key_ref: str) -> PublicKeyTypes: ...

    def discard(self, key_ref: str) -> None:
        """Destroy a key no certificate came to use."""

    def private_key(self, key_ref: str) -> CertificateIssuerPrivateKeyTypes | None:
        """The key itself where the store may hand it out (files), None for a module."""

    def sign(self, key_ref: str, data: bytes) -> bytes:
        """SHA-256 signature of `data`: PKCS#1 v1.5 for RSA, DER-encoded ECDSA."""

    def pdf_signer(
        self, key_ref: str, certificate: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]
    ) -> signers.Signer: ...


def new_private_key(algorithm: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if algorithm == KeyAlgorithm.ECDSA_P256:
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == KeyAlgorithm.RSA_2048:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"unknown key algorithm {algorithm!r}")


def _new_ref() -> str:
    return secrets.token_hex(16)


# --- files ------------------------------------------------------------------------------


def _fernet_keys() -> list[str]:
    configured = list(settings.MOTCUA_KEY_ENCRYPTION_KEYS)
    if configured:
        return configured
    # Demo installs: one key generated once beside the data (as the secret key is).
    path = Path(settings.VAR_DIR) / "signing" / "key-encryption.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return [path.read_text().strip()]
    with os.fdopen(fd, "w") as handle:
        handle.write(Fernet.generate_key().decode())
    return [path.read_text().strip()]


@dataclass
class FileKeyStore:
    """Each key a file `<ref>.key` in `directory`: its PKCS#8 DER encrypted with Fernet
    (AES-128-CBC + HMAC-SHA256) under the key-encryption keys from the environment."""

    directory: Path
    encryption_keys: tuple[str, ...]
    backend: str = FILE

    def __post_init__(self) -> None:
        try:
            self._fernet = MultiFernet([Fernet(key) for key in self.encryption_keys])
        except ValueError as exc:
            raise ImproperlyConfigured(
                "MOTCUA_KEY_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64 bytes)."
            ) from exc
        self._cache: dict[str, CertificateIssuerPrivateKeyTypes] = {}

    def _path(self, key_ref: str) -> Path:
        if len(key_ref) != 32 or any(c not in "0123456789abcdef" for c in key_ref):
            raise ValueError("malformed key reference")
        return self.directory / f"{key_ref}.key"

    def generate(self, algorithm: str) -> str:
        return self.adopt(new_private_key(algorithm))

    def adopt(self, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
        """Keep an existing key (an imported CA's) encrypted like the ones made here."""
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        key_ref = _new_ref()
        fd = os.open(self._path(key_ref), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(self._fernet.encrypt(der))
        return key_ref

    def private_key(self, key_ref: str) -> CertificateIssuerPrivateKeyTypes:
        # Decrypted keys stay in this process's memory: decrypting is the slow part of a
        # signature and the file never changes (a new key gets a new reference).
        if key_ref not in self._cache:
            try:
                der = self._fernet.decrypt(self._path(key_ref).read_bytes())
            except InvalidToken as exc:
                raise ImproperlyConfigured(
                    "A signing key cannot be decrypted with MOTCUA_KEY_ENCRYPTION_KEYS."
                ) from exc
            key = serialization.load_der_private_key(der, password=None)
            assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
            self._cache[key_ref] = key
        return self._cache[key_ref]

    def public_key(self, key_ref: str) -> PublicKeyTypes:
        return self.private_key(key_ref).public_key()

    def discard(self, key_ref: str) -> None:
        self._cache.pop(key_ref, None)
        self._path(key_ref).unlink(missing_ok=True)

    def references(self, older_than: float) -> list[str]:
        """References of the key files last written before `older_than` (a timestamp)."""
        if not self.directory.exists():
            return []
        return sorted(
            path.stem for path in self.directory.glob("*.key") if path.stat().st_mtime < older_than
        )

    def sign(self, key_ref: str, data: bytes) -> bytes:
        key = self.private_key(key_ref)
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key.sign(data, ec.ECDSA(hashes.SHA256()))

    def pdf_signer(
        self, key_ref: str, certificate: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]
    ) -> signers.Signer:
        return LoadedKeySigner(
            self.private_key(key_ref),
            signing_cert=certificate,
            cert_registry=SimpleCertificateStore.from_certs(chain),
        )


class LoadedKeySigner(signers.Signer):
    """pyHanko's signer over a key already decrypted in this process. (pyHanko's
    `SimpleSigner` parses the key from DER on every signature, which for RSA costs more
    than the signature itself.)"""

    def __init__(self, key: CertificateIssuerPrivateKeyTypes, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_algorithm))
        raise SigningError(f"unsupported signature mechanism {mechanism}")


# --- PKCS#11 ----------------------------------------------------------------------------


class Pkcs11KeyStore:
    """Keys generated inside a PKCS#11 token and never extracted (SoftHSM2 in tests, the
    province's HSM in production). One logged-in session per process, used under a lock."""

    backend = PKCS11

    def __init__(self, module: str, token_label: str, pin: str) -> None:
        if not (module and token_label and pin):
            raise ImproperlyConfigured(
                "MOTCUA_KEY_BACKEND=pkcs11 needs MOTCUA_PKCS11_MODULE, MOTCUA_PKCS11_TOKEN "
                "and MOTCUA_PKCS11_PIN."
            )
        import pkcs11

        self._pkcs11 = pkcs11
        self._lock = threading.RLock()
        token = pkcs11.lib(module).get_token(token_label=token_label)
        self.session = token.open(user_pin=pin, rw=True)

    def _key(self, key_ref: str, object_class: Any) -> Any:
        return self.session.get_key(object_class=object_class, id=bytes.fromhex(key_ref))

    def generate(self, algorithm: str) -> str:
        from pkcs11 import Attribute, KeyType
        from pkcs11.util.ec import encode_named_curve_parameters

        key_ref = _new_ref()
        key_id = bytes.fromhex(key_ref)
        with self._lock:
            if algorithm == KeyAlgorithm.RSA_2048:
                self.session.generate_keypair(
                    KeyType.RSA, 2048, id=key_id, label=key_ref, store=True
                )
            elif algorithm == KeyAlgorithm.ECDSA_P256:
                parameters = self.session.create_domain_parameters(
                    KeyType.EC,
                    {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
                    local=True,
                )
                parameters.generate_keypair(id=key_id, label=key_ref, store=True)
            else:
                raise ValueError(f"unknown key algorithm {algorithm!r}")
        return key_ref

    def private_key(self, key_ref: str) -> None:
        return None

    def discard(self, key_ref: str) -> None:
        from pkcs11 import ObjectClass

        with self._lock:
            for found in self.session.get_objects(
                {
                    self._pkcs11.Attribute.ID: bytes.fromhex(key_ref),
                }
            ):
                if found.object_class in (ObjectClass.PRIVATE_KEY, ObjectClass.PUBLIC_KEY):
                    found.destroy()

    def public_key(self, key_ref: str) -> PublicKeyTypes:
        from pkcs11 import KeyType, ObjectClass
        from pkcs11.util.ec import encode_ec_public_key
        from pkcs11.util.rsa import encode_rsa_public_key

        with self._lock:
            key = self._key(key_ref, ObjectClass.PUBLIC_KEY)
            if key.key_type == KeyType.RSA:
                pkcs1 = encode_rsa_public_key(key)
                return serialization.load_der_public_key(
                    asn1_keys.PublicKeyInfo.wrap(asn1_keys.RSAPublicKey.load(pkcs1), "rsa").dump()
                )
            return serialization.load_der_public_key(encode_ec_public_key(key))

    def sign(self, key_ref: str, data: bytes) -> bytes:
        from pkcs11 import KeyType, Mechanism, ObjectClass
        from pkcs11.util.ec import encode_ecdsa_signature

        with self._lock:
            key = self._key(key_ref, ObjectClass.PRIVATE_KEY)
            if key.key_type == KeyType.RSA:
                return bytes(key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))
            digest = hashes.Hash(hashes.SHA256())
            digest.update(data)
            raw = key.sign(digest.finalize(), mechanism=Mechanism.ECDSA)
            return bytes(encode_ecdsa_signature(raw))

    def pdf_signer(
        self, key_ref: str, certificate: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]
    ) -> signers.Signer:
        from pyhanko.sign.pkcs11 import PKCS11Signer

        return PKCS11Signer(
            self.session,
            signing_cert=certificate,
            ca_chain=chain,
            key_id=bytes.fromhex(key_ref),
            bulk_fetch=False,
            # Tokens (SoftHSM2 among them) often lack ECDSA-with-SHA256: hash here, sign raw.
            use_raw_mechanism=certificate.public_key.algorithm == "ec",
        )


@cache
def _file_store(directory: str, encryption_keys: tuple[str, ...]) -> FileKeyStore:
    return FileKeyStore(Path(directory), encryption_keys)


@cache
def _pkcs11_store(module: str, token_label: str, pin: str) -> Pkcs11KeyStore:
    return Pkcs11KeyStore(module, token_label, pin)


def store_for(backend: str) -> KeyStore:
    """The store of `backend` as configured now (stores are kept per process)."""
    if backend == FILE:
        return _file_store(str(settings.MOTCUA_KEY_DIR), tuple(_fernet_keys()))
    if backend == PKCS11:
        return _pkcs11_store(
            settings.MOTCUA_PKCS11_MODULE, settings.MOTCUA_PKCS11_TOKEN, settings.MOTCUA_PKCS11_PIN
        )
    raise ImproperlyConfigured(f"MOTCUA_KEY_BACKEND must be 'file' or 'pkcs11', not {backend!r}.")


def default_store() -> KeyStore:
    """Where new keys go."""
    return store_for(settings.MOTCUA_KEY_BACKEND)
