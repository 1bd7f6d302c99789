"""Great Expectations Data Docs for the nightly suites: GX's own HTML site, next to our quality report.

The suites run on an ephemeral GX context (nothing to set up, nothing left behind); their validation
results are then stored in a file context under ``<var>/gx`` and only their pages and the index are
rendered. The site keeps the nights the warehouse keeps (``retention_nights``): GX rebuilds the index
from every stored result, so a site that kept a year of nights took 1.8 s a night and 60 MB, against
0.4 s for the first night. ``great_expectations`` is imported lazily (the import costs seconds).
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# Where GX's file context renders its local site, relative to the project root it is given.
SITE_INDEX = Path("gx") / "uncommitted" / "data_docs" / "local_site" / "index.html"


def data_docs_index(var: Path) -> Path:
    """The Data Docs index page for the var folder ``var`` (it exists once a night has published)."""
    return var / SITE_INDEX


LOCK_TIMEOUT_SECONDS = 120.0


@contextlib.contextmanager
def _site_lock(var: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Nights of a backfill run side by side and each one rewrites the index: one writer at a time. A
    writer that hangs must not hold the next night: after ``timeout`` seconds, TimeoutError."""
    var.mkdir(parents=True, exist_ok=True)
    with open(var / ".gx_data_docs.lock", "w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"another process has been writing {var / 'gx'} for {timeout:g} s"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(var: Path, keep_from: str) -> None:
    """Remove the stored results and rendered pages of nights before ``keep_from`` (an ISO date): the
    results' run name is the night, the first folder under each suite."""
    root = var / "gx" / "uncommitted"
    for base in (root / "validations", root / "data_docs" / "local_site" / "validations"):
        for night in base.glob("*/*"):
            if night.is_dir() and night.name < keep_from:
                shutil.rmtree(night, ignore_errors=True)


def publish_data_docs(
    validations: Sequence[tuple[str, Any]],
    var: Path,
    partition_date: str,
    asset_name: str,
    keep_nights: int | None = None,
) -> Path:
    """Store ``validations`` ((suite name, GX ExpectationSuiteValidationResult) pairs) as the results of
    the night ``partition_date`` on ``asset_name`` and render their pages; returns the index page.
    ``keep_nights``: results of nights more than that many nights before this one are removed first.

    A re-run of a night adds a run next to the earlier one (GX keys results by run time), as GX does."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    run_id = RunIdentifier(run_name=partition_date, run_time=datetime.now(UTC))
    batch = f"{asset_name}-{partition_date}"
    with _site_lock(var):
        if keep_nights is not None:
            _prune(var, (date.fromisoformat(partition_date) - timedelta(days=keep_nights)).isoformat())
        context = gx.get_context(mode="file", project_root_dir=str(var))
        keys: list[Any] = []
        for suite_name, result in validations:
            # The pages take the run and the asset from the result's meta, which a validation outside a
            # checkpoint leaves without a run, and with GX's in-memory frame or throwaway view as asset.
            result.meta["run_id"] = run_id
            result.meta["validation_time"] = run_id.run_time
            result.meta["batch_spec"] = {
                **(result.meta.get("batch_spec") or {}),
                "data_asset_name": asset_name,
            }
            key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=suite_name), run_id, batch)
            context.validation_results_store.store_validation_results(result, key)
            # The suite's own page, which each validation page links to, as it stood for this night.
            context.suites.add_or_update(
                gx.ExpectationSuite(
                    name=suite_name, expectations=[r.expectation_config for r in result.results]
                )
            )
            keys += [key, ExpectationSuiteIdentifier(name=suite_name)]
        context.build_data_docs(resource_identifiers=keys)
    return data_docs_index(var)
