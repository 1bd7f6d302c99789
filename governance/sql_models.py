"""The dbt-like SQL layer: one SELECT per file, dependencies declared with ``{{ ref('name') }}``.

Models live in ``dbt_like_sql/<layer>/<name>.sql``. A model is rendered with Jinja2 and run in the
warehouse through SQLAlchemy. ``{{ config(materialized='view') }}`` makes a view (no copy of data);
the default ``table`` materialisation replaces the current partition's rows inside one transaction,
so a model must select a ``partition_date`` column and filter on ``{{ partition_date }}``.
Problems (a ref to nothing, a cycle, not a single SELECT) fail at load time naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Literal

import jinja2
import sqlalchemy as sa

from governance.warehouse import PARTITION_COLUMN, Warehouse, check_partition_key

Materialization = Literal["table", "view"]
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ModelError(ValueError):
    """A SQL model cannot be loaded or run; the message names the file."""


@dataclass(frozen=True)
class SqlModel:
    name: str
    path: Path
    layer: str
    template: str
    refs: tuple[str, ...]
    materialized: Materialization
    description: str = ""
    meta: Mapping[str, str] = field(default_factory=dict)


def _collecting_environment(refs: list[str], settings: dict) -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)

    def ref(name: str) -> str:
        refs.append(name)
        return f'"{name}"'

    def config(**kwargs: str) -> str:
        settings.update(kwargs)
        return ""

    env.globals.update(ref=ref, config=config, partition_date="'1970-01-01'")
    return env


def _leading_comment(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        stripped = line.strip()
        if stripped.startswith("--"):
            lines.append(stripped.removeprefix("--").strip())
        elif stripped:
            break
    return " ".join(lines)


def _strip_sql_comments(sql: str) -> str:
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    return re.sub(r"--[^\n]*", " ", sql)


def parse_model(path: Path, layer: str) -> SqlModel:
    name = path.stem
    if not _NAME.match(name):
        raise ModelError(f"{path}: model name {name!r} must be lower case letters, digits and _")
    try:
        template = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the model: {exc}") from exc
    refs: list[str] = []
    settings: dict = {}
    try:
        rendered = _collecting_environment(refs, settings).from_string(template).render()
    except jinja2.TemplateError as exc:
        raise ModelError(f"{path}: template error: {exc}") from exc
    body = _strip_sql_comments(rendered).strip().rstrip(";").strip()
    if not re.match(r"(?is)^(select|with)\b", body) or ";" in body:
        raise ModelError(f"{path}: a model must be exactly one SELECT statement")
    materialized = settings.get("materialized", "table")
    if materialized not in ("table", "view"):
        raise ModelError(f"{path}: config(materialized=...) must be 'table' or 'view', got {materialized!r}")
    return SqlModel(
        name=name,
        path=path,
        layer=layer,
        template=template,
        refs=tuple(dict.fromkeys(refs)),
        materialized=materialized,
        description=settings.get("description") or _leading_comment(template),
    )


@dataclass(frozen=True)
class ModelProject:
    """All models of a ``dbt_like_sql`` folder, checked and in dependency order."""

    root: Path
    models: Mapping[str, SqlModel]
    order: tuple[str, ...]

    def by_layer(self, layer: str) -> list[SqlModel]:
        return [self.models[n] for n in self.order if self.models[n].layer == layer]


def load_models(root: str | Path, external: Iterable[str] = ()) -> ModelProject:
    """Load every ``<layer>/*.sql`` under ``root``.

    ``external`` names the tables that are not models but may be referenced (the Python assets
    such as ``crm_contacts_raw``). Refs to anything else and cycles raise ``ModelError``.
    """
    root = Path(root)
    if not root.is_dir():
        raise ModelError(f"{root}: SQL model folder not found")
    models: dict[str, SqlModel] = {}
    for path in sorted(root.glob("*/*.sql")):
        model = parse_model(path, layer=path.parent.name)
        if model.name in models:
            raise ModelError(f"{path}: model name {model.name!r} also defined in {models[model.name].path}")
        models[model.name] = model
    known = set(models) | set(external)
    for model in models.values():
        for ref in model.refs:
            if ref not in known:
                raise ModelError(
                    f"{model.path}: ref('{ref}') names no model and no known asset "
                    f"(known: {', '.join(sorted(known))})"
                )
    graph = {name: {r for r in m.refs if r in models} for name, m in models.items()}
    try:
        order = tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        cycle = exc.args[1]
        files = " -> ".join(str(models[n].path) for n in cycle)
        raise ModelError(f"{models[cycle[0]].path}: refs form a cycle: {files}") from None
    return ModelProject(root=root, models=models, order=order)


def render_model(model: SqlModel, partition_date: str | None) -> str:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.globals.update(ref=lambda name: f'"{name}"', config=lambda **_: "")
    literal = f"'{check_partition_key(partition_date)}'" if partition_date else "NULL"
    rendered = env.from_string(model.template).render(partition_date=literal)
    return _strip_sql_comments(rendered).strip().rstrip(";").strip()


def _driver_sql(conn, sql: str) -> None:
    """Run SQL without bind parameters; escape ``%`` for drivers whose placeholders use it."""
    if conn.dialect.paramstyle in ("format", "pyformat"):
        sql = sql.replace("%", "%%")
    conn.exec_driver_sql(sql)


def run_model(warehouse: Warehouse, model: SqlModel, partition_date: str | None) -> int | None:
    """Materialise one model; returns the partition's row count for tables, None for views."""
    sql = render_model(model, partition_date)
    name = f'"{model.name}"'
    cascade = " CASCADE" if warehouse.dialect == "postgresql" else ""
    with warehouse.begin() as conn:
        views = set(sa.inspect(conn).get_view_names())
        if model.materialized == "view":
            if model.name not in views and sa.inspect(conn).has_table(model.name):
                conn.exec_driver_sql(f"DROP TABLE {name}{cascade}")  # the model was a table before
            conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}{cascade}")
            _driver_sql(conn, f"CREATE VIEW {name} AS {sql}")
            return None
        if model.name in views:
            conn.exec_driver_sql(f"DROP VIEW {name}{cascade}")  # the model was a view before
        if partition_date is None:
            raise ModelError(f"{model.path}: a table model needs a partition to run")
        select = f"SELECT * FROM ({sql}) AS model_rows"
        inspector = sa.inspect(conn)
        probe = conn.execute(sa.text(f"{select} WHERE 1 = 0".replace(":", "\\:")))
        columns = list(probe.keys())
        probe.close()
        if PARTITION_COLUMN not in columns:
            raise ModelError(f"{model.path}: a table model must select a {PARTITION_COLUMN} column")
        if inspector.has_table(model.name):
            existing = [c["name"] for c in inspector.get_columns(model.name)]
            if existing != columns:
                # The model's columns changed: start a new table, and keep the other nights' rows in
                # the old one under another name rather than mix shapes or lose them.
                stamp = datetime.now().strftime("%Y%m%d%H%M%S")
                conn.exec_driver_sql(f'ALTER TABLE {name} RENAME TO "{model.name}__before_{stamp}"')
        if not sa.inspect(conn).has_table(model.name):
            _driver_sql(conn, f"CREATE TABLE {name} AS {select} WHERE 1 = 0")
        conn.execute(
            sa.text(f"DELETE FROM {name} WHERE {PARTITION_COLUMN} = :p"),
            {"p": check_partition_key(partition_date)},
        )
        _driver_sql(conn, f"INSERT INTO {name} {select}")
        return conn.execute(
            sa.text(f"SELECT COUNT(*) FROM {name} WHERE {PARTITION_COLUMN} = :p"), {"p": partition_date}
        ).scalar_one()
