"""Owner alerts: digests per owner, file outbox, and SMTP against a real aiosmtpd server on loopback."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller

from governance.alerts import (
    UNASSIGNED_OWNER,
    AlertOutcome,
    OutboxChannel,
    OwnerDigest,
    SmtpChannel,
    build_digests,
    build_message,
    describe_flag,
    send_digests,
)
from governance.quality.rules import RULES
from tests.smtp_helpers import SmtpCollector, free_port, running_smtp_server

NIGHT = "2026-11-26"
SENDER = "crm-governance@example.at"


def _row(cid, owner, email_, last, *, first="Anna", title="", flags="", reasons="", line=1, **extra):
    row = {
        "contact_id": cid,
        "source_file": f"contacts_{NIGHT}.csv",
        "source_line": line,
        "salutation": "Frau",
        "title": title,
        "first_name": first,
        "last_name": last,
        "position": "",
        "company": "",
        "country": "AT",
        "owner": owner,
        "owner_email": email_,
        "quality_flags": flags,
        "quarantine_reasons": reasons,
        "raw_text": "",
    }
    row.update(extra)
    return row


def _fixes() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _row("K-101", "u.huber", "u.huber@crm.example.at", "Hubinger",
                 flags="TITLE_NONCANONICAL", line=7),
            _row("K-102", "u.huber", "u.huber@crm.example.at", "Hubmann", title="Dr. mult.",
                 flags="TITLE_INVALID", reasons="TITLE_INVALID", line=3),
            _row("K-201", "m.gruber", "m.gruber@crm.example.at", "Grünwald", first="Jürgen",
                 flags="GENDER_UNKNOWN;TITLE_NONCANONICAL", reasons="GENDER_UNKNOWN", line=11),
            _row("K-301", "s.wagner", "s.wagner@crm.example.at", "Wagnerová",
                 flags="POSITION_DROPPED", line=20),
            _row("K-302", "s.wagner", "s.wagner@crm.example.at", "Wachauer",
                 flags="POSITION_MISSING", reasons="POSITION_MISSING", line=21),
        ]
    )  # fmt: skip


OWN = {
    "u.huber": ({"K-101", "K-102"}, {"Hubinger", "Hubmann"}),
    "m.gruber": ({"K-201"}, {"Grünwald", "Jürgen"}),
    "s.wagner": ({"K-301", "K-302"}, {"Wagnerová", "Wachauer"}),
}


def _all_text(d: OwnerDigest) -> str:
    return "\n".join((d.subject, d.text_body, d.html_body))


# --------------------------------------------------------------------------------------------- digests


def test_one_digest_per_owner_with_only_own_records():
    digests = build_digests(_fixes(), NIGHT, "BLOCKED", ["title_coverage"])
    assert [d.owner for d in digests] == ["m.gruber", "s.wagner", "u.huber"]
    for d in digests:
        ids, names = OWN[d.owner]
        assert d.recipient == f"{d.owner}@crm.example.at"
        assert set(d.contact_ids) == ids
        assert d.record_count == len(ids)
        text = _all_text(d)
        for cid in ids | names:
            assert cid in d.text_body
        for other, (other_ids, other_names) in OWN.items():
            if other == d.owner:
                continue
            for leaked in other_ids | other_names | {other, f"{other}@crm.example.at"}:
                assert leaked not in text, f"{leaked!r} of {other} leaked into the digest of {d.owner}"


def test_subject_body_order_and_descriptions():
    digests = {d.owner: d for d in build_digests(_fixes(), NIGHT, "BLOCKED", ["title_coverage", "volume"])}
    huber = digests["u.huber"]
    assert huber.subject == "CRM-Titel: 2 Kontakte zu korrigieren (Nacht 2026-11-26, blockiert)"
    assert digests["m.gruber"].subject == "CRM-Titel: 1 Kontakt zu korrigieren (Nacht 2026-11-26, blockiert)"
    body = huber.text_body
    # errors (quarantined) first even though the warning comes later in the file
    assert body.index("K-102") < body.index("K-101")
    assert huber.contact_ids == ("K-102", "K-101")
    assert body.index("== Fehler") < body.index("K-102") < body.index("== Hinweise") < body.index("K-101")
    assert "TITLE_INVALID" in body and "in Österreich nicht zulässig" in body
    assert f"contacts_{NIGHT}.csv, Zeile 3" in body
    assert "Frau Dr. mult. Anna Hubmann" in body
    assert "title_coverage, volume" in body
    assert huber.error_count == 1 and huber.warning_count == 1
    # a warning flag of a quarantined record is listed as a hint, not as an error
    gruber = digests["m.gruber"].text_body
    assert "Fehler: " in gruber and "Hinweis: " in gruber and "[TITLE_NONCANONICAL]" in gruber
    accepted = build_digests(_fixes(), NIGHT, "ACCEPTED", [])
    assert all(d.subject.endswith("(Nacht 2026-11-26, freigegeben)") for d in accepted)


def test_unknown_code_falls_back_to_registry_or_code():
    fixes = pd.DataFrame([_row("K-1", "o", "o@x.at", "Ober", flags="SOMETHING_NEW", reasons="")])
    (d,) = build_digests(fixes, NIGHT, "ACCEPTED", [])
    assert "Hinweis: SOMETHING_NEW [SOMETHING_NEW]" in d.text_body
    assert describe_flag("SOMETHING_NEW") == "SOMETHING_NEW"
    assert all(describe_flag(code) for code in RULES)


def test_unassigned_records_are_reported_not_dropped():
    fixes = pd.concat(
        [
            _fixes(),
            pd.DataFrame(
                [
                    _row("K-901", "", "", "Ohnebetreuer", flags="OWNER_MISSING", reasons="OWNER_MISSING"),
                    _row("K-902", "z.nomail", "", "Ohnemail", flags="TITLE_NONCANONICAL"),
                    _row(
                        "",
                        "",
                        "",
                        "",
                        first="",
                        line=99,
                        flags="MALFORMED_ROW",
                        reasons="MALFORMED_ROW: expected 14 fields; got 3",
                        raw_text="a;b;c",
                    ),
                ]
            ),  # fmt: skip
        ],
        ignore_index=True,
    )
    digests = build_digests(fixes, NIGHT, "BLOCKED", [])
    assert sum(d.record_count for d in digests) == len(fixes)
    unassigned = digests[-1]
    assert unassigned.owner == UNASSIGNED_OWNER and unassigned.recipient is None
    # a malformed row has no id: it is named by its file and line (an empty id named nothing)
    assert set(unassigned.contact_ids) == {"K-901", "K-902", f"contacts_{NIGHT}.csv:99"}
    assert unassigned.owners_without_email == ("z.nomail",)
    assert "Zeile des Exports konnte nicht gelesen werden (expected 14 fields; got 3)" in unassigned.text_body
    assert "Rohdaten: a;b;c" in unassigned.text_body
    for leaked in ("K-101", "Hubmann", "Grünwald", "Wachauer"):
        assert leaked not in _all_text(unassigned)

    outcome = send_digests(digests, _Recorder(), SENDER)
    assert outcome.sent == 3 and outcome.skipped == [UNASSIGNED_OWNER] and outcome.failures == []

    with_fallback = build_digests(fixes, NIGHT, "BLOCKED", [], fallback_recipient="daten@crm.example.at")
    assert with_fallback[-1].recipient == "daten@crm.example.at"
    assert send_digests(with_fallback, _Recorder(), SENDER).sent == 4


def test_html_escapes_everything():
    fixes = pd.DataFrame(
        [_row("K-<1>", "o&co", "o@x.at", "<script>alert('x')</script>", reasons="NAME_MISSING")]
    )
    (d,) = build_digests(fixes, NIGHT, "BLOCKED", ["<gate>"])
    assert "<script>" not in d.html_body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in d.html_body
    assert "K-&lt;1&gt;" in d.html_body and "o&amp;co" in d.html_body and "&lt;gate&gt;" in d.html_body
    assert "<script>alert('x')</script>" in d.text_body


def test_cap_per_digest():
    rows = [
        _row(f"K-{i:04d}", "o", "o@x.at", f"Name{i}", line=i, flags="TITLE_NONCANONICAL") for i in range(505)
    ]
    rows[504]["quarantine_reasons"] = "NAME_MISSING"
    (d,) = build_digests(pd.DataFrame(rows), NIGHT, "ACCEPTED", [])
    assert d.record_count == 505 and len(d.contact_ids) == 505
    assert d.contact_ids[0] == "K-0504"  # the error first
    assert "Kontakt K-0499:" not in d.text_body and "K-0499" not in d.html_body
    assert "Kontakt K-0498:" in d.text_body
    assert "… und 5 weitere Kontakte (insgesamt 505)" in d.text_body
    assert "… und 5 weitere Kontakte (insgesamt 505)" in d.html_body


def test_empty_input_gives_no_digests():
    assert build_digests(_fixes().iloc[0:0], NIGHT, "ACCEPTED", []) == []


class _Recorder:
    def __init__(self):
        self.sent = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def send(self, message, digest):
        self.sent.append((message, digest))


# --------------------------------------------------------------------------------------------- outbox


def _parse(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_outbox_writes_parseable_eml_and_rerun_replaces(tmp_path: Path):
    digests = build_digests(_fixes(), NIGHT, "BLOCKED", ["volume"])
    outcome = send_digests(digests, OutboxChannel(tmp_path), SENDER)
    assert outcome == AlertOutcome(sent=3, skipped=[], failures=[], delivered=[d.recipient for d in digests])
    night = tmp_path / NIGHT
    files = sorted(p.name for p in night.iterdir())
    assert files == ["m.gruber.eml", "s.wagner.eml", "u.huber.eml"]

    gruber = _parse(night / "m.gruber.eml")
    assert gruber["To"] == "m.gruber@crm.example.at" and gruber["From"] == SENDER
    assert gruber["Subject"] == "CRM-Titel: 1 Kontakt zu korrigieren (Nacht 2026-11-26, blockiert)"
    assert gruber.get_content_type() == "multipart/alternative"
    text = gruber.get_body(("plain",)).get_content()
    html_part = gruber.get_body(("html",))
    assert html_part.get_content_charset() == "utf-8"
    assert "Grünwald" in text and "Jürgen" in text and "Grünwald" in html_part.get_content()
    # and with the compat32 default policy the encoded Subject decodes to the same text
    raw = email.message_from_bytes((night / "m.gruber.eml").read_bytes())
    assert str(make_header(decode_header(raw["Subject"]))) == gruber["Subject"]
    assert [p.get_content_type() for p in raw.walk()] == ["multipart/alternative", "text/plain", "text/html"]

    umlaut = pd.DataFrame([_row("K-1", "Gößler Änne", "g@x.at", "Öztürk")])
    (d,) = build_digests(umlaut, NIGHT, "BLOCKED", [])
    send_digests([d], OutboxChannel(tmp_path / "u"), SENDER)
    msg = _parse(tmp_path / "u" / NIGHT / "goessler-aenne.eml")
    assert msg["Subject"] == d.subject and "Öztürk" in msg.get_body(("plain",)).get_content()
    assert all(ord(c) < 128 for c in (tmp_path / "u" / NIGHT / "goessler-aenne.eml").read_bytes().decode())

    # re-run of the same night without s.wagner: files replaced, the stale one removed, nothing duplicated
    before = (night / "u.huber.eml").read_bytes()
    rerun = build_digests(_fixes()[lambda f: f["owner"] != "s.wagner"], NIGHT, "ACCEPTED", [])
    assert send_digests(rerun, OutboxChannel(tmp_path), SENDER).sent == 2
    assert sorted(p.name for p in night.iterdir()) == ["m.gruber.eml", "u.huber.eml"]
    assert (night / "u.huber.eml").read_bytes() != before
    assert _parse(night / "u.huber.eml")["Subject"].endswith("freigegeben)")


def test_outbox_slug_collision_keeps_both(tmp_path: Path):
    fixes = pd.DataFrame([_row("K-1", "Müller", "a@x.at", "A"), _row("K-2", "Mueller", "b@x.at", "B")])
    outcome = send_digests(build_digests(fixes, NIGHT, "ACCEPTED", []), OutboxChannel(tmp_path), SENDER)
    assert outcome.sent == 2
    assert len(list((tmp_path / NIGHT).glob("*.eml"))) == 2


# --------------------------------------------------------------------------------------------- SMTP


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, SmtpCollector]]:
    handler = SmtpCollector(refuse={"s.wagner@crm.example.at"})
    with running_smtp_server(handler) as controller:
        yield controller, handler


def _by_recipient(handler: SmtpCollector) -> dict[str, list[email.message.EmailMessage]]:
    out: dict[str, list] = {}
    for env in handler.envelopes:
        msg = email.message_from_bytes(env.original_content, policy=email.policy.default)
        for rcpt in env.rcpt_tos:
            out.setdefault(rcpt, []).append((env, msg))
    return out


def test_smtp_each_recipient_gets_exactly_their_digest(smtp_server):
    controller, handler = smtp_server
    handler.refuse = set()
    digests = build_digests(_fixes(), NIGHT, "BLOCKED", ["volume"])
    channel = SmtpChannel("127.0.0.1", controller.port, SENDER, timeout=10)
    outcome = send_digests(digests, channel, SENDER)
    assert outcome.sent == 3 and outcome.failures == [] and outcome.skipped == []
    assert channel.connections_opened == 1 and len(handler.sessions) == 1  # one connection for the night

    received = _by_recipient(handler)
    assert set(received) == {f"{o}@crm.example.at" for o in OWN}
    for owner, (ids, names) in OWN.items():
        ((env, msg),) = received[f"{owner}@crm.example.at"]
        assert env.mail_from == SENDER and msg["To"] == f"{owner}@crm.example.at"
        body = msg.get_body(("plain",)).get_content() + msg.get_body(("html",)).get_content()
        assert all(x in body for x in ids | names)
        for other, (other_ids, other_names) in OWN.items():
            if other != owner:
                assert not any(x in body or x in msg["Subject"] for x in other_ids | other_names)
        assert msg["Subject"] == next(d.subject for d in digests if d.owner == owner)


def test_smtp_refused_recipient_is_reported_others_delivered(smtp_server):
    controller, handler = smtp_server
    digests = build_digests(_fixes(), NIGHT, "BLOCKED", [])
    # the refused recipient sits in the middle (order m.gruber, s.wagner, u.huber)
    outcome = send_digests(digests, SmtpChannel("127.0.0.1", controller.port, SENDER, timeout=10), SENDER)
    assert outcome.sent == 2
    assert [r for r, _ in outcome.failures] == ["s.wagner@crm.example.at"]
    assert "550" in outcome.failures[0][1] and "SMTPRecipientsRefused" in outcome.failures[0][1]
    assert set(_by_recipient(handler)) == {"m.gruber@crm.example.at", "u.huber@crm.example.at"}
    assert len(handler.envelopes) == 2


def test_smtp_unreachable_server_fails_every_recipient_fast():
    digests = build_digests(_fixes(), NIGHT, "BLOCKED", [])
    channel = SmtpChannel("127.0.0.1", free_port(), SENDER, timeout=5)
    outcome = send_digests(digests, channel, SENDER)
    assert outcome.sent == 0 and len(outcome.failures) == 3
    assert all("ConnectionRefusedError" in err for _, err in outcome.failures)


def test_alerts_do_not_import_dagster():
    import subprocess
    import sys

    code = "import sys, governance.alerts; print('dagster' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_two_owners_with_one_name_each_get_only_their_own_records(tmp_path: Path):
    # Two people called Markus Lehner: the records carry their addresses, and no digest may hold the
    # other one's records (it did: one digest per name, to the more frequent address).
    fixes = pd.DataFrame(
        [
            _row("K-1", "Markus Lehner", "markus.lehner@tochter.de", "Lechner", flags="NAME_MISSING", line=2),
            _row(
                "K-2", "Markus Lehner", "markus.lehner@tochter.de", "Schneider", flags="NAME_MISSING", line=3
            ),
            _row("K-3", "Markus Lehner", "m.lehner@kanzlei.at", "Schmid", flags="NAME_MISSING", line=4),
            _row("K-4", "Markus Lehner", "", "Berger", flags="NAME_MISSING", line=5),
        ]
    )
    digests = build_digests(fixes, NIGHT, "ACCEPTED", [], fallback_recipient="crm-admin@example.at")
    by_recipient = {d.recipient: d.contact_ids for d in digests}
    assert by_recipient == {
        "m.lehner@kanzlei.at": ("K-3",),
        "markus.lehner@tochter.de": ("K-1", "K-2"),
        "crm-admin@example.at": ("K-4",),  # whose? nobody can tell: the fallback decides
    }
    with OutboxChannel(tmp_path) as outbox:
        for digest in digests:
            outbox.send(build_message(digest, "gov@example.at"), digest)
    assert len(list((tmp_path / NIGHT).glob("*.eml"))) == 3  # no file overwrote another


def test_an_owners_records_without_an_address_join_the_owners_only_address():
    fixes = pd.DataFrame(
        [
            _row("K-1", "u.huber", "u.huber@crm.example.at", "Hubinger", flags="NAME_MISSING", line=2),
            _row("K-2", "u.huber", "", "Hubmann", flags="NAME_MISSING", line=3),
        ]
    )
    [digest] = build_digests(fixes, NIGHT, "ACCEPTED", [])
    assert (digest.recipient, digest.contact_ids) == ("u.huber@crm.example.at", ("K-1", "K-2"))


def test_the_owner_directory_gives_an_address_to_owners_the_extract_names_only():
    """Zoho and Pipedrive exports name the owner, not their address: the directory in governance.yaml
    (alerts.owners) fills it in; an address the record carries wins."""
    fixes = pd.DataFrame(
        [
            _row("C1", "Anna Maier", "", "Huber"),
            _row("C2", "anna  maier", "", "Gruber", line=2),  # one owner, spelled two ways: one digest
            _row("C3", "Sepp Owner", "sepp@crm.example.at", "Berger", line=3),
            _row("C4", "Nobody Known", "", "Wolf", line=4),
        ]
    )
    # compared without case and extra spaces
    directory = {"anna  maier": "anna@crm.example.at", "Sepp Owner": "other@crm.example.at"}
    digests = build_digests(fixes, NIGHT, "ACCEPTED", [], owner_emails=directory)
    by_address = {d.recipient: d for d in digests}
    assert set(by_address) == {"anna@crm.example.at", "sepp@crm.example.at", None}
    assert len(digests) == 3 and by_address["anna@crm.example.at"].contact_ids == ("C1", "C2")
    assert by_address[None].contact_ids == ("C4",)
    assert by_address[None].owner == UNASSIGNED_OWNER


def test_a_digest_greets_its_owner_as_most_records_spell_them_and_user_ids_keep_their_case():
    fixes = pd.DataFrame(
        [
            _row("C1", "anna maier", "anna@crm.example.at", "Huber"),
            _row("C2", "Anna Maier", "anna@crm.example.at", "Gruber", line=2),
            _row("C3", "Anna  Maier", "anna@crm.example.at", "Wolf", line=3),
            _row("C4", "Anna Maier", "anna@crm.example.at", "Berger", line=4),
            # Salesforce user ids are case-sensitive: two users, two digests
            _row("C5", "005Ab0000012345", "", "Koch", line=5),
            _row("C6", "005aB0000012345", "", "Bauer", line=6),
        ]
    )
    directory = {"005Ab0000012345": "first@crm.example.at", "005aB0000012345": "second@crm.example.at"}
    digests = build_digests(fixes, NIGHT, "ACCEPTED", [], owner_emails=directory)
    by_address = {d.recipient: d for d in digests}
    assert by_address["anna@crm.example.at"].owner == "Anna Maier"
    assert by_address["anna@crm.example.at"].contact_ids == ("C1", "C2", "C3", "C4")
    assert by_address["first@crm.example.at"].contact_ids == ("C5",)
    assert by_address["second@crm.example.at"].contact_ids == ("C6",)
    assert len(digests) == 3


def test_logins_with_digits_compare_without_case_and_digests_sort_without_case():
    fixes = pd.DataFrame(
        [
            _row("C1", "AMaier1", "", "Huber"),
            _row("C2", "amaier1", "", "Gruber", line=2),
            _row("C3", "Zoe9", "zoe@crm.example.at", "Wolf", line=3),
            _row("C4", "bert", "bert@crm.example.at", "Koch", line=4),
        ]
    )
    digests = build_digests(fixes, NIGHT, "ACCEPTED", [], owner_emails={"amaier1": "anna@crm.example.at"})
    assert [d.recipient for d in digests] == [
        "anna@crm.example.at",
        "bert@crm.example.at",
        "zoe@crm.example.at",
    ]
    assert digests[0].contact_ids == ("C1", "C2")
