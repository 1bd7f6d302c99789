"""Owner digests: one polite German fix list per CRM owner, with only that owner's records.

Input is the night's fix list (the quarantine table plus records that only carry warn flags) with the columns
of ``governance.contact_model.FIX_LIST_COLUMNS``. Records are grouped by ``owner``; the digest goes to that
owner's ``owner_email``. Records without an owner, or whose owner has no e-mail address on any record, go
to one "unassigned" digest addressed to ``fallback_recipient`` (or with ``recipient=None`` so that the
caller reports them): nothing is dropped silently.

Within a digest, errors (quarantined records) come first, then warnings; the body lists at most
``max_records`` records and says how many more there are. A digest never contains data of another owner.
Plain Python, no Dagster import.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from governance.contact_model import FIX_LIST_COLUMNS, owner_key
from governance.quality.rules import FLAG_SEPARATOR, MALFORMED_CODE, RULES

UNASSIGNED_OWNER = "unassigned"
MAX_RECORDS_PER_DIGEST = 500
_RAW_TEXT_MAX = 200

# German wording of the registry's findings for CRM owners. A code missing here falls back to the
# registry's own description (governance.quality.rules.RULES[code].description), an unknown code to itself.
_GERMAN: dict[str, str] = {
    "TITLE_NONCANONICAL": "Titel in abweichender Schreibweise erfasst; wurde automatisch vereinheitlicht",
    "TITLE_IN_NAME_FIELD": "Titel steht im Vor- oder Nachnamensfeld; wurde automatisch verschoben",
    "TITLE_UNKNOWN": "Titel ist nicht im Titelverzeichnis; bitte prüfen und korrekt erfassen",
    "TITLE_AMBIGUOUS": "Abkürzung mit zwei Bedeutungen (z. B. MR, KS); bitte eindeutig erfassen",
    "TITLE_MISPLACED": "vor- bzw. nachgestellter Titel auf der falschen Seite; wurde automatisch verschoben",
    "TITLE_GENDER_CONFLICT": "weibliche Titelform bei männlicher Anrede; bitte Titel oder Anrede korrigieren",
    "POSITION_IN_TITLE_FIELD": (
        "Funktion oder Amt (z. B. Bgm.) steht im Titel- oder Anredefeld; wurde automatisch als Position "
        "übernommen"
    ),
    "NAME_IN_ONE_FIELD": (
        "Vor- und Nachname stehen gemeinsam im Nachnamensfeld (z. B. „Huber, Hans“); wurde automatisch "
        "getrennt, bitte den Vornamen im Vornamensfeld erfassen"
    ),
    "TITLE_IN_POSITION_FIELD": (
        "Titel (z. B. Hofrat, Dr.) steht im Positionsfeld; wurde automatisch zu den Titeln verschoben, "
        "bitte im Titelfeld erfassen und die tatsächliche Position eintragen"
    ),
    "TITLE_INVALID": "diese Titelform ist in Österreich nicht zulässig (z. B. Dr. mult.)",
    "NAME_MISSING": "kein Nachname: der Kontakt kann nicht persönlich angeschrieben werden",
    "CONTACT_ID_MISSING": "Kontakt-ID fehlt",
    "DUPLICATE_CONTACT_ID": "Kontakt-ID kommt im Export mehrfach vor",
    "GENDER_UNKNOWN": "Anrede/Geschlecht fehlt oder ist unbekannt: keine korrekte Anrede möglich",
    "POSITION_MISSING": "Firmenkontakt ohne Position",
    "OWNER_MISSING": "kein:e CRM-Betreuer:in zugeordnet",
    "EMAIL_INVALID": "E-Mail-Adresse ist formal ungültig",
    "COUNTRY_INVALID": "Land nicht erkannt: weder ein Ländername noch ein ISO-Code (AT, DE, CZ …)",
    "TITLE_DROPPED": "Titel war im letzten freigegebenen Export vorhanden und fehlt jetzt",
    "POSITION_DROPPED": "Position war im letzten freigegebenen Export vorhanden und fehlt jetzt",
    MALFORMED_CODE: "Zeile des Exports konnte nicht gelesen werden",
}

_VERDICT_WORDS = {"ACCEPTED": "freigegeben", "BLOCKED": "blockiert"}


@dataclass(frozen=True)
class OwnerDigest:
    """One e-mail for one CRM owner. ``recipient`` is None when nobody can be addressed."""

    owner: str
    recipient: str | None
    subject: str
    text_body: str
    html_body: str
    record_count: int
    contact_ids: tuple[str, ...]
    partition_date: str = ""
    error_count: int = 0
    warning_count: int = 0
    # Owners whose records ended up here because they have no e-mail address (unassigned digest only).
    owners_without_email: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Finding:
    code: str
    text: str


@dataclass(frozen=True)
class _Record:
    contact_id: str
    name: str
    position_company: str
    owner: str
    source: str
    raw_text: str
    errors: tuple[_Finding, ...]
    warnings: tuple[_Finding, ...]


def describe_flag(code: str) -> str:
    """German description of a flag code (registry description as fallback, the code itself last)."""
    if code in _GERMAN:
        return _GERMAN[code]
    rule = RULES.get(code)
    return rule.description if rule is not None else code


def verdict_word(verdict: str) -> str:
    return _VERDICT_WORDS.get(str(verdict).strip().upper(), str(verdict).strip().lower() or "unbekannt")


def _split_codes(value: str) -> list[_Finding]:
    """';'-joined codes -> findings. ``MALFORMED_ROW: <reason>`` keeps its reason (which may contain ';')."""
    value = (value or "").strip()
    if not value:
        return []
    if value.startswith(MALFORMED_CODE):
        detail = value[len(MALFORMED_CODE) :].lstrip(":").strip()
        text = describe_flag(MALFORMED_CODE) + (f" ({detail})" if detail else "")
        return [_Finding(MALFORMED_CODE, text)]
    findings: list[_Finding] = []
    seen: set[str] = set()
    for item in value.split(FLAG_SEPARATOR):
        item = item.strip()
        if not item:
            continue
        code, _, detail = item.partition(":")
        code, detail = code.strip(), detail.strip()
        if code in seen:
            continue
        seen.add(code)
        text = describe_flag(code) + (f" ({detail})" if detail else "")
        findings.append(_Finding(code, text))
    return findings


def _clean(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column].astype(object).where(frame[column].notna(), "").astype(str).str.strip()


def _usual_spelling(owners: pd.Series) -> str:
    """The spelling of an owner most records use (the first of equals), for the digest's greeting."""
    counts = Counter(owners)
    return max(counts, key=lambda owner: counts[owner])


def _join(*parts: str, sep: str = " ") -> str:
    return sep.join(p for p in parts if p)


def _records(group: pd.DataFrame) -> list[_Record]:
    out: list[_Record] = []
    for row in group.itertuples(index=False):
        errors = _split_codes(row.quarantine_reasons)
        error_codes = {f.code for f in errors}
        warnings = [f for f in _split_codes(row.quality_flags) if f.code not in error_codes]
        if errors and MALFORMED_CODE in error_codes:
            warnings = []
        line = str(row.source_line).strip()
        source = _join(row.source_file, f"Zeile {line}" if line else "", sep=", ")
        raw = row.raw_text if len(row.raw_text) <= _RAW_TEXT_MAX else row.raw_text[:_RAW_TEXT_MAX] + " …"
        out.append(
            _Record(
                contact_id=row.contact_id,
                name=_join(row.salutation, row.title, row.first_name, row.last_name),
                position_company=_join(row.position, row.company, sep=", "),
                owner=row.owner,
                source=source,
                raw_text=raw,
                errors=tuple(errors),
                warnings=tuple(warnings),
            )
        )
    return out


def _subject(count: int, partition_date: str, verdict: str, unassigned: bool) -> str:
    noun = "Kontakt" if count == 1 else "Kontakte"
    what = "ohne erreichbare:n Betreuer:in" if unassigned else "zu korrigieren"
    return f"CRM-Titel: {count} {noun} {what} (Nacht {partition_date}, {verdict_word(verdict)})"


def _verdict_sentence(verdict: str, failed_gates: Sequence[str]) -> str:
    word = verdict_word(verdict)
    if str(verdict).strip().upper() == "BLOCKED":
        gates = ", ".join(str(g) for g in failed_gates)
        reason = f" (nicht bestandene Prüfungen: {gates})" if gates else ""
        return f"Ergebnis der Nacht: {word} – die Kampagnenlisten wurden nicht erstellt{reason}."
    if str(verdict).strip().upper() == "ACCEPTED":
        return (
            f"Ergebnis der Nacht: {word} – die Kampagnenlisten wurden erstellt; "
            "Kontakte mit Fehlern sind darin nicht enthalten."
        )
    return f"Ergebnis der Nacht: {word}."


def _intro(count: int, partition_date: str, unassigned: bool) -> str:
    verb = "ist" if count == 1 else "sind"
    night = f"bei der nächtlichen Prüfung der CRM-Kontakte (Nacht {partition_date}) {verb}"
    if unassigned:
        noun = "Kontakt" if count == 1 else "Kontakte"
        return (
            f"{night} {count} {noun} aufgefallen, {'dem' if count == 1 else 'denen'} keine erreichbare "
            "Betreuerin bzw. kein erreichbarer Betreuer zugeordnet ist. "
            "Bitte ordnen Sie diese Datensätze im CRM zu oder korrigieren Sie sie."
        )
    mine = "einer Ihrer Kontakte" if count == 1 else f"{count} Ihrer Kontakte"
    return (
        f"{night} {mine} aufgefallen. Wir bitten Sie, diese Datensätze im CRM zu korrigieren; "
        "die Änderungen werden in der nächsten Nacht übernommen."
    )


_CLOSING = "Vielen Dank für Ihre Unterstützung!"
_SIGNATURE = "CRM-Datenqualität (automatisch erzeugte Nachricht)"


def _more_line(hidden: int, total: int) -> str:
    noun = "weiterer Kontakt" if hidden == 1 else "weitere Kontakte"
    return (
        f"… und {hidden} {noun} (insgesamt {total}), die hier nicht aufgeführt sind. "
        "Die vollständige Liste steht in der Quarantäne-Tabelle (crm_contacts_quarantine)."
    )


def _record_lines(number: int, rec: _Record, unassigned: bool) -> list[str]:
    contact = rec.contact_id or "(ohne Kontakt-ID)"
    lines = [f"{number}. Kontakt {contact}: {rec.name or '(kein Name erfasst)'}"]
    if rec.position_company:
        lines.append(f"   Position/Firma: {rec.position_company}")
    if unassigned and rec.owner:
        lines.append(f"   Betreuer:in laut CRM: {rec.owner} (keine E-Mail-Adresse)")
    for f in rec.errors:
        lines.append(f"   - Fehler: {f.text} [{f.code}]")
    for f in rec.warnings:
        lines.append(f"   - Hinweis: {f.text} [{f.code}]")
    if rec.source:
        lines.append(f"   Quelle: {rec.source}")
    if rec.raw_text:
        lines.append(f"   Rohdaten: {rec.raw_text}")
    return lines


@dataclass(frozen=True)
class _DigestContent:
    """What one digest says; the text and the HTML body render the same content."""

    owner: str
    subject: str
    shown_errors: list[_Record]
    shown_warnings: list[_Record]
    total: int
    n_err: int
    partition_date: str
    verdict: str
    failed_gates: Sequence[str]
    unassigned: bool

    @property
    def intro(self) -> str:
        return _intro(self.total, self.partition_date, self.unassigned)

    @property
    def count_lines(self) -> list[str]:
        return [
            f"Fehler (nicht anschreibbar, bis korrigiert): {self.n_err}",
            f"Hinweise (bitte bei Gelegenheit prüfen): {self.total - self.n_err}",
        ]

    @property
    def verdict_sentence(self) -> str:
        return _verdict_sentence(self.verdict, self.failed_gates)

    @property
    def sections(self) -> list[tuple[str, list[_Record]]]:
        """(heading, records) of the non-empty sections, errors first."""
        pairs = [("Fehler – bitte zuerst korrigieren", self.shown_errors), ("Hinweise", self.shown_warnings)]
        return [(heading, recs) for heading, recs in pairs if recs]

    @property
    def hidden(self) -> int:
        return self.total - len(self.shown_errors) - len(self.shown_warnings)


def _text_body(c: _DigestContent) -> str:
    out = ["Guten Tag,", "", c.intro, ""]
    if not c.unassigned:
        out.append(f"Betreuer:in: {c.owner}")
    out += [*c.count_lines, "", c.verdict_sentence]
    number = 0
    for heading, recs in c.sections:
        out += ["", f"== {heading} =="]
        for rec in recs:
            number += 1
            out += ["", *_record_lines(number, rec, c.unassigned)]
    if c.hidden > 0:
        out += ["", _more_line(c.hidden, c.total)]
    out += ["", _CLOSING, "", _SIGNATURE, ""]
    return "\n".join(out)


def _html_findings(rec: _Record) -> str:
    items = [
        f"<li><strong>Fehler:</strong> {html.escape(f.text)} <code>{html.escape(f.code)}</code></li>"
        for f in rec.errors
    ] + [f"<li>Hinweis: {html.escape(f.text)} <code>{html.escape(f.code)}</code></li>" for f in rec.warnings]
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _html_table(recs: list[_Record], unassigned: bool, start: int) -> str:
    head = "<th>#</th><th>Kontakt</th><th>Name / Position</th>"
    head += "<th>Betreuer:in laut CRM</th>" if unassigned else ""
    head += "<th>Was ist zu tun</th><th>Quelle</th>"
    rows = []
    for i, rec in enumerate(recs, start=start):
        name = html.escape(rec.name) if rec.name else "<em>(kein Name erfasst)</em>"
        if rec.position_company:
            name += f"<br>{html.escape(rec.position_company)}"
        if rec.raw_text:
            name += f"<br><small>Rohdaten: <code>{html.escape(rec.raw_text)}</code></small>"
        cells = [
            str(i),
            html.escape(rec.contact_id) if rec.contact_id else "<em>(ohne Kontakt-ID)</em>",
            name,
        ]
        if unassigned:
            cells.append(html.escape(rec.owner))
        cells += [_html_findings(rec), html.escape(rec.source)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (
        '<table border="1" cellpadding="4" cellspacing="0" style="border-collapse:collapse">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _html_body(c: _DigestContent) -> str:
    e = html.escape
    parts = [
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">',
        f"<title>{e(c.subject)}</title></head>",
        '<body style="font-family:sans-serif">',
        "<p>Guten Tag,</p>",
        f"<p>{e(c.intro)}</p>",
        "<ul>",
    ]
    if not c.unassigned:
        parts.append(f"<li>Betreuer:in: {e(c.owner)}</li>")
    parts += [*(f"<li>{e(line)}</li>" for line in c.count_lines), "</ul>", f"<p>{e(c.verdict_sentence)}</p>"]
    number = 0
    for heading, recs in c.sections:
        parts += [f"<h2>{e(heading)}</h2>", _html_table(recs, c.unassigned, number + 1)]
        number += len(recs)
    if c.hidden > 0:
        parts.append(f"<p>{e(_more_line(c.hidden, c.total))}</p>")
    parts += [f"<p>{e(_CLOSING)}</p>", f"<p><small>{e(_SIGNATURE)}</small></p>", "</body></html>"]
    return "\n".join(parts)


def _record_names(records: pd.DataFrame) -> list[str]:
    """Each record's contact id, or where it has none (a malformed row) its file and line."""
    ids = records["contact_id"].astype("str").str.strip()
    none = pd.Series("", index=records.index, dtype="str")
    lines = records["source_line"].astype("str").str.strip() if "source_line" in records else none
    files = records["source_file"].astype("str") if "source_file" in records else none
    where = files.str.rsplit("/", n=1).str[-1] + ":" + lines
    return ids.where(ids != "", where).tolist()


def _make_digest(
    owner: str,
    recipient: str | None,
    group: pd.DataFrame,
    partition_date: str,
    verdict: str,
    failed_gates: Sequence[str],
    max_records: int,
    unassigned: bool,
    owners_without_email: tuple[str, ...] = (),
) -> OwnerDigest:
    is_error = group["quarantine_reasons"] != ""
    ordered = pd.concat([group[is_error], group[~is_error]])
    n_err = int(is_error.sum())
    total = len(ordered)
    shown = _records(ordered.head(max_records))
    shown_errors, shown_warnings = shown[: min(n_err, len(shown))], shown[min(n_err, len(shown)) :]
    subject = _subject(total, partition_date, verdict, unassigned)
    content = _DigestContent(
        owner,
        subject,
        shown_errors,
        shown_warnings,
        total,
        n_err,
        partition_date,
        verdict,
        failed_gates,
        unassigned,
    )
    return OwnerDigest(
        owner=owner,
        recipient=recipient,
        subject=subject,
        text_body=_text_body(content),
        html_body=_html_body(content),
        record_count=total,
        contact_ids=tuple(_record_names(ordered)),
        partition_date=partition_date,
        error_count=n_err,
        warning_count=total - n_err,
        owners_without_email=owners_without_email,
    )


_COLUMNS = FIX_LIST_COLUMNS


def build_digests(
    fixes: pd.DataFrame,
    partition_date: str,
    verdict: str,
    failed_gates: Sequence[str],
    *,
    fallback_recipient: str | None = None,
    owner_emails: Mapping[str, str] | None = None,
    max_records: int = MAX_RECORDS_PER_DIGEST,
) -> list[OwnerDigest]:
    """One digest per owner and address (sorted by owner, without case), plus one "unassigned" digest
    last when needed.

    A digest goes to the ``owner_email`` of its records. Two addresses under one owner name are two
    people (or one person twice): each gets only the records that carry their address. An owner's
    records without an address join the owner's digest when the owner has exactly one address. Records
    with no owner, of an owner without any address, or without an address under an owner name that has
    several, go to the unassigned digest, addressed to ``fallback_recipient`` (``None``: the caller must
    report it). ``owner_emails``: addresses by owner (name or CRM user id, compared as `owner_key`
    does), for the records that carry none. A digest greets its owner as most of its records spell
    them. Every input row is in exactly one digest."""
    if max_records < 1:
        raise ValueError("max_records must be at least 1")
    if fixes is None or len(fixes) == 0:
        return []
    frame = pd.DataFrame({c: _clean(fixes, c) for c in _COLUMNS}, index=fixes.index)
    if owner_emails:
        directory = {owner_key(owner): address for owner, address in owner_emails.items()}
        missing = frame["owner_email"] == ""
        frame.loc[missing, "owner_email"] = frame.loc[missing, "owner"].map(
            lambda owner: directory.get(owner_key(owner), "")
        )
    # Stable order within a digest: by source file and line, then contact id.
    line_num = pd.to_numeric(frame["source_line"], errors="coerce")
    frame = (
        frame.assign(_line=line_num)
        .sort_values(["source_file", "_line", "contact_id"], kind="stable", na_position="last")
        .drop(columns="_line")
        .reset_index(drop=True)
    )

    digests: list[OwnerDigest] = []
    unassigned_parts: list[pd.DataFrame] = []
    owners_without_email: list[str] = []
    has_owner = frame["owner"] != ""
    unassigned_parts.append(frame[~has_owner])
    # One owner however the extract spells them ("Anna Maier", "anna  maier"): one digest, not two.
    owner_keys = frame["owner"].map(owner_key)
    groups = frame[has_owner].groupby(owner_keys[has_owner], sort=False)
    for _key, group in sorted(groups, key=lambda item: (item[0].casefold(), item[0])):
        addresses = sorted(set(group["owner_email"]) - {""})
        if not addresses:
            owners_without_email.append(_usual_spelling(group["owner"]))
            unassigned_parts.append(group)
            continue
        if len(addresses) > 1:  # whose are the records without an address? nobody can tell
            unassigned_parts.append(group[group["owner_email"] == ""])
        for address in addresses:
            own = group if len(addresses) == 1 else group[group["owner_email"] == address]
            digests.append(
                _make_digest(
                    _usual_spelling(own["owner"]),
                    address,
                    own,
                    partition_date,
                    verdict,
                    failed_gates,
                    max_records,
                    False,
                )
            )
    unassigned = pd.concat(unassigned_parts)
    unassigned = frame[frame.index.isin(unassigned.index)]  # back in source order
    if len(unassigned):
        digests.append(
            _make_digest(
                UNASSIGNED_OWNER,
                fallback_recipient or None,
                unassigned,
                partition_date,
                verdict,
                failed_gates,
                max_records,
                True,
                tuple(owners_without_email),
            )
        )
    return digests
