"""Delivery of owner digests: a file outbox (.eml, the embedded default) and SMTP (stdlib ``smtplib``).

A channel is a context manager with one method, ``send(message, digest)``, that raises on failure.
``send_digests`` builds one RFC 5322 message per digest (UTF-8, multipart/alternative text + HTML), sends
them through one channel session (one SMTP connection for the whole night) and reports what was sent,
which owners had no recipient, and which recipients failed: one failing recipient does not stop the others.

SMTP over TLS always verifies the server's certificate and host name (the system's CAs, or ``ca_file`` for
a private CA); a session that cannot be set up (connection, STARTTLS, certificate, login) fails with a
``SmtpSessionError`` whose one-line message names the server, the step and the server's answer.
"""

from __future__ import annotations

import hashlib
import os
import re
import smtplib
import ssl
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from governance.alerts.digest import OwnerDigest

if TYPE_CHECKING:
    from governance.config import SmtpConfig

DEFAULT_SENDER = "crm-governance@localhost"


# --------------------------------------------------------------------------------------------- messages


def build_message(digest: OwnerDigest, sender: str) -> EmailMessage:
    """The digest as an RFC 5322 message: UTF-8, multipart/alternative with a text and an HTML part."""
    if not digest.recipient:
        raise ValueError(f"digest for owner {digest.owner!r} has no recipient")
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = digest.recipient
    msg["Subject"] = digest.subject
    msg["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(idstring="crm-governance", domain=domain)
    # RFC 3834: no auto-replies (out-of-office) to an automatic message.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    if digest.partition_date:
        msg["X-CRM-Governance-Night"] = digest.partition_date
    msg.set_content(digest.text_body, subtype="plain", charset="utf-8")
    msg.add_alternative(digest.html_body, subtype="html", charset="utf-8")
    return msg


def owner_slug(owner: str) -> str:
    """File-name form of an owner ("Gößler, Anna" -> "goessler-anna"); never empty."""
    s = owner.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9._-]+", "-", s).strip("-._")
    return s[:80] or "owner-" + hashlib.sha1(owner.encode("utf-8")).hexdigest()[:8]


_HOSTNAME_MISMATCH = 62  # OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH


class SmtpSessionError(smtplib.SMTPException):
    """The SMTP session could not be set up; the message names the server, the step and the cause."""


def _reason(exc: BaseException) -> str:
    """The cause of a failed session step, in one line, without a traceback."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        hint = "" if exc.verify_code == _HOSTNAME_MISMATCH else " (a private CA: alerts.smtp.ca_file)"
        return f"certificate not trusted: {exc.verify_message}{hint}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"not offered by the server ({exc})"
    return " ".join(_describe(exc).split())


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SmtpSessionError):
        return str(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = []
        for addr, (code, resp) in exc.recipients.items():
            text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
            parts.append(f"{addr}: {code} {text}")
        return "SMTPRecipientsRefused: " + "; ".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException):
        err = exc.smtp_error
        text = err.decode("utf-8", "replace") if isinstance(err, bytes) else str(err)
        return f"{type(exc).__name__}: {exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------------------------- channels


class Channel(Protocol):
    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def send(self, message: EmailMessage, digest: OwnerDigest) -> None: ...


class OutboxChannel:
    """Writes ``<directory>/<partition_date>/<owner-slug>.eml``, each atomically (temp file + rename).

    A re-run of the same night replaces the files; when the session ends, ``.eml`` files of that night
    that this session did not write (owners with nothing to fix any more) are removed, so the night's
    directory always holds exactly the last run's digests.
    """

    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)
        self.written: list[Path] = []
        self._slugs: dict[Path, dict[str, str]] = {}

    def __enter__(self) -> Self:
        self.written = []
        self._slugs = {}
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self._prune()

    def path_for(self, digest: OwnerDigest) -> Path:
        night = self.directory / (digest.partition_date or "undated")
        used = self._slugs.setdefault(night, {})
        slug = owner_slug(digest.owner)
        who = f"{digest.owner} <{digest.recipient or ''}>"  # one owner name may have two addresses
        if used.get(slug, who) != who:  # two digests with the same slug
            slug = f"{slug}-{hashlib.sha1(who.encode('utf-8')).hexdigest()[:8]}"
        used[slug] = who
        return night / f"{slug}.eml"

    def send(self, message: EmailMessage, digest: OwnerDigest) -> None:
        target = self.path_for(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".eml", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(message.as_bytes())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.written.append(target)

    def _prune(self) -> None:
        keep = set(self.written)
        for night in self._slugs:
            if not night.is_dir():
                continue
            for stale in night.glob("*.eml"):
                if stale not in keep:
                    stale.unlink(missing_ok=True)


class SmtpChannel:
    """Sends through one SMTP connection per session (opened on the first message, closed at the end).

    ``starttls`` upgrades a plain connection, ``use_ssl`` connects with implicit TLS (port 465); either
    verifies the certificate against the system's CAs, or only against ``ca_file`` when given (or uses
    ``ssl_context``). ``username`` and ``password`` log in, only over TLS. If the session cannot be set up,
    every message of the session fails at once with the same ``SmtpSessionError`` instead of waiting for
    the timeout again; a dropped connection is reopened once for the next message.
    """

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30,
        *,
        use_ssl: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        ca_file: str | os.PathLike[str] | None = None,
    ):
        if username and not (starttls or use_ssl):
            raise ValueError("an SMTP login needs starttls or use_ssl: the password must not travel in clear")
        self.host = host
        self.port = port
        self.sender = sender
        self.starttls = starttls
        self.username = username
        self.password = password
        self.timeout = timeout
        self.use_ssl = use_ssl
        self.ssl_context = ssl_context
        self.ca_file = ca_file
        self.connections_opened = 0
        self._smtp: smtplib.SMTP | None = None
        self._connect_error: BaseException | None = None

    def __enter__(self) -> Self:
        self._connect_error = None
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _context(self) -> ssl.SSLContext:
        """Certificate and host name verified: ``ssl_context``, else the system's CAs or ``ca_file``."""
        if self.ssl_context is not None:
            return self.ssl_context
        return ssl.create_default_context(cafile=os.fspath(self.ca_file) if self.ca_file else None)

    def _connect(self) -> smtplib.SMTP:
        smtp: smtplib.SMTP | None = None
        step = "loading the CA file"
        try:
            context = self._context() if (self.use_ssl or self.starttls) else None
            step = "connection"
            if self.use_ssl:
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            step = "EHLO"
            smtp.ehlo()
            if self.starttls and not self.use_ssl:
                step = "STARTTLS"
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.username:
                step = f"login as {self.username!r}"
                smtp.login(self.username, self.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            if smtp is not None:
                smtp.close()
            raise SmtpSessionError(
                f"SMTP server {self.host}:{self.port}: {step} failed: {_reason(exc)}"
            ) from exc
        except BaseException:
            if smtp is not None:
                smtp.close()
            raise
        self.connections_opened += 1
        return smtp

    def _connection(self) -> smtplib.SMTP:
        if self._connect_error is not None:
            raise self._connect_error
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except SmtpSessionError as exc:
                self._connect_error = exc
                raise
        return self._smtp

    def send(self, message: EmailMessage, digest: OwnerDigest) -> None:
        smtp = self._connection()
        try:
            refused = smtp.send_message(message, from_addr=self.sender, to_addrs=[digest.recipient])
        except smtplib.SMTPServerDisconnected:
            self._smtp = None
            raise
        if refused:  # only possible with several recipients; kept for completeness
            raise smtplib.SMTPRecipientsRefused(refused)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def smtp_channel(smtp: SmtpConfig, timeout: float = 30) -> SmtpChannel:
    """The channel of ``alerts.smtp``: login password from the environment variable ``password_env``
    (``ConfigError`` naming the key when it is not set), certificates checked against ``ca_file`` if set."""
    return SmtpChannel(
        smtp.host,
        smtp.port,
        smtp.sender,
        starttls=smtp.starttls,
        username=smtp.username,
        password=smtp.password(),
        timeout=timeout,
        ca_file=smtp.ca_file,
    )


# --------------------------------------------------------------------------------------------- sending


@dataclass
class AlertOutcome:
    sent: int = 0
    skipped: list[str] = field(default_factory=list)  # owners whose digest had no recipient
    failures: list[tuple[str, str]] = field(default_factory=list)  # (recipient, error)
    delivered: list[str] = field(default_factory=list)  # recipients, in sending order
    # (owner, records, their contact ids) of the digests that had no recipient: nobody got them
    unaddressed: list[tuple[str, int, tuple[str, ...]]] = field(default_factory=list)


def send_digests(digests: Iterable[OwnerDigest], channel: Channel, sender: str | None = None) -> AlertOutcome:
    """Send every digest with a recipient through one session of ``channel``.

    ``sender`` is the From address (default: the channel's ``sender``, else ``crm-governance@localhost``).
    """
    sender = sender or getattr(channel, "sender", None) or DEFAULT_SENDER
    outcome = AlertOutcome()
    with channel:
        for digest in digests:
            if not digest.recipient:
                outcome.skipped.append(digest.owner)
                outcome.unaddressed.append((digest.owner, digest.record_count, digest.contact_ids))
                continue
            try:
                channel.send(build_message(digest, sender), digest)
            except Exception as exc:  # one failing recipient must not stop the others
                outcome.failures.append((digest.recipient, _describe(exc)))
                continue
            outcome.sent += 1
            outcome.delivered.append(digest.recipient)
    return outcome
