"""Cases an adversarial probe of the CSV ingest found wrong (2026-11-29)."""

from __future__ import annotations

from governance.ingest import read_csv_extract


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_title_in_two_title_columns_is_one_title(tmp_path):
    """Titel=Dr. and Akad. Titel=Dr. were joined to "Dr. Dr.", which the engine reads as the DDr."""
    text = (
        "Kontakt-Nr;Anrede;Titel;Akad. Titel;Vorname;Nachname\n"
        "1;Herr;Dr.;Dr.;Karl;Maier\n"
        "2;Herr;Mag. Dr.;Dr.;Hans;Huber\n"
        "3;Herr;Dr.;DDr.;Eva;Berger\n"
        "4;Herr;Ing.;Dipl.-Ing.;Max;Gruber\n"
    )
    extract = read_csv_extract(write(tmp_path, "t.csv", text.encode("cp1252")))
    assert extract.contacts["title"].tolist() == ["Dr.", "Mag. Dr.", "Dr. DDr.", "Ing. Dipl.-Ing."]


def test_the_same_degree_in_suffix_and_title_is_read_once(tmp_path):
    header = "(Nicht ändern) Kontakt;Anrede;Titel;Vorname;Nachname;Suffix"
    row = "5f1c2b7e-0000-0000-0000-000000000001;Herr;Dr. MSc;Karl;Bauer;MSc"
    extract = read_csv_extract(write(tmp_path, "dyn.csv", f"{header}\n{row}\n".encode("cp1252")))
    assert extract.contacts.iloc[0]["title"] == "Dr. MSc"


HEADER = "Kontakt-Nr;Anrede;Titel;Vorname;Nachname;Funktion;Land;Betreuer;E-Mail\n"
UTF8_ROW = "001;Herr;Mag.;Jörg;Bär;CEO;Österreich;Jürgen Groß;j@x.at\n".encode()


def test_a_utf8_line_with_one_cp1252_byte_keeps_its_utf8(tmp_path):
    """ "René" typed in Windows into a UTF-8 list: the line was read as cp1252 as a whole, which garbled
    its UTF-8 ("Ã–sterreich") and quarantined a valid record as COUNTRY_INVALID."""
    line = b"002;Herr;;Ren\xe9;" + "Müller;Geschäftsführer;Österreich;Jürgen Groß;r@x.at\n".encode()
    extract = read_csv_extract(write(tmp_path, "m.csv", HEADER.encode() + UTF8_ROW + line))
    row = extract.contacts.iloc[1]
    assert (row["first_name"], row["last_name"], row["country"], row["owner"]) == (
        "René",
        "Müller",
        "Österreich",
        "Jürgen Groß",
    )
    assert any("mixed encodings" in w and "line 3" in w for w in extract.warnings)


def test_a_utf8_character_cut_in_two_is_rejected_not_garbled(tmp_path):
    cut = "003;Frau;;C;D;E;AT;Jürgen Groß;Ö".encode()[:-1]
    extract = read_csv_extract(write(tmp_path, "cut.csv", HEADER.encode() + UTF8_ROW + cut))
    assert extract.contacts["contact_id"].tolist() == ["001"]
    assert extract.rejects["source_line"].tolist() == [3]
    assert "undecodable byte 0xC3" in extract.rejects.iloc[0]["reason"]


def test_a_contact_after_a_blank_line_that_lacks_its_surname_is_quarantined_not_skipped(tmp_path):
    """Below the last blank line a row lacking a required value was taken for a report footer and
    skipped: a contact with an id and a first name was in neither table."""
    text = (
        "Kontakt-Nr;Anrede;Titel;Vorname;Nachname;Funktion;Land\n"
        "001;Herr;;Hans;Huber;CEO;AT\n"
        "002;Frau;;Eva;Maier;CFO;AT\n"
        "\n"
        "003;Frau;;Eva;;Prokuristin;AT\n"
        "\n"
        "Summe;;;;;;\n"
    )
    extract = read_csv_extract(write(tmp_path, "f.csv", text.encode("cp1252")))
    assert extract.rows_read == len(extract.contacts) + len(extract.rejects)
    assert "003" in extract.contacts["contact_id"].tolist()
    assert "Summe" not in extract.contacts["contact_id"].tolist()
    assert any("footer line(s) skipped (line 7)" in w for w in extract.warnings)


def test_a_salesforce_total_row_is_still_a_footer(tmp_path):
    text = (
        "Contact ID,First Name,Last Name,Title,Email\n"
        "0031x00000AbCdE,Hans,Huber,CEO,h@x.at\n"
        "\n"
        '"Grand Totals (1 records)",,,,\n'
        '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n'
    )
    extract = read_csv_extract(write(tmp_path, "sf.csv", text.encode()))
    assert len(extract.contacts) == 1 and extract.rejects.empty
    assert any("footer line(s) skipped (line 4, 5)" in w for w in extract.warnings)


def test_a_header_repeated_in_another_order_or_case_is_no_contact_and_its_rows_are_not_misread(tmp_path):
    """Only a byte-exact repeat was known: "KONTAKT-NR;ANREDE;..." became a contact, and below a repeat
    in another column order contact 002 got the title "Beate" and the surname "Dr.in"."""
    text = (
        "Kontakt-Nr;Anrede;Titel;Vorname;Nachname;Funktion;Land\n"
        "001;Herr;Mag.;Anton;Bär;CEO;AT\n"
        "Kontakt-Nr;Anrede;Vorname;Nachname;Titel;Funktion;Land\n"
        "002;Frau;Beate;Kühn;Dr.in;CFO;DE\n"
        "003;Frau;Eva;Kühn;Dr.in;CFO;DE\n"
        "KONTAKT-NR; Anrede ;TITEL;VORNAME;NACHNAME;FUNKTION;LAND\n"
        "004;Herr;;Max;Mann;CEO;AT\n"
    )
    extract = read_csv_extract(write(tmp_path, "joined.csv", text.encode("utf-8")))
    assert extract.contacts["contact_id"].tolist() == ["001", "004"]
    reasons = dict(zip(extract.rejects["source_line"], extract.rejects["reason"], strict=True))
    assert sorted(reasons) == [3, 4, 5, 6]
    assert reasons[3] == reasons[6] == "the header line again (exports joined into one file)"
    assert "below the header repeated on line 3 with its columns in another order" in reasons[4]
    assert extract.rows_read == len(extract.contacts) + len(extract.rejects)


def test_a_list_with_both_funktion_and_position_reads_each_rows_filled_one(tmp_path):
    """Only the first present column was read: a company contact whose job was in "Position" was
    quarantined as POSITION_MISSING."""
    text = (
        "Kontakt-Nr;Anrede;Vorname;Nachname;Firma;Funktion;Position;E-Mail;Email\n"
        "001;Herr;Hans;Huber;ACME;;Geschäftsführer;;h@acme.at\n"
        "002;Frau;Eva;Maier;ACME;Prokuristin;Leitung;e@acme.at;\n"
    )
    extract = read_csv_extract(write(tmp_path, "both.csv", text.encode("cp1252")))
    assert extract.contacts["position"].tolist() == ["Geschäftsführer", "Prokuristin"]
    assert extract.contacts["email"].tolist() == ["h@acme.at", "e@acme.at"]


def test_excels_leading_zero_formula_is_unwrapped_with_a_warning(tmp_path):
    """`="0012"` kept literally matched no contact of the night before."""
    text = (
        "Kontakt-Nr;Anrede;Vorname;Nachname;PLZ\n"
        '="0012";Herr;Hans;Huber;="01010"\n'
        '"=""0013""";Frau;Eva;Maier;1010\n'
    )
    extract = read_csv_extract(write(tmp_path, "x.csv", text.encode("cp1252")))
    assert extract.contacts["contact_id"].tolist() == ["0012", "0013"]
    assert extract.contacts["postal_code"].tolist() == ["01010", "1010"]
    assert "column 'Kontakt-Nr' (contact_id), line 2: Excel text formula '=\"0012\"' unwrapped" in (
        extract.warnings
    )


def test_a_title_row_padded_to_the_tables_width_is_skipped_above_the_header(tmp_path):
    """Excel pads a title in A1/B1 with delimiters to the table's width: the title row was taken for the
    header ("no profile matches the header ('Kontakte Export', '24.11.2024', ...)")."""
    rows = "".join(f"00{i};Herr;;Hans;Huber{i};CEO;AT\n" for i in range(1, 6))
    text = "Kontakte Export;24.11.2024;;;;;\nKontakt-Nr;Anrede;Titel;Vorname;Nachname;Funktion;Land\n" + rows
    extract = read_csv_extract(write(tmp_path, "title.csv", text.encode("cp1252")))
    assert len(extract.contacts) == 5 and extract.rejects.empty
    assert any(w.startswith("line 1 skipped above the header") for w in extract.warnings)


def test_a_title_row_above_a_short_list_is_skipped(tmp_path):
    text = "Kundenliste;Stand 24.11.2024\nKontakt-Nr;Anrede;Vorname;Nachname\n1;Herr;Hans;Huber\n"
    extract = read_csv_extract(write(tmp_path, "short.csv", text.encode("cp1252")))
    assert extract.contacts["last_name"].tolist() == ["Huber"]


def test_an_excel_round_trip_is_repaired_in_header_names_and_every_text_column(tmp_path):
    """UTF-8 read as cp1252 and saved again: "StraÃŸe" and "ZustÃ¤ndig" named no column, so street and
    owner were empty for every contact, and "Ã–sterreich" was quarantined as an invalid country."""
    text = (
        "Kontakt-Nr;Anrede;Vorname;Nachname;Straße;Land;Betreuer\n"
        "1;Herr;Jürgen;Müller;Hauptstraße 1;Österreich;Jörg Bär\n"
    )
    garbled = text.encode("utf-8").decode("cp1252").encode("utf-8")
    extract = read_csv_extract(write(tmp_path, "roundtrip.csv", garbled))
    row = extract.contacts.iloc[0]
    assert (row["last_name"], row["street"], row["country"], row["owner"]) == (
        "Müller",
        "Hauptstraße 1",
        "Österreich",
        "Jörg Bär",
    )
    assert any("header name(s) repaired" in w and "'StraÃŸe' as 'Straße'" in w for w in extract.warnings)


def test_a_utf8_bom_before_cp1252_text_is_read_as_cp1252(tmp_path):
    """Every row with an umlaut was rejected as undecodable for utf-8-sig."""
    text = "Kontakt-Nr;Anrede;Vorname;Nachname;Land\n1;Herr;Jürgen;Müller;Österreich\n2;Frau;Eva;Bauer;AT\n"
    extract = read_csv_extract(write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + text.encode("cp1252")))
    assert extract.contacts["last_name"].tolist() == ["Müller", "Bauer"] and extract.rejects.empty
    assert extract.contacts.iloc[0]["country"] == "Österreich"
    assert any("byte order mark before Windows (cp1252) text" in w for w in extract.warnings)
