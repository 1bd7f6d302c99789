import pandas as pd

from governance.exports import neutralise_formulas, write_mail_merge_csv


def test_formula_cells_are_neutralised():
    cells = pd.Series(['=HYPERLINK("http://x")', "+43 1 234", "-5", "@SUM(A1)", "Huber", "", None, "a=b"])
    assert neutralise_formulas(cells).tolist() == [
        '\'=HYPERLINK("http://x")',
        "'+43 1 234",
        "'-5",
        "'@SUM(A1)",
        "Huber",
        "",
        "",
        "a=b",
    ]


def test_mail_merge_csv_opens_in_a_german_excel(tmp_path):
    frame = pd.DataFrame(
        {
            "salutation_line": ["Sehr geehrte Frau Mag.a Größ,", "Sehr geehrter Herr Dr. Ölz,"],
            "address_block": ["Frau\nMag.a Eva Größ", "=cmd|' /C calc'!A0"],
        }
    )
    path = write_mail_merge_csv(frame, tmp_path / "exports" / "newsletter_at" / "2026-11-20.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert raw.splitlines()[0] == b"\xef\xbb\xbfsalutation_line;address_block"
    back = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["salutation_line"].tolist() == frame["salutation_line"].tolist()
    assert back["address_block"].tolist() == ["Frau\nMag.a Eva Größ", "'=cmd|' /C calc'!A0"]
    assert not list(tmp_path.glob("exports/newsletter_at/*.tmp"))


def test_a_campaign_with_an_opted_out_contact_is_not_exported(tmp_path):
    from governance.exports import export_campaign
    from governance.warehouse import Warehouse

    wh = Warehouse(f"sqlite:///{tmp_path / 'wh.sqlite'}")
    staged = pd.DataFrame(
        {
            "contact_id": ["C1", "C2"],
            "email_opt_out": [False, True],
            "do_not_contact": [False, False],
            "is_ready": [True, True],
        }
    )
    wh.replace_partition("crm_contacts_staged", "2026-11-20", staged)
    mailing = pd.DataFrame({"contact_id": ["C1"], "email": ["c1@kunde.at"]})
    wh.replace_partition("campaign_list_x", "2026-11-20", mailing)
    target = tmp_path / "x.csv"
    assert export_campaign(wh, "campaign_list_x", "2026-11-20", target).rows == 1
    both = pd.DataFrame({"contact_id": ["C1", "C2"], "email": ["c1@kunde.at", "c2@kunde.at"]})
    wh.replace_partition("campaign_list_x", "2026-11-20", both)
    target.unlink()
    refused = export_campaign(wh, "campaign_list_x", "2026-11-20", target)
    assert refused.refused and refused.offenders["contact_id"].tolist() == ["C2"]
    assert refused.path is None and not target.exists()
    # A letter by post (no e-mail column) needs no e-mail consent: C2 may get it.
    wh.replace_partition("campaign_list_letter", "2026-11-20", pd.DataFrame({"contact_id": ["C1", "C2"]}))
    assert export_campaign(wh, "campaign_list_letter", "2026-11-20", tmp_path / "letter.csv").rows == 2


def test_the_offender_check_from_the_hand_off_file_equals_the_sql_check(tmp_path, monkeypatch):
    """On SQLite the check reads the staged flags from the night's hand-off file; it must name exactly
    the contacts the SQL join names: any offending staged row of a duplicate id, ids the night lacks,
    NULL ids, e-mail consent only for lists that carry e-mail addresses, and ids a list stores as
    numbers (SQLite matches '0124' with 124: those lists go to the SQL join)."""
    from governance import nightly
    from governance.nightly import STAGED_TABLE, campaign_offenders
    from governance.warehouse import Warehouse

    url = f"sqlite:///{tmp_path / 'wh.sqlite'}"
    with_file = Warehouse(url, handoff_dir=tmp_path / "handoff")
    staged = pd.DataFrame(
        {
            "contact_id": ["C1", "C2", "C3", "C4", "C4", "C5", "00123", "", "0124", "125"],
            "email_opt_out": [False, True, False, False, False, False, False, False, False, False],
            "do_not_contact": [False, False, True, False, True, False, False, False, True, False],
            "is_ready": [True, True, True, True, True, False, True, True, True, True],
        }
    )
    with_file.replace_partition(STAGED_TABLE, "2026-11-20", staged, handoff=True)
    listed = ["C1", "C2", "C3", "C4", "C5", "C9", "00123", "123", "", None]
    mailing = pd.DataFrame({"contact_id": listed, "email": [f"{i}@kunde.at" for i in listed]})
    with_file.replace_partition("campaign_list_mail", "2026-11-20", mailing)
    with_file.replace_partition("campaign_list_letter", "2026-11-20", pd.DataFrame({"contact_id": listed}))
    numbers = pd.DataFrame({"contact_id": [124, 125]})  # an INTEGER column: 124 is '0124' to SQLite
    with_file.replace_partition("campaign_list_numbers", "2026-11-20", numbers)
    assert with_file.read_handoff(STAGED_TABLE, "2026-11-20") is not None
    sql_only = Warehouse(url, handoff_dir=tmp_path / "elsewhere")  # no hand-off file: the SQL join
    assert sql_only.read_handoff(STAGED_TABLE, "2026-11-20") is None
    frame_path = []
    original = nightly._offenders_in_frame
    monkeypatch.setattr(nightly, "_offenders_in_frame", lambda *a: frame_path.append(a[1]) or original(*a))
    expected = {
        "campaign_list_mail": ["C2", "C3", "C4", "C5", "C9", "123", None],
        "campaign_list_letter": ["C3", "C4", "C5", "C9", "123", None],
        "campaign_list_numbers": [124],
    }

    def named(wh: Warehouse, table: str, read_first: bool = False) -> set:
        listed = wh.read_partition(table, "2026-11-20") if read_first else None
        found = campaign_offenders(wh, table, "2026-11-20", listed=listed)["contact_id"]
        named = {None if pd.isna(v) else v for v in found}
        assert len(found) == len(named), f"{table}: a listed row named twice ({found.tolist()})"
        return named

    for table, ids in expected.items():
        assert named(with_file, table) == named(sql_only, table) == set(ids), table
    assert frame_path == list(expected)  # the file was read for every list (and declined for numbers)
    # The export hands the list it has read already: the same offenders, numbers still go to SQL.
    for table, ids in expected.items():
        assert named(with_file, table, read_first=True) == set(ids), table
    assert frame_path == list(expected) * 2
    frame_path.clear()
    # A later write of the staged partition invalidates the file: the check goes back to SQL.
    sql_only.replace_partition(STAGED_TABLE, "2026-11-20", staged.assign(is_ready=False))
    assert with_file.read_handoff(STAGED_TABLE, "2026-11-20") is None
    assert named(with_file, "campaign_list_letter") == set(listed)
    assert frame_path == []


def test_the_sql_offender_check_names_a_listed_row_once_when_its_id_is_staged_twice(warehouse_url):
    """The join through the staged rows used to name a listed contact once per staged row of its id."""
    from governance.nightly import STAGED_TABLE, campaign_offenders
    from governance.warehouse import Warehouse

    wh = Warehouse(warehouse_url)  # no hand-off file: the SQL check, on SQLite and on PostgreSQL
    staged = pd.DataFrame(
        {
            "contact_id": ["C1", "C2", "C2", "C3", "C3"],
            "email_opt_out": [False, False, False, False, False],
            "do_not_contact": [False, False, True, False, False],
            "is_ready": [True, True, True, False, False],
        }
    )
    wh.replace_partition(STAGED_TABLE, "2026-11-20", staged)
    listed = pd.DataFrame({"contact_id": ["C1", "C2", "C3"], "email": ["a@x.at", "b@x.at", "c@x.at"]})
    wh.replace_partition("campaign_list_mail", "2026-11-20", listed)
    found = campaign_offenders(wh, "campaign_list_mail", "2026-11-20")["contact_id"].tolist()
    assert sorted(found) == ["C2", "C3"]
