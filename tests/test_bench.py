"""The benchmark harness end to end on 10,000 rows (SQLite): every figure is there (no timing asserted)."""

from __future__ import annotations

import json

from governance import bench


def test_quick_bench_writes_every_stage(tmp_path):
    bench.main(["--quick", "--dir", str(tmp_path)])

    results = json.loads((tmp_path / "results.json").read_text())
    assert results["sizes"] == [bench.QUICK_SIZE]
    assert results["databases"] == ["sqlite"]
    run = results["runs"][f"sqlite_{bench.QUICK_SIZE}"]
    seconds = run["stages"]["seconds"]
    for key, _label in bench.STAGES:
        assert key in seconds, key
        if key == "alerts" and seconds[key] is None:
            continue  # owner alerts not in this build: reported as n/a
        else:
            assert seconds[key] > 0, key
    assert seconds["total"] > 0
    assert run["stages"]["every_row_accounted"]
    assert run["stages"]["rows_read"] == bench.QUICK_SIZE
    assert run["stages"]["peak_rss_mb"] > 0
    e2e = run["dagster"]
    assert e2e["success"]
    assert e2e["total_s"] > 0 and e2e["peak_rss_mb"] > 0
    floor = results["floor"][str(bench.QUICK_SIZE)]
    assert floor["pyarrow_read_csv_s"] > 0 and floor["pandas_read_csv_s"] > 0
    assert results["titles"]["parse_contacts_records_per_s"] > 0
    assert results["titles"]["nameparser_records_per_s"] > 0
    assert results["targets"]  # each target is evaluated and printed
    # A second run reuses the cached extract.
    assert bench.ensure_extract(tmp_path, bench.QUICK_SIZE)[1] is None


def test_handoff_matches_the_database_read(tmp_path):
    """The gates' hand-off file gives exactly the rows a read of the staged table gives."""
    import pandas as pd

    from governance import nightly
    from governance.sample_data import generate_contacts
    from governance.warehouse import Warehouse
    from tests.pipeline_helpers import night_config

    cfg = night_config(tmp_path, f"sqlite:///{tmp_path / 'var' / 'wh.sqlite'}")
    from governance.sample_data import write_extract

    write_extract(generate_contacts(2_000), tmp_path / "landing" / "contacts_2026-11-26.csv")
    wh = Warehouse(cfg.resolved_warehouse_url(tmp_path))
    nightly.ingest_extract(cfg, tmp_path, wh, "2026-11-26")
    from governance.defs import check_configuration
    from governance.sql_models import run_model

    project, _ = check_configuration(cfg, tmp_path)
    run_model(wh, project.models["stg_crm_contacts"], None)
    nightly.stage_contacts(cfg, wh, "2026-11-26")
    assert wh.read_handoff(nightly.STAGED_TABLE, "2026-11-26") is not None
    from_handoff = nightly.read_staged(wh, "2026-11-26")
    # A write of the partition without hand-off invalidates the file.
    wh.replace_partition(
        nightly.STAGED_TABLE, "2026-11-26", wh.read_partition(nightly.STAGED_TABLE, "2026-11-26")
    )
    assert wh.read_handoff(nightly.STAGED_TABLE, "2026-11-26") is None
    from_database = nightly.read_staged(wh, "2026-11-26")
    pd.testing.assert_frame_equal(from_handoff, from_database)
    wh.dispose()
