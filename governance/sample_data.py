"""Realistic nightly CRM contact extracts (AT/DE/CH) for the demo run, the tests and the benchmark.

Faker (locales de_AT, de_DE, de_CH) fills value *pools* once per seed (names, streets, company names);
the rows are then drawn from the pools with vectorised numpy choices, so a million contacts take a few
seconds. The title vocabulary follows ``titles.csv`` (canonical writings in the clean mix; variants,
unknown tokens and the like only as configurable defects, see :class:`DefectRates`).

Public API:

- :func:`generate_contacts` / :func:`generate_contacts_with_labels` / :func:`clean_contacts`
- :func:`next_night`: the following night's extract derived from the previous one
- :func:`write_extract`: the extract as a CSV file with the canonical header
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from governance.contact_model import CANONICAL_COLUMNS

__all__ = [
    "DEFAULT_NIGHT",
    "OWNERS",
    "DefectRates",
    "clean_contacts",
    "generate_contacts",
    "generate_contacts_with_labels",
    "next_night",
    "write_extract",
]

DEFAULT_NIGHT = dt.date(2026, 11, 2)

LOCALES: tuple[str, ...] = ("de_AT", "de_DE", "de_CH")
_LOCALE_SHARES = np.array([0.60, 0.25, 0.15])
_AT, _DE, _CH = 0, 1, 2
_F, _M, _D = 0, 1, 2  # gender codes

_P_DIVERS = 0.005
_P_COMPANY = 0.60
_P_ENGLISH_SALUTATION = 0.03  # DE/CH contacts addressed as Mr./Ms.
_TITLE_RATE = np.array([0.36, 0.24, 0.22])  # per locale: overall about 31 %
_TITLE_KIND = np.array([0.74, 0.12, 0.14])  # pre-nominal only, pre + post, post-nominal only
_P_FEMALE_FORM_AT = 0.5  # Austrian women with a gendered title form (Mag.a, Dr.in)
_P_EMPTY_EMAIL = 0.02
_P_OPT_OUT = 0.05
_P_DO_NOT_CONTACT = 0.01
_P_OTHER_COUNTRY = 0.004
_P_LI_OF_CH = 0.06

# The CRM users who own records (and get the fix lists).
OWNERS: tuple[str, ...] = (
    "u.huber", "m.gruber", "s.wagner", "k.bauer", "a.pichler", "t.steiner", "j.moser", "c.mayer",
    "b.hofer", "l.leitner", "p.berger", "r.fuchs", "e.eder", "f.fischer", "g.schmid", "h.winkler",
    "i.weber", "n.schwarz", "o.maier", "d.schneider", "v.reiter", "w.mayr", "z.brunner", "y.lang",
    "x.baumgartner",
)  # fmt: skip
OWNER_EMAIL_DOMAIN = "crm.example.at"

# --- title vocabulary (canonical writings from titles.csv) -------------------------------------------
# (male / neutral form, female form, weight)
_PRE_AT: tuple[tuple[str, str, float], ...] = (
    ("Mag.", "Mag.a", 20),
    ("Dr.", "Dr.in", 15),
    ("DI", "DIin", 7),
    ("Dipl.-Ing.", "Dipl.-Ing.in", 5),
    ("Ing.", "Ing.in", 9),
    ("Mag. (FH)", "Mag.a (FH)", 2),
    ("DI (FH)", "DIin (FH)", 1.5),
    ("DDr.", "DDr.in", 1),
    ("MMag.", "MMag.a", 1.5),
    ("Mag. Dr.", "Mag.a Dr.in", 3),
    ("Dipl.-Ing. Dr.techn.", "Dipl.-Ing.in Dr.in techn.", 1.5),
    ("DI Dr.", "DIin Dr.in", 1.5),
    ("Dr.med.univ.", "Dr.in med.univ.", 2),
    ("Dr.phil.", "Dr.in phil.", 0.7),
    ("Mag.phil.", "Mag.a phil.", 0.5),
    ("Ing. DI (FH)", "Ing.in DIin (FH)", 0.4),
    ("Prof.", "Prof.in", 1),
    ("Prof. Mag.", "Prof.in Mag.a", 1),
    ("Univ.-Prof. Dr.", "Univ.-Prof.in Dr.in", 1.5),
    ("ao. Univ.-Prof. Dr.", "ao. Univ.-Prof.in Dr.in", 0.5),
    ("Priv.-Doz. Dr.", "Priv.-Doz.in Dr.in", 0.4),
    ("FH-Prof. DI", "FH-Prof.in DIin", 0.3),
    ("KommR Ing.", "KommRin Ing.in", 1),
    ("KommR", "KommRin", 1),
    ("KommR Mag.", "KommRin Mag.a", 0.5),
    ("HR Dr.", "HRin Dr.in", 1.2),
    ("HR Mag.", "HRin Mag.a", 0.5),
    ("OStR Mag.", "OStRin Mag.a", 0.6),
    ("MedR Dr.", "MedRin Dr.in", 0.4),
    ("ÖkR Ing.", "ÖkRin Ing.in", 0.3),
    ("RegR", "RegRin", 0.4),
    ("MinR Mag.", "MinRin Mag.a", 0.2),
    ("SektChef Dr.", "Sektionschefin Dr.in", 0.1),
    ("Dkfm.", "Dkffr.", 0.4),
    ("Mst.", "Mst.in", 0.3),
)
_PRE_DECH: tuple[tuple[str, str, float], ...] = (
    ("Dr.", "Dr.", 45),
    ("Dipl.-Ing.", "Dipl.-Ing.", 12),
    ("Prof. Dr.", "Prof. Dr.", 6),
    ("Dr.rer.nat.", "Dr.rer.nat.", 3),
    ("Dr.phil.", "Dr.phil.", 3),
    ("Dr.iur.", "Dr.iur.", 2),
    ("Mag.", "Mag.", 3),
    ("Ing.", "Ing.", 2),
    ("Univ.-Prof. Dr.", "Univ.-Prof. Dr.", 2),
    ("Priv.-Doz. Dr.", "Priv.-Doz. Dr.", 1),
    ("DDr.", "DDr.", 0.5),
)
_POST: tuple[tuple[str, float], ...] = (
    ("MBA", 30), ("MSc", 25), ("BA", 14), ("BSc", 12), ("MA", 6), ("PhD", 5), ("LL.M.", 4),
    ("MAS", 4), ("EMBA", 2), ("BEd", 2), ("MEd", 1),
)  # fmt: skip

# Positions of company contacts: (male, female, weight).
_POSITIONS: tuple[tuple[str, str, float], ...] = (
    ("Geschäftsführer", "Geschäftsführerin", 14),
    ("Prokurist", "Prokuristin", 6),
    ("Abteilungsleiter", "Abteilungsleiterin", 12),
    ("Leiter Einkauf", "Leiterin Einkauf", 7),
    ("Leiter Vertrieb", "Leiterin Vertrieb", 6),
    ("Leiter Finanzen", "Leiterin Finanzen", 4),
    ("Leiter Personal", "Leiterin Personal", 3),
    ("Einkäufer", "Einkäuferin", 6),
    ("Sachbearbeiter", "Sachbearbeiterin", 10),
    ("Assistent der Geschäftsführung", "Assistentin der Geschäftsführung", 5),
    ("Projektleiter", "Projektleiterin", 6),
    ("Key Account Manager", "Key Account Managerin", 4),
    ("Teamleiter", "Teamleiterin", 5),
    ("CEO", "CEO", 2.5),
    ("CFO", "CFO", 1.5),
    ("Vorstandsvorsitzender", "Vorstandsvorsitzende", 0.5),
    ("Vorstandsdirektor", "Vorstandsdirektorin", 1),
    ("Generaldirektor", "Generaldirektorin", 0.5),
    ("Direktor", "Direktorin", 2),
    ("Primar", "Primaria", 0.4),
    ("Bürgermeister", "Bürgermeisterin", 0.2),
    ("Bundesminister", "Bundesministerin", 0.01),
)

# --- defect vocabularies ------------------------------------------------------------------------------
_NAME_FIELD_TITLES = ("Dr.", "Mag.", "Ing.", "DI", "Dipl.-Ing.", "Prof.")
_VARIANT_PRE = (
    "Dipl. Ing.", "Mag", "Univ.Prof.", "dr", "DIPL.ING.", "Dr", "DR.", "Ing", "Dipl.Ing.", "Mag.(FH)",
    "Dr. Dr.", "Mmag.", "Prof", "Dipl.-Ing. Dr. techn.", "Dr. med. univ.", "Dr. med. dent.",
    "Dipl.-Ing. (FH)", "Mag. Dr", "Univ. Prof. Dr.", "DI Dr", "Hofrat Dr.", "KR Ing.", "Dr. rer. nat.",
)  # fmt: skip
_VARIANT_POST = ("M.B.A.", "B.Sc.", "M.Sc.", "LLM", "Ph.D.", "B.A.", "M.A.")
_FEMALE_TITLES = ("Mag.a", "Dr.in", "DIin", "Ing.in", "Dipl.-Ing.in", "Prof.in")
_UNKNOWN_TITLES = ("Dr.xyz", "Ing.-Mag.", "Fürst", "Mag.xyz", "Dr.abc", "Xyz.")
_AMBIGUOUS_TITLES = ("MR", "KS", "MR Dr.", "KS Mag.")
_SUPERSCRIPT_TITLES = ("Mag.ᵃ", "Dr.ⁱⁿ", "DIⁱⁿ")

# --- names and places -----------------------------------------------------------------------------------
_PARTICLE_NAMES = (
    "Di Marco", "De Martin", "van der Berg", "von Stein", "Da Costa", "Dal Bosco", "De Luca",
    "Di Lorenzo", "van den Bosch", "von der Heide", "Del Piero", "dos Santos",
)  # fmt: skip
_EXTRA_LAST_NAMES = (
    "Müller", "Gößler", "Jäger", "Köhler", "Schröder", "Böhm", "Größinger", "Hödl", "Pröll", "Strauß",
    "Weiß", "Krämer", "Löffler", "Nußbaumer", "Öhlinger", "Rößler", "Hüttner", "Novak", "Horvath",
    "Yılmaz", "Öztürk", "Kovačević", "Nguyen", "Petrović", "Kaya", "Dvořák", "Nemeth", "Szabó",
)  # fmt: skip
# Surnames that are also title/office words of the vocabulary are left out of the clean pools.
_NAME_BLOCKLIST = frozenset(
    s.casefold()
    for s in (
        "Abt", "Bischof", "Meister", "Pfarrer", "Notar", "Konsul", "Dekan", "Rektor", "Direktor",
        "Präsident", "Primar", "Kardinal", "Professor", "Doktor", "Magister", "Hofrat", "Fürst", "Graf",
        "Baron", "Freiherr", "Ritter", "Kaiser", "König", "Herzog", "Schulrat", "Amtsrat", "Landesrat",
        "Bürgermeister", "Abgeordneter", "Botschafter", "Ing", "Dr", "Di", "Mag", "Prof", "Ma", "Ba",
    )
)  # fmt: skip

_PLACES: dict[str, tuple[tuple[str, str], ...]] = {
    "AT": (
        ("1010", "Wien"), ("1020", "Wien"), ("1030", "Wien"), ("1070", "Wien"), ("1090", "Wien"),
        ("1100", "Wien"), ("1120", "Wien"), ("1190", "Wien"), ("1210", "Wien"), ("1220", "Wien"),
        ("8010", "Graz"), ("8020", "Graz"), ("4020", "Linz"), ("4040", "Linz"), ("5020", "Salzburg"),
        ("6020", "Innsbruck"), ("9020", "Klagenfurt am Wörthersee"), ("9500", "Villach"),
        ("3100", "St. Pölten"), ("4600", "Wels"), ("4400", "Steyr"), ("2700", "Wiener Neustadt"),
        ("6900", "Bregenz"), ("6850", "Dornbirn"), ("6800", "Feldkirch"), ("3500", "Krems an der Donau"),
        ("2340", "Mödling"), ("2500", "Baden"), ("7000", "Eisenstadt"), ("8700", "Leoben"),
        ("5400", "Hallein"), ("6300", "Wörgl"), ("9900", "Lienz"), ("4810", "Gmunden"),
        ("3300", "Amstetten"), ("8200", "Gleisdorf"), ("2020", "Hollabrunn"), ("3430", "Tulln an der Donau"),
        ("5700", "Zell am See"), ("6130", "Schwaz"), ("8940", "Liezen"), ("4910", "Ried im Innkreis"),
        ("3910", "Zwettl"), ("7400", "Oberwart"), ("8160", "Weiz"),
    ),
    "DE": (
        ("10115", "Berlin"), ("10789", "Berlin"), ("20095", "Hamburg"), ("80331", "München"),
        ("81675", "München"), ("50667", "Köln"), ("60311", "Frankfurt am Main"), ("70173", "Stuttgart"),
        ("40213", "Düsseldorf"), ("04109", "Leipzig"), ("01067", "Dresden"), ("90402", "Nürnberg"),
        ("30159", "Hannover"), ("28195", "Bremen"), ("44135", "Dortmund"), ("45127", "Essen"),
        ("93047", "Regensburg"), ("94032", "Passau"), ("83022", "Rosenheim"), ("86150", "Augsburg"),
        ("87435", "Kempten (Allgäu)"), ("79098", "Freiburg im Breisgau"), ("69117", "Heidelberg"),
        ("55116", "Mainz"), ("97070", "Würzburg"),
    ),
    "CH": (
        ("8001", "Zürich"), ("8004", "Zürich"), ("3011", "Bern"), ("4051", "Basel"), ("1201", "Genève"),
        ("1003", "Lausanne"), ("6003", "Luzern"), ("9000", "St. Gallen"), ("8400", "Winterthur"),
        ("5000", "Aarau"), ("6300", "Zug"), ("7000", "Chur"), ("2502", "Biel/Bienne"), ("3600", "Thun"),
        ("6900", "Lugano"), ("8200", "Schaffhausen"), ("4500", "Solothurn"), ("9471", "Buchs SG"),
    ),
    "LI": (
        ("9490", "Vaduz"), ("9494", "Schaan"), ("9495", "Triesen"), ("9496", "Balzers"),
        ("9487", "Gamprin-Bendern"), ("9492", "Eschen"), ("9493", "Mauren"),
    ),
}  # fmt: skip
_COUNTRY_NAMES = {"AT": ("Österreich", 0.03), "DE": ("Deutschland", 0.015), "CH": ("Schweiz", 0.01)}
_OTHER_COUNTRIES = ("IT", "HU", "SI", "CZ", "SK", "FR", "NL", "GB", "US", "HR")
_TLD = {"AT": "at", "DE": "de", "CH": "ch", "LI": "li"}
_FREEMAIL: tuple[tuple[tuple[str, float], ...], ...] = (
    (("gmx.at", 25), ("aon.at", 12), ("gmail.com", 25), ("a1.net", 8), ("chello.at", 5),
     ("outlook.com", 10), ("icloud.com", 5), ("yahoo.de", 3), ("kabsi.at", 2), ("drei.at", 2)),
    (("gmx.de", 25), ("web.de", 25), ("t-online.de", 15), ("gmail.com", 20), ("outlook.de", 10),
     ("freenet.de", 5)),
    (("bluewin.ch", 30), ("gmx.ch", 20), ("gmail.com", 25), ("hispeed.ch", 10), ("sunrise.ch", 10),
     ("outlook.com", 5)),
)  # fmt: skip
_LEGAL_FORMS: tuple[tuple[tuple[str, float], ...], ...] = (
    (("GmbH", 60), ("OG", 8), ("KG", 8), ("AG", 6), ("e.U.", 8), ("GesmbH", 5), ("GmbH & Co KG", 5)),
    (("GmbH", 55), ("GmbH & Co. KG", 15), ("AG", 8), ("KG", 7), ("e.K.", 5), ("OHG", 3),
     ("UG (haftungsbeschränkt)", 7)),
    (("AG", 55), ("GmbH", 35), ("SA", 5), ("Sàrl", 5)),
)  # fmt: skip
_BRANCHES = (
    "Bau", "Elektrotechnik", "Transporte", "Consulting", "Holding", "Handel", "Immobilien",
    "Installationen", "Software", "Druckerei", "Metallbau", "Steuerberatung", "Tischlerei", "Logistik",
    "Medizintechnik", "Energie", "Versicherungsmakler", "Maschinenbau", "Gastronomie", "Reisen",
)  # fmt: skip


@dataclass(frozen=True)
class DefectRates:
    """Share of rows that get each data-quality defect (0 switches a defect off).

    Rates are per row of the extract, except ``missing_position`` (share of company contacts). Each
    row gets at most one defect, so the shares add up and stay measurable.
    """

    missing_position: float = 0.03  # company contact without position
    title_in_first_name: float = 0.01  # "Dr. Hans"
    postnominal_in_last_name: float = 0.005  # "Müller MBA", "Huber, MSc"
    variant_spelling: float = 0.02  # "Dipl. Ing.", "Mag", "Univ.Prof.", "dr", "DIPL.ING." (titled rows)
    female_title_male_salutation: float = 0.002  # Herr + Mag.a
    unknown_title: float = 0.003  # "Dr.xyz", "Ing.-Mag.", "Fürst"
    ambiguous_title: float = 0.001  # "MR", "KS"
    missing_last_name: float = 0.001
    dr_mult: float = 0.0002  # "Dr. mult."
    superscript_female: float = 0.001  # "Mag.ᵃ", "Dr.ⁱⁿ" (women)
    missing_owner: float = 0.001
    missing_salutation: float = 0.02  # salutation "" (gender unknown unless a gendered title says)
    invalid_email: float = 0.005  # "hans.huber.gmx.at", "hans@@gmx.at", ...

    @classmethod
    def none(cls) -> DefectRates:
        """No defects at all: every record is salutation-ready."""
        return cls(**{f.name: 0.0 for f in dataclasses.fields(cls)})

    def scaled(self, factor: float) -> DefectRates:
        """All rates multiplied by ``factor`` (capped at 1)."""
        return DefectRates(**{k: min(1.0, v * factor) for k, v in dataclasses.asdict(self).items()})


# --- pools ----------------------------------------------------------------------------------------------
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
_NON_SLUG = re.compile(r"[^a-z0-9-]")
_PLAIN_NAME = re.compile(r"^[^\W\d_]+$")


def _slug(text: str) -> str:
    """Lower-case ASCII form of a name for e-mail addresses and domains ("Gößler" -> "goessler")."""
    s = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLIT))
    s = s.encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("", s.replace(" ", ""))


def _owner_emails(owners: np.ndarray) -> np.ndarray:
    mails = {o: f"{o}@{OWNER_EMAIL_DOMAIN}" for o in OWNERS}
    mails[""] = ""
    return _obj([mails.get(o, f"{o}@{OWNER_EMAIL_DOMAIN}") for o in owners])


def _obj(values) -> np.ndarray:
    values = values if isinstance(values, list | tuple | np.ndarray) else list(values)
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


@dataclass(frozen=True)
class _Pools:
    first: tuple[tuple[np.ndarray, np.ndarray], ...]  # [locale][gender f/m]
    first_slug: tuple[tuple[np.ndarray, np.ndarray], ...]
    last: tuple[np.ndarray, ...]  # [locale]
    last_slug: tuple[np.ndarray, ...]
    streets: tuple[np.ndarray, ...]
    companies: tuple[np.ndarray, ...]  # Faker company names per locale
    company_slug: tuple[np.ndarray, ...]


@lru_cache(maxsize=8)
def _pools(seed: int) -> _Pools:
    """Value pools per locale, built once per seed with Faker (a few thousand calls in total)."""
    from faker import Faker

    first, first_slug, last, last_slug, streets, companies, company_slug = [], [], [], [], [], [], []
    for i, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 31 + i)
        person = fake.provider("faker.providers.person")

        def names(values) -> list[str]:
            out = {v for v in values if _PLAIN_NAME.match(v) and v.casefold() not in _NAME_BLOCKLIST}
            return sorted(out)

        fem, mal = names(person.first_names_female), names(person.first_names_male)
        first.append((_obj(fem), _obj(mal)))
        first_slug.append(
            (_obj([_slug(x) or "kontakt" for x in fem]), _obj([_slug(x) or "kontakt" for x in mal]))
        )
        base = names(person.last_names)
        extra = list(_EXTRA_LAST_NAMES) * (3 if locale == "de_AT" else 1)
        last.append(_obj(base + extra))
        last_slug.append(_obj([_slug(x) or "kontakt" for x in base + extra]))
        streets.append(_obj(sorted({fake.street_address() for _ in range(3000)})))
        companies.append(_obj(sorted({fake.company() for _ in range(400)})))
        company_slug.append(_obj([_slug(c.split(" ")[0]) or "firma" for c in companies[-1]]))
    return _Pools(
        tuple(first),
        tuple(first_slug),
        tuple(last),
        tuple(last_slug),
        tuple(streets),
        tuple(companies),
        tuple(company_slug),
    )


def _weights(table) -> np.ndarray:
    w = np.array([row[-1] for row in table], dtype=float)
    return w / w.sum()


def _choose(rng: np.random.Generator, table, size: int) -> np.ndarray:
    return rng.choice(len(table), size=size, p=_weights(table))


def _col(table, i: int) -> np.ndarray:
    return _obj([row[i] for row in table])


# --- generation -----------------------------------------------------------------------------------------
def _build_accounts(
    rng: np.random.Generator, pools: _Pools, li: int, count: int, first_no: int
) -> dict[str, np.ndarray]:
    """``count`` company accounts of locale ``li``: id, name, domain, address, country, owner."""
    last, last_slug = pools.last[li], pools.last_slug[li]
    forms_tab = _LEGAL_FORMS[li]
    i1, i2 = rng.integers(0, len(last), count), rng.integers(0, len(last), count)
    form = " " + _col(forms_tab, 0)[_choose(rng, forms_tab, count)]
    ib = rng.integers(0, len(_BRANCHES), count)
    branch, branch_slug = _obj(_BRANCHES)[ib], _obj([_slug(x) for x in _BRANCHES])[ib]
    pattern = rng.choice(5, size=count, p=[0.35, 0.2, 0.25, 0.1, 0.1])
    ic = rng.integers(0, len(pools.companies[li]), count)
    is_li = (rng.random(count) < _P_LI_OF_CH) if li == _CH else np.zeros(count, bool)
    code = np.where(is_li, "LI", ("AT", "DE", "CH")[li]).astype(object)
    postal, city, city_slug = _draw_places(rng, ("AT", "DE", "CH")[li], is_li)
    tld = _obj(["." + _TLD[c] for c in code])
    names = np.empty(count, dtype=object)
    domains = np.empty(count, dtype=object)
    for pat in range(5):
        m = pattern == pat
        a, b, sa, sb = last[i1[m]], last[i2[m]], last_slug[i1[m]], last_slug[i2[m]]
        if pat == 0:
            names[m], domains[m] = a + form[m], sa + tld[m]
        elif pat == 1:
            names[m], domains[m] = a + " & " + b + form[m], sa + "-" + sb + tld[m]
        elif pat == 2:
            names[m], domains[m] = a + " " + branch[m] + form[m], sa + "-" + branch_slug[m] + tld[m]
        elif pat == 3:
            names[m] = city[m] + " " + branch[m] + form[m]
            domains[m] = city_slug[m] + "-" + branch_slug[m] + tld[m]
        else:
            names[m], domains[m] = pools.companies[li][ic[m]], pools.company_slug[li][ic[m]] + tld[m]
    streets = pools.streets[li]
    return {
        "account_id": _obj([f"A{first_no + k:07d}" for k in range(count)]),
        "company": names,
        "domain": domains,
        "street": streets[rng.integers(0, len(streets), count)],
        "postal_code": postal,
        "city": city,
        "country_code": code,
        "owner": _obj(OWNERS)[_owner_draw(rng, count)],
    }


def _draw_places(
    rng: np.random.Generator, home: str, is_li: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Postal codes, cities and city slugs: real pairs of ``home`` (of Liechtenstein where ``is_li``)."""
    postal, city, slug = (np.empty(len(is_li), dtype=object) for _ in range(3))
    for country, m in ((home, ~is_li), ("LI", is_li)):
        places = _PLACES[country]
        idx = rng.integers(0, len(places), int(m.sum()))
        postal[m] = _obj([p for p, _ in places])[idx]
        city[m] = _obj([c for _, c in places])[idx]
        slug[m] = _obj([_slug(c.split("/")[0].split(" ")[0]) for _, c in places])[idx]
    return postal, city, slug


def _owner_draw(rng: np.random.Generator, size: int) -> np.ndarray:
    w = 1.0 / (np.arange(len(OWNERS)) + 3.0)
    return rng.choice(len(OWNERS), size=size, p=w / w.sum())


def _contact_ids(numbers: np.ndarray) -> np.ndarray:
    width = max(7, len(str(int(numbers.max())))) if len(numbers) else 7
    return _obj([f"C{k:0{width}d}" for k in numbers.tolist()])


def _timestamps(rng: np.random.Generator, night: dt.date, size: int, *, max_days: float) -> np.ndarray:
    """ISO timestamps (seconds) on the days before ``night``, mostly in office hours."""
    days = np.minimum(rng.exponential(max_days / 4, size), max_days).astype(np.int64) + 1
    secs = rng.integers(7 * 3600, 19 * 3600, size)
    day_str = np.datetime_as_string(
        np.datetime64(night, "D") - np.arange(int(days.max(initial=1)) + 1).astype("timedelta64[D]")
    ).astype(object)
    return day_str[days] + _seconds_of_day()[secs]


@lru_cache(maxsize=1)
def _seconds_of_day() -> np.ndarray:
    return _obj([f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)])


def _generate(
    n: int,
    seed: int,
    night: dt.date,
    defects: DefectRates,
    first_number: int = 1,
    draw_seed: list[int] | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Columns (object arrays) and defect row indices of ``n`` contacts.

    ``seed`` selects the value pools; ``draw_seed`` (default ``[seed]``) the draws from them.
    """
    pools = _pools(seed)
    draw_seed = [seed] if draw_seed is None else draw_seed
    rng = np.random.default_rng([*draw_seed, 0])

    loc = rng.choice(3, size=n, p=_LOCALE_SHARES)
    u = rng.random(n)
    gender = np.where(u < _P_DIVERS, _D, np.where(u < _P_DIVERS + (1 - _P_DIVERS) / 2, _F, _M))
    name_gender = np.where(gender == _D, rng.integers(0, 2, n), gender)

    # names
    first = np.empty(n, dtype=object)
    first_slug = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    last_slug = np.empty(n, dtype=object)
    for li in range(3):
        for gi in (_F, _M):
            m = (loc == li) & (name_gender == gi)
            idx = rng.integers(0, len(pools.first[li][gi]), int(m.sum()))
            first[m] = pools.first[li][gi][idx]
            first_slug[m] = pools.first_slug[li][gi][idx]
        m = loc == li
        idx = rng.integers(0, len(pools.last[li]), int(m.sum()))
        last[m] = pools.last[li][idx]
        last_slug[m] = pools.last_slug[li][idx]
    particle = rng.random(n) < 0.02
    idx = rng.integers(0, len(_PARTICLE_NAMES), int(particle.sum()))
    last[particle] = _obj(_PARTICLE_NAMES)[idx]
    last_slug[particle] = _obj([_slug(x) for x in _PARTICLE_NAMES])[idx]
    double = ~particle & (rng.random(n) < np.where(gender == _F, 0.09, 0.02))
    rows = np.flatnonzero(double)
    idx = rng.integers(0, len(pools.last[_AT]), len(rows))
    ok = last[rows] != pools.last[_AT][idx]  # "Huber-Huber" is no double name
    rows, idx = rows[ok], idx[ok]
    last[rows] = last[rows] + "-" + pools.last[_AT][idx]
    last_slug[rows] = last_slug[rows] + "-" + pools.last_slug[_AT][idx]

    # salutation
    salutation = _obj(["Frau", "Herr", "Divers"])[gender]
    eng = (loc != _AT) & (gender != _D) & (rng.random(n) < _P_ENGLISH_SALUTATION)
    salutation[eng] = np.where(gender[eng] == _F, "Ms.", "Mr.")

    # company contacts, accounts and addresses
    is_company = rng.random(n) < _P_COMPANY
    cols = {
        k: np.full(n, "", dtype=object) for k in ("account_id", "company", "street", "postal_code", "city")
    }
    country_code = np.full(n, "", dtype=object)
    domain = np.full(n, "", dtype=object)
    owner = np.full(n, "", dtype=object)
    account_no = first_number
    for li in range(3):
        cm = (loc == li) & is_company
        k = int(cm.sum())
        if k:
            n_acc = max(1, math.ceil(k / 4))
            acc = _build_accounts(rng, pools, li, n_acc, account_no)
            account_no += n_acc
            pick = np.minimum((n_acc * rng.random(k) ** 1.6).astype(np.int64), n_acc - 1)
            for key in ("account_id", "company", "street", "postal_code", "city"):
                cols[key][cm] = acc[key][pick]
            country_code[cm] = acc["country_code"][pick]
            domain[cm] = acc["domain"][pick]
            owner[cm] = acc["owner"][pick]
        pm = (loc == li) & ~is_company
        k = int(pm.sum())
        if k:
            cols["street"][pm] = pools.streets[li][rng.integers(0, len(pools.streets[li]), k)]
            is_li = (rng.random(k) < _P_LI_OF_CH) if li == _CH else np.zeros(k, bool)
            cols["postal_code"][pm], cols["city"][pm], _ = _draw_places(rng, ("AT", "DE", "CH")[li], is_li)
            country_code[pm] = np.where(is_li, "LI", ("AT", "DE", "CH")[li])
            mail = _FREEMAIL[li]
            domain[pm] = _col(mail, 0)[_choose(rng, mail, k)]
            owner[pm] = _obj(OWNERS)[_owner_draw(rng, k)]
    country = country_code.copy()
    r = rng.random(n)
    for code, (name, share) in _COUNTRY_NAMES.items():
        country[(country_code == code) & (r < share)] = name
    other = rng.random(n) < _P_OTHER_COUNTRY
    country[other] = _obj(_OTHER_COUNTRIES)[rng.integers(0, len(_OTHER_COUNTRIES), int(other.sum()))]

    # titles
    titled = rng.random(n) < _TITLE_RATE[loc]
    kind = rng.choice(3, size=n, p=_TITLE_KIND)
    has_pre, has_post = titled & (kind < 2), titled & (kind > 0)
    pre = np.full(n, "", dtype=object)
    post = np.full(n, "", dtype=object)
    female_form = (gender == _F) & (rng.random(n) < _P_FEMALE_FORM_AT)
    for table, m in ((_PRE_AT, has_pre & (loc == _AT)), (_PRE_DECH, has_pre & (loc != _AT))):
        idx = _choose(rng, table, int(m.sum()))
        pre[m] = np.where(female_form[m], _col(table, 1)[idx], _col(table, 0)[idx])
    post[has_post] = _col(_POST, 0)[_choose(rng, _POST, int(has_post.sum()))]

    # positions (company contacts only), in the person's gender
    position = np.full(n, "", dtype=object)
    idx = _choose(rng, _POSITIONS, int(is_company.sum()))
    position[is_company] = np.where(
        gender[is_company] == _F, _col(_POSITIONS, 1)[idx], _col(_POSITIONS, 0)[idx]
    )
    primar = np.isin(position, ["Primar", "Primaria"]) & (pre == "")
    pre[primar] = np.where(female_form[primar] & (loc[primar] == _AT), "Dr.in", "Dr.")

    # e-mail from the names
    pattern = rng.choice(4, size=n, p=[0.6, 0.2, 0.1, 0.1])
    with_number = ~is_company & (rng.random(n) < 0.25)
    number = rng.integers(1, 100, n)
    email = np.empty(n, dtype=object)
    for pat in range(4):
        m = pattern == pat
        f, s = first_slug[m], last_slug[m]
        if pat == 0:
            email[m] = f + "." + s
        elif pat == 1:
            email[m] = _obj([x[:1] for x in f]) + "." + s
        elif pat == 2:
            email[m] = f + s
        else:
            email[m] = s + "." + f
    email[with_number] = email[with_number] + _obj([str(k) for k in range(100)])[number[with_number]]
    email = email + "@" + domain
    email[rng.random(n) < _P_EMPTY_EMAIL] = ""

    flags = _obj(["false", "true"])
    columns: dict[str, np.ndarray] = {
        "contact_id": _contact_ids(np.arange(first_number, first_number + n)),
        "salutation": salutation,
        "first_name": first,
        "last_name": last,
        "position": position,
        "company": cols["company"],
        "account_id": cols["account_id"],
        "email": email,
        "street": cols["street"],
        "postal_code": cols["postal_code"],
        "city": cols["city"],
        "country": country,
        "owner": owner,
        "email_opt_out": flags[(rng.random(n) < _P_OPT_OUT).astype(np.int8)],
        "do_not_contact": flags[(rng.random(n) < _P_DO_NOT_CONTACT).astype(np.int8)],
        "modified_at": _timestamps(rng, night, n, max_days=1500),
    }
    labels = _apply_defects(
        np.random.default_rng([*draw_seed, 1]), columns, pre, post, gender, is_company, defects
    )
    both = (pre != "") & (post != "")
    title = np.where(pre == "", post, pre)
    title[both] = pre[both] + " " + post[both]
    columns["title"] = title
    columns["owner_email"] = _owner_emails(columns["owner"])
    return columns, labels


def _corrupt_email(email: str, how: int) -> str:
    local, _, domain = email.partition("@")
    if how == 0:
        return f"{local}.{domain}"  # no @
    if how == 1:
        return f"{local}@@{domain}"
    if how == 2:
        return f"{local}@{domain.rsplit('.', 1)[0]}"  # no top-level domain
    if how == 3:
        return f"{local} @{domain}"
    return f"{local}@{domain}."


def _apply_defects(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    pre: np.ndarray,
    post: np.ndarray,
    gender: np.ndarray,
    is_company: np.ndarray,
    rates: DefectRates,
) -> dict[str, np.ndarray]:
    """Put the configured defects into the columns in place; returns the row indices per defect."""
    n = len(pre)
    taken = np.zeros(n, dtype=bool)
    labels: dict[str, np.ndarray] = {}

    def pick(name: str, eligible: np.ndarray, base: int | None = None) -> np.ndarray:
        rate = getattr(rates, name)
        cand = np.flatnonzero(eligible & ~taken)
        k = min(int(rng.binomial(n if base is None else base, rate)) if rate > 0 else 0, len(cand))
        idx = np.sort(rng.choice(cand, size=k, replace=False)) if k else np.empty(0, dtype=np.int64)
        taken[idx] = True
        labels[name] = idx
        return idx

    def draw(values: tuple[str, ...], k: int) -> np.ndarray:
        return _obj(values)[rng.integers(0, len(values), k)]

    first, last, sal = cols["first_name"], cols["last_name"], cols["salutation"]
    everyone = np.ones(n, dtype=bool)
    titled = (pre != "") | (post != "")

    idx = pick("missing_position", is_company & (cols["position"] != ""), base=int(is_company.sum()))
    cols["position"][idx] = ""

    idx = pick("title_in_first_name", first != "")
    moved = np.where(pre[idx] != "", pre[idx], draw(_NAME_FIELD_TITLES, len(idx)))
    first[idx] = _obj(f"{t} {f}" for t, f in zip(moved, first[idx], strict=True))
    pre[idx] = ""

    idx = pick("postnominal_in_last_name", last != "")
    moved = np.where(post[idx] != "", post[idx], draw(("MBA", "MSc", "BA", "BSc", "PhD"), len(idx)))
    comma = rng.random(len(idx)) < 0.5
    last[idx] = _obj(
        f"{s}, {t}" if c else f"{s} {t}" for s, t, c in zip(last[idx], moved, comma, strict=True)
    )
    post[idx] = ""

    idx = pick("variant_spelling", titled)
    on_post = (post[idx] != "") & ((pre[idx] == "") | (rng.random(len(idx)) < 0.2))
    pre[idx[~on_post]] = draw(_VARIANT_PRE, int((~on_post).sum()))
    post[idx[on_post]] = draw(_VARIANT_POST, int(on_post.sum()))

    idx = pick("female_title_male_salutation", sal == "Herr")
    pre[idx] = draw(_FEMALE_TITLES, len(idx))

    idx = pick("unknown_title", everyone)
    pre[idx] = draw(_UNKNOWN_TITLES, len(idx))

    idx = pick("ambiguous_title", everyone)
    pre[idx] = draw(_AMBIGUOUS_TITLES, len(idx))

    idx = pick("missing_last_name", everyone)
    last[idx] = ""

    idx = pick("dr_mult", everyone)
    pre[idx] = "Dr. mult."

    idx = pick("superscript_female", (gender == _F) & (sal == "Frau"))
    pre[idx] = draw(_SUPERSCRIPT_TITLES, len(idx))

    idx = pick("missing_owner", everyone)
    cols["owner"][idx] = ""

    idx = pick("missing_salutation", everyone)
    sal[idx] = ""

    idx = pick("invalid_email", cols["email"] != "")
    how = rng.integers(0, 5, len(idx))
    cols["email"][idx] = _obj(_corrupt_email(e, h) for e, h in zip(cols["email"][idx], how, strict=True))
    return labels


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.array(columns[c], dtype="str") for c in CANONICAL_COLUMNS})


def generate_contacts_with_labels(
    n: int,
    *,
    seed: int = 42,
    night: dt.date | None = None,
    defects: DefectRates | None = None,
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Like :func:`generate_contacts`, plus the contact ids that got each defect (by field name)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    columns, labels = _generate(n, seed, night or DEFAULT_NIGHT, defects or DefectRates())
    ids = columns["contact_id"]
    return _frame(columns), {k: ids[v].tolist() for k, v in labels.items()}


def generate_contacts(
    n: int,
    *,
    seed: int = 42,
    night: dt.date | None = None,
    defects: DefectRates | None = None,
) -> pd.DataFrame:
    """A nightly CRM extract of ``n`` contacts: exactly CANONICAL_COLUMNS, all ``str`` ("" when empty).

    The same ``seed`` gives the same population (ids "C0000001"...); ``night`` only moves the
    ``modified_at`` timestamps (all before midnight of that night). ``defects`` defaults to
    ``DefectRates()``; pass ``DefectRates.none()`` for a clean extract.
    """
    return generate_contacts_with_labels(n, seed=seed, night=night, defects=defects)[0]


def clean_contacts(n: int, seed: int = 42, *, night: dt.date | None = None) -> pd.DataFrame:
    """An extract without any defect: every record salutation-ready, every gate passes."""
    return generate_contacts(n, seed=seed, night=night, defects=DefectRates.none())


# --- the next night -------------------------------------------------------------------------------------


def next_night(
    previous: pd.DataFrame,
    *,
    seed: int,
    night: dt.date,
    churn: float = 0.01,
    lose_titles: float = 0.0,
    lose_positions: float = 0.0,
    drop_title_column: bool = False,
    defects: DefectRates | None = None,
) -> pd.DataFrame:
    """The following night's extract derived from ``previous``.

    - ``churn``: share of contacts removed, about the same number added (new ids after the highest
      one), and twice that share edited (e-mail, owner, address, position changed, a title added;
      edits never empty a title or position). ``modified_at`` of edited and added rows falls on the
      day before ``night``.
    - ``lose_titles`` / ``lose_positions``: share of the carried-over contacts with a title / position
      whose title / position is emptied (the loss the gates must catch).
    - ``drop_title_column``: the whole title column is empty ("the export lost the column").
    - ``defects``: defect rates of the added contacts (default: none, so a clean chain stays clean).
    """
    if not 0 <= churn <= 1 or not 0 <= lose_titles <= 1 or not 0 <= lose_positions <= 1:
        raise ValueError("churn, lose_titles and lose_positions must be shares between 0 and 1")
    rng = np.random.default_rng([seed, night.toordinal(), 2])
    df = previous.loc[:, list(CANONICAL_COLUMNS)]
    for c in CANONICAL_COLUMNS:
        if df[c].dtype != "str":
            df[c] = df[c].fillna("").astype("str")
    n_prev = len(df)

    # removed contacts
    n_remove = min(int(rng.binomial(n_prev, churn)) if churn else 0, n_prev)
    keep = np.ones(n_prev, dtype=bool)
    keep[rng.choice(n_prev, size=n_remove, replace=False)] = False
    df = df.iloc[np.flatnonzero(keep)].reset_index(drop=True)
    n = len(df)
    had_title = (df["title"] != "").to_numpy(dtype=bool)
    had_position = (df["position"] != "").to_numpy(dtype=bool)

    def get(column: str, rows: np.ndarray) -> np.ndarray:
        return df[column].take(rows).to_numpy(dtype=object, na_value="")

    def put(column: str, rows: np.ndarray, values) -> None:
        if len(rows):
            df.iloc[rows, df.columns.get_loc(column)] = values

    # edits
    n_edit = min(int(rng.binomial(n, min(1.0, 2 * churn))) if churn else 0, n)
    edited = np.sort(rng.choice(n, size=n_edit, replace=False))
    what = rng.choice(5, size=n_edit, p=[0.3, 0.2, 0.2, 0.2, 0.1])
    for code in range(5):
        rows = edited[what == code]
        if code == 0:  # new e-mail domain
            new_dom = _obj(("gmail.com", "outlook.com", "gmx.at", "icloud.com"))[
                rng.integers(0, 4, len(rows))
            ]
            mails = get("email", rows)
            put(
                "email",
                rows,
                [
                    f"{e.partition('@')[0]}@{d}" if "@" in e else e
                    for e, d in zip(mails, new_dom, strict=True)
                ],
            )
        elif code == 1:  # owner changed
            owners = _obj(OWNERS)[_owner_draw(rng, len(rows))]
            put("owner", rows, owners)
            put("owner_email", rows, _owner_emails(owners))
        elif code == 2:  # moved in the same town (street only: postal code and city stay consistent)
            numbers = rng.integers(1, 200, len(rows))
            put(
                "street",
                rows,
                [
                    f"{s.rsplit(' ', 1)[0]} {k}"
                    for s, k in zip(get("street", rows), numbers.tolist(), strict=True)
                ],
            )
        elif code == 3:  # new position for company contacts that have one
            rows = rows[get("position", rows) != ""]
            female = np.isin(get("salutation", rows), ["Frau", "Ms.", "Mrs."])
            idx = _choose(rng, _POSITIONS, len(rows))
            put("position", rows, np.where(female, _col(_POSITIONS, 1)[idx], _col(_POSITIONS, 0)[idx]))
        else:  # a title earned
            rows = rows[get("title", rows) == ""]
            put("title", rows, _obj(("Mag.", "Dr.", "MSc", "BA", "Ing."))[rng.integers(0, 5, len(rows))])
    put("modified_at", edited, _timestamps(rng, night, n_edit, max_days=0))

    # losses (carried-over contacts that had the value in the previous extract)
    for column, had, share in (("title", had_title, lose_titles), ("position", had_position, lose_positions)):
        if share > 0:
            cand = np.flatnonzero(had)
            lost = np.sort(rng.choice(cand, size=int(round(share * len(cand))), replace=False))
            put(column, lost, "")

    # added contacts
    n_add = int(rng.binomial(n_prev, churn)) if churn else 0
    if n_add:
        numbers = pd.to_numeric(previous["contact_id"].astype("str").str.extract(r"^C(\d+)$", expand=False))
        start = 1 if numbers.isna().all() else int(numbers.max()) + 1
        add, _ = _generate(
            n_add,
            seed,
            night,
            defects or DefectRates.none(),
            first_number=start,
            draw_seed=[seed, night.toordinal(), 3],
        )
        _join_existing_accounts(rng, add, df)
        add["modified_at"] = _timestamps(rng, night, n_add, max_days=0)
        df = pd.concat([df, _frame(add)], ignore_index=True)

    if drop_title_column:
        df["title"] = pd.array(np.full(len(df), "", dtype=object), dtype="str")
    return df


def _join_existing_accounts(rng: np.random.Generator, add: dict[str, np.ndarray], old: pd.DataFrame) -> None:
    """New company contacts join accounts that exist already (account, address, owner, mail domain)."""
    old_rows = np.flatnonzero((old["account_id"] != "").to_numpy(dtype=bool))
    new_rows = np.flatnonzero(add["account_id"] != "")
    if not len(old_rows) or not len(new_rows):
        return
    src = old_rows[rng.integers(0, len(old_rows), len(new_rows))]
    for c in ("account_id", "company", "street", "postal_code", "city", "country", "owner", "owner_email"):
        add[c][new_rows] = old[c].take(src).to_numpy(dtype=object, na_value="")
    domains = [e.partition("@")[2] for e in old["email"].take(src).to_numpy(dtype=object, na_value="")]
    add["email"][new_rows] = _obj(
        [
            f"{e.partition('@')[0]}@{d}" if d and "@" in e else e
            for e, d in zip(add["email"][new_rows], domains, strict=True)
        ]
    )


# --- writing --------------------------------------------------------------------------------------------
def write_extract(
    df: pd.DataFrame,
    path: str | Path,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    line_terminator: str = "\n",
) -> Path:
    """Write ``df`` as a CSV with the canonical header (values quoted); creates parent directories.

    Encodings other than UTF-8 (cp1252, latin-1 from Windows exports) replace characters they cannot
    represent with "?", as real exports do; "utf-8-sig" writes a BOM.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    missing = [c for c in CANONICAL_COLUMNS if c not in df.columns]
    columns = list(CANONICAL_COLUMNS) if not missing else list(df.columns)
    table = pa.table(
        {c: pa.array(df[c].to_numpy(dtype=object, na_value=""), type=pa.string()) for c in columns}
    )
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    chunk = 200_000
    with path.open("wb") as fh:
        if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf8-sig"):
            fh.write("\ufeff".encode())
            utf8 = True
        for start in range(0, max(len(table), 1), chunk):
            buf = io.BytesIO()
            opts = pacsv.WriteOptions(
                include_header=start == 0,
                delimiter=delimiter,
                eol=line_terminator,
                quoting_style="needed",
                quoting_header="none",
            )
            pacsv.write_csv(table.slice(start, chunk), buf, opts)
            data = buf.getvalue()
            fh.write(data if utf8 else data.decode("utf-8").encode(encoding, errors="replace"))
    return path
