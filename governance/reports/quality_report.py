"""The night's quality report as one self-contained HTML file (no scripts, no external resources).

``build_quality_report`` turns the night's tables (gate results, history, fix list, malformed rows) into a
:class:`QualityReport`; ``render_quality_report`` renders it with Jinja2 (autoescaped: CRM text can hold
markup); ``write_quality_report`` writes it atomically to ``<folder>/<date>/quality_report.html``. Plain
Python over DataFrames, no Dagster import.

The report shows contact ids, owners and reasons, never names or addresses: it is read by data engineers
and shared with CRM owners, who fix the records in the CRM itself.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from governance.quality.rules import MALFORMED_CODE, RULES, count_flags

MAX_REJECTS_SHOWN = 100
HISTORY_NIGHTS = 14
REPORT_FILE = "quality_report.html"


@dataclass(frozen=True)
class GateLine:
    name: str
    severity: str
    passed: bool
    observed: str
    threshold: str
    description: str
    example_ids: str

    @property
    def css(self) -> str:
        if self.passed:
            return "pass"
        return "fail-error" if self.severity == "ERROR" else "fail-warn"


@dataclass(frozen=True)
class FindingLine:
    code: str
    severity: str
    records: int
    description: str


@dataclass(frozen=True)
class OwnerLine:
    owner: str
    records: int
    errors: int
    warnings_only: int


@dataclass(frozen=True)
class QualityReport:
    partition_date: str
    verdict: str  # ACCEPTED | BLOCKED | NOT EVALUATED
    failed_gates: tuple[str, ...]
    counts: Mapping[str, int]  # rows_read, loaded, malformed, validated, quarantined
    title_coverage: float | None
    position_completeness: float | None
    gates: tuple[GateLine, ...]
    findings: tuple[FindingLine, ...]
    owners: tuple[OwnerLine, ...]
    rejects: tuple[tuple[str, int, str], ...]  # (file, line, reason), the first MAX_REJECTS_SHOWN
    rejects_total: int
    history: tuple[Mapping[str, object], ...]
    campaigns: tuple[str, ...]
    generated_at: str = field(
        default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds")
    )
    warehouse: str = ""
    data_docs: str = ""  # link to the GX Data Docs index, relative to the report's folder


def format_number(value: float) -> str:
    """Counts as integers with thousands separators, shares and rates with six significant digits (a
    failed 0.94996 must not read as its threshold 0.95)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.6g}"


def _gate_lines(gate_results: pd.DataFrame) -> tuple[GateLine, ...]:
    lines = [
        GateLine(
            name=str(r.gate),
            severity=str(r.severity),
            passed=bool(int(r.passed_flag)),
            observed=format_number(float(r.observed)),
            threshold=format_number(float(r.threshold)),
            description=str(r.description or ""),
            example_ids=", ".join(
                i for i in (r.example_ids if isinstance(r.example_ids, str) else "").split(";") if i
            ),
        )
        for r in gate_results.itertuples()
    ]
    # Failed errors first, then failed warnings, then the passed gates, each alphabetically.
    return tuple(sorted(lines, key=lambda g: (g.passed, g.severity != "ERROR", g.name)))


def _findings(fixes: pd.DataFrame, severities: Mapping[str, str]) -> tuple[FindingLine, ...]:
    counts = count_flags(fixes["quality_flags"]) if len(fixes) else {}
    lines = []
    for code, count in counts.items():
        rule = RULES.get(str(code))
        if code == MALFORMED_CODE:
            severity, description = "error", "row of the extract that could not be read as a record"
        else:
            severity = severities.get(str(code), rule.severity if rule else "warn")
            description = rule.description if rule else "code not in the rule registry"
        lines.append(FindingLine(str(code), severity, int(count), description))
    return tuple(sorted(lines, key=lambda f: (f.severity != "error", -f.records, f.code)))


def _owners(fixes: pd.DataFrame) -> tuple[OwnerLine, ...]:
    if fixes.empty:
        return ()
    owner = fixes["owner"].fillna("").astype(str).str.strip().replace("", "(no owner)")
    error = fixes["quarantine_reasons"].fillna("").astype(str) != ""
    table = pd.DataFrame({"owner": owner, "error": error}).groupby("owner")["error"].agg(["size", "sum"])
    lines = [
        OwnerLine(str(name), int(row["size"]), int(row["sum"]), int(row["size"] - row["sum"]))
        for name, row in table.iterrows()
    ]
    return tuple(sorted(lines, key=lambda o: (-o.records, o.owner)))


def _history(history: pd.DataFrame) -> tuple[Mapping[str, object], ...]:
    if history.empty:
        return ()
    recent = history.sort_values("partition_date", ascending=False).head(HISTORY_NIGHTS)
    return tuple(
        {
            "partition_date": str(r.partition_date),
            "rows": format_number(float(r.rows)),
            "title_coverage": _percent(r.title_coverage),
            "position_completeness": _percent(r.position_completeness),
            "verdict": "ACCEPTED" if int(r.accepted_flag) else "BLOCKED",
        }
        for r in recent.itertuples()
    )


def _percent(value: object) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{float(value) * 100:.1f} %"


def build_quality_report(
    partition_date: str,
    *,
    verdict: str,
    failed_gates: Sequence[str],
    gate_results: pd.DataFrame,
    history: pd.DataFrame,
    fixes: pd.DataFrame,
    rejects: pd.DataFrame,
    counts: Mapping[str, int],
    severities: Mapping[str, str],
    campaigns: Sequence[str],
    warehouse: str = "",
    data_docs: str = "",
) -> QualityReport:
    """The report's content from the night's tables.

    ``history``: quality_history rows (partition_date, rows, title_coverage, position_completeness,
    accepted_flag), this night included; ``fixes``: the fix list (FIX_LIST_COLUMNS); ``rejects``: the
    malformed rows (source_file, source_line, reason); ``counts``: rows_read, loaded, malformed,
    validated, quarantined."""
    tonight = history[history["partition_date"] == partition_date] if len(history) else history
    coverage = float(tonight["title_coverage"].iloc[0]) if len(tonight) else None
    completeness = float(tonight["position_completeness"].iloc[0]) if len(tonight) else None
    shown = rejects.sort_values(["source_file", "source_line"]).head(MAX_REJECTS_SHOWN)
    return QualityReport(
        partition_date=partition_date,
        verdict=verdict,
        failed_gates=tuple(failed_gates),
        counts=dict(counts),
        title_coverage=coverage,
        position_completeness=completeness,
        gates=_gate_lines(gate_results),
        findings=_findings(fixes, severities),
        owners=_owners(fixes),
        rejects=tuple((str(r.source_file), int(r.source_line), str(r.reason)) for r in shown.itertuples()),
        rejects_total=len(rejects),
        history=_history(history),
        campaigns=tuple(campaigns),
        warehouse=warehouse,
        data_docs=data_docs,
    )


def render_quality_report(report: QualityReport) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("governance.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = format_number
    env.filters["percent"] = _percent
    return env.get_template("quality_report.html.j2").render(report=report)


def report_path(folder: Path, partition_date: str) -> Path:
    return folder / partition_date / REPORT_FILE


def write_quality_report(report: QualityReport, folder: Path) -> Path:
    """Write the report to ``<folder>/<date>/quality_report.html`` (replaced atomically on a re-run)."""
    path = report_path(folder, report.partition_date)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(render_quality_report(report), encoding="utf-8")
    tmp.replace(path)
    return path
