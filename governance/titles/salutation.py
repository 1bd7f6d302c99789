"""Salutation line and address block, composed once per distinct (gender, titles, position, country).

The result is a `Template` with the name left out; `fill` puts the names in. The frame path does the
same fill with vectorised string operations, so both paths produce identical text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from governance.titles.parser import TitleParse, gendered_ordinal, glue
from governance.titles.tokenizer import TitleToken
from governance.titles.vocabulary import Vocabulary

NAME_NONE, NAME_LAST, NAME_FULL = 0, 1, 2


@dataclass(frozen=True)
class SalutationConfig:
    """Product switches (SALUTATION_RULES.md §3).

    force_gendered_forms: write a woman's degree in the female form even when recorded as Mag./Dr.
    phd_as_dr: count a PhD as a doctorate ("Dr.") in the salutation.
    """

    force_gendered_forms: bool = False
    phd_as_dr: bool = False


@dataclass(frozen=True)
class Template:
    sal_pre: str  # salutation before the name ("Sehr geehrter Herr Generaldirektor Dr.")
    name_mode: int  # NAME_NONE (office), NAME_LAST, NAME_FULL (first + last, for d/unknown)
    sal_suffix: str  # "," (AT/DE) or "" (CH)
    sal_no_name: str  # the line when there is no surname
    addr_head: str  # lines before the name plus the titles in front of it
    addr_tail: str  # ", " + post-nominals
    uses_position: bool  # the position was written out in line 1 (so no position line)
    line1_title: str = ""  # the title written out in line 1 ("Baumeister"): a position of just it is no line

    def prints_position(self, position_line: str) -> bool:
        """Whether the position goes on a line of its own: not when line 1 says it already ("Herrn
        Baumeister" and the job "Baumeister")."""
        return bool(position_line) and not self.uses_position and position_line != self.line1_title


def _greeting(gender: str) -> str:
    return "Sehr geehrter Herr" if gender == "m" else "Sehr geehrte Frau"


def _display(tok: TitleToken, gender: str, config: SalutationConfig, vocab: Vocabulary, short: bool) -> str:
    """A title as written for this person: record's own form, male for a man, female if forced."""
    if tok.entry is None:
        return tok.canonical
    entry = vocab.entries[tok.entry]
    if short:
        entry = vocab.entries[entry.short]
    g = tok.gender
    if gender == "m" and g == "f":
        g = "m"
    elif config.force_gendered_forms and gender in ("f", "d") and g == "m":
        g = gender
    return entry.form(g) + (f" {tok.suffix}" if tok.suffix and not short else "")


def _best_degree(tp: TitleParse, gender: str, style: str, config: SalutationConfig, vocab: Vocabulary) -> str:
    """The highest pre-nominal degree or qualification as written in the salutation, or ""."""
    if style == "CH":
        return ""
    best: tuple[int, str] | None = None
    for tok in tp.pre:
        if tok.entry is None or vocab.entries[tok.entry].cls not in ("degree", "invalid"):
            continue
        entry = vocab.entries[tok.entry]
        if style == "DE":
            if entry.is_doctorate:
                return "Dr."
            continue
        if entry.cls == "degree" and entry.sal_at == "no":  # written before the name, never said (Bc., DSA)
            continue
        rank = entry.rank
        if best is None or rank >= best[0]:  # equal ranks: the one written last wins
            best = (rank, _display(tok, gender, config, vocab, short=True))
    if config.phd_as_dr and any(t.entry == "PhD" for t in tp.post):
        if style == "DE":
            return "Dr."
        phd = vocab.entries["PhD"].rank
        if best is None or phd > best[0]:
            dr = vocab.entries["Dr."]
            g = "f" if config.force_gendered_forms and gender == "f" else "m"
            best = (phd, dr.form(g))
    return best[1] if best else ""


def _address_function(
    tp: TitleParse, position_entry: str, style: str, vocab: Vocabulary
) -> tuple[TitleToken | None, str]:
    """The single highest title written out (rule 3): (token from the title field or None, entry)."""
    if style == "CH":
        return None, ""
    allowed = ("professor",) if style == "DE" else ("professor", "berufstitel", "function")
    best: tuple[int, TitleToken | None, str] | None = None
    for tok in tp.pre:  # address order, duplicates removed: ties go to the later one
        if tok.entry is None:
            continue
        entry = vocab.entries[tok.entry]
        if entry.cls in allowed and (best is None or entry.rank >= best[0]):
            best = (entry.rank, tok, entry.abbr)
    if position_entry and style == "AT":
        entry = vocab.entries[position_entry]
        # The position wins ties, except against the same entry in the title field ("Prim." and the
        # position "Primar"): then the title token is the one written out, so line 2 does not repeat it.
        same = best is not None and best[2] == entry.abbr
        if entry.cls == "function" and not same and (best is None or entry.rank >= best[0]):
            best = (entry.rank, None, entry.abbr)
    if best is None:
        return None, ""
    return best[1], best[2]


def _addressee(gender: str, style: str) -> str:
    """The word before the name in the address: the accusative "Herrn" in AT and DE; Swiss usage (and
    Swiss Post's addressing guide) writes the nominative "Herr"."""
    if gender == "f":
        return "Frau"
    return "Herr" if style == "CH" else "Herrn"


# Offices written as an adjective (or a participle used as a noun) decline after "Herrn": "Herrn
# Abgeordneten", "Herrn Technischen Rat"; the salutation line keeps "Herr Abgeordneter".
_ADJECTIVAL_M = re.compile(
    r"(?<![^\W\d_])((?:[A-ZÄÖÜ][a-zäöüß]*)?(?:[Aa]bgeordnet|[Bb]eigeordnet|Technisch)|Erst|Zweit|Dritt|Viert|Fünft)er\b"
)


# Weak masculine nouns take -en after "Herrn" as well: "Herrn Präsidenten des Landesgerichts", "Herrn
# Bundespräsidenten", "Herrn Prälaten", "Herrn Landespolizeikommandanten". Rat, Direktor, Kanzler ... are
# strong and stay as they are ("Herrn Hofrat").
_WEAK_M = re.compile(
    r"(?<![^\W\d_])((?:[A-ZÄÖÜ][a-zäöüß]*)?(?:[Pp]räsident|[Pp]rälat|[Kk]ommandant|[Ss]uperintendent))\b(?!-)"
)


def _accusative(written: str, gender: str, style: str) -> str:
    if gender != "m" or style == "CH":
        return written
    return _WEAK_M.sub(r"\1en", _ADJECTIVAL_M.sub(r"\1en", written))


@lru_cache(maxsize=65536)
def compose(
    gender: str,
    tp: TitleParse,
    position_entry: str,
    style: str,
    config: SalutationConfig,
    vocab: Vocabulary,
    position_rest: str = "",
    position_lead: str = "",
    position_others: str = "",
) -> Template:
    """Salutation and address template for one distinct combination (rules §3 and §4).

    ``position_rest``: the qualifier after the office in the position field ("a.D.", "der Stadt Graz",
    "für Finanzen"), ``position_lead`` the ordinal before it ("Zweite"). When line 1 writes out the
    position's office, it keeps both: "Herrn Bürgermeister" alone would address a former mayor as the
    sitting one, "Herrn Präsidenten" the Second President as the President. ``position_others``: the
    positions joined to it in the field ("Landtagsabgeordnete"), then on the line under the name."""
    suffix = "" if style == "CH" else ","
    no_name = "Sehr geehrte Damen und Herren" + suffix
    degree = _best_degree(tp, gender, style, config, vocab)
    written = ""
    written_token: TitleToken | None = None
    uses_position = False
    if gender not in ("m", "f"):
        pre = "Guten Tag" + (f" {degree}" if degree else "")
        mode = NAME_FULL
    else:
        greet = _greeting(gender)
        office = vocab.entries[position_entry] if position_entry else None
        if office is not None and office.cls == "office":
            written, uses_position = office.long(gender), True
            pre, mode = f"{greet} {written}", NAME_NONE
        else:
            written_token, abbr = _address_function(tp, position_entry, style, vocab)
            if abbr:
                entry = vocab.entries[abbr]
                written = entry.long(gender)
                uses_position = written_token is None or abbr == position_entry
                if entry.cls == "professor" or not degree:
                    pre = f"{greet} {written}"
                else:
                    pre = f"{greet} {written} {degree}"
            else:
                pre = f"{greet} {degree}" if degree else greet
            mode = NAME_LAST
    lines: list[str] = []
    if gender in ("m", "f"):
        # The office declines, with its ordinal; the qualifier is free text ("des Verbandes Technischer").
        office = _accusative(written, gender, style)
        qualified = office
        if written and uses_position and (position_rest or position_lead):
            lead = _accusative(gendered_ordinal(position_lead, gender), gender, style)
            qualified = glue(glue(lead, office), position_rest)
        if written_token is not None and written_token.suffix:  # "Herrn Hofrat i.R."
            qualified = f"{office} {written_token.suffix}"
        lines.append(_addressee(gender, style) + (f" {qualified}" if qualified else ""))
    remaining = [
        _display(t, gender, config, vocab, short=False) if config.force_gendered_forms else t.canonical
        for t in tp.pre
        if written_token is None or t.canonical != written_token.canonical
    ]
    head = "".join(line + "\n" for line in lines) + (" ".join(remaining) + " " if remaining else "")
    tail = ", " + tp.postnominal_text if tp.post else ""
    if written and uses_position and position_others:
        tail += "\n" + position_others
    return Template(
        pre, mode, suffix, no_name, head, tail, uses_position, written if gender in ("m", "f") else ""
    )


def fill(tmpl: Template, first: str, last: str, company: str, position_line: str) -> tuple[str, str]:
    """(salutation line, address block) for one record; mirrors the vectorised fill in frame.py."""
    full = last if not first else (first if not last else f"{first} {last}")
    if not last:
        line = tmpl.sal_no_name
    elif tmpl.name_mode == NAME_NONE:
        line = tmpl.sal_pre + tmpl.sal_suffix
    elif tmpl.name_mode == NAME_LAST:
        line = f"{tmpl.sal_pre} {last}{tmpl.sal_suffix}"
    else:
        line = f"{tmpl.sal_pre} {full}{tmpl.sal_suffix}"
    block = (f"{company}\n" if company else "") + tmpl.addr_head + full + tmpl.addr_tail
    if tmpl.prints_position(position_line):
        block += "\n" + position_line
    if not full:
        block = tidy_nameless_block(block)
    return line, block


def tidy_nameless_block(block: str) -> str:
    """An address block without a name (a function contact: "Weber GmbH", the job "Einkauf"): no space
    meant before the name at a line's end, no ", " meant after it, no empty line where it stood."""
    block = re.sub(r" +(\n|$)", r"\1", block)
    block = re.sub(r"(^|\n), ", r"\1", block)
    return re.sub(r"\n{2,}", "\n", block).strip("\n")
