"""An Amts- or Berufstitel typed into the position field ("Hofrat", "KommR") joins the titles, through
parse_contact and parse_contacts alike: left there, the salutation drops the title and the address block
prints it as a job."""

from __future__ import annotations

import pytest

from governance.titles import parse_contact
from tests.title_helpers import assert_frame_path_agrees

# (salutation, title, first, last, position, country) -> expected fields
CASES = [
    (
        ("Herr", "Dr.", "Hans", "Huber", "Hofrat", "AT"),
        {
            "salutation_line": "Sehr geehrter Herr Hofrat Dr. Huber,",
            "address_block": "Herrn Hofrat\nDr. Hans Huber",
            "position_canonical": "",
            "issues": "TITLE_IN_POSITION_FIELD",
        },
    ),
    (  # the female form; the abbreviation in the title field stays the title's
        ("Frau", "Mag.a", "Eva", "Huber", "Hofrätin", "AT"),
        {"salutation_line": "Sehr geehrte Frau Hofrätin Mag.a Huber,", "issues": "TITLE_IN_POSITION_FIELD"},
    ),
    (  # already in the title field: written once, not again as a job line
        ("Herr", "KommR", "Hans", "Huber", "Kommerzialrat", "AT"),
        {
            "salutation_line": "Sehr geehrter Herr Kommerzialrat Huber,",
            "address_block": "Herrn Kommerzialrat\nHans Huber",
            "issues": "TITLE_IN_POSITION_FIELD",
        },
    ),
    (  # DE does not use Berufstitel in the salutation; the address keeps it abbreviated
        ("Herr", "Dr.", "Hans", "Huber", "Hofrat", "DE"),
        {"salutation_line": "Sehr geehrter Herr Dr. Huber,", "address_block": "Herrn\nHR Dr. Hans Huber"},
    ),
    (  # with its retirement suffix: the title, kept with the suffix in the address
        ("Herr", "Dr.", "Hans", "Huber", "Hofrat i.R.", "AT"),
        {
            "salutation_line": "Sehr geehrter Herr Hofrat Dr. Huber,",
            "address_block": "Herrn Hofrat i.R.\nDr. Hans Huber",
            "position_canonical": "",
            "issues": "TITLE_IN_POSITION_FIELD",
        },
    ),
    (  # a position and an office are no titles: untouched
        ("Herr", "Dr.", "Hans", "Huber", "Geschäftsführer", "AT"),
        {"position_canonical": "Geschäftsführer", "issues": ""},
    ),
    (
        ("Herr", "", "Hans", "Huber", "Bürgermeister", "AT"),
        {"salutation_line": "Sehr geehrter Herr Bürgermeister,", "position_canonical": "Bürgermeister"},
    ),
    (  # a degree is no job either: the Salesforce "Title" field holding "Dr." (it was printed as one)
        ("Herr", "", "Hans", "Huber", "Dr.", "AT"),
        {
            "titles_prenominal": "Dr.",
            "position_canonical": "",
            "salutation_line": "Sehr geehrter Herr Dr. Huber,",
            "issues": "TITLE_IN_POSITION_FIELD",
        },
    ),
    (
        ("Frau", "", "Eva", "Huber", "Prof. Dr.", "AT"),
        {
            "salutation_line": "Sehr geehrte Frau Professorin Huber,",
            "address_block": "Frau Professorin\nDr. Eva Huber",
        },
    ),
    (  # already in the title field: not twice
        ("Frau", "Mag.a", "Eva", "Huber", "Mag.a", "AT"),
        {"titles_prenominal": "Mag.a", "position_canonical": "", "issues": "TITLE_IN_POSITION_FIELD"},
    ),
    (  # titles before the job: the job stays the position
        ("Herr", "", "Hans", "Huber", "Dr. Geschäftsführer", "AT"),
        {
            "salutation_line": "Sehr geehrter Herr Dr. Huber,",
            "address_block": "Herrn\nDr. Hans Huber\nGeschäftsführer",
            "position_canonical": "Geschäftsführer",
        },
    ),
    (  # ... and after it: an address function keeps its place in the salutation
        ("Herr", "", "Hans", "Huber", "Primar Dr.", "AT"),
        {"salutation_line": "Sehr geehrter Herr Primar Dr. Huber,", "position_canonical": "Primar"},
    ),
    (
        ("Herr", "", "Hans", "Huber", "Geschäftsführer, MBA", "AT"),
        {"titles_postnominal": "MBA", "position_canonical": "Geschäftsführer"},
    ),
    (  # two letters of a post-nominal stay: MA is also the Mitarbeiter
        ("Herr", "", "Hans", "Huber", "MA", "AT"),
        {"titles_postnominal": "", "position_canonical": "MA", "issues": ""},
    ),
    (  # a separator between the job and its degree is not printed as part of the job
        ("Herr", "", "Hans", "Huber", "Geschäftsführer / MBA", "AT"),
        {"titles_postnominal": "MBA", "position_canonical": "Geschäftsführer"},
    ),
    # a degree beside a word that is no position of the vocabulary stays the position as written: a
    # programme, whose assistant, a firm; and a written-out degree that is also a job or a rank
    (("Herr", "", "Hans", "Huber", "MBA Student", "AT"), {"titles_postnominal": "", "issues": ""}),
    (("Herr", "", "Hans", "Huber", "Leiter MBA", "AT"), {"titles_postnominal": "", "issues": ""}),
    (("Herr", "", "Hans", "Huber", "Assistenz Dr.", "AT"), {"titles_prenominal": "", "issues": ""}),
    (("Herr", "", "Hans", "Huber", "Ing. Büro Huber", "AT"), {"position_canonical": "Ing. Büro Huber"}),
    (
        ("Herr", "", "Hans", "Huber", "Meister", "AT"),
        {"titles_prenominal": "", "position_canonical": "Meister"},
    ),
    (  # a professorship with its subject is a position, not a title plus a job
        ("Herr", "", "Hans", "Huber", "Prof. für Informatik", "AT"),
        {"titles_prenominal": "", "position_canonical": "Prof. für Informatik", "issues": ""},
    ),
    (  # abbreviations stay positions: HR is Human Resources, AR the supervisory board
        ("Herr", "Dr.", "Hans", "Huber", "HR", "AT"),
        {"salutation_line": "Sehr geehrter Herr Dr. Huber,", "position_canonical": "HR", "issues": ""},
    ),
    (
        ("Herr", "Dr.", "Hans", "Huber", "AR", "AT"),
        {"position_canonical": "AR", "issues": ""},
    ),
]


@pytest.mark.parametrize(("fields", "expected"), CASES, ids=[c[0][4] + "|" + c[0][5] for c in CASES])
def test_single_record(fields, expected):
    parsed = parse_contact(*fields)
    assert {k: getattr(parsed, k) for k in expected} == expected


def test_frame_path_gives_the_same_as_the_single_record_path():
    rows = [(s, t, f, la, p, c, "") for (s, t, f, la, p, c), _ in CASES] * 3
    assert_frame_path_agrees(rows, [e for _, e in CASES] * 3)


def test_a_record_with_both_fields_misfiled_moves_both_ways():
    """The office leaves the title field first; then the title leaves the position field."""
    row = ("Herr", "Bgm.", "Hans", "Huber", "Hofrat", "AT", "")
    assert "TITLE_IN_POSITION_FIELD" in parse_contact(*row).issues
    assert_frame_path_agrees([row])


def test_staging_leaves_a_company_contact_without_the_title_as_position():
    """The title is no position: a company contact needs a real one (POSITION_MISSING), a private one not."""
    import pandas as pd

    from governance.config import GovernanceConfig
    from governance.nightly import stage_frame

    base = {
        "salutation": "Herr", "title": "Dr.", "first_name": "Hans", "last_name": "Huber",
        "position": "Hofrat", "email": "h.huber@example.at", "street": "Gasse 1", "postal_code": "1010",
        "city": "Wien",
        "country": "AT", "owner": "u.mayr", "owner_email": "u.mayr@example.at", "email_opt_out": "0",
        "do_not_contact": "0", "modified_at": "", "source_file": "x.csv",
    }  # fmt: skip
    stg = pd.DataFrame(
        [
            {
                **base,
                "contact_id": "C1",
                "company": "Amt der Landesregierung",
                "account_id": "A1",
                "source_line": 2,
            },
            {**base, "contact_id": "C2", "company": "", "account_id": "", "source_line": 3},
        ]
    )
    staged = stage_frame(stg, GovernanceConfig.model_validate({}), None)
    company, private = staged.iloc[0], staged.iloc[1]
    assert company["position"] == "" and company["salutation_line"] == "Sehr geehrter Herr Hofrat Dr. Huber,"
    assert (
        "TITLE_IN_POSITION_FIELD" in company["quality_flags"]
        and "POSITION_MISSING" in company["quality_flags"]
    )
    assert not bool(company["is_ready"])
    assert "POSITION_MISSING" not in private["quality_flags"] and bool(private["is_ready"])


def test_staging_keeps_the_job_written_beside_a_title_in_the_position_field():
    import pandas as pd

    from governance.config import GovernanceConfig
    from governance.nightly import stage_frame

    row = {
        "contact_id": "C1", "salutation": "Herr", "title": "", "first_name": "Hans", "last_name": "Huber",
        "position": "Dr. Geschäftsführer", "company": "ACME GmbH", "account_id": "A1",
        "email": "h.huber@example.at", "street": "Gasse 1", "postal_code": "1010", "city": "Wien",
        "country": "AT", "owner": "u.mayr", "owner_email": "u.mayr@example.at", "email_opt_out": "0",
        "do_not_contact": "0", "modified_at": "", "source_file": "x.csv", "source_line": 2,
    }  # fmt: skip
    staged = stage_frame(pd.DataFrame([row]), GovernanceConfig.model_validate({}), None).iloc[0]
    assert staged["position"] == "Geschäftsführer"
    assert staged["salutation_line"] == "Sehr geehrter Herr Dr. Huber,"
    assert "POSITION_MISSING" not in staged["quality_flags"] and bool(staged["is_ready"])


@pytest.mark.parametrize(
    ("position", "titles", "line"),
    [
        ("KommR", "KommR DI", "Sehr geehrter Herr Kommerzialrat DI Lechner,"),
        ("OStR", "OStR DI", "Sehr geehrter Herr Oberstudienrat DI Lechner,"),
        ("HR", "DI", "Sehr geehrter Herr DI Lechner,"),  # Human Resources
        ("KR", "DI", "Sehr geehrter Herr DI Lechner,"),  # a Swiss Kantonsrat, or KommR: left alone
    ],
)
def test_an_abbreviated_berufstitel_of_three_letters_or_more_leaves_the_position(position, titles, line):
    row = ("Herr", "DI", "Hans", "Lechner", position, "AT", "X GmbH")
    assert_frame_path_agrees([row], [{"titles_prenominal": titles, "salutation_line": line}])
