from pathlib import Path

import pytest

from governance.config import ConfigError, GovernanceConfig, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "governance.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_config_file_is_valid():
    cfg = load_config(Path(__file__).parent.parent / "governance.yaml")
    assert cfg.timezone == "Europe/Vienna"
    assert cfg.gates.position_completeness.threshold == 0.95
    assert cfg.gates.title_coverage.window == 7
    assert set(cfg.campaigns) == {"newsletter_at", "customer_letter_dach"}


def test_unknown_key_is_named_with_its_path(tmp_path):
    path = write(tmp_path, "gates:\n  volume:\n    tolerence: 0.3\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value)
    assert "gates.volume.tolerence" in str(err.value)


def test_wrong_type_is_named(tmp_path):
    path = write(tmp_path, "gates:\n  position_completeness:\n    threshold: lots\n")
    with pytest.raises(ConfigError, match=r"gates\.position_completeness\.threshold"):
        load_config(path)


def test_threshold_out_of_range(tmp_path):
    path = write(tmp_path, "gates:\n  title_loss:\n    max_share: 1.5\n")
    with pytest.raises(ConfigError, match=r"gates\.title_loss\.max_share"):
        load_config(path)


def test_bad_timezone_and_pattern(tmp_path):
    with pytest.raises(ConfigError, match="timezone"):
        load_config(write(tmp_path, "timezone: Europe/Wien\n"))
    with pytest.raises(ConfigError, match=r"extract\.file_pattern"):
        load_config(write(tmp_path, "extract:\n  file_pattern: contacts.csv\n"))


def test_missing_explicit_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_unparsable_yaml(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(write(tmp_path, "gates: [unclosed\n"))


def test_environment_url_wins(monkeypatch, tmp_path):
    cfg = GovernanceConfig(warehouse_url="sqlite:///from-file.sqlite")
    assert cfg.resolved_warehouse_url(tmp_path) == "sqlite:///from-file.sqlite"
    monkeypatch.setenv("GOVERNANCE_WAREHOUSE_URL", "postgresql+psycopg://u@h/db")
    assert cfg.resolved_warehouse_url(tmp_path) == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("GOVERNANCE_WAREHOUSE_URL")
    default = GovernanceConfig().resolved_warehouse_url(tmp_path)
    assert default == f"sqlite:///{tmp_path / 'var' / 'warehouse.sqlite'}"


def test_a_key_given_twice_is_an_error(tmp_path):
    path = write(
        tmp_path,
        "gates:\n  volume:\n    tolerance: 0.2\nretention_nights: 40\n"
        "gates:\n  volume:\n    tolerance: 0.3\n",
    )
    with pytest.raises(ConfigError, match=r"key 'gates' given twice") as err:
        load_config(path)
    assert str(path) in str(err.value) and "line 5" in str(err.value)


def test_file_pattern_with_another_placeholder_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"extract\.file_pattern: .*only placeholder"):
        load_config(write(tmp_path, "extract:\n  file_pattern: 'contacts_{date}_{x}.csv'\n"))
    cfg = load_config(write(tmp_path, "extract:\n  file_pattern: 'contacts_{date}_{{v2}}.csv'\n"))
    assert cfg.extract.file_pattern.format(date="2026-11-26") == "contacts_2026-11-26_{v2}.csv"


def test_owner_addresses_are_checked_at_start_up(tmp_path):
    with pytest.raises(
        ConfigError, match=r"alerts\.owners: .*owner 'Anna Maier': not an e-mail address: 'anna'"
    ):
        load_config(write(tmp_path, "alerts:\n  owners:\n    Anna Maier: anna\n"))
    cfg = load_config(
        write(tmp_path, "alerts:\n  owners:\n    Anna Maier: anna@example.at\n    12345: sepp@example.at\n")
    )
    assert cfg.alerts.owners == {"Anna Maier": "anna@example.at", "12345": "sepp@example.at"}
    with pytest.raises(
        ConfigError, match=r"owner 'anna maier' and 'Anna Maier' are one owner with two addresses"
    ):
        load_config(
            write(
                tmp_path, "alerts:\n  owners:\n    Anna Maier: a@example.at\n    anna maier: b@example.at\n"
            )
        )


def test_owner_ids_keep_the_text_as_written(tmp_path):
    """Unquoted, YAML 1.1 would read 000123 as the octal number 83, yes as True and 1e3 as a float: the
    digest for CRM user 000123 would then never find its address."""
    text = "alerts:\n  owners:\n    000123: a@example.at\n    yes: b@example.at\n    1e3: c@example.at\n"
    cfg = load_config(write(tmp_path, text))
    assert cfg.alerts.owners == {"000123": "a@example.at", "yes": "b@example.at", "1e3": "c@example.at"}
    with pytest.raises(ConfigError, match=r"key '0123' given twice"):
        load_config(write(tmp_path, "alerts:\n  owners:\n    0123: a@example.at\n    0123: b@example.at\n"))


def test_fallback_recipient_must_be_an_address(tmp_path):
    with pytest.raises(ConfigError, match=r"alerts\.fallback_recipient: .*not an e-mail address"):
        load_config(write(tmp_path, "alerts:\n  fallback_recipient: not an email\n"))
    assert load_config(write(tmp_path, "alerts:\n  fallback_recipient: crm-team@example.at\n"))


def test_owner_ids_with_other_case_are_other_owners(tmp_path):
    cfg = load_config(
        write(
            tmp_path,
            "alerts:\n  owners:\n    005Ab0000012345: a@example.at\n    005aB0000012345: b@example.at\n",
        )
    )
    assert cfg.alerts.owners == {"005Ab0000012345": "a@example.at", "005aB0000012345": "b@example.at"}
    with pytest.raises(ConfigError, match="one owner with two addresses"):  # a login is no such id
        load_config(
            write(tmp_path, "alerts:\n  owners:\n    AMaier1: a@example.at\n    amaier1: b@example.at\n")
        )


def test_a_merged_key_may_be_overridden_and_a_key_must_be_a_name(tmp_path):
    text = (
        "campaigns:\n"
        "  newsletter_at: &base {description: AT newsletter}\n"
        "  newsletter_de:\n"
        "    <<: *base\n"
        "    description: DE newsletter\n"
    )
    cfg = load_config(write(tmp_path, text))
    assert cfg.campaigns["newsletter_at"].description == "AT newsletter"
    assert cfg.campaigns["newsletter_de"].description == "DE newsletter"
    with pytest.raises(ConfigError, match="a key must be a name"):
        load_config(write(tmp_path, "alerts:\n  owners: {? [a, b] : a@example.at}\n"))
