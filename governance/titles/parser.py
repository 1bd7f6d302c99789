"""Parsing the parts of a contact: salutation → gender, country → style, title tokens, position.

Each function works on one distinct value (or one distinct combination) and is cached, so the same
code serves `parse_contact` (one record) and `parse_contacts` (a frame, per distinct value).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from governance.text import strip_invisible
from governance.titles.countries import world_country_code
from governance.titles.tokenizer import (
    NameParse,
    TitleToken,
    clean_name,
    is_known_school,
    is_qualifier,
    qualifier_key,
    retirement_suffix,
    scan_title,
    takes_school,
    without_retirement_suffix,
)
from governance.titles.vocabulary import (
    Vocabulary,
    case_variants,
    exact_key,
    fold_key,
    is_short,
    style_of_country,
)

# Flag codes in the stable order in which they are reported. TITLE_IN_NAME_FIELD means "a title stood in
# a field that is not the title field": first_name, last_name or the salutation field ("Frau Mag.a").
ISSUE_ORDER: tuple[str, ...] = (
    "NAME_MISSING",
    "TITLE_IN_NAME_FIELD",
    "TITLE_UNKNOWN",
    "TITLE_AMBIGUOUS",
    "TITLE_INVALID",
    "TITLE_MISPLACED",
    "TITLE_NONCANONICAL",
    "TITLE_GENDER_CONFLICT",
    "POSITION_IN_TITLE_FIELD",
    "TITLE_IN_POSITION_FIELD",
    "NAME_IN_ONE_FIELD",
)
ISSUE_BIT = {code: 1 << i for i, code in enumerate(ISSUE_ORDER)}

GENDERS: tuple[str, ...] = ("m", "f", "d", "unknown")
STYLES: tuple[str, ...] = ("AT", "DE", "CH")

_SALUTATIONS = {
    "herr": "m",
    "herrn": "m",
    "hr": "m",
    "hrn": "m",
    "mr": "m",
    "mister": "m",
    "monsieur": "m",
    "frau": "f",
    "fr": "f",
    "ms": "f",
    "mrs": "f",
    "miss": "f",
    "madame": "f",
    "mme": "f",
    "mademoiselle": "f",
    "mlle": "f",
    "fräulein": "f",
    "frl": "f",
    # Italian-speaking Switzerland and foreign contacts
    "signor": "m",
    "signore": "m",
    "signora": "f",
    "señor": "m",
    "señora": "f",
    "senhor": "m",
    "senhora": "f",
    "divers": "d",
    "div": "d",
    "mx": "d",
}

# "Herr und Frau", "Frau/Herr", "Mr. & Mrs.": a couple, not one person. No gender can be told, so the
# record is not salutation-ready (its owner splits it); the words are no titles either.
_SALUTATION_ALTERNATION = "|".join(sorted(map(re.escape, _SALUTATIONS), key=len, reverse=True))
_COUPLE = re.compile(
    rf"(?i)(?:{_SALUTATION_ALTERNATION})\.?\s*(?:und|u\.|and|et|e|y|&|\+|/)\s*(?:{_SALUTATION_ALTERNATION})\.?(?=\s|$)"
)

_COUNTRIES = {
    "": "AT",
    "at": "AT",
    "aut": "AT",
    "österreich": "AT",
    "oesterreich": "AT",
    "austria": "AT",
    "de": "DE",
    "deu": "DE",
    "deutschland": "DE",
    "germany": "DE",
    "ch": "CH",
    "che": "CH",
    "schweiz": "CH",
    "switzerland": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "li": "LI",
    "lie": "LI",
    "liechtenstein": "LI",
    # official names (address data from public registers)
    "republik österreich": "AT",
    "bundesrepublik deutschland": "DE",
    "schweizerische eidgenossenschaft": "CH",
    "fürstentum liechtenstein": "LI",
    # vehicle / postal prefixes and sports codes seen in CRM country fields
    "a": "AT",
    "d": "DE",
    "sui": "CH",
    "fl": "LI",
}

# Words after an office/function that make the rest a qualifier: "Bürgermeisterin der Stadt Graz".
_CONNECTORS = frozenset(
    {"der", "des", "von", "vom", "zum", "zur", "für", "im", "in", "bei", "am", "an", "a.d.", "i.r.", "i.p."}
)


def issues_text(bits: int) -> str:
    """Flag codes of a bit mask, ";"-joined in ISSUE_ORDER."""
    return ";".join(code for code in ISSUE_ORDER if bits & ISSUE_BIT[code])


# A letter's greeting typed into the salutation field ("Sehr geehrte Frau"): the salutation word follows.
_GREETINGS = ("sehr geehrte ", "sehr geehrter ", "liebe ", "lieber ", "dear ")


def _salutation_word(text: str) -> tuple[str, str] | None:
    """(gender, rest) when `text` starts with a salutation word (Herr, Frau, Mr., Divers …, any case),
    also after a letter's greeting ("Sehr geehrte Frau")."""
    folded = text.casefold()
    for greeting in _GREETINGS:
        if folded.startswith(greeting):
            text = text[len(greeting) :].strip()
            break
    couple = _COUPLE.match(text)
    if couple:
        return "unknown", text[couple.end() :].strip()
    key = text.casefold().rstrip(".").strip()
    if key in _SALUTATIONS:
        return _SALUTATIONS[key], ""
    # The word ends at a space, or at a dot, comma or hyphen typed in its place ("Hr.Dr.", "Herr-Dr.",
    # "Herr,"): what follows is titles.
    found = _SALUTATION_HEAD.match(text)
    gender = _SALUTATIONS.get(found.group(1).casefold()) if found else None
    if gender is None:  # glued to a title ("HerrDr.", "FrauMag.a"), not to the rest of a word ("Herrmann")
        found = _SALUTATION_GLUED.match(text)
        gender = _SALUTATIONS.get(found.group(1).casefold()) if found else None
    return (gender, text[found.end() :].strip()) if gender else None


_SALUTATION_HEAD = re.compile(r"([^\W\d_]+)(?:\.?\s+|\.|\s*[,;:/-]\s*|$)")
_SALUTATION_GLUED = re.compile(rf"((?i:{_SALUTATION_ALTERNATION}))(?=[A-ZÄÖÜ])")


@lru_cache(maxsize=4096)
def parse_salutation(value: str) -> str:
    """Gender from the salutation field's leading salutation word: m, f, d or unknown."""
    found = _salutation_word(" ".join(value.split()))
    return found[0] if found else "unknown"


@dataclass(frozen=True)
class SalutationParse:
    """The salutation field: gender of its salutation word and the title tokens written after it."""

    gender: str  # m | f | d | unknown
    tokens: tuple[TitleToken, ...]  # titles typed into the field ("Frau Mag.a"), source "salutation"


@lru_cache(maxsize=65536)
def parse_salutation_field(value: str, vocab: Vocabulary) -> SalutationParse:
    """A leading salutation word, then title tokens scanned with the title vocabulary ("Herr Prof. Dr.",
    "Frau HRin Dr.", "Dr.", "Sehr geehrte Frau Dr."). Unknown words after a salutation word are kept as
    unknown tokens. A field without a salutation word is read as titles only when it holds a known title;
    otherwise (e.g. "Firma") it is no salutation and no title."""
    text = " ".join(value.split())
    found = _salutation_word(text)
    gender, rest = found if found else ("unknown", text)
    if not rest:
        return SalutationParse(gender, ())
    tokens = tuple(replace(t, source="salutation") for t in scan_title(rest, vocab))
    if not found and all(t.status == "unknown" for t in tokens):
        return SalutationParse(gender, ())
    return SalutationParse(gender, tokens)


# Separators between the parts of a country field that names one country twice: "Schweiz (CH)",
# "CH - Schweiz", "Österreich/Austria".
_COUNTRY_PARTS = re.compile(r"[()\[\]/,;|]|\s*-\s*")


def _country_code(key: str) -> str | None:
    # "CH-", "A-": the country prefix of a postal code; then the rest of the world by name
    return _COUNTRIES.get(key) or _COUNTRIES.get(key.rstrip("-").strip() or key) or world_country_code(key)


@lru_cache(maxsize=4096)
def parse_country(value: str) -> tuple[str, str]:
    """(normalised country code, salutation style). Unknown countries keep their code, DE style.

    A field that names one country in several known ways ("Schweiz (CH)", "CH - Schweiz") is that
    country: left unknown, a Swiss contact was written in the DE style (titles and a comma)."""
    key = " ".join(strip_invisible(value).split()).casefold()
    code = _country_code(key)
    if code is None:
        parts = [part.strip() for part in _COUNTRY_PARTS.split(key) if part.strip()]
        codes = {_country_code(part) for part in parts}
        code = codes.pop() if len(parts) > 1 and len(codes) == 1 and None not in codes else key.upper()
    return code, style_of_country(code)


@dataclass(frozen=True)
class PositionParse:
    """The position field: which office/function/position it names (if any)."""

    text: str  # cleaned text as written
    entry: str | None
    gender: str  # gender of the form written (m/f), "" when no entry or a form both genders hold
    kind: str  # office | function | plain | ""
    rest: str  # qualifier after the office word ("der Stadt Graz", ", Marktgemeinde Pöchlarn")
    bits: int  # issue bits
    lead: str = ""  # an ordinal before the office word ("Zweite")
    before: str = ""  # positions joined before the addressed one, as written with their joiner ("CEO und ")
    after: str = ""  # ... and after it (" und Landtagsabgeordnete", "/Landtagsabgeordneter")

    def canonical(self, gender: str, vocab: Vocabulary) -> str:
        """Canonical text in the person's gender (the written form's gender when that is not m/f)."""
        if self.entry is None:
            return self.text
        g = gender if gender in ("m", "f") else self.gender
        if g not in ("m", "f"):  # a form both genders hold, for a person of unknown gender: as written
            return self.text
        entry = vocab.entries[self.entry]
        word = entry.long(g) if entry.long_m else entry.form(g)
        own = glue(glue(gendered_ordinal(self.lead, g), word), self.rest)
        return f"{self.before}{own}{self.after}"

    @property
    def others(self) -> str:
        """The positions joined to the addressed one, as written, without it ("A, B und C" addressed as
        B: "A und C"): the line under the name when line 1 writes out the addressed one."""
        before = _JOINER_END.sub("", self.before.strip())
        joiner = _JOINER_START.match(self.after.strip())
        after = self.after.strip()[joiner.end() :] if joiner else self.after.strip()
        if not (before and after and joiner):
            return before or after
        sep = joiner.group().strip()
        return f"{before}{sep} {after}" if sep in ",;" else f"{before} {sep} {after}"

    @property
    def salutation_entry(self) -> str:
        """The entry that may enter the salutation (office or address function), else ""."""
        return (self.entry or "") if self.kind in ("office", "function") else ""

    @property
    def salutation_rest(self) -> str:
        """The qualifier that goes with the salutation entry into the address ("a.D."), else ""."""
        return self.rest if self.salutation_entry else ""

    @property
    def salutation_lead(self) -> str:
        """What precedes the salutation entry in the address ("Zweite"), else ""."""
        return self.lead if self.salutation_entry else ""

    @property
    def salutation_others(self) -> str:
        """The positions joined to the salutation entry (`others`), else ""."""
        return self.others if self.salutation_entry else ""


def glue(left: str, right: str) -> str:
    """Two pieces of a position joined by a space; a comma or semicolon starting ``right`` follows
    ``left`` directly ("Bürgermeister, Marktgemeinde Pöchlarn")."""
    if not left or not right:
        return left or right
    return left + right if right[0] in ",;" else f"{left} {right}"


# An ordinal before an office: "2. Nationalratspräsidentin", "Zweiter Landtagspräsident", "Erste
# Vizebürgermeisterin" (the written-out ones are adjectives and take the person's gender).
_ORDINAL = re.compile(r"(?:\d{1,2}\.\s*|(?i:erst|zweit|dritt|viert|fünft)(?:e|er|es|en)?\s+)(?=\w)")
_ORDINAL_WORD = re.compile(r"(?<!\S)((?i:erst|zweit|dritt|viert|fünft))(?:e|er|es|en)?$")


def gendered_ordinal(lead: str, gender: str) -> str:
    """``lead`` with a written-out ordinal at its end in the nominative of ``gender`` ("Zweiter" for a
    man, "Zweite" for a woman); anything else as written."""
    return _ORDINAL_WORD.sub(
        lambda m: m.group(1)[0].upper() + m.group(1)[1:].lower() + ("e" if gender == "f" else "er"), lead
    )


def _lookup_position(vocab: Vocabulary, text: str) -> tuple[str, set[str], str]:
    cands = vocab.position_exact.get("".join(text.split())) or vocab.position_fold.get(fold_key(text))
    if not cands:
        return "none", set(), ""
    abbrs = {c.abbr for c in cands}
    if len(abbrs) > 1:
        return "ambiguous", abbrs, ""
    genders = {c.gender for c in cands}
    # "" for a form both genders hold (see vocabulary._epicene): the position then tells no gender.
    return "ok", abbrs, "f" if "f" in genders else ("m" if "m" in genders else "")


def _kind_of(vocab: Vocabulary, abbr: str) -> str:
    cls = vocab.entries[abbr].cls
    return cls if cls in ("office", "function") else "plain"


# Words after an office that make it another position: its deputy, its office staff, a candidate.
_NOT_A_PLACE = frozenset(
    {"stv.", "stv", "stellv.", "stellvertreter", "stellvertreterin", "stellvertretung", "büro", "vize"}
    | {"sekretariat", "assistenz", "assistent", "assistentin", "referent", "referentin", "kandidat"}
    | {"kandidatin", "designiert", "designierter", "designierte", "ehem.", "ehemaliger", "ehemalige"}
)


# Words of a place name or portfolio that are written in lower case ("Zell am See", "Bruck an der Mur",
# "St. Johann im Pongau", "Gesundheit und Pflege").
_PLACE_PARTICLES = frozenset(
    {"am", "an", "der", "die", "im", "in", "bei", "ob", "auf", "unter", "vor", "zum", "und", "&"}
)
# Endings of the words for an office's staff ("Sekretärin", "Büroleiter", "Pressesprecherin"): with one, the
# office's name says whose staff, not where.
_STAFF_ENDINGS = (
    "sekretär", "sekretärin", "leiter", "leiterin", "mitarbeiter", "mitarbeiterin", "sprecher", "sprecherin",
    "referent", "referentin", "assistent", "assistentin", "chef", "chefin", "direktor", "direktorin",
    "fahrer", "fahrerin", "berater", "beraterin", "manager", "managerin", "koordinator", "koordinatorin",
    "präsident", "präsidentin", "obmann", "obfrau", "vorsitzender", "vorsitzende", "vorstand",
)  # fmt: skip
_STAFF_STARTS = ("kabinett", "sekretariat", "büro", "stellv", "assistenz", "presse")
# Company legal forms: "Präsident GmbH" is somebody's rank in a company.
_LEGAL_FORMS = frozenset({"gmbh", "ag", "kg", "og", "e.u.", "se", "ges.m.b.h.", "gesmbh", "e.v.", "verein"})
# Offices that are also a company's or an association's rank: with a department or region after them
# ("Präsident Vertrieb", "Präsident Region Süd") they are that rank, not the public office.
_RANKS_TOO = frozenset({"präsident", "präsidentin", "vizepräsident", "vizepräsidentin"})


def _another_position(vocab: Vocabulary, word: str) -> bool:
    """``word`` is a company position or function of the vocabulary ("Geschäftsführer", "GF"); a public
    body named as an office ("Präsident Bundesrat", "Abgeordneter Nationalrat") is the office's place."""
    status, abbrs, _gender = _lookup_position(vocab, word)
    return status != "none" and any(_kind_of(vocab, a) != "office" for a in abbrs)


def _names_a_place(text: str, vocab: Vocabulary, office: str) -> bool:
    """``text`` (after the office ``office`` as written) can be its place or portfolio: one to three
    capitalised words, with the lower-case particles of place names between them ("Graz", "St. Pölten",
    "Zell am See", "Finanzen"), no digits, no title, no position of the vocabulary and no word for its
    staff or deputy ("Bürgermeister Stv.", "Landesrat Pressesprecher"). After a rank that companies
    have too, a department or region is the company's ("Präsident Vertrieb")."""
    words = text.split()
    capitalised = [word for word in words if word.casefold() not in _PLACE_PARTICLES]
    folded = [word.casefold() for word in words]
    return (
        0 < len(capitalised) <= 3
        and words[0] in capitalised
        and words[-1] in capitalised
        and all(word[0].isupper() and not any(ch.isdigit() for ch in word) for word in capitalised)
        and not any(word in _NOT_A_PLACE or word in _LEGAL_FORMS for word in folded)
        and not any(word.endswith(_STAFF_ENDINGS) or word.startswith(_STAFF_STARTS) for word in folded)
        and not any(_another_position(vocab, word) for word in capitalised)
        and not (office.casefold() in _RANKS_TOO and _departments(text))
        and all(tok.status == "unknown" for tok in scan_title(text, vocab))
    )


def _ambiguous_office(vocab: Vocabulary, status: str, abbrs: set[str]) -> int:
    """TITLE_AMBIGUOUS when an abbreviation before a place or connector may be an office or function."""
    if status != "ambiguous" or {_kind_of(vocab, a) for a in abbrs} == {"plain"}:
        return 0
    return ISSUE_BIT["TITLE_AMBIGUOUS"]


@lru_cache(maxsize=65536)
def parse_position(value: str, vocab: Vocabulary) -> PositionParse:
    """Recognise an office or address function; anything else is a plain position kept as written. Also
    after an ordinal ("Zweite Präsidentin des Nationalrates") and as one of several positions joined in
    the field ("Bürgermeisterin und Landtagsabgeordnete", "Generaldirektor und CEO")."""
    text = clean_name(value)
    if not text:
        return PositionParse("", None, "", "", "", 0)
    # Positions of the vocabulary joined in the field come first: "Bürgermeister der Stadt Graz und
    # Landtagsabgeordneter" is two, "Landesrätin für Gesundheit und Pflege" one with its portfolio.
    joined = _joined_positions(text, vocab, strict=True) if _JOINERS.search(text) else None
    if joined is not None:
        return joined
    found = _position_part(text, vocab)
    if found.entry is not None or found.bits:
        return found
    return _joined_positions(text, vocab, strict=False) or found


# A position written for either gender ("Bürgermeister/in", "Direktor/-in", "Primar(in)").
_BOTH_GENDERS = re.compile(r"\s*(?:/-?in|\(in\))$")


def _position_part(text: str, vocab: Vocabulary) -> PositionParse:
    """One position (`_one_position`), or an office after an ordinal. A position written for either
    gender is that position, in the person's gender, flagged TITLE_NONCANONICAL."""
    both = _BOTH_GENDERS.search(text)
    if both is not None and both.start() > 0:
        found = _position_part(text[: both.start()], vocab)
        if found.entry is not None:
            bits = found.bits | ISSUE_BIT["TITLE_NONCANONICAL"]
            return replace(found, text=text, gender="", bits=bits)
    found = _one_position(text, vocab)
    ordinal = _ORDINAL.match(text) if found.entry is None and not found.bits else None
    if ordinal is not None:
        office = _one_position(text[ordinal.end() :], vocab)
        if office.kind == "office":
            lead = glue(text[: ordinal.end()].strip(), office.lead)
            return replace(office, text=text, lead=lead)
    return found


# What joins two positions in one field: "Bürgermeister und Landtagsabgeordneter", "Generaldirektor &
# CEO", "Bürgermeister, Marktgemeinde Pöchlarn", "Bürgermeister/Landtagsabgeordneter"; a slash before a
# female ending is none ("Direktor/in", "Bürgermeister/-in").
_JOINERS = re.compile(r"\s+(?:und|u\.|&|sowie)\s+|\s*[,;|+]\s*|\s+[-–]\s+|\s*/(?!-?in(?:nen)?\b)\s*")
_JOINER_START = re.compile(r"^(?:(?:und|u\.|&|sowie)\s+|[,;|+/–-]\s*)")
_JOINER_END = re.compile(r"(?:\s+(?:und|u\.|&|sowie)|\s*[,;|+/–-])$")
# "Vorstand" alone is a member of a company's board, addressed as Vorstandsdirektor (also with a
# portfolio: "Vorstand Finanzen"); with the institute or department it heads after it, it is the head
# of one ("Vorstand des Instituts für Maschinenbau", "Vorstand Abteilung Innere Medizin"), a plain
# position.
_HEAD_OF_UNIT = frozenset({"vorstand", "vorständin"})
_UNITS = ("abteilung", "institut", "klinik", "universitätsklinik", "department", "station", "lehrstuhl")
# Functions that also head a company's department ("Direktor Vertrieb"): beside words that are no
# position of the vocabulary they are a plain position. Every other function is addressed as such
# wherever it stands ("Generaldirektor AUVA", "Primaria Abteilung Innere Medizin").
_DEPARTMENT_FUNCTIONS = frozenset({"Direktor"})
# Words for an office's staff after it ("Bürgermeister, Sekretariat"): not the office holder.
_STAFF_WORDS = (
    "sekretär", "sekretärin", "assistent", "assistentin", "referent", "referentin", "mitarbeiter",
    "mitarbeiterin", "sprecher", "sprecherin", "fahrer", "fahrerin", "berater", "beraterin", "büro",
)  # fmt: skip
# ... and words for its office or a stand-in ("Generaldirektor Stabsstelle", "Primar i.V.", "Primaria
# supplierend", "Bürgermeister in Vertretung").
_STAND_IN_WORDS = frozenset(
    {
        "stab",
        "stabsstelle",
        "office",
        "vorzimmer",
        "vertretung",
        "i.v.",
        "i.v",
        "iv",
        "interim",
        "kommissarisch",
    }
    | {"supplierend", "supplierender", "supplierende", "interimistisch", "interimistischer"}
    | {"interimistische", "kommissarischer", "kommissarische", "geschäftsführend", "geschäftsführender"}
)


def _words(text: str) -> list[str]:
    return [w.strip(",;()") for w in text.casefold().split()]


def _stands_in(text: str) -> bool:
    """``text`` (beside an office) names a stand-in or the office's own staff unit ("i.V.", "Stabsstelle")."""
    return any(word in _STAND_IN_WORDS for word in _words(text))


def _staff_of(text: str) -> bool:
    """``text`` (beside an office) names its staff, its deputy, a stand-in or a candidate for it."""
    return _stands_in(text) or any(
        word in _NOT_A_PLACE or word.startswith(_STAFF_STARTS) or word.endswith(_STAFF_WORDS)
        for word in _words(text)
    )


def _retired(part: PositionParse) -> bool:
    return any(word in _RETIRED for word in part.rest.split())


def _joined_positions(text: str, vocab: Vocabulary, strict: bool) -> PositionParse | None:
    """The office or address function among several positions joined in the field: a sitting one before
    a retired one ("a.D."), the office before a function, then the higher rank, then the first written.
    A rank a company or club has too, without its own qualifier, is none ("Präsident und
    Geschäftsführer"). ``strict``: every part is a position of the vocabulary; the others are kept
    apart (`PositionParse.others`). Else, written first, what follows it (naming no staff) is its
    qualifier after a comma ("Bürgermeister, Marktgemeinde Pöchlarn") or another position after "und";
    written later, every other part is one word of a job ("Landwirt und Bürgermeister"). None when
    there is no such part."""
    spans: list[tuple[int, int]] = []
    start = 0
    for joiner in _JOINERS.finditer(text):
        spans.append((start, joiner.start()))
        start = joiner.end()
    spans.append((start, len(text)))
    spans = [(a, b) for a, b in spans if text[a:b].strip()]
    if len(spans) < 2:
        return None
    parts = [_position_part(text[a:b], vocab) for a, b in spans]
    known = all(p.entry is not None for p in parts)
    if strict and not known:
        return None
    if any(p.bits & ISSUE_BIT["TITLE_AMBIGUOUS"] for p in parts):
        return PositionParse(text, None, "", "plain", "", ISSUE_BIT["TITLE_AMBIGUOUS"])
    ranked = [
        ((not _retired(p), p.kind == "office", vocab.entries[p.entry].rank, -i), i)
        for i, p in enumerate(parts)
        if p.entry is not None
        and p.kind in ("office", "function")
        and not (p.entry.casefold() in _RANKS_TOO and not p.rest)
    ]
    if not ranked:
        return None
    best = max(ranked)[1]
    part, (a, b) = parts[best], spans[best]
    rank_too = part.kind == "office" and part.entry.casefold() in _RANKS_TOO  # a club's "Präsident" too
    if len({p.entry for p in parts}) == 1:  # one position twice ("Bürgermeister/Bürgermeisterin")
        genders = {p.gender for p in parts}
        bits = part.bits | (ISSUE_BIT["TITLE_NONCANONICAL"] if len(genders) > 1 else 0)
        return replace(part, text=text, gender=genders.pop() if len(genders) == 1 else "", bits=bits)
    if strict:
        return replace(part, text=text, before=text[:a], after=text[b:])
    after = text[b:].strip()
    if best != 0:
        # After other words only when each is one word of a job of its own, no staff and no title
        # ("Landwirt und Bürgermeister", "Facharzt und Oberarzt"; not "Referentin für Bürgermeister und
        # Gemeinderat", and "Hofrat und Direktor" is a title and a position, see titles_in_position).
        others = [text[x:y].strip() for i, (x, y) in enumerate(spans) if i != best]
        if all(
            len(o.split()) == 1
            and o.isalpha()
            and not _staff_of(o)
            and all(tok.status == "unknown" for tok in scan_title(o, vocab))
            for o in others
        ):
            return None if rank_too else replace(part, text=text, before=text[:a], after=text[b:])
        return None
    if _staff_of(after) or rank_too:  # "Präsident, Verein der Freunde": a rank the club has too
        return None
    if part.kind == "function" and part.entry in _DEPARTMENT_FUNCTIONS:
        return None  # "Direktor, Vertrieb"
    joiner = _JOINER_START.match(after)
    if joiner is None or joiner.group().strip() in (",", ";", "-", "–"):
        return replace(part, text=text, rest=glue(part.rest, after))  # its place, as after "der"
    return replace(part, text=text, after=text[b:])  # "Primar und Ärztlicher Direktor": another position


_RETIRED = frozenset({"a.D.", "i.R.", "i.P."})


def _one_position(text: str, vocab: Vocabulary) -> PositionParse:
    """One office, function or position of the vocabulary, with its qualifier; else a plain position."""
    status, abbrs, gender = _lookup_position(vocab, text)
    rest = ""
    if status == "none":
        head, _, tail = text.partition(" ")
        retired = retirement_suffix(tail)
        if retired is not None and retired[0] == len(tail):  # "a. D.", "iR": written as "a.D.", "i.R."
            tail = retired[1]
        if (
            tail
            and head.casefold() in _HEAD_OF_UNIT
            and (tail.split()[0].casefold() in _CONNECTORS or tail.split()[0].casefold().startswith(_UNITS))
        ):
            return PositionParse(text, None, "", "plain", "", 0)  # "Vorstand des Instituts für ..."
        if tail and tail.split()[0].casefold() in _CONNECTORS:
            if _stands_in(tail):
                return PositionParse(text, None, "", "plain", "", 0)  # "Bürgermeister in Vertretung"
            status, abbrs, gender = _lookup_position(vocab, head)
            rest = tail
            if status != "ok":
                return PositionParse(text, None, "", "plain", "", _ambiguous_office(vocab, status, abbrs))
        elif tail and _names_a_place(tail, vocab, head):
            # A public office with its place or portfolio ("Bürgermeister Graz", "Landesrat Finanzen"), as
            # with "der" or "für"; a function with a department stays a plain position ("Direktor
            # Vertrieb").
            found = _lookup_position(vocab, head)
            if found[0] == "ok" and _kind_of(vocab, next(iter(found[1]))) == "office":
                status, abbrs, gender = found
                rest = tail
            elif found[0] == "ambiguous":  # "BM Finanzen": a Bundesminister not addressed as one
                return PositionParse(text, None, "", "plain", "", _ambiguous_office(vocab, *found[:2]))
        if status == "none" and tail and not _staff_of(tail):
            # A function addressed as such wherever it stands, with its organisation or department
            # ("Generaldirektor AUVA", "Primaria Abteilung Innere Medizin", "Vorstandsdirektor Finanzen").
            found = _lookup_position(vocab, head)
            abbr = next(iter(found[1]), "")
            if (
                found[0] == "ok"
                and _kind_of(vocab, abbr) == "function"
                and abbr not in _DEPARTMENT_FUNCTIONS
                and not _JOINER_START.match(tail)
                and not any(_lookup_position(vocab, word)[0] != "none" for word in tail.split())
                and all(tok.status == "unknown" for tok in scan_title(tail, vocab))
            ):
                status, abbrs, gender = found
                rest = tail
    if status == "none":
        return PositionParse(text, None, "", "plain", "", 0)
    if status == "ambiguous":
        kinds = {_kind_of(vocab, a) for a in abbrs}
        # Two plain positions behind one abbreviation change nothing in the salutation.
        if kinds == {"plain"}:
            return PositionParse(text, None, "", "plain", "", 0)
        return PositionParse(text, None, "", "plain", "", ISSUE_BIT["TITLE_AMBIGUOUS"])
    abbr = next(iter(abbrs))
    entry = vocab.entries[abbr]
    head_written = text[: len(text) - len(rest)].strip() if rest else text
    written_forms = {entry.form("m"), entry.form("f"), entry.long_m, entry.long_f} - {""}
    bits = 0 if head_written in written_forms else ISSUE_BIT["TITLE_NONCANONICAL"]
    return PositionParse(text, abbr, gender, _kind_of(vocab, abbr), rest, bits)


@dataclass(frozen=True)
class OfficeMove:
    """An office or address function typed into the title field ("Bgm.", "Generaldirektor")."""

    title: str  # the title field without it (its other tokens, space-joined)
    position: str  # the position field to parse: the token when the field was empty, else as it was


def _short_case_ok(vocab: Vocabulary, text: str, abbr: str) -> bool:
    """A short writing (every word at most two letters: BR, GD, LH) is read in a title field only in the
    case forms `case_variants` allows, as the title vocabulary reads HR or SR: "br" in "br h.c." is no
    Bundesrat (moved, it left "h.c." behind, which the next parse joined to a "Dr." as Dr. h.c.)."""
    if not is_short(text):
        return True
    entry = vocab.entries[abbr]
    key = exact_key(text)
    writings = (entry.abbr, *entry.variants, *entry.female, *entry.diverse, entry.long_m, entry.long_f)
    return any(
        fold_key(w) == fold_key(text) and key in {exact_key(v) for v in case_variants(w)}
        for w in writings
        if w
    )


def _position_kind(vocab: Vocabulary, text: str) -> str:
    """ "office" for an office or address function of the vocabulary (one entry), "plain" for a plain
    position, "" for anything else (a short office in a case the vocabulary does not allow, "br"). A
    retirement suffix after it changes nothing ("Dir. i.R.")."""
    status, abbrs, _gender = _lookup_position(vocab, without_retirement_suffix(text))
    if status != "ok":
        return ""
    abbr = next(iter(abbrs))
    if vocab.entries[abbr].cls == "position":
        return "plain"
    return (
        "office"
        if _kind_of(vocab, abbr) in ("office", "function") and _short_case_ok(vocab, text, abbr)
        else ""
    )


# Words that run on after a position in the title field ("Direktor Vertrieb", "CEO & Founder"): the
# departments and functions of a company, a closed list. Any other word (a surname, a town: "Bürgermeister
# Graz", "Direktor Huber") ends no run: the position moves alone and the word stays for a person to read.
_DEPARTMENTS = frozenset(
    {
        *("vertrieb", "verkauf", "einkauf", "technik", "finanzen", "finanz", "controlling", "marketing"),
        *("it", "edv", "personal", "hr", "produktion", "logistik", "forschung", "entwicklung", "f&e"),
        *("r&d", "qualität", "qualitätsmanagement", "qm", "recht", "legal", "kommunikation", "presse"),
        *("pr", "buchhaltung", "rechnungswesen", "export", "import", "service", "kundendienst"),
        *("kundenservice", "organisation", "verwaltung", "administration", "operations", "sales"),
        *("finance", "procurement", "purchasing", "engineering", "technology", "development", "research"),
        *("produktmanagement", "innovation", "strategie", "strategy", "business", "support"),
        *("digitalisierung", "digital", "compliance", "treasury", "steuern", "tax", "audit", "revision"),
        *("international", "key", "account", "accounts", "großkunden", "geschäftskunden", "privatkunden"),
        *("firmenkunden", "nord", "süd", "ost", "west", "mitte", "dach", "founder", "co-founder"),
        *("gründer", "mitgründer", "inhaber", "gesellschafter", "partner", "owner", "kaufmännisch"),
        *("technisch", "human", "resources", "customer", "success", "product", "sales", "ausbildung"),
    }
)
# Markets and regions a company position is responsible for ("Geschäftsführer CEE", "Direktor Region
# Süd"). After a public office they name its place ("Botschafter Schweiz", "Bürgermeister See"): no run.
_REGIONS = frozenset(
    {
        *("region", "österreich", "deutschland", "schweiz", "austria", "germany", "switzerland", "europa"),
        *("europe", "cee", "see", "emea", "apac", "global", "national", "amerika", "americas", "asien"),
        *("asia", "osteuropa", "westeuropa", "zentraleuropa", "nordamerika", "lateinamerika", "latam"),
    }
)
_RUN_CONNECTORS = frozenset({"und", "and", "für", "for", "of", "&", "u"})


def _departments(text: str, regions: bool = True) -> bool:
    """``text`` (what follows a position) names departments or functions only ("Vertrieb & Marketing",
    "F&E", "IT/Organisation", "Einkauf und Logistik"), and regions when ``regions``; connectors alone
    ("und") name none."""
    words = _DEPARTMENTS | _REGIONS if regions else _DEPARTMENTS
    named = False
    for piece in re.split(r"[\s,;|+]+", text.casefold()):
        piece = piece.strip(".")
        if not piece or piece in _RUN_CONNECTORS:
            continue
        parts = [piece] if piece in words else [part for part in re.split(r"[&/-]", piece) if part]
        if not parts or not all(part in words for part in parts):
            return False
        named = True
    return named


def _as_written(text: str, run: Sequence[TitleToken]) -> str:
    """The run of tokens as ``text`` writes it, with the separators between them ("F&E", "CEO &
    Founder"); joined by spaces where the tokens do not appear as such."""
    first = text.find(run[0].surface)
    last = text.find(run[-1].surface, first + len(run[0].surface)) if first >= 0 else -1
    if first < 0 or last < 0:
        return " ".join(tok.surface for tok in run)
    return " ".join(text[first : last + len(run[-1].surface)].split())


def _departments_to_the_end(tokens: Sequence[TitleToken], start: int, at: int) -> bool:
    """A known title that is also a department ("HR": Hofrat or Human Resources) at ``at`` runs on after
    the plain position at ``start`` when the position and its run are the whole field ("Geschäftsführer
    HR", "CEO HR & IT"). Beside another title it stays a title ("Dr. Abteilungsleiter HR": a Hofrat in a
    Landesregierung), and after an office or function too ("Direktor HR Mag.": a school principal)."""
    return (
        all(tok.status == "unknown" for tok in tokens[:start])
        and all(tok.status == "unknown" or tok.surface.casefold() in _DEPARTMENTS for tok in tokens[at:])
        and _departments(" ".join(tok.surface for tok in tokens[at:]))
    )


def _glued_positions(title: str, tokens: tuple[TitleToken, ...], vocab: Vocabulary) -> tuple[TitleToken, ...]:
    """A title and the unknown text glued to it that together write one office or function ("MagDir",
    "Mag.-Dir.": Magistratsdirektor, not Mag. and a Direktor) become that one unknown token."""
    out: list[TitleToken] = []
    for tok in tokens:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.status == tok.status == "unknown"
            and retirement_suffix(tok.surface) is not None
            and _position_kind(vocab, prev.surface) in ("office", "function")
        ):  # "Dir. i.R.": the suffix moves with the function (parse_position keeps it as its qualifier)
            written = f"{prev.surface} {tok.surface}"
            out[-1] = TitleToken(written, written, None, "", "unknown", "title")
            continue
        if prev is not None and prev.status != "unknown" and tok.status == "unknown":
            written = prev.surface + tok.surface
            if written in title and _position_kind(vocab, written) in ("office", "function"):
                out[-1] = TitleToken(written, written, None, "", "unknown", "title")
                continue
        out.append(tok)
    return tuple(out)


def scan_title_field(title: str, vocab: Vocabulary) -> tuple[TitleToken, ...]:
    """The tokens of a title field (`scan_title`), a function glued to a title kept as one token
    ("MagDir Dr.": "MagDir" and "Dr.", not "Mag.", "Dir" and "Dr.")."""
    return _glued_positions(title, scan_title(title, vocab), vocab)


@lru_cache(maxsize=65536)
def position_in_title(title: str, vocab: Vocabulary, run_on: bool = True) -> tuple[str, str] | None:
    """(title without the token, token) when exactly one token of the title field is no title but an
    office or address function of the vocabulary; else None. Two different such tokens are left alone
    (which one is the position?); the same office written twice ("Bgm. Dr. Bgm.") is one, and all of
    its tokens go: left in the title, the copy was moved on the next parse of the cleaned record.

    A plain position moves too, more carefully, since its abbreviations collide with foreign degrees
    ("MD" is also Doctor of Medicine) and its words run on ("Geschäftsführer Technik"): only written
    with more than two letters ("Rechtsanwalt Dr.", "CEO", not "RA"), and only when every other token
    of the field is a known title. A short writing still counts as a second position ("Dr. StB WP").

    ``run_on``: departments that follow a position written with more than two letters, up to the next
    known title, belong to it ("Direktor Vertrieb", "Mag. Abteilungsleiter Einkauf"): the whole run
    moves when every other token is a known title (see `_DEPARTMENTS`). Off for a salutation field."""
    if not title:
        return None
    tokens = scan_title_field(title, vocab)
    kinds = [_position_kind(vocab, tok.surface) if tok.status == "unknown" else "" for tok in tokens]
    found = [i for i, kind in enumerate(kinds) if kind]
    if not found or len({parse_position(tokens[i].surface, vocab).entry for i in found}) != 1:
        return None
    if run_on and len(found) == 1 and not is_short(tokens[found[0]].surface):
        start = end = found[0]
        while (
            end + 1 < len(tokens)
            and not kinds[end + 1]
            and (
                tokens[end + 1].status == "unknown"
                or (kinds[start] == "plain" and _departments_to_the_end(tokens, start, end + 1))
            )
        ):
            end += 1
        others = [tok for i, tok in enumerate(tokens) if not start <= i <= end]
        public_office = parse_position(tokens[start].surface, vocab).kind == "office"
        if (
            end > start
            and all(tok.status != "unknown" for tok in others)
            and _departments(_as_written(title, tokens[start + 1 : end + 1]), regions=not public_office)
        ):
            return " ".join(tok.surface for tok in others), _as_written(title, tokens[start : end + 1])
    if kinds[found[0]] == "plain" and (
        all(is_short(tokens[i].surface) for i in found)
        or any(tok.status == "unknown" for i, tok in enumerate(tokens) if i not in found)
    ):
        return None
    rest = " ".join(tok.surface for i, tok in enumerate(tokens) if i not in found)
    return rest, tokens[found[0]].surface


def move_position_out_of_title(
    title: str, position: str, vocab: Vocabulary, run_on: bool = True
) -> OfficeMove | None:
    """The office or address function a CRM user typed into the title field goes where it belongs: into an
    empty position field, or nowhere when the position field already names the same entry; beside a
    plain job of the position field it is joined to it ("Bürgermeister / Geschäftsführer"). Beside a
    different office or function it stays an unknown title for a person to resolve (``run_on``: see
    `position_in_title`; a run that cannot move is tried without its words)."""
    found = position_in_title(title, vocab, run_on)
    if found is None:
        return None
    rest, token = found
    if not position.strip():
        return OfficeMove(title=rest, position=token)
    if titles_only(position, vocab):
        # The position field holds titles only ("Hofrat"): the office is the position, and the titles
        # join the title field, as they would have left an empty position field.
        return OfficeMove(title=" ".join(f"{rest} {position}".split()), position=token)
    # The entry the title field names: that of the run's head ("Direktor" of "Direktor Vertrieb").
    head = position_in_title(title, vocab, run_on=False) if run_on else found
    moved = parse_position(head[1] if head else token, vocab).entry
    in_position = parse_position(position, vocab).entry
    written = " ".join(position.split()).casefold()
    if (
        written == " ".join(title.split()).casefold()
        and in_position is not None
        and in_position == moved
        and all(tok.status == "unknown" for tok in scan_title(rest, vocab))
    ):
        # The whole title field copies the position field: one position, with what the run did not
        # take ("Bürgermeister Graz" in both: "Graz" names the office's place, and is no title).
        return OfficeMove(title="", position=position)
    # The position field names the same entry: it wins, with the run the title field wrote after it
    # ("Direktor Vertrieb" beside "Direktor"; the raw title keeps "Vertrieb" for the owner to read).
    if " ".join(token.split()).casefold() == written or (moved is not None and in_position == moved):
        return OfficeMove(title=rest, position=position)
    # An office or function beside a plain job of its own field: the person holds both, joined as
    # positions are ("Bgm." and "Geschäftsführer": addressed as Bürgermeister, the job under the name).
    # Beside another office or function the token stays an unknown title: which one is addressed?
    beside = parse_position(position, vocab)
    if (
        moved is not None
        and _kind_of(vocab, moved) in ("office", "function")
        and beside.kind not in ("office", "function")
        and not beside.bits
        and titles_in_position(position, vocab) is None  # titles there move to the titles instead
    ):
        return OfficeMove(title=rest, position=f"{token} / {' '.join(position.split())}")
    return move_position_out_of_title(title, position, vocab, run_on=False) if run_on else None


@lru_cache(maxsize=65536)
def position_in_salutation(salutation: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """(salutation word with whatever precedes it, text after it) when the text after the salutation
    word holds an office or address function ("Herr Generaldirektor", "Sehr geehrte Frau Bürgermeisterin",
    "Herr Dr. Direktor"), see `position_in_title`; else None."""
    text = " ".join(salutation.split())
    found = _salutation_word(text)
    if found is None or not found[1] or not text.endswith(found[1]):
        return None
    rest = found[1]
    if position_in_title(rest, vocab, run_on=False) is None:
        return None
    return text[: len(text) - len(rest)].strip(), rest


def move_position_out_of_salutation(salutation: str, position: str, vocab: Vocabulary) -> OfficeMove | None:
    """An office or address function typed after the salutation word is moved as one typed into the title
    field (`move_position_out_of_title`); the salutation word stays. Left there it was an unknown title
    written before the name ("Herrn\nBürgermeister Hans Huber"). ``OfficeMove.title`` holds the new
    salutation field."""
    found = position_in_salutation(salutation, vocab)
    if found is None:
        return None
    head, rest = found
    move = move_position_out_of_title(rest, position, vocab, run_on=False)
    if move is None:
        return None
    return OfficeMove(title=f"{head} {move.title}".strip(), position=move.position)


# The classes a position field may hold by mistake and that then join the titles: Amts- and Berufstitel,
# degrees, professor and lecturer titles, post-nominal degrees.
_TITLE_CLASSES = frozenset({"berufstitel", "degree", "professor", "lecturer", "post"})


def _title_not_position(tok: TitleToken, vocab: Vocabulary) -> bool:
    """A title token of a position field that is no job. An Amts- or Berufstitel counts written out
    ("Hofrat") or abbreviated with three letters or more ("KommR"): in a position field "HR" is Human
    Resources, "AR" the supervisory board, "KR" may be a Swiss Kantonsrat. A degree, professor or
    post-nominal counts only abbreviated ("Dr.", "Prof.", "MBA"), never as a word that is also a job
    or a rank ("Meister", "Professor"), and a two-letter post-nominal never ("MA" is a Mitarbeiter)."""
    if tok.status != "ok" or tok.entry is None:
        return False
    entry = vocab.entries[tok.entry]
    if entry.cls not in _TITLE_CLASSES:
        return False
    written = " ".join(tok.surface.split())
    written_out = {entry.long_m.casefold(), entry.long_f.casefold()} - {""}
    if entry.cls == "berufstitel":
        return written.casefold() in written_out or not is_short(fold_key(written))
    if written.casefold() in written_out:
        return False
    return entry.cls != "post" or not is_short(fold_key(written))


@dataclass(frozen=True)
class PositionTitles:
    """Titles typed into the position field: the whole field ("Hofrat", "Mag.a", "Prof. Dr."), or beside a
    position of the vocabulary ("Dr. Geschäftsführer", "Primar Dr.", "Geschäftsführer, MBA")."""

    tokens: tuple[TitleToken, ...]
    rest: str  # the position beside them, as written ("" for titles only; the whole field for a chair)


# What may stand between a job and its titles in a position field ("Geschäftsführer / MBA").
_POSITION_SEPARATORS = " ,;/|-–—"
_POSITION_BREAKS = tuple(_POSITION_SEPARATORS.strip())


@lru_cache(maxsize=65536)
def titles_in_position(position: str, vocab: Vocabulary) -> PositionTitles | None:
    """The titles of the position field, when it holds titles only (see `_title_not_position`), or titles
    before or after a position of the vocabulary; else None. Anything else stays the position as written:
    "MBA Student" and "Leiter MBA" name a programme, "Assistenz Dr." whose assistant, "Ing. Büro Huber" a
    firm ("Hofrat i.R." is the title with its retirement suffix). A post-nominal after the position
    counts only after a comma or another separator ("Geschäftsführer, MBA")."""
    text = clean_name(position)
    if not text or parse_position(text, vocab).entry is not None:
        return None
    tokens = scan_title(text, vocab)
    lead: list[TitleToken] = []
    rest = text
    for tok in tokens:
        if not _title_not_position(tok, vocab) or not rest.startswith(tok.surface):
            break
        lead.append(tok)
        rest = rest[len(tok.surface) :].lstrip(_POSITION_SEPARATORS)
        rest = rest[m.end() :] if (m := _JOINER_START.match(rest)) else rest  # "Hofrat und Direktor"
    if lead:
        if not rest or parse_position(rest, vocab).entry is not None:
            return PositionTitles(tuple(lead), rest)
        if rest.split()[0].casefold() in _CONNECTORS and all(
            vocab.entries[tok.entry].cls == "professor" and tok.entry != "Prof." for tok in lead
        ):  # "Universitätsprofessor für Innere Medizin": the title, and the chair stays the position
            # ("Prof. für Informatik" may be a teacher's subject: a position as written)
            return PositionTitles(tuple(lead), text)
        return None
    trail: list[TitleToken] = []
    for tok in reversed(tokens):
        if not _title_not_position(tok, vocab) or not rest.endswith(tok.surface):
            break
        before = rest[: len(rest) - len(tok.surface)]
        if _is_post(vocab, tok) and not before.rstrip(" ").endswith(_POSITION_BREAKS):
            break  # "Leiter MBA": the programme
        trail.insert(0, tok)
        rest = before.rstrip(_POSITION_SEPARATORS)
    if trail and rest and parse_position(rest, vocab).entry is not None:
        return PositionTitles(tuple(trail), rest)
    return None


def titles_only(position: str, vocab: Vocabulary) -> bool:
    """The position field holds titles and nothing else ("Hofrat", "Prof. Dr.")."""
    found = titles_in_position(position, vocab)
    return found is not None and not found.rest


def move_title_out_of_position(title: str, position: str, vocab: Vocabulary) -> OfficeMove | None:
    """Titles typed into the position field go to the titles (in their canonical writing), unless the
    title field already holds them; the engine's position is what followed them, if anything. Left
    where they were, the salutation would drop them (§3) and the address print them as a job."""
    found = titles_in_position(position, vocab)
    if found is None:
        return None
    held = {t.entry for t in scan_title(title, vocab)}
    # A professor title of the title field is the one the person holds: "Prof. Dr." beside the position
    # "Universitätsprofessor" is one professor, not two in the address.
    professor = any(e is not None and vocab.entries[e].cls == "professor" for e in held)
    added = " ".join(
        t.canonical
        for t in found.tokens
        # a held title is added again with its retirement suffix ("HR" beside "Hofrat i.R."): one title
        if (t.entry not in held or t.suffix) and not (professor and vocab.entries[t.entry].cls == "professor")
    )
    if not added and found.rest == clean_name(position):
        return None  # nothing moves: the title field holds them and the position stays as written
    return OfficeMove(title=" ".join(f"{title} {added}".split()), position=found.rest)


# Order of groups in the address: address function, Amts-/Berufstitel, professor, degrees, unknown.
_GROUP = {"function": 0, "berufstitel": 1, "professor": 2, "lecturer": 2, "degree": 3, "invalid": 3}


@dataclass(frozen=True)
class TitleParse:
    """All title tokens of a record (title field and name fields) in address order."""

    tokens: tuple[TitleToken, ...]  # as found, written order (salutation, title field, first, last name)
    pre: tuple[TitleToken, ...]  # pre-nominal, address order (unknown tokens kept, last)
    post: tuple[TitleToken, ...]
    bits: int
    hints: frozenset[str]  # genders implied by female/diverse forms

    @property
    def prenominal_text(self) -> str:
        return " ".join(t.canonical for t in self.pre)

    @property
    def postnominal_text(self) -> str:
        """Post-nominals ", "-joined; a qualifier in brackets stays with its degree: "MBA (WU), MSc"."""
        parts: list[str] = []
        for t in self.post:
            if parts and is_qualifier(t):
                parts[-1] += " " + t.canonical
            else:
                parts.append(t.canonical)
        return ", ".join(parts)


def _group(vocab: Vocabulary, tok: TitleToken) -> int:
    if tok.status == "unknown":
        return 4
    abbrs = (tok.entry,) if tok.entry else tok.candidates
    return min(_GROUP.get(vocab.entries[a].cls, 3) for a in abbrs)


def _is_post(vocab: Vocabulary, tok: TitleToken) -> bool:
    abbrs = (tok.entry,) if tok.entry else tok.candidates
    return bool(abbrs) and all(vocab.entries[a].cls == "post" for a in abbrs)


def _same_title(a: TitleToken, b: TitleToken) -> bool:
    """The same title: the same entry (any gender form), or the same text when not resolved."""
    return a.entry == b.entry if a.entry and b.entry else a.canonical == b.canonical


def _units(vocab: Vocabulary, tokens: tuple[TitleToken, ...]) -> list[tuple[TitleToken, ...]]:
    """Tokens in written order, a degree together with the schools written right after it in the same
    field ("LL.M. (WU)", "MBA (Open University)", "MSc ETH", "Dr. sc. techn. ETH"): they stay with it."""
    units: list[tuple[TitleToken, ...]] = []
    for tok in tokens:
        last = units[-1] if units else ()
        if last and is_qualifier(tok) and last[-1].source == tok.source and takes_school(vocab, last[0]):
            units[-1] = (*last, tok)
        else:
            units.append((tok,))
    return units


@lru_cache(maxsize=65536)
def build_title_parse(
    title_tokens: tuple[TitleToken, ...],
    first: NameParse | None,
    last: NameParse | None,
    vocab: Vocabulary,
    salutation_tokens: tuple[TitleToken, ...] = (),
) -> TitleParse:
    """Titles of a record: those typed into the salutation field come first, as if written at the start
    of the title field (one that the title field also holds is taken from the title field), then the
    title field's own, then those moved out of the name fields."""
    bits = 0
    hints: set[str] = set()
    if salutation_tokens:
        bits |= ISSUE_BIT["TITLE_IN_NAME_FIELD"]
        kept = tuple(t for t in salutation_tokens if not any(_same_title(t, o) for o in title_tokens))
        # a duplicate still tells the gender of its form ("Dr.in" in the salutation, "Dr." as title)
        hints.update(t.gender for t in salutation_tokens if t.status == "ok" and t.gender in ("f", "d"))
        title_tokens = kept + title_tokens
    name_tokens: tuple[TitleToken, ...] = ()
    for np_ in (first, last):
        if np_ is not None and np_.tokens:
            bits |= ISSUE_BIT["TITLE_IN_NAME_FIELD"]
            name_tokens += np_.tokens
            if np_.misplaced:
                bits |= ISSUE_BIT["TITLE_MISPLACED"]
    seen_post = False
    for tok in title_tokens:
        post = _is_post(vocab, tok)
        if seen_post and not post and tok.status != "unknown":
            bits |= ISSUE_BIT["TITLE_MISPLACED"]
        seen_post = seen_post or post
    tokens = title_tokens + name_tokens
    pre_units: list[list[TitleToken]] = []  # a pre-nominal with the school it names
    post_units: list[list[TitleToken]] = []  # a post-nominal with the schools it names
    seen: dict[str, list[TitleToken]] = {}  # canonical -> its first unit
    for unit in _units(vocab, tokens):
        for position, tok in enumerate(unit):
            if tok.status == "unknown":
                # a degree names one school: a second ("MSc ETH/EPFL") is for the owner to check
                if not (position == 1 and is_known_school(tok)):
                    bits |= ISSUE_BIT["TITLE_UNKNOWN"]
            elif tok.status == "ambiguous":
                bits |= ISSUE_BIT["TITLE_AMBIGUOUS"]
            else:
                if vocab.entries[tok.entry].cls == "invalid":
                    bits |= ISSUE_BIT["TITLE_INVALID"]
                if tok.noncanonical:
                    bits |= ISSUE_BIT["TITLE_NONCANONICAL"]
                if tok.gender in ("f", "d"):
                    hints.add(tok.gender)
        head, qualifiers = unit[0], unit[1:]
        # "HR" and "HR i.R." are one title, kept with its retirement suffix
        key = head.canonical.removesuffix(f" {head.suffix}") if head.suffix else head.canonical
        if key in seen:  # the same title twice is one title ...
            kept = seen[key]
            if head.suffix and not kept[0].suffix:
                kept[0] = head
            if not qualifiers or [qualifier_key(t) for t in kept[1:]] == [
                qualifier_key(t) for t in qualifiers
            ]:
                continue
            if len(kept) == 1:  # ... that may name its university only once: "LL.M." + "LL.M. (WU)"
                kept.extend(qualifiers)
                continue
            # two qualifiers that differ are two degrees: "MBA (WU), MBA (Oxford)"
        units = post_units if _is_post(vocab, head) else pre_units
        units.append(list(unit))
        seen.setdefault(key, units[-1])
    post_list = [tok for unit in post_units for tok in unit]

    def order(unit: list[TitleToken]) -> tuple[int, bool, int]:
        """Amts-/Berufstitel, professor, degrees ascending (an honorary doctorate after the earned ones:
        "Dr. Dr. h.c."), unknown text last."""
        tok = unit[0]
        group = _group(vocab, tok)
        entry = vocab.entries[tok.entry] if group == 3 and tok.entry else None
        return group, entry is not None and entry.is_honorary, entry.rank if entry else 0

    pre_units.sort(key=order)  # stable: equal ranks keep their written order
    pre = tuple(tok for unit in pre_units for tok in unit)
    return TitleParse(tokens, pre, tuple(post_list), bits, frozenset(hints))


def resolve_gender(sal_gender: str, title_hints: frozenset[str], position_gender: str) -> tuple[str, bool]:
    """(gender, conflict). The salutation decides; else a female/diverse title or position form."""
    hints = set(title_hints)
    if position_gender == "f":
        hints.add("f")
    conflict = sal_gender == "m" and "f" in hints
    if sal_gender in ("m", "f", "d"):
        return sal_gender, conflict
    if hints == {"f"}:
        return "f", False
    if hints == {"d"}:
        return "d", False
    return "unknown", False
