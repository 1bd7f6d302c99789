"""Owner alerts in a whole night: each owner receives only their own records, blocked nights too."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import date

import pytest

from governance.sample_data import DefectRates, clean_contacts, generate_contacts, next_night
from tests.pipeline_helpers import night_config, nights, run_night
from tests.smtp_helpers import SmtpCollector, free_port, running_smtp_server

FIRST, SECOND = nights("2026-11-20", 2)


@pytest.fixture
def smtp() -> Iterator[tuple[int, SmtpCollector]]:
    handler = SmtpCollector(refuse=set())
    with running_smtp_server(handler) as controller:
        yield controller.port, handler


def expected_fix_ids(night, owner_email: str) -> set[str]:
    wh = night.warehouse()
    frame = wh.query(
        "SELECT contact_id FROM crm_contacts_staged WHERE partition_date = :p AND quality_flags <> '' "
        "AND owner_email = :e AND owner <> ''",
        {"p": night.partition, "e": owner_email},
    )
    return set(frame["contact_id"])


def test_every_owner_gets_only_their_records_by_smtp(tmp_path, smtp):
    port, handler = smtp
    cfg = night_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'wh.sqlite'}",
        alerts={"channel": "smtp", "smtp": {"host": "127.0.0.1", "port": port, "sender": "gov@test"}},
    )
    night = run_night(cfg, tmp_path, FIRST, generate_contacts(1500, seed=51))
    assert "owner_alerts" in night.materialized

    received = {}
    for envelope in handler.envelopes:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        for rcpt in envelope.rcpt_tos:
            received[rcpt] = message.get_body(("plain",)).get_content()
    assert len(received) >= 5
    everybody = {cid for rcpt in received for cid in expected_fix_ids(night, rcpt)}
    for rcpt, body in received.items():
        own = expected_fix_ids(night, rcpt)
        assert own and all(cid in body for cid in own), rcpt
        assert not any(cid in body for cid in everybody - own), f"{rcpt} sees another owner's records"


def test_alerts_go_out_when_the_night_is_blocked(tmp_path):
    cfg = night_config(tmp_path, f"sqlite:///{tmp_path / 'wh.sqlite'}")
    base = clean_contacts(1500, seed=52)
    run_night(cfg, tmp_path, FIRST, base)
    lost = next_night(base, seed=53, night=date.fromisoformat(SECOND), lose_titles=0.05)
    night = run_night(cfg, tmp_path, SECOND, lost)

    assert not night.result.success
    assert "owner_alerts" in night.materialized
    outbox = sorted((tmp_path / "var" / "outbox" / SECOND).glob("*.eml"))
    assert outbox
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in outbox]
    assert all("blockiert" in str(m["Subject"]) for m in messages)
    dropped = night.warehouse().query(
        "SELECT contact_id, owner_email FROM crm_contacts_staged WHERE partition_date = :p "
        "AND quality_flags LIKE '%TITLE_DROPPED%'",
        {"p": SECOND},
    )
    assert len(dropped) > 0
    bodies = "".join(m.get_body(("plain",)).get_content() for m in messages)
    assert all(cid in bodies for cid in dropped["contact_id"])


def test_unreachable_smtp_server_fails_the_alert_step(tmp_path):
    cfg = night_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'wh.sqlite'}",
        alerts={"channel": "smtp", "smtp": {"host": "127.0.0.1", "port": free_port(), "sender": "gov@test"}},
    )
    defects = DefectRates(missing_position=0.01)
    night = run_night(cfg, tmp_path, FIRST, generate_contacts(400, seed=54, defects=defects))
    assert "owner_alerts" not in night.materialized
    assert "no owner digest could be delivered" in night.step_failure_message()


def test_owners_named_only_by_the_extract_get_their_records_through_the_directory(tmp_path, smtp):
    """An export without owner e-mails (Zoho, Pipedrive) and alerts.owners in the configuration: every
    owner still gets their own records, at the address the directory gives."""
    port, handler = smtp
    contacts = generate_contacts(800, seed=54)
    directory = {
        name: f"owner{i}@crm.example.at" for i, name in enumerate(sorted(set(contacts["owner"]) - {""}))
    }
    contacts["owner_email"] = ""
    cfg = night_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'wh.sqlite'}",
        alerts={
            "channel": "smtp",
            "smtp": {"host": "127.0.0.1", "port": port, "sender": "gov@test"},
            "owners": directory,
        },
    )
    night = run_night(cfg, tmp_path, FIRST, contacts)
    assert "owner_alerts" in night.materialized
    flagged = night.warehouse().query(
        "SELECT contact_id, owner FROM crm_contacts_staged WHERE partition_date = :p AND quality_flags <> '' "
        "AND owner <> ''",
        {"p": night.partition},
    )
    received = {
        rcpt: email.message_from_bytes(env.original_content, policy=email.policy.default)
        .get_body(("plain",))
        .get_content()
        for env in handler.envelopes
        for rcpt in env.rcpt_tos
    }
    assert len(received) >= 3
    for owner, group in flagged.groupby("owner"):
        body = received[directory[owner]]
        assert all(cid in body for cid in group["contact_id"]), owner
