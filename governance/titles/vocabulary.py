"""The title vocabulary, loaded once from ``titles.csv`` (package data, owned by the project).

Every writing of an entry (canonical abbreviation, variants, female and diverse forms) becomes a lookup
key. Keys are compared without whitespace and, where that is unambiguous, without case, so that
``Dipl.-Ing.Dr.techn.``, ``DI Dr`` and ``DIPL.ING.`` all find their entries. A key that leads to two
different entries (``MR``, ``KS``, ``BM``) is ambiguous by construction: the CSV is the single source.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

# Superscript and typographic characters that stand for plain ones in female/diverse forms and dashes.
_CHAR_MAP = str.maketrans(
    {
        "ᵃ": "a",
        "ª": "a",
        "ⁱ": "i",
        "ⁿ": "n",
        "ˣ": "x",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00ad": "",
    }
)

# Classes derived from the CSV's `kind` and `position` columns.
TITLE_CLASSES = frozenset({"degree", "post", "professor", "lecturer", "berufstitel", "invalid"})
POSITION_CLASSES = frozenset({"function", "office", "position"})


def fold_char(ch: str, casefold: bool = True) -> str:
    """One input character as compared in keys (superscripts mapped, optionally case-folded)."""
    mapped = ch.translate(_CHAR_MAP)
    return mapped.casefold() if casefold else mapped


def exact_key(text: str) -> str:
    """Key that keeps case: whitespace removed, superscripts and dashes mapped."""
    return "".join(text.translate(_CHAR_MAP).split())


def fold_key(text: str) -> str:
    """Key that ignores case as well."""
    return exact_key(text).casefold()


@dataclass(frozen=True)
class Entry:
    """One canonical title, position or office with its forms and salutation data."""

    abbr: str
    variants: tuple[str, ...]
    placement: str  # pre | post | line1 | below (| separated when several)
    female: tuple[str, ...]
    diverse: tuple[str, ...]
    kind: str  # CSV kind
    long_m: str
    long_f: str
    sal_at: str
    sal_de: str
    sal_ch: str
    sal_form: str
    rank: int
    cls: str  # derived class, see _classify
    short: str  # abbreviation of the entry written in the salutation (faculty suffixes dropped)

    def form(self, gender: str) -> str:
        """The abbreviated writing in a gender form (m, f, d); falls back to the abbreviation."""
        if gender == "f" and self.female:
            return self.female[0]
        if gender == "d" and self.diverse:
            return self.diverse[0]
        return self.abbr

    def long(self, gender: str) -> str:
        """The written-out form (Generaldirektorin, Hofrat); the abbreviated form when there is none."""
        if gender == "f":
            return self.long_f or self.form("f")
        return self.long_m or self.abbr

    @property
    def is_doctorate(self) -> bool:
        return self.short in ("Dr.", "DDr.", "DDDr.") or self.cls == "invalid"

    @property
    def is_honorary(self) -> bool:
        """An honorary doctorate (Dr. h.c., Dr.-Ing. E.h.): written after the degrees earned."""
        return self.cls == "degree" and any(mark in self.abbr for mark in ("h.c.", "E.h."))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _classify(kind: str, placement: str, sal_at: str) -> str:
    if kind == "invalid":
        return "invalid"
    if kind in ("academic", "academic_informal", "qualification"):
        return "post" if placement == "post" else "degree"
    if kind == "professor":
        # Lecturers (Priv.-Doz., Univ.-Doz.) are only optionally used: the salutation takes the degree.
        return "professor" if sal_at == "yes" else "lecturer"
    if kind in ("berufstitel", "amtstitel"):
        return "berufstitel"
    if kind in ("office", "church"):
        return "office"
    if kind == "position":
        return "position"
    return "function"


@dataclass(frozen=True)
class Candidate:
    """A writing found in the vocabulary: which entry, in which gender form."""

    abbr: str
    gender: str  # m | f | d


@dataclass
class _Trie:
    root: dict = field(default_factory=dict)

    def add(self, key: str) -> None:
        node = self.root
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True


@dataclass(eq=False)
class Vocabulary:
    """All entries plus the lookup structures the tokenizer needs."""

    entries: dict[str, Entry]
    title_exact: dict[str, frozenset[Candidate]]
    title_fold: dict[str, frozenset[Candidate]]
    title_trie: dict
    name_exact: dict[str, frozenset[Candidate]]
    name_trie: dict
    # Writings with a ".", "-" or "(" (DR., MAG., DIPL.-ING., UNIV.-PROF.) are matched in name fields
    # without case as well: old CRMs store names in capitals. Dotless writings (DI, MA, MBA, KR) stay
    # case-sensitive there, because "DI MARCO" or "MA" in an upper-case name are names or particles.
    # Short punctuated writings (Dr., MA.) only in their `case_variants` ("Ma. Cristina" is a name).
    name_fold: dict[str, frozenset[Candidate]]
    name_fold_trie: dict
    # CAPS_NAME_DEGREES: keys (in name_exact) accepted in an all-capitals name field, and their trie.
    name_caps: frozenset[str]
    name_caps_trie: dict
    name_prefilter: re.Pattern[str]
    position_exact: dict[str, frozenset[Candidate]]
    position_fold: dict[str, frozenset[Candidate]]
    # Fold keys of the faculty words of degrees ("med.", "phil.", "techn."), see _faculty_words.
    faculty_words: frozenset[str] = frozenset()

    def entry(self, abbr: str) -> Entry:
        return self.entries[abbr]


def _writings(entry: Entry) -> list[tuple[str, str]]:
    out = [(entry.abbr, "m")] + [(v, "m") for v in entry.variants]
    # English degrees are never gendered: a "female" form equal to the abbreviation is no form.
    out += [(f, "f") for f in entry.female if f != entry.abbr]
    out += [(d, "d") for d in entry.diverse if d != entry.abbr]
    return out


def _female_suffix_writings(entry: Entry, listed: set[str]) -> list[str]:
    """Female writings the csv does not list but writers build: the "in" ending on a variant spelling
    ("Univ.Prof.in" for Univ.-Prof. with Univ.-Prof.in, "RegR.in" for RegR with RegRin), with and without
    its dot. Only for entries whose female form is such an ending, and only on abbreviations (written-out
    words change their stem: Regierungsrätin). Not on a variant made of two listed writings ("Dr.Dr."):
    there the ending belongs to the last one ("Dr. Dr.in" is Dr. + Dr.in); never one that shadows a
    listed writing (``listed``: the fold keys of every entry's writings)."""
    male = [entry.abbr, *entry.variants]
    if not any(f in (w + "in", w + ".in") for w in male for f in entry.female):
        return []
    out: list[str] = []
    for w in male:
        if not (any(ch in w for ch in ".-") or sum(ch.isupper() for ch in w) >= 2):
            continue
        cuts = [i + 1 for i, ch in enumerate(w[:-1]) if ch in ". "]
        if any(fold_key(w[:i]) in listed and fold_key(w[i:]) in listed for i in cuts):
            continue
        for suffix in ("in",) if w.endswith(".") else ("in", ".in"):
            if fold_key(w + suffix) not in listed and w + suffix not in out:
                out.append(w + suffix)
    return out


def _female_long_writings(entry: Entry, listed: set[str]) -> list[str]:
    """Female words the csv does not list but that mirror a listed male word: a male writing that is the
    written-out form (Professor, Doktor, Magister, Meister → Professorin, Doktorin, Magistra, Meisterin),
    or a single word ending in it (Honorarprofessor, Privatdozent, Generalkonsul, Erzbischof → …in, …öfin).
    Without them "Frau Professorin Huber" kept the title as an unknown word while "Professor" was read.
    Never one that shadows a listed writing."""
    long_m, long_f = entry.long_m, entry.long_f
    if not long_m or not long_f or long_m == long_f:
        return []
    out: list[str] = []
    for w in (entry.abbr, *entry.variants):
        if w == long_m:
            built = long_f
        elif w.isalpha() and len(w) > len(long_m) and w.casefold().endswith(long_m.casefold()):
            head = w[: len(w) - len(long_m)]
            built = head + long_f[:1].lower() + long_f[1:]
        else:
            continue
        if fold_key(built) not in listed and built not in out:
            out.append(built)
    return out


def _bracketed_female_writings(entry: Entry, listed: set[str]) -> list[str]:
    """The female ending in brackets, as the csv lists it for Mag.(a): Dr.(in), Ing.(in), Prof.(in),
    DI(in), HR(in). Built from every female form that is an abbreviated male title writing plus "a" or
    "in"; never one that shadows a listed writing. Not on positions or written-out words: there
    "Geschäftsführer(in)" or "Direktor(in)" is the form for either gender."""
    if entry.cls not in TITLE_CLASSES and not (entry.cls == "function" and "pre" in entry.placement):
        return []
    out: list[str] = []
    for female in entry.female:
        for male in (entry.abbr, *entry.variants):
            if not (any(ch in male for ch in ".-") or sum(ch.isupper() for ch in male) >= 2):
                continue
            for suffix in ("a", "in"):
                built = f"{male}({suffix})"
                if female == male + suffix and fold_key(built) not in listed and built not in out:
                    out.append(built)
    return out


def _epicene(writing: str, gender: str, entry: Entry) -> bool:
    """A "female" position form that is the adjectival noun men hold too ("Vorstandsvorsitzende",
    "Abgeordnete": der/die Abgeordnete; only "Abgeordneter" is male alone): it tells no gender."""
    if gender != "f":
        return False
    male = {w for w, g in _writings(entry) if g == "m"} | {entry.long_m}
    return writing + "r" in male


# Post-nominals that are also common names, written in capitals in many CRMs ("Raj Kumar DAS", "Ana
# Garcia MAS", the Dutch first name Cas): in a name field they are titles only after a comma or after
# another post-nominal ("Meier, MAS", "Meier MSc CAS"); the title field knows them anyway.
NAME_LIKE_POSTNOMINALS = frozenset({"DAS", "CAS", "MAS"})


# Schools written after a degree without brackets, the Swiss way ("MSc ETH", "MAS HSG", "MBA FH"). In
# brackets any school is taken ("LL.M. (Oxford)"); bare, only these, written as here, so that no
# surname is swallowed. A school named here is no unknown title; one in brackets not named here is.
SCHOOL_QUALIFIERS = frozenset(
    {
        # CH: federal institutes, universities, universities of applied sciences, higher vocational
        *("ETH", "ETHZ", "EPFL", "HSG", "UZH", "UNIBE", "UNIBAS", "UNIFR", "UNIGE", "UNIL", "USI"),
        *("ZHAW", "FHNW", "HSLU", "BFH", "FHGR", "SUPSI", "HES-SO", "FHS", "FH", "HF", "HTL", "HWV"),
        # DE: a university degree told apart from an FH one ("Dipl.-Ing. Univ.", "Dipl.-Kfm. (Univ.)")
        "Univ.",
        # AT and DE, also written in brackets
        *("WU", "TU", "JKU", "BOKU", "TUM", "LMU", "RWTH", "KIT"),
    }
)
# UK: the university of an Oxbridge MA ("MA (Oxon)") and the honours of a bachelor ("BA (Hons)"), part of
# a foreign degree as awarded. Only in brackets: bare, "Hons" and "Oxon" are also surnames ("MBA Hons").
BRACKETED_QUALIFIERS = frozenset({"Oxon", "Oxon.", "Cantab", "Cantab.", "Hons", "Hons."})


# Written after an Amts- or Berufstitel, a professor title or an address function, the holder is retired
# or out of office ("HR i.R.", "Dir. i. R.", "Prof. a.D.", "OSR i.P."): kept with the title in the
# address, dropped in the salutation. Keys are the folded writing without spaces.
RETIREMENT_SUFFIXES = {
    **{"i.r.": "i.R.", "ir": "i.R.", "i.r": "i.R."},
    **{"a.d.": "a.D.", "a.d": "a.D.", "i.p.": "i.P."},
}
RETIRING_CLASSES = frozenset({"berufstitel", "professor", "lecturer", "function"})


# After a comma in the surname field, words like degrees the vocabulary may not know: capitals ("MD",
# "DVM", "CISSP") or abbreviations of two or more letters with a dot ("akad. Vkfm."); the comma is the
# sign. Name fields holding them go through the name scanner (`scan_name`), which flags them.
TITLE_LIKE_WORD = r"(?:[A-ZÄÖÜ]{2,6}|[^\W\d_][\w.-]+\.)"
_UNKNOWN_TITLES_AFTER_COMMA = rf",\s*{TITLE_LIKE_WORD}(?:\s+{TITLE_LIKE_WORD})*\s*$"


# Entries whose last word reads like a name's initial ("E.h." like "E. H.", "I" like "I."): not read in
# name fields, where "Dr.-Ing. E. H. Müller" is a Dr.-Ing. with two initials.
NOT_IN_NAME_FIELDS = frozenset({"Dr.-Ing. E.h.", "lic.phil. I", "lic.phil. II"})


def _name_safe(writing: str) -> bool:
    """Whether a writing may be recognised as a title inside a name field.

    Plain words (Meister, Doktor, Hofrat, Primar) are also surnames and stay names; particles such as
    `Di` differ from `DI` by case, which is kept in name fields.
    """
    if writing in ("Dr", "Mag", "Ing", "Prof"):
        return True
    if any(ch in writing for ch in ".-()"):
        return True
    return sum(ch.isupper() for ch in writing) >= 2


def _punctuated(writing: str) -> bool:
    """A writing that may be matched without case in a name field (it carries ".", "-" or "(")."""
    return any(ch in writing for ch in ".-(")


def is_short(key: str) -> bool:
    """A key of at most two letters (dots, hyphens and colons ignored): SR, HR, TR, SC, Dr., MA.

    Such abbreviations collide with ordinary ones ("Sr." for a nun, "Hr." for Herr), so they are matched
    without case only in the forms `case_variants` allows, never by a plain case fold."""
    return sum(ch.isalpha() for ch in key) <= 2


def _spaced_capitals(writing: str) -> bool:
    """Words of one or two capitals only, several of them ("DI DI"): each word is a short key, and a case
    fold would read the Italian particle in "DI di" as the second DI. ("w. HR" or "Dr. E.h." are
    matched without case as before: their lower-case letters are part of the writing.)"""
    words = writing.split()
    return len(words) > 1 and all(w.isalpha() and w.isupper() and len(w) <= 2 for w in words)


def case_variants(writing: str) -> tuple[str, ...]:
    """The case writings of a short writing that still mean it: the writing, all capitals (old CRMs
    store capitals: DR., SR), and, for a writing with lower-case letters after the first, the first
    letter lowered (dr., dr). "Sr." for SR or "sc" for SC are not among them."""
    out = [writing, writing.upper()]
    if writing[:1].isupper() and any(ch.islower() for ch in writing[1:]):
        out.append(writing[:1].lower() + writing[1:])
    return tuple(dict.fromkeys(out))


# Upper-case writings without dots accepted in a name field written all in capitals ("HUBER MBA",
# "DR HANS"): they cannot be names. DI, MA, BA, ING, KR and the like are left out on purpose, because
# "DI MARCO" or "MA" in such a field are names or particles.
CAPS_NAME_DEGREES = (
    "DR",
    "DDR",
    "MAG",
    "MMAG",
    "DKFM",
    "PROF",
    "BAKK",
    "MBA",
    "EMBA",
    "MSC",
    "BSC",
    "PHD",
    "LLM",
    "LLB",
    "MPH",
)


def _faculty_words(entries: dict[str, Entry]) -> frozenset[str]:
    """Fold keys (with and without the dot) of the lower-case words after the first in the writings of
    pre-nominal degrees: the faculty words "med.", "univ.", "phil.", "techn." of "Dr. med. univ.". Written
    joined by "et" they belong to the doctorate before them: "Dr. phil. et med." holds no MEd."""
    out: set[str] = set()
    for entry in entries.values():
        if entry.cls not in ("degree", "invalid") or "pre" not in entry.placement:
            continue
        for writing, _gender in _writings(entry):
            for part in writing.split()[1:]:
                if part == part.lower() and any(ch.isalpha() for ch in part):
                    out.update((fold_key(part), fold_key(part).rstrip(".")))
    return frozenset(out)


def _name_prefix(writing: str) -> str:
    """The part of a writing that the name prefilter looks for (first word up to its first dot)."""
    first = writing.translate(_CHAR_MAP).split()[0]
    return first.split(".")[0] + "." if "." in first else first


def _add(table: dict[str, set[Candidate]], key: str, cand: Candidate) -> None:
    if key:
        table.setdefault(key, set()).add(cand)


def _freeze(table: dict[str, set[Candidate]]) -> dict[str, frozenset[Candidate]]:
    return {k: frozenset(v) for k, v in table.items()}


def style_of_country(code: str) -> str:
    """The salutation style of a country code: AT, CH (for CH and LI), else DE (SALUTATION_RULES §3)."""
    if code == "AT":
        return "AT"
    return "CH" if code in ("CH", "LI") else "DE"


def _row_styles(row: dict[str, str]) -> frozenset[str]:
    """The styles a row is read in, from its optional ``countries`` column ("CH|LI"); empty = every one."""
    codes = _split(row.get("countries") or "")
    bad = [code for code in codes if not re.fullmatch(r"[A-Z]{2}", code)]
    if bad:
        raise ValueError(
            f"titles.csv row {row.get('abbr')!r}: column countries holds {bad[0]!r}, "
            "expected two-letter country codes separated by | (CH|LI)"
        )
    return frozenset(style_of_country(code) for code in codes)


def rows_for_style(rows: list[dict[str, str]], style: str) -> list[dict[str, str]]:
    """The rows one salutation style reads. A row with ``countries`` is read only there, and there its
    writings win: the general rows lose them, and a general row whose abbreviation it takes is not read
    there at all. In Switzerland a "Regierungsrat" is a cantonal minister (an office), in Austria the
    Berufstitel RegR; a Swiss "NR" is a Nationalrat, an Austrian one an Abgeordneter."""
    own = [row for row in rows if style in _row_styles(row)]
    taken = {
        fold_key(w)
        for row in own
        for column in ("abbr", "variants", "female", "diverse", "long_m", "long_f")
        for w in _split(row.get(column) or "")
    }
    out: list[dict[str, str]] = []
    for row in rows:
        styles = _row_styles(row)
        if (styles and style not in styles) or (not styles and fold_key(row["abbr"]) in taken):
            continue
        if not styles and taken:
            row = dict(row)
            for column in ("variants", "female", "diverse"):
                row[column] = "|".join(w for w in _split(row[column]) if fold_key(w) not in taken)
        out.append(row)
    return out


def _read_rows(path: Path | None) -> list[dict[str, str]]:
    if path is None:
        text = resources.files("governance.titles").joinpath("titles.csv").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter=";"))


def build_vocabulary(rows: list[dict[str, str]]) -> Vocabulary:
    """Build the lookup structures from CSV rows (see titles.csv for the columns)."""
    entries: dict[str, Entry] = {}
    raw_short: dict[str, str] = {}
    for row in rows:
        abbr = row["abbr"].strip()
        placement = row["position"].strip()
        kind = row["kind"].strip()
        sal_at = row["sal_AT"].strip()
        entries[abbr] = Entry(
            abbr=abbr,
            variants=_split(row["variants"]),
            placement=placement,
            female=_split(row["female"]),
            diverse=_split(row["diverse"]),
            kind=kind,
            long_m=_split(row["long_m"])[0] if row["long_m"].strip() else "",
            long_f=_split(row["long_f"])[0] if row["long_f"].strip() else "",
            sal_at=sal_at,
            sal_de=row["sal_DE"].strip(),
            sal_ch=row["sal_CH"].strip(),
            sal_form=row["sal_form"].strip(),
            rank=int(row["rank"] or 0),
            cls=_classify(kind, placement, sal_at),
            short=abbr,
        )
        raw_short[abbr] = row["sal_form"].split("{S}")[0].strip() if "{S}" in row["sal_form"] else ""
    # The salutation writing is the sal_form's leading abbreviation when that is itself an entry.
    for abbr, short in raw_short.items():
        if short in entries and entries[short].cls in ("degree", "invalid"):
            entries[abbr] = _replace_short(entries[abbr], short)

    title_exact: dict[str, set[Candidate]] = {}
    title_fold: dict[str, set[Candidate]] = {}
    name_exact: dict[str, set[Candidate]] = {}
    name_fold: dict[str, set[Candidate]] = {}
    position_exact: dict[str, set[Candidate]] = {}
    position_fold: dict[str, set[Candidate]] = {}
    title_trie, name_trie, name_fold_trie, name_caps_trie = _Trie(), _Trie(), _Trie(), _Trie()
    prefixes: set[str] = set()
    fold_prefixes: set[str] = set()
    any_case: dict[str, set[Candidate]] = {}  # every title writing without case, for CAPS_NAME_DEGREES
    listed = {fold_key(w) for entry in entries.values() for w, _g in _writings(entry)}
    faculty = _faculty_words(entries)
    # Degrees written as one or two capitals (DI, MA, BA): a writing that holds one among other words
    # ("Dipl.-Ing. DI", the DDI) is read in its case forms only, as the degree alone is, so that "di"
    # (unknown on its own) does not turn "Dipl.-Ing. di" into a DDI on the next parse.
    short_degrees = {
        e.abbr
        for e in entries.values()
        if e.cls in ("degree", "post") and e.abbr.isalpha() and len(e.abbr) <= 2
    }
    for entry in entries.values():
        in_title = entry.cls in TITLE_CLASSES or (entry.cls == "function" and "pre" in entry.placement)
        in_position = entry.cls in POSITION_CLASSES
        # built female endings never shadow a writing the vocabulary lists (for any entry)
        built = [
            (w, "f")
            for make in (_female_suffix_writings, _female_long_writings, _bracketed_female_writings)
            for w in make(entry, listed)
        ]
        for writing, gender in _writings(entry) + built:
            cand = Candidate(entry.abbr, gender)
            short = (
                is_short(fold_key(writing))
                or _spaced_capitals(writing)
                or (len(writing.split()) > 1 and any(w in short_degrees for w in writing.split()))
            )
            if in_title:
                _add(any_case, fold_key(writing), cand)
                for w in case_variants(writing) if short else (writing,):
                    _add(title_exact, exact_key(w), cand)
                if not short:
                    _add(title_fold, fold_key(writing), cand)
                title_trie.add(fold_key(writing))
                if _name_safe(writing) and entry.cls != "function" and entry.abbr not in NOT_IN_NAME_FIELDS:
                    _add(name_exact, exact_key(writing), cand)
                    name_trie.add(exact_key(writing))
                    prefixes.add(_name_prefix(writing))
                    if _punctuated(writing) and short:
                        for w in case_variants(writing):
                            _add(name_exact, exact_key(w), cand)
                            name_trie.add(exact_key(w))
                            prefixes.add(_name_prefix(w))
                    elif _punctuated(writing):
                        _add(name_fold, fold_key(writing), cand)
                        name_fold_trie.add(fold_key(writing))
                        fold_prefixes.add(_name_prefix(writing))
            if in_position:
                pos_cand = Candidate(entry.abbr, "") if _epicene(writing, gender, entry) else cand
                _add(position_exact, exact_key(writing), pos_cand)
                _add(position_fold, fold_key(writing), pos_cand)
                for long in (entry.long_m, entry.long_f):
                    if long:
                        g = "f" if long == entry.long_f and long != entry.long_m else "m"
                        g = "" if _epicene(long, g, entry) else g
                        _add(position_exact, exact_key(long), Candidate(entry.abbr, g))
                        _add(position_fold, fold_key(long), Candidate(entry.abbr, g))

    name_caps: set[str] = set()
    for caps in CAPS_NAME_DEGREES:
        cands = any_case.get(fold_key(caps), set())
        if len({c.abbr for c in cands}) == 1:
            for cand in cands:
                _add(name_exact, caps, cand)
            name_caps.add(caps)
            name_caps_trie.add(caps)
            prefixes.add(caps)

    # Case-sensitive for every name-safe writing, case-insensitive for the punctuated ones. A title may
    # follow a separator or a bracket directly ("Huber;MSc", "Huber/MSc", "Huber (Dr.)", "Huber [Dr.]").
    exact = _prefix_trie_regex(prefixes)
    folded = _prefix_trie_regex(p.lower() for p in fold_prefixes)
    # ... and words like degrees after a comma that the vocabulary does not know ("Huber, MD"): flagged
    prefilter = re.compile(rf"(?:^|[\s,;/|(\[])(?:{exact}|(?i:{folded}))|{_UNKNOWN_TITLES_AFTER_COMMA}")
    return Vocabulary(
        entries=entries,
        title_exact=_freeze(title_exact),
        title_fold=_freeze(title_fold),
        title_trie=title_trie.root,
        name_exact=_freeze(name_exact),
        name_trie=name_trie.root,
        name_fold=_freeze(name_fold),
        name_fold_trie=name_fold_trie.root,
        name_caps=frozenset(name_caps),
        name_caps_trie=name_caps_trie.root,
        name_prefilter=prefilter,
        position_exact=_freeze(position_exact),
        position_fold=_freeze(position_fold),
        faculty_words=faculty,
    )


def _prefix_trie_regex(words: Iterable[str]) -> str:
    """A regex that matches where one of ``words`` starts, as a trie ("D(?:I|r)" for DI and Dr): a
    flat alternation of the ~500 writings was tried one by one at every word of every name (0.15 s of
    the title engine's second per million contacts). A word another one starts with adds nothing."""
    root: dict[str, dict] = {}
    for word in sorted(set(words)):  # a word comes before the longer words it starts
        node = root
        for ch in word:
            if "" in node:
                break  # a shorter word ends here already
            node = node.setdefault(ch, {})
        else:
            node.clear()
            node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        if "" in node:
            return ""
        parts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items())]
        return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"

    return emit(root) if root else "(?!)"


def _replace_short(entry: Entry, short: str) -> Entry:
    from dataclasses import replace

    return replace(entry, short=short)


def load_vocabulary(path: str | None = None, style: str = "") -> Vocabulary:
    """The vocabulary from the packaged titles.csv (or another file in the same format), cached.

    ``style`` (AT, DE, CH) adds the rows only that style reads (see `rows_for_style`); a style without
    such rows gets the same object as no style, so that callers may group contacts by vocabulary."""
    return _load_vocabulary(str(path) if path else "", style)


@lru_cache(maxsize=8)
def _load_vocabulary(path: str, style: str) -> Vocabulary:
    rows = _read_rows(Path(path) if path else None)
    if style and not any(style in _row_styles(row) for row in rows):
        return _load_vocabulary(path, "")
    return build_vocabulary(rows_for_style(rows, style))
