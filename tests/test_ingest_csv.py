"""CSV extracts of every source profile into the canonical contact model."""

from __future__ import annotations

import pandas as pd
import pytest

from governance.contact_model import CANONICAL_COLUMNS, LINEAGE_COLUMNS
from governance.ingest import (
    CsvDialect,
    ExtractError,
    detect_profile,
    list_profiles,
    read_csv_extract,
    sniff_csv,
)

EXPECTED_COLUMNS = [*CANONICAL_COLUMNS, *LINEAGE_COLUMNS]


def write(tmp_path, name: str, text: str, encoding: str = "utf-8", newline: str = "\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def check_shape(extract, physical_records: int) -> None:
    assert list(extract.contacts.columns) == EXPECTED_COLUMNS
    for col in [*CANONICAL_COLUMNS, "source_file"]:
        assert extract.contacts[col].dtype == "str", col
        assert not extract.contacts[col].isna().any(), col
    assert extract.contacts["source_line"].dtype == "int64"
    assert list(extract.rejects.columns) == ["source_file", "source_line", "reason", "raw_text"]
    assert extract.rows_read == len(extract.contacts) + len(extract.rejects) == physical_records


def row(extract, contact_id: str) -> dict:
    match = extract.contacts[extract.contacts["contact_id"] == contact_id]
    assert len(match) == 1, contact_id
    return match.iloc[0].to_dict()


def test_canonical_profile(tmp_path):
    header = ",".join(CANONICAL_COLUMNS)
    path = write(
        tmp_path,
        "canonical.csv",
        f"{header}\n"
        'C1,Frau,Mag. Dr.,Anna,Huber,Geschäftsführerin,Huber GmbH,A1,anna@huber.at,"Hauptstraße 1",1010,Wien,'
        "AT,u1,u1@crm.at,false,true,2024-05-01T10:00:00\n"
        "C2,,,Max,Muster,,,,,,,,Österreich,,,,,\n",
    )
    ex = read_csv_extract(path)
    check_shape(ex, 2)
    assert ex.profile == "canonical" and ex.delimiter == "," and ex.encoding == "utf-8"
    assert ex.warnings == []
    c1 = row(ex, "C1")
    assert c1["title"] == "Mag. Dr." and c1["position"] == "Geschäftsführerin"
    assert c1["email_opt_out"] == "false" and c1["do_not_contact"] == "true"
    assert c1["source_line"] == 2 and c1["source_file"] == str(path)
    c2 = row(ex, "C2")
    assert c2["country"] == "Österreich"  # kept as delivered
    assert c2["email_opt_out"] == "" and c2["source_line"] == 3


def test_salesforce_profile(tmp_path):
    path = write(
        tmp_path,
        "sf.csv",
        "Id,Salutation,FirstName,LastName,Title,Email,OwnerId,HasOptedOutOfEmail,MailingStreet,"
        "MailingPostalCode,MailingCity,MailingCountry,AccountId,Account.Name,LastModifiedDate,DoNotCall\n"
        "003A,Mr.,Hans,Gruber,CEO,h@g.at,005X,true,Ring 1,1010,Wien,Austria,001A,Gruber AG,"
        "2024-01-02T03:04:05.000Z,false\n"
        "003B,Dr.,Eva,Berger,Head of Sales,,005Y,false,,,,,,,,1\n"
        "003C,Ms,Ida,Novak,,,,,,,,,,,,\n",
    )
    ex = read_csv_extract(path, profile="salesforce")
    check_shape(ex, 3)
    a = row(ex, "003A")
    assert a["salutation"] == "Mr." and a["title"] == "" and a["position"] == "CEO"
    assert a["company"] == "Gruber AG" and a["account_id"] == "001A" and a["owner"] == "005X"
    assert a["email_opt_out"] == "true" and a["do_not_contact"] == "false"
    assert a["modified_at"] == "2024-01-02T03:04:05.000Z" and a["country"] == "Austria"
    b = row(ex, "003B")
    assert b["salutation"] == "" and b["title"] == "Dr."  # "Dr." in Salutation is a title
    assert b["do_not_contact"] == "true"
    assert row(ex, "003C")["salutation"] == "Ms."  # value map
    assert any("owner_email will be empty" in w for w in ex.warnings)
    assert detect_profile(pd.read_csv(path, nrows=0).columns.tolist()) == "salesforce"


def test_hubspot_profile(tmp_path):
    path = write(
        tmp_path,
        "hubspot.csv",
        '"Record ID","First Name","Last Name","Email","Job Title","Company Name","Contact owner",'
        '"Country/Region","Street Address","Postal Code","City","Unsubscribed from all email",'
        '"Last Modified Date"\n'
        '"101","Dr. Maria","Steiner, MSc","m@st.at","Bürgermeisterin","Gemeinde X","Sepp Owner",'
        '"Austria","Dorf 1","6020","Innsbruck","Yes","2024-03-01 10:00"\n'
        '"102","Tom","Wolf","","","","","Germany","","","","No",""\n',
    )
    ex = read_csv_extract(path)
    check_shape(ex, 2)
    assert ex.profile == "hubspot"
    r = row(ex, "101")
    assert r["first_name"] == "Dr. Maria" and r["last_name"] == "Steiner, MSc"  # titles parsed later
    assert r["title"] == "" and r["salutation"] == "" and r["position"] == "Bürgermeisterin"
    assert r["owner"] == "Sepp Owner" and r["email_opt_out"] == "true"
    assert row(ex, "102")["email_opt_out"] == "false"
    assert any("'Salutation' absent" in w for w in ex.warnings)


def test_salesforce_report_export_with_labels_and_footer(tmp_path):
    """A report export ("Details only"): labels, not API names, and the copyright footer, which is
    skipped with its lines named; it is not taken for a HubSpot export (which would drop Title)."""
    path = write(
        tmp_path,
        "report.csv",
        '"Contact ID","Salutation","First Name","Last Name","Title","Account Name","Mailing City",'
        '"Mailing Country","Email","Email Opt Out","Contact Owner"\n'
        '"0035g00000AbCdE","Mr.","Hans","Dr. Müller","Geschäftsführer","ACME GmbH","Wien","Austria",'
        '"h@acme.at","0","Anna Maier"\n'
        '"0035g00000AbCdF","Dr.","Eva","Huber","Bürgermeisterin","Gemeinde Hart","Hart","Austria",'
        '"e@hart.at","1","Anna Maier"\n'
        "\n"
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'
        '"Confidential Information - Do Not Distribute"\n',
    )
    ex = read_csv_extract(path)
    assert ex.profile == "salesforce_report"
    assert len(ex.contacts) == 2 and ex.rejects.empty
    assert any("2 report footer line(s) skipped (line 5, 6)" in w for w in ex.warnings)
    a = row(ex, "0035g00000AbCdEAAV")  # the 15-character id in its 18-character form
    assert a["position"] == "Geschäftsführer" and a["title"] == "" and a["company"] == "ACME GmbH"
    assert a["city"] == "Wien" and a["owner"] == "Anna Maier" and a["email_opt_out"] == "false"
    b = row(ex, "0035g00000AbCdFAAV")
    assert b["salutation"] == "" and b["title"] == "Dr." and b["email_opt_out"] == "true"


def test_an_academic_title_field_of_the_crm_is_read_when_the_export_has_one(tmp_path):
    """Salesforce and HubSpot have no academic-title field of their own; orgs add one. Unmapped, those
    titles were lost; the job title stays the position, and Salesforce's Suffix ("Jr.") is no title."""
    report = write(
        tmp_path,
        "report.csv",
        '"Contact ID","Salutation","First Name","Last Name","Suffix","Title","Account Name","Email",'
        '"Contact Owner","Academic Title"\n'
        '"0035g01","Dr.","Eva","Huber","Jr.","CFO","ACME","e@acme.at","Anna Maier","Mag.a"\n'
        '"0035g02","Mr.","Hans","Gruber","","CEO","ACME","h@acme.at","Anna Maier",""\n',
    )
    ex = read_csv_extract(report)
    assert ex.profile == "salesforce_report"
    assert row(ex, "0035g01")["title"] == "Dr. Mag.a" and row(ex, "0035g01")["position"] == "CFO"
    assert row(ex, "0035g02")["title"] == ""
    api = write(
        tmp_path,
        "sf.csv",
        "Id,Salutation,FirstName,LastName,Title,Suffix,Titel__c\n003A,Mr.,Hans,Gruber,CEO,III,DI\n",
    )
    assert row(read_csv_extract(api, profile="salesforce"), "003A")["title"] == "DI"
    hubspot = write(
        tmp_path,
        "hubspot.csv",
        '"Record ID","First Name","Last Name","Email","Job Title","Akademischer Titel","Contact owner"\n'
        '"101","Maria","Steiner","m@st.at","Leiterin Einkauf","Dr.in","Sepp Owner"\n',
    )
    ex = read_csv_extract(hubspot)
    assert ex.profile == "hubspot" and row(ex, "101")["title"] == "Dr.in"
    assert row(ex, "101")["position"] == "Leiterin Einkauf"


def test_dynamics365_profile(tmp_path):
    path = write(
        tmp_path,
        "dyn.csv",
        "contactid,salutation,firstname,lastname,jobtitle,emailaddress1,parentcustomerid,parentcustomeridname,"
        "ownerid,owneridname,address1_line1,address1_postalcode,address1_city,address1_country,"
        "donotbulkemail,donotemail,modifiedon,suffix\n"
        "g-1,Herr Dr.,Karl,Ebner,Geschäftsführer,k@e.at,acc-1,Ebner KG,usr-1,Lisa Admin,Weg 2,8010,Graz,"
        "Österreich,false,true,2024-02-02T00:00:00Z,MBA\n"
        "g-2,Frau,Ute,Kern,,,,,,,,,,,false,false,,\n"
        "g-3,Prof.,Jo,Lang,,,,,,,,,,,,,,\n",
    )
    ex = read_csv_extract(path)
    check_shape(ex, 3)
    assert ex.profile == "dynamics365"
    g1 = row(ex, "g-1")
    assert g1["salutation"] == "Herr" and g1["title"] == "Dr. MBA"
    assert g1["company"] == "Ebner KG" and g1["account_id"] == "acc-1" and g1["owner"] == "Lisa Admin"
    assert g1["email_opt_out"] == "true"  # donotemail
    g2 = row(ex, "g-2")
    assert g2["salutation"] == "Frau" and g2["title"] == "" and g2["email_opt_out"] == "false"
    g3 = row(ex, "g-3")
    assert g3["salutation"] == "" and g3["title"] == "Prof." and g3["email_opt_out"] == ""


def test_suitecrm_csv_dump(tmp_path):
    path = write(
        tmp_path,
        "suite.csv",
        "id,salutation,first_name,last_name,title,primary_address_street,primary_address_postalcode,"
        "primary_address_city,primary_address_country,assigned_user_id,date_modified,deleted,do_not_call,"
        "email_address\n"
        "c-1,Mr.,Franz,Ott,Prokurist,Gasse 3,4020,Linz,AT,1,2024-01-01 00:00:00,0,1,f@o.at\n",
    )
    ex = read_csv_extract(path)
    check_shape(ex, 1)
    assert ex.profile == "suitecrm"
    r = row(ex, "c-1")
    assert r["position"] == "Prokurist" and r["title"] == "" and r["do_not_contact"] == "true"
    assert r["owner"] == "1" and r["email"] == "f@o.at"


DACH_HEADER = (
    "Kontakt-Nr;Anrede;Titel;Vorname;Nachname;Funktion;Firma;Straße;PLZ;Ort;Land;E-Mail;Betreuer;"
    "Betreuer E-Mail;Newsletter-Abmeldung;Werbesperre;geändert am\n"
)
DACH_ROWS = (
    "K1;Herr;Dipl.-Ing. Dr.;Josef;Müller;Geschäftsführer;Größ & Söhne GmbH;Hauptstraße 5;1010;Wien;"
    "Österreich;j@m.at;Ölz;oelz@firma.at;ja;nein;31.12.2024\n"
    "K2;Frau;;Anna;Größ;;;;;;AT;;;;nein;ja;\n"
    "K3;Frau;Mag.;Eva;Ölz;Prokuristin;;;;;;;;;;;\n"
)


def test_dach_excel_cp1252(tmp_path):
    path = write(tmp_path, "dach.csv", DACH_HEADER + DACH_ROWS, encoding="cp1252", newline="\r\n")
    assert sniff_csv(path) == CsvDialect(encoding="cp1252", delimiter=";")
    ex = read_csv_extract(path)
    check_shape(ex, 3)
    assert ex.profile == "dach_excel" and ex.encoding == "cp1252" and ex.delimiter == ";"
    k1 = row(ex, "K1")
    assert k1["last_name"] == "Müller" and k1["company"] == "Größ & Söhne GmbH"
    assert k1["street"] == "Hauptstraße 5" and k1["owner"] == "Ölz" and k1["title"] == "Dipl.-Ing. Dr."
    assert k1["email_opt_out"] == "true" and k1["do_not_contact"] == "false"
    assert k1["modified_at"] == "31.12.2024"
    k2 = row(ex, "K2")
    assert k2["last_name"] == "Größ"
    assert k2["email_opt_out"] == "true" and k2["do_not_contact"] == "true"  # Werbesperre
    assert row(ex, "K3")["last_name"] == "Ölz"
    assert ex.contacts["source_line"].tolist() == [2, 3, 4]
    assert ex.warnings == [
        "column 'Firmen-Nr' / 'Firmen-Nr.' / 'Firmennummer' absent: account_id will be empty"
    ]


def test_dach_excel_utf8_bom(tmp_path):
    path = write(tmp_path, "dach_bom.csv", DACH_HEADER + DACH_ROWS, encoding="utf-8-sig")
    assert sniff_csv(path) == CsvDialect(encoding="utf-8-sig", delimiter=";")
    ex = read_csv_extract(path, profile="dach_excel")
    check_shape(ex, 3)
    assert ex.encoding == "utf-8-sig"
    assert row(ex, "K1")["last_name"] == "Müller"  # the BOM does not spoil the first header


def test_alternative_headers_and_absent_optional_column(tmp_path):
    path = write(
        tmp_path,
        "kunden.csv",
        "Kundennummer;Anrede;Vorname;Nachname;Position;Werbesperre\n4711;Herr;Ali;Öztürk;CFO;x\n",
    )
    ex = read_csv_extract(path)
    check_shape(ex, 1)
    r = row(ex, "4711")
    assert r["position"] == "CFO" and r["title"] == "" and r["do_not_contact"] == "true"
    names = "'Titel' / 'Akad. Titel' / 'Akademischer Titel' (or 14 other names)"
    absent = f"column {names} absent: title will be empty"
    assert absent in ex.warnings


def test_unknown_boolean_value_is_kept_with_warning(tmp_path):
    path = write(tmp_path, "b.csv", "Kontakt-Nr;Nachname;Werbesperre\n1;A;ja\n2;B;vielleicht\n3;C;\n")
    ex = read_csv_extract(path)
    check_shape(ex, 3)
    assert row(ex, "2")["do_not_contact"] == "vielleicht"
    assert row(ex, "3")["do_not_contact"] == ""
    msgs = [w for w in ex.warnings if "vielleicht" in w]
    assert msgs and "'Werbesperre'" in msgs[0] and "line 3" in msgs[0]


def test_duplicate_ids_are_kept(tmp_path):
    path = write(tmp_path, "d.csv", "contact_id,last_name\n1,A\n1,B\n")
    ex = read_csv_extract(path)
    check_shape(ex, 2)
    assert ex.contacts["contact_id"].tolist() == ["1", "1"]


def test_whitespace_and_na_like_values_kept(tmp_path):
    path = write(tmp_path, "w.csv", 'contact_id,last_name,first_name\n1,"  Null ",NA\n')
    ex = read_csv_extract(path)
    r = row(ex, "1")
    assert r["last_name"] == "  Null " and r["first_name"] == "NA"


def test_multiline_field_and_line_numbers(tmp_path):
    path = write(
        tmp_path,
        "m.csv",
        'contact_id,last_name,street\n1,A,"Stiege 2\nTür 5"\n\n2,B,"x ""quoted"" y"\n3,C,z\n',
        newline="\r\n",
    )
    ex = read_csv_extract(path)
    check_shape(ex, 3)
    assert ex.contacts["source_line"].tolist() == [2, 5, 6]
    assert row(ex, "1")["street"] == "Stiege 2\r\nTür 5"
    assert row(ex, "2")["street"] == 'x "quoted" y'


def test_missing_required_column(tmp_path):
    path = write(tmp_path, "nr.csv", "contact_id,first_name\n1,Anna\n")
    with pytest.raises(ExtractError) as info:
        read_csv_extract(path, profile="canonical")
    msg = str(info.value)
    assert str(path) in msg and "last_name" in msg and "canonical" in msg
    assert info.value.file == str(path) and info.value.field == "last_name"


def test_missing_required_column_dach(tmp_path):
    path = write(tmp_path, "nr2.csv", "Kontakt-Nr;Vorname;Titel\n1;Anna;Dr.\n")
    with pytest.raises(ExtractError, match=r"nr2\.csv.*last_name.*Nachname"):
        read_csv_extract(path, profile="dach_excel")


def test_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    with pytest.raises(ExtractError) as info:
        read_csv_extract(path)
    assert str(path) in str(info.value) and info.value.file == str(path)


def test_directory_is_unreadable(tmp_path):
    with pytest.raises(ExtractError, match="cannot read"):
        read_csv_extract(tmp_path)


def test_binary_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    with pytest.raises(ExtractError) as info:
        read_csv_extract(path)
    assert str(path) in str(info.value)


def test_empty_file(tmp_path):
    path = write(tmp_path, "empty.csv", "")
    with pytest.raises(ExtractError, match="empty extract"):
        read_csv_extract(path)


def test_header_only_file(tmp_path):
    path = write(tmp_path, "ho.csv", "contact_id,last_name\n\n")
    with pytest.raises(ExtractError, match="empty extract") as info:
        read_csv_extract(path)
    assert str(path) in str(info.value)


def test_unknown_profile(tmp_path):
    path = write(tmp_path, "u.csv", "contact_id,last_name\n1,A\n")
    with pytest.raises(ExtractError, match="unknown profile"):
        read_csv_extract(path, profile="sap")


def test_no_profile_matches(tmp_path):
    path = write(tmp_path, "u.csv", "foo,bar\n1,A\n")
    with pytest.raises(ExtractError, match="no profile matches"):
        read_csv_extract(path)


def test_list_profiles():
    assert list_profiles() == [
        "canonical", "dach_excel", "dynamics365", "hubspot", "pipedrive", "salesforce", "salesforce_report",
        "salesforce_report_de", "suitecrm", "zoho",
    ]  # fmt: skip


def test_salesforce_report_from_a_german_ui(tmp_path):
    """A report run in a German Salesforce writes the German labels; "Titel" is the job there, and
    the extract is not a hand-kept German list (whose "Titel" is the academic title)."""
    path = write(
        tmp_path,
        "bericht.csv",
        '"Kontakt-ID";"Anrede";"Vorname";"Nachname";"Titel";"Accountname";"E-Mail";"Keine E-Mails";'
        '"Kontaktinhaber";"Akademischer Titel"\n'
        '"0035g00000AbCdE";"Herr";"Hans";"Müller";"Geschäftsführer";"ACME GmbH";"h@acme.at";"0";"Anna Maier";'
        '"Dr."\n'
        '"0035g00000AbCdF";"Frau";"Eva";"Huber";"Bürgermeisterin";"Gemeinde Hart";"e@hart.at";"1";'
        '"Anna Maier";""\n'
        "\n"
        '"Copyright (c) 2000-2026 salesforce.com, inc. Alle Rechte vorbehalten."\n'
        '"Vertrauliche Informationen - Nicht weitergeben"\n',
        encoding="cp1252",
    )
    ex = read_csv_extract(path)
    assert ex.profile == "salesforce_report_de"
    assert len(ex.contacts) == 2 and ex.rejects.empty
    a = row(ex, "0035g00000AbCdEAAV")
    assert a["position"] == "Geschäftsführer" and a["title"] == "Dr." and a["company"] == "ACME GmbH"
    assert a["owner"] == "Anna Maier" and a["email_opt_out"] == "false"
    b = row(ex, "0035g00000AbCdFAAV")
    assert b["position"] == "Bürgermeisterin" and b["title"] == "" and b["email_opt_out"] == "true"
    # a hand-kept list with the columns both share stays a dach_excel list: "Titel" is its title
    plain = write(
        tmp_path,
        "liste.csv",
        "Kontakt-ID;Anrede;Titel;Vorname;Nachname;E-Mail\nK1;Herr;Dr.;Hans;Müller;h@acme.at\n",
    )
    assert read_csv_extract(plain).profile == "dach_excel"


def test_zoho_contacts_export(tmp_path):
    """Zoho's labels overlap HubSpot's ("Record Id") and a Salesforce report's ("Mailing Street",
    "Contact Owner"); its own columns decide. Title is the job; "Dr." in Salutation is a title."""
    path = write(
        tmp_path,
        "Contacts_2026_11_27.csv",
        "Record Id,Contact Owner.id,Contact Owner,Lead Source,First Name,Last Name,Account Name.id,"
        "Account Name,Email,Title,Department,Email Opt Out,Modified Time,Mailing Street,Mailing City,"
        "Mailing State,Mailing Zip,Mailing Country,Salutation\n"
        "zcrm_4876,zcrm_11,Anna Maier,Messe,Hans,Huber,zcrm_901,ACME GmbH,h@acme.at,Geschäftsführer,,"
        "false,2026-11-26 17:02:11,Ring 1,Wien,,1010,Austria,Dr.\n"
        "zcrm_4877,zcrm_11,Anna Maier,,Eva,Gruber,,,e@x.at,,,true,2026-11-26 17:03:00,,,,,,Mrs.\n",
    )
    ex = read_csv_extract(path)
    check_shape(ex, 2)
    assert ex.profile == "zoho"
    a = row(ex, "zcrm_4876")
    assert (a["title"], a["salutation"], a["position"]) == ("Dr.", "", "Geschäftsführer")
    assert (a["company"], a["account_id"], a["owner"]) == ("ACME GmbH", "zcrm_901", "Anna Maier")
    assert (a["street"], a["postal_code"], a["city"], a["country"]) == ("Ring 1", "1010", "Wien", "Austria")
    assert a["email_opt_out"] == "false" and a["modified_at"] == "2026-11-26 17:02:11"
    b = row(ex, "zcrm_4877")
    assert b["salutation"] == "Mrs." and b["email_opt_out"] == "true"


@pytest.mark.parametrize(
    "header",
    [
        "Person - ID,Person - Name,Person - First name,Person - Last name,Person - Organization,"
        "Person - Email - Work,Person - Job title,Person - Owner,Person - Marketing status,"
        "Person - Street/road name of Postal address,Person - House number of Postal address,"
        "Person - ZIP/Postal code of Postal address,Person - City/town/village/locality of Postal address,"
        "Person - Country of Postal address,Person - Update time,Person - Titel",
        # the German interface
        "Person - ID,Person - Name,Person - Vorname,Person - Nachname,Person - Organisation,"
        "Person - E-Mail-Adresse - Büro,Person - Jobtitel,Person - Besitzer,Person - Marketing status,"
        "Person - Street/road name of Postal address,Person - House number of Postal address,"
        "Person - ZIP/Postal code of Postal address,Person - City/town/village/locality of Postal address,"
        "Person - Country of Postal address,Person - Aktualisierungszeit,Person - Titel",
    ],
)
def test_pipedrive_people_export(tmp_path, header):
    path = write(
        tmp_path,
        "people-1234-56.csv",
        header + "\n"
        "17,Hans Huber,Hans,Huber,ACME GmbH,h@acme.at,Prokurist,Anna Maier,Subscribed,"
        "Hauptstraße,12a,4020,Linz,Austria,2026-11-26 08:00:00,Mag.\n"
        "18,Eva Gruber,Eva,Gruber,,e@x.at,,Anna Maier,No consent,,,,,,2026-11-26 08:01:00,\n"
        "19,Kim Berger,Kim,Berger,,k@x.at,,Anna Maier,Pending,,,,,,2026-11-26 08:02:00,\n",
    )
    ex = read_csv_extract(path)
    check_shape(ex, 3)
    assert ex.profile == "pipedrive"
    a = row(ex, "17")
    assert (a["first_name"], a["last_name"], a["title"], a["position"]) == (
        "Hans",
        "Huber",
        "Mag.",
        "Prokurist",
    )
    assert (a["street"], a["postal_code"], a["city"]) == ("Hauptstraße 12a", "4020", "Linz")
    assert (a["company"], a["owner"], a["email"]) == ("ACME GmbH", "Anna Maier", "h@acme.at")
    assert a["email_opt_out"] == "false"
    assert row(ex, "18")["email_opt_out"] == "true"
    # a status the profile does not know may not mean consent: opted out, with a warning naming the line
    assert row(ex, "19")["email_opt_out"] == "true"
    assert any("'Pending'" in w and "line 4" in w for w in ex.warnings)


def test_pipedrive_gender_field_serves_as_the_salutation(tmp_path):
    """Pipedrive has no salutation field; German accounts keep one as "Person - Geschlecht", holding
    Herr / Frau or männlich / weiblich. Unread, every contact was "Guten Tag" without a gender."""
    path = write(
        tmp_path,
        "people.csv",
        "Person - ID,Person - Organisation,Person - Geschlecht,Person - Vorname,Person - Nachname\n"
        "1,ACME,Herr,Hans,Huber\n2,ACME,weiblich,Eva,Gruber\n3,ACME,Männlich,Max,Koch\n4,ACME,,Kim,Berger\n",
    )
    ex = read_csv_extract(path)
    assert ex.profile == "pipedrive"
    assert [row(ex, i)["salutation"] for i in "1234"] == ["Herr", "Frau", "Herr", ""]


def test_pipedrive_takes_each_contacts_first_address(tmp_path):
    """Per contact the work e-mail, else the home one: one column for the whole file lost the home-only
    contacts' addresses."""
    path = write(
        tmp_path,
        "people.csv",
        "Person - ID,Person - First name,Person - Last name,Person - Email - Work,Person - Email - Home\n"
        "1,Hans,Huber,h@acme.at,hans@gmx.at\n"
        "2,Eva,Gruber,,eva.gruber@gmx.at\n"
        "3,Kim,Berger, ,\n"
        "4,Ida,Wolf,, \n"
        "5,Max,Koch,  , max@gmx.at \n",
    )
    ex = read_csv_extract(path)
    assert ex.profile == "pipedrive"
    assert [row(ex, i)["email"] for i in "12345"] == ["h@acme.at", "eva.gruber@gmx.at", "", "", "max@gmx.at"]
    assert not any("not mapped" in w for w in ex.warnings)


def test_a_header_name_spelled_as_a_profile_spells_it_decides_a_tie():
    """Names are compared without case, so "Record ID" (HubSpot) and "Record Id" (Zoho) are one name:
    the exact spelling tells the two apart where the columns alone cannot."""
    hubspot = [
        "Record ID",
        "First Name",
        "Last Name",
        "Email",
        "Phone Number",
        "Contact owner",
        "Lead Status",
    ]
    zoho = ["Record Id", "First Name", "Last Name", "Email", "Contact Owner"]
    assert detect_profile(hubspot) == "hubspot" and detect_profile(zoho) == "zoho"


def test_a_pipedrive_export_without_its_id_column_names_it(tmp_path):
    path = write(
        tmp_path,
        "people.csv",
        "Person - Name,Person - First name,Person - Last name,Person - Organization,Person - Email - Work\n"
        "Hans Huber,Hans,Huber,ACME,h@acme.at\n",
    )
    with pytest.raises(ExtractError, match="Person - ID"):
        read_csv_extract(path)


def test_values_that_stand_for_no_value_are_read_as_empty(tmp_path):
    """SQL's NULL, Excel's #NV and a typed "-" or "keine" are no title, no position and no account: left as
    written they counted as present in the completeness gates and came back as TITLE_UNKNOWN."""
    path = write(
        tmp_path,
        "kunden.csv",
        "Kundennummer;Anrede;Titel;Titel nachgestellt;Vorname;Nachname;Funktion;Firma;Betreuer\n"
        "K1;Herr;Dr.;-;Hans;Huber;NULL;ACME GmbH;Ölz\n"
        "K2;Frau;keine;#NV;Eva;Null;k.A.;ACME GmbH;Ölz\n"
        "K3;Herr;-;MSc;Karl;Na;Geschäftsführer;-;Ölz\n"
        "K4;Herr; NULL ;;Max;Koch;0;ACME GmbH;-\n"
        "K5;Frau;Ohne Titel;;Ida;Wolf;Prokuristin;ACME GmbH;Ölz\n"
        "K6;Herr;#WERT!;;Leo;Nan;Keine Funktion;nan;Ölz\n",  # Excel's error value, pandas' nan
    )
    ex = read_csv_extract(path, profile="dach_excel")
    check_shape(ex, 6)
    k1, k2, k3, k4, k5 = (row(ex, f"K{i}") for i in range(1, 6))
    k6 = row(ex, "K6")
    assert (k6["title"], k6["position"], k6["company"], k6["last_name"]) == ("", "", "", "Nan")
    assert (k1["title"], k1["position"]) == ("Dr.", "")
    assert (k2["title"], k2["position"], k2["last_name"]) == ("", "", "Null")  # a surname, as written
    assert (k3["title"], k3["company"], k3["last_name"]) == ("MSc", "", "Na")
    assert (k4["title"], k4["position"], k4["owner"]) == ("", "", "")
    assert (k5["title"], k5["position"]) == ("", "Prokuristin")
    said = "\n".join(ex.warnings)
    assert "column 'Funktion' (position), line 2: placeholder 'NULL' for no value read as empty" in said
    assert "column 'Titel' (title), line 4: placeholder '-' for no value read as empty" in said
    assert "column 'Titel nachgestellt' (title), line 3: placeholder '#NV' for no value read as empty" in said
    assert "'keine'" in said and "'Ohne Titel'" in said and "'k.A.'" in said
    assert "'Null'" not in said and "'Na'" not in said


def test_utf8_read_as_cp1252_and_saved_again_is_repaired(tmp_path):
    """An Excel round trip turns "Müller" into "MÃ¼ller": printed as such, the letter insults the customer.
    A name with a real "Ã" ("SÃO PAULO") stays as written."""
    path = write(
        tmp_path,
        "kunden.csv",
        "Kundennummer;Anrede;Vorname;Nachname;Firma;Straße\n"
        "K1;Herr;Hans;MÃ¼ller;BÃ¤ckerei GmbH;HauptstraÃŸe 1\n"
        "K2;Herr;João;SÃO PAULO;ACME;Rua 1\n",
    )
    ex = read_csv_extract(path, profile="dach_excel")
    check_shape(ex, 2)
    k1, k2 = row(ex, "K1"), row(ex, "K2")
    assert (k1["last_name"], k1["company"], k1["street"]) == ("Müller", "Bäckerei GmbH", "Hauptstraße 1")
    assert k2["last_name"] == "SÃO PAULO"
    said = "\n".join(ex.warnings)
    assert "column 'Nachname' (last_name), line 2: garbled value 'MÃ¼ller' repaired" in said


def test_a_salesforce_report_and_an_api_export_name_a_contact_alike(tmp_path):
    """A report exports 15-character ids, the API 18-character ones: a switch between two nights made every
    contact new, and titles lost that night went unseen by the loss gates."""
    report = write(
        tmp_path,
        "report.csv",
        '"Contact ID","Salutation","First Name","Last Name","Title"\n'
        '"001A0000006Vm9r","Mr.","Hans","Huber","CEO"\n"003D000000QOsBu","Ms.","Eva","Maier","CFO"\n',
    )
    api = write(
        tmp_path,
        "api.csv",
        "Id,Salutation,FirstName,LastName,Title\n001A0000006Vm9rIAC,Mr.,Hans,Huber,CEO\n"
        "003D000000QOsBuIAL,Ms.,Eva,Maier,CFO\n",
    )
    from_report = read_csv_extract(report, profile="salesforce_report")
    from_api = read_csv_extract(api, profile="salesforce")
    assert from_report.contacts["contact_id"].tolist() == ["001A0000006Vm9rIAC", "003D000000QOsBuIAL"]
    assert from_api.contacts["contact_id"].tolist() == from_report.contacts["contact_id"].tolist()
    assert any("2 contact id(s) in Salesforce's 15-character form" in w for w in from_report.warnings)
