"""Reading contacts from a CRM database (SuiteCRM schema by default) through SQLAlchemy.

SuiteCRM keeps a contact's owner as ``assigned_user_id``; the owner's name is ``users.user_name`` and the
e-mail address the user's primary one in ``email_addresses`` (via ``email_addr_bean_rel`` with
``bean_module = 'Users'``). The reader provides them as ``assigned_user_name`` / ``assigned_user_email``
(the suitecrm profile's owner columns): joined when it reads the table, looked up by id when a query
returns ``assigned_user_id`` without them. Only active, not deleted users have an e-mail address here, so
the records of a departed owner go to the unassigned digest instead of a dead mailbox.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from governance.ingest.errors import ExtractError, ProfileError
from governance.ingest.extract import Extract, check_required, empty_rejects, to_canonical
from governance.ingest.profiles import Profile, load_profile


def _source_name(url: sa.engine.URL, what: str) -> str:
    """A password-free address such as ``mysql://host/db#contacts``."""
    host = url.host or "localhost"
    db = f"/{url.database}" if url.database else ""
    return f"{url.get_backend_name()}://{host}{db}#{what}"


def _to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _split_table(table: str) -> tuple[str | None, str]:
    schema, _, name = table.rpartition(".")
    return (schema or None), name


# The owner columns of SuiteCRM's schema, under the names the suitecrm profile maps.
OWNER_ID, OWNER_NAME, OWNER_EMAIL = "assigned_user_id", "assigned_user_name", "assigned_user_email"


def _not_deleted(t) -> Any:
    col = _column(t, "deleted")
    if col is None:
        return sa.true()
    return sa.or_(col.is_(None), col == (sa.false() if isinstance(col.type, sa.Boolean) else 0))


def _is_one(col) -> Any:
    return col == (sa.true() if isinstance(col.type, sa.Boolean) else 1)


def _active_user(users) -> Any:
    """Not deleted and not set Inactive (how SuiteCRM retires the account of someone who left)."""
    status = _column(users, "status")
    active = sa.true() if status is None else sa.or_(status.is_(None), status != "Inactive")
    return sa.and_(_not_deleted(users), active)


def _join_user_email(joined: Any, users, rel, addr) -> Any:
    """``joined`` (which contains ``users``) with each active user's primary e-mail address."""
    return joined.outerjoin(
        rel,
        sa.and_(
            rel.c.bean_id == users.c.id,
            rel.c.bean_module == "Users",
            _is_one(rel.c.primary_address),
            _not_deleted(rel),
            _active_user(users),
        ),
    ).outerjoin(addr, sa.and_(addr.c.id == rel.c.email_address_id, _not_deleted(addr)))


def _suitecrm_query(conn: sa.Connection, table: str, modified_since: dt.datetime | None, warnings: list[str]):
    """Contacts (not deleted) with primary e-mail, account and assigned user, when those tables exist."""
    schema, name = _split_table(table)
    inspector = sa.inspect(conn)
    existing = set(inspector.get_table_names(schema=schema))
    if name not in existing:
        raise ExtractError(f"table {table!r} does not exist", file=_source_name(conn.engine.url, table))
    md = sa.MetaData()
    c = sa.Table(name, md, autoload_with=conn, schema=schema)
    contact_id = _column(c, "id")
    if contact_id is None:
        raise ExtractError(
            f"table {table!r} has no id column", file=_source_name(conn.engine.url, table), field="id"
        )
    columns: list[Any] = [c]
    joined: Any = c

    def has(*tables: str) -> bool:
        missing = [t for t in tables if t not in existing]
        return not missing

    def reflect(tname: str, alias: str):
        return sa.Table(tname, md, autoload_with=conn, schema=schema).alias(alias)

    not_deleted, is_one = _not_deleted, _is_one

    if has("email_addr_bean_rel", "email_addresses"):
        rel, addr = reflect("email_addr_bean_rel", "rel"), reflect("email_addresses", "ea")
        joined = joined.outerjoin(
            rel,
            sa.and_(
                rel.c.bean_id == contact_id,
                rel.c.bean_module == "Contacts",
                is_one(rel.c.primary_address),
                not_deleted(rel),
            ),
        ).outerjoin(addr, sa.and_(addr.c.id == rel.c.email_address_id, not_deleted(addr)))
        columns += [addr.c.email_address.label("email_address"), addr.c.opt_out.label("email_opt_out")]
    else:
        warnings.append("tables email_addr_bean_rel/email_addresses absent: email will be empty")
    if has("accounts_contacts", "accounts"):
        ac, acc = reflect("accounts_contacts", "ac"), reflect("accounts", "acc")
        joined = joined.outerjoin(ac, sa.and_(ac.c.contact_id == contact_id, not_deleted(ac))).outerjoin(
            acc, sa.and_(acc.c.id == ac.c.account_id, not_deleted(acc))
        )
        columns += [acc.c.id.label("account_id"), acc.c.name.label("account_name")]
    else:
        warnings.append("tables accounts_contacts/accounts absent: company will be empty")
    assigned = _column(c, "assigned_user_id")
    if has("users") and assigned is not None:
        users = reflect("users", "u")
        joined = joined.outerjoin(users, users.c.id == assigned)
        columns.append(users.c.user_name.label(OWNER_NAME))
        if has("email_addr_bean_rel", "email_addresses"):
            urel, uaddr = reflect("email_addr_bean_rel", "urel"), reflect("email_addresses", "uea")
            joined = _join_user_email(joined, users, urel, uaddr)
            columns.append(uaddr.c.email_address.label(OWNER_EMAIL))
    stmt = sa.select(*columns).select_from(joined).where(not_deleted(c))
    modified = _column(c, "date_modified")
    if modified_since is not None and modified is not None:
        stmt = stmt.where(modified >= modified_since)
    # Joins can repeat a contact (several accounts or primary e-mails); the reader keeps the first
    # row per id, so the order decides which one, the same every night.
    order = [modified, contact_id] if modified is not None else [contact_id]
    ties = [col for col in columns[1:] if col.name in ("account_id", "email_address", OWNER_EMAIL)]
    # Missing values last on every database (MariaDB sorts NULL first, PostgreSQL last): a deleted
    # address joined as NULL beside a live one must not win.
    return stmt.order_by(
        *order, *(key for col in ties for key in (sa.case((col.is_(None), 1), else_=0), col))
    )


def _owner_lookup(conn: sa.Connection, schema: str | None) -> dict[str, tuple[str, str]] | None:
    """SuiteCRM user id -> (user name, primary e-mail of an active user or ""); None without the tables."""
    existing = set(sa.inspect(conn).get_table_names(schema=schema))
    if not {"users", "email_addr_bean_rel", "email_addresses"} <= existing:
        return None
    md = sa.MetaData()
    users, rel, addr = (
        sa.Table(name, md, autoload_with=conn, schema=schema).alias(alias)
        for name, alias in (("users", "u"), ("email_addr_bean_rel", "urel"), ("email_addresses", "uea"))
    )
    stmt = (
        sa.select(users.c.id, users.c.user_name, addr.c.email_address)
        .select_from(_join_user_email(users, users, rel, addr))
        .order_by(users.c.id, addr.c.email_address)
    )
    lookup: dict[str, tuple[str, str]] = {}
    for user_id, user_name, address in conn.execute(stmt):
        key = _to_text(user_id)
        # An address row deleted beside a live one joins as NULL, which MariaDB sorts first: the first
        # non-empty address wins, on every database alike.
        if key not in lookup or (not lookup[key][1] and _to_text(address)):
            lookup[key] = (_to_text(user_name), _to_text(address))
    return lookup


def _add_owner_emails(
    conn: sa.Connection,
    prof: Profile,
    schema: str | None,
    header: list[str],
    rows: list[Any],
    warnings: list[str],
) -> tuple[list[str], list[Any]]:
    """A query that returns the owner's id but not the e-mail the profile reads: look both up.

    Adds ``assigned_user_email`` (and ``assigned_user_name`` when absent; an unknown id stays the owner)
    from the SuiteCRM users in ``schema``. Anything else is returned unchanged.
    """
    lowered = [str(h).lower() for h in header]
    spec = prof.columns.get("owner_email")
    reads_email = spec is not None and OWNER_EMAIL in (src.lower() for src in spec.sources)
    if not reads_email or OWNER_ID not in lowered or OWNER_EMAIL in lowered:
        return header, rows
    lookup = _owner_lookup(conn, schema)
    if lookup is None:
        warnings.append(
            f"the query returns {OWNER_ID} but not {OWNER_EMAIL}, and there are no SuiteCRM users/e-mail "
            "tables to look it up: the owners' records go to the unassigned digest"
        )
        return header, rows
    i = lowered.index(OWNER_ID)
    add_name = OWNER_NAME not in lowered
    out = []
    for r in rows:
        owner_id = _to_text(r[i])
        name, address = lookup.get(owner_id, (owner_id, ""))
        out.append((*r, *((name or owner_id,) if add_name else ()), address))
    found = sum(1 for r in out if r[-1])
    warnings.append(
        f"owner e-mail looked up from the SuiteCRM users by {OWNER_ID}: {found} of {len(out)} contact(s) "
        "have an active owner with a primary e-mail address"
    )
    return [*header, *([OWNER_NAME] if add_name else []), OWNER_EMAIL], out


def _column(table, name: str):
    """A column by name, whatever its case (MariaDB keeps the case the table was created with)."""
    return next((col for col in table.c if col.name.lower() == name), None)


def read_sql_extract(
    engine_or_url: sa.Engine | str | sa.engine.URL,
    profile: str | Profile = "suitecrm",
    *,
    query: str | None = None,
    table: str | None = None,
    modified_since: dt.datetime | None = None,
) -> Extract:
    """Read contacts from a CRM database into the canonical model.

    Without ``query``, the SuiteCRM ``contacts`` table (``table``, optionally "schema.table"; default from
    the profile) is read with its primary e-mail, account and assigned user joined from the same schema;
    rows with ``deleted`` set are excluded. With ``query`` (SQL text), its result columns are mapped by
    the profile; a result with the owner's ``assigned_user_id`` but no ``assigned_user_email`` gets the
    owner's name and e-mail looked up from the SuiteCRM users (in the schema of ``table``), see the module
    docstring. ``modified_since``: only rows whose modified timestamp (the profile's ``modified_at``
    source column) is at or after it (incremental load); ``None`` reads everything. ``source_file`` is a
    password-free address like ``mysql://host/db#contacts``; ``source_line`` is the 1-based result row.
    """
    own_engine = not isinstance(engine_or_url, sa.Engine)
    engine = sa.create_engine(engine_or_url) if own_engine else engine_or_url
    try:
        prof = load_profile(profile)
    except ProfileError as exc:
        raise ExtractError(str(exc), file=_source_name(engine.url, table or "query")) from exc
    table = table or prof.sql_table or "contacts"
    source = _source_name(engine.url, "query" if query is not None else table)
    warnings: list[str] = []
    try:
        with engine.connect() as conn:
            if query is None:
                stmt: Any = _suitecrm_query(conn, table, modified_since, warnings)
                result = conn.execute(stmt)
            else:
                stmt = sa.text(query)
                params: dict[str, Any] = {}
                if modified_since is not None:
                    spec = prof.columns.get("modified_at")
                    if spec is None:
                        raise ExtractError(
                            f"profile {prof.name!r} has no modified_at column: "
                            "cannot filter by modified_since",
                            file=source,
                            field="modified_at",
                        )
                    sub = sa.text(query).columns().subquery("q")
                    stmt = (
                        sa.select(sa.text("*"))
                        .select_from(sub)
                        .where(sa.column(spec.sources[0]) >= sa.bindparam("modified_since"))
                    )
                    params["modified_since"] = modified_since
                result = conn.execute(stmt, params)
            header = list(result.keys())
            rows = result.fetchall()
            if query is not None:
                header, rows = _add_owner_emails(conn, prof, _split_table(table)[0], header, rows, warnings)
    except ExtractError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise ExtractError(
            f"database query failed: {exc.__class__.__name__}: {exc.orig or exc}", file=source
        ) from exc
    finally:
        if own_engine:
            engine.dispose()
    check_required(prof, header, source)
    lowered = [str(h).lower() for h in header]
    if query is not None and "deleted" in lowered:
        i = lowered.index("deleted")
        rows = [r for r in rows if _to_text(r[i]).strip().lower() not in ("1", "true")]
    if query is None and rows:
        # One row per contact: the joins may repeat a contact that has several accounts or e-mails.
        i = lowered.index("id")
        seen: set[str] = set()
        unique = []
        for r in rows:
            key = _to_text(r[i])
            if key not in seen:
                seen.add(key)
                unique.append(r)
        if len(unique) < len(rows):
            warnings.append(
                f"{len(rows) - len(unique)} extra joined row(s) for contacts with several accounts or "
                "primary e-mails: the first account and e-mail were used"
            )
        rows = unique
    if not rows and modified_since is None:
        raise ExtractError("empty extract: the query returned no rows", file=source)
    if not rows:
        # Incremental load: no change since the last run is a legitimate (but reported) outcome.
        warnings.append(f"no contacts modified since {modified_since.isoformat()}")
    wanted = sorted({i for idx in prof.resolve(header).values() for i in idx})
    raw = pd.DataFrame({f"c{i}": pd.Series([_to_text(r[i]) for r in rows], dtype="str") for i in wanted})
    lines = np.arange(1, len(rows) + 1, dtype=np.int64)
    contacts = to_canonical(raw, header, prof, source, lines, warnings)
    return Extract(
        contacts=contacts,
        rejects=empty_rejects(),
        profile=prof.name,
        encoding="",
        delimiter="",
        warnings=warnings,
        rows_read=len(contacts),
    )
