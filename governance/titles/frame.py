"""`parse_contacts`: the title engine over a DataFrame, vectorised.

Every field is dictionary-encoded (Arrow), each distinct value is parsed once in Python, and the
per-row work is integer indexing plus Arrow string kernels. Salutation line and address block are
composed once per distinct (gender, titles, office/function, style) as a template; names are filled
in with `binary_join_element_wise`. The fill mirrors `salutation.fill` exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from governance.contact_model import PARSED_COLUMNS
from governance.text import strip_invisible
from governance.titles.contact import as_text, record_parts
from governance.titles.parser import (
    GENDERS,
    ISSUE_BIT,
    ISSUE_ORDER,
    STYLES,
    OfficeMove,
    build_title_parse,
    issues_text,
    move_position_out_of_salutation,
    move_position_out_of_title,
    move_title_out_of_position,
    parse_country,
    parse_position,
    parse_salutation_field,
    position_in_salutation,
    position_in_title,
    scan_title_field,
    titles_in_position,
    titles_only,
)
from governance.titles.salutation import NAME_LAST, NAME_NONE, SalutationConfig, compose, tidy_nameless_block
from governance.titles.tokenizer import (
    NameParse,
    clean_name,
    clean_person_name,
    scan_name,
    split_full_name,
)
from governance.titles.vocabulary import Vocabulary, load_vocabulary

_STR = pa.large_string()
Piece = tuple[list[str], np.ndarray]  # (distinct strings, per row the index of its string)


@dataclass(frozen=True)
class GroupOutput:
    """One vocabulary group's output: per output string column its pieces (joined in order), and
    has_title per row of the group."""

    pieces: dict[str, list[Piece]]
    has_title: np.ndarray


_INPUTS = ("salutation", "title", "first_name", "last_name", "position", "country", "company")


def _encode(df: pd.DataFrame, column: str) -> tuple[np.ndarray, list[str]]:
    """(row codes, distinct values) of a column; missing column / None / NaN are ""."""
    n = len(df)
    if column not in df.columns:
        return np.zeros(n, dtype=np.int64), [""]
    series = df[column]
    try:
        arr = pa.array(series, from_pandas=True)
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            raise pa.ArrowInvalid("not a string column")
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        arr = pa.array([as_text(v) for v in series.tolist()], type=_STR)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = pc.fill_null(arr.cast(_STR), pa.scalar("", _STR))
    encoded = pc.dictionary_encode(arr)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    values = [strip_invisible(v) for v in encoded.dictionary.to_pylist()]  # as contact.input_text
    if not values:
        return np.zeros(n, dtype=np.int64), [""]
    return codes, values


def _combine(*parts: tuple[np.ndarray, int]) -> tuple[np.ndarray, np.ndarray]:
    """Factorize the combination of several code arrays: (combination code per row, distinct keys)."""
    key = np.zeros(len(parts[0][0]), dtype=np.int64)
    for codes, size in parts:
        key = key * max(size, 1) + codes
    combo, uniques = pd.factorize(key)
    return combo.astype(np.int64, copy=False), np.asarray(uniques, dtype=np.int64)


def _decode(key: int, sizes: list[int]) -> list[int]:
    out = []
    for size in reversed(sizes):
        key, rem = divmod(int(key), max(size, 1))
        out.append(rem)
    return out[::-1]


def _split_full_names(
    first: tuple[np.ndarray, list[str]], last: tuple[np.ndarray, list[str]], vocab: Vocabulary
) -> tuple[np.ndarray, list[str], np.ndarray, list[str], np.ndarray]:
    """(first codes, first values, last codes, last values, split per row): a whole name in the last-name
    field with the first-name field empty ("Huber, Hans") split as `split_full_name` does."""
    (first_codes, first_values), (last_codes, last_values) = first, last
    splits = [split_full_name(v, vocab) if "," in v else None for v in last_values]
    no_first = np.array([not v.strip() for v in first_values], dtype=bool)[first_codes]
    has_split = np.array([s is not None for s in splits], dtype=bool)
    rows = no_first & has_split[last_codes]
    if not rows.any():
        return first_codes, first_values, last_codes, last_values, rows
    # every split value gets a surname and a given-name value of its own, appended after the others
    number = np.cumsum(has_split) - 1  # per distinct last name, its index among the split ones
    split_values = [s for s in splits if s is not None]
    first_codes = np.where(rows, len(first_values) + number[last_codes], first_codes)
    last_codes = np.where(rows, len(last_values) + number[last_codes], last_codes)
    return (
        first_codes,
        [*first_values, *(given for _, given in split_values)],
        last_codes,
        [*last_values, *(surname for surname, _ in split_values)],
        rows,
    )


def _names(values: list[str], source: str, vocab: Vocabulary) -> tuple[list[str], np.ndarray, list]:
    """Clean names, and per distinct name the id of its title extract (0 = none)."""
    pattern = vocab.name_prefilter
    clean: list[str] = []
    ext_ids = np.zeros(len(values), dtype=np.int64)
    extracts: list[NameParse | None] = [None]
    seen: dict[tuple, int] = {}
    for i, value in enumerate(values):
        if not pattern.search(value):  # the rare names with a title token go through the parser
            clean.append(clean_person_name(value))
            continue
        parsed = scan_name(value, source, vocab)
        clean.append(parsed.clean)
        if parsed.tokens:
            key = (parsed.tokens, parsed.misplaced)
            if key not in seen:
                seen[key] = len(extracts)
                extracts.append(NameParse("", parsed.tokens, parsed.misplaced))
            ext_ids[i] = seen[key]
    return clean, ext_ids, extracts


def _move_between_fields(
    title: tuple[np.ndarray, list[str]],
    position: tuple[np.ndarray, list[str]],
    rows: np.ndarray,
    move: Callable[[str, str, Vocabulary], OfficeMove | None],
    vocab: Vocabulary,
) -> tuple[tuple[np.ndarray, list[str]], tuple[np.ndarray, list[str]], np.ndarray]:
    """``move`` for the given rows, decided once per distinct (title, position) pair among them: new
    (codes, values) of both fields and the rows that moved."""
    (title_codes, title_values), (pos_codes, pos_values) = title, position
    moved = np.zeros(len(title_codes), dtype=bool)
    if not len(rows):
        return title, position, moved
    sizes = [len(title_values), len(pos_values)]
    pair_codes, pair_keys = _combine((title_codes[rows], sizes[0]), (pos_codes[rows], sizes[1]))
    title_values, pos_values = list(title_values), list(pos_values)
    title_index = {v: i for i, v in enumerate(title_values)}
    pos_index = {v: i for i, v in enumerate(pos_values)}

    def code_of(value: str, values: list[str], index: dict[str, int]) -> int:
        if value not in index:
            index[value] = len(values)
            values.append(value)
        return index[value]

    new_title = np.empty(len(pair_keys), dtype=np.int64)
    new_pos = np.empty(len(pair_keys), dtype=np.int64)
    done = np.zeros(len(pair_keys), dtype=bool)
    for k, key in enumerate(pair_keys):
        t, p = _decode(key, sizes)
        found = move(title_values[t], pos_values[p], vocab)
        if found is None:
            new_title[k], new_pos[k] = t, p
            continue
        new_title[k] = code_of(found.title, title_values, title_index)
        new_pos[k] = code_of(found.position, pos_values, pos_index)
        done[k] = True
    title_codes, pos_codes = title_codes.copy(), pos_codes.copy()
    title_codes[rows] = new_title[pair_codes]
    pos_codes[rows] = new_pos[pair_codes]
    moved[rows] = done[pair_codes]
    return (title_codes, title_values), (pos_codes, pos_values), moved


def _move_misfiled(
    salutation: tuple[np.ndarray, list[str]],
    title: tuple[np.ndarray, list[str]],
    position: tuple[np.ndarray, list[str]],
    vocab: Vocabulary,
) -> tuple[
    tuple[np.ndarray, list[str]],
    tuple[np.ndarray, list[str]],
    tuple[np.ndarray, list[str]],
    np.ndarray,
    np.ndarray,
]:
    """Offices typed into the salutation or title field and Amts-/Berufstitel typed into the position
    field, moved as ``parse_contact`` moves them (in that order), looking only at the rows whose field
    holds one."""
    holds = np.array([position_in_salutation(v, vocab) is not None for v in salutation[1]], dtype=bool)
    salutation, position, salutation_moved = _move_between_fields(
        salutation, position, np.flatnonzero(holds[salutation[0]]), move_position_out_of_salutation, vocab
    )
    holds = np.array([position_in_title(v, vocab) is not None for v in title[1]], dtype=bool)
    before = position
    title, position, position_moved = _move_between_fields(
        title, position, np.flatnonzero(holds[title[0]]), move_position_out_of_title, vocab
    )
    holds = np.array([titles_in_position(v, vocab) is not None for v in position[1]], dtype=bool)
    title, position, title_moved = _move_between_fields(
        title, position, np.flatnonzero(holds[position[0]]), move_title_out_of_position, vocab
    )
    # an office beside titles only in the position field took the field, the titles went to the titles
    moved = np.flatnonzero(position_moved)
    if len(moved):
        codes, inverse = np.unique(before[0][moved], return_inverse=True)
        only = np.array([titles_only(before[1][c], vocab) for c in codes], dtype=bool)
        title_moved[moved] |= only[inverse]
    return salutation, title, position, position_moved | salutation_moved, title_moved


def _take(values: list[str], codes: np.ndarray) -> pa.Array:
    return pa.array(values, type=_STR).take(pa.array(codes))


def _join(*parts: pa.Array | pa.Scalar) -> pa.Array:
    return pc.binary_join_element_wise(*parts, pa.scalar("", _STR))


def parse_contacts(df: pd.DataFrame, config: SalutationConfig | None = None) -> pd.DataFrame:
    """Parse every contact of `df`; a new frame on the same index with exactly PARSED_COLUMNS.

    Contacts are parsed with their style's vocabulary (`load_vocabulary(style=...)`). Each group of
    contacts that shares one vocabulary yields its output as pieces (distinct strings and row codes);
    the pieces of all groups are merged into one take per output string, so a mixed-country extract
    costs no slicing, concatenation or reordering of the frame."""
    config = config or SalutationConfig()
    if len(df) == 0:
        empty_out = pd.DataFrame({c: pd.Series([], dtype="str") for c in PARSED_COLUMNS}, index=df.index)
        empty_out["has_title"] = empty_out["has_title"].astype(bool)
        return empty_out
    enc = {col: _encode(df, col) for col in _INPUTS}
    country_codes, country_values = enc["country"]
    vocabs = [load_vocabulary(style=parse_country(v)[1]) for v in country_values]
    distinct = list({id(v): v for v in vocabs}.values())
    if len(distinct) == 1:
        groups: list[tuple[np.ndarray | None, GroupOutput]] = [(None, _parse_group(enc, config, distinct[0]))]
    else:
        group_of_value = np.array([distinct.index(v) for v in vocabs], dtype=np.int64)
        group = group_of_value[country_codes]
        groups = []
        for g, vocab in enumerate(distinct):
            rows = np.flatnonzero(group == g)
            if len(rows):
                subset = {col: _subset(codes, values, rows) for col, (codes, values) in enc.items()}
                groups.append((rows, _parse_group(subset, config, vocab)))
    out = _assemble(groups, len(df))
    nameless = ((out["first_name_clean"] == "") & (out["last_name_clean"] == "")).to_numpy()
    if nameless.any():  # rare: see tidy_nameless_block
        out.loc[nameless, "address_block"] = out.loc[nameless, "address_block"].map(tidy_nameless_block)
    out.index = df.index
    return out[list(PARSED_COLUMNS)]


def _subset(codes: np.ndarray, values: list[str], rows: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """(codes, values) of an encoded column for the given rows only, keeping just the values they use."""
    sub = codes[rows]
    used = np.zeros(len(values), dtype=bool)
    used[sub] = True
    keep = np.flatnonzero(used)
    remap = np.zeros(len(values), dtype=np.int64)
    remap[keep] = np.arange(len(keep), dtype=np.int64)
    return remap[sub], [values[i] for i in keep]


def _merged(
    groups: list[tuple[np.ndarray | None, GroupOutput]], n: int, piece: Callable[[GroupOutput], Piece]
) -> Piece:
    """One piece of the output over all groups: the groups' distinct values concatenated, their row
    codes offset into one code array (a single group's piece as it is)."""
    if groups[0][0] is None:
        return piece(groups[0][1])
    values: list = []
    codes = np.empty(n, dtype=np.int64)
    for rows, output in groups:
        group_values, group_codes = piece(output)
        codes[rows] = group_codes + len(values)
        values.extend(group_values)
    return values, codes


def _assemble(groups: list[tuple[np.ndarray | None, GroupOutput]], n: int) -> pd.DataFrame:
    """The output frame from the groups' pieces, each merged and taken once."""
    first = groups[0][1].pieces
    columns: dict[str, pa.Array] = {}
    for name in first:
        parts = [
            _take(*_merged(groups, n, lambda output, name=name, j=j: output.pieces[name][j]))
            for j in range(len(first[name]))
        ]
        columns[name] = parts[0] if len(parts) == 1 else _join(*parts)
    out = pd.DataFrame(
        {name: pd.Series(arr.to_pandas(), copy=False) for name, arr in columns.items()}, copy=False
    )
    flags, rows_flag = _merged(groups, n, lambda output: ([False, True], output.has_title.astype(np.int64)))
    out["has_title"] = np.asarray(flags, dtype=bool)[rows_flag]
    return out


def _parse_group(
    enc: dict[str, tuple[np.ndarray, list[str]]], config: SalutationConfig, vocab: Vocabulary
) -> GroupOutput:
    """`parse_contacts` for contacts that all read one vocabulary, given their encoded input columns."""
    salutation, title, position, position_moved, title_moved = _move_misfiled(
        enc["salutation"], enc["title"], enc["position"], vocab
    )

    # Distinct values, parsed once each.
    sal_codes, sal_values = salutation
    sal_parses = [parse_salutation_field(v, vocab) for v in sal_values]
    sal_gender = np.array([GENDERS.index(sp.gender) for sp in sal_parses], dtype=np.int64)
    # Titles typed into the salutation field ("Frau Mag.a"): id per distinct token tuple (0 = none).
    sal_extracts: list[tuple] = [()]
    sal_seen: dict[tuple, int] = {(): 0}
    sal_ext = np.zeros(len(sal_values), dtype=np.int64)
    for i, sp in enumerate(sal_parses):
        if sp.tokens not in sal_seen:
            sal_seen[sp.tokens] = len(sal_extracts)
            sal_extracts.append(sp.tokens)
        sal_ext[i] = sal_seen[sp.tokens]
    country_codes, country_values = enc["country"]
    country_style = np.array([STYLES.index(parse_country(v)[1]) for v in country_values], dtype=np.int64)
    title_codes, title_values = title
    title_tokens = [scan_title_field(v, vocab) for v in title_values]
    first_codes, first_values, last_codes, last_values, name_split = _split_full_names(
        enc["first_name"], enc["last_name"], vocab
    )
    first_clean, first_ext, first_extracts = _names(first_values, "first_name", vocab)
    last_clean, last_ext, last_extracts = _names(last_values, "last_name", vocab)
    pos_codes, pos_values = position
    positions = [parse_position(v, vocab) for v in pos_values]
    company_codes, company_values = enc["company"]
    company_clean = [clean_name(v) for v in company_values]

    # Title parse per distinct (salutation extract, title, first-name extract, last-name extract).
    sizes = [len(sal_extracts), len(title_values), len(first_extracts), len(last_extracts)]
    tp_codes, tp_keys = _combine(
        (sal_ext[sal_codes], sizes[0]),
        (title_codes, sizes[1]),
        (first_ext[first_codes], sizes[2]),
        (last_ext[last_codes], sizes[3]),
    )
    tparses = []
    for key in tp_keys:
        s, t, f, la = _decode(key, sizes)
        tparses.append(
            build_title_parse(title_tokens[t], first_extracts[f], last_extracts[la], vocab, sal_extracts[s])
        )

    # Gender and issue bits per distinct (salutation gender, title parse, position).
    g_codes, g_keys = _combine(
        (sal_gender[sal_codes], 4), (tp_codes, len(tparses)), (pos_codes, len(positions))
    )
    g_sizes = [4, len(tparses), len(positions)]
    g_gender = np.zeros(len(g_keys), dtype=np.int64)
    g_bits = np.zeros(len(g_keys), dtype=np.int64)
    for i, key in enumerate(g_keys):
        sg, t, p = _decode(key, g_sizes)
        gender, bits, _ = record_parts(GENDERS[sg], tparses[t], positions[p], vocab)
        g_gender[i] = GENDERS.index(gender)
        g_bits[i] = bits
    gender_rows = g_gender[g_codes]
    no_last = np.array([not v for v in last_clean], dtype=bool)[last_codes]
    bits_rows = (
        g_bits[g_codes]
        | np.where(no_last, ISSUE_BIT["NAME_MISSING"], 0)
        | np.where(position_moved, ISSUE_BIT["POSITION_IN_TITLE_FIELD"], 0)
        | np.where(title_moved, ISSUE_BIT["TITLE_IN_POSITION_FIELD"], 0)
        | np.where(name_split, ISSUE_BIT["NAME_IN_ONE_FIELD"], 0)
    )
    issue_table = [issues_text(b) for b in range(1 << len(ISSUE_ORDER))]

    # Position canonical per (gender, position).
    npos = len(positions)
    pos_canon = [p.canonical(g, vocab) for g in GENDERS for p in positions]

    # Templates per (gender, title parse, office/function entry and its qualifier, style, surname missing).
    sal_entries = [
        "\x00".join((p.salutation_entry, p.salutation_rest, p.salutation_lead, p.salutation_others))
        for p in positions
    ]
    ps_codes, ps_values = pd.factorize(np.array(sal_entries, dtype=object))
    ps_values = [tuple(v.split("\x00", 3)) for v in ps_values]
    no_last_i = no_last.astype(np.int64)
    t_sizes = [4, len(tparses), len(ps_values), 3, 2]
    t_codes, t_keys = _combine(
        (gender_rows, 4),
        (tp_codes, len(tparses)),
        (np.asarray(ps_codes, dtype=np.int64)[pos_codes], len(ps_values)),
        (country_style[country_codes], 3),
        (no_last_i, 2),
    )
    tmpls = []
    for key in t_keys:
        g, t, ps, st, nl = _decode(key, t_sizes)
        entry, rest, lead, others = ps_values[ps]
        tm = compose(GENDERS[g], tparses[t], entry, STYLES[st], config, vocab, rest, lead, others)
        if nl:  # no surname: the fixed line, no name in it
            tm = replace(tm, sal_pre=tm.sal_no_name, sal_suffix="", name_mode=NAME_NONE)
        tmpls.append(tm)

    # Fill names in: every piece is a dictionary take (with "" appended at the end), then one join.
    mode = np.array([tm.name_mode for tm in tmpls], dtype=np.int8)[t_codes]
    nfirst, nlast = len(first_clean), len(last_clean)
    first_nonempty = np.array([bool(f) for f in first_clean], dtype=bool)[first_codes]
    mid_values = [f" {f} " for f in first_clean] + [" ", ""]
    mid_idx = np.where(
        mode == NAME_NONE, nfirst + 1, np.where((mode == NAME_LAST) | ~first_nonempty, nfirst, first_codes)
    )
    line = [
        ([tm.sal_pre for tm in tmpls], t_codes),
        (mid_values, mid_idx),
        ([*last_clean, ""], np.where(mode == NAME_NONE, nlast, last_codes)),
        ([tm.sal_suffix for tm in tmpls], t_codes),
    ]
    # Full name "first last"; just "first" when the surname is missing.
    first_sp = ([f"{f} " if f else "" for f in first_clean] + first_clean, first_codes + nfirst * no_last_i)
    company_nl = ([f"{c}\n" if c else "" for c in company_clean], company_codes)
    pos_index = gender_rows * npos + pos_codes
    uses_pos = np.array([tm.uses_position for tm in tmpls], dtype=bool)[t_codes]
    # a position of just the title line 1 writes out ("Herrn Baumeister") gets no line of its own
    said = np.array([bool(tm.line1_title) for tm in tmpls], dtype=bool)[t_codes]
    if said.any():
        titles = np.array([tm.line1_title for tm in tmpls], dtype=object)[t_codes[said]]
        uses_pos[said] |= titles == np.array(pos_canon + [""], dtype=object)[pos_index[said]]
    pos_lines = [f"\n{c}" if c else "" for c in pos_canon] + [""]
    block = [
        company_nl,
        ([tm.addr_head for tm in tmpls], t_codes),
        first_sp,
        (last_clean, last_codes),
        ([tm.addr_tail for tm in tmpls], t_codes),
        (pos_lines, np.where(uses_pos, len(pos_canon), pos_index)),
    ]

    pre_text = [tp.prenominal_text for tp in tparses]
    post_text = [tp.postnominal_text for tp in tparses]
    has_title = np.array([bool(a or b) for a, b in zip(pre_text, post_text, strict=True)], dtype=bool)
    pieces: dict[str, list[Piece]] = {
        "first_name_clean": [(first_clean, first_codes)],
        "last_name_clean": [(last_clean, last_codes)],
        "titles_prenominal": [(pre_text, tp_codes)],
        "titles_postnominal": [(post_text, tp_codes)],
        "position_canonical": [(pos_canon, pos_index)],
        "position_kind": [([p.kind for p in positions], pos_codes)],
        "gender": [(list(GENDERS), gender_rows)],
        "salutation_line": line,
        "address_block": block,
        "issues": [(issue_table, bits_rows)],
    }
    return GroupOutput(pieces, has_title[tp_codes])
