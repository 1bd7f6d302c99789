"""Shapes Excel and old CRMs give CSV files: every row accounted for, never a blank contact."""

from __future__ import annotations

import pytest

from governance.ingest import read_csv_extract

HEADER = "Kontakt-Nr;Anrede;Titel;Vorname;Nachname;Funktion;Firma;Land"
HUBER = "1;Herr;Dr.;Hans;Huber;GF;ACME;AT"
MAIER = "2;Frau;Mag.a;Eva;Maier;GF;ACME;AT"


def read(tmp_path, text: str):
    path = tmp_path / "kontakte.csv"
    path.write_bytes(text.encode("cp1252"))
    return read_csv_extract(path, "dach_excel")


def test_stray_carriage_return_rejects_the_record_never_blanks_it(tmp_path):
    extract = read(tmp_path, f"{HEADER}\n1;Herr;Dr.;Hans;Hu\rber;GF;ACME;AT\n{MAIER}\n")
    assert extract.contacts["contact_id"].tolist() == ["2"]
    assert extract.contacts["source_line"].tolist() == [3]
    assert extract.rejects[["source_line"]].values.ravel().tolist() == [2]
    assert "line break" in extract.rejects["reason"].iloc[0]
    assert (extract.contacts["contact_id"] != "").all()
    assert extract.rows_read == len(extract.contacts) + len(extract.rejects) == 2


def test_old_mac_line_endings(tmp_path):
    extract = read(tmp_path, f"{HEADER}\r{HUBER}\r{MAIER}\r")
    assert extract.contacts["last_name"].tolist() == ["Huber", "Maier"]
    assert extract.contacts["source_line"].tolist() == [2, 3]
    assert any("bare CR" in w for w in extract.warnings)


def test_rows_of_only_delimiters_are_no_contacts(tmp_path):
    extract = read(tmp_path, f"{HEADER}\n{HUBER}\n;;;;;;;\n{MAIER}\n;;;;;;;\n")
    assert extract.contacts["contact_id"].tolist() == ["1", "2"]
    assert extract.contacts["source_line"].tolist() == [2, 4]
    assert any("empty row(s)" in w and "3, 5" in w for w in extract.warnings)
    assert extract.rows_read == 2


@pytest.mark.parametrize("extra", [";", ";;", "; "])
def test_trailing_empty_fields_are_accepted(tmp_path, extra):
    extract = read(tmp_path, f"{HEADER}\n{HUBER}{extra}\n{MAIER}\n")
    assert extract.contacts["last_name"].tolist() == ["Huber", "Maier"]
    assert extract.rejects.empty


def test_trailing_field_with_data_is_rejected(tmp_path):
    extract = read(tmp_path, f"{HEADER}\n{HUBER};oops\n{MAIER}\n")
    assert extract.contacts["contact_id"].tolist() == ["2"]
    assert extract.rejects["reason"].tolist() == ["wrong field count: expected 8, found 9"]
    assert extract.rejects["source_line"].tolist() == [2]
    assert extract.rows_read == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_a_plain_german_excel_list_with_an_id_column_is_recognised(tmp_path, encoding):
    """What people actually save from Excel: 'ID', 'Postleitzahl', 'Stadt', a line break in the street."""
    header = "ID;Anrede;Titel;Vorname;Nachname;Firma;E-Mail Adresse;Straße;Postleitzahl;Stadt;Land;Zuständig"
    rows = [
        '7;Herr;Dr.;Hans;Müller;ACME GmbH;h.mueller@acme.at;"Hauptstraße 1\r\nTop 3";1010;Wien;Österreich;'
        "maier",
        "8;Frau;Mag.a;Eva;Huber;;eva@huber.at;Gasse 2;8010;Graz;AT;maier",
    ]
    path = tmp_path / "liste.csv"
    path.write_bytes((header + "\r\n" + "\r\n".join(rows) + "\r\n").encode(encoding))
    extract = read_csv_extract(path, "auto")
    assert extract.profile == "dach_excel" and len(extract.rejects) == 0
    contacts = extract.contacts
    assert contacts["contact_id"].tolist() == ["7", "8"]
    assert contacts["street"].iloc[0] == "Hauptstraße 1\r\nTop 3"
    assert contacts[["postal_code", "city", "owner"]].iloc[1].tolist() == ["8010", "Graz", "maier"]
    assert contacts["email"].iloc[1] == "eva@huber.at"


@pytest.mark.parametrize(
    "preamble",
    ["sep=;\r\n", "Kontaktliste Stand 01.11.2026;;;;;;;\r\n", ";;;;;;;\r\n", "Export\r\n;;;;;;;\r\n\r\n"],
    ids=["excel-sep-hint", "title-row", "delimiter-row", "title-and-blank-rows"],
)
def test_lines_above_the_header_are_skipped_and_reported(tmp_path, preamble):
    extract = read(tmp_path, preamble + HEADER + "\r\n" + HUBER + "\r\n" + MAIER + "\r\n")
    assert extract.contacts["last_name"].tolist() == ["Huber", "Maier"]
    assert len(extract.rejects) == 0
    assert any("skipped above the header" in w for w in extract.warnings)
    first_data_line = preamble.count("\r\n") + 2
    assert extract.contacts["source_line"].tolist() == [first_data_line, first_data_line + 1]


def test_a_file_without_a_header_line_names_the_problem(tmp_path):
    from governance.ingest import ExtractError

    with pytest.raises(ExtractError, match="no header in the first 11 lines"):
        read(tmp_path, "nur eine Spalte\r\n" * 15)


def test_a_repeated_header_line_is_rejected_not_a_contact(tmp_path):
    """Two exports pasted into one file: the second header is accounted for, with its line."""
    extract = read(tmp_path, "\r\n".join([HEADER, HUBER, HEADER, MAIER]) + "\r\n")
    assert extract.contacts["last_name"].tolist() == ["Huber", "Maier"]
    assert extract.rejects["source_line"].tolist() == [3]
    assert "header line again" in extract.rejects["reason"].iloc[0]
    assert extract.rows_read == 3


def test_a_long_note_in_a_row_the_csv_module_reads_is_no_crash(tmp_path):
    """Rows with a wrong field count go through the csv module, whose default field limit is 128 KiB."""
    long_note = "z" * 140_000
    text = "\r\n".join([HEADER, HUBER, f'3;Herr;;Karl;Gruber;"{long_note}";X;AT;extra', MAIER]) + "\r\n"
    extract = read(tmp_path, text)
    assert extract.contacts["last_name"].tolist() == ["Huber", "Maier"]
    assert extract.rejects["source_line"].tolist() == [3]
    assert "wrong field count" in extract.rejects["reason"].iloc[0]


def test_a_nul_byte_rejects_its_record_with_line_and_column(tmp_path):
    """NUL is valid UTF-8 but no text (PostgreSQL refuses it): the record goes to rejects, named."""
    extract = read(tmp_path, HEADER + "\r\n" + HUBER.replace("Huber", "Hu\x00ber") + "\r\n" + MAIER + "\r\n")
    assert extract.contacts["last_name"].tolist() == ["Maier"]
    assert extract.rejects["source_line"].tolist() == [2]
    assert (
        "NUL byte" in extract.rejects["reason"].iloc[0]
        and "line 2, column" in extract.rejects["reason"].iloc[0]
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Titel", "Titel nachgestellt"),
        ("Titel vorangestellt", "Titel nachgestellt"),
        ("Titel (vor)", "Titel (nach)"),
    ],
)
def test_titles_in_two_columns_are_read_together(tmp_path, before, after):
    """A list with the post-nominals in a column of their own used to lose them (the column was not
    mapped): "Dr." + "MBA" is one title field, the one before the name first, whatever the column order."""
    header = f"Kontakt-Nr;Anrede;{after};Vorname;Nachname;{before};Funktion;Firma;Land"
    rows = [
        "1;Herr;MBA;Hans;Huber;Dr.;GF;ACME;AT",
        "2;Frau;;Eva;Maier;Mag.a;GF;ACME;AT",
        "3;Herr;MSc;Jan;Wolf;;GF;ACME;AT",
    ]
    extract = read(tmp_path, "\n".join([header, *rows]) + "\n")
    assert extract.contacts["title"].tolist() == ["Dr. MBA", "Mag.a", "MSc"]
    assert not any("not mapped" in w for w in extract.warnings)
