"""Asset checks: the night's gates on the validated contacts, one blocking check per gate.

The campaign lists' own check is computed with their export (governance/defs/sql_assets.py).
"""

import json
from collections.abc import Sequence

import dagster as dg

from governance import nightly
from governance.defs.resources import WarehouseResource

_SEVERITY = {"ERROR": dg.AssetCheckSeverity.ERROR, "WARN": dg.AssetCheckSeverity.WARN}


def build_gate_checks(
    gate_names: Sequence[str], partitions_def: dg.PartitionsDefinition
) -> dg.AssetChecksDefinition:
    """One blocking check per gate; each reports the verdict the quality-gates asset recorded."""
    validated = dg.AssetKey(nightly.VALIDATED_VIEW)
    specs = [
        dg.AssetCheckSpec(
            name,
            asset=validated,
            blocking=True,
            partitions_def=partitions_def,
            description=nightly.GATE_DESCRIPTIONS.get(name, f"quality gate {name}"),
        )
        for name in gate_names
    ]

    @dg.multi_asset_check(specs=specs, name="crm_contacts_gates", can_subset=False)
    def crm_contacts_gates(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        results = nightly.read_gate_results(warehouse.get(), context.partition_key).set_index("gate")
        for name in gate_names:
            if name not in results.index:
                yield dg.AssetCheckResult(
                    check_name=name,
                    asset_key=validated,
                    passed=False,
                    severity=dg.AssetCheckSeverity.ERROR,
                    description=f"gate {name} was not evaluated for {context.partition_key}",
                )
                continue
            row = results.loc[name]
            examples = [e for e in str(row["example_ids"]).split(";") if e]
            details = json.loads(row["details"]) if row["details"] else {}
            yield dg.AssetCheckResult(
                check_name=name,
                asset_key=validated,
                passed=bool(int(row["passed_flag"])),
                severity=_SEVERITY[str(row["severity"])],
                description=str(row["description"]),
                metadata={
                    "observed": dg.MetadataValue.float(float(row["observed"])),
                    "threshold": dg.MetadataValue.float(float(row["threshold"])),
                    "example_contact_ids": dg.MetadataValue.text(", ".join(examples) or "none"),
                    **({"details": dg.MetadataValue.json(details)} if details else {}),
                },
            )

    return crm_contacts_gates
