"""The product's configuration: one YAML file, validated at start-up.

Thresholds, paths, channels and campaigns live here and nowhere else. Errors name the file and the
offending key (``gates.volume.tolerance: Input should be a valid number``) so an operator can fix them
without reading code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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


class SmtpConfig(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    sender: str = "crm-governance@localhost"
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None  # name of the environment variable holding the password


class AlertsConfig(_Strict):
    channel: Literal["outbox", "smtp", "none"] = "outbox"
    smtp: SmtpConfig = SmtpConfig()
    # Where records without a reachable owner go; None: they are reported in the run, not mailed.
    fallback_recipient: str | None = None

    @field_validator("fallback_recipient")
    @classmethod
    def _an_address(cls, value: str | None) -> str | None:
        import re

        if value is not None and not re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+", value):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value


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
    """YAML's safe loader, but a key given twice in one mapping is an error: silently taking the last
    of two ``gates:`` blocks is not what the person who wrote the first one meant."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"key {key!r} given twice",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


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
