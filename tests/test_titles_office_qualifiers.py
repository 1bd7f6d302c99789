"""An office in the position field keeps its qualifier in the address ("Herrn Bürgermeister a.D."): line 1
without it would address a former mayor as the sitting one. The salutation line stays the office alone."""

from __future__ import annotations

import pytest

from governance.titles import parse_contact
from tests.title_helpers import assert_frame_path_agrees

CASES = [
    (
        ("Herr", "Dr.", "Kim", "Berger", "Bürgermeister a.D.", "AT", ""),
        "Sehr geehrter Herr Bürgermeister,",
        "Herrn Bürgermeister a.D.\nDr. Kim Berger",
    ),
    (  # written with a space
        ("Herr", "Dr.", "Kim", "Berger", "Bürgermeister a. D.", "AT", ""),
        "Sehr geehrter Herr Bürgermeister,",
        "Herrn Bürgermeister a.D.\nDr. Kim Berger",
    ),
    (
        ("Frau", "Mag.a", "Eva", "Huber", "Bundesministerin für Finanzen", "AT", ""),
        "Sehr geehrte Frau Bundesministerin,",
        "Frau Bundesministerin für Finanzen\nMag.a Eva Huber",
    ),
    (  # in the person's gender, qualifier kept
        ("Frau", "", "Eva", "Huber", "Bürgermeister der Stadt Graz", "AT", "Stadt Graz"),
        "Sehr geehrte Frau Bürgermeisterin,",
        "Stadt Graz\nFrau Bürgermeisterin der Stadt Graz\nEva Huber",
    ),
    (  # without a qualifier nothing changes
        ("Herr", "Dr.", "Franz", "Müller", "Generaldirektor", "AT", ""),
        "Sehr geehrter Herr Generaldirektor Dr. Müller,",
        "Herrn Generaldirektor\nDr. Franz Müller",
    ),
]


@pytest.mark.parametrize(("fields", "line", "block"), CASES, ids=[c[0][4] for c in CASES])
def test_office_qualifier_in_the_address(fields, line, block):
    parsed = parse_contact(*fields)
    assert (parsed.salutation_line, parsed.address_block) == (line, block)


def test_frame_path_agrees():
    assert_frame_path_agrees(
        [f for f, _, _ in CASES],
        [{"salutation_line": line, "address_block": block} for _, line, block in CASES],
    )
