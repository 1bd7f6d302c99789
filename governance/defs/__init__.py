"""Dagster wiring: builds the one Definitions object from the validated configuration."""

from __future__ import annotations

import re
import warnings
from functools import partial
from pathlib import Path

import dagster as dg

from governance import nightly
from governance.config import ConfigError, GovernanceConfig
from governance.defs.assets import build_core_assets
from governance.defs.checks import build_gate_checks
from governance.defs.resources import WarehouseResource
from governance.defs.sensors import build_late_extract_sensor
from governance.defs.sql_assets import CAMPAIGN_PREFIX, build_model_assets, campaign_name, export_path
from governance.sql_models import ModelProject, load_models

NIGHTLY_JOB = "nightly_contacts_job"

# Partition-aware checks (partitions_def on AssetCheckSpec) are "preview" in Dagster 1.13, and they
# are what LIBRARY_NOTES prescribes for daily partitions; the warning says nothing actionable.
warnings.filterwarnings("ignore", category=dg.PreviewWarning)
warnings.filterwarnings("ignore", category=dg.BetaWarning)


def partitions_for(cfg: GovernanceConfig) -> dg.DailyPartitionsDefinition:
    return dg.DailyPartitionsDefinition(start_date=cfg.partitions_start, timezone=cfg.timezone)


def check_configuration(cfg: GovernanceConfig, root: Path) -> tuple[ModelProject, list[str]]:
    """Start-up validation across files: rules, suites and campaigns must all exist."""
    from governance.ingest import ProfileError, load_profile
    from governance.quality.gx_runner import SuiteConfigError, load_suites
    from governance.quality.rules import RULE_CODES

    for code in cfg.rules:
        if code not in RULE_CODES:
            raise ConfigError(f"rules.{code}: unknown rule; known rules: {', '.join(RULE_CODES)}")
    profiles = {"extract.profile": cfg.extract.profile}
    if cfg.extract.sql is not None:
        profiles["extract.sql.profile"] = cfg.extract.sql.profile
    for key, name in profiles.items():
        if name != "auto":
            try:
                load_profile(name)
            except ProfileError as exc:
                raise ConfigError(f"{key}: {exc}") from exc
    if cfg.extract.source == "sql" and cfg.extract.sql is None:
        raise ConfigError("extract.sql: required when extract.source is sql (give at least url)")
    expectations = nightly.cfg_path(root, cfg.expectations_dir)
    try:
        suites = load_suites(expectations)
    except SuiteConfigError as exc:
        raise ConfigError(str(exc)) from exc
    for name, suite in suites.items():
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):  # it becomes the Dagster check gx_<name>
            raise ConfigError(f"{suite.path}: name: {name!r} may use letters, digits and _ only")
    suite_names = sorted(suites)
    project = load_models(nightly.cfg_path(root, cfg.models_dir), external=nightly.PYTHON_TABLES)
    campaigns = {campaign_name(n) for n in project.models if n.startswith(CAMPAIGN_PREFIX)}
    for name in cfg.campaigns:
        if name not in campaigns:
            raise ConfigError(
                f"campaigns.{name}: no model {CAMPAIGN_PREFIX}{name}.sql in {project.root}/marts "
                f"(campaign models: {', '.join(sorted(campaigns)) or 'none'})"
            )
    return project, suite_names


def build_definitions(cfg: GovernanceConfig, root: Path) -> dg.Definitions:
    project, suite_names = check_configuration(cfg, root)
    partitions_def = partitions_for(cfg)
    campaign_models = [n for n in project.order if n.startswith(CAMPAIGN_PREFIX)]
    exports = {name: partial(export_path, cfg, root, campaign_name(name)) for name in campaign_models}
    core = build_core_assets(cfg, root, partitions_def, exports)
    models = build_model_assets(project, cfg, root, partitions_def)
    checks = [build_gate_checks(nightly.gate_names(suite_names), partitions_def)]
    nightly_job = dg.define_asset_job(
        NIGHTLY_JOB,
        selection=dg.AssetSelection.all(),
        partitions_def=partitions_def,
        executor_def=dg.in_process_executor,
        description="The night: ingest, stage, gate, quarantine, campaign lists.",
    )
    schedule = dg.build_schedule_from_partitioned_job(
        nightly_job,
        hour_of_day=cfg.schedule_hour,
        minute_of_hour=cfg.schedule_minute,
        name="nightly_contacts_schedule",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    # A query on the CRM database has no delivery to wait for: the schedule's run reads it.
    sensors = (
        [build_late_extract_sensor(cfg, root, nightly_job, partitions_def)]
        if cfg.extract.source == "csv"
        else []
    )
    return dg.Definitions(
        assets=[*core, *models],
        asset_checks=checks,
        jobs=[nightly_job],
        schedules=[schedule],
        sensors=sensors,
        resources={
            "warehouse": WarehouseResource(
                url=cfg.resolved_warehouse_url(root), handoff_dir=str(cfg.paths.resolve(root).var / "handoff")
            )
        },
    )
