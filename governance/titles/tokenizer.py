"""Splitting free text (title field, name fields) into title tokens.

A longest-match scan over a trie of vocabulary keys. Whitespace inside a match is skipped, so missing
and extra spaces do not matter (``Dipl.-Ing.Dr.techn.``, ``Mag. a``, ``DI Dr``). A match must end at a
boundary (end, non-alphanumeric, after a dot, or a lower→upper case change as in ``MagDr``) so that
``Dr`` never matches inside ``Drechsler``. Text that matches nothing becomes an unknown token and is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from governance.titles.vocabulary import (
    BRACKETED_QUALIFIERS,
    NAME_LIKE_POSTNOMINALS,
    RETIREMENT_SUFFIXES,
    RETIRING_CLASSES,
    SCHOOL_QUALIFIERS,
    TITLE_LIKE_WORD,
    Candidate,
    Vocabulary,
    exact_key,
    fold_char,
    fold_key,
    is_short,
)

TITLE_SEPARATORS = frozenset(",;/|+&")
NAME_SEPARATORS = frozenset(",")
# Characters that end a title in a name field like a space ("Huber;MSc", "Huber / MSc"); dropped at the
# ends of the cleaned name only when a title was moved out.
NAME_BREAKS = frozenset(",;/|")


@dataclass(frozen=True)
class TitleToken:
    """One token of a title field or name field, resolved against the vocabulary."""

    surface: str  # as written (inner whitespace kept)
    canonical: str  # canonical writing in the recorded gender form; the surface when not resolved
    entry: str | None  # entry abbreviation; None for unknown or ambiguous tokens
    gender: str  # m | f | d form as written; "" when not resolved
    status: str  # ok | unknown | ambiguous
    source: str  # salutation | title | first_name | last_name
    candidates: tuple[str, ...] = ()  # entries of an ambiguous token
    suffix: str = ""  # a retirement suffix written after the title ("i.R."), part of canonical

    @property
    def noncanonical(self) -> bool:
        return self.status == "ok" and " ".join(self.surface.split()) != self.canonical


def _boundary(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    nxt, prev = text[end], text[end - 1]
    if not nxt.isalnum() or not prev.isalnum():
        return True
    return prev.islower() and nxt.isupper()


def _name_break(text: str, end: int) -> bool:
    return end >= len(text) or text[end].isspace() or text[end] in NAME_BREAKS


def _name_boundary(text: str, end: int) -> bool:
    """End of text, a space or separator, after a dot, or before a dot that ends the word ("PhD.")."""
    if _name_break(text, end) or text[end - 1] == ".":
        return True
    return text[end] == "." and _name_break(text, end + 1)


def _ends(text: str, start: int, trie: dict, casefold: bool, name: bool) -> list[int]:
    """Ends of all vocabulary matches starting at `start` (at a boundary), shortest first."""
    node = trie
    ends: list[int] = []
    j = start
    n = len(text)
    while j < n:
        ch = text[j]
        if ch.isspace():
            j += 1
            continue
        for c in fold_char(ch, casefold):
            node = node.get(c)
            if node is None:
                return ends
        j += 1
        if "" in node and (_name_boundary(text, j) if name else _boundary(text, j)):
            ends.append(j)
    return ends


def _longest(
    text: str,
    start: int,
    ends_at: Callable[[str, int], list[int]],
    seps: frozenset[str],
    is_post: Callable[[str], bool],
) -> int:
    """End of the match to take at `start`, or 0. With several candidates, one token of lookahead:
    "Mag. Mag.phil." is Mag. + Mag.phil., not MMag. + "phil."; "Dr. Dr. in" is Dr. + Dr.in."""
    ends = ends_at(text, start)
    if len(ends) <= 1:
        return ends[0] if ends else 0
    n = len(text)
    best, best_key = ends[-1], (-1, False, False)
    # The one whose following title reaches furthest (a match followed by no title reaches its own end,
    # so "Dr.med. Hans" stays Dr.med. and does not become Dr. + "med."); ties: the one not followed by a
    # post-nominal degree (a faculty suffix belongs to the doctorate before it: "Dr. Dr. med." and
    # "Dr.Dr. med." are Dr. + Dr.med., not DDr. + "med." read as MEd), then the one the writer separated
    # with a space ("Dr. Dr.med." is Dr. + Dr.med.), then the longer.
    for end in reversed(ends):
        k = end
        while k < n and text[k].isspace():
            k += 1
        separated = k > end or k == n or text[k] in seps
        suffix = False
        if k == n or text[k] in seps:
            reach = end
        else:
            nxt = ends_at(text, k)
            reach = nxt[-1] if nxt else end
            suffix = bool(nxt) and is_post(text[k : nxt[-1]])
        key = (reach, not suffix, separated)
        if key > best_key:
            best, best_key = end, key
    return best


def _title_ends(vocab: Vocabulary) -> Callable[[str, int], list[int]]:
    return lambda text, start: _ends(text, start, vocab.title_trie, True, False)


def _name_ends(vocab: Vocabulary, caps: bool) -> Callable[[str, int], list[int]]:
    """Name fields: writings as written (case kept), plus punctuated writings without case, plus (in a
    field written all in capitals) the CAPS_NAME_DEGREES."""

    def ends_at(text: str, start: int) -> list[int]:
        exact = _ends(text, start, vocab.name_trie, False, True)
        more = _ends(text, start, vocab.name_fold_trie, True, True)
        if caps:
            more += _ends(text, start, vocab.name_caps_trie, False, True)
        # A female ending written apart is in lower case ("Mag. a", "Dr. in"): a capital after the space
        # is an initial or a name ("Mag. A. Huber", "Dr. In der Maur").
        more = [end for end in more if not _capital_ending(text[start:end])]
        return sorted(set(exact) | set(more)) if more else exact

    return ends_at


def _capital_ending(written: str) -> bool:
    pieces = written.rsplit(None, 1)
    return (
        len(pieces) == 2 and pieces[1][:1].isupper() and pieces[1].rstrip(".").casefold() in ("a", "in", "x")
    )


def _is_post(vocab: Vocabulary, name: bool) -> Callable[[str], bool]:
    def is_post(surface: str) -> bool:
        tok = make_token(vocab, surface, "", name)
        return tok.entry is not None and vocab.entries[tok.entry].cls == "post"

    return is_post


def _resolve(
    surface: str, exact: dict[str, frozenset[Candidate]], fold: dict[str, frozenset[Candidate]] | None
) -> tuple[str, frozenset[Candidate]]:
    """ok/ambiguous/unknown and the candidates: exact case first, case-insensitive only if needed (the
    fold tables hold no short keys, see vocabulary.is_short: "Sr." is no SR, "sc" no SC)."""
    cands = exact.get(exact_key(surface))
    if not cands and fold is not None:
        cands = fold.get(fold_key(surface))
    if not cands:
        return "unknown", frozenset()
    if len({c.abbr for c in cands}) > 1:
        return "ambiguous", cands
    return "ok", cands


def _pick_gender(cands: frozenset[Candidate]) -> str:
    genders = {c.gender for c in cands}
    for g in ("f", "d", "m"):
        if g in genders:
            return g
    return "m"


def make_token(vocab: Vocabulary, surface: str, source: str, name: bool = False) -> TitleToken:
    exact = vocab.name_exact if name else vocab.title_exact
    status, cands = _resolve(surface, exact, vocab.name_fold if name else vocab.title_fold)
    if status == "ok":
        abbr = next(iter(cands)).abbr
        gender = _pick_gender(cands)
        entry = vocab.entries[abbr]
        return TitleToken(surface, entry.form(gender), abbr, gender, "ok", source)
    written = " ".join(surface.split())
    if status == "ambiguous":
        return TitleToken(
            written, written, None, "", "ambiguous", source, tuple(sorted({c.abbr for c in cands}))
        )
    return TitleToken(written, written, None, "", "unknown", source)


def qualifier_end(
    text: str,
    start: int,
    separators: frozenset[str] = TITLE_SEPARATORS,
    title_at: Callable[[int], bool] = lambda _: False,
    *,
    name_of_school: bool = False,
) -> int:
    """End of the school or programme of a degree starting at `start`, else 0: in brackets ("(WU)",
    "(Open University)"), or a known school in capitals ("ETH" of "MSc ETH") where the field, a
    separator or a title (`title_at`) follows it. ``name_of_school``: words after a known school up to
    the next separator or title are its name ("MSc ETH Zürich", "LL.M. TU Wien"); only where they
    cannot be the person's name (the title field)."""
    if text[start] == "(":
        close = text.find(")", start + 1)
        if close < 0 or "(" in text[start + 1 : close] or _BIRTH_NAME_START.match(text, start + 1):
            return 0  # "(geb. Maier)" after "Huber, MSc" is a birth name, no school
        return close + 1

    def word_end(at: int) -> int:
        while at < len(text) and not text[at].isspace() and text[at] not in separators:
            at += 1
        return at

    end = word_end(start)
    if text[start:end] not in SCHOOL_QUALIFIERS:
        return 0
    while True:
        nxt = end
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        if nxt == len(text) or text[nxt] in separators or title_at(nxt):
            return end
        if text[nxt : word_end(nxt)] in SCHOOL_QUALIFIERS:  # a second school: taken next, flagged then
            return end
        if not name_of_school:
            return 0  # "Huber, MSc ETH Muster": no school of ours; the words stay as they were
        end = word_end(nxt)


def is_qualifier(tok: TitleToken) -> bool:
    """An unknown token naming the university or programme of the degree before it ("LL.M. (WU)",
    "MAS ETH", "MSc ETH Zürich")."""
    if tok.status != "unknown":
        return False
    bracketed = tok.surface.startswith("(") and tok.surface.endswith(")")
    return bracketed or tok.surface.split(maxsplit=1)[0] in SCHOOL_QUALIFIERS


def qualifier_key(tok: TitleToken) -> str:
    """A qualifier's school, bare or in brackets: "(ETH)" and "ETH" name the same one."""
    return " ".join(tok.canonical.strip("() ").split())


def is_known_school(tok: TitleToken) -> bool:
    """A qualifier naming a school of SCHOOL_QUALIFIERS, bare or in brackets, or one of
    BRACKETED_QUALIFIERS in brackets: no unknown title."""
    if not is_qualifier(tok):
        return False
    key = qualifier_key(tok)
    return key in SCHOOL_QUALIFIERS or (key in BRACKETED_QUALIFIERS and tok.surface.startswith("("))


def _is_post_token(vocab: Vocabulary, tok: TitleToken) -> bool:
    return tok.entry is not None and vocab.entries[tok.entry].cls == "post"


def takes_school(vocab: Vocabulary, tok: TitleToken) -> bool:
    """A degree, pre- or post-nominal (in every reading, if ambiguous): the school it was earned at may
    follow it and stays with it ("MSc ETH", "Dr. sc. techn. ETH")."""
    abbrs = (tok.entry,) if tok.entry else tok.candidates
    return bool(abbrs) and all(vocab.entries[a].cls in ("post", "degree") for a in abbrs)


def _joined_faculty(vocab: Vocabulary, tokens: list[TitleToken], surface: str) -> bool:
    """A faculty word in lower case joined by "et" to the doctorate before it ("Dr. phil. et med.",
    "Dr. med. univ. et scient. med."): the faculty of a second doctorate (see `_joined_doctorates`), not
    the degree its letters also spell ("med." = MEd, a post-nominal)."""
    if not tokens or surface != surface.lower() or fold_key(surface) not in vocab.faculty_words:
        return False
    prev = tokens[-1]
    if prev.status != "unknown":
        return False
    word = prev.surface
    return word.casefold() == "et" or (word == word.lower() and fold_key(word) in vocab.faculty_words)


_RETIREMENT = re.compile(r"(?:[iI]\.\s?[RrPp]\.?|[aA]\.\s?[dD]\.?|iR)(?=$|[\s,;/|+&])")


def retirement_suffix(text: str, at: int = 0) -> tuple[int, str] | None:
    """(end, canonical writing) of a retirement suffix ("i.R.", "i. R.", "a.D.") starting at ``at``."""
    found = _RETIREMENT.match(text, at)
    if found is None:
        return None
    canonical = RETIREMENT_SUFFIXES.get("".join(found.group().split()).casefold())
    return (found.end(), canonical) if canonical else None


def without_retirement_suffix(text: str) -> str:
    """``text`` without a retirement suffix at its end, after a space ("Dir. i. R." → "Dir.")."""
    for at in (i for i, ch in enumerate(text) if ch.isspace()):
        retired = retirement_suffix(text, at + 1)
        if retired is not None and retired[0] == len(text) and text[:at].strip():
            return text[:at].strip()
    return text


def _retiring(vocab: Vocabulary, tok: TitleToken) -> bool:
    return (
        tok.status == "ok"
        and not tok.suffix
        and tok.entry is not None
        and (vocab.entries[tok.entry].cls in RETIRING_CLASSES)
    )


@lru_cache(maxsize=65536)
def scan_title(text: str, vocab: Vocabulary) -> tuple[TitleToken, ...]:
    """All tokens of a title field, in written order. Never raises, never drops text."""
    tokens: list[TitleToken] = []
    ends_at = _title_ends(vocab)
    is_post = _is_post(vocab, False)

    def title_at(at: int) -> bool:
        return bool(_longest(text, at, ends_at, TITLE_SEPARATORS, is_post))

    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or ch in TITLE_SEPARATORS:
            i += 1
            continue
        retired = retirement_suffix(text, i)
        if retired is not None:
            end, suffix = retired
            written = " ".join(text[i:end].split())
            # The title it belongs to: the one before it ("HR i.R."), or the last Amts- or Berufstitel,
            # professor title or function before the degrees that follow it ("HR Dr. i.R.").
            at = len(tokens) - 1
            while at >= 0 and not _retiring(vocab, tokens[at]) and tokens[at].status == "ok":
                at -= 1
            if at >= 0 and _retiring(vocab, tokens[at]):  # one title, kept with it in the address
                prev = tokens[at]
                surface, canonical = f"{prev.surface} {written}", f"{prev.canonical} {suffix}"
                tokens[at] = replace(prev, surface=surface, canonical=canonical, suffix=suffix)
            else:  # one unknown token ("i. R." after a position word moves with it, see position_in_title)
                tokens.append(TitleToken(written, written, None, "", "unknown", "title"))
            i = end
            continue
        end = _longest(text, i, ends_at, TITLE_SEPARATORS, is_post)
        if end and _joined_faculty(vocab, tokens, text[i:end]):
            written = " ".join(text[i:end].split())
            tokens.append(TitleToken(written, written, None, "", "unknown", "title"))
            i = end
            continue
        if end:
            tok = make_token(vocab, text[i:end], "title")
            if tok.status != "unknown":  # a short key in the wrong case ("Sr.", "sc") is unknown text
                tokens.append(tok)
                i = end
                continue
        # A school after a degree ("MBA (Open University)", "MSc ETH", "Dr. sc. techn. ETH") is one token,
        # kept with it.
        after_degree = bool(tokens) and takes_school(vocab, tokens[-1])
        k = qualifier_end(text, i, title_at=title_at, name_of_school=True) if after_degree else 0
        if k:
            tokens.append(make_token(vocab, text[i:k], "title"))
            i = k
            continue
        # Unknown text: up to whitespace/separator, or up to a dot after which a known title starts.
        k = i
        while k < n and not text[k].isspace() and text[k] not in TITLE_SEPARATORS:
            k += 1
            if text[k - 1] == "." and k < n and (title_at(k) or retirement_suffix(text, k)):
                break
        chunk = text[i:k]
        if chunk.startswith(".") and tokens and tokens[-1].status == "ok" and tokens[-1].source == "title":
            # A dot written after a title ("HR. Dr.", "Dr..", "KommR.in"): part of that title's writing.
            merged = make_token(vocab, tokens[-1].surface + chunk, "title")
            if merged.status == "ok":
                tokens[-1] = merged
                i = k
                continue
            if not chunk.strip("."):  # only dots: a variant writing of the title before
                tokens[-1] = replace(tokens[-1], surface=tokens[-1].surface + chunk)
                i = k
                continue
        tokens.append(make_token(vocab, chunk, "title"))
        i = k
    return tuple(_contracted(vocab, _joined_doctorates(vocab, tokens)))


def _contracted(vocab: Vocabulary, tokens: list[TitleToken]) -> list[TitleToken]:
    """Two titles in a row whose canonical writings together write one title of the vocabulary are that
    title: "Dr Dr" is "Dr. Dr.", the DDr., "DI. Dipl Ing" the DDI, as their canonical writings read."""
    out: list[TitleToken] = []
    for tok in tokens:
        prev = out[-1] if out else None
        if prev is not None and prev.status == tok.status == "ok" and not prev.suffix and not tok.suffix:
            joined = make_token(vocab, f"{prev.canonical} {tok.canonical}", "title")
            if joined.status == "ok":
                out[-1] = replace(joined, surface=f"{prev.surface} {tok.surface}")
                continue
        out.append(tok)
    return out


def _doctorate(vocab: Vocabulary, tok: TitleToken) -> bool:
    return tok.status == "ok" and tok.entry is not None and vocab.entries[tok.entry].is_doctorate


def _joined_doctorates(vocab: Vocabulary, tokens: list[TitleToken]) -> list[TitleToken]:
    """Two doctorates joined by "et" (usual in Germany and Switzerland): "Dr. med. et Dr. phil." holds
    Dr. med. and Dr. phil., and "Dr. med. et phil." the same, its second doctorate written with the
    faculty only. The "et" was an unknown title, "phil." an unknown word."""
    out: list[TitleToken] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.status == "unknown" and tok.surface.casefold() == "et" and out and _doctorate(vocab, out[-1]):
            j = i + 1
            while j < len(tokens) and tokens[j].status == "unknown" and tokens[j].surface.islower():
                j += 1
            if j > i + 1:  # the faculty words of a second doctorate
                written = " ".join(t.surface for t in tokens[i + 1 : j])
                second = make_token(
                    vocab, f"{'Dr.in' if out[-1].gender == 'f' else 'Dr.'} {written}", "title"
                )
                if _doctorate(vocab, second):
                    out.append(replace(second, surface=f"{tok.surface} {written}"))
                    i = j
                    continue
            elif j < len(tokens) and _doctorate(vocab, tokens[j]) and tokens[j].entry != out[-1].entry:
                i = j  # a connector only
                continue
            elif j < len(tokens) and _doctorate(vocab, tokens[j]):
                # one doctorate twice: "Dr. et Dr." is "Dr. Dr.", the DDr.; any other is left for a person
                both = make_token(vocab, f"{out[-1].surface} {tokens[j].surface}", "title")
                if _doctorate(vocab, both):
                    out[-1] = replace(both, surface=f"{out[-1].surface} {tok.surface} {tokens[j].surface}")
                    i = j + 1
                    continue
        out.append(tok)
        i += 1
    return out


@dataclass(frozen=True)
class NameParse:
    """A name field with its titles moved out."""

    clean: str
    tokens: tuple[TitleToken, ...]
    misplaced: bool  # a pre-nominal after the name or a post-nominal before it


def clean_name(text: str) -> str:
    return " ".join(text.split())


# A birth name written after the name ("Huber (geb. Maier)", "Huber geb. Maier", "Dupont née Martin"):
# no part of the name a letter addresses ("Sehr geehrte Frau Huber (geb. Maier)," was the result).
_BIRTH_MARK = r"(?:geb\.\s?|geborene\s|née\s)"
_BIRTH_NAME_START = re.compile(rf"\s*{_BIRTH_MARK}", re.IGNORECASE)
_BIRTH_NAME = re.compile(rf"\s*(?:\({_BIRTH_MARK}[^()]*\)|,?\s{_BIRTH_MARK}.*)$", re.IGNORECASE)


# Typed for a name nobody knew: no name to address anyone by (§3 rule 7).
_NAME_PLACEHOLDERS = frozenset(
    {"n.n.", "n.n", "nn", "nn.", "n. n.", "xx", "xxx", "unbekannt", "unknown", "n/a", "n.a.", "k.a.", "k. a."}
    | {"tbd", "null", "none", "nachname", "vorname", "name", "0"}
)
# Abbreviations a name may end in: "Huber sen.", "Smith Jr.", "Hans J."
_NAME_END_ABBREVIATIONS = frozenset({"jun", "sen", "jr", "sr"})


def _without_stray_punctuation(name: str) -> str:
    """A name without the comma, semicolon or colon typed before or after it ("Müller," printed as
    "Sehr geehrter Herr Müller,,"), nor a full stop after a whole word ("Müller."); an initial or an
    abbreviation keeps its full stop ("Hans J.", "Hans-P.", "Huber sen.")."""
    name = name.strip(",;: ")
    if name.endswith(".") and not name.endswith(".."):
        word = re.split(r"[\s-]", name)[-1][:-1]  # "Hans-P." ends in the initial "P"
        if len(word) > 2 and "." not in word and word.casefold() not in _NAME_END_ABBREVIATIONS:
            name = name[:-1].rstrip(",;: ")
    return name


def clean_person_name(text: str) -> str:
    """A first or last name with its spaces normalised and without a birth name after it; "" when it
    holds no letter or digit: "-", "." or "?" typed to get past a mandatory field is no name to address
    anyone by (§3 rule 7), nor is "N.N." or "unbekannt"."""
    name = clean_name(text)
    # a cheap filter first (a million names a night): a space always comes before the birth name
    if " " in name and ("eb" in name or "EB" in name or "é" in name or "É" in name):
        without = _BIRTH_NAME.sub("", name)
        name = without if any(ch.isalnum() for ch in without) else name
    if name and (name[-1] in ",;:." or name[0] in ",;:"):
        name = _without_stray_punctuation(name)
    if name.casefold() in _NAME_PLACEHOLDERS:
        return ""
    return name if any(ch.isalnum() for ch in name) else ""


def _name_match(
    text: str,
    start: int,
    source: str,
    vocab: Vocabulary,
    caps_name: bool,
    ends_at: Callable[[str, int], list[int]],
    is_post: Callable[[str], bool],
) -> tuple[TitleToken, int] | None:
    """The title token starting at `start` of a name field and its end, or None."""
    end = _longest(text, start, ends_at, NAME_BREAKS, is_post)
    if not end:
        return None
    written = text[start:end]
    # In a field written all in capitals, a bare abbreviation (MA, DI) may be a name: keep it. Degrees
    # that cannot be names (MBA, PHD, DR) are titles there too.
    if caps_name and not any(c in written for c in ".-(") and exact_key(written) not in vocab.name_caps:
        return None
    tok = make_token(vocab, written, source, name=True)
    if tok.status == "unknown":
        return None
    if end < len(text) and text[end] == ".":  # a dot that ends the word: "Huber PhD."
        dotted = make_token(vocab, written + ".", source, name=True)
        tok = dotted if dotted.status != "unknown" else replace(tok, surface=tok.surface + ".")
        end += 1
    return tok, end


def _strip_breaks(name: str) -> str:
    """The name without separators left at its ends by a moved-out title ("Huber /" of "Huber / MSc",
    "Huber -" of "Huber - MSc")."""
    return " ".join(name.strip("".join(NAME_BREAKS) + " -–—").split())


_INITIAL = re.compile(r"(?:[^\W\d_]\.-?)+")
_TITLE_LIKE_TAIL = re.compile(rf"{TITLE_LIKE_WORD}(?:\s+{TITLE_LIKE_WORD})*\s*")


def _title_like(text: str) -> bool:
    """``text`` holds only words like degrees, none of them a name's initials ("H.-P.") or "jun."."""
    return bool(_TITLE_LIKE_TAIL.fullmatch(text)) and not any(
        w.rstrip(".").casefold() in _NAME_END_ABBREVIATIONS or _INITIAL.fullmatch(w) for w in text.split()
    )


def _unknown_titles_after_comma(text: str, at: int) -> bool:
    """From ``at`` to the end, after a comma, ``text`` holds only words like degrees (see `scan_name`)."""
    return text[:at].rstrip().endswith(",") and _title_like(text[at:])


# Words of a company's name: a last-name field holding one is no person's name to split ("Huber AG, Hans").
_COMPANY_WORDS = frozenset(
    {"gmbh", "ag", "kg", "og", "e.u.", "se", "gesmbh", "ges.m.b.h.", "co", "co.", "&", "holding", "gruppe"}
    | {"e.v.", "verein", "stiftung", "ltd", "ltd.", "inc", "inc.", "sa", "sarl", "srl", "bv", "nv"}
)


_BRACKETED_AT_END = re.compile(r"(?:\(([^()]*)\)|\[([^\[\]]*)\])\s*$")


def _unbracket_titles(text: str, vocab: Vocabulary) -> str:
    """Titles in brackets at the end of a name field ("Müller (Dr.)", "Hans (MSc)") are titles after the
    name, as after a comma. A nickname, a birth name or a school in brackets ("(Hansi)", "(geb. Maier)",
    "MBA (WU)") stays, and so does a two-letter abbreviation without a dot, which is as often a
    department ("Huber (HR)", "(MA)") as a title, unless it is a degree written before the name ("Huber
    (DI)"). Square brackets count as round ones ("Huber [Dr.]")."""
    match = _BRACKETED_AT_END.search(text) if "(" in text or "[" in text else None
    if match is None:
        return text
    inside = match.group(1) if match.group(1) is not None else match.group(2)
    tokens = scan_title(inside, vocab)
    known = bool(tokens) and all(
        tok.status == "ok"
        and tok.entry
        and (
            "." in tok.surface
            or not is_short(fold_key(tok.surface))
            or (vocab.entries[tok.entry].cls == "degree" and "pre" in vocab.entries[tok.entry].placement)
        )
        for tok in tokens
    )
    return f"{text[: match.start()]}, {inside}" if known else text


def _degree_follows(text: str, end: int, title_at: Callable[[int], bool]) -> bool:
    """Whether a space and then a title follow ``end``: "Huber MAS MBA" holds two degrees."""
    start = end
    while start < len(text) and text[start] == " ":
        start += 1
    return start > end and start < len(text) and title_at(start)


_GENERATION = re.compile(r"(?i)(?:jun|sen|jr|sr)\.?")
_NOT_GIVEN_NAMES = re.compile(rf"(?i)\s*(?:{_BIRTH_MARK}|(?:jun|sen|jr|sr)\.?(?:\s|$))")


@lru_cache(maxsize=65536)
def split_full_name(last_name: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """(surname, given names) of a whole name typed into the last-name field the way lists sort it,
    "Huber, Hans" (the first-name field empty); None for anything else. After the comma there must be a
    word that is no title ("Huber, MSc" is a surname and its degree), no birth name ("Huber, geb. Maier")
    and no "jun."; "Hans Huber" without a comma stays as written: a double surname reads the same."""
    text = " ".join(last_name.split())
    surname, comma, given = text.partition(",")
    surname, given = surname.strip(), given.strip()
    if not comma or not surname or not given or _NOT_GIVEN_NAMES.match(given):
        return None
    if _title_like(given) and not surname.isupper():
        return None  # "Huber, MD": a degree the vocabulary does not know, not a first name
    if any(word.strip(",()").casefold() in _COMPANY_WORDS for word in text.split()):
        return None  # "Huber AG, Hans", "GmbH, Huber": a company's name
    names = [
        tok
        for tok in scan_title(given, vocab)
        if tok.status == "unknown" and not is_qualifier(tok) and retirement_suffix(tok.surface) is None
    ]
    if not any(sum(ch.isalpha() for ch in tok.surface) >= 2 for tok in names):
        return None
    last_word = given.rsplit(" ", 1)
    if len(last_word) == 2 and _GENERATION.fullmatch(last_word[1]):  # "Huber, Hans jun.": Hans Huber jun.
        given, surname = last_word[0], f"{surname} {last_word[1]}"
    return surname, given


@lru_cache(maxsize=65536)
def scan_name(text: str, source: str, vocab: Vocabulary) -> NameParse:
    """Move titles out of a first/last name field. Only called when the prefilter regex matched."""
    if not vocab.name_prefilter.search(text):
        return NameParse(clean_person_name(text), (), False)
    text = _unbracket_titles(text, vocab)
    letters = [c for c in text if c.isalpha()]
    all_upper = bool(letters) and all(c.isupper() for c in letters)
    words_written = text.split()
    # "DI J.", "DR H.-P.": capitals for a title and initials, no name in capitals to keep a bare
    # abbreviation as (see _name_match)
    initials_only = len(words_written) > 1 and all(_INITIAL.fullmatch(w) for w in words_written[1:])
    caps_name = all_upper and not initials_only
    words: list[str] = []
    tokens: list[TitleToken] = []
    misplaced = False
    ends_at = _name_ends(vocab, all_upper)
    is_post_text = _is_post(vocab, True)

    def title_at(at: int) -> bool:
        return _name_match(text, at, source, vocab, caps_name, ends_at, is_post_text) is not None

    # The last thing read was a post-nominal, or a degree written after the name the Swiss way ("Muster,
    # dipl. Ing. HTL"): its school may follow. Before the name a school would be a surname ("DR. KIT").
    after_degree = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or ch in NAME_SEPARATORS:
            i += 1
            continue
        found = _name_match(text, i, source, vocab, caps_name, ends_at, is_post_text)
        if (
            found is not None
            and found[0].canonical in NAME_LIKE_POSTNOMINALS
            and not (
                after_degree
                or text[:i].rstrip().endswith(tuple(NAME_SEPARATORS))
                or _degree_follows(text, found[1], title_at)
            )
        ):
            found = None  # "Kumar DAS" is a surname; "Meier, DAS" and "Meier MAS MBA" degrees
        if found is not None:
            tok, end = found
            is_post = _is_post_token(vocab, tok)
            if is_post and (source == "first_name" or not words):
                misplaced = True
            if not is_post and source == "last_name" and words:
                misplaced = True
            tokens.append(tok)
            after_degree = is_post or (bool(words) and takes_school(vocab, tok))
            i = end
            continue
        k = qualifier_end(text, i, NAME_BREAKS, title_at) if after_degree else 0
        if k:  # "Huber, LL.M. (WU)", "Muster, MAS ETH": the school goes with the degree, not into the surname
            tokens.append(make_token(vocab, text[i:k], source, name=True))
            i = k  # after_degree stays: a second school ("MSc ETH/EPFL") goes with it too, flagged unknown
            while i < n and text[i] in NAME_BREAKS and text[i] not in NAME_SEPARATORS:
                i += 1
            continue
        after_degree = False
        if source == "last_name" and words and not all_upper and _unknown_titles_after_comma(text, i):
            # "Huber, MD", "Huber, akad. Vkfm.": degrees the vocabulary does not know, kept and flagged,
            # not printed as part of the surname ("Sehr geehrter Herr Huber, MD,")
            tokens.extend(TitleToken(w, w, None, "", "unknown", source) for w in text[i:].split())
            break
        # A word: up to whitespace or a comma, or up to a separator after which a title starts.
        k = i
        while k < n and not text[k].isspace() and text[k] not in NAME_SEPARATORS:
            k += 1
            if text[k - 1] in NAME_BREAKS and k < n and title_at(k):
                break
        words.append(text[i:k])
        i = k
    if not tokens:
        return NameParse(clean_person_name(text), (), False)
    return NameParse(clean_person_name(_strip_breaks(" ".join(words))), tuple(tokens), misplaced)
