"""Quality stage: record rules, pandera schemas, GX suites, batch gates.

No Dagster; neither GX nor pandera is imported until used (Dagster loads the definitions often).
"""

from governance.quality.batch_gates import (
    GateResult,
    position_completeness,
    position_loss,
    quarantine_share,
    record_rule_gates,
    title_coverage,
    title_loss,
    volume,
)
from governance.quality.gx_runner import (
    ExpectationOutcome,
    ExpectationSpec,
    SuiteConfigError,
    SuiteResult,
    SuiteSpec,
    load_suite,
    load_suites,
    run_suite_on_dataframe,
    run_suite_on_sql,
)
from governance.quality.rules import (
    DEFAULT_SEVERITIES,
    RULE_CODES,
    RULES,
    PreviousContacts,
    Rule,
    UnknownRuleError,
    apply_record_rules,
    duplicate_contact_ids,
    error_codes,
    resolve_severities,
)

__all__ = [
    "DEFAULT_SEVERITIES",
    "RULES",
    "RULE_CODES",
    "ExpectationOutcome",
    "ExpectationSpec",
    "GateResult",
    "Rule",
    "SchemaReport",
    "SuiteConfigError",
    "SuiteResult",
    "SuiteSpec",
    "UnknownRuleError",
    "PreviousContacts",
    "apply_record_rules",
    "build_validated_contacts_schema",
    "duplicate_contact_ids",
    "error_codes",
    "load_suite",
    "load_suites",
    "position_completeness",
    "position_loss",
    "quarantine_share",
    "raw_contacts_schema",
    "record_rule_gates",
    "resolve_severities",
    "run_suite_on_dataframe",
    "run_suite_on_sql",
    "title_coverage",
    "title_loss",
    "validate_with_schema",
    "validated_contacts_schema",
    "volume",
]

_SCHEMA_NAMES = frozenset(
    (
        "SchemaReport",
        "build_validated_contacts_schema",
        "raw_contacts_schema",
        "validate_with_schema",
        "validated_contacts_schema",
    )
)


def __getattr__(name: str):  # lazy: pandera costs an import on every definitions load
    if name in _SCHEMA_NAMES:
        from governance.quality import schemas

        return getattr(schemas, name)
    raise AttributeError(name)
