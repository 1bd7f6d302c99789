"""The `governance` command as users call it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from governance.cli import last_completed_night, main


@pytest.fixture
def run_config(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    monkeypatch.delenv("GOVERNANCE_WAREHOUSE_URL", raising=False)
    (tmp_path / "dagster").mkdir()
    path = tmp_path / "governance.yaml"
    path.write_text(
        f"paths:\n  landing: {tmp_path / 'landing'}\n  var: {tmp_path / 'var'}\n"
        "partitions_start: '2026-10-01'\n",
        encoding="utf-8",
    )
    return path


def test_run_with_sample_prints_the_night(run_config, tmp_path, capsys):
    code = main(
        ["run", "--config", str(run_config), "--sample", "--sample-rows", "800", "--date", "2026-11-20"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert (tmp_path / "landing" / "contacts_2026-11-20.csv").exists()
    assert "rows in:        800" in out
    assert "validated:" in out and "quarantined:" in out
    assert "checks:" in out and "blocking ERROR" in out
    assert "owner digests:" in out
    assert "campaign newsletter_at: built ->" in out
    assert (tmp_path / "var" / "exports" / "newsletter_at" / "2026-11-20.csv").exists()
    assert "crm_contacts_staged ..." in out  # progress while it runs


def test_run_without_extract_fails_naming_the_file(run_config, capsys):
    code = main(["run", "--config", str(run_config), "--date", "2026-11-21"])
    out = capsys.readouterr().out
    assert code == 1
    assert "ingestion FAILED" in out and "contacts_2026-11-21.csv" in out
    assert "crm_contacts_staged: skipped (crm_contacts_raw failed)" in out
    assert "a blocking gate failed" not in out  # no gate ran: the progress must not blame one


def test_a_blocked_night_says_the_gates_stopped_the_campaign_lists(run_config, tmp_path, capsys):
    from governance.sample_data import generate_contacts, write_extract

    contacts = generate_contacts(600, seed=5)
    contacts.loc[contacts.index[:150], "last_name"] = ""  # a quarter unaddressable: quarantine_share fails
    write_extract(contacts, tmp_path / "landing" / "contacts_2026-11-22.csv")
    code = main(["run", "--config", str(run_config), "--date", "2026-11-22"])
    out = capsys.readouterr().out
    assert code == 0, out  # the night completed; its verdict is blocked
    assert "crm_contacts_gates BLOCKED (a blocking gate failed)" in out
    assert "campaign_list_newsletter_at: skipped (a blocking gate failed)" in out
    assert "campaign newsletter_at: BLOCKED (a blocking gate failed)" in out
    # The next run in the same process blames its own failure, not the gates of the last one.
    assert main(["run", "--config", str(run_config), "--date", "2026-11-23"]) == 1
    out = capsys.readouterr().out
    assert "crm_contacts_staged: skipped (crm_contacts_raw failed)" in out
    assert "a blocking gate failed" not in out


def test_run_with_bad_configuration_names_the_key(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("gates:\n  volume:\n    tolerence: 0.3\n", encoding="utf-8")
    assert main(["run", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "gates.volume.tolerence" in err and str(bad) in err


def test_last_completed_night_is_yesterday_in_vienna():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from governance.config import GovernanceConfig

    # 00:30 in Vienna on the 27th is still the 26th in UTC: the night to run is the 26th.
    now = datetime(2026, 11, 26, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert last_completed_night(GovernanceConfig(), now) == "2026-11-26"


def test_salutations_command(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text(
        "id;salutation;title;first_name;last_name;position;country\n"
        "7;Frau;Mag.a;Eva;Huber;;AT\n"
        "8;Herr;Dr.;Franz;Müller;Generaldirektor;AT\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    assert main(["salutations", str(source), "-o", str(target)]) == 0
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert [r["id"] for r in rows] == ["7", "8"]
    assert rows[0]["salutation_line"] == "Sehr geehrte Frau Mag.a Huber,"
    assert rows[1]["salutation_line"] == "Sehr geehrter Herr Generaldirektor Dr. Müller,"
    assert rows[1]["address_block"].splitlines()[0] == "Herrn Generaldirektor"


def test_salutations_missing_column_exits_2(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("salutation,title,first_name,position,country\nFrau,Mag.a,Eva,,AT\n", encoding="utf-8")
    assert main(["salutations", str(source), "-o", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert str(source) in err and "last_name" in err


def test_salutations_unreadable_file_exits_2(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["salutations", str(missing), "-o", str(tmp_path / "out.csv")]) == 2
    assert str(missing) in capsys.readouterr().err


def test_salutations_headers_as_people_type_them(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_bytes(
        "\ufeffSalutation; Title ;First_Name;LAST_NAME;position;country;Kundennr\r\n"
        "Frau;Mag.a;Eva;Huber;;AT;4711\r\n".encode()
    )
    target = tmp_path / "out.csv"
    assert main(["salutations", str(source), "-o", str(target)]) == 0
    assert "1 contact written" in capsys.readouterr().out
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert rows[0]["Kundennr"] == "4711" and rows[0][" Title "] == "Mag.a"
    assert rows[0]["salutation_line"] == "Sehr geehrte Frau Mag.a Huber,"


def test_salutations_unwritable_output_exits_2(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("salutation,title,first_name,last_name,position,country\nFrau,,Eva,Huber,,AT\n")
    target = tmp_path / "missing-dir" / "out.csv"
    assert main(["salutations", str(source), "-o", str(target)]) == 2
    assert str(target) in capsys.readouterr().err


def test_local_dagster_instance_has_telemetry_off(tmp_path):
    import yaml

    from governance.cli import ensure_dagster_home

    home = tmp_path / "dagster"
    ensure_dagster_home(home)
    assert yaml.safe_load((home / "dagster.yaml").read_text())["telemetry"]["enabled"] is False
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: true\n")
    ensure_dagster_home(home)  # an operator's own file is left alone
    assert "enabled: true" in (home / "dagster.yaml").read_text()


@pytest.mark.parametrize("night", ["2026-13-01", "garbage", "2025-06-01", "2999-01-01"])
def test_run_with_a_date_the_pipeline_does_not_have_exits_2(run_config, tmp_path, capsys, night):
    assert main(["run", "--config", str(run_config), "--sample", "--date", night]) == 2
    err = capsys.readouterr().err
    assert f"--date {night!r}" in err or f"--date {night}:" in err
    assert not (tmp_path / "landing").exists()  # nothing written before the refusal


def test_a_failed_step_names_its_root_cause(run_config, capsys, monkeypatch):
    """Dagster wraps the step's exception; the summary shows the database's own words."""
    monkeypatch.setenv("GOVERNANCE_WAREHOUSE_URL", "postgresql+psycopg://postgres@127.0.0.1:9/test")
    assert (
        main(["run", "--config", str(run_config), "--sample", "--sample-rows", "50", "--date", "2026-11-20"])
        == 1
    )
    out = capsys.readouterr().out
    assert "ingestion FAILED" in out and "Error occurred while executing" not in out
    assert "connection" in out.lower() and "127.0.0.1" in out


def test_sample_command_refuses_bad_arguments(tmp_path, capsys):
    for args in (["--rows", "-5"], ["--rows", "many"], ["--date", "2026-02-30"]):
        with pytest.raises(SystemExit) as exit_:
            main(["sample", str(tmp_path / "x.csv"), *args])
        assert exit_.value.code == 2
        assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_salutations_refuses_a_first_row_longer_than_the_header(tmp_path, capsys):
    """pandas would take the surplus as an index and shift every column of the file."""
    source = tmp_path / "in.csv"
    source.write_text(
        "salutation,title,first_name,last_name,position,country\nFrau,Mag.a,Eva,Huber,,AT,extra,more\n"
        "Herr,Dr.,Hans,Gruber,,AT\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    assert main(["salutations", str(source), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"{source}: line 2: 8 fields, but the header has 6" in err
    assert not target.exists()


def test_summary_names_only_the_file_this_run_exported(run_config, tmp_path, capsys):
    args = ["run", "--config", str(run_config), "--sample", "--sample-rows", "300", "--date", "2026-11-20"]
    assert main(args) == 0
    old_file = tmp_path / "var" / "exports" / "newsletter_at" / "2026-11-20.csv"
    assert f"campaign newsletter_at: built -> {old_file}" in capsys.readouterr().out
    run_config.write_text(
        run_config.read_text(encoding="utf-8") + "campaigns:\n  newsletter_at:\n    export: false\n",
        encoding="utf-8",
    )
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "campaign newsletter_at: built (not exported)" in out and str(old_file) not in out


def test_summary_says_which_digests_did_not_go_out():
    import dagster as dg

    from governance.cli import alert_lines
    from governance.config import GovernanceConfig

    cfg = GovernanceConfig.model_validate({"alerts": {"channel": "smtp"}})
    meta = {
        "digests_sent": dg.MetadataValue.int(24),
        "failed_recipients": dg.MetadataValue.int(1),
        "skipped_owners": dg.MetadataValue.text("unassigned"),
    }
    assert alert_lines(meta, cfg, Path("/p"), "2026-11-20") == [
        "  owner digests:  24 via smtp",
        "    NOT DELIVERED to 1 recipient(s): see the run log of owner_alerts",
        "    no recipient for: unassigned (set alerts.fallback_recipient)",
    ]
    # Records nobody can be mailed about are counted and named, not just the owner "unassigned".
    meta |= {
        "unaddressed_records": dg.MetadataValue.int(2),
        "unaddressed_contact_ids": dg.MetadataValue.text("K-1, K-2"),
    }
    assert alert_lines(meta, cfg, Path("/p"), "2026-11-20")[-1] == (
        "    no recipient for: unassigned: 2 record(s) reach nobody, e.g. K-1, K-2 "
        "(set alerts.fallback_recipient)"
    )
    meta |= {"failed_recipients": dg.MetadataValue.int(0), "skipped_owners": dg.MetadataValue.text("none")}
    assert alert_lines(meta, cfg, Path("/p"), "2026-11-20") == ["  owner digests:  24 via smtp"]
