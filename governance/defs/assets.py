"""The night's assets: thin wrappers around governance.nightly, adding Dagster metadata."""

from collections.abc import Callable
from pathlib import Path

import dagster as dg

from governance import nightly
from governance.config import GovernanceConfig
from governance.defs.markdown import md_table
from governance.defs.resources import WarehouseResource
from governance.defs.sensors import SIGNATURE_KEY

GROUP = "crm_contacts"


def build_core_assets(
    cfg: GovernanceConfig,
    root: Path,
    partitions_def: dg.PartitionsDefinition,
    campaign_exports: dict[str, Callable[[str], Path]],
) -> list[dg.AssetsDefinition]:
    """``campaign_exports``: campaign table -> its export file for a night (withdrawn when blocked)."""

    def withdraw_campaigns(context: dg.AssetExecutionContext, wh, why: str) -> None:
        """An earlier accepted run of this night may have left lists behind: they must not go out."""
        removed = nightly.withdraw_campaigns(
            wh,
            list(campaign_exports),
            context.partition_key,
            [path_of(context.partition_key) for path_of in campaign_exports.values()],
        )
        for item in removed:
            context.log.warning(f"{why}: withdrew {item}")

    @dg.asset(
        name=nightly.RAW_TABLE,
        group_name=GROUP,
        partitions_def=partitions_def,
        kinds={"sql", "csv"} if cfg.extract.source == "csv" else {"sql"},
        description="Every row of the night's CRM extract as delivered, with file and line; "
        "malformed rows go to crm_contacts_rejects.",
    )
    def crm_contacts_raw(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        from governance.ingest import ExtractError

        wh = warehouse.get()
        try:
            outcome = nightly.ingest_extract(cfg, root, wh, context.partition_key, progress=context.log.info)
        except ExtractError as exc:
            # The lists of an earlier run of this night were made from an extract since replaced by
            # one that cannot be read: nothing vouches for them any more, nor for the night's verdict
            # (a campaign built on its own would rebuild them). A file moved away after an accepted
            # night (to an archive) or a CRM database that cannot be reached leaves them alone.
            path = nightly.extract_path(cfg, root, context.partition_key)
            if cfg.extract.source == "csv" and path.exists():
                withdraw_campaigns(context, wh, "unreadable extract")
                if nightly.forget_verdict(wh, context.partition_key):
                    context.log.warning("unreadable extract: the night's gate verdict no longer stands")
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        for warning in outcome.warnings:
            context.log.warning(warning)
        nightly.retention(wh, context.partition_key, cfg.retention_nights)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": outcome.rows_loaded,
                "rows_read": dg.MetadataValue.int(outcome.rows_read),
                "rows_rejected": dg.MetadataValue.int(outcome.rows_rejected),
                "source": dg.MetadataValue.text(outcome.source),
                "profile": outcome.profile,
                "encoding": outcome.encoding,
                "delimiter": outcome.delimiter,
                **({SIGNATURE_KEY: outcome.signature} if outcome.signature else {}),
                "warnings": dg.MetadataValue.md("\n".join(f"- {w}" for w in outcome.warnings) or "none"),
                "warehouse": wh.display_url,
            }
        )

    @dg.asset(
        name=nightly.STAGED_TABLE,
        group_name=GROUP,
        partitions_def=partitions_def,
        deps=[dg.AssetKey(nightly.STAGING_VIEW)],
        kinds={"python", "sql"},
        description="Contacts with parsed titles, positions, gender, salutation line, address block and "
        "per-record quality flags.",
    )
    def crm_contacts_staged(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        outcome = nightly.stage_contacts(
            cfg, warehouse.get(), context.partition_key, progress=context.log.info
        )
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": outcome.rows,
                "salutation_ready": dg.MetadataValue.int(outcome.ready),
                "compared_with_night": outcome.previous_partition or "none (first accepted night)",
                "flags": dg.MetadataValue.md(
                    md_table(sorted(outcome.flag_counts.items()), ("flag", "records")) or "none"
                ),
                **{f"flag_{k}": dg.MetadataValue.int(v) for k, v in outcome.flag_counts.items()},
            }
        )

    @dg.asset(
        name=nightly.GATES_ASSET,
        group_name=GROUP,
        partitions_def=partitions_def,
        deps=[crm_contacts_staged],
        kinds={"pandera", "great_expectations"},
        description="Evaluates every gate of the night (pandera schemas, GX suites, batch gates) and "
        "records the verdict in quality_gate_results and quality_history.",
    )
    def crm_contacts_quality_gates(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        wh = warehouse.get()
        outcome = nightly.evaluate_gates(cfg, root, wh, context.partition_key, context.log.info)
        for warning in outcome.warnings:
            context.log.warning(warning)
        for failed in outcome.failed_errors:
            context.log.error(
                f"gate {failed.name} failed: observed {failed.observed:g}, {failed.description}"
            )
        if not outcome.accepted:
            withdraw_campaigns(context, wh, "blocked night")
        return dg.MaterializeResult(
            metadata={
                "accepted": dg.MetadataValue.bool(outcome.accepted),
                "failed_error_gates": dg.MetadataValue.int(len(outcome.failed_errors)),
                "title_coverage": dg.MetadataValue.float(outcome.title_coverage),
                "position_completeness": dg.MetadataValue.float(outcome.position_completeness),
                "summary": dg.MetadataValue.md(outcome.summary_markdown),
                **(
                    {"gx_data_docs": dg.MetadataValue.url(outcome.data_docs.resolve().as_uri())}
                    if outcome.data_docs
                    else {}
                ),
                **{
                    f"seconds_{k}": dg.MetadataValue.float(round(v, 3))
                    for k, v in outcome.stage_seconds.items()
                },
            }
        )

    @dg.asset(
        name=nightly.VALIDATED_VIEW,
        group_name=GROUP,
        partitions_def=partitions_def,
        deps=[crm_contacts_staged, crm_contacts_quality_gates],
        kinds={"sql"},
        description="Salutation-ready contacts (a view over the staged table). Its blocking checks are "
        "the night's gates: a failed ERROR gate stops the campaign lists.",
    )
    def crm_contacts_validated(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        wh = warehouse.get()
        counts = nightly.publish_validated(wh, context.partition_key)
        verdict, _failed = nightly.night_verdict(wh, context.partition_key)
        results = nightly.read_gate_results(wh, context.partition_key)
        summary = [f"**{context.partition_key}: {verdict}**, {counts['rows']:,} validated contacts", ""]
        summary.append(
            md_table(
                [
                    (r.gate, r.severity, "pass" if r.passed_flag else "FAIL", f"{r.observed:g}")
                    for r in results.itertuples()
                ],
                ("gate", "severity", "result", "observed"),
            )
        )
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": counts["rows"],
                "verdict": verdict,
                "summary": dg.MetadataValue.md("\n".join(summary)),
            }
        )

    @dg.asset(
        name=nightly.QUARANTINE_TABLE,
        group_name=GROUP,
        partitions_def=partitions_def,
        deps=[crm_contacts_staged, crm_contacts_raw],
        kinds={"sql"},
        description="Records that are not salutation-ready, and malformed rows, each with every reason.",
    )
    def crm_contacts_quarantine(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        counts = nightly.write_quarantine(warehouse.get(), context.partition_key)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": counts["rows"],
                "quarantined_records": dg.MetadataValue.int(counts["records"]),
                "malformed_rows": dg.MetadataValue.int(counts["malformed"]),
            }
        )

    @dg.asset(
        name="owner_alerts",
        group_name=GROUP,
        partitions_def=partitions_def,
        deps=[crm_contacts_quarantine, crm_contacts_quality_gates],
        kinds={"email"},
        description="One digest per CRM owner with only that owner's records to fix; sent also when the "
        "night is blocked.",
    )
    def owner_alerts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        outcome = nightly.send_owner_alerts(
            cfg, root, warehouse.get(), context.partition_key, context.log.info
        )
        for recipient, error in outcome.failures:
            context.log.error(f"alert to {recipient} failed: {error}")
        if outcome.failures and not outcome.sent:
            first_error = outcome.failures[0][1]
            raise dg.Failure(description=f"no owner digest could be delivered: {first_error}")
        for owner, records, ids in outcome.unaddressed:
            shown = ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")
            context.log.warning(
                f"no recipient for the digest of {owner}: {records} record(s) reach nobody ({shown}); "
                "set alerts.fallback_recipient"
            )
        return dg.MaterializeResult(
            metadata={
                "channel": cfg.alerts.channel,
                "digests_sent": dg.MetadataValue.int(outcome.sent),
                "failed_recipients": dg.MetadataValue.int(len(outcome.failures)),
                "skipped_owners": dg.MetadataValue.text(", ".join(outcome.skipped) or "none"),
                "unaddressed_records": dg.MetadataValue.int(sum(n for _, n, _ in outcome.unaddressed)),
                "unaddressed_contact_ids": dg.MetadataValue.text(
                    ", ".join(i for _, _, ids in outcome.unaddressed for i in ids[:10]) or "none"
                ),
            }
        )

    @dg.asset(
        name="crm_quality_report",
        group_name=GROUP,
        partitions_def=partitions_def,
        deps=[crm_contacts_quality_gates, crm_contacts_quarantine],
        kinds={"html"},
        description="The night's quality report (static HTML under var/reports/<date>/): verdict, every "
        "gate with observed value and threshold, findings by rule, records to fix per owner, malformed "
        "rows. Written on blocked nights too: that is when it is needed.",
    )
    def crm_quality_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        wh = warehouse.get()
        path = nightly.write_night_report(cfg, root, wh, context.partition_key, list(campaign_exports))
        verdict, failed = nightly.night_verdict(wh, context.partition_key)
        context.log.info(f"quality report: {path}")
        return dg.MaterializeResult(
            metadata={
                "verdict": verdict,
                "failed_gates": dg.MetadataValue.text(", ".join(failed) or "none"),
                "path": dg.MetadataValue.path(str(path)),
                "report": dg.MetadataValue.url(path.resolve().as_uri()),
            }
        )

    return [
        crm_quality_report,
        owner_alerts,
        crm_contacts_raw,
        crm_contacts_staged,
        crm_contacts_quality_gates,
        crm_contacts_validated,
        crm_contacts_quarantine,
    ]
