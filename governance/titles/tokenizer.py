"""Splitting free text (title field, name fields) into title tokens.

A longest-match scan over a trie of vocabulary keys. Whitespace inside a match is skipped, so missing
and extra spaces do not matter (``Dipl.-Ing.Dr.techn.``, ``Mag. a``, ``DI Dr``). A match must end at a
boundary (end, non-alphanumeric, after a dot, or a lower→upper case change as in ``MagDr``) so that
``Dr`` never matches inside ``Drechsler``. Text that matches nothing becomes an unknown token and is kept.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from governance.titles.vocabulary import Candidate, Vocabulary, exact_key, fold_char, fold_key

TITLE_SEPARATORS = frozenset(",;/|+&")
NAME_SEPARATORS = frozenset(",")


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


def _name_boundary(text: str, end: int) -> bool:
    return end >= len(text) or text[end].isspace() or text[end] in NAME_SEPARATORS or text[end - 1] == "."


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


def _longest(text: str, start: int, ends_at: Callable[[str, int], list[int]], seps: frozenset[str]) -> int:
    """End of the match to take at `start`, or 0. With several candidates, one token of lookahead:
    "Mag. Mag.phil." is Mag. + Mag.phil., not MMag. + "phil."; "Dr. Dr. in" is Dr. + Dr.in."""
    ends = ends_at(text, start)
    if len(ends) <= 1:
        return ends[0] if ends else 0
    n = len(text)
    best, best_key = ends[-1], (-1, False)
    # The one whose following title reaches furthest (a match followed by no title reaches its own end,
    # so "Dr.med. Hans" stays Dr.med. and does not become Dr. + "med."); ties: the one the writer
    # separated with a space ("Dr. Dr.med." is Dr. + Dr.med., not DDr. + "med." read as MEd), then the
    # longer.
    for end in reversed(ends):
        k = end
        while k < n and text[k].isspace():
            k += 1
        separated = k > end or k == n or text[k] in seps
        if k == n or text[k] in seps:
            reach = end
        else:
            nxt = ends_at(text, k)
            reach = nxt[-1] if nxt else end
        if (reach, separated) > best_key:
            best, best_key = end, (reach, separated)
    return best


def _title_ends(vocab: Vocabulary) -> Callable[[str, int], list[int]]:
    return lambda text, start: _ends(text, start, vocab.title_trie, True, False)


def _name_ends(vocab: Vocabulary) -> Callable[[str, int], list[int]]:
    """Name fields: writings as written (case kept), plus punctuated writings without case."""

    def ends_at(text: str, start: int) -> list[int]:
        exact = _ends(text, start, vocab.name_trie, False, True)
        folded = _ends(text, start, vocab.name_fold_trie, True, True)
        return sorted(set(exact) | set(folded)) if folded else exact

    return ends_at


def _resolve(
    surface: str, exact: dict[str, frozenset[Candidate]], fold: dict[str, frozenset[Candidate]] | None
) -> tuple[str, frozenset[Candidate]]:
    """ok/ambiguous/unknown and the candidates: exact case first, case-insensitive only if needed."""
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


@lru_cache(maxsize=65536)
def scan_title(text: str, vocab: Vocabulary) -> tuple[TitleToken, ...]:
    """All tokens of a title field, in written order. Never raises, never drops text."""
    tokens: list[TitleToken] = []
    ends_at = _title_ends(vocab)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or ch in TITLE_SEPARATORS:
            i += 1
            continue
        end = _longest(text, i, ends_at, TITLE_SEPARATORS)
        if end:
            tokens.append(make_token(vocab, text[i:end], "title"))
            i = end
            continue
        # Unknown text: up to whitespace/separator, or up to a dot after which a known title starts.
        k = i
        while k < n and not text[k].isspace() and text[k] not in TITLE_SEPARATORS:
            k += 1
            if text[k - 1] == "." and k < n and _longest(text, k, ends_at, TITLE_SEPARATORS):
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
    return tuple(tokens)


@dataclass(frozen=True)
class NameParse:
    """A name field with its titles moved out."""

    clean: str
    tokens: tuple[TitleToken, ...]
    misplaced: bool  # a pre-nominal after the name or a post-nominal before it


def strip_invisible(text: str) -> str:
    """Input text without invisible format characters (Unicode category Cf: zero-width space U+200B,
    BOM U+FEFF, soft hyphen U+00AD, joiners, direction marks), removed before anything is tokenised."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def clean_name(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def scan_name(text: str, source: str, vocab: Vocabulary) -> NameParse:
    """Move titles out of a first/last name field. Only called when the prefilter regex matched."""
    if not vocab.name_prefilter.search(text):
        return NameParse(clean_name(text), (), False)
    letters = [c for c in text if c.isalpha()]
    all_upper = bool(letters) and all(c.isupper() for c in letters)
    words: list[str] = []
    tokens: list[TitleToken] = []
    misplaced = False
    ends_at = _name_ends(vocab)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or ch in NAME_SEPARATORS:
            i += 1
            continue
        end = _longest(text, i, ends_at, NAME_SEPARATORS)
        # In a field written all in capitals, a bare abbreviation (MA, DI) may be a name: keep it.
        if end and not (all_upper and not any(c in text[i:end] for c in ".-(")):
            tok = make_token(vocab, text[i:end], source, name=True)
            if tok.status != "unknown":
                is_post = tok.entry is not None and vocab.entries[tok.entry].cls == "post"
                if is_post and (source == "first_name" or not words):
                    misplaced = True
                if not is_post and source == "last_name" and words:
                    misplaced = True
                tokens.append(tok)
                i = end
                continue
        k = i
        while k < n and not text[k].isspace() and text[k] not in NAME_SEPARATORS:
            k += 1
        words.append(text[i:k])
        i = k
    if not tokens:
        return NameParse(clean_name(text), (), False)
    return NameParse(" ".join(words), tuple(tokens), misplaced)
