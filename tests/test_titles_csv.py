"""The CSV tool behind `governance salutations INPUT.csv -o OUTPUT.csv`."""

from __future__ import annotations

import csv

import pytest

from governance.titles import TitleInputError, salutations_csv

HEADER = ["contact_id", "salutation", "title", "first_name", "last_name", "position", "country", "note"]
ROWS = [
    ["1", "Herr", "KommR Dr. MBA", "Franz", "Müller", "Generaldirektor", "AT", "keep; me, too"],
    ["2", "Frau", "Mag.a", "Eva", "Huber", "", "DE", ""],
    ["3", "", "Dr.", "Kim", "Berger", "", "CH", "x"],
]
NEW = ["salutation_line", "address_block", "titles_prenominal", "titles_postnominal", "gender", "issues"]


def _write(path, delimiter, header=HEADER, rows=ROWS, encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_roundtrip_keeps_delimiter_and_extra_columns(tmp_path, delimiter):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, delimiter)
    assert salutations_csv(src, dst) == 3
    text = dst.read_text(encoding="utf-8")
    assert text.splitlines()[0] == delimiter.join(HEADER + NEW)
    with dst.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=delimiter))
    assert [r["contact_id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["note"] == "keep; me, too"
    assert rows[0]["salutation_line"] == "Sehr geehrter Herr Generaldirektor Dr. Müller,"
    assert rows[0]["address_block"] == "Herrn Generaldirektor\nKommR Dr. Franz Müller, MBA"
    assert rows[0]["titles_postnominal"] == "MBA"
    assert rows[1]["salutation_line"] == "Sehr geehrte Frau Huber,"
    assert rows[2]["salutation_line"] == "Guten Tag Kim Berger"
    assert rows[2]["gender"] == "unknown"


def test_cp1252_input_is_written_as_utf8_with_a_byte_order_mark(tmp_path):
    """A German Excel opens UTF-8 without a BOM as cp1252: "MÃ¼ller" in the file its user gave it."""
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(
        src,
        ";",
        rows=[["1", "Frau", "Mag.a", "Eva", "Müller", "Geschäftsführerin", "Österreich", ""]],
        encoding="cp1252",
    )
    assert salutations_csv(src, dst) == 1
    assert dst.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Sehr geehrte Frau Mag.a Müller," in dst.read_text(encoding="utf-8-sig")


def test_missing_column_names_file_and_columns(tmp_path):
    src = tmp_path / "bad.csv"
    _write(src, ",", header=["salutation", "first_name", "last_name"], rows=[["Herr", "A", "B"]])
    with pytest.raises(TitleInputError) as exc:
        salutations_csv(src, tmp_path / "out.csv")
    msg = str(exc.value)
    assert "bad.csv" in msg
    assert "title" in msg and "position" in msg and "country" in msg
    assert isinstance(exc.value, ValueError)
    assert not (tmp_path / "out.csv").exists()


def test_unreadable_file_names_file(tmp_path):
    with pytest.raises(TitleInputError, match="nope.csv"):
        salutations_csv(tmp_path / "nope.csv", tmp_path / "out.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(TitleInputError, match="empty.csv"):
        salutations_csv(empty, tmp_path / "out.csv")


def test_an_optional_company_column_heads_the_address_block(tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    header = [*HEADER[:6], " Company ", *HEADER[6:]]
    rows = [[*ROWS[0][:6], "ACME AG", *ROWS[0][6:]], [*ROWS[1][:6], "", *ROWS[1][6:]]]
    _write(src, ";", header=header, rows=rows)
    assert salutations_csv(src, dst) == 2
    with dst.open(encoding="utf-8", newline="") as fh:
        out = list(csv.DictReader(fh, delimiter=";"))
    assert out[0]["address_block"] == "ACME AG\nHerrn Generaldirektor\nKommR Dr. Franz Müller, MBA"
    assert out[0][" Company "] == "ACME AG"  # passes through as delivered
    assert out[1]["address_block"] == "Frau\nMag.a Eva Huber"
