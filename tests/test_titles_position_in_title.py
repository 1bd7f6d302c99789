"""An office or address function typed into the title field ("Bgm.", "Generaldirektor") moves to the
position, through parse_contact and through parse_contacts alike, and the record is not quarantined for
a missing position."""

from __future__ import annotations

import pandas as pd
import pytest

from governance.titles import parse_contact
from tests.title_helpers import assert_frame_path_agrees

# (salutation, title, first, last, position, company) -> expected fields
CASES = [
    (
        ("Herr", "Bgm.", "Josef", "Hofer", "", "Gemeinde Hart"),
        {
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "titles_prenominal": "",
            "position_canonical": "Bürgermeister",
            "position_kind": "office",
            "address_block": "Gemeinde Hart\nHerrn Bürgermeister\nJosef Hofer",
            "issues": "TITLE_NONCANONICAL;POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # the female abbreviation; the degree stays a title
        ("Frau", "Bgm.in Mag.a", "Eva", "Berger", "", ""),
        {
            "salutation_line": "Sehr geehrte Frau Bürgermeisterin,",
            "titles_prenominal": "Mag.a",
            "position_canonical": "Bürgermeisterin",
            "issues": "TITLE_NONCANONICAL;POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # an address function: it enters the salutation with the degree
        ("Herr", "Dr. Generaldirektor", "Franz", "Müller", "", "ACME AG"),
        {
            "salutation_line": "Sehr geehrter Herr Generaldirektor Dr. Müller,",
            "titles_prenominal": "Dr.",
            "position_canonical": "Generaldirektor",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # the position field already says so: the token is dropped from the titles, nothing doubles
        ("Herr", "Bgm. Mag.", "Josef", "Hofer", "Bürgermeister", ""),
        {
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "titles_prenominal": "Mag.",
            "position_canonical": "Bürgermeister",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # an office beside a plain job in its own field: both are the person's, addressed by the office
        ("Herr", "Bgm. Mag.", "Josef", "Hofer", "Geschäftsführer", ""),
        {
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "address_block": "Herrn Bürgermeister\nMag. Josef Hofer\nGeschäftsführer",
            "titles_prenominal": "Mag.",
            "position_canonical": "Bürgermeister / Geschäftsführer",
            "issues": "TITLE_NONCANONICAL;POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # ... but beside another office the token stays an unknown title: which one is addressed?
        ("Herr", "Bgm. Mag.", "Josef", "Hofer", "Landtagsabgeordneter", ""),
        {
            "titles_prenominal": "Mag. Bgm.",
            "position_canonical": "Landtagsabgeordneter",
            "issues": "TITLE_UNKNOWN",
        },
    ),
    (  # two offices in the title field: which one? left for a person
        ("Herr", "Bgm. LH", "Hans", "Berg", "", ""),
        {"salutation_line": "Sehr geehrter Herr Berg,", "position_canonical": "", "issues": "TITLE_UNKNOWN"},
    ),
    (  # a plain position written as a two-letter abbreviation is not moved: "MD" is Managing Director
        # and Doctor of Medicine, "RA" is left for a person too
        ("Herr", "MD", "John", "Smith", "", "Clinic Y"),
        {"titles_prenominal": "MD", "position_canonical": "", "issues": "TITLE_UNKNOWN"},
    ),
    (
        ("Herr", "RA Dr.", "Hans", "Müller", "", ""),
        {"titles_prenominal": "Dr. RA", "position_canonical": "", "issues": "TITLE_UNKNOWN"},
    ),
    (  # written out, it is moved (it used to be an unknown title: "Herrn / Dr. Rechtsanwalt Hans Müller")
        ("Frau", "Rechtsanwältin Dr.", "Eva", "Müller", "", ""),
        {
            "titles_prenominal": "Dr.",
            "position_canonical": "Rechtsanwältin",
            "salutation_line": "Sehr geehrte Frau Dr. Müller,",
            "address_block": "Frau\nDr. Eva Müller\nRechtsanwältin",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # a company contact's position typed into the title field: no missing position
        ("Herr", "Geschäftsführer Mag.", "Hans", "Müller", "", "ACME GmbH"),
        {
            "titles_prenominal": "Mag.",
            "position_canonical": "Geschäftsführer",
            "address_block": "ACME GmbH\nHerrn\nMag. Hans Müller\nGeschäftsführer",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # two positions, one of them short: which one? left for a person (StB used to move, WP stayed)
        ("Herr", "Dr. StB WP", "Hans", "Muster", "", "Kanzlei X"),
        {"titles_prenominal": "Dr. StB WP", "position_canonical": "", "issues": "TITLE_UNKNOWN"},
    ),
    (  # a position with the words that run on after it moves whole; "Vertrieb" is no unknown title
        ("Herr", "Abteilungsleiter Vertrieb", "Hans", "Muster", "", "ACME GmbH"),
        {
            "titles_prenominal": "",
            "position_canonical": "Abteilungsleiter Vertrieb",
            "position_kind": "plain",
            "salutation_line": "Sehr geehrter Herr Muster,",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # an office with a department is a plain position, as in the position field
        ("Herr", "Direktor Vertrieb", "Hans", "Muster", "", "ACME GmbH"),
        {
            "titles_prenominal": "",
            "position_canonical": "Direktor Vertrieb",
            "position_kind": "plain",
            "salutation_line": "Sehr geehrter Herr Muster,",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # written as typed, separators kept; the degrees around it stay titles
        ("Herr", "Mag. Geschäftsführer F&E, MBA", "Hans", "Muster", "", "ACME GmbH"),
        {
            "titles_prenominal": "Mag.",
            "titles_postnominal": "MBA",
            "position_canonical": "Geschäftsführer F&E",
            "salutation_line": "Sehr geehrter Herr Mag. Muster,",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (
        ("Herr", "CEO & Founder", "John", "Smith", "", "ACME GmbH"),
        {"position_canonical": "CEO & Founder", "issues": "POSITION_IN_TITLE_FIELD"},
    ),
    (  # the position field names the same office: it wins, and the run goes with the office (the raw
        # title keeps "Vertrieb" for the owner, who is told of POSITION_IN_TITLE_FIELD)
        ("Herr", "Direktor Vertrieb", "Hans", "Muster", "Direktor", "ACME GmbH"),
        {
            "titles_prenominal": "",
            "position_canonical": "Direktor",
            "salutation_line": "Sehr geehrter Herr Direktor Muster,",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # so "HR" reads the same with or without the position field
        ("Herr", "Geschäftsführer HR", "Hans", "Muster", "Geschäftsführer", "ACME GmbH"),
        {"titles_prenominal": "", "salutation_line": "Sehr geehrter Herr Muster,"},
    ),
    (  # beside another title "HR" stays Hofrat: an Abteilungsleiter in a Landesregierung
        ("Herr", "Dr. Abteilungsleiter HR", "Hans", "Muster", "", "Amt der Stmk. Landesregierung"),
        {
            "titles_prenominal": "HR Dr.",
            "position_canonical": "Abteilungsleiter",
            "salutation_line": "Sehr geehrter Herr Hofrat Dr. Muster,",
        },
    ),
    (  # a country after a public office is its place, no region of a company: the office keeps its salutation
        ("Herr", "Botschafter Schweiz", "Hans", "Muster", "", "Botschaft"),
        {
            "titles_prenominal": "Schweiz",
            "position_canonical": "Botschafter",
            "salutation_line": "Sehr geehrter Herr Botschafter,",
            "issues": "TITLE_UNKNOWN;POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # a portfolio runs on after an office, and the office keeps its salutation
        ("Herr", "Landesrat Finanzen", "Hans", "Muster", "", "Land Steiermark"),
        {
            "titles_prenominal": "",
            "position_canonical": "Landesrat Finanzen",
            "position_kind": "office",
            "salutation_line": "Sehr geehrter Herr Landesrat,",
        },
    ),
    (  # a refused move keeps a glued function whole, no fragment "Dir" in the address
        ("Herr", "MagDir Dr.", "Hans", "Muster", "Direktor", "Magistrat Linz"),
        {"titles_prenominal": "Dr. MagDir", "position_canonical": "Direktor", "issues": "TITLE_UNKNOWN"},
    ),
    (  # only departments run on: a town or a surname after an office stays for a person to read
        ("Herr", "Bürgermeister Graz", "Hans", "Muster", "", "Stadt Graz"),
        {
            "titles_prenominal": "Graz",
            "position_canonical": "Bürgermeister",
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "issues": "TITLE_UNKNOWN;POSITION_IN_TITLE_FIELD",
        },
    ),
    (
        ("Herr", "Direktor Muster", "Hans", "Muster", "", "ACME GmbH"),
        {"titles_prenominal": "Muster", "position_canonical": "Direktor", "position_kind": "function"},
    ),
    (  # the same position in both fields: the title field's copy goes
        ("Herr", "Mag. Geschäftsführer Technik", "Hans", "Muster", "Geschäftsführer Technik", "ACME GmbH"),
        {
            "titles_prenominal": "Mag.",
            "position_canonical": "Geschäftsführer Technik",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # a short writing does not run on: "GF" may be something else
        ("Herr", "GF Technik", "Hans", "Muster", "", "ACME GmbH"),
        {"titles_prenominal": "GF Technik", "position_canonical": "", "issues": "TITLE_UNKNOWN"},
    ),
    (  # in the salutation field the surname follows the office: it is not part of the position
        ("Herr Direktor Muster", "", "Hans", "Muster", "", "ACME GmbH"),
        {"position_canonical": "Direktor", "position_kind": "function"},
    ),
    (  # a different position in its own field wins; the abbreviation stays for a person to resolve
        ("Herr", "Prok.", "Hans", "Müller", "Vertrieb", "ACME GmbH"),
        {"titles_prenominal": "Prok.", "position_canonical": "Vertrieb", "issues": "TITLE_UNKNOWN"},
    ),
    (  # "HR" after a plain position is the department, not Hofrat for the salutation
        ("Herr", "Geschäftsführer HR", "Hans", "Muster", "", "ACME GmbH"),
        {
            "titles_prenominal": "",
            "position_canonical": "Geschäftsführer HR",
            "salutation_line": "Sehr geehrter Herr Muster,",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (
        ("Herr", "CEO HR & IT", "John", "Smith", "", "ACME GmbH"),
        {"titles_prenominal": "", "position_canonical": "CEO HR & IT", "issues": "POSITION_IN_TITLE_FIELD"},
    ),
    (  # after an office it stays Hofrat: the school principal "Dir. HR Mag."
        ("Herr", "Direktor HR Mag.", "Hans", "Muster", "", "BG Graz"),
        {"titles_prenominal": "HR Mag.", "position_canonical": "Direktor", "position_kind": "function"},
    ),
    (  # markets and regions run on too
        ("Herr", "Geschäftsführer CEE", "Hans", "Muster", "", "ACME GmbH"),
        {
            "titles_prenominal": "",
            "position_canonical": "Geschäftsführer CEE",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (
        ("Herr", "Direktor Vertrieb u. Marketing", "Hans", "Muster", "", "ACME GmbH"),
        {"titles_prenominal": "", "position_canonical": "Direktor Vertrieb u. Marketing"},
    ),
    (  # a connector alone names no department: the office keeps its salutation, "und" is flagged
        ("Herr", "Bürgermeister und", "Hans", "Muster", "", "Stadt Graz"),
        {
            "titles_prenominal": "und",
            "position_canonical": "Bürgermeister",
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "issues": "TITLE_UNKNOWN;POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # the whole title field copies the position field: one office, with its place
        ("Herr", "Bürgermeister Graz", "Hans", "Muster", "Bürgermeister Graz", "Stadt Graz"),
        {
            "titles_prenominal": "",
            "position_canonical": "Bürgermeister Graz",
            "position_kind": "office",
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "issues": "POSITION_IN_TITLE_FIELD",
        },
    ),
    (  # a plain position beside an unknown word does not move, copied or not: a person reads it
        ("Herr", "Geschäftsführer Muster", "Hans", "Muster", "Geschäftsführer Muster", "ACME GmbH"),
        {"titles_prenominal": "Geschäftsführer Muster", "issues": "TITLE_UNKNOWN"},
    ),
    (  # a function glued to a title: Magistratsdirektor, not Mag. and a Direktor
        ("Herr", "MagDir Dr.", "Hans", "Muster", "", "Magistrat Linz"),
        {
            "titles_prenominal": "Dr.",
            "position_canonical": "Magistratsdirektor",
            "salutation_line": "Sehr geehrter Herr Magistratsdirektor Dr. Muster,",
        },
    ),
    (
        ("Herr", "Mag.-Dir.", "Hans", "Muster", "", "Magistrat Linz"),
        {"titles_prenominal": "", "position_canonical": "Magistratsdirektor"},
    ),
    (  # written apart they are two: a Magister who is a Direktor
        ("Herr", "Mag. Dir.", "Hans", "Muster", "", "BG Graz"),
        {"titles_prenominal": "Mag.", "position_canonical": "Direktor"},
    ),
    (  # an ordinary title field is untouched
        ("Herr", "Dipl.-Ing. Dr.", "Karl", "Gruber", "", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Gruber,", "position_canonical": "", "issues": ""},
    ),
]


@pytest.mark.parametrize(("fields", "expected"), CASES, ids=[c[0][1] + "|" + c[0][4] for c in CASES])
def test_single_record(fields, expected):
    salutation, title, first, last, position, company = fields
    parsed = parse_contact(salutation, title, first, last, position, "AT", company)
    assert {k: getattr(parsed, k) for k in expected} == expected


def test_frame_path_gives_the_same_as_the_single_record_path():
    rows = [(s, t, f, la, p, "AT", c) for (s, t, f, la, p, c), _ in CASES] * 3  # repeats share a decision
    assert_frame_path_agrees(rows, [e for _, e in CASES] * 3)


def test_a_company_contact_with_the_office_in_the_title_field_is_salutation_ready():
    from governance.config import GovernanceConfig
    from governance.nightly import stage_frame

    stg = pd.DataFrame(
        {
            "contact_id": ["C1", "C2"],
            "salutation": ["Herr", "Herr"],
            "title": ["Bgm.", "Mag."],
            "first_name": ["Josef", "Karl"],
            "last_name": ["Hofer", "Huber"],
            "position": ["", ""],
            "company": ["Gemeinde Hart", "Huber GmbH"],
            "account_id": ["A1", "A2"],
            "email": ["j.hofer@hart.at", "k.huber@huber.at"],
            "street": ["Hauptplatz 1", "Gasse 2"],
            "postal_code": ["8075", "1010"],
            "city": ["Hart", "Wien"],
            "country": ["AT", "AT"],
            "owner": ["u.mayr", "u.mayr"],
            "owner_email": ["u.mayr@example.at", "u.mayr@example.at"],
            "email_opt_out": ["0", "0"],
            "do_not_contact": ["0", "0"],
            "modified_at": ["", ""],
            "source_file": ["x.csv", "x.csv"],
            "source_line": [2, 3],
        }
    )
    staged = stage_frame(stg, GovernanceConfig.model_validate({}), None)
    hofer, huber = staged.iloc[0], staged.iloc[1]
    assert (
        hofer["position"] == "Bürgermeister"
        and hofer["salutation_line"] == "Sehr geehrter Herr Bürgermeister,"
    )
    assert "POSITION_MISSING" not in hofer["quality_flags"] and bool(hofer["is_ready"])
    assert "POSITION_IN_TITLE_FIELD" in hofer["quality_flags"]
    assert huber["position"] == "" and "POSITION_MISSING" in huber["quality_flags"]  # nothing to move
    assert not bool(huber["is_ready"])
