"""The night's quality report: plain data from the warehouse, rendered as one static HTML file."""

from governance.reports.quality_report import (
    QualityReport,
    build_quality_report,
    render_quality_report,
    write_quality_report,
)

__all__ = ["QualityReport", "build_quality_report", "render_quality_report", "write_quality_report"]
