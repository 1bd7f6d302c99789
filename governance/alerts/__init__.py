"""Owner alerts: one digest per CRM owner with only that owner's records, and the channels that send them.

Plain Python (``smtplib`` / ``email``), no Dagster import.
"""

from governance.alerts.channels import (
    DEFAULT_SENDER,
    AlertOutcome,
    Channel,
    OutboxChannel,
    SmtpChannel,
    SmtpSessionError,
    build_message,
    owner_slug,
    send_digests,
    smtp_channel,
)
from governance.alerts.digest import (
    MAX_RECORDS_PER_DIGEST,
    UNASSIGNED_OWNER,
    OwnerDigest,
    build_digests,
    describe_flag,
)

__all__ = [
    "DEFAULT_SENDER",
    "MAX_RECORDS_PER_DIGEST",
    "UNASSIGNED_OWNER",
    "AlertOutcome",
    "Channel",
    "OutboxChannel",
    "OwnerDigest",
    "SmtpChannel",
    "SmtpSessionError",
    "build_digests",
    "build_message",
    "describe_flag",
    "owner_slug",
    "send_digests",
    "smtp_channel",
]
