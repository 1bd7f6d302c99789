"""One Dagster asset per dbt_like_sql model; dependencies come from the models' refs."""

from pathlib import Path

import dagster as dg

from governance.config import GovernanceConfig
from governance.defs.resources import WarehouseResource
from governance.sql_models import ModelProject, SqlModel, run_model

CAMPAIGN_PREFIX = "campaign_list_"
CAMPAIGN_CHECK = "only_ready_contacts_not_opted_out"


def campaign_name(model_name: str) -> str | None:
    return model_name.removeprefix(CAMPAIGN_PREFIX) if model_name.startswith(CAMPAIGN_PREFIX) else None


def export_path(cfg: GovernanceConfig, root: Path, campaign: str, partition_date: str) -> Path:
    return cfg.paths.resolve(root).exports / campaign / f"{partition_date}.csv"


def _model_asset(
    model: SqlModel, cfg: GovernanceConfig, root: Path, partitions_def: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    campaign = campaign_name(model.name)
    exporting = (
        campaign is not None and cfg.campaigns.get(campaign) is not None and cfg.campaigns[campaign].export
    )

    check_specs = (
        [
            dg.AssetCheckSpec(
                CAMPAIGN_CHECK,
                asset=model.name,
                blocking=True,
                description="The list holds no contact who must not be contacted or is not "
                "salutation-ready, and, when it carries e-mail addresses, no one who opted out of "
                "marketing e-mail; otherwise nothing is exported.",
            )
        ]
        if campaign is not None
        else None
    )

    @dg.asset(
        name=model.name,
        group_name="campaigns" if campaign else model.layer,
        partitions_def=partitions_def,
        deps=[dg.AssetKey(ref) for ref in model.refs],
        kinds={"sql"},
        description=model.description or f"SQL model {model.path.name}",
        metadata={"model_file": dg.MetadataValue.path(str(model.path)), "materialized": model.materialized},
        check_specs=check_specs,
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        wh = warehouse.get()
        partition = context.partition_key
        if campaign is not None:
            # Materialised alone (not behind the blocking checks), a campaign still needs an accepted night.
            from governance import nightly

            verdict, failed = nightly.night_verdict(wh, partition)
            if verdict != "ACCEPTED":
                reason = ", ".join(failed) or "no gate evaluation"
                message = f"night {partition} is {verdict.lower()} ({reason}): campaign {campaign} not built"
                raise dg.Failure(description=message)
        rows = run_model(wh, model, None if model.materialized == "view" else partition)
        metadata: dict = {"warehouse": wh.display_url}
        if rows is not None:
            metadata["dagster/row_count"] = rows
        if campaign is None:
            return dg.MaterializeResult(metadata=metadata)
        # One query serves both the guard on the export and the campaign's blocking check.
        if exporting:
            from governance.exports import export_campaign

            export = export_campaign(wh, model.name, partition, export_path(cfg, root, campaign, partition))
            offenders = export.offenders
            if export.path is not None:
                context.log.info(f"campaign {campaign}: {export.rows:,} contacts exported to {export.path}")
                metadata["export"] = dg.MetadataValue.path(str(export.path))
                metadata["exported_rows"] = dg.MetadataValue.int(export.rows)
        else:
            from governance.nightly import campaign_offenders

            offenders = campaign_offenders(wh, model.name, partition)
        check = dg.AssetCheckResult(
            check_name=CAMPAIGN_CHECK,
            passed=offenders.empty,
            severity=dg.AssetCheckSeverity.ERROR,
            description=None if offenders.empty else "not exported: the list holds contacts it must not",
            metadata={
                "offending_contacts": dg.MetadataValue.int(len(offenders)),
                "example_contact_ids": dg.MetadataValue.text(
                    ", ".join(offenders["contact_id"].astype(str).head(5)) or "none"
                ),
            },
        )
        return dg.MaterializeResult(metadata=metadata, check_results=[check])

    return _asset


def build_model_assets(
    project: ModelProject, cfg: GovernanceConfig, root: Path, partitions_def: dg.PartitionsDefinition
) -> list[dg.AssetsDefinition]:
    return [_model_asset(project.models[name], cfg, root, partitions_def) for name in project.order]
