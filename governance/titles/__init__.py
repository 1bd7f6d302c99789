"""Title and salutation engine (pure Python, no Dagster): parse titles/positions, write salutations."""

from governance.titles.contact import ParsedContact, address_block, parse_contact, salutation_line
from governance.titles.salutation import SalutationConfig
from governance.titles.vocabulary import load_vocabulary

__all__ = [
    "ParsedContact",
    "SalutationConfig",
    "TitleInputError",
    "address_block",
    "load_vocabulary",
    "parse_contact",
    "parse_contacts",
    "salutation_line",
    "salutations_csv",
]


def __getattr__(name: str):  # lazy: pandas is only imported when the frame API is used
    if name == "parse_contacts":
        from governance.titles.frame import parse_contacts

        return parse_contacts
    if name in ("salutations_csv", "TitleInputError"):
        from governance.titles import csv_tool

        return getattr(csv_tool, name)
    raise AttributeError(name)
