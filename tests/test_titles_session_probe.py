"""Real-world writings the title engine read wrong until 2026-11-29 (the open items of the earlier probes),
through parse_contact and parse_contacts alike."""

from __future__ import annotations

import pytest

from governance.titles import parse_contact
from tests.title_helpers import assert_frame_path_agrees

CASES = [
    # "Universitätsprofessor" written out is the professor title, in the title field ...
    (
        ("Herr", "Universitätsprofessor Dr.", "Hans", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Professor Huber,",
            "titles_prenominal": "Univ.-Prof. Dr.",
            "issues": "TITLE_NONCANONICAL",
        },
    ),
    (
        ("Frau", "ao. Universitätsprofessorin", "Eva", "Berger", "", "AT", ""),
        {"titles_prenominal": "ao. Univ.-Prof.in"},
    ),
    # ... and in the position field, where "Professor" alone stays a job (a teacher's rank)
    (
        ("Frau", "Dr.in", "Eva", "Berger", "Universitätsprofessorin", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Professorin Berger,",
            "titles_prenominal": "Univ.-Prof.in Dr.in",
            "position_canonical": "",
            "issues": "TITLE_IN_POSITION_FIELD",
        },
    ),
    (
        ("Herr", "Dr.", "Hans", "Huber", "Professor", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Huber,", "position_canonical": "Professor"},
    ),
    (
        ("Herr", "Dr.", "Hans", "Huber", "Universitätsdozent", "AT", ""),
        {"titles_prenominal": "Univ.-Doz. Dr."},
    ),
    # a retirement suffix after an Amts- or Berufstitel, a professor title or a function: kept with it in the
    # address, dropped in the salutation, no unknown title
    (
        ("Herr", "HR i.R. Dr.", "Hans", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Hofrat Dr. Huber,",
            "address_block": "Herrn Hofrat i.R.\nDr. Hans Huber",
            "titles_prenominal": "HR i.R. Dr.",
            "issues": "",
        },
    ),
    (
        ("Frau", "OStRin i. R. Mag.a", "Eva", "Berger", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Oberstudienrätin Mag.a Berger,",
            "address_block": "Frau Oberstudienrätin i.R.\nMag.a Eva Berger",
            "titles_prenominal": "OStRin i.R. Mag.a",
            "issues": "TITLE_NONCANONICAL",
        },
    ),
    (
        ("Herr", "Prof. a.D.", "Hans", "Huber", "", "DE", ""),
        {"address_block": "Herrn Professor a.D.\nHans Huber"},
    ),
    (("Herr", "KommR iR", "Hans", "Huber", "", "AT", ""), {"titles_prenominal": "KommR i.R."}),
    # a function in the title field takes its suffix along into the position
    (
        ("Herr", "Dir. i. R. Mag.", "Hans", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Direktor Mag. Huber,",
            "address_block": "Herrn Direktor i.R.\nMag. Hans Huber",
            "position_canonical": "Direktor i.R.",
            "titles_prenominal": "Mag.",
        },
    ),
    (("Herr", "Dir.i.R.", "Hans", "Huber", "", "AT", ""), {"position_canonical": "Direktor i.R."}),
    # the suffix written after the degrees belongs to the title before them
    (
        ("Herr", "HR Dr. i.R.", "Hans", "Huber", "", "AT", ""),
        {"address_block": "Herrn Hofrat i.R.\nDr. Hans Huber", "issues": ""},
    ),
    (
        ("Herr", "Univ.-Prof. Dr. i.R.", "Hans", "Huber", "", "AT", ""),
        {"titles_prenominal": "Univ.-Prof. i.R. Dr."},
    ),
    # the same degree twice is its doubled form however it is written, so a re-parse reads the same
    (
        ("Herr", "Dr Dr", "Hans", "Huber", "", "AT", ""),
        {"titles_prenominal": "DDr.", "issues": "TITLE_NONCANONICAL"},
    ),
    (("Herr", "DI. Dipl Ing", "Hans", "Huber", "", "AT", ""), {"titles_prenominal": "DDI"}),
    (("Herr", "Mag Mag", "Hans", "Huber", "", "AT", ""), {"titles_prenominal": "MMag."}),
    # a salutation word typed without a space before the title, or with a dot, comma or hyphen after it
    (
        ("Hr.Dr.", "", "Hans", "Huber", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Huber,", "gender": "m", "titles_prenominal": "Dr."},
    ),
    (("Herr-Dr.", "", "Hans", "Huber", "", "AT", ""), {"gender": "m", "titles_prenominal": "Dr."}),
    (("Fr.Mag.a", "", "Eva", "Huber", "", "AT", ""), {"salutation_line": "Sehr geehrte Frau Mag.a Huber,"}),
    (("Herr,", "", "Hans", "Huber", "", "AT", ""), {"gender": "m", "issues": ""}),
    (("FrauMag.a", "", "Eva", "Huber", "", "AT", ""), {"gender": "f", "titles_prenominal": "Mag.a"}),
    (("Herrmann", "", "Kim", "Huber", "", "AT", ""), {"gender": "unknown"}),
    # a name keeps the full stop of an initial after a hyphen
    (("Herr", "", "Hans-P.", "Huber", "", "AT", ""), {"first_name_clean": "Hans-P."}),
    # a degree in brackets after the surname, round or square
    (
        ("Herr", "", "Hans", "Huber (DI)", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr DI Huber,", "last_name_clean": "Huber"},
    ),
    (
        ("Herr", "", "Hans", "Huber [Dr.]", "", "AT", ""),
        {"titles_prenominal": "Dr.", "last_name_clean": "Huber"},
    ),
    (("Herr", "", "Hans", "Huber (HR)", "", "AT", ""), {"last_name_clean": "Huber (HR)"}),
    # a title before initials in capitals is a title; a field in capitals keeps "DI" as a name (Di Marco)
    (
        ("Herr", "", "DI J.", "Huber", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr DI Huber,", "first_name_clean": "J."},
    ),
    (
        ("Herr", "", "Hans", "DI MARCO", "", "AT", ""),
        {"last_name_clean": "DI MARCO", "titles_prenominal": ""},
    ),
    # a female ending written apart is in lower case: a capital after the space is an initial or a name
    (
        ("Herr", "", "Mag. A. Peter", "Huber", "", "AT", ""),
        {"titles_prenominal": "Mag.", "first_name_clean": "A. Peter", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (("Herr", "", "Hans", "Dr. In der Maur", "", "AT", ""), {"last_name_clean": "In der Maur"}),
    (
        ("Frau", "", "Mag. a Eva", "Huber", "", "AT", ""),
        {"titles_prenominal": "Mag.a", "first_name_clean": "Eva"},
    ),
    # an office or function after a one-word job of another kind: addressed, the job under the name
    (
        ("Herr", "", "Hans", "Huber", "Landwirt und Bürgermeister", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "address_block": "Herrn Bürgermeister\nHans Huber\nLandwirt",
        },
    ),
    (("Herr", "Dr.", "Hans", "Huber", "Facharzt und Oberarzt", "AT", ""), {"position_kind": "function"}),
    (("Frau", "", "Eva", "Huber", "Sekretärin und Bürgermeisterin", "AT", ""), {"position_kind": "plain"}),
    # a university professor with the chair: the title, and the chair stays the position
    (
        ("Frau", "Dr.in", "Eva", "Huber", "Universitätsprofessorin an der Universität Wien", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Professorin Huber,",
            "titles_prenominal": "Univ.-Prof.in Dr.in",
            "position_canonical": "Universitätsprofessorin an der Universität Wien",
        },
    ),
    # found in review: joined positions keep their separators as written, a both-gender doublet tells no
    # gender, a title in capitals before an initial is read, a suffix joins a title written twice
    (
        ("Herr", "", "Hans", "Huber", "Bürgermeister/Landtagsabgeordneter", "AT", ""),
        {"position_canonical": "Bürgermeister/Landtagsabgeordneter"},
    ),
    (
        ("Herr", "", "Hans", "Huber", "CEO/Bürgermeister", "AT", ""),
        {"position_canonical": "CEO/Bürgermeister"},
    ),
    (
        ("", "", "Kim", "Huber", "Bürgermeisterin/Bürgermeister", "AT", ""),
        {"gender": "unknown", "salutation_line": "Guten Tag Kim Huber,", "issues": "TITLE_NONCANONICAL"},
    ),
    (("Herr", "", "DR H.", "Huber", "", "AT", ""), {"titles_prenominal": "Dr.", "first_name_clean": "H."}),
    (
        ("Herr", "HR i.R.", "HR Hans", "Huber", "", "AT", ""),
        {"address_block": "Herrn Hofrat i.R.\nHans Huber", "titles_prenominal": "HR i.R."},
    ),
    (
        ("Herr", "HR", "Hans", "Huber", "Hofrat i.R.", "AT", ""),
        {"address_block": "Herrn Hofrat i.R.\nHans Huber", "issues": "TITLE_IN_POSITION_FIELD"},
    ),
    (  # nothing moves when the title field holds the professor already: no flag
        ("Herr", "Univ.-Prof. Dr.", "Hans", "Huber", "Universitätsprofessor für Innere Medizin", "AT", ""),
        {"issues": "", "position_canonical": "Universitätsprofessor für Innere Medizin"},
    ),
    (
        ("Herr", "", "", "Huber, MBA (WU)", "", "AT", ""),
        {"first_name_clean": "", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (("Herr", "", "", "Huber, i.R.", "", "AT", ""), {"first_name_clean": ""}),
    (
        ("Herr", "", "", "Huber, Hans jun.", "", "AT", ""),
        {"address_block": "Herrn\nHans Huber jun.", "last_name_clean": "Huber jun."},
    ),
    # "Vorstand" with the institute or department it heads is that unit's head, not a Vorstandsdirektor
    (
        ("Herr", "Dr.", "Hans", "Weber", "Vorstand des Instituts für Maschinenbau", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Weber,", "position_kind": "plain"},
    ),
    (
        ("Herr", "Prim. Dr.", "Hans", "Weber", "Vorstand Abteilung Innere Medizin", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Primar Dr. Weber,"},
    ),
    (("Herr", "Dr.", "Hans", "Weber", "Vorstand Finanzen", "AT", ""), {"position_kind": "function"}),
    # an archbishop and an archabbot keep their rank; the German Diplom of an FH in its usual writing
    (
        ("Herr", "", "Franz", "Lackner", "Erzbischof", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Erzbischof,"},
    ),
    (
        ("Herr", "", "Korbinian", "Birnbacher", "Erzabt", "AT", ""),
        {"address_block": "Herrn Erzabt\nKorbinian Birnbacher"},
    ),
    (
        ("Frau", "Dipl.-Betriebswirtin (FH)", "Eva", "Becker", "", "DE", ""),
        {"titles_prenominal": "Dipl.-Betriebsw. (FH)", "issues": "TITLE_NONCANONICAL"},
    ),
    # Amtstitel and writings that were unknown: the federal Oberrat, German Beamte, Vet.-Rat
    (
        ("Herr", "Oberrat Mag.", "Hans", "Huber", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Oberrat Mag. Huber,", "titles_prenominal": "ORat Mag."},
    ),
    (
        ("Herr", "ORR Dr.", "Hans", "Huber", "", "DE", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Huber,"},
    ),
    (
        ("Herr", "MinDirig Dr.", "Hans", "Huber", "", "DE", ""),
        {"titles_prenominal": "Ministerialdirigent Dr."},
    ),
    (("Herr", "RDir Dr.", "Hans", "Huber", "", "DE", ""), {"titles_prenominal": "Regierungsdirektor Dr."}),
    (("Frau", "Vet.-Rätin Dr.in", "Eva", "Huber", "", "AT", ""), {"titles_prenominal": "VetRin Dr.in"}),
    # words like degrees after a comma in the surname field that the vocabulary does not know: kept and
    # flagged, never printed in the salutation as part of the surname
    (
        ("Herr", "", "Hans", "Huber, MD", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Huber,", "issues": "TITLE_IN_NAME_FIELD;TITLE_UNKNOWN"},
    ),
    (
        ("Herr", "", "Hans", "Huber, akad. Vkfm.", "", "AT", ""),
        {"last_name_clean": "Huber", "issues": "TITLE_IN_NAME_FIELD;TITLE_UNKNOWN"},
    ),
    (("Herr", "", "", "Huber, MD", "", "AT", ""), {"first_name_clean": "", "last_name_clean": "Huber"}),
    (("Herr", "", "Hans", "Huber, Franz", "", "AT", ""), {"last_name_clean": "Huber, Franz", "issues": ""}),
    # "Dipl.-Ing. (FH)" is written as recorded, as "Dipl.-Ing." beside "DI" (and in DE, where DI is foreign)
    (
        ("Herr", "Dipl.-Ing. (FH)", "Kim", "Becker", "", "DE", ""),
        {"address_block": "Herrn\nDipl.-Ing. (FH) Kim Becker", "issues": ""},
    ),
    (
        ("Herr", "Dipl.-Ing. (FH)", "Kim", "Huber", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Dipl.-Ing. Huber,"},
    ),
    # found in the last probe: an office beside titles only in the position field is the position, the
    # titles join the titles (a re-parse reads the same); a company is no name to split; initials are no title
    (
        ("Herr", "Bgm.", "Hans", "Müller", "Hofrat", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "address_block": "Herrn Bürgermeister\nHR Hans Müller",
            "issues": "TITLE_NONCANONICAL;POSITION_IN_TITLE_FIELD;TITLE_IN_POSITION_FIELD",
        },
    ),
    (("Herr", "", "", "Huber AG, Hans", "", "AT", ""), {"first_name_clean": "", "issues": ""}),
    (("Herr", "", "", "GmbH, Huber", "", "AT", ""), {"first_name_clean": ""}),
    (
        ("Herr", "", "", "Huber, H.-P.", "", "AT", ""),
        {"first_name_clean": "H.-P.", "issues": "NAME_IN_ONE_FIELD"},
    ),
    # a Bakkalaureus keeps the faculty that is part of the degree
    (
        ("Herr", "Bakk. techn.", "Kim", "Huber", "", "AT", ""),
        {"address_block": "Herrn\nKim Huber, Bakk. techn.", "issues": ""},
    ),
    (("Herr", "Bakk.phil. MA", "Kim", "Huber", "", "AT", ""), {"titles_postnominal": "Bakk. phil., MA"}),
    # a contact with no name (a function contact of a company): no empty line, no dangling ", "
    (("Firma", "", "", "", "Einkauf", "AT", "Weber GmbH"), {"address_block": "Weber GmbH\nEinkauf"}),
    (("Herr", "MBA", "", "", "", "AT", ""), {"address_block": "Herrn\nMBA", "issues": "NAME_MISSING"}),
    # a whole name in the last-name field, sorted the way lists sort it, with the first-name field empty
    (
        ("Herr", "", "", "Huber, Hans", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Huber,",
            "address_block": "Herrn\nHans Huber",
            "first_name_clean": "Hans",
            "last_name_clean": "Huber",
            "issues": "NAME_IN_ONE_FIELD",
        },
    ),
    (
        ("Frau", "", "", "Dr. Huber-Maier, Eva-Maria", "", "AT", ""),
        {"address_block": "Frau\nDr. Eva-Maria Huber-Maier"},
    ),
    (("Herr", "", "", "Huber, MSc", "", "AT", ""), {"first_name_clean": "", "last_name_clean": "Huber"}),
    (("Herr", "", "", "Huber, MA", "", "AT", ""), {"first_name_clean": "", "titles_postnominal": "MA"}),
    (("Frau", "", "", "Huber, geb. Maier", "", "AT", ""), {"first_name_clean": "", "issues": ""}),
    (("Herr", "", "Hans", "Huber, Franz", "", "AT", ""), {"first_name_clean": "Hans", "issues": ""}),
    (("Herr", "", "", "Hans Huber", "", "AT", ""), {"first_name_clean": "", "last_name_clean": "Hans Huber"}),
    # a degree does not retire: the suffix stays an unknown title for the owner to resolve
    (("Herr", "Dr. a.D.", "Hans", "Huber", "", "AT", ""), {"issues": "TITLE_UNKNOWN"}),
    # an office among several positions joined in the field: the office is addressed and written in
    # line 1, the other positions go on the line under the name (§4), the position keeps the whole field
    (
        ("Frau", "", "Anna", "Huber", "Bürgermeisterin und Landtagsabgeordnete", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Bürgermeisterin,",
            "address_block": "Frau Bürgermeisterin\nAnna Huber\nLandtagsabgeordnete",
            "position_kind": "office",
            "position_canonical": "Bürgermeisterin und Landtagsabgeordnete",
        },
    ),
    (  # the higher office wins wherever it stands, with its own qualifier
        (
            "Herr",
            "Mag.",
            "Hans",
            "Huber",
            "Landtagsabgeordneter und Bürgermeister der Gemeinde Au",
            "AT",
            "",
        ),
        {
            "salutation_line": "Sehr geehrter Herr Bürgermeister,",
            "address_block": "Herrn Bürgermeister der Gemeinde Au\nMag. Hans Huber\nLandtagsabgeordneter",
        },
    ),
    (  # three parts: the others keep their joiner
        ("Herr", "", "Hans", "Huber", "Landesrat, Bürgermeister und Geschäftsführer", "AT", ""),
        {"address_block": "Herrn Landesrat\nHans Huber\nBürgermeister und Geschäftsführer"},
    ),
    (  # a retired office yields to a sitting one, even to a function; a qualifier does not hide "a.D."
        ("Herr", "", "Hans", "Huber", "Landeshauptmann a.D. und Generaldirektor", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Generaldirektor Huber,"},
    ),
    (
        ("Herr", "", "Hans", "Huber", "Bürgermeister der Stadt Graz a.D. und Landtagsabgeordneter", "AT", ""),
        {"address_block": "Herrn Landtagsabgeordneten\nHans Huber\nBürgermeister der Stadt Graz a.D."},
    ),
    (  # an office after a function, whatever joins them
        ("Herr", "", "Hans", "Huber", "Generaldirektor und Bürgermeister", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Bürgermeister,"},
    ),
    (
        ("Herr", "", "Hans", "Huber", "Bürgermeister/Landtagsabgeordneter", "AT", ""),
        {"position_kind": "office"},
    ),
    (
        ("Herr", "", "Hans", "Huber", "Bürgermeister + Landtagsabgeordneter", "AT", ""),
        {"position_kind": "office"},
    ),
    (  # an address function beside a plain position
        ("Herr", "Dr.", "Hans", "Huber", "Generaldirektor und CEO", "AT", "X AG"),
        {
            "salutation_line": "Sehr geehrter Herr Generaldirektor Dr. Huber,",
            "address_block": "X AG\nHerrn Generaldirektor\nDr. Hans Huber\nCEO",
        },
    ),
    (  # ... or a position the vocabulary does not know, joined by "und"
        ("Herr", "Dr.", "Hans", "Huber", "Primar und Ärztlicher Direktor", "AT", ""),
        {"address_block": "Herrn Primar\nDr. Hans Huber\nÄrztlicher Direktor"},
    ),
    (  # a president beside company positions is the company's (or club's)
        ("Herr", "", "Hans", "Huber", "Präsident & CEO", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Huber,", "position_kind": "plain"},
    ),
    (("Herr", "", "Hans", "Huber", "Präsident und Geschäftsführer", "AT", ""), {"position_kind": "plain"}),
    (  # titles before a joined office go to the titles
        ("Herr", "Dr.", "Hans", "Huber", "Hofrat und Direktor", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Direktor Dr. Huber,",
            "titles_prenominal": "HR Dr.",
            "position_canonical": "Direktor",
        },
    ),
    (
        ("Herr", "Dr.", "Hans", "Huber", "Universitätsprofessor und Rektor", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Rektor,", "titles_prenominal": "Univ.-Prof. Dr."},
    ),
    (  # the title field's professor is the one the person holds: no second professor in the address
        ("Herr", "Prof. Dr.", "Hans", "Huber", "Universitätsprofessor", "AT", ""),
        {"address_block": "Herrn Professor\nDr. Hans Huber"},
    ),
    (  # the office first, then the place after a comma
        ("Herr", "", "Hans", "Huber", "Bürgermeister, Marktgemeinde Pöchlarn", "AT", ""),
        {"address_block": "Herrn Bürgermeister, Marktgemeinde Pöchlarn\nHans Huber"},
    ),
    # ... but not its staff, a rank a company has too, a department head, or an office named in passing
    (("Herr", "", "Hans", "Huber", "Bürgermeister, Sekretariat", "AT", ""), {"position_kind": "plain"}),
    (("Herr", "", "Hans", "Huber", "Präsident, Verein der Freunde", "AT", ""), {"position_kind": "plain"}),
    (("Herr", "", "Hans", "Huber", "Direktor, Vertrieb", "AT", ""), {"position_kind": "plain"}),
    (
        ("Frau", "", "Eva", "Huber", "Referentin für Bürgermeister und Gemeinderat", "AT", ""),
        {"position_kind": "plain"},
    ),
    # staff, stand-ins and deputies of a function are not the function
    (("Herr", "", "Hans", "Huber", "Vorstandsdirektor Vorstandsbüro", "AT", ""), {"position_kind": "plain"}),
    (("Herr", "", "Hans", "Huber", "Generaldirektor Stabsstelle", "AT", ""), {"position_kind": "plain"}),
    (("Frau", "", "Eva", "Huber", "Generaldirektor Vorzimmer", "AT", ""), {"position_kind": "plain"}),
    (("Herr", "Dr.", "Hans", "Huber", "Primar i.V.", "AT", ""), {"position_kind": "plain"}),
    (("Frau", "Dr.in", "Eva", "Huber", "Primaria supplierend", "AT", ""), {"position_kind": "plain"}),
    (("Herr", "", "Hans", "Huber", "Bürgermeister in Vertretung", "AT", ""), {"position_kind": "plain"}),
    # a position written for either gender is the position, in the person's gender
    (
        ("Frau", "", "Eva", "Huber", "Bürgermeister/in", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Bürgermeisterin,",
            "position_canonical": "Bürgermeisterin",
            "issues": "TITLE_NONCANONICAL",
        },
    ),
    (
        ("Herr", "", "Hans", "Huber", "Bürgermeister/Bürgermeisterin", "AT", ""),
        {"position_canonical": "Bürgermeister"},
    ),
    # an ordinal before an office: the office is addressed, the address keeps the ordinal in the gender
    (
        ("Frau", "", "Doris", "Bures", "Zweite Präsidentin des Nationalrates", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Präsidentin,",
            "address_block": "Frau Zweite Präsidentin des Nationalrates\nDoris Bures",
            "position_canonical": "Zweite Präsidentin des Nationalrates",
        },
    ),
    (
        ("Herr", "", "Hans", "Huber", "Erster Landtagspräsident", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Landtagspräsident,",
            "address_block": "Herrn Ersten Landtagspräsidenten\nHans Huber",
        },
    ),
    (
        ("Frau", "", "Eva", "Huber", "Zweiter Landtagspräsident", "AT", ""),
        {"position_canonical": "Zweite Landtagspräsidentin"},
    ),
    (
        ("Herr", "", "Urs", "Meier", "2. Vizebürgermeister", "CH", ""),
        {
            "salutation_line": "Sehr geehrter Herr Vizebürgermeister",
            "address_block": "Herr 2. Vizebürgermeister\nUrs Meier",
        },
    ),
    (("Herr", "", "Hans", "Huber", "Zweiter Geschäftsführer", "AT", ""), {"position_kind": "plain"}),
    (
        ("Herr", "", "Hans", "Huber", "2.Vizebürgermeister", "AT", ""),
        {"position_canonical": "2. Vizebürgermeister"},
    ),
    # an address function is addressed with its organisation or department after it; a Direktor with a
    # department is a department head, and the staff of a function are not the function
    (
        ("Herr", "Dr.", "Hans", "Huber", "Generaldirektor AUVA", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Generaldirektor Dr. Huber,",
            "address_block": "Herrn Generaldirektor AUVA\nDr. Hans Huber",
        },
    ),
    (
        ("Frau", "Dr.in", "Eva", "Huber", "Primaria Abteilung Innere Medizin", "AT", ""),
        {"salutation_line": "Sehr geehrte Frau Primaria Dr.in Huber,", "position_kind": "function"},
    ),
    (("Herr", "Dr.", "Hans", "Huber", "Vorstandsdirektor Finanzen", "AT", ""), {"position_kind": "function"}),
    (("Herr", "Dr.", "Hans", "Huber", "Direktor Vertrieb", "AT", ""), {"position_kind": "plain"}),
    (("Frau", "", "Eva", "Huber", "Generaldirektor Assistenz", "AT", ""), {"position_kind": "plain"}),
    (("Herr", "Dr.", "Hans", "Huber", "Primar Stellvertreter", "AT", ""), {"position_kind": "plain"}),
]


@pytest.mark.parametrize(("fields", "expected"), CASES)
def test_session_probe_case(fields, expected):
    parsed = parse_contact(*fields)
    assert {key: getattr(parsed, key) for key in expected} == expected


def test_session_probe_cases_agree_on_both_paths():
    assert_frame_path_agrees([fields for fields, _ in CASES], [expected for _, expected in CASES])


@pytest.mark.parametrize("title", ["di Dipl.-Ing", "Dipl.-Ing. di", "ba MA"])
def test_a_lower_case_short_degree_beside_another_reads_the_same_on_a_second_parse(title):
    """ "di" alone is no DI (the Italian particle), so "Dipl.-Ing. di" may not be the DDI either: the first
    parse wrote "Dipl.-Ing. di", and a second parse of that read a DDI."""
    first = parse_contact("Herr", title, "Eva", "Huber", "", "AT", "")
    second = parse_contact("Herr", first.titles_prenominal, "Eva", "Huber", "", "AT", "")
    assert "TITLE_UNKNOWN" in first.issue_codes
    assert (second.titles_prenominal, second.salutation_line) == (
        first.titles_prenominal,
        first.salutation_line,
    )
