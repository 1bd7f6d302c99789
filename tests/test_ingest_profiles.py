"""Profile loading/validation, detection and the sniffer."""

from __future__ import annotations

import pytest

from governance.contact_model import CANONICAL_COLUMNS
from governance.ingest import (
    CsvDialect,
    SniffError,
    detect_profile,
    list_profiles,
    load_profile,
    read_csv_extract,
    sniff_csv,
)
from governance.ingest.errors import ProfileError


@pytest.mark.parametrize("name", list_profiles())
def test_builtin_profiles_load(name):
    p = load_profile(name)
    assert p.name == name
    assert set(p.columns) == set(CANONICAL_COLUMNS)
    assert all(p.columns[c] is not None for c in p.required)


def test_profiles_say_where_titles_are():
    # Salesforce's Title is the job; an academic title comes from a custom field or the Suffix
    assert load_profile("salesforce").columns["position"].sources == ("Title",)
    assert load_profile("salesforce").columns["title"].sources[0] == "Titel__c"
    assert "Suffix" not in load_profile("salesforce").columns["title"].sources  # "Jr.", "III": no titles
    assert "Job Title" not in load_profile("hubspot").columns["title"].sources
    assert load_profile("suitecrm").columns["position"].sources == ("title",)
    assert load_profile("dach_excel").columns["title"].sources[0] == "Titel"


def _profile_yaml(extra: str = "", columns: dict | None = None) -> str:
    cols = {c: c for c in CANONICAL_COLUMNS} | (columns or {})
    body = "\n".join(f"  {k}: {v}" for k, v in cols.items())
    return f"name: custom\ncolumns:\n{body}\n{extra}"


def test_custom_profile_file(tmp_path):
    path = tmp_path / "custom.yaml"
    path.write_text(_profile_yaml('true_values: ["J"]\nfalse_values: ["N"]\n', {"last_name": "Surname"}))
    csv_path = tmp_path / "x.csv"
    csv_path.write_text("contact_id,Surname,do_not_contact\n1,Ott,J\n")
    ex = read_csv_extract(csv_path, profile=path)
    assert ex.profile == "custom"
    assert ex.contacts["last_name"].tolist() == ["Ott"] and ex.contacts["do_not_contact"].tolist() == ["true"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_profile_yaml("colums: {}\n"), "unknown key(s) 'colums'"),
        (_profile_yaml(columns={"titel": "Titel"}), "columns.titel"),
        (
            _profile_yaml(columns={"last_name": "null"}).replace("last_name: null", "last_name: null"),
            "required",
        ),
        (_profile_yaml("true_values: [yes]\n"), "true_values"),
        (_profile_yaml("value_maps: {anrede: {a: b}}\n"), "value_maps.anrede"),
        (_profile_yaml("required: [nachname]\n"), "required"),
        (_profile_yaml(columns={"email": "{join: [a]}"}), "columns.email"),
        (  # an opt-out is never read from the first column alone
            _profile_yaml(columns={"do_not_contact": "{first_of: [a, b]}"}),
            "columns.do_not_contact: first_of on a yes/no column",
        ),
        ("name: custom\ncolumns:\n  contact_id: id\n", "not listed"),
        ("name: [unclosed\n", "invalid YAML"),
    ],
)
def test_profile_validation_names_file_and_key(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(path) in str(info.value) and expected in str(info.value)


def test_unknown_profile_name():
    with pytest.raises(ProfileError, match="unknown profile"):
        load_profile("sap")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (list(CANONICAL_COLUMNS), "canonical"),
        (["contact_id", "last_name"], "canonical"),
        (["Id", "Salutation", "FirstName", "LastName", "Title", "Email", "AccountId"], "salesforce"),
        (["Record ID", "First Name", "Last Name", "Email", "Job Title"], "hubspot"),
        (["contactid", "salutation", "firstname", "lastname", "jobtitle", "suffix"], "dynamics365"),
        (["id", "salutation", "first_name", "last_name", "title", "deleted"], "suitecrm"),
        (["Kontakt-Nr", "Anrede", "Titel", "Vorname", "Nachname", "Funktion"], "dach_excel"),
        ([" kundennummer ", "ANREDE", "Nachname"], "dach_excel"),
    ],
)
def test_detect_profile(header, expected):
    assert detect_profile(header) == expected


def test_detect_profile_no_match():
    with pytest.raises(ProfileError, match="no profile matches"):
        detect_profile(["foo", "bar"])


@pytest.mark.parametrize(
    ("data", "dialect"),
    [
        (b"a,b,c\n1,2,3\n", CsvDialect("utf-8", ",")),
        ("a;b;c\n1;Müller;3\n".encode("cp1252"), CsvDialect("cp1252", ";")),
        ("a;b\n1;Größ\n".encode("utf-8-sig"), CsvDialect("utf-8-sig", ";")),
        (b"a\tb\n1\t2\n", CsvDialect("utf-8", "\t")),
        (b'"x;y",b,c\n"1;2",3,4\n', CsvDialect("utf-8", ",")),  # delimiters inside quotes ignored
        (b"only\n1\n", CsvDialect("utf-8", ",")),
    ],
)
def test_sniff_csv(tmp_path, data, dialect):
    path = tmp_path / "s.csv"
    path.write_bytes(data)
    assert sniff_csv(path) == dialect


def test_sniff_errors(tmp_path):
    with pytest.raises(SniffError, match="empty"):
        (tmp_path / "e.csv").write_bytes(b"\n\n")
        sniff_csv(tmp_path / "e.csv")
    with pytest.raises(SniffError, match="cannot read"):
        sniff_csv(tmp_path / "missing.csv")


def test_a_header_two_profiles_fit_equally_is_read_with_a_warning(tmp_path):
    from governance.ingest import read_csv_extract
    from governance.ingest.profiles import best_profiles

    header = ["Contact ID", "Salutation", "First Name", "Last Name", "Email"]
    assert len(best_profiles(header)) > 1
    path = tmp_path / "report.csv"
    path.write_bytes(
        b'"Contact ID","Salutation","First Name","Last Name","Email"\n"003A","Mr","Hans","Meier","h@x.at"\n'
    )
    extract = read_csv_extract(path, "auto")
    assert extract.profile == best_profiles(header)[0]
    assert any("fits the profiles" in w and "set extract.profile" in w for w in extract.warnings)
    # one clear winner: no warning
    assert best_profiles(["Id", "Salutation", "FirstName", "LastName", "Email", "Title", "AccountId"]) == [
        "salesforce"
    ]


def test_the_tie_warning_does_not_repeat_the_skipped_line_warnings(tmp_path):
    """A re-read (here: rows leaving out the header's unnamed trailing column) repeats the header's own
    warnings; the tie warning, about the whole file, must not make them stay twice."""
    from governance.ingest import read_csv_extract

    path = tmp_path / "report.csv"
    path.write_bytes(
        b"Kontakte\n"
        b"Contact ID,First Name,Last Name,Email,\n"
        b"003A,Hans,Meier,h@x.at\n003B,Eva,Huber,e@x.at\n003C,Max,Mu,m@x.at\n"
    )
    extract = read_csv_extract(path, "auto")
    assert len(extract.contacts) == 3
    skipped = [w for w in extract.warnings if w.startswith("line 1 skipped above the header")]
    ties = [w for w in extract.warnings if "fits the profiles" in w]
    assert len(skipped) == 1 and len(ties) == 1, extract.warnings
