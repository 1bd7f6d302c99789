"""Malformed records go to rejects with their line and reason; the rest of the file loads."""

from __future__ import annotations

from governance.ingest import read_csv_extract


def write_bytes(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def check_counts(ex, records: int) -> None:
    assert ex.rows_read == len(ex.contacts) + len(ex.rejects) == records


def reject_at(ex, line: int) -> str:
    match = ex.rejects[ex.rejects["source_line"] == line]
    assert len(match) == 1, (line, ex.rejects)
    return match.iloc[0]["reason"]


def test_wrong_field_count(tmp_path):
    path = write_bytes(
        tmp_path,
        "f.csv",
        b"contact_id,city,last_name\n1,Wien,A\n2,B\n3,Graz,C,extra\n4,Linz,D\n5,Wels,E\n",
    )
    ex = read_csv_extract(path)
    check_counts(ex, 5)
    assert ex.contacts["contact_id"].tolist() == ["1", "4", "5"]
    assert ex.contacts["source_line"].tolist() == [2, 5, 6]
    # too short to reach the surname (a required column): rejected, not read as a contact without one
    assert "wrong field count: expected 3, found 2" in reject_at(ex, 3)
    assert "wrong field count: expected 3, found 4" in reject_at(ex, 4)
    assert ex.rejects.iloc[0]["raw_text"] == "2,B"
    assert set(ex.rejects["source_file"]) == {str(path)}


def test_rows_without_the_delimiters_of_their_empty_last_cells_are_read(tmp_path):
    """Excel leaves out the delimiters of empty cells at the end of a row, for groups of rows: such a row
    reaches the required columns and is read with the missing fields empty, with a warning naming it."""
    path = write_bytes(
        tmp_path,
        "excel.csv",
        b"contact_id;last_name;city;email\n1;A;Wien;a@x.at\n2;B\n3;C\n4;D;Graz\n5;E;Linz;e@x.at\n",
    )
    ex = read_csv_extract(path)
    check_counts(ex, 5)
    assert ex.rejects.empty
    assert ex.contacts["last_name"].tolist() == ["A", "B", "C", "D", "E"]
    assert ex.contacts["city"].tolist() == ["Wien", "", "", "Graz", "Linz"]
    assert ex.contacts["email"].tolist() == ["a@x.at", "", "", "", "e@x.at"]
    assert any(
        "3 row(s) with fewer fields than the header" in w and "(line 3, 4, 5)" in w for w in ex.warnings
    )


def test_a_record_cut_once_or_twice_is_rejected_whole(tmp_path):
    """Each later piece of a cut record holds no id where the id stands: all of its lines are one record,
    none is read as a contact (the piece "Stiege 2;Wien;..." would have been one with that id)."""
    header = b"contact_id;salutation;first_name;last_name;company;street;city;country;email;postal_code\n"
    path = write_bytes(
        tmp_path,
        "cut2.csv",
        header + b"4711;Herr;Max;Maier;ACME;Hauptstr. 1\nStiege 2;Wien;AT;m@x.at;1010\n"
        b"4712;Frau;Eva;Ott;X;Ring 2\nHof 2\nTop 3;Graz;AT;e@x.at;8010\n"
        b"4713;Herr;Kim;Berg;Y;Weg 3;Linz;AT;k@x.at;4020\n",
    )
    ex = read_csv_extract(path)
    check_counts(ex, 6)
    assert ex.contacts["contact_id"].tolist() == ["4713"]
    assert ex.rejects["source_line"].tolist() == [2, 3, 4, 5, 6]
    assert "lines 2-3 make one record" in reject_at(ex, 3) and "lines 4-6 make one record" in reject_at(ex, 5)


def test_a_short_row_with_no_address_in_the_e_mail_column_is_rejected(tmp_path):
    """A stray delimiter shifts the fields: the e-mail column holds the company; read, the row would
    carry a wrong surname and lose its e-mail."""
    path = write_bytes(
        tmp_path,
        "shift.csv",
        b"contact_id;first_name;last_name;company;email;postal_code;city\n1;Max; Moritz;Maier;ACME;m@x.at\n"
        b"2;Eva;Ott;X;e@x.at;8010;Graz\n",
    )
    ex = read_csv_extract(path)
    check_counts(ex, 2)
    assert ex.contacts["contact_id"].tolist() == ["2"]
    assert "the e-mail column holds 'ACME'" in reject_at(ex, 2)


def test_a_record_cut_by_an_unquoted_line_break_is_rejected_whole(tmp_path):
    """Two neighbouring short rows that together make one record are its two halves: neither is read as a
    contact (the first would be one with a cut name), and the reason says so."""
    path = write_bytes(
        tmp_path,
        "cut.csv",
        b"contact_id;last_name;position;company;email\n1;A;CEO;X;a@x.at\n2;B;Leiterin\nEinkauf;Y;b@x.at\n"
        b"3;C;CFO;Z;c@x.at\n",
    )
    ex = read_csv_extract(path)
    check_counts(ex, 4)
    assert ex.contacts["contact_id"].tolist() == ["1", "3"]
    assert ex.rejects["source_line"].tolist() == [3, 4]
    assert "lines 3-4 make one record" in reject_at(ex, 3) and "lines 3-4 make one record" in reject_at(ex, 4)


def test_broken_quoting(tmp_path):
    data = (
        b"contact_id;last_name;city\n"
        b'1;"M\xc3\xbcl"ler";Wien\n'  # text after a closing quote
        b'2;Huber;"Graz\n'  # unterminated quote, no other quote follows
        b"3;Ott;Linz\n"
    )
    ex = read_csv_extract(write_bytes(tmp_path, "q.csv", data))
    check_counts(ex, 3)
    assert ex.contacts["contact_id"].tolist() == ["3"]
    assert ex.contacts["source_line"].tolist() == [4]
    assert "broken quoting" in reject_at(ex, 2)
    assert "broken quoting" in reject_at(ex, 3)


def test_unterminated_quote_does_not_swallow_the_file(tmp_path):
    data = b'contact_id,last_name,city\n1,"Maier,Wien\n2,Bob,Graz\n3,"Ann",Linz\n4,Zoe,Wels\n'
    ex = read_csv_extract(write_bytes(tmp_path, "u.csv", data))
    check_counts(ex, 4)
    assert ex.contacts["contact_id"].tolist() == ["2", "3", "4"]
    assert ex.contacts["source_line"].tolist() == [3, 4, 5]
    assert "broken quoting" in reject_at(ex, 2)


def test_quote_inside_unquoted_field_is_literal(tmp_path):
    data = b'contact_id,first_name,last_name\n1,Johann "Hansi",Maier\n2,Eva,Ott\n'
    ex = read_csv_extract(write_bytes(tmp_path, "l.csv", data))
    check_counts(ex, 2)
    assert ex.contacts["first_name"].tolist() == ['Johann "Hansi"', "Eva"]
    assert ex.contacts["source_line"].tolist() == [2, 3]


def test_a_cp1252_line_in_a_utf8_file_is_read_as_cp1252(tmp_path):
    data = (
        "contact_id;last_name;city\n1;Müller;Wien\n".encode()
        + b"2;Gr\xf6\xdf;Graz\n"  # a cp1252 line inside a UTF-8 file
        + "3;Ölz;Linz\n4;Strauß;Wels\n".encode()
    )
    ex = read_csv_extract(write_bytes(tmp_path, "b.csv", data))
    check_counts(ex, 4)
    assert ex.encoding == "utf-8 + cp1252"
    assert ex.contacts["last_name"].tolist() == ["Müller", "Größ", "Ölz", "Strauß"]
    assert any("(cp1252 on line 3;" in w for w in ex.warnings)


def test_undecodable_bytes_utf8(tmp_path):
    data = (
        "contact_id;last_name;city\n1;Müller;Wien\n".encode()
        + b"2;Gr\xff\x81;Graz\n"  # bytes that are no text in UTF-8 nor in cp1252
        + "3;Ölz;Linz\n4;Strauß;Wels\n".encode()
    )
    ex = read_csv_extract(write_bytes(tmp_path, "b.csv", data))
    check_counts(ex, 4)
    assert ex.encoding == "utf-8"
    assert ex.contacts["last_name"].tolist() == ["Müller", "Ölz", "Strauß"]
    assert ex.contacts["source_line"].tolist() == [2, 4, 5]
    reason = reject_at(ex, 3)
    assert "undecodable byte 0xFF" in reason and "line 3" in reason and "byte offset 45" in reason


def test_undecodable_bytes_cp1252(tmp_path):
    data = "contact_id;last_name\n1;Müller\n".encode("cp1252") + b"2;X\x81Y\n" + "3;Größ\n".encode("cp1252")
    ex = read_csv_extract(write_bytes(tmp_path, "c.csv", data))
    check_counts(ex, 3)
    assert ex.encoding == "cp1252"
    assert ex.contacts["last_name"].tolist() == ["Müller", "Größ"]
    assert "undecodable byte 0x81" in reject_at(ex, 3)


def test_mixed_problems_keep_order_and_lines(tmp_path):
    data = (
        b"contact_id,last_name,city\n"
        b"1,A,x\n"
        b"2,B\xc3\xa4,x,y\n"  # UTF-8 "a-umlaut": the file is UTF-8, so 0xFF below is undecodable
        b'3,"C ""q""",y\n'
        b'4,"D"oops,z\n'
        b'5,"E\nmulti",w\n'
        b"6,F,\xff\n"
        b"7,G,v\n"
        b"\n"
        b"8,H,u\n"
    )
    ex = read_csv_extract(write_bytes(tmp_path, "mix.csv", data))
    check_counts(ex, 8)
    assert ex.encoding == "utf-8"
    assert ex.contacts["contact_id"].tolist() == ["1", "3", "5", "7", "8"]
    assert ex.contacts["source_line"].tolist() == [2, 4, 6, 9, 11]
    assert ex.contacts["last_name"].tolist() == ["A", 'C "q"', "E\nmulti", "G", "H"]
    assert ex.rejects["source_line"].tolist() == [3, 5, 8]
    assert "wrong field count" in reject_at(ex, 3)
    assert "broken quoting" in reject_at(ex, 5)
    assert "undecodable" in reject_at(ex, 8)


def test_many_rows_with_a_few_bad_ones(tmp_path):
    lines = ["contact_id,last_name,city"]
    for i in range(1, 20001):
        lines.append(f"{i},N{i},C,D" if i % 5000 == 0 else f"{i},N{i},C")
    path = write_bytes(tmp_path, "many.csv", ("\n".join(lines) + "\n").encode())
    ex = read_csv_extract(path)
    check_counts(ex, 20000)
    assert ex.rejects["source_line"].tolist() == [5001, 10001, 15001, 20001]
    assert ex.contacts["source_line"].iloc[-1] == 20000
    assert (ex.contacts["contact_id"].astype(int) + 1 == ex.contacts["source_line"]).all()


def test_lone_high_byte_in_ascii_file_reads_as_cp1252(tmp_path):
    # Without any UTF-8 multi-byte character the file is taken as cp1252: 0xFF is "y-diaeresis".
    ex = read_csv_extract(write_bytes(tmp_path, "y.csv", b"contact_id,last_name\n1,Ma\xffer\n"))
    check_counts(ex, 1)
    assert ex.encoding == "cp1252" and ex.contacts["last_name"].tolist() == ["Ma\u00ffer"]
