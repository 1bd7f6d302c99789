"""SMTP with STARTTLS and login against a real aiosmtpd server on loopback, and their configuration.

A private CA and a server certificate for 127.0.0.1 are generated per module with ``cryptography``; the
server requires STARTTLS before AUTH and AUTH before MAIL, so a delivered digest proves both.
"""

from __future__ import annotations

import email
import email.policy
import ipaddress
import os
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from governance.alerts import (
    SmtpChannel,
    SmtpSessionError,
    build_digests,
    build_message,
    send_digests,
    smtp_channel,
)
from governance.config import PROJECT_ROOT, ConfigError, GovernanceConfig, load_config
from tests.smtp_helpers import SmtpCollector, running_smtp_server

NIGHT = "2026-11-26"
SENDER = "crm-governance@example.at"
LOGIN = "crm-governance"
PASSWORD = "S3cret-Pass!"
PASSWORD_ENV = "GOVERNANCE_TEST_SMTP_PASSWORD"
OWNERS = ("m.gruber", "s.wagner", "u.huber")


@dataclass(frozen=True)
class Pki:
    ca_file: Path  # the private CA's certificate (what alerts.smtp.ca_file points to)
    cert_file: Path  # the server's certificate for IP 127.0.0.1, signed by the CA
    key_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_pki(directory: Path) -> Pki:
    """A self-signed CA and a server certificate it signed, valid for 127.0.0.1 only (no DNS name)."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("CRM governance test CA"))
        .issuer_name(_name("CRM governance test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    pki = Pki(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    pki.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    pki.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    return _write_pki(tmp_path_factory.mktemp("pki"))


class TlsCollector(SmtpCollector):
    """Keeps, per received message, whether its session was encrypted and which login it used."""

    def __init__(self) -> None:
        super().__init__(refuse=set())
        self.sessions_seen: list[tuple[bool, str | None]] = []
        self.auth_attempts = 0

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.auth_attempts += 1
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            LOGIN.encode(),
            PASSWORD.encode(),
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.login.decode() if session.auth_data else None
        with self.lock:
            self.sessions_seen.append((session.ssl is not None, login))
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def tls_server(pki) -> Iterator[tuple[int, TlsCollector]]:
    """STARTTLS with the CA-signed certificate; AUTH only after STARTTLS; MAIL only after AUTH."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki.cert_file, pki.key_file)
    handler = TlsCollector()
    with running_smtp_server(
        handler,
        tls_context=context,
        require_starttls=True,
        authenticator=handler.authenticate,
        auth_required=True,
        auth_require_tls=True,
    ) as controller:
        yield controller.port, handler


@pytest.fixture
def plain_server() -> Iterator[tuple[int, SmtpCollector]]:
    """A server that offers no STARTTLS."""
    handler = SmtpCollector(refuse=set())
    with running_smtp_server(handler) as controller:
        yield controller.port, handler


def _digests():
    rows = [
        {
            "contact_id": f"K-{i}",
            "source_file": f"contacts_{NIGHT}.csv",
            "source_line": i,
            "last_name": f"Name{i}",
            "owner": owner,
            "owner_email": f"{owner}@crm.example.at",
            "quality_flags": "POSITION_MISSING",
            "quarantine_reasons": "POSITION_MISSING",
        }
        for i, owner in enumerate(OWNERS, start=1)
    ]
    return build_digests(pd.DataFrame(rows), NIGHT, "ACCEPTED", [])


def _smtp_config(tmp_path: Path, **smtp) -> GovernanceConfig:
    return GovernanceConfig.model_validate(
        {"paths": {"var": str(tmp_path / "var")}, "alerts": {"channel": "smtp", "smtp": smtp}}
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "governance.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------- sending


def test_digests_go_out_over_starttls_with_login_from_the_configuration(
    tmp_path, pki, tls_server, monkeypatch
):
    port, handler = tls_server
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    cfg = _smtp_config(
        tmp_path,
        host="127.0.0.1",
        port=port,
        sender=SENDER,
        starttls=True,
        username=LOGIN,
        password_env=PASSWORD_ENV,
        ca_file=str(pki.ca_file),
    )
    channel = smtp_channel(cfg.alerts.smtp, timeout=10)
    outcome = send_digests(_digests(), channel)

    assert outcome.failures == [] and outcome.sent == 3
    assert channel.connections_opened == 1
    assert handler.sessions_seen == [(True, LOGIN)] * 3  # every message inside TLS, after the login
    received = {
        rcpt: email.message_from_bytes(env.original_content, policy=email.policy.default)
        for env in handler.envelopes
        for rcpt in env.rcpt_tos
    }
    assert set(received) == {f"{o}@crm.example.at" for o in OWNERS}
    assert all(msg["From"] == SENDER for msg in received.values())


def test_wrong_password_is_one_clear_error_naming_the_server(pki, tls_server):
    port, handler = tls_server
    channel = SmtpChannel(
        "127.0.0.1",
        port,
        SENDER,
        starttls=True,
        username=LOGIN,
        password="wrong-password",
        timeout=10,
        ca_file=pki.ca_file,
    )
    outcome = send_digests(_digests(), channel)

    assert outcome.sent == 0 and handler.envelopes == []
    errors = {error for _, error in outcome.failures}
    assert len(outcome.failures) == 3 and len(errors) == 1  # the session failed once, for everybody
    (error,) = errors
    assert error.startswith(f"SMTP server 127.0.0.1:{port}: login as '{LOGIN}' failed: ")
    assert "535" in error and "Authentication credentials invalid" in error
    assert "\n" not in error and "Traceback" not in error and "wrong-password" not in error
    assert handler.auth_attempts <= 2  # smtplib's mechanisms once, not once per digest


def test_starttls_refused_by_a_server_without_tls_is_a_clear_error(plain_server, pki):
    port, handler = plain_server
    channel = SmtpChannel("127.0.0.1", port, SENDER, starttls=True, timeout=10, ca_file=pki.ca_file)
    outcome = send_digests(_digests(), channel)

    assert outcome.sent == 0 and handler.envelopes == []  # no fallback to clear text
    error = outcome.failures[0][1]
    assert error == (
        f"SMTP server 127.0.0.1:{port}: STARTTLS failed: "
        "not offered by the server (STARTTLS extension not supported by server.)"
    )


def test_certificates_are_verified_by_default(tls_server):
    port, handler = tls_server
    channel = SmtpChannel(
        "127.0.0.1", port, SENDER, starttls=True, username=LOGIN, password=PASSWORD, timeout=10
    )
    outcome = send_digests(_digests(), channel)

    assert outcome.sent == 0 and handler.envelopes == []
    assert handler.auth_attempts == 0  # the password never reached an unverified server
    error = outcome.failures[0][1]
    assert error.startswith(f"SMTP server 127.0.0.1:{port}: STARTTLS failed: certificate not trusted: ")
    assert "alerts.smtp.ca_file" in error


def test_the_host_name_is_verified_too(pki, tls_server):
    port, handler = tls_server  # the certificate is for 127.0.0.1, not for "localhost"
    channel = SmtpChannel("localhost", port, SENDER, starttls=True, timeout=10, ca_file=pki.ca_file)
    outcome = send_digests(_digests(), channel)
    assert outcome.sent == 0 and handler.envelopes == []
    error = outcome.failures[0][1]
    assert error.startswith(f"SMTP server localhost:{port}: STARTTLS failed: certificate not trusted: ")
    assert "Hostname mismatch" in error and "ca_file" not in error  # no misleading hint


def test_a_missing_ca_file_fails_the_session_clearly(tmp_path, tls_server):
    port, _ = tls_server
    channel = SmtpChannel("127.0.0.1", port, SENDER, starttls=True, ca_file=tmp_path / "nope.pem")
    outcome = send_digests(_digests(), channel)
    assert outcome.sent == 0
    assert outcome.failures[0][1].startswith(f"SMTP server 127.0.0.1:{port}: loading the CA file failed: ")
    assert "FileNotFoundError" in outcome.failures[0][1]
    with channel, pytest.raises(SmtpSessionError):  # what a caller of send() gets
        channel.send(build_message(_digests()[0], SENDER), _digests()[0])


def test_login_without_tls_is_refused():
    with pytest.raises(ValueError, match="starttls or use_ssl"):
        SmtpChannel("127.0.0.1", 25, SENDER, username=LOGIN, password=PASSWORD)


# --------------------------------------------------------------------------------------------- configuration


def test_login_needs_starttls_and_a_name(tmp_path):
    text = f"alerts:\n  smtp: {{username: {LOGIN}, password_env: {PASSWORD_ENV}}}\n"
    with pytest.raises(ConfigError, match=r"alerts\.smtp\.username: .*starttls: true"):
        load_config(_write(tmp_path, text))
    text = f"alerts:\n  smtp: {{starttls: true, username: ' ', password_env: {PASSWORD_ENV}}}\n"
    with pytest.raises(ConfigError, match=r"alerts\.smtp\.username: .*must not be empty"):
        load_config(_write(tmp_path, text))


def test_login_needs_password_env_and_password_env_needs_a_login(tmp_path):
    with pytest.raises(ConfigError, match=r"alerts\.smtp\.password_env: .*required when username is set"):
        load_config(_write(tmp_path, f"alerts:\n  smtp: {{starttls: true, username: {LOGIN}}}\n"))
    with pytest.raises(ConfigError, match=r"alerts\.smtp\.password_env: .*set username too"):
        load_config(_write(tmp_path, f"alerts:\n  smtp: {{starttls: true, password_env: {PASSWORD_ENV}}}\n"))


def test_a_password_typed_into_password_env_is_refused_and_not_echoed(tmp_path):
    text = f"alerts:\n  smtp: {{starttls: true, username: {LOGIN}, password_env: '{PASSWORD}'}}\n"
    with pytest.raises(
        ConfigError, match=r"alerts\.smtp\.password_env: .*name of an environment variable"
    ) as info:
        load_config(_write(tmp_path, text))
    assert PASSWORD not in str(info.value)


def test_the_password_variable_must_be_set_when_mail_goes_by_smtp(tmp_path, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    smtp = f"{{starttls: true, username: {LOGIN}, password_env: {PASSWORD_ENV}}}"
    with pytest.raises(
        ConfigError, match=rf"alerts\.smtp: .*password_env: the environment variable {PASSWORD_ENV}"
    ):
        load_config(_write(tmp_path, f"alerts:\n  channel: smtp\n  smtp: {smtp}\n"))
    # Not needed while the digests go to the outbox.
    assert load_config(_write(tmp_path, f"alerts:\n  channel: outbox\n  smtp: {smtp}\n")).alerts.smtp.username
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    cfg = load_config(_write(tmp_path, f"alerts:\n  channel: smtp\n  smtp: {smtp}\n"))
    assert cfg.alerts.smtp.password() == PASSWORD
    assert PASSWORD not in cfg.model_dump_json()
    # Gone by the time the night runs: the channel is not built, the error names the key.
    monkeypatch.delenv(PASSWORD_ENV)
    with pytest.raises(ConfigError, match=r"alerts\.smtp\.password_env: .* is not set"):
        smtp_channel(cfg.alerts.smtp)


def test_ca_file_must_be_a_pem_file_and_is_taken_from_the_project_folder(tmp_path, pki):
    with pytest.raises(ConfigError, match=r"alerts\.smtp\.ca_file: .*file not found"):
        load_config(_write(tmp_path, f"alerts:\n  smtp: {{ca_file: '{tmp_path / 'nope.pem'}'}}\n"))
    (tmp_path / "garbage.pem").write_text("not a certificate\n")
    with pytest.raises(ConfigError, match=r"alerts\.smtp\.ca_file: .*not a PEM file of CA certificates"):
        load_config(_write(tmp_path, f"alerts:\n  smtp: {{ca_file: '{tmp_path / 'garbage.pem'}'}}\n"))
    relative = os.path.relpath(pki.ca_file, PROJECT_ROOT)
    cfg = load_config(_write(tmp_path, f"alerts:\n  smtp: {{ca_file: '{relative}'}}\n"))
    assert cfg.alerts.smtp.ca_file == PROJECT_ROOT / relative and cfg.alerts.smtp.ca_file.is_file()


def test_the_project_configuration_documents_the_smtp_keys():
    text = (PROJECT_ROOT / "governance.yaml").read_text(encoding="utf-8")
    assert all(key in text for key in ("starttls", "username", "password_env", "ca_file"))


# ------------------------------------------------------------------------------------------ whole night


def _night_over_tls(tmp_path: Path, pki: Pki, port: int):
    from governance.sample_data import generate_contacts
    from tests.pipeline_helpers import night_config, run_night

    smtp = {
        "host": "127.0.0.1",
        "port": port,
        "sender": SENDER,
        "starttls": True,
        "username": LOGIN,
        "password_env": PASSWORD_ENV,
        "ca_file": str(pki.ca_file),
    }
    cfg = night_config(
        tmp_path, f"sqlite:///{tmp_path / 'wh.sqlite'}", alerts={"channel": "smtp", "smtp": smtp}
    )
    return run_night(cfg, tmp_path, NIGHT, generate_contacts(400, seed=61))


def test_a_night_sends_its_digests_over_starttls_trusting_only_the_configured_ca(
    tmp_path, pki, tls_server, monkeypatch
):
    port, handler = tls_server
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    night = _night_over_tls(tmp_path, pki, port)
    [alerts] = [
        e.materialization.metadata
        for e in night.result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "owner_alerts"
    ]
    assert alerts["failed_recipients"].value == 0
    assert alerts["digests_sent"].value == len(handler.envelopes) > 0
    assert set(handler.sessions_seen) == {(True, LOGIN)}


def test_a_night_with_a_wrong_password_fails_its_alerts_step_naming_the_login(
    tmp_path, pki, tls_server, monkeypatch
):
    port, handler = tls_server
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password")
    night = _night_over_tls(tmp_path, pki, port)
    assert handler.envelopes == []
    assert "owner_alerts" not in night.materialized and "crm_quality_report" in night.materialized
    message = night.step_failure_message()
    assert f"SMTP server 127.0.0.1:{port}: login as '{LOGIN}' failed" in message and "535" in message
