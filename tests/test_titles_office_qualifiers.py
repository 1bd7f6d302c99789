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
    (  # the place written without "der" or "von": still the office, not a plain position
        ("Frau", "", "Eva", "Huber", "Bürgermeisterin Wiener Neustadt", "AT", "Stadt Wiener Neustadt"),
        "Sehr geehrte Frau Bürgermeisterin,",
        "Stadt Wiener Neustadt\nFrau Bürgermeisterin Wiener Neustadt\nEva Huber",
    ),
    (  # a portfolio written without "für"
        ("Herr", "Mag.", "Hans", "Huber", "Landesrat Finanzen", "AT", ""),
        "Sehr geehrter Herr Landesrat,",
        "Herrn Landesrat Finanzen\nMag. Hans Huber",
    ),
    (
        ("Herr", "", "Hans", "Huber", "Botschafter Schweiz", "AT", ""),
        "Sehr geehrter Herr Botschafter,",
        "Herrn Botschafter Schweiz\nHans Huber",
    ),
    (  # the deputy is no mayor: a plain position, under the name
        ("Herr", "Dr.", "Hans", "Huber", "Bürgermeister Stv.", "AT", ""),
        "Sehr geehrter Herr Dr. Huber,",
        "Herrn\nDr. Hans Huber\nBürgermeister Stv.",
    ),
    (  # a function with a department is a plain position, as before
        ("Herr", "Dr.", "Hans", "Huber", "Direktor Vertrieb", "AT", ""),
        "Sehr geehrter Herr Dr. Huber,",
        "Herrn\nDr. Hans Huber\nDirektor Vertrieb",
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
