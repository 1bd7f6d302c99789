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
    (  # a place name with its lower-case particles
        ("Herr", "", "Hans", "Huber", "Bürgermeister Bruck an der Mur", "AT", ""),
        "Sehr geehrter Herr Bürgermeister,",
        "Herrn Bürgermeister Bruck an der Mur\nHans Huber",
    ),
    (
        ("Herr", "", "Hans", "Huber", "Bürgermeister St. Johann im Pongau", "AT", ""),
        "Sehr geehrter Herr Bürgermeister,",
        "Herrn Bürgermeister St. Johann im Pongau\nHans Huber",
    ),
    (  # the office's staff are not addressed as its holder
        ("Frau", "", "Eva", "Huber", "Bürgermeister Sekretärin", "AT", ""),
        "Sehr geehrte Frau Huber,",
        "Frau\nEva Huber\nBürgermeister Sekretärin",
    ),
    (
        ("Herr", "", "Hans", "Huber", "Landesrat Pressesprecher", "AT", ""),
        "Sehr geehrter Herr Huber,",
        "Herrn\nHans Huber\nLandesrat Pressesprecher",
    ),
    (  # another position after the office is no place either
        ("Herr", "", "Hans", "Huber", "Präsident Geschäftsführer", "AT", ""),
        "Sehr geehrter Herr Huber,",
        "Herrn\nHans Huber\nPräsident Geschäftsführer",
    ),
    (  # a company's president with a department or region is the company's rank
        ("Herr", "", "Hans", "Huber", "Präsident Vertrieb", "AT", "ACME AG"),
        "Sehr geehrter Herr Huber,",
        "ACME AG\nHerrn\nHans Huber\nPräsident Vertrieb",
    ),
    (
        ("Herr", "", "Hans", "Huber", "Präsident Region Süd", "AT", ""),
        "Sehr geehrter Herr Huber,",
        "Herrn\nHans Huber\nPräsident Region Süd",
    ),
    (  # a portfolio of two words
        ("Frau", "", "Eva", "Huber", "Landesrätin Gesundheit und Pflege", "AT", ""),
        "Sehr geehrte Frau Landesrätin,",
        "Frau Landesrätin Gesundheit und Pflege\nEva Huber",
    ),
    (  # an office joined by "und" to a company position: the office is addressed, the job goes under
        ("Herr", "", "Hans", "Huber", "Bürgermeister und Geschäftsführer", "AT", ""),
        "Sehr geehrter Herr Bürgermeister,",
        "Herrn Bürgermeister\nHans Huber\nGeschäftsführer",
    ),
    (  # a public body after the office is its place, though the body is an office too
        ("Frau", "", "Eva", "Huber", "Präsidentin Nationalrat", "AT", ""),
        "Sehr geehrte Frau Präsidentin,",
        "Frau Präsidentin Nationalrat\nEva Huber",
    ),
    (  # ... an association's president with its name stays the office
        ("Frau", "", "Eva", "Huber", "Präsidentin Rotes Kreuz", "AT", ""),
        "Sehr geehrte Frau Präsidentin,",
        "Frau Präsidentin Rotes Kreuz\nEva Huber",
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


@pytest.mark.parametrize("position", ["BM Finanzen", "BM der Stadt Graz"])
def test_an_ambiguous_abbreviation_before_a_place_or_portfolio_keeps_its_flag(position):
    """BM alone is TITLE_AMBIGUOUS (Bundesminister or Bürgermeister); with "Finanzen" after it the flag was
    lost and the minister was addressed by name without anybody being told."""
    parsed = parse_contact("Herr", "", "Hans", "Huber", position, "AT", "")
    assert "TITLE_AMBIGUOUS" in parsed.issues
    assert_frame_path_agrees([("Herr", "", "Hans", "Huber", position, "AT", "")])
