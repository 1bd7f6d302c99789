"""One contact record: `parse_contact` and its result `ParsedContact`."""

from __future__ import annotations

import math
from dataclasses import dataclass

from governance.text import strip_invisible
from governance.titles.parser import (
    ISSUE_BIT,
    PositionParse,
    TitleParse,
    build_title_parse,
    issues_text,
    move_position_out_of_salutation,
    move_position_out_of_title,
    move_title_out_of_position,
    parse_country,
    parse_position,
    parse_salutation_field,
    resolve_gender,
    scan_title_field,
    titles_only,
)
from governance.titles.salutation import SalutationConfig, compose, fill
from governance.titles.tokenizer import TitleToken, scan_name, split_full_name
from governance.titles.vocabulary import Vocabulary, load_vocabulary


@dataclass(frozen=True)
class ParsedContact:
    """The parsed record; the first fields are the PARSED_COLUMNS of contact_model."""

    first_name_clean: str
    last_name_clean: str
    titles_prenominal: str
    titles_postnominal: str
    position_canonical: str
    position_kind: str
    gender: str
    salutation_line: str
    address_block: str
    issues: str
    has_title: bool
    country: str  # normalised code (AT, DE, CH, LI, or the given code upper-cased)
    style: str  # AT | DE | CH
    tokens: tuple[TitleToken, ...]  # every title token found, written order

    @property
    def issue_codes(self) -> tuple[str, ...]:
        return tuple(self.issues.split(";")) if self.issues else ()


def as_text(value: object) -> str:
    """None/NaN → "", anything else its string form."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, str):
        return value
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


def input_text(value: object) -> str:
    """A field as the engine reads it: `as_text`, invisible format characters removed."""
    return strip_invisible(as_text(value))


def record_parts(
    sal_gender: str, tp: TitleParse, pp: PositionParse, vocab: Vocabulary
) -> tuple[str, int, str]:
    """(gender, issue bits without NAME_MISSING, position canonical) for one record."""
    gender, conflict = resolve_gender(sal_gender, tp.hints, pp.gender)
    bits = tp.bits | pp.bits | (ISSUE_BIT["TITLE_GENDER_CONFLICT"] if conflict else 0)
    return gender, bits, pp.canonical(gender, vocab)


def parse_contact(
    salutation: object,
    title: object,
    first_name: object,
    last_name: object,
    position: object,
    country: object,
    company: object = "",
    config: SalutationConfig | None = None,
) -> ParsedContact:
    """Parse one contact record (SALUTATION_RULES.md §2-§4). Never raises on any string input."""
    config = config or SalutationConfig()
    code, style = parse_country(input_text(country))
    vocab = load_vocabulary(style=style)
    salutation_text = input_text(salutation)
    title_text, position_text = input_text(title), input_text(position)
    sal_move = move_position_out_of_salutation(salutation_text, position_text, vocab)
    if sal_move is not None:
        salutation_text, position_text = sal_move.title, sal_move.position
    sp = parse_salutation_field(salutation_text, vocab)
    first_text, last_text = input_text(first_name), input_text(last_name)
    split = split_full_name(last_text, vocab) if not first_text.strip() else None
    if split is not None:  # "Huber, Hans" in the last-name field
        last_text, first_text = split
    first = scan_name(first_text, "first_name", vocab)
    last = scan_name(last_text, "last_name", vocab)
    move = move_position_out_of_title(title_text, position_text, vocab)
    # an office beside titles only in the position field takes the field, the titles go to the titles
    titles_moved_along = move is not None and titles_only(position_text, vocab)
    if move is not None:
        title_text, position_text = move.title, move.position
    title_move = move_title_out_of_position(title_text, position_text, vocab)
    if title_move is not None:
        title_text, position_text = title_move.title, title_move.position
    tp = build_title_parse(scan_title_field(title_text, vocab), first, last, vocab, sp.tokens)
    pp = parse_position(position_text, vocab)
    gender, bits, position_canonical = record_parts(sp.gender, tp, pp, vocab)
    if move is not None or sal_move is not None:
        bits |= ISSUE_BIT["POSITION_IN_TITLE_FIELD"]
    if title_move is not None or titles_moved_along:
        bits |= ISSUE_BIT["TITLE_IN_POSITION_FIELD"]
    if split is not None:
        bits |= ISSUE_BIT["NAME_IN_ONE_FIELD"]
    if not last.clean:
        bits |= ISSUE_BIT["NAME_MISSING"]
    tmpl = compose(
        gender, tp, pp.salutation_entry, style, config, vocab,
        pp.salutation_rest, pp.salutation_lead, pp.salutation_others,
    )  # fmt: skip
    line, block = fill(
        tmpl, first.clean, last.clean, " ".join(input_text(company).split()), position_canonical
    )
    pre, post = tp.prenominal_text, tp.postnominal_text
    return ParsedContact(
        first_name_clean=first.clean,
        last_name_clean=last.clean,
        titles_prenominal=pre,
        titles_postnominal=post,
        position_canonical=position_canonical,
        position_kind=pp.kind,
        gender=gender,
        salutation_line=line,
        address_block=block,
        issues=issues_text(bits),
        has_title=bool(pre or post),
        country=code,
        style=style,
        tokens=tp.tokens,
    )


def salutation_line(
    salutation: object,
    title: object,
    first_name: object,
    last_name: object,
    position: object = "",
    country: object = "AT",
    config: SalutationConfig | None = None,
) -> str:
    """The Briefanrede for one contact (rules §3)."""
    return parse_contact(
        salutation, title, first_name, last_name, position, country, "", config
    ).salutation_line


def address_block(
    salutation: object,
    title: object,
    first_name: object,
    last_name: object,
    position: object = "",
    country: object = "AT",
    company: object = "",
    config: SalutationConfig | None = None,
) -> str:
    """The Anschrift's person part, lines joined by newline (rules §4)."""
    return parse_contact(
        salutation, title, first_name, last_name, position, country, company, config
    ).address_block
