"""The night's quality report: its content from the tables, a real blocked night, and Chromium's view."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from governance import nightly
from governance.reports import build_quality_report, render_quality_report, write_quality_report
from governance.reports.quality_report import format_number
from governance.sample_data import clean_contacts, next_night
from tests.pipeline_helpers import night_config, nights, run_night

FIRST, SECOND = nights("2026-11-20", 2)


def gate_rows(*rows: tuple[str, int, str, float, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "gate": gate,
                "passed_flag": passed,
                "severity": severity,
                "observed": observed,
                "threshold": threshold,
                "description": f"{gate} description",
                "example_ids": "C1;C2" if not passed else "",
            }
            for gate, passed, severity, observed, threshold in rows
        ]
    )


def small_report(**overrides):
    fixes = pd.DataFrame(
        {
            "owner": ["anna", "anna", "<script>alert(1)</script>", ""],
            "quality_flags": [
                "TITLE_UNKNOWN",
                "TITLE_NONCANONICAL",
                "POSITION_MISSING;TITLE_UNKNOWN",
                "MALFORMED_ROW",
            ],
            "quarantine_reasons": ["TITLE_UNKNOWN: x", "", "POSITION_MISSING: y", "MALFORMED_ROW: z"],
        }
    )
    arguments = {
        "verdict": "BLOCKED",
        "failed_gates": ["title_loss"],
        "gate_results": gate_rows(
            ("volume", 1, "ERROR", 1000, 0.2),
            ("raw_schema", 0, "WARN", 3, 0),
            ("title_loss", 0, "ERROR", 0.25, 0.01),
        ),
        "history": pd.DataFrame(
            {
                "partition_date": ["2026-11-21", "2026-11-20"],
                "rows": [1000, 1000],
                "title_coverage": [0.1, 0.42],
                "position_completeness": [0.97, 0.98],
                "accepted_flag": [0, 1],
            }
        ),
        "fixes": fixes,
        "rejects": pd.DataFrame(
            {"source_file": ["x.csv"], "source_line": [7], "reason": ["wrong field count <b>"]}
        ),
        "counts": {"rows_read": 1000, "loaded": 999, "malformed": 1, "validated": 997, "quarantined": 3},
        "severities": {"TITLE_UNKNOWN": "error", "TITLE_NONCANONICAL": "warn", "POSITION_MISSING": "error"},
        "campaigns": ["campaign_list_newsletter_at"],
    }
    arguments.update(overrides)
    return build_quality_report("2026-11-21", **arguments)


class _Tables(HTMLParser):
    """Rows of every table with an id: {id: [[cell text, ...], ...]}, and the verdict element's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.row_classes: dict[str, list[str]] = {}
        self.verdict: dict[str, str] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and attributes.get("id"):
            self._table = attributes["id"]
            self.tables[self._table] = []
            self.row_classes[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
            self.row_classes[self._table].append(attributes.get("class") or "")
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif attributes.get("id") == "verdict":
            self.verdict = {k: v or "" for k, v in attrs}

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


def test_failed_gates_come_first_errors_before_warnings():
    report = small_report()
    assert [g.name for g in report.gates] == ["title_loss", "raw_schema", "volume"]
    assert [g.css for g in report.gates] == ["fail-error", "fail-warn", "pass"]
    page = parse(render_quality_report(report))
    gates = page.tables["gates"][1:]
    assert [row[0] for row in gates] == ["title_loss", "raw_schema", "volume"]
    assert gates[0][2] == "FAIL" and gates[0][3] == "0.25" and gates[0][6] == "C1, C2"
    assert page.verdict["data-verdict"] == "BLOCKED"


def test_findings_and_owners_are_counted_per_record():
    report = small_report()
    findings = {f.code: (f.severity, f.records) for f in report.findings}
    assert findings == {
        "TITLE_UNKNOWN": ("error", 2),
        "POSITION_MISSING": ("error", 1),
        "MALFORMED_ROW": ("error", 1),
        "TITLE_NONCANONICAL": ("warn", 1),
    }
    owners = {o.owner: (o.records, o.errors, o.warnings_only) for o in report.owners}
    assert owners == {"anna": (2, 1, 1), "<script>alert(1)</script>": (1, 1, 0), "(no owner)": (1, 1, 0)}
    assert report.rejects == (("x.csv", 7, "wrong field count <b>"),)
    assert report.title_coverage == 0.1 and report.position_completeness == 0.97


def test_crm_text_is_escaped_not_rendered():
    html = render_quality_report(small_report())
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "wrong field count &lt;b&gt;" in html


def test_an_accepted_night_says_so_and_an_empty_fix_list_renders():
    report = small_report(
        verdict="ACCEPTED",
        failed_gates=[],
        gate_results=gate_rows(("volume", 1, "ERROR", 1000, 0.2)),
        fixes=pd.DataFrame(columns=["owner", "quality_flags", "quarantine_reasons"]),
        rejects=pd.DataFrame(columns=["source_file", "source_line", "reason"]),
    )
    html = render_quality_report(report)
    page = parse(html)
    assert page.verdict["data-verdict"] == "ACCEPTED"
    assert page.tables["findings"][1] == ["No record was flagged."]
    assert page.tables["owners"][1] == ["Nothing to fix."]
    assert "Every row of the extract was read as a record." in html


@pytest.mark.parametrize(
    ("verdict", "status"),
    [("ACCEPTED", "released"), ("BLOCKED", "blocked"), ("NOT EVALUATED", "not released")],
)
def test_campaign_status_follows_the_verdict(verdict, status):
    html = render_quality_report(small_report(verdict=verdict))
    line = next(li for li in html.splitlines() if "campaign_list_newsletter_at</code>:" in li)
    assert status in line
    assert verdict == "ACCEPTED" or "released" not in line.replace("not released", "")


def test_write_replaces_the_nights_report(tmp_path):
    first = write_quality_report(small_report(), tmp_path)
    second = write_quality_report(small_report(verdict="ACCEPTED", failed_gates=[]), tmp_path)
    assert first == second == tmp_path / "2026-11-21" / "quality_report.html"
    assert 'data-verdict="ACCEPTED"' in second.read_text(encoding="utf-8")
    assert [p.name for p in second.parent.iterdir()] == ["quality_report.html"]


@pytest.mark.parametrize(
    ("value", "shown"), [(1234567.0, "1,234,567"), (0.94996, "0.94996"), (0.1234567, "0.123457"), (0.0, "0")]
)
def test_numbers_are_formatted_for_people(value, shown):
    assert format_number(value) == shown


# ------------------------------------------------------------------------------------- a real night


@pytest.fixture(scope="module")
def blocked_night(tmp_path_factory):
    """An accepted night, then a night whose export lost the title column (blocked), on SQLite."""
    root = tmp_path_factory.mktemp("report_night")
    cfg = night_config(root, f"sqlite:///{root / 'warehouse.sqlite'}")
    base = clean_contacts(1200, seed=41)
    accepted = run_night(cfg, root, FIRST, base)
    lost = next_night(base, seed=42, night=date.fromisoformat(SECOND), drop_title_column=True)
    blocked = run_night(cfg, root, SECOND, lost)
    return accepted, blocked, len(lost)


def _report_file(night) -> Path:
    return Path(night.cfg.paths.var) / "reports" / night.partition / "quality_report.html"


def test_the_report_is_written_on_a_blocked_night(blocked_night):
    accepted, blocked, rows = blocked_night
    assert "crm_quality_report" in blocked.materialized  # not blocked with the campaign lists
    page = parse(_report_file(blocked).read_text(encoding="utf-8"))
    assert page.verdict["data-verdict"] == "BLOCKED"
    failed = [
        row[0]
        for row, css in zip(page.tables["gates"][1:], page.row_classes["gates"][1:], strict=True)
        if css == "fail-error"
    ]
    assert {"title_coverage", "title_loss"} <= set(failed)
    assert failed == [row[0] for row in page.tables["gates"][1 : len(failed) + 1]]  # on top
    history = page.tables["history"][1:]
    assert [(r[0], r[4]) for r in history] == [(SECOND, "BLOCKED"), (FIRST, "ACCEPTED")]
    wh = blocked.warehouse()
    counts = nightly.night_counts(wh, SECOND)
    wh.dispose()
    assert counts["rows_read"] == rows == counts["validated"] + counts["quarantined"]
    metadata = next(
        e.materialization.metadata
        for e in blocked.result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "crm_quality_report"
    )
    assert metadata["verdict"].value == "BLOCKED"
    assert metadata["path"].value == str(_report_file(blocked))
    assert parse(_report_file(accepted).read_text(encoding="utf-8")).verdict["data-verdict"] == "ACCEPTED"


def test_chromium_shows_the_blocked_verdict_and_the_failed_gates_first(blocked_night, chromium, tmp_path):
    from selenium.webdriver.common.by import By

    _accepted, blocked, _rows = blocked_night
    chromium.get(_report_file(blocked).resolve().as_uri())
    assert chromium.title == f"CRM contact quality {SECOND}: BLOCKED"
    verdict = chromium.find_element(By.ID, "verdict")
    assert verdict.is_displayed()
    assert "title_coverage" in verdict.text and "title_loss" in verdict.text
    # The stylesheet applied: a red verdict box, and failed ERROR gates highlighted above the rest.
    assert verdict.value_of_css_property("background-color") == "rgba(255, 235, 233, 1)"
    rows = chromium.find_elements(By.CSS_SELECTOR, "#gates tbody tr")
    classes = [row.get_attribute("class") for row in rows]
    assert classes[0] == "fail-error"
    assert classes == sorted(classes, key=lambda c: {"fail-error": 0, "fail-warn": 1, "pass": 2}[c])
    first_cell = rows[0].find_element(By.TAG_NAME, "td")
    assert first_cell.value_of_css_property("background-color") == "rgba(255, 235, 233, 1)"
    assert len(chromium.find_elements(By.CSS_SELECTOR, "#counts .tile")) == 6
    # A self-contained page: nothing it loads fails (no scripts, no external resources).
    severe = [entry for entry in chromium.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
    shot = tmp_path / "report.png"
    assert chromium.save_screenshot(str(shot)) and shot.read_bytes().startswith(b"\x89PNG")


def test_the_report_links_to_the_gx_data_docs_of_both_nights(blocked_night):
    # Checked on the files, not in Chromium: GX's pages load their scripts from public CDNs, and the
    # tests stay on loopback.
    accepted, blocked, _rows = blocked_night
    report = _report_file(blocked)
    link = re.search(r'<a id="data-docs" href="([^"]+)"', report.read_text(encoding="utf-8"))
    assert link is not None
    index = (report.parent / link.group(1)).resolve()
    assert index == (Path(blocked.cfg.paths.var) / "gx/uncommitted/data_docs/local_site/index.html").resolve()
    listed = index.read_text(encoding="utf-8")
    for night in (accepted, blocked):
        for suite in ("crm_contacts_completeness", "crm_contacts_titles"):
            assert f"validations/{suite}/{night.partition}/" in listed
    metadata = next(
        e.materialization.metadata
        for e in blocked.result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "crm_contacts_quality_gates"
    )
    assert metadata["gx_data_docs"].value == index.as_uri()
