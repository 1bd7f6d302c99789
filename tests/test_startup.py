"""Start-up validation: bad configuration, suites or models stop the definitions from loading."""

from __future__ import annotations

import json
import shutil

import pytest

from governance.config import ConfigError
from governance.defs import build_definitions
from tests.pipeline_helpers import PROJECT, night_config


def test_unknown_rule_in_configuration_names_the_key(tmp_path):
    cfg = night_config(tmp_path, "sqlite://", rules={"TITLE_LOST": "error"})
    with pytest.raises(ConfigError, match=r"rules\.TITLE_LOST: unknown rule") as err:
        build_definitions(cfg, tmp_path)
    assert "TITLE_DROPPED" in str(err.value)  # lists the known rules


def test_bad_rule_severity_names_the_key(tmp_path):
    with pytest.raises(Exception, match=r"rules\.TITLE_DROPPED"):
        night_config(tmp_path, "sqlite://", rules={"TITLE_DROPPED": "fatal"})


def copy_suites(tmp_path):
    target = tmp_path / "expectations"
    shutil.copytree(PROJECT / "expectations", target)
    return target


def test_malformed_suite_json_names_the_file(tmp_path):
    suites = copy_suites(tmp_path)
    bad = suites / "crm_contacts_titles.json"
    bad.write_text(bad.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    cfg = night_config(tmp_path, "sqlite://", expectations_dir=str(suites))
    with pytest.raises(ConfigError) as err:
        build_definitions(cfg, tmp_path)
    assert str(bad) in str(err.value) and "JSON" in str(err.value)


def test_unknown_expectation_names_file_and_key(tmp_path):
    suites = copy_suites(tmp_path)
    path = suites / "crm_contacts_completeness.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    suite["expectations"][1]["type"] = "expect_column_values_to_be_polite"
    path.write_text(json.dumps(suite), encoding="utf-8")
    cfg = night_config(tmp_path, "sqlite://", expectations_dir=str(suites))
    with pytest.raises(ConfigError) as err:
        build_definitions(cfg, tmp_path)
    assert str(path) in str(err.value) and "expectations[1].type" in str(err.value)


def test_campaign_without_model_names_the_key(tmp_path):
    cfg = night_config(tmp_path, "sqlite://", campaigns={"winter_mailing": {}})
    expected = r"campaigns\.winter_mailing: no model campaign_list_winter_mailing"
    with pytest.raises(ConfigError, match=expected):
        build_definitions(cfg, tmp_path)


def test_model_with_unknown_ref_names_the_file(tmp_path):
    models = tmp_path / "dbt_like_sql"
    shutil.copytree(PROJECT / "dbt_like_sql", models)
    broken = models / "marts" / "campaign_list_newsletter_at.sql"
    broken.write_text("select * from {{ ref('crm_contacts_validatd') }}", encoding="utf-8")
    cfg = night_config(tmp_path, "sqlite://", models_dir=str(models))
    with pytest.raises(Exception, match="crm_contacts_validatd") as err:
        build_definitions(cfg, tmp_path)
    assert str(broken) in str(err.value)


def test_every_gate_has_a_blocking_check(tmp_path):
    from governance.quality.rules import RULE_CODES

    defs = build_definitions(night_config(tmp_path, "sqlite://"), tmp_path)
    job = defs.resolve_job_def("nightly_contacts_job")
    checks = {key.name for key in job.asset_layer.asset_graph.asset_check_keys}
    expected = {"raw_schema", "validated_schema", "gx_crm_contacts_completeness", "gx_crm_contacts_titles"}
    expected |= {"position_completeness", "title_coverage", "title_loss", "position_loss", "volume"}
    expected |= {f"rule_{code.lower()}" for code in RULE_CODES}
    assert expected <= checks
    gate_checks = [c for c in defs.asset_checks if c.node_def.name == "crm_contacts_gates"]
    assert gate_checks and all(spec.blocking for spec in gate_checks[0].check_specs)


def test_schedule_runs_the_last_completed_night_at_0230_vienna(tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import dagster as dg

    defs = build_definitions(night_config(tmp_path, "sqlite://"), tmp_path)
    schedule = defs.resolve_schedule_def("nightly_contacts_schedule")
    assert schedule.cron_schedule == "30 2 * * *"
    assert schedule.execution_timezone == "Europe/Vienna"
    tick = datetime(2026, 11, 27, 2, 30, tzinfo=ZoneInfo("Europe/Vienna"))
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=tick)
        requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2026-11-26"]


def test_unknown_profile_names_the_key(tmp_path):
    cfg = night_config(tmp_path, "sqlite://", extract={"profile": "salesforse"})
    with pytest.raises(ConfigError, match=r"extract\.profile: .*salesforse"):
        build_definitions(cfg, tmp_path)


def test_sql_source_needs_its_settings(tmp_path):
    cfg = night_config(tmp_path, "sqlite://", extract={"source": "sql"})
    with pytest.raises(ConfigError, match=r"extract\.sql"):
        build_definitions(cfg, tmp_path)


def test_suite_name_that_cannot_be_a_check_name_is_refused(tmp_path):
    suites = copy_suites(tmp_path)
    path = suites / "crm_contacts_titles.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    suite["name"] = "crm-contacts titles"
    path.write_text(json.dumps(suite), encoding="utf-8")
    cfg = night_config(tmp_path, "sqlite://", expectations_dir=str(suites))
    with pytest.raises(ConfigError, match="letters, digits and _") as err:
        build_definitions(cfg, tmp_path)
    assert str(path) in str(err.value)
