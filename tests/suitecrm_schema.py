"""The SuiteCRM tables the SQL reader joins, with the columns it reads (a subset of SuiteCRM's schema), for
tests against the real MariaDB and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa


def suitecrm_metadata(schema: str | None = None) -> sa.MetaData:
    """contacts, email_addresses, email_addr_bean_rel, accounts, accounts_contacts and users."""
    md = sa.MetaData(schema=schema)
    s, small = sa.String, sa.SmallInteger
    sa.Table(
        "contacts",
        md,
        sa.Column("id", s(36), primary_key=True),
        sa.Column("salutation", s(255)),
        sa.Column("first_name", s(100)),
        sa.Column("last_name", s(100)),
        sa.Column("title", s(100)),
        sa.Column("primary_address_street", s(150)),
        sa.Column("primary_address_postalcode", s(20)),
        sa.Column("primary_address_city", s(100)),
        sa.Column("primary_address_country", s(255)),
        sa.Column("assigned_user_id", s(36)),
        sa.Column("date_modified", sa.DateTime),
        sa.Column("deleted", small, default=0),
        sa.Column("do_not_call", small, default=0),
    )
    sa.Table(
        "email_addresses",
        md,
        sa.Column("id", s(36), primary_key=True),
        sa.Column("email_address", s(255)),
        sa.Column("opt_out", small),
        sa.Column("deleted", small),
    )
    sa.Table(
        "email_addr_bean_rel",
        md,
        sa.Column("id", s(36), primary_key=True),
        sa.Column("email_address_id", s(36)),
        sa.Column("bean_id", s(36)),
        sa.Column("bean_module", s(100)),
        sa.Column("primary_address", small),
        sa.Column("deleted", small),
    )
    sa.Table(
        "accounts",
        md,
        sa.Column("id", s(36), primary_key=True),
        sa.Column("name", s(150)),
        sa.Column("deleted", small),
    )
    sa.Table(
        "accounts_contacts",
        md,
        sa.Column("id", s(36), primary_key=True),
        sa.Column("contact_id", s(36)),
        sa.Column("account_id", s(36)),
        sa.Column("deleted", small),
    )
    sa.Table(
        "users",
        md,
        sa.Column("id", s(36), primary_key=True),
        sa.Column("user_name", s(60)),
        sa.Column("status", s(100)),
        sa.Column("deleted", small),
    )
    return md
