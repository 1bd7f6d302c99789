"""German and Swiss writings added to titles.csv: professor titles (apl. Prof., Jun.-Prof.), doctorates
with faculty or school suffixes (Dr. rer. pol., Dr. oec. HSG, Dr. sc. ETH …), Swiss Lizentiat and
ETH/FH diplomas, German Diplom degrees, English and Swiss post-nominals (DBA, MPhil, CAS, DAS) and the
Swiss office Kantonsrat. Each writing is read as one known token (no TITLE_UNKNOWN), addressed per
SALUTATION_RULES.md §3 in AT, DE and CH, and short capitals (CAS, DAS, PD) do not swallow names."""

from __future__ import annotations

import pytest

from governance.titles import load_vocabulary, parse_contact
from tests.title_helpers import assert_frame_path_agrees

# (title field as written, canonical writing, class, pre|post, issues) for a man in Austria
PARSES = [
    # professors (DE): apl. Prof., Jun.-Prof.
    ("apl. Prof.", "apl. Prof.", "professor", "pre", ""),
    ("apl.Prof.", "apl. Prof.", "professor", "pre", "TITLE_NONCANONICAL"),
    ("Apl. Prof.", "apl. Prof.", "professor", "pre", "TITLE_NONCANONICAL"),
    ("außerplanmäßiger Professor", "apl. Prof.", "professor", "pre", "TITLE_NONCANONICAL"),
    ("Jun.-Prof.", "Jun.-Prof.", "professor", "pre", ""),
    ("JProf.", "Jun.-Prof.", "professor", "pre", "TITLE_NONCANONICAL"),
    ("Juniorprofessor", "Jun.-Prof.", "professor", "pre", "TITLE_NONCANONICAL"),
    # doctorates with a faculty or school suffix
    ("Dr. rer. pol.", "Dr.rer.pol.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr.rer.pol.", "Dr.rer.pol.", "degree", "pre", ""),
    ("Dr. rer. oec.", "Dr.rer.oec.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. oec.", "Dr.oec.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. oec. HSG", "Dr.oec. HSG", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr.oec. HSG", "Dr.oec. HSG", "degree", "pre", ""),
    ("Dr. sc. techn.", "Dr.sc.techn.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. sc. nat.", "Dr.sc.nat.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. sc. ETH", "Dr.sc. ETH", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. sc. ETH Zürich", "Dr.sc. ETH", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. iur. utr.", "Dr.iur.utr.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. jur. utr.", "Dr.iur.utr.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. phil. nat.", "Dr.phil.nat.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. oec. publ.", "Dr.oec.publ.", "degree", "pre", "TITLE_NONCANONICAL"),
    # habilitation and the honorary Doktoringenieur (suffixes kept in the address only)
    ("Dr. habil.", "Dr. habil.", "degree", "pre", ""),
    ("Dr.habil.", "Dr. habil.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. rer. nat. habil.", "Dr.rer.nat.habil.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. phil. habil.", "Dr.phil.habil.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. med. habil.", "Dr.med.habil.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. rer. pol. habil.", "Dr.rer.pol.habil.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr.-Ing. habil.", "Dr.-Ing. habil.", "degree", "pre", ""),
    ("Dr.-Ing. E.h.", "Dr.-Ing. E.h.", "degree", "pre", ""),
    ("Dr.-Ing. E. h.", "Dr.-Ing. E.h.", "degree", "pre", "TITLE_NONCANONICAL"),
    # Swiss Lizentiat
    ("lic. iur.", "lic.iur.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("lic.iur.", "lic.iur.", "degree", "pre", ""),
    ("lic. jur.", "lic.iur.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("lic. phil.", "lic.phil.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("lic. oec.", "lic.oec.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("lic. oec. HSG", "lic.oec. HSG", "degree", "pre", "TITLE_NONCANONICAL"),
    ("lic. rer. pol.", "lic.rer.pol.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("lic. phil. I", "lic.phil. I", "degree", "pre", "TITLE_NONCANONICAL"),
    ("lic. phil. II", "lic.phil. II", "degree", "pre", "TITLE_NONCANONICAL"),
    # Swiss diplomas (school kept in the canonical writing)
    ("dipl. Ing. ETH", "dipl. Ing. ETH", "degree", "pre", ""),
    ("Dipl.-Ing. ETH", "dipl. Ing. ETH", "degree", "pre", "TITLE_NONCANONICAL"),
    ("dipl. Ing. FH", "dipl. Ing. FH", "degree", "pre", ""),
    ("dipl. Arch. ETH", "dipl. Arch. ETH", "degree", "pre", ""),
    ("dipl. Arch. FH", "dipl. Arch. FH", "degree", "pre", ""),
    # German Diplom degrees
    ("Dipl.-Vw.", "Dipl.-Vw.", "degree", "pre", ""),
    ("Dipl.-Volksw.", "Dipl.-Vw.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Inf.", "Dipl.-Inf.", "degree", "pre", ""),
    ("Dipl.-Inform.", "Dipl.-Inf.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Wirt.-Ing.", "Dipl.-Wirt.-Ing.", "degree", "pre", ""),
    ("Dipl.-Wirtsch.-Ing.", "Dipl.-Wirt.-Ing.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Psych.", "Dipl.-Psych.", "degree", "pre", ""),
    # ... the other common German Diplom degrees (they were unknown titles and quarantined their contacts)
    ("Dipl.-Math.", "Dipl.-Math.", "degree", "pre", ""),
    ("Dipl. Phys.", "Dipl.-Phys.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Chem.", "Dipl.-Chem.", "degree", "pre", ""),
    ("Dipl.-Biol.", "Dipl.-Biol.", "degree", "pre", ""),
    ("Dipl.-Ök.", "Dipl.-Oec.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Soz.", "Dipl.-Soz.", "degree", "pre", ""),
    ("Dipl.-Päd.", "Dipl.-Päd.", "degree", "pre", ""),
    ("Dipl.-Jur.", "Dipl.-Jur.", "degree", "pre", ""),
    ("Dipl.-Des.", "Dipl.-Des.", "degree", "pre", ""),
    ("Dipl.-Geogr.", "Dipl.-Geogr.", "degree", "pre", ""),
    ("Dipl.-Hdl.", "Dipl.-Hdl.", "degree", "pre", ""),
    ("Dipl.-Betriebsw.", "Dipl.-Betriebsw.", "degree", "pre", ""),
    # ... and the FH ones, which keep their (FH): a university Diplom is another degree
    ("Dipl.-Betriebsw. (FH)", "Dipl.-Betriebsw. (FH)", "degree", "pre", ""),
    ("Dipl.-Kfm. (FH)", "Dipl.-Kfm. (FH)", "degree", "pre", ""),
    ("Dipl.-Kfm.(FH)", "Dipl.-Kfm. (FH)", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Inform. (FH)", "Dipl.-Inf. (FH)", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Wirt.-Ing. (FH)", "Dipl.-Wirt.-Ing. (FH)", "degree", "pre", ""),
    # from review: longer Diplom writings that began like a shorter one and left the rest in the name
    ("Dipl.-Soz.Päd.", "Dipl.-Soz.Päd.", "degree", "pre", ""),
    ("Dipl.-Soz.-Päd.", "Dipl.-Soz.Päd.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Oec. troph.", "Dipl.-Oec.troph.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Math. oec.", "Dipl.-Math.oec.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Des. (FH)", "Dipl.-Des. (FH)", "degree", "pre", ""),
    ("Diplom-Kaufmann (FH)", "Dipl.-Kfm. (FH)", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-Inf. FH", "Dipl.-Inf. (FH)", "degree", "pre", "TITLE_NONCANONICAL"),
    # Berufsakademie Diplome, the Swiss HTL diploma, three Magister degrees
    ("Dipl.-Betriebsw. (BA)", "Dipl.-Betriebsw. (BA)", "degree", "pre", ""),
    ("Diplom-Wirtschaftsingenieur (BA)", "Dipl.-Wirt.-Ing. (BA)", "degree", "pre", "TITLE_NONCANONICAL"),
    ("dipl. Ing. HTL", "dipl. Ing. HTL", "degree", "pre", ""),
    ("Dipl.-Ing. (HTL)", "dipl. Ing. HTL", "degree", "pre", "TITLE_NONCANONICAL"),
    ("MMMag.", "MMMag.", "degree", "pre", ""),
    # AT university career posts: the salutation takes the degree, as for Priv.-Doz.
    ("Ass.-Prof.", "Ass.-Prof.", "lecturer", "pre", ""),
    ("Assoz. Prof.", "Assoz. Prof.", "lecturer", "pre", ""),
    ("Assoc. Prof.", "Assoz. Prof.", "lecturer", "pre", "TITLE_NONCANONICAL"),
    # the neighbours' degrees (CZ/SK), met in Austrian CRMs
    ("MUDr.", "MUDr.", "degree", "pre", ""),
    ("JUDr.", "JUDr.", "degree", "pre", ""),
    ("PhDr.", "PhDr.", "degree", "pre", ""),
    ("Mgr.", "Mgr.", "degree", "pre", ""),
    ("Ing. arch.", "Ing. arch.", "degree", "pre", ""),
    ("Bc.", "Bc.", "degree", "pre", ""),
    ("doc.", "doc.", "lecturer", "pre", ""),
    ("CSc.", "CSc.", "post", "post", ""),
    # Austrian qualifications and professor titles, UK and Swiss degrees
    ("DSA", "DSA", "degree", "pre", ""),
    ("DGKP", "DGKP", "degree", "pre", ""),
    ("tit. Univ.-Prof.", "tit. Univ.-Prof.", "professor", "pre", ""),
    ("tit. ao. Univ.-Prof.", "tit. ao. Univ.-Prof.", "professor", "pre", ""),
    ("tit. Prof.", "Prof.", "professor", "pre", "TITLE_NONCANONICAL"),
    ("Univ.-Lekt.", "Univ.-Lekt.", "lecturer", "pre", ""),
    ("Mag. theol.", "Mag.theol.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("DDDr.", "DDDr.", "degree", "pre", ""),
    ("DPhil", "DPhil", "post", "post", ""),
    ("D.Phil.", "DPhil", "post", "post", "TITLE_NONCANONICAL"),
    ("MRes", "MRes", "post", "post", ""),
    ("MPA", "MPA", "post", "post", ""),
    ("MBL", "MBL", "post", "post", ""),
    ("MIM", "MIM", "post", "post", ""),
    ("EdD", "EdD", "post", "post", ""),
    ("DDS", "DDS", "post", "post", ""),
    ("Dr. rer. cult.", "Dr.rer.cult.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dipl.-HTL-Ing.", "Dipl.-HTL-Ing.", "degree", "pre", ""),
    # German Diplom degrees, doctorates and Amtsbezeichnungen
    ("Dipl.-Übers.", "Dipl.-Übers.", "degree", "pre", ""),
    ("Dipl.-Dolm.", "Dipl.-Dolm.", "degree", "pre", ""),
    ("Dipl.-Verw.-Wiss.", "Dipl.-Verw.-Wiss.", "degree", "pre", ""),
    ("Dipl.-Pol.", "Dipl.-Pol.", "degree", "pre", ""),
    ("Dipl.-Sportl.", "Dipl.-Sportl.", "degree", "pre", ""),
    ("Dipl.-Wirt.-Inf.", "Dipl.-Wirt.-Inf.", "degree", "pre", ""),
    ("Dr. des.", "Dr. des.", "degree", "pre", ""),
    ("Dr. rer. medic.", "Dr.rer.medic.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. PH", "Dr.PH", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. paed.", "Dr.paed.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. agr.", "Dr.agr.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. forest.", "Dr.forest.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. sc. agr.", "Dr.sc.agr.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. rer. silv.", "Dr.rer.silv.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. theol. habil.", "Dr.theol.habil.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("BBA", "BBA", "post", "post", ""),
    ("Regierungsdirektor", "Regierungsdirektor", "berufstitel", "pre", ""),
    ("StD", "Studiendirektor", "berufstitel", "pre", "TITLE_NONCANONICAL"),
    ("Konrektor", "Konrektor", "berufstitel", "pre", ""),
    # certifications written after the name in business letters
    ("CMC", "CMC", "post", "post", ""),
    ("CFA", "CFA", "post", "post", ""),
    ("CPA", "CPA", "post", "post", ""),
    ("CIA", "CIA", "post", "post", ""),
    ("FRM", "FRM", "post", "post", ""),
    ("PMP", "PMP", "post", "post", ""),
    ("MSt", "MSt", "post", "post", ""),
    ("MLaw", "MLaw", "post", "post", ""),
    ("BLaw", "BLaw", "post", "post", ""),
    # doctorates of other faculties
    ("Dr. pharm.", "Dr.pharm.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. sc. math.", "Dr.sc.math.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. rer. soc.", "Dr.rer.soc.", "degree", "pre", "TITLE_NONCANONICAL"),
    ("Dr. disc. pol.", "Dr.disc.pol.", "degree", "pre", "TITLE_NONCANONICAL"),
    # post-nominals
    ("DBA", "DBA", "post", "post", ""),
    ("MPhil", "MPhil", "post", "post", ""),
    ("M.Phil.", "MPhil", "post", "post", "TITLE_NONCANONICAL"),
    ("Ph.D", "PhD", "post", "post", "TITLE_NONCANONICAL"),  # the last dot left out: it was unknown
    ("Ph. D", "PhD", "post", "post", "TITLE_NONCANONICAL"),
    ("CAS", "CAS", "post", "post", ""),
    ("DAS", "DAS", "post", "post", ""),
]


@pytest.mark.parametrize(("title", "canonical", "cls", "place", "issues"), PARSES)
def test_writing_is_one_known_token(title, canonical, cls, place, issues):
    vocab = load_vocabulary()
    r = parse_contact("Herr", title, "Hans", "Huber", "", "AT")
    assert [t.canonical for t in r.tokens] == [canonical]
    assert [t.status for t in r.tokens] == ["ok"]
    assert vocab.entries[r.tokens[0].entry].cls == cls
    assert (r.titles_prenominal, r.titles_postnominal) == (
        (canonical, "") if place == "pre" else ("", canonical)
    )
    assert r.issues == issues
    assert "TITLE_UNKNOWN" not in r.issue_codes


# Already supported before these additions (kept here so that they stay so).
ALREADY = [
    ("PD", "Priv.-Doz."),
    ("Priv.-Doz.", "Priv.-Doz."),
    ("Privatdozent", "Priv.-Doz."),
    ("Dr. iur.", "Dr.iur."),
    ("Dr. jur.", "Dr.iur."),
    ("Dr. med. dent.", "Dr.med.dent."),
    ("Dr. med. vet.", "Dr.med.vet."),
    ("Dr. med. univ.", "Dr.med.univ."),
    ("Dr.-Ing.", "Dr.-Ing."),
    ("Dr. h. c. mult.", "Dr. h.c. mult."),
    ("Dipl.-Kfm.", "Dipl.-Kfm."),
    ("MAS", "MAS"),
    ("EMBA", "EMBA"),
    ("M.A.", "MA"),
    ("B.A.", "BA"),
    ("LL.B.", "LL.B."),
]


@pytest.mark.parametrize(("title", "canonical"), ALREADY)
def test_writings_already_supported(title, canonical):
    r = parse_contact("Herr", title, "Hans", "Huber", "", "DE")
    assert [t.canonical for t in r.tokens] == [canonical]
    assert "TITLE_UNKNOWN" not in r.issue_codes


def test_privatdozent_is_a_lecturer_not_a_professor():
    # §1 professor/lecturer, §3 DE "only doctorates and professors count": a PD is addressed by the doctorate
    assert load_vocabulary().entries["Priv.-Doz."].cls == "lecturer"
    for country, line in [
        ("AT", "Sehr geehrter Herr Dr. Huber,"),
        ("DE", "Sehr geehrter Herr Dr. Huber,"),
        ("CH", "Sehr geehrter Herr Huber"),
    ]:
        assert parse_contact("Herr", "PD Dr.", "Hans", "Huber", "", country).salutation_line == line


def test_female_professor_forms():
    for title, canonical in [
        ("apl. Prof.in", "apl. Prof.in"),
        ("apl. Professorin", "apl. Prof.in"),
        ("Jun.-Prof.in", "Jun.-Prof.in"),
        ("Juniorprofessorin", "Jun.-Prof.in"),
        ("JProf.in", "Jun.-Prof.in"),
    ]:
        r = parse_contact("", f"{title} Dr.", "Eva", "Huber", "", "DE")
        assert r.titles_prenominal == f"{canonical} Dr.", title
        assert r.gender == "f", title
        assert r.salutation_line == "Sehr geehrte Frau Professorin Huber,", title
        assert "TITLE_UNKNOWN" not in r.issue_codes


# (salutation, title, first, last, position, country, company) -> expected fields
CASES = [
    # professor titles: Professor/Professorin in AT and DE, the doctorate dropped; CH: no title
    (
        ("Herr", "apl. Prof. Dr. rer. nat.", "Jan", "Krause", "", "DE", ""),
        {
            "salutation_line": "Sehr geehrter Herr Professor Krause,",
            "address_block": "Herrn Professor\nDr.rer.nat. Jan Krause",
            "issues": "TITLE_NONCANONICAL",
        },
    ),
    (
        ("Frau", "Jun.-Prof.in Dr. rer. pol.", "Eva", "Krause", "", "DE", "Universität Kassel"),
        {
            "salutation_line": "Sehr geehrte Frau Professorin Krause,",
            "address_block": "Universität Kassel\nFrau Professorin\nDr.rer.pol. Eva Krause",
        },
    ),
    (
        ("Herr", "apl. Prof. Dr.", "Jan", "Krause", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Professor Krause,", "issues": ""},
    ),
    (
        ("Herr", "Jun.-Prof. Dr.", "Urs", "Meier", "", "CH", ""),
        {"salutation_line": "Sehr geehrter Herr Meier", "address_block": "Herr\nJun.-Prof. Dr. Urs Meier"},
    ),
    # doctorates: "Dr." in AT and DE (suffix and school dropped), kept in the address; CH: no title
    (
        ("Herr", "Dr. rer. pol.", "Jan", "Krause", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Dr. Krause,",
            "address_block": "Herrn\nDr.rer.pol. Jan Krause",
        },
    ),
    (
        ("Frau", "Dr. oec. HSG", "Eva", "Krause", "", "DE", ""),
        {"salutation_line": "Sehr geehrte Frau Dr. Krause,", "address_block": "Frau\nDr.oec. HSG Eva Krause"},
    ),
    (
        ("Herr", "Dr. oec. HSG", "Urs", "Meier", "", "CH", "Meier AG"),
        {
            "salutation_line": "Sehr geehrter Herr Meier",
            "address_block": "Meier AG\nHerr\nDr.oec. HSG Urs Meier",
        },
    ),
    (
        ("Frau", "Dr.in sc. ETH", "Ursula", "Meier", "", "AT", ""),
        {"salutation_line": "Sehr geehrte Frau Dr.in Meier,", "issues": ""},
    ),
    (
        ("Herr", "Dr. sc. techn. MAS", "Urs", "Meier", "", "DE", ""),
        {
            "salutation_line": "Sehr geehrter Herr Dr. Meier,",
            "address_block": "Herrn\nDr.sc.techn. Urs Meier, MAS",
        },
    ),
    (
        ("Herr", "Dr. iur. utr.", "Urs", "Meier", "", "DE", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Meier,"},
    ),
    (
        ("Herr", "Dr. phil. nat.", "Urs", "Meier", "", "CH", ""),
        {"salutation_line": "Sehr geehrter Herr Meier", "address_block": "Herr\nDr.phil.nat. Urs Meier"},
    ),
    (
        ("Herr", "Dr. rer. oec.", "Jan", "Krause", "", "DE", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Krause,"},
    ),
    (
        ("", "Dr. oec.", "Kim", "Krause", "", "DE", ""),
        {"salutation_line": "Guten Tag Dr. Kim Krause,"},
    ),
    # Lizentiat: rank like Mag. in AT (faculty dropped: "lic."), no title in DE and CH; a Dr. outranks it
    (
        ("Herr", "lic. iur.", "Urs", "Meier", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr lic. Meier,", "address_block": "Herrn\nlic.iur. Urs Meier"},
    ),
    (
        ("Herr", "lic. iur.", "Urs", "Meier", "", "DE", ""),
        {"salutation_line": "Sehr geehrter Herr Meier,"},
    ),
    (
        ("Frau", "lic. phil.", "Ursula", "Meier", "Geschäftsführerin", "CH", "Meier AG"),
        {
            "salutation_line": "Sehr geehrte Frau Meier",
            "address_block": "Meier AG\nFrau\nlic.phil. Ursula Meier\nGeschäftsführerin",
        },
    ),
    (
        ("Herr", "lic. oec. HSG Dr. iur.", "Urs", "Meier", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Meier,", "titles_prenominal": "lic.oec. HSG Dr.iur."},
    ),
    (
        ("Herr", "Mag. lic. rer. pol.", "Urs", "Meier", "", "AT", ""),  # equal rank: the one written last
        {"salutation_line": "Sehr geehrter Herr lic. Meier,"},
    ),
    # Swiss diplomas: the school dropped in the AT salutation, kept in the address
    (
        ("Herr", "dipl. Ing. ETH", "Urs", "Meier", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Dipl.-Ing. Meier,",
            "address_block": "Herrn\ndipl. Ing. ETH Urs Meier",
        },
    ),
    (
        ("Herr", "Dipl.-Ing. ETH", "Urs", "Meier", "", "DE", ""),
        {"salutation_line": "Sehr geehrter Herr Meier,", "address_block": "Herrn\ndipl. Ing. ETH Urs Meier"},
    ),
    (
        ("Herr", "dipl. Ing. FH", "Urs", "Meier", "", "CH", ""),
        {"salutation_line": "Sehr geehrter Herr Meier", "address_block": "Herr\ndipl. Ing. FH Urs Meier"},
    ),
    (
        ("Herr", "dipl. Ing. FH Mag.", "Urs", "Meier", "", "AT", ""),  # FH ranks below Mag.
        {"salutation_line": "Sehr geehrter Herr Mag. Meier,", "titles_prenominal": "dipl. Ing. FH Mag."},
    ),
    (
        ("Frau", "dipl. Arch. ETH", "Ursula", "Meier", "", "AT", ""),
        {"salutation_line": "Sehr geehrte Frau dipl. Arch. Meier,"},
    ),
    (
        ("Herr", "Dr. sc. techn. dipl. Ing. ETH", "Urs", "Meier", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Dr. Meier,",
            "titles_prenominal": "dipl. Ing. ETH Dr.sc.techn.",
        },
    ),
    # German Diplom degrees: their own abbreviation in AT, nothing in DE
    (
        ("Herr", "Dipl.-Vw.", "Jan", "Krause", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Dipl.-Vw. Krause,",
            "address_block": "Herrn\nDipl.-Vw. Jan Krause",
        },
    ),
    (
        ("Frau", "Dipl.-Psych.", "Eva", "Krause", "", "DE", ""),
        {"salutation_line": "Sehr geehrte Frau Krause,", "address_block": "Frau\nDipl.-Psych. Eva Krause"},
    ),
    (
        ("Herr", "Dr. Dipl.-Inf.", "Jan", "Krause", "", "DE", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Krause,", "titles_prenominal": "Dipl.-Inf. Dr."},
    ),
    (
        ("Herr", "Dipl.-Wirt.-Ing. MBA", "Jan", "Krause", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Dipl.-Wirt.-Ing. Krause,",
            "address_block": "Herrn\nDipl.-Wirt.-Ing. Jan Krause, MBA",
        },
    ),
    (  # the written-out female word tells the gender
        ("", "Diplom-Psychologin", "Eva", "Krause", "", "DE", ""),
        {"gender": "f", "titles_prenominal": "Dipl.-Psych.", "salutation_line": "Sehr geehrte Frau Krause,"},
    ),
    # post-nominals never enter the salutation; DBA is no "Dr."
    (
        ("Herr", "DBA", "Jan", "Krause", "", "DE", ""),
        {"salutation_line": "Sehr geehrter Herr Krause,", "address_block": "Herrn\nJan Krause, DBA"},
    ),
    (
        ("Frau", "Dr. MPhil", "Eva", "Krause", "", "AT", ""),
        {"salutation_line": "Sehr geehrte Frau Dr. Krause,", "address_block": "Frau\nDr. Eva Krause, MPhil"},
    ),
    (
        ("Frau", "lic. iur. CAS DAS MAS", "Ursula", "Meier", "", "CH", ""),
        {
            "salutation_line": "Sehr geehrte Frau Meier",
            "address_block": "Frau\nlic.iur. Ursula Meier, CAS, DAS, MAS",
            "issues": "TITLE_NONCANONICAL",
        },
    ),
    # post-nominals moved out of the surname field
    (
        ("Herr", "", "Urs", "Meier, CAS", "", "CH", ""),
        {"last_name_clean": "Meier", "titles_postnominal": "CAS", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    (
        ("Herr", "", "Urs", "Meier MSc DAS", "", "CH", ""),  # after another post-nominal
        {"last_name_clean": "Meier", "titles_postnominal": "MSc, DAS", "issues": "TITLE_IN_NAME_FIELD"},
    ),
    # Kantonsrat/Kantonsrätin is an office (name omitted), also written into the title field
    (
        ("Herr", "Dr.", "Urs", "Meier", "Kantonsrat", "CH", ""),
        {
            "position_kind": "office",
            "salutation_line": "Sehr geehrter Herr Kantonsrat",
            "address_block": "Herr Kantonsrat\nDr. Urs Meier",
        },
    ),
    (
        ("Frau", "lic. iur.", "Ursula", "Meier", "Kantonsrätin", "CH", ""),
        {
            "position_kind": "office",
            "salutation_line": "Sehr geehrte Frau Kantonsrätin",
            "issues": "TITLE_NONCANONICAL",
        },
    ),
    (
        ("Frau", "Kantonsrätin", "Ursula", "Meier", "", "CH", ""),
        {"position_canonical": "Kantonsrätin", "issues": "POSITION_IN_TITLE_FIELD"},
    ),
    (
        ("Frau", "", "Ursula", "Meier", "Kantonsrätin", "AT", ""),
        {"salutation_line": "Sehr geehrte Frau Kantonsrätin,"},
    ),
    # the Austrian Baumeister is written and addressed like a Berufstitel ...
    (
        ("Herr", "Bmst. Ing.", "Franz", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Baumeister Ing. Huber,",
            "address_block": "Herrn Baumeister\nIng. Franz Huber",
            "issues": "",
        },
    ),
    (
        ("Frau", "Baumeisterin DI", "Eva", "Huber", "", "AT", ""),
        {"titles_prenominal": "Bmst.in DI", "salutation_line": "Sehr geehrte Frau Baumeisterin DI Huber,"},
    ),
    # ... but in the position field the trade is the job: the company contact keeps its position
    (
        ("Herr", "Ing.", "Franz", "Huber", "Baumeister", "AT", "Huber Bau GmbH"),
        {
            "position_canonical": "Baumeister",
            "salutation_line": "Sehr geehrter Herr Ing. Huber,",
            "address_block": "Huber Bau GmbH\nHerrn\nIng. Franz Huber\nBaumeister",
            "issues": "",
        },
    ),
    (  # the AT senior physician is addressed like a Primar
        ("Frau", "OÄ Dr.in", "Eva", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Oberärztin Dr.in Huber,",
            "address_block": "Frau Oberärztin\nDr.in Eva Huber",
            "issues": "",
        },
    ),
    (
        ("Herr", "Dr.", "Hans", "Huber", "Oberarzt", "AT", "LKH Graz"),
        {"salutation_line": "Sehr geehrter Herr Oberarzt Dr. Huber,", "position_kind": "function"},
    ),
    (  # a CZ doctor in a German letter: Dr. in the salutation, the degree as written in the address
        ("Herr", "MUDr.", "Jan", "Novák", "", "CZ", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Novák,", "address_block": "Herrn\nMUDr. Jan Novák"},
    ),
    (
        ("Frau", "Mgr. Bc.", "Jana", "Nováková", "", "AT", ""),
        {"titles_prenominal": "Bc. Mgr.", "salutation_line": "Sehr geehrte Frau Mgr. Nováková,"},
    ),
    (  # a qualification written before the name but never said (titles.csv sal_AT "no")
        ("Frau", "DSAin", "Eva", "Huber", "", "AT", ""),
        {"salutation_line": "Sehr geehrte Frau Huber,", "address_block": "Frau\nDSAin Eva Huber"},
    ),
    (  # the registered nurse's Berufsbezeichnung: in the address, not in the salutation
        ("Frau", "DGKP", "Eva", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Huber,",
            "address_block": "Frau\nDGKP Eva Huber",
            "issues": "",
        },
    ),
    (  # DGKS, the older Krankenschwester, is a woman's: today's writing is DGKP for both
        ("Herr", "DGKS", "Hans", "Huber", "", "AT", ""),
        {"titles_prenominal": "DGKP", "issues": "TITLE_NONCANONICAL;TITLE_GENDER_CONFLICT"},
    ),
    (
        ("Herr", "Bc.", "Jan", "Novák", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Novák,", "address_block": "Herrn\nBc. Jan Novák"},
    ),
    (
        ("Herr", "DSA Mag.", "Hans", "Huber", "", "AT", ""),
        {"titles_prenominal": "DSA Mag.", "salutation_line": "Sehr geehrter Herr Mag. Huber,"},
    ),
    (  # the Berufstitel of a Titularprofessor is Professor
        ("Herr", "tit. Univ.-Prof. Dr.", "Hans", "Huber", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Professor Huber,", "issues": ""},
    ),
    (  # a Generalkonsul is no Konsul
        ("Herr", "", "Hans", "Huber", "Generalkonsul", "AT", "Konsulat"),
        {"salutation_line": "Sehr geehrter Herr Generalkonsul,", "position_canonical": "Generalkonsul"},
    ),
    (
        ("Herr", "DDDr.", "Hans", "Huber", "", "AT", ""),
        {"titles_prenominal": "DDDr.", "salutation_line": "Sehr geehrter Herr DDDr. Huber,"},
    ),
    (
        ("Frau", "Diplomsozialarbeiterin", "Eva", "Huber", "", "AT", ""),
        {
            "titles_prenominal": "DSAin",
            "issues": "TITLE_NONCANONICAL",
            "salutation_line": "Sehr geehrte Frau Huber,",
        },
    ),
    (  # a UK degree as awarded: its honours and its university stay with it, in brackets
        ("Herr", "BA (Hons), MA (Oxon)", "John", "Smith", "", "AT", ""),
        {"titles_postnominal": "BA (Hons), MA (Oxon)", "issues": ""},
    ),
    (  # ... bare, "Hons" is a surname (Czech), not the honours of the MBA before it
        ("Herr", "", "Jan", "MBA Hons", "", "AT", ""),
        {
            "last_name_clean": "Hons",
            "titles_postnominal": "MBA",
            "salutation_line": "Sehr geehrter Herr Hons,",
        },
    ),
    (  # the HTL engineer's Standesbezeichnung is said as Ing.
        ("Herr", "Dipl.-HTL-Ing.", "Hans", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrter Herr Ing. Huber,",
            "address_block": "Herrn\nDipl.-HTL-Ing. Hans Huber",
        },
    ),
    (
        ("Herr", "Mag., CMC", "Hans", "Huber", "", "AT", ""),
        {
            "titles_prenominal": "Mag.",
            "titles_postnominal": "CMC",
            "salutation_line": "Sehr geehrter Herr Mag. Huber,",
        },
    ),
    (  # a Member of the European Parliament; a Land minister
        ("Herr", "MdEP", "Hans", "Huber", "", "DE", ""),
        {"position_canonical": "Abgeordneter", "salutation_line": "Sehr geehrter Herr Abgeordneter,"},
    ),
    (
        ("Frau", "", "Eva", "Huber", "Staatsministerin", "DE", "Bayerische Staatskanzlei"),
        {"position_kind": "office", "salutation_line": "Sehr geehrte Frau Staatsministerin,"},
    ),
    (  # a doctor designatus is addressed as Dr.
        ("Herr", "Dr. des.", "Hans", "Huber", "", "DE", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Huber,", "address_block": "Herrn\nDr. des. Hans Huber"},
    ),
    (  # three doctorates are a doctorate in a German letter
        ("Herr", "DDDr.", "Hans", "Huber", "", "DE", ""),
        {"salutation_line": "Sehr geehrter Herr Dr. Huber,"},
    ),
    (  # Meister without its dot is not the Oxford MSt; in capitals it could be either
        ("Herr", "Mst", "Hans", "Huber", "", "AT", ""),
        {"titles_prenominal": "Mst.", "titles_postnominal": "", "issues": "TITLE_NONCANONICAL"},
    ),
    (("Herr", "MST", "Hans", "Huber", "", "AT", ""), {"issues": "TITLE_AMBIGUOUS"}),
    (
        ("Herr", "doc. Ing.", "Peter", "Kováč", "", "AT", ""),
        {"titles_prenominal": "doc. Ing.", "salutation_line": "Sehr geehrter Herr Ing. Kováč,"},
    ),
    (  # the Austrian female form of the Pädagogische Akademie diploma
        ("Frau", "Dipl.-Päd.in", "Eva", "Huber", "", "AT", ""),
        {"titles_prenominal": "Dipl.-Päd.in", "salutation_line": "Sehr geehrte Frau Dipl.-Päd.in Huber,"},
    ),
    (  # a German university degree told apart from an FH one
        ("Herr", "Dipl.-Ing. Univ.", "Jan", "Krause", "", "DE", ""),
        {"titles_prenominal": "Dipl.-Ing. Univ.", "issues": ""},
    ),
    (
        ("Herr", "Dipl.-Kfm. (Univ.)", "Jan", "Krause", "", "DE", ""),
        {"titles_prenominal": "Dipl.-Kfm. (Univ.)", "issues": ""},
    ),
    (  # more writings and offices
        ("Herr", "wirkl. Hofrat Dr.", "Hans", "Huber", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Hofrat Dr. Huber,", "issues": "TITLE_NONCANONICAL"},
    ),
    (
        ("Herr", "MinRat Mag.", "Hans", "Huber", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Ministerialrat Mag. Huber,"},
    ),
    (
        ("Frau", "BH Mag.a", "Eva", "Huber", "", "AT", ""),
        {
            "salutation_line": "Sehr geehrte Frau Bezirkshauptfrau,",
            "position_canonical": "Bezirkshauptfrau",
            "issues": "TITLE_NONCANONICAL;POSITION_IN_TITLE_FIELD",
        },
    ),
    (
        ("Herr", "Abg.z.NR Mag.", "Hans", "Huber", "", "AT", ""),
        {"salutation_line": "Sehr geehrter Herr Abgeordneter,", "titles_prenominal": "Mag."},
    ),
    (
        ("Herr", "CFO", "Hans", "Huber", "", "AT", "ACME AG"),
        {"position_canonical": "CFO", "address_block": "ACME AG\nHerrn\nHans Huber\nCFO"},
    ),
    (  # the title written out in line 1 and the same job in the position field: printed once
        ("Herr", "Bmst. Ing.", "Franz", "Huber", "Baumeister", "AT", "Huber Bau GmbH"),
        {
            "address_block": "Huber Bau GmbH\nHerrn Baumeister\nIng. Franz Huber",
            "position_canonical": "Baumeister",
        },
    ),
    (
        ("Frau", "Bmst.in", "Eva", "Huber", "Baumeisterin", "AT", "Huber Bau GmbH"),
        {"address_block": "Huber Bau GmbH\nFrau Baumeisterin\nEva Huber"},
    ),
    (  # ... another job still gets its line
        ("Herr", "Bmst. Ing.", "Franz", "Huber", "Bauleiter", "AT", "Huber Bau GmbH"),
        {"address_block": "Huber Bau GmbH\nHerrn Baumeister\nIng. Franz Huber\nBauleiter"},
    ),
    (  # two or three female Magister degrees are MMag.a / MMMag.a (they collapsed to one Mag.a)
        ("Frau", "Mag.a Mag.a", "Eva", "Huber", "", "AT", ""),
        {"titles_prenominal": "MMag.a", "salutation_line": "Sehr geehrte Frau MMag.a Huber,"},
    ),
    (("Frau", "Mag.a Mag.a Mag.a", "Eva", "Huber", "", "AT", ""), {"titles_prenominal": "MMMag.a"}),
    (
        ("Herr", "Dipl.-Betriebswirt (BA)", "Jan", "Krause", "", "DE", ""),
        {"titles_prenominal": "Dipl.-Betriebsw. (BA)"},
    ),
    (
        ("Herr", "Dipl.-Wirtsch.-Ing. (BA)", "Jan", "Krause", "", "DE", ""),
        {"titles_prenominal": "Dipl.-Wirt.-Ing. (BA)"},
    ),
    (  # three Magister degrees stay as written, like MMag.
        ("Herr", "MMMag. Dr.", "Franz", "Huber", "", "AT", ""),
        {"titles_prenominal": "MMMag. Dr.", "salutation_line": "Sehr geehrter Herr Dr. Huber,"},
    ),
    (  # a protected profession typed into the title field goes to the position
        ("Frau", "StB Dipl.-Kffr.", "Anna", "Krause", "", "DE", "Krause Steuerberatung"),
        {
            "titles_prenominal": "Dipl.-Kffr.",
            "position_canonical": "Steuerberaterin",
            "address_block": "Krause Steuerberatung\nFrau\nDipl.-Kffr. Anna Krause\nSteuerberaterin",
            "issues": "TITLE_NONCANONICAL;POSITION_IN_TITLE_FIELD",
        },
    ),
    (
        ("Herr", "Dr.", "Jan", "Krause", "Wirtschaftsprüfer", "DE", "WP AG"),
        {"position_canonical": "Wirtschaftsprüfer", "salutation_line": "Sehr geehrter Herr Dr. Krause,"},
    ),
]


@pytest.mark.parametrize(("fields", "expected"), CASES)
def test_salutation_and_address(fields, expected):
    r = parse_contact(*fields)
    assert {k: getattr(r, k) for k in expected} == expected
    assert "TITLE_UNKNOWN" not in r.issue_codes


def test_frame_path_agrees():
    assert_frame_path_agrees([f for f, _ in CASES], [e for _, e in CASES])


# --- names that look like the new short abbreviations stay names ------------------------------------------
NAMES = [
    ("Raj", "Das"),
    ("Raj", "DAS"),  # a surname field in capitals: DAS is a name there
    ("RAJ", "DAS"),
    ("Raj", "Kumar DAS"),  # a surname in capitals after another: only "Kumar, DAS" is the degree
    ("Ana", "Garcia MAS"),
    ("Ana", "Maria CAS"),
    ("Cas", "Huber"),
    ("CAS", "Huber"),
    ("Jordi", "Mas"),
    ("JORDI", "MAS"),
    ("Hans", "Pd"),
    ("HANS", "PD"),
    ("Hans", "Lic"),
    ("Jun", "Huber"),
    ("Hans", "Huber jun."),
    ("Kim", "Dba"),
]


@pytest.mark.parametrize(("first", "last"), NAMES)
def test_names_are_not_read_as_titles(first, last):
    r = parse_contact("Herr", "", first, last, "", "DE")
    assert (r.first_name_clean, r.last_name_clean) == (first, last)
    assert r.tokens == () and r.issues == ""
    assert r.salutation_line == f"Sehr geehrter Herr {last},"


def test_names_frame_path_agrees():
    assert_frame_path_agrees([("Herr", "", f, la, "", "DE", "") for f, la in NAMES])


def test_new_writings_do_not_steal_existing_ones():
    # the new keys share prefixes with Dipl.-Ing., Dr.iur., Dr.phil., Prof. and Mag.: those stay as they were
    for title, pre in [
        ("Dipl.-Ing. Dr.", "Dipl.-Ing. Dr."),
        ("Dipl. Ing.", "Dipl.-Ing."),
        ("dipl. Ing.", "Dipl.-Ing."),
        ("Dr. iur.", "Dr.iur."),
        ("Dr. phil.", "Dr.phil."),
        ("Prof. Dr.", "Prof. Dr."),
        ("Dipl.-Ing. (FH)", "Dipl.-Ing. (FH)"),  # written as recorded, as Dipl.-Ing. beside DI
        ("Dipl.-Ing. FH", "Dipl.-Ing. (FH)"),  # the German writing is not the Swiss dipl. Ing. FH
        ("Mag. iur.", "Mag.iur."),
    ]:
        assert parse_contact("Herr", title, "Hans", "Huber", "", "AT").titles_prenominal == pre, title
    # the first word of a new writing alone is no title ("sc" is still no SC = Sektionschef)
    for title in ("sc", "Jun.", "apl.", "lic"):
        r = parse_contact("Herr", title, "Hans", "Huber", "", "AT")
        assert (r.titles_prenominal, r.issues) == (title, "TITLE_UNKNOWN")


@pytest.mark.parametrize(
    ("title", "country", "line", "block"),
    [
        ("Dr. habil.", "DE", "Sehr geehrter Herr Dr. Huber,", "Herrn\nDr. habil. Hans Huber"),
        (
            "Prof. Dr. habil.",
            "DE",
            "Sehr geehrter Herr Professor Huber,",
            "Herrn Professor\nDr. habil. Hans Huber",
        ),
        (
            "Dr. rer. nat. habil.",
            "AT",
            "Sehr geehrter Herr Dr. Huber,",
            "Herrn\nDr.rer.nat.habil. Hans Huber",
        ),
        ("Dr.-Ing. E.h.", "DE", "Sehr geehrter Herr Dr. Huber,", "Herrn\nDr.-Ing. E.h. Hans Huber"),
        ("Dr. oec. publ.", "CH", "Sehr geehrter Herr Huber", "Herr\nDr.oec.publ. Hans Huber"),
    ],
)
def test_habilitation_and_honorary_suffixes_stay_in_the_address(title, country, line, block):
    r = parse_contact("Herr", title, "Hans", "Huber", "", country)
    assert (r.salutation_line, r.address_block) == (line, block)
    assert_frame_path_agrees([("Herr", title, "Hans", "Huber", "", country, "")])


@pytest.mark.parametrize(
    ("first_name", "first_clean", "titles"),
    [
        ("Dr. Habil", "Habil", "Dr."),  # Habil is a first name, not the habilitation
        ("Dr.-Ing. E. H.", "E. H.", "Dr.-Ing."),  # initials, not the honorary E.h.
        ("Dr.-Ing. E.H.", "E.H.", "Dr.-Ing."),
        ("lic. phil. I. Ida", "I. Ida", "lic.phil."),
    ],
)
def test_suffixes_that_read_like_names_or_initials_stay_in_the_name(first_name, first_clean, titles):
    r = parse_contact("Herr", "", first_name, "Yilmaz", "", "DE")
    assert (r.first_name_clean, r.titles_prenominal) == (first_clean, titles)
    assert_frame_path_agrees([("Herr", "", first_name, "Yilmaz", "", "DE", "")])


@pytest.mark.parametrize(
    ("fields", "line", "block"),
    [
        # an FH Diplom keeps its (FH) in the address, not in the AT salutation (as DI (FH) and Mag. (FH))
        (
            ("Herr", "Dipl.-Kfm. (FH)", "Hans", "Meier", "", "AT"),
            "Sehr geehrter Herr Dipl.-Kfm. Meier,",
            "Herrn\nDipl.-Kfm. (FH) Hans Meier",
        ),
        (
            ("Frau", "Dipl.-Kffr. (FH)", "Eva", "Meier", "", "AT"),
            "Sehr geehrte Frau Dipl.-Kffr. Meier,",
            "Frau\nDipl.-Kffr. (FH) Eva Meier",
        ),
        (("Herr", "Dipl.-Kfm. (FH)", "Hans", "Meier", "", "DE"), "Sehr geehrter Herr Meier,", None),
        # in a name field the whole writing is moved out, none of it stays in the name
        (("Herr", "", "Hans", "Dipl.-Soz.-Päd. Meier", "", "DE"), "Sehr geehrter Herr Meier,", None),
        (("Herr", "", "Hans", "Dipl.-Oec. troph. Meier", "", "DE"), "Sehr geehrter Herr Meier,", None),
        (("Herr", "", "Hans", "Dipl.-Des. (FH) Meier", "", "DE"), "Sehr geehrter Herr Meier,", None),
    ],
)
def test_diplom_salutation_and_address(fields, line, block):
    r = parse_contact(*fields)
    assert r.salutation_line == line
    assert r.last_name_clean == "Meier"
    if block is not None:
        assert r.address_block == block
