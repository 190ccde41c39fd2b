"""A test CA and clerk certificates made in the test run (no key material is committed).

``make_pkcs12`` writes a clerk's PKCS#12 file; ``softhsm_token`` makes a
SoftHSM2 token holding the same kind of key and certificate, imported with
python-pkcs11.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSPHRASE = "mật-khẩu 123"


@dataclass(frozen=True)
class TestCA:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(cn: str, org: str = "Sở Tư pháp tỉnh Thử") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def make_ca(cn: str = "Test CA Một Cửa") -> TestCA:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return TestCA(key, cert)


def make_clerk(ca: TestCA, cn: str = "Nguyễn Thị Số Hoá") -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, "UBND xã Minh Khai"))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return key, cert


def make_pkcs12(path: Path, ca: TestCA, cn: str = "Nguyễn Thị Số Hoá", passphrase: str = PASSPHRASE) -> Path:
    key, cert = make_clerk(ca, cn)
    data = pkcs12.serialize_key_and_certificates(
        cn.encode("utf-8"),
        key,
        cert,
        [ca.cert],
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )
    path.write_bytes(data)
    return path


# --- a SoftHSM2 token ------------------------------------------------------------------------

SOFTHSM_LIBS = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
TOKEN_PIN = "1234"
TOKEN_SO_PIN = "87654321"


def softhsm_lib() -> str | None:
    """The SoftHSM2 PKCS#11 library, if installed (the CI installs the Debian package softhsm2)."""
    return next((p for p in SOFTHSM_LIBS if Path(p).is_file()), None)


def init_softhsm(folder: Path, labels: tuple[str, ...]) -> Path:
    """A SoftHSM2 configuration with a token store in ``folder`` and one token per label; its path.

    SoftHSM reads the configuration named by ``SOFTHSM2_CONF`` once, when a process first loads it.
    """
    import os
    import subprocess

    tokens = folder / "tokens"
    tokens.mkdir(parents=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    for label in labels:
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", TOKEN_PIN, "--so-pin", TOKEN_SO_PIN],
            check=True,
            capture_output=True,
            env=env,
        )
    return conf


def put_clerk_on_token(lib_path: str, token_label: str, key_label: str, ca: TestCA, cn: str) -> None:
    """Generate the clerk's key pair on the token (the private key never leaves it) and store the
    certificate the test CA issues for it beside it, under the same label."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    lib = pkcs11.lib(lib_path)
    token = lib.get_token(token_label=token_label)
    with token.open(user_pin=TOKEN_PIN, rw=True) as session:
        key_id = b"\x01"
        pub, _priv = session.generate_keypair(KeyType.RSA, 2048, label=key_label, id=key_id, store=True)
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(pub[Attribute.PUBLIC_EXPONENT], "big"), int.from_bytes(pub[Attribute.MODULUS], "big")
        )
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(cn, "UBND xã Minh Khai"))
            .issuer_name(ca.cert.subject)
            .public_key(numbers.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca.key, hashes.SHA256())
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: key_label,
                Attribute.ID: key_id,
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.ISSUER: cert.issuer.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            }
        )


# --- a timestamp server on the loopback ----------------------------------------------------------


def make_tsa(ca: TestCA):
    """A timestamping certificate and key issued by ``ca``, as asn1crypto objects for pyHanko."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Test TSA Một Cửa"))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


class TimestampServer:
    """An RFC 3161 server on 127.0.0.1 answering with pyHanko's DummyTimeStamper; a context manager."""

    def __init__(self, ca: TestCA):
        from pyhanko.sign.timestamps import DummyTimeStamper

        cert, key = make_tsa(ca)
        self.stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
        self.requests = 0

    def __enter__(self) -> str:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from asn1crypto import tsp

        server_self = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                server_self.requests += 1
                answer = server_self.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.timeout = 5
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/tsa"

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
