"""The product's configuration: one YAML file, validated at start-up.

Thresholds, paths, channels and campaigns live here and nowhere else. Errors name the file and the
offending key (``gates.volume.tolerance: Input should be a valid number``) so an operator can fix them
without reading code.
"""

from __future__ import annotations

import os
import re
import ssl
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from governance.contact_model import owner_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "governance.yaml"
CONFIG_ENV = "GOVERNANCE_CONFIG"
WAREHOUSE_URL_ENV = "GOVERNANCE_WAREHOUSE_URL"


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or invalid; the message names file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Severity = Literal["ERROR", "WARN"]


class PathsConfig(_Strict):
    landing: Path = Path("landing")
    var: Path = Path("var")

    def resolve(self, root: Path) -> PathsConfig:
        return PathsConfig(
            landing=self.landing if self.landing.is_absolute() else root / self.landing,
            var=self.var if self.var.is_absolute() else root / self.var,
        )

    @property
    def exports(self) -> Path:
        return self.var / "exports"

    @property
    def outbox(self) -> Path:
        return self.var / "outbox"

    @property
    def reports(self) -> Path:
        return self.var / "reports"


class SqlSourceConfig(_Strict):
    """A full extract by query on the CRM database (every night sees every contact: the loss and
    volume gates compare whole extracts)."""

    url: str
    profile: str = "suitecrm"
    table: str | None = None
    query: str | None = None


class ExtractConfig(_Strict):
    source: Literal["csv", "sql"] = "csv"
    # File name in the landing folder; {date} is the partition key (YYYY-MM-DD).
    file_pattern: str = "contacts_{date}.csv"
    profile: str = "auto"
    sql: SqlSourceConfig | None = None

    @field_validator("file_pattern")
    @classmethod
    def _pattern_has_date(cls, value: str) -> str:
        if "{date}" not in value:
            raise ValueError("must contain the placeholder {date}")
        try:
            value.format(date="2026-01-01")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                f"{{date}} is the only placeholder allowed (braces: {{{{ }}}}), got {exc!r}"
            ) from None
        return value


class SalutationSettings(_Strict):
    force_gendered_forms: bool = False
    phd_as_dr: bool = False


class ThresholdGate(_Strict):
    threshold: float = Field(0.95, ge=0, le=1)
    severity: Severity = "ERROR"


class CoverageGate(_Strict):
    max_drop_pp: float = Field(5.0, ge=0, le=100)
    window: int = Field(7, ge=1)
    severity: Severity = "ERROR"


class ShareGate(_Strict):
    max_share: float = Field(0.01, ge=0, le=1)
    severity: Severity = "ERROR"


class VolumeGate(_Strict):
    tolerance: float = Field(0.20, ge=0)
    severity: Severity = "ERROR"


class SeverityGate(_Strict):
    severity: Severity = "ERROR"


class GatesConfig(_Strict):
    position_completeness: ThresholdGate = ThresholdGate()
    title_coverage: CoverageGate = CoverageGate()
    title_loss: ShareGate = ShareGate(max_share=0.01)
    position_loss: ShareGate = ShareGate(max_share=0.01)
    volume: VolumeGate = VolumeGate()
    quarantine_share: ShareGate = ShareGate(max_share=0.10)
    # Structure of the extract; records without an id are quarantined, so WARN by default.
    raw_schema: SeverityGate = SeverityGate(severity="WARN")
    validated_schema: SeverityGate = SeverityGate()
    gx_suites: SeverityGate = SeverityGate()


class CampaignConfig(_Strict):
    description: str = ""
    export: bool = True


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SmtpConfig(_Strict):
    """The SMTP server for owner digests. Certificates are always verified (system CAs, or ``ca_file``);
    a login needs STARTTLS, and its password comes from the environment variable ``password_env``."""

    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    sender: str = "crm-governance@localhost"
    starttls: bool = False
    username: str | None = None
    # Name of the environment variable holding the password (the password never goes into the file).
    password_env: str | None = Field(None, validate_default=True)
    # PEM file of the CA(s) that signed the server's certificate, trusted instead of the system's CAs.
    ca_file: Path | None = None

    @field_validator("username")
    @classmethod
    def _login_over_tls(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be empty (leave it out to send without login)")
        if value is not None and info.data.get("starttls") is False:
            raise ValueError("a login needs starttls: true (the password must not travel unencrypted)")
        return value

    @field_validator("password_env")
    @classmethod
    def _password_from_environment(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not _ENV_NAME.fullmatch(value):  # never echo it: it may be the password
            raise ValueError("must be the name of an environment variable (letters, digits, _)")
        if "username" not in info.data:  # username itself is invalid and already reported
            return value
        if info.data["username"] and value is None:
            raise ValueError(
                "required when username is set: the name of the environment variable that holds "
                "the password (the password itself never goes into the configuration)"
            )
        if value is not None and not info.data["username"]:
            raise ValueError("only used with a login: set username too")
        return value

    @field_validator("ca_file")
    @classmethod
    def _readable_ca_file(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        path = value if value.is_absolute() else PROJECT_ROOT / value
        if not path.is_file():
            raise ValueError(f"file not found: {path}")
        try:
            ssl.create_default_context(cafile=str(path))
        except (ssl.SSLError, OSError) as exc:
            raise ValueError(f"{path} is not a PEM file of CA certificates: {exc}") from None
        return path

    def password(self) -> str | None:
        """The login password from the environment variable ``password_env`` (None without a login)."""
        if not self.password_env:
            return None
        value = os.environ.get(self.password_env)
        if not value:
            raise ConfigError(
                f"alerts.smtp.password_env: the environment variable {self.password_env} is not set "
                "or empty (it holds the SMTP password)"
            )
        return value


class AlertsConfig(_Strict):
    channel: Literal["outbox", "smtp", "none"] = "outbox"
    smtp: SmtpConfig = SmtpConfig()
    # Where records without a reachable owner go; None: they are reported in the run, not mailed.
    fallback_recipient: str | None = None
    # The owners' addresses, by the owner as the extract names them (a name, or a CRM user id): for
    # exports that carry no owner e-mail (Zoho, Pipedrive, a HubSpot or Salesforce export without it).
    # Fills in only where a record has none.
    owners: dict[str, str] = Field(default_factory=dict)

    @field_validator("smtp")
    @classmethod
    def _password_is_set(cls, value: SmtpConfig, info: ValidationInfo) -> SmtpConfig:
        """With channel smtp, the password's environment variable must be set when the pipeline starts."""
        if info.data.get("channel") == "smtp" and value.password_env:
            try:
                value.password()
            except ConfigError as exc:
                raise ValueError(str(exc).removeprefix("alerts.smtp.")) from None
        return value

    @field_validator("fallback_recipient")
    @classmethod
    def _an_address(cls, value: str | None) -> str | None:
        if value is not None and not _is_address(value):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value

    @field_validator("owners", mode="before")
    @classmethod
    def _owner_addresses(cls, value: object) -> object:
        """Two spellings of one owner with two addresses are refused (the digests group owners without
        case and extra spaces). Keys from the file are the text as written (`_UniqueKeyLoader`)."""
        if not isinstance(value, dict):
            return value
        owners: dict[str, str] = {}
        seen: dict[str, str] = {}
        for owner, address in value.items():
            name = str(owner).strip()
            if not name:
                raise ValueError("an owner's name is empty")
            if not isinstance(address, str) or not _is_address(address):
                raise ValueError(f"owner {name!r}: not an e-mail address: {address!r}")
            key = owner_key(name)
            if key in seen and owners[seen[key]] != address:
                raise ValueError(f"owner {name!r} and {seen[key]!r} are one owner with two addresses")
            seen.setdefault(key, name)
            owners[name] = address
        return owners


def _is_address(value: str) -> bool:
    return bool(re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+", value))


class GovernanceConfig(_Strict):
    timezone: str = "Europe/Vienna"
    partitions_start: str = "2026-01-01"
    schedule_hour: int = Field(2, ge=0, le=23)
    schedule_minute: int = Field(30, ge=0, le=59)
    paths: PathsConfig = PathsConfig()
    warehouse_url: str | None = None
    extract: ExtractConfig = ExtractConfig()
    salutation: SalutationSettings = SalutationSettings()
    # Record rule code -> "error" (quarantine the record) or "warn" (report only).
    rules: dict[str, Literal["error", "warn"]] = {}
    gates: GatesConfig = GatesConfig()
    expectations_dir: Path = Path("expectations")
    models_dir: Path = Path("dbt_like_sql")
    campaigns: dict[str, CampaignConfig] = {"newsletter_at": CampaignConfig()}
    alerts: AlertsConfig = AlertsConfig()
    retention_nights: int = Field(35, ge=8)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("partitions_start")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        from datetime import date

        date.fromisoformat(value)
        return value

    def resolved_warehouse_url(self, root: Path) -> str:
        """The warehouse URL: environment first, then the file, then SQLite under var/."""
        url = os.environ.get(WAREHOUSE_URL_ENV) or self.warehouse_url
        if url:
            return url
        return f"sqlite:///{self.paths.resolve(root).var / 'warehouse.sqlite'}"


def _format_validation_error(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: invalid configuration"]
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"]) or "(top level)"
        lines.append(f"  {key}: {err['msg']}")
    return "\n".join(lines)


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader with two changes for a configuration file. A key given twice in one mapping
    is an error: silently taking the last of two ``gates:`` blocks is not what the person who wrote the
    first one meant (a key merged in with ``<<:`` may be overridden, as YAML intends). A key is the text
    as written: every key of the configuration is a name, and YAML would read the CRM user ids
    ``000123`` as the number 83 and ``yes`` as True."""

    def _key(self, key_node: yaml.Node, mapping_node: yaml.Node) -> str:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                mapping_node.start_mark,
                "a key must be a name",
                key_node.start_mark,
            )
        return key_node.value

    def construct_mapping(self, node, deep=False):
        seen: set[str] = set()
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self._key(key_node, node)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"key {key!r} given twice",
                    key_node.start_mark,
                )
            seen.add(key)
        self.flatten_mapping(node)  # merged keys first, then the explicit ones: the explicit ones win
        mapping: dict[str, object] = {}
        for key_node, value_node in node.value:
            mapping[self._key(key_node, node)] = self.construct_object(value_node, deep=deep)
        return mapping


def load_config(path: str | Path | None = None) -> GovernanceConfig:
    """Load and validate the configuration.

    ``path`` defaults to ``$GOVERNANCE_CONFIG``, then ``governance.yaml`` at the project root; a
    missing default file means all defaults.
    """
    explicit = path or os.environ.get(CONFIG_ENV)
    cfg_path = Path(explicit) if explicit else DEFAULT_CONFIG_PATH
    if not cfg_path.exists():
        if explicit:
            raise ConfigError(f"{cfg_path}: configuration file not found")
        return GovernanceConfig()
    try:
        data = yaml.load(cfg_path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{cfg_path}: cannot read the configuration: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{cfg_path}: the configuration must be a mapping of keys to values")
    try:
        return GovernanceConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(cfg_path, exc)) from None
