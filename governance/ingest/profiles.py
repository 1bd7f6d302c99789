"""Column-mapping profiles: one YAML file per source system in ``profiles/``.

A profile maps every canonical column to the source column(s) that carry it:

* ``null``: the system has no field for it (the column stays ""; no warning);
* ``"Name"``: one source column;
* ``[A, B]``: alternatives, the first one present in the header is used;
* ``{combine: [A, B]}``: all present columns are combined (text: joined with a space; boolean columns:
  true when any of them is true);
* ``{first_of: [A, B]}``: per row, the first of the present columns that is not empty (a contact's work
  e-mail, else their home e-mail); text columns only.

Other keys: ``delimiter`` / ``encoding`` (expected values; a file that differs gets a warning),
``true_values`` / ``false_values`` (boolean vocabulary, matched case-insensitively), ``boolean_columns``,
``value_maps`` (exact value replacements per canonical column), ``salutation_titles`` (move titles found in
the salutation, e.g. "Dr." or "Herr Dr.", to ``title``), ``salesforce_ids`` (contact ids are Salesforce
record ids: a 15-character one is read in its 18-character form), ``required`` (default REQUIRED_COLUMNS) and
``sql`` (``table``: default table for :func:`read_sql_extract`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from governance.contact_model import CANONICAL_COLUMNS, REQUIRED_COLUMNS
from governance.ingest.errors import ProfileError
from governance.text import strip_invisible

_ALLOWED_KEYS = {
    "name",
    "description",
    "delimiter",
    "encoding",
    "columns",
    "true_values",
    "false_values",
    "boolean_columns",
    "value_maps",
    "salutation_titles",
    "salesforce_ids",
    "required",
    "sql",
}
_ALLOWED_SQL_KEYS = {"table"}
_DEFAULT_BOOLEAN_COLUMNS = ("email_opt_out", "do_not_contact")


def _spaced(name: str) -> str:
    """A header name as written, without invisible format characters (a byte order mark, a zero-width
    space a web form left behind: Unicode category Cf) and extra whitespace (case kept)."""
    return re.sub(r"\s+", " ", strip_invisible(str(name))).strip()


def normalize_header(name: str) -> str:
    """How header names are compared: case-insensitive, surrounding/repeated whitespace ignored."""
    return _spaced(name).casefold()


@dataclass(frozen=True)
class ColumnSpec:
    sources: tuple[str, ...]  # source column names, in order of preference
    combine: bool = False  # True: all present sources are combined; False: first present wins
    first_of: bool = False  # True: per row, the first present source that is not empty


@dataclass(frozen=True)
class Profile:
    name: str
    description: str = ""
    delimiters: tuple[str, ...] = ()
    encodings: tuple[str, ...] = ()
    columns: dict[str, ColumnSpec | None] = field(default_factory=dict)
    true_values: frozenset[str] = frozenset({"true", "1"})
    false_values: frozenset[str] = frozenset({"false", "0"})
    boolean_columns: tuple[str, ...] = _DEFAULT_BOOLEAN_COLUMNS
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    salutation_titles: bool = False
    salesforce_ids: bool = False  # contact ids are Salesforce record ids: 15 characters become 18
    required: tuple[str, ...] = REQUIRED_COLUMNS
    sql_table: str | None = None
    path: str = ""

    def source_columns(self) -> set[str]:
        """All normalised source column names the profile knows."""
        return {normalize_header(s) for spec in self.columns.values() if spec for s in spec.sources}

    def resolve(self, header: list[str]) -> dict[str, list[int]]:
        """Canonical column -> indexes of the header columns that feed it ([] when absent)."""
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            index.setdefault(normalize_header(name), i)
        out: dict[str, list[int]] = {}
        for col in CANONICAL_COLUMNS:
            spec = self.columns.get(col)
            found: list[int] = []
            if spec is not None:
                for src in spec.sources:
                    i = index.get(normalize_header(src))
                    if i is not None and i not in found:  # "suffix" and "Suffix" name one column
                        found.append(i)
                        if not (spec.combine or spec.first_of):
                            break
            out[col] = found
        return out


def _profiles_dir():
    return resources.files("governance.ingest") / "profiles"


def list_profiles() -> list[str]:
    """Names of the built-in profiles, sorted."""
    return sorted(p.name[: -len(".yaml")] for p in _profiles_dir().iterdir() if p.name.endswith(".yaml"))


def _str_list(value: Any, where: str, *, allow_scalar: bool = True) -> tuple[str, ...]:
    if allow_scalar and isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not value:
        raise ProfileError(f"{where}: expected a string or a non-empty list of strings, got {value!r}")
    for v in value:
        if not isinstance(v, str):
            raise ProfileError(
                f"{where}: {v!r} is not a string (quote values such as 'yes', 'no', 'true', '1' in YAML)"
            )
    return tuple(value)


def _parse_profile(data: Any, source: str) -> Profile:
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a profile must be a mapping, got {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in _ALLOWED_KEYS)
    if unknown:
        raise ProfileError(f"{source}: unknown key(s) {', '.join(map(repr, unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ProfileError(f"{source}: key 'name' is missing or not a string")
    columns_raw = data.get("columns")
    if not isinstance(columns_raw, dict):
        raise ProfileError(f"{source}: key 'columns' is missing or not a mapping")
    columns: dict[str, ColumnSpec | None] = {}
    for key, spec in columns_raw.items():
        where = f"{source}: columns.{key}"
        if key not in CANONICAL_COLUMNS:
            raise ProfileError(f"{where}: {key!r} is not a canonical column ({', '.join(CANONICAL_COLUMNS)})")
        if spec is None:
            columns[key] = None
        elif isinstance(spec, dict):
            if set(spec) not in ({"combine"}, {"first_of"}):
                raise ProfileError(f"{where}: a mapping must have exactly one key, 'combine' or 'first_of'")
            ((mode, sources),) = spec.items()
            columns[key] = ColumnSpec(
                _str_list(sources, where, allow_scalar=False),
                combine=mode == "combine",
                first_of=mode == "first_of",
            )
        else:
            columns[key] = ColumnSpec(_str_list(spec, where))
    missing = [c for c in CANONICAL_COLUMNS if c not in columns]
    if missing:
        raise ProfileError(
            f"{source}: columns.{missing[0]}: canonical column(s) {', '.join(missing)} not listed "
            "(write `<column>: null` when the system has no field for it)"
        )

    def canonical_list(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        if key not in data:
            return default
        values = _str_list(data[key], f"{source}: {key}", allow_scalar=False)
        for v in values:
            if v not in CANONICAL_COLUMNS:
                raise ProfileError(f"{source}: {key}: {v!r} is not a canonical column")
        return values

    required = canonical_list("required", REQUIRED_COLUMNS)
    for col in required:
        if columns[col] is None:
            raise ProfileError(f"{source}: required: column {col!r} is required but mapped to null")
    boolean_columns = canonical_list("boolean_columns", _DEFAULT_BOOLEAN_COLUMNS)
    for col in boolean_columns:
        spec = columns[col]
        if spec is not None and spec.first_of:
            # An opt-out flag is never taken from the first column alone: "no" in one column and "yes"
            # in the other is an opt-out.
            raise ProfileError(
                f"{source}: columns.{col}: first_of on a yes/no column; write combine (true when any is true)"
            )

    value_maps: dict[str, dict[str, str]] = {}
    vm_raw = data.get("value_maps") or {}
    if not isinstance(vm_raw, dict):
        raise ProfileError(f"{source}: value_maps: expected a mapping")
    for col, mapping in vm_raw.items():
        if col not in CANONICAL_COLUMNS:
            raise ProfileError(f"{source}: value_maps.{col}: {col!r} is not a canonical column")
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise ProfileError(f"{source}: value_maps.{col}: expected a mapping of strings to strings")
        value_maps[col] = dict(mapping)

    sql_raw = data.get("sql") or {}
    if not isinstance(sql_raw, dict):
        raise ProfileError(f"{source}: sql: expected a mapping")
    bad_sql = sorted(str(k) for k in sql_raw if k not in _ALLOWED_SQL_KEYS)
    if bad_sql:
        raise ProfileError(f"{source}: sql: unknown key(s) {', '.join(map(repr, bad_sql))}")

    salutation_titles = data.get("salutation_titles", False)
    if not isinstance(salutation_titles, bool):
        raise ProfileError(f"{source}: salutation_titles: expected true or false")
    salesforce_ids = data.get("salesforce_ids", False)
    if not isinstance(salesforce_ids, bool):
        raise ProfileError(f"{source}: salesforce_ids: expected true or false")
    true_values = _str_list(data.get("true_values", ["true", "1"]), f"{source}: true_values")
    false_values = _str_list(data.get("false_values", ["false", "0"]), f"{source}: false_values")
    overlap = {v.casefold() for v in true_values} & {v.casefold() for v in false_values}
    if overlap:
        raise ProfileError(f"{source}: true_values/false_values overlap: {sorted(overlap)}")
    delimiters = _str_list(data["delimiter"], f"{source}: delimiter") if "delimiter" in data else ()
    for d in delimiters:
        if len(d) != 1:
            raise ProfileError(f"{source}: delimiter: {d!r} is not a single character")
    encodings = _str_list(data["encoding"], f"{source}: encoding") if "encoding" in data else ()
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ProfileError(f"{source}: description: expected a string")
    return Profile(
        name=name,
        description=description,
        delimiters=delimiters,
        encodings=encodings,
        columns=columns,
        true_values=frozenset(v.casefold() for v in true_values),
        false_values=frozenset(v.casefold() for v in false_values),
        boolean_columns=boolean_columns,
        value_maps=value_maps,
        salutation_titles=salutation_titles,
        salesforce_ids=salesforce_ids,
        required=required,
        sql_table=sql_raw.get("table"),
        path=source,
    )


def _load_text(text: str, source: str) -> Profile:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{source}: invalid YAML: {exc}") from exc
    return _parse_profile(data, source)


@cache
def _load_builtin(name: str) -> Profile:
    res = _profiles_dir() / f"{name}.yaml"
    profile = _load_text(res.read_text(encoding="utf-8"), f"profiles/{name}.yaml")
    if profile.name != name:
        raise ProfileError(f"profiles/{name}.yaml: name: {profile.name!r} differs from the file name")
    return profile


def load_profile(name_or_path: str | Path | Profile) -> Profile:
    """A built-in profile by name, or a profile YAML file by path (validated; errors name file and key)."""
    if isinstance(name_or_path, Profile):
        return name_or_path
    text = str(name_or_path)
    if text in list_profiles():
        return _load_builtin(text)
    path = Path(text)
    if path.suffix in (".yaml", ".yml") or path.exists():
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ProfileError(f"{path}: cannot read the profile: {exc.strerror or exc}") from exc
        return _load_text(content, str(path))
    raise ProfileError(f"unknown profile {text!r}; known profiles: {', '.join(list_profiles())}")


def _score(
    profile: Profile, header_norm: set[str], header_exact: set[str]
) -> tuple[bool, int, float, int] | None:
    def present(spec) -> bool:
        return spec is not None and any(normalize_header(s) in header_norm for s in spec.sources)

    complete = all(present(profile.columns[col]) for col in profile.required)
    resolved = sum(1 for spec in profile.columns.values() if present(spec))
    if not complete and resolved < _MIN_RESOLVED:
        return None
    known = profile.source_columns()
    matched = len(known & header_norm)
    # Primary: all required columns present; then canonical columns the profile can fill; then the
    # share of the header it explains; last, the header names spelled exactly as the profile spells
    # them ("Record ID" is HubSpot's, "Record Id" Zoho's). A header that lost a required column still
    # finds its profile, so the error names the missing column instead of "no profile matches".
    spelled = sum(
        1 for spec in profile.columns.values() if spec for s in spec.sources if _spaced(s) in header_exact
    )
    return complete, resolved, matched / max(len(header_norm), 1), spelled


_MIN_RESOLVED = 3


def detect_profile(header_columns: list[str] | tuple[str, ...]) -> str:
    """The built-in profile whose source columns best match ``header_columns``.

    Profiles with all their required columns present win over those without; then the one filling the
    most canonical columns; ties: the one explaining the larger share of the header, then the one that
    spells more header names exactly as written ("Record ID" is HubSpot's, "Record Id" Zoho's). A
    profile that lacks a required column and fills fewer than three canonical columns does not match.
    """
    return best_profiles(header_columns)[0]


def best_profiles(header_columns: list[str] | tuple[str, ...]) -> list[str]:
    """The profiles that match ``header_columns`` best (see :func:`detect_profile`), in name order: more
    than one when the header cannot tell them apart (a few common columns such as "Contact ID", "First
    Name", "Last Name" fit a Salesforce report and a HubSpot export alike)."""
    header_norm = {normalize_header(h) for h in header_columns if str(h).strip()}
    header_exact = {_spaced(h) for h in header_columns if str(h).strip()}
    scores = {name: _score(_load_builtin(name), header_norm, header_exact) for name in list_profiles()}
    matching = {name: score for name, score in scores.items() if score is not None}
    if not matching:
        shown = ", ".join(repr(str(h)) for h in list(header_columns)[:12])
        raise ProfileError(
            f"no profile matches the header ({shown}); known profiles: {', '.join(list_profiles())}"
        )
    top = max(matching.values())
    return sorted(name for name, score in matching.items() if score == top)
