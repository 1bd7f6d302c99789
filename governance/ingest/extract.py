"""The result of reading one extract, and the mapping of source columns to the canonical model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from governance.contact_model import CANONICAL_COLUMNS, LINEAGE_COLUMNS, SALESFORCE_ID_15
from governance.ingest.errors import ExtractError
from governance.ingest.profiles import Profile, normalize_header

REJECT_COLUMNS: tuple[str, ...] = ("source_file", "source_line", "reason", "raw_text")
_MAX_VALUE_WARNINGS = 20

# A salutation word at the start; whatever follows it may be titles ("Herr Dr.", "Dr.", "Frau Prof. Mag.").
_SALUTATION_RE = re.compile(
    r"^\s*(?P<word>(?:Herrn?|Frau|Hr\.|Fr\.|Mr\.?|Mrs\.?|Ms\.?|Mx\.?|Miss|Divers)(?![\w.]))?\s*(?P<rest>.*?)\s*$",
    re.IGNORECASE,
)
# The rest counts as titles when every token is an abbreviation ("Dr.", "Dipl.-Ing.") or a short
# upper-case degree ("DI", "KR", "MBA").
_TITLE_TOKENS_RE = re.compile(r"^(?:(?:[^\W\d_][\w-]*\.|[A-Z]{2,4})(?:\s+|$))+$")


@dataclass
class Extract:
    contacts: pd.DataFrame  # CANONICAL_COLUMNS (str) + source_file (str) + source_line (int)
    rejects: pd.DataFrame  # source_file, source_line, reason, raw_text
    profile: str
    encoding: str
    delimiter: str
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0  # data records = len(contacts) + len(rejects)


def empty_rejects() -> pd.DataFrame:
    return make_rejects([])


def make_rejects(rows: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(REJECT_COLUMNS))
    df["source_file"] = df["source_file"].astype("str")
    df["source_line"] = df["source_line"].astype("int64")
    df["reason"] = df["reason"].astype("str")
    df["raw_text"] = df["raw_text"].astype("str")
    return df.sort_values("source_line", kind="stable").reset_index(drop=True)


def check_required(profile: Profile, header: list[str], source_file: str) -> dict[str, list[int]]:
    """Resolve the profile against the header; raise ExtractError when a required column is missing."""
    resolved = profile.resolve(header)
    missing = [c for c in profile.required if not resolved[c]]
    if missing:
        detail = "; ".join(
            f"{c} (source column {' / '.join(repr(s) for s in profile.columns[c].sources)})"  # type: ignore[union-attr]
            for c in missing
        )
        raise ExtractError(
            f"required column(s) missing for profile {profile.name!r}: {detail}",
            file=source_file,
            field=missing[0],
        )
    return resolved


def _as_str(values: pd.Series) -> pd.Series:
    if values.dtype == "str" and not values.hasnans:
        return values
    return values.fillna("").astype("str")


# Marketing e-mail needs consent (TKG 2021 § 174 in Austria): when the extract cannot say whether a
# contact opted out (the column is absent, or holds a value the profile does not know), the contact
# counts as opted out. The other flags keep their value as delivered.
FAIL_CLOSED_COLUMNS = ("email_opt_out",)


def _map_boolean(
    raw: pd.Series, profile: Profile, lines: np.ndarray, col: str, src: str, warnings: list[str]
) -> pd.Series:
    # Few distinct values: classify the uniques, then broadcast by the factorised codes.
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object))
    keys = [str(u).strip().casefold() for u in uniques]
    classes = [
        1 if k in profile.true_values else 2 if k in profile.false_values else 3 if k == "" else 0
        for k in keys
    ]
    kind = np.array([*classes, 3], dtype=np.int8)[codes]  # code -1 (missing) -> the trailing 3
    is_true, is_false, is_empty = kind == 1, kind == 2, kind == 3
    unknown = ~(is_true | is_false | is_empty)
    closed = col in FAIL_CLOSED_COLUMNS
    unknown_as = np.full(len(raw), "true", dtype=object) if closed else raw.to_numpy()
    out = np.where(is_true, "true", np.where(is_false, "false", np.where(is_empty, "", unknown_as)))
    treated = "counted as opted out" if closed else "kept"
    if unknown.any():
        values = raw.to_numpy()[unknown]
        _warn_values(
            values, lines[unknown], f"column {src!r} ({col})", warnings, "unknown boolean value", treated
        )
    return pd.Series(out, index=raw.index, dtype="str")


def _warn_values(
    values: np.ndarray, lines: np.ndarray, where: str, warnings: list[str], what: str, treated: str
) -> None:
    """One warning per distinct value, naming its first line and how many more (at most
    ``_MAX_VALUE_WARNINGS``, then one line for the rest)."""
    groups = pd.DataFrame({"value": values, "line": lines}).groupby("value", sort=False)["line"]
    firsts = groups.agg(["first", "count"])
    for i, (value, row) in enumerate(firsts.iterrows()):
        if i == _MAX_VALUE_WARNINGS:
            warnings.append(f"{where}: {len(firsts) - i} more {what}s {treated}")
            break
        more = f" and {row['count'] - 1} more line(s)" if row["count"] > 1 else ""
        warnings.append(f"{where}, line {row['first']}{more}: {what} {value!r} {treated}")


def _combine_booleans(parts: list[pd.Series]) -> pd.Series:
    arrs = [p.to_numpy() for p in parts]
    any_true = np.logical_or.reduce([a == "true" for a in arrs])
    any_false = np.logical_or.reduce([a == "false" for a in arrs])
    unknown = arrs[0].copy()
    for a in arrs[1:]:
        unknown = np.where(np.isin(unknown, ["", "true", "false"]), a, unknown)
    unknown = np.where(np.isin(unknown, ["true", "false"]), "", unknown)
    out = np.where(any_true, "true", np.where(unknown != "", unknown, np.where(any_false, "false", "")))
    return pd.Series(out, index=parts[0].index, dtype="str")


# What an export or a CRM user writes for "no value": SQL's NULL and MySQL's \N, Excel's #N/A (#NV in a
# German Excel), a dash. Read as empty, with a warning, so that a "-" is no title, no position and no
# account: it neither counts as present in the completeness gates nor hides a title lost since last
# night. Compared as written after trimming ("Null" and "Na" are surnames).
NO_VALUE_MARKS = frozenset(
    {"NULL", "null", "\\N", "None", "none", "#N/A", "#NV", "N/A", "n/a", "n.a.", "N.A.", "-", "--", "---"}
    | {"–", "—", "?", "??", "(leer)", "(none)", "(blank)", "<null>", "<NULL>", "nan", "NaN", "-/-", "/", "."}
    # Excel's error values, in a German and an English Excel: a broken formula exported as text.
    | {"#WERT!", "#NAME?", "#BEZUG!", "#DIV/0!", "#ZAHL!", "#NULL!", "#VALUE!", "#REF!", "#NUM!"}
)
# In the title and position fields also the words for "none" (compared in lower case): no title is
# spelled like them, and every other unknown word stays TITLE_UNKNOWN. Not "NA" or "KA": in a position
# field they are North America and Key Account.
NO_VALUE_WORDS = frozenset(
    {"keine", "kein", "keiner", "kein titel", "ohne", "ohne titel", "k.a.", "k. a.", "keine angabe"}
    | {"keine angaben", "nicht bekannt", "unbekannt", "n.v.", "x", "0", "no title", "n.a", "n.b."}
    | {"k.a", "o.t.", "ohne angabe", "keine funktion", "leer", "entfällt", "nicht vorhanden"}
)
_NO_VALUE_WORD_COLUMNS = ("title", "position")


def no_value_marks(values: pd.Series, col: str) -> pd.Series:
    """Where ``values`` (a str column of the canonical column ``col``) hold a mark for no value."""
    stripped = values.str.strip()
    marks = stripped.isin(NO_VALUE_MARKS)
    if col in _NO_VALUE_WORD_COLUMNS:
        marks |= stripped.str.lower().isin(NO_VALUE_WORDS)
    return marks


def _no_value_read_as_empty(
    values: pd.Series, lines: np.ndarray, col: str, src: str, warnings: list[str]
) -> pd.Series:
    marks = no_value_marks(values, col)
    if not marks.any():
        return values
    mask = marks.to_numpy(dtype=bool)
    written = values[marks].str.strip().to_numpy()
    where = f"column {src!r} ({col})"
    _warn_values(written, lines[mask], where, warnings, "placeholder", "for no value read as empty")
    return values.where(~marks, "")


def _repair_double_encoding(
    values: pd.Series, lines: np.ndarray, col: str, src: str, warnings: list[str]
) -> pd.Series:
    """ "MÃ¼ller" is "Müller" whose UTF-8 bytes were read as cp1252 and saved again as UTF-8 (an Excel round
    trip): repaired by ftfy (only values with the telltale Ã or Â are looked at), with a warning. In every
    text column: a garbled country ("Ã–sterreich") was quarantined as invalid, a garbled owner matched
    nobody."""
    suspect = values.str.contains("Ã", regex=False) | values.str.contains("Â", regex=False)
    if not suspect.any():
        return values
    import ftfy

    before = values[suspect]
    fixed = before.map({v: ftfy.fix_encoding(v) for v in before.unique()})
    changed = (fixed != before).to_numpy(dtype=bool)
    if not changed.any():
        return values
    where = f"column {src!r} ({col})"
    treated = "repaired (UTF-8 read as cp1252 and saved again by an earlier tool)"
    suspect_lines = lines[suspect.to_numpy(dtype=bool)]
    _warn_values(
        before.to_numpy()[changed], suspect_lines[changed], where, warnings, "garbled value", treated
    )
    out = values.copy()
    out[suspect] = fixed  # unchanged values are written back as they were
    return out


def _unwrap_excel_text(
    values: pd.Series, lines: np.ndarray, col: str, src: str, warnings: list[str]
) -> pd.Series:
    """`="0012"` is Excel's way to keep a value's leading zeros: the value is 0012. Kept as written, the
    id matched no contact of the night before, which left the loss gates blind to that contact."""
    wrapped = values.str.startswith('="') & values.str.endswith('"') & (values.str.len() >= 3)
    if not wrapped.any():
        return values
    mask = wrapped.to_numpy(dtype=bool)
    where = f"column {src!r} ({col})"
    _warn_values(values[wrapped].to_numpy(), lines[mask], where, warnings, "Excel text formula", "unwrapped")
    return values.where(~wrapped, values.str.slice(2, -1))


def _without_byte_order_marks(
    values: pd.Series, lines: np.ndarray, col: str, src: str, warnings: list[str]
) -> pd.Series:
    """A byte order mark inside the file (exports joined without their headers) stands before the first
    value of a line: "\ufeff2" matched no contact "2", and a quoted value kept its quotes ("\ufeff"2"")."""
    marked = values.str.startswith("\ufeff")
    if not marked.any():
        return values
    bare = values[marked].str.lstrip("\ufeff")
    quoted = bare.str.fullmatch(r'"[^"]*"')
    bare = bare.where(~quoted, bare.str.slice(1, -1))
    where = f"column {src!r} ({col})"
    _warn_values(
        values[marked].to_numpy(),
        lines[marked.to_numpy(dtype=bool)],
        where,
        warnings,
        "byte order mark",
        "removed",
    )
    out = values.copy()
    out[marked] = bare
    return out


def _clean_text(values: pd.Series, lines: np.ndarray, col: str, src: str, warnings: list[str]) -> pd.Series:
    """A text column as a letter may print it: byte order marks of joined files removed, Excel's ="..."
    unwrapped, placeholders empty, garbled UTF-8 repaired."""
    values = _without_byte_order_marks(values, lines, col, src, warnings)
    values = _unwrap_excel_text(values, lines, col, src, warnings)
    values = _no_value_read_as_empty(values, lines, col, src, warnings)
    return _repair_double_encoding(values, lines, col, src, warnings)


_SALESFORCE_SUFFIX = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)


def _salesforce_ids_18(ids: pd.Series, warnings: list[str]) -> pd.Series:
    """Salesforce record ids in their 18-character form. A report exports the 15-character form, the API
    and the Data Loader the 18-character one: the same contact under two ids, so a switch of export
    between two nights made every contact new and the loss gates blind. The three added characters
    encode which of the 15 are capitals (Salesforce's published checksum)."""
    stripped = ids.str.strip()
    short = stripped.str.fullmatch(SALESFORCE_ID_15.pattern).to_numpy(dtype=bool)
    if not short.any():
        return ids
    chars = np.frombuffer("".join(stripped[short]).encode("ascii"), dtype=np.uint8).reshape(-1, 3, 5)
    capitals = (chars >= ord("A")) & (chars <= ord("Z"))
    codes = (capitals * (1 << np.arange(5))).sum(axis=2)
    suffix = _SALESFORCE_SUFFIX[codes].view("S3").ravel().astype("U3")
    out = stripped.copy()
    out[short] = stripped[short] + suffix
    warnings.append(
        f"{int(short.sum())} contact id(s) in Salesforce's 15-character form read in the 18-character form "
        "(as the API exports them), so that nights from a report and from the API match"
    )
    return out.astype("str")


def _first_non_empty(parts: list[pd.Series]) -> pd.Series:
    """Per row, the first value that is not blank, trimmed; "" when all are blank."""
    out = parts[0].str.strip()
    for p in parts[1:]:
        out = out.where(out != "", p.str.strip())
    return out


def _holds_words(text: str, part: str) -> bool:
    """Whether ``part``'s words occur in ``text`` as a run of whole words ("Dr." in "Mag. Dr.")."""
    words, run = text.split(), part.split()
    return any(words[i : i + len(run)] == run for i in range(len(words) - len(run) + 1))


def _combine_text(parts: list[pd.Series]) -> pd.Series:
    """The columns' values joined by a space, per row; a value the earlier ones already hold is not
    repeated: "Dr." in both Titel and Akad. Titel is one doctorate, not the DDr. of "Dr. Dr."."""
    out = parts[0]
    for p in parts[1:]:
        joined = out.where(p == "", out.where(out == "", out + " " + p).where(out != "", p))
        both = ((out != "") & (p != "")).to_numpy()
        if both.any():
            rows = np.flatnonzero(both)
            held = [_holds_words(a, b) for a, b in zip(out.iloc[rows], p.iloc[rows], strict=True)]
            keep = rows[np.asarray(held, dtype=bool)]
            if len(keep):
                joined.iloc[keep] = out.iloc[keep]
        out = joined
    return out


def _move_salutation_titles(frame: pd.DataFrame) -> None:
    sal = frame["salutation"]
    parts = sal.str.extract(_SALUTATION_RE)
    rest = parts["rest"].fillna("")
    movable = (rest != "") & rest.str.match(_TITLE_TOKENS_RE)
    if not movable.any():
        return
    word = parts["word"].fillna("")
    title = frame["title"]
    frame.loc[movable, "salutation"] = word[movable]
    moved = rest[movable]
    frame.loc[movable, "title"] = moved.where(title[movable] == "", moved + " " + title[movable])


def to_canonical(
    raw: pd.DataFrame,
    header: list[str],
    profile: Profile,
    source_file: str,
    lines: np.ndarray,
    warnings: list[str],
) -> pd.DataFrame:
    """Map ``raw`` to the canonical model: ``raw`` has a str column ``c<i>`` for each header position ``i``
    a profile column maps to; ``lines`` holds the source line of each row."""
    resolved = check_required(profile, header, source_file)
    n = len(raw)
    seen: dict[str, int] = {}
    repeated: set[int] = set()
    for i, h in enumerate(header):
        key = normalize_header(h)
        if key in seen:
            repeated.add(i)
            warnings.append(
                f"column {h!r} appears more than once (columns {seen[key] + 1} and {i + 1}): "
                f"column {i + 1} is ignored"
            )
        seen.setdefault(key, i)
    used = {i for idx in resolved.values() for i in idx}
    # A repeated column is reported above, not again as one the profile does not map.
    ignored = [h for i, h in enumerate(header) if i not in used and i not in repeated and str(h).strip()]
    if ignored:
        shown = ", ".join(repr(h) for h in ignored[:15]) + (" ..." if len(ignored) > 15 else "")
        warnings.append(f"{len(ignored)} column(s) not mapped by profile {profile.name!r}: {shown}")
    out: dict[str, pd.Series] = {}
    empty = pd.Series(np.full(n, "", dtype=object), index=raw.index, dtype="str")
    for col in CANONICAL_COLUMNS:
        spec = profile.columns.get(col)
        idx = resolved[col]
        if spec is None:
            out[col] = empty
            continue
        if not idx:
            sources = " / ".join(repr(s) for s in spec.sources[:3])
            if len(spec.sources) > 3:  # the rest of a long list of writings ("Titel (nach)", ...)
                sources += f" (or {len(spec.sources) - 3} other names)"
            if col in FAIL_CLOSED_COLUMNS:
                warnings.append(
                    f"column {sources} absent: nobody's {col} is known, so every contact counts as "
                    "opted out (no marketing e-mail from this extract)"
                )
                out[col] = pd.Series(np.full(n, "true", dtype=object), index=raw.index, dtype="str")
                continue
            warnings.append(f"column {sources} absent: {col} will be empty")
            out[col] = empty
            continue
        parts = [_as_str(raw[f"c{i}"]) for i in idx]
        if col not in profile.boolean_columns:
            parts = [
                _clean_text(p, lines, col, str(header[i]), warnings) for p, i in zip(parts, idx, strict=True)
            ]
        if col in profile.boolean_columns:
            parts = [
                _map_boolean(p, profile, lines, col, str(header[i]), warnings)
                for p, i in zip(parts, idx, strict=True)
            ]
            out[col] = parts[0] if len(parts) == 1 else _combine_booleans(parts)
        elif len(parts) == 1:
            out[col] = parts[0]
        else:
            spec = profile.columns[col]
            out[col] = _first_non_empty(parts) if spec is not None and spec.first_of else _combine_text(parts)
        mapping = profile.value_maps.get(col)
        if mapping:
            stripped = out[col].str.strip()
            hit = stripped.isin(list(mapping))
            if hit.any():
                out[col] = out[col].where(~hit, stripped.map(mapping))
    frame = pd.DataFrame(out)
    if profile.salutation_titles and n:
        _move_salutation_titles(frame)
    if profile.salesforce_ids and n:
        frame["contact_id"] = _salesforce_ids_18(frame["contact_id"], warnings)
    for col in CANONICAL_COLUMNS:
        frame[col] = frame[col].astype("str")
    frame[LINEAGE_COLUMNS[0]] = pd.Series([source_file] * n, index=frame.index, dtype="str")
    frame[LINEAGE_COLUMNS[1]] = np.asarray(lines, dtype="int64")
    return frame.reset_index(drop=True)
