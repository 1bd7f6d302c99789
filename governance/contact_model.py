"""The canonical contact model every source is mapped to, and the columns the stages add.

Every reader (CSV profiles, SQL sources) produces these columns as strings ("" when absent); the title
engine adds the parsed columns; the quality stage adds flags. Keeping the names here means one place to
read when a column is renamed.
"""

from __future__ import annotations

import re

# Columns of one contact as delivered by a CRM, after the source profile's mapping.
CANONICAL_COLUMNS: tuple[str, ...] = (
    "contact_id",  # the CRM's id of the contact; unique within one extract
    "salutation",  # Herr, Frau, Mr., Ms., Mrs., Divers, ""
    "title",  # free text: any mix of academic/honorary titles
    "first_name",
    "last_name",
    "position",  # job title / function / office ("Geschäftsführerin", "Bürgermeister")
    "company",  # account name; "" for private contacts
    "account_id",  # CRM account id; non-empty means a company contact
    "email",
    "street",
    "postal_code",
    "city",
    "country",  # ISO 3166-1 alpha-2 after normalisation (AT, DE, CH, LI, ...)
    "owner",  # the CRM owner (user id or name) responsible for fixing the record
    "owner_email",  # where that owner's fix list goes
    "email_opt_out",  # "true"/"false" as delivered; typed in staging
    "do_not_contact",
    "modified_at",  # ISO timestamp of the last change, when the CRM delivers one
)

# Without these an extract cannot be processed at all: ingestion fails and writes nothing.
REQUIRED_COLUMNS: tuple[str, ...] = ("contact_id", "last_name")

# Lineage columns every raw row carries.
LINEAGE_COLUMNS: tuple[str, ...] = ("source_file", "source_line")

# Columns the title engine adds (governance.titles.parse_contacts).
PARSED_COLUMNS: tuple[str, ...] = (
    "first_name_clean",  # first name with any titles moved out
    "last_name_clean",  # surname with any titles moved out
    "titles_prenominal",  # canonical, address order, space separated
    "titles_postnominal",  # canonical, comma+space separated
    "position_canonical",  # canonical position/office in the person's gender, or the cleaned text
    "position_kind",  # office | function | plain | "" (empty position)
    "gender",  # f | m | d | unknown
    "salutation_line",
    "address_block",  # lines joined by "\n"
    "issues",  # flag codes, ";"-separated, "" when clean
    "has_title",  # bool: any title (pre- or post-nominal) after parsing
)

# A record an owner has to fix, as quarantine keeps it and the owner digests show it.
FIX_LIST_COLUMNS: tuple[str, ...] = (
    "contact_id",
    "source_file",
    "source_line",
    "salutation",
    "title",
    "first_name",
    "last_name",
    "position",
    "company",
    "country",
    "owner",
    "owner_email",
    "quality_flags",
    "quarantine_reasons",
    "raw_text",  # the row as delivered, for rows that never became a record
)


def owner_key(owner: object) -> str:
    """How two spellings of one CRM owner compare: without extra spaces and without case ("Anna Maier",
    "anna  maier", "AMaier1"), except a Salesforce 15-character id, which is case-sensitive: "005Ab..."
    and "005aB..." are two users (the 18-character form is built to compare without case)."""
    text = " ".join(str(owner).split())
    return text if SALESFORCE_ID_15.fullmatch(text) else text.casefold()


# A Salesforce record id in its 15-character, case-sensitive form: a three-character key prefix that
# starts with a digit (005 a user, 00G a queue), then 12 letters and digits.
SALESFORCE_ID_15 = re.compile(r"[0-9][0-9A-Za-z]{14}")
