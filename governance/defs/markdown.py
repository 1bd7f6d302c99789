"""Small Markdown renderings for Dagster metadata."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def md_table(rows: Iterable[Sequence[object]], header: Sequence[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = (str(c).replace("|", "\\|").replace("\n", " / ") for c in row)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
