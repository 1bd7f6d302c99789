"""Review findings on the CSV reader: record boundaries around stray quotes, trailing unnamed header
columns, NUL bytes on suspect lines, a BOM before a repeated header and bare CR record ends."""

from __future__ import annotations

import pytest

from governance.ingest import read_csv_extract


def write_bytes(tmp_path, data: bytes, name: str = "f.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def check_counts(ex, records: int) -> None:
    assert ex.rows_read == len(ex.contacts) + len(ex.rejects) == records


SF_HEADER = b"Id,FirstName,LastName,Title,Email,Description\n"


@pytest.mark.parametrize("profile", ["salesforce", "auto"])
def test_stray_quote_before_multiline_field_keeps_one_record(tmp_path, profile):
    data = (
        SF_HEADER + b'003A,Sean,O"Brien,CEO,a@x,"Met at fair.\n'
        b'Follow-up: call, email, visit, offer, ok, done"\n'
        b"003B,Eva,Huber,CTO,b@x,short\n"
    )
    ex = read_csv_extract(write_bytes(tmp_path, data), profile)
    check_counts(ex, 2)
    assert ex.contacts["contact_id"].tolist() == ["003A", "003B"]
    assert ex.contacts["last_name"].tolist() == ['O"Brien', "Huber"]
    assert ex.contacts["source_line"].tolist() == [2, 4]


def test_badly_closed_multiline_field_is_one_reject(tmp_path):
    data = b'Id,FirstName,LastName,Title,Email\n1,Hans,Meier,"CEO\nx,y,z,w" ,a@x\n2,Eva,Huber,CTO,b@x\n'
    ex = read_csv_extract(write_bytes(tmp_path, data), "salesforce")
    check_counts(ex, 2)
    assert ex.contacts["contact_id"].tolist() == ["2"]
    assert ex.contacts["source_line"].tolist() == [4]
    assert ex.rejects["source_line"].tolist() == [2]
    assert "broken quoting" in ex.rejects.iloc[0]["reason"]
    assert "x,y,z,w" in ex.rejects.iloc[0]["raw_text"]


def test_stray_quote_then_badly_closed_multiline_field_is_one_reject(tmp_path):
    data = SF_HEADER + b'003A,Sean,O"Brien,CEO,a@x,"Met at fair.\nFollow-up: call, a, b, c, ok, done" x\n'
    data += b"003B,Eva,Huber,CTO,b@x,short\n"
    ex = read_csv_extract(write_bytes(tmp_path, data), "salesforce")
    check_counts(ex, 2)
    assert ex.contacts["contact_id"].tolist() == ["003B"]
    assert ex.rejects["source_line"].tolist() == [2]


def test_unterminated_quote_followed_by_a_stray_quote_line_keeps_that_line(tmp_path):
    # The csv module would join lines 3 and 4, but not into a record of the right shape: read them alone.
    data = b'contact_id;last_name;city\n1;A;Wien\n2;Huber;"Graz\n3;O"tt;Linz\n'
    ex = read_csv_extract(write_bytes(tmp_path, data))
    check_counts(ex, 3)
    assert ex.contacts["contact_id"].tolist() == ["1", "3"]
    assert ex.contacts["source_line"].tolist() == [2, 4]
    assert ex.rejects["source_line"].tolist() == [3]


def test_header_with_trailing_delimiter_over_rows_without(tmp_path):
    data = b"Id,FirstName,LastName,Title,Email,\n1,Hans,Meier,CEO,a@x\n2,Eva,Huber,CTO,b@x\n"
    ex = read_csv_extract(write_bytes(tmp_path, data), "salesforce")
    check_counts(ex, 2)
    assert ex.rejects.empty
    assert ex.contacts["last_name"].tolist() == ["Meier", "Huber"]
    assert ex.contacts["source_line"].tolist() == [2, 3]
    assert any("unnamed" in w for w in ex.warnings)


def test_rows_may_leave_out_trailing_unnamed_columns(tmp_path):
    data = (
        b"Id,FirstName,LastName,Title,Email,,\n"
        b"1,Hans,Meier,CEO,a@x,,\n"
        b"2,Eva,Huber,CTO,b@x\n"
        b"3,Max,Mu,CFO,c@x,\n"
        b"4,Li,Lo,X\n"  # a named column left out too (Excel): read, the e-mail empty
        b"6,Ann,Ott,COO,e@x,,,\n"
        b"5,Ann\n"  # too short to reach the surname: still a wrong field count
    )
    ex = read_csv_extract(write_bytes(tmp_path, data), "salesforce")
    check_counts(ex, 6)
    assert ex.contacts["contact_id"].tolist() == ["1", "2", "3", "4", "6"]
    assert ex.contacts["source_line"].tolist() == [2, 3, 4, 5, 6]
    assert ex.contacts["email"].tolist()[3] == ""
    assert ex.rejects["source_line"].tolist() == [7]
    assert "wrong field count" in ex.rejects.iloc[0]["reason"]


def test_nul_byte_on_a_line_with_a_stray_quote_is_rejected(tmp_path):
    data = b'Id,FirstName,LastName,Title,Email\n1,Sean,O"Bri\x00en,CEO,a@x\n2,Eva,Huber,CTO,b@x\n'
    ex = read_csv_extract(write_bytes(tmp_path, data), "salesforce")
    check_counts(ex, 2)
    assert ex.contacts["contact_id"].tolist() == ["2"]
    assert ex.rejects["source_line"].tolist() == [2]
    assert "NUL byte" in ex.rejects.iloc[0]["reason"]
    assert "line 2, column 13" in ex.rejects.iloc[0]["reason"]


def test_bom_before_repeated_header_is_rejected(tmp_path):
    data = b"\xef\xbb\xbfId;Nachname\r\n1;M\xc3\xbcller\r\n\xef\xbb\xbfId;Nachname\r\n2;Wei\xc3\x9f\r\n"
    ex = read_csv_extract(write_bytes(tmp_path, data))
    check_counts(ex, 3)
    assert ex.contacts["contact_id"].tolist() == ["1", "2"]
    assert ex.contacts["source_line"].tolist() == [2, 4]
    assert ex.rejects["source_line"].tolist() == [3]
    assert "header line again" in ex.rejects.iloc[0]["reason"]


def test_bare_cr_record_end_in_a_crlf_file(tmp_path):
    data = (
        b"Id,FirstName,LastName,Title,Email\r\n1,Hans,Meier,CEO,a@x\r\n2,Eva,Huber,CTO,b@x\n"
        b"3,Max,Mu,CFO,c@x\r4,Li,Lo,X,d@x\n"
    )
    ex = read_csv_extract(write_bytes(tmp_path, data), "salesforce")
    check_counts(ex, 4)
    assert ex.contacts["contact_id"].tolist() == ["1", "2", "3", "4"]
    assert ex.contacts["source_line"].tolist() == [2, 3, 4, 5]


def test_bare_cr_inside_quotes_stays_data(tmp_path):
    data = b'Id,FirstName,LastName,Title,Email\n1,Hans,Meier,"CEO\rand CTO",a@x\n2,Eva,Huber,CTO,b@x\r'
    data += b"3,Max,Mu,CFO,c@x\n"
    ex = read_csv_extract(write_bytes(tmp_path, data), "salesforce")
    check_counts(ex, 3)
    assert ex.contacts["position"].tolist() == ["CEO\rand CTO", "CTO", "CFO"]
    assert ex.contacts["source_line"].tolist() == [2, 3, 4]


def test_nul_byte_when_no_clean_record_is_left_is_no_crash(tmp_path):
    data = b'Id,FirstName,LastName,Title,Email\n1,Sean,O"Bri\x00en,CEO,a@x\n'
    ex = read_csv_extract(write_bytes(tmp_path, data), "salesforce")
    check_counts(ex, 1)
    assert ex.contacts.empty
    assert "NUL byte" in ex.rejects.iloc[0]["reason"]


def test_lines_in_utf8_and_cp1252_are_each_read_in_their_own_encoding(tmp_path):
    """Two exports joined, or a UTF-8 name pasted into a Windows list: decoded as a whole, one kind of
    line would be garbled ("JÃ¼rgen") or rejected."""
    from governance.ingest import read_csv_extract

    header = b"Nr;Vorname;Nachname;Position;Firma\r\n"
    utf8 = "1;Jürgen;Müller;GF;Öl AG\r\n".encode()
    cp1252 = b"".join(
        f"{i};Jörg;Weiß;Geschäftsführer;Bäckerei Größ\r\n".encode("cp1252") for i in range(2, 12)
    )
    for name, data in (("utf8_first", header + utf8 + cp1252), ("cp1252_first", header + cp1252 + utf8)):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        extract = read_csv_extract(path, "dach_excel")
        rows = extract.contacts.set_index("contact_id")
        assert len(rows) == 11 and extract.rejects.empty, name
        assert rows.loc["1", "first_name"] == "Jürgen" and rows.loc["1", "company"] == "Öl AG", name
        assert (rows.drop(index="1")["last_name"] == "Weiß").all(), name
        assert rows.loc["1", "source_line"] == (2 if name == "utf8_first" else 12), name
        assert extract.encoding == "utf-8 + cp1252"
        assert any(
            w.startswith("mixed encodings: 1 line(s) in UTF-8 and 10 in cp1252") for w in extract.warnings
        )
        assert not any("differs from profile" in w for w in extract.warnings)


def test_a_file_in_one_encoding_is_not_split_by_lines(tmp_path):
    from governance.ingest import read_csv_extract

    path = tmp_path / "cp.csv"
    path.write_bytes("Nr;Vorname;Nachname\r\n1;Jörg;Weiß\r\n2;Ännchen;Größ\r\n".encode("cp1252"))
    extract = read_csv_extract(path, "dach_excel")
    assert extract.encoding == "cp1252" and not any("mixed" in w for w in extract.warnings)
    assert extract.contacts["last_name"].tolist() == ["Weiß", "Größ"]


@pytest.mark.parametrize(
    "title", ["Kundenliste, Stand 12/2024", "Kundenliste;Stand 12/2024", '"Kundenliste";"Stand 12/2024";;']
)
def test_a_title_row_naming_two_things_is_no_header(tmp_path, title):
    """An Excel list with a title row above the header: a comma in it must not decide the delimiter, and
    two cells in it must not make it the header."""
    from governance.ingest import read_csv_extract

    rows = "".join(f"K{i};Herr;Dr.;Hans;Huber{i};Wien\r\n" for i in range(20))
    path = tmp_path / "kunden.csv"
    path.write_bytes(
        f"{title}\r\n\r\nKontakt-Nr;Anrede;Titel;Vorname;Nachname;Ort\r\n{rows}".encode("cp1252")
    )
    extract = read_csv_extract(path, "auto")
    assert extract.delimiter == ";" and extract.profile == "dach_excel"
    assert len(extract.contacts) == 20 and extract.rejects.empty
    assert extract.contacts["source_line"].iloc[0] == 4
    assert any(w.startswith("line 1 skipped above the header") for w in extract.warnings)


def test_a_bad_code_unit_in_a_utf16_file_rejects_its_record_only(tmp_path):
    """Excel's "Unicode text" is UTF-16: one bad unit used to fail the whole file, with no line."""
    from governance.ingest import read_csv_extract

    text = "Id\tFirstName\tLastName\r\n1\tHans\tMeier\r\n2\tEva\tHu\ud83dber\r\n3\tMax\tMüller\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass"))
    extract = read_csv_extract(path, "auto")
    assert extract.contacts["last_name"].tolist() == ["Meier", "Müller"]
    assert extract.contacts["source_line"].tolist() == [2, 4]
    (reject,) = extract.rejects.to_dict("records")
    assert reject["source_line"] == 3
    assert reject["reason"] == "undecodable code unit (or a NUL) for encoding utf-16 (line 3, column 9)"
    assert any(w.startswith("undecodable code units for utf-16") for w in extract.warnings)


def test_a_field_padded_with_nul_bytes_near_the_top_rejects_its_row_not_the_file(tmp_path):
    """More than 16 NUL bytes in the first 4 KiB refused the whole night as "not a text file"; the same
    padding further down rejected one row."""
    rows = [b"Id,FirstName,LastName,Title,Email"] + [
        b"%d,Eva,Huber%d,CTO,e%d@x.at" % (i, i, i) for i in range(1, 50)
    ]
    rows[3] = b"3,Max,Muster" + b"\x00" * 20 + b",CEO,m@x.at"
    ex = read_csv_extract(write_bytes(tmp_path, b"\n".join(rows) + b"\n"), "salesforce")
    check_counts(ex, 49)
    assert ex.rejects["source_line"].tolist() == [4]
    assert "NUL byte" in ex.rejects.iloc[0]["reason"] and "line 4, column 13" in ex.rejects.iloc[0]["reason"]


def test_a_binary_file_is_still_refused_as_no_text(tmp_path):
    import random

    from governance.ingest.errors import ExtractError

    # a binary record layout: NULs and other control bytes everywhere
    rng = random.Random(7)
    blob = bytes(rng.choice([0, 0, 1, 2, 7, 65, 200]) for _ in range(8192))
    with pytest.raises(ExtractError, match="not a text file"):
        read_csv_extract(write_bytes(tmp_path, b"Id,LastName\n" + blob), "salesforce")
