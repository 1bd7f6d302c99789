"""Running whole nights in tests: a project root in tmp_path, a real warehouse, an ephemeral instance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import pandas as pd

from governance.config import GovernanceConfig
from governance.defs import NIGHTLY_JOB, build_definitions
from governance.sample_data import write_extract
from governance.warehouse import Warehouse

PROJECT = Path(__file__).resolve().parent.parent


def night_config(root: Path, warehouse_url: str, **overrides) -> GovernanceConfig:
    data = {
        "paths": {"landing": str(root / "landing"), "var": str(root / "var")},
        "warehouse_url": warehouse_url,
        "expectations_dir": str(PROJECT / "expectations"),
        "models_dir": str(PROJECT / "dbt_like_sql"),
        "partitions_start": "2026-10-01",
        **overrides,
    }
    return GovernanceConfig.model_validate(data)


@dataclass
class Night:
    result: dg.ExecuteInProcessResult
    partition: str
    cfg: GovernanceConfig
    root: Path

    @property
    def materialized(self) -> set[str]:
        return {e.asset_key.to_user_string() for e in self.result.get_asset_materialization_events()}

    @property
    def checks(self) -> dict[str, dg.AssetCheckEvaluation]:
        return {e.check_name: e for e in self.result.get_asset_check_evaluations()}

    @property
    def failed_checks(self) -> set[str]:
        return {name for name, e in self.checks.items() if not e.passed}

    def warehouse(self) -> Warehouse:
        return Warehouse(self.cfg.resolved_warehouse_url(self.root))

    def count(self, table: str) -> int:
        wh = self.warehouse()
        try:
            return int(
                wh.scalar(f'SELECT COUNT(*) FROM "{table}" WHERE partition_date = :p', {"p": self.partition})
            )
        finally:
            wh.dispose()

    def step_failure_message(self) -> str:
        for event in self.result.all_events:
            if event.event_type_value == "STEP_FAILURE":
                return event.event_specific_data.error.message
        return ""


def run_night(cfg: GovernanceConfig, root: Path, partition: str, extract: pd.DataFrame | None) -> Night:
    """Write ``extract`` as the night's landing file (unless None) and run the nightly job."""
    if extract is not None:
        write_extract(extract, Path(cfg.paths.landing) / f"contacts_{partition}.csv")
    defs = build_definitions(cfg, root)
    job = defs.resolve_job_def(NIGHTLY_JOB)
    result = job.execute_in_process(
        partition_key=partition, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    return Night(result=result, partition=partition, cfg=cfg, root=root)


def nights(start: str, count: int) -> list[str]:
    first = date.fromisoformat(start)
    return [date.fromordinal(first.toordinal() + i).isoformat() for i in range(count)]
