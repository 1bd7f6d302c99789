"""Tests of governance.sample_data: realistic nightly CRM extracts."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from governance import sample_data as sd
from governance.contact_model import CANONICAL_COLUMNS
from governance.sample_data import (
    DEFAULT_NIGHT,
    OWNERS,
    DefectRates,
    clean_contacts,
    generate_contacts,
    generate_contacts_with_labels,
    next_night,
    write_extract,
)

N = 20_000
TITLES_CSV = Path(__file__).resolve().parent.parent / "governance" / "titles" / "titles.csv"
VALID_SALUTATIONS = {"Herr", "Frau", "Mr.", "Ms.", "Divers"}
EMAIL_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]*@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}$")
MALE_POSITIONS = {m for m, _, _ in sd._POSITIONS}
FEMALE_POSITIONS = {f for _, f, _ in sd._POSITIONS}
POST_NOMINALS = {p for p, _ in sd._POST}


@pytest.fixture(scope="module")
def labelled() -> tuple[pd.DataFrame, dict[str, list[str]]]:
    return generate_contacts_with_labels(N, seed=42)


@pytest.fixture(scope="module")
def df(labelled) -> pd.DataFrame:
    return labelled[0]


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return clean_contacts(N, seed=42)


def _within(count: int, expected: float) -> bool:
    """``count`` is within a generous binomial tolerance of ``expected``."""
    return abs(count - expected) <= 5 * math.sqrt(max(expected, 1)) + 2


# --- vocabulary from titles.csv ---------------------------------------------------------------------------
def _vocab() -> tuple[set[str], set[str]]:
    """(canonical writings, every writing) of titles.csv, case-folded."""
    canonical, everything = set(), set()
    with TITLES_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            female = [v for v in row["female"].split("|") if v]
            canonical.add(row["abbr"].casefold())
            if female:
                canonical.add(female[0].casefold())
            for col in ("abbr", "variants", "female", "diverse"):
                everything |= {v.casefold() for v in row[col].split("|") if v}
    return canonical, everything


def _decomposes(text: str, vocabulary: set[str]) -> bool:
    """``text`` is a sequence of vocabulary entries (longest match first, ending where a word ends:
    "Dr.in PhD" is Dr.in and PhD, not "Dr.in PH" and "D")."""
    entries = sorted(vocabulary, key=len, reverse=True)
    rest = text.casefold().strip()
    while rest:
        for entry in entries:
            if rest.startswith(entry) and rest[len(entry) : len(entry) + 1] in ("", " ", ","):
                rest = rest[len(entry) :].lstrip(" ,")
                break
        else:
            return False
    return True


# --- shape and determinism --------------------------------------------------------------------------------
def test_columns_and_dtypes(df):
    assert tuple(df.columns) == CANONICAL_COLUMNS
    assert len(df) == N
    for c in CANONICAL_COLUMNS:
        assert df[c].dtype == "str", c
        assert not df[c].isna().any(), c


def test_deterministic_for_a_seed():
    a = generate_contacts(3000, seed=7)
    b = generate_contacts(3000, seed=7)
    pd.testing.assert_frame_equal(a, b)
    c = generate_contacts(3000, seed=8)
    assert not a.drop(columns="contact_id").equals(c.drop(columns="contact_id"))


def test_same_population_across_nights():
    a = generate_contacts(3000, seed=7, night=dt.date(2026, 3, 1))
    b = generate_contacts(3000, seed=7, night=dt.date(2026, 3, 2))
    pd.testing.assert_frame_equal(a.drop(columns="modified_at"), b.drop(columns="modified_at"))
    assert (a["modified_at"] < "2026-03-01").all()
    assert (b["modified_at"] < "2026-03-02").all()


def test_defects_do_not_change_the_population(df, clean):
    assert (df["contact_id"] == clean["contact_id"]).all()
    assert (df["account_id"] == clean["account_id"]).all()
    assert (df["city"] == clean["city"]).all()


def test_empty_and_tiny():
    empty = generate_contacts(0)
    assert tuple(empty.columns) == CANONICAL_COLUMNS and len(empty) == 0
    one = generate_contacts(1, seed=3)
    assert len(one) == 1
    with pytest.raises(ValueError):
        generate_contacts(-1)


def test_contact_ids(df):
    assert df["contact_id"].is_unique
    assert df["contact_id"].str.fullmatch(r"C\d{7}").all()
    assert df["contact_id"].iloc[0] == "C0000001"


# --- realistic mix ----------------------------------------------------------------------------------------
def test_title_share(df):
    share = (df["title"] != "").mean()
    assert 0.28 <= share <= 0.36
    assert {"Mag.", "Mag.a", "Dr.", "Dr.in", "DI", "Dipl.-Ing.", "Ing.", "DDr.", "MMag.", "Mag. (FH)"} <= set(
        df["title"]
    )
    titles = set(df["title"])
    for combo in ("Dipl.-Ing. Dr.techn.", "Mag. Dr.", "KommR Ing.", "HR Dr.", "Univ.-Prof. Dr.", "Prof."):
        assert combo in titles, combo
    assert any(t.endswith(" MBA") for t in titles) and {"MBA", "MSc", "BA", "PhD", "LL.M."} <= titles


def test_company_contacts(df):
    company = df["account_id"] != ""
    assert 0.57 <= company.mean() <= 0.63
    assert (company == (df["company"] != "")).all()
    assert (df.loc[~company, "position"] == "").all()
    assert df["account_id"].nunique() < company.sum() / 2  # several contacts per account
    # an account has one name
    assert (df[company].groupby("account_id")["company"].nunique() == 1).all()


def test_positions_are_gendered(clean):
    pos = clean[clean["position"] != ""]
    female = pos["salutation"].isin(["Frau", "Ms."])
    male = pos["salutation"].isin(["Herr", "Mr."])
    assert pos.loc[female, "position"].isin(FEMALE_POSITIONS).all()
    assert pos.loc[male, "position"].isin(MALE_POSITIONS).all()
    assert (pos.loc[female, "position"] == "Geschäftsführerin").any()
    assert {"Geschäftsführer", "Prokurist", "Abteilungsleiter", "Leiter Einkauf", "CEO"} <= set(
        pos["position"]
    )


def test_salutation_mix(df):
    share = df["salutation"].value_counts(normalize=True)
    assert 0.45 <= share["Herr"] + share.get("Mr.", 0) <= 0.55
    assert 0.015 <= share[""] <= 0.025
    assert 0.002 <= share["Divers"] <= 0.009
    assert share["Mr."] > 0 and share["Ms."] > 0
    english = df["salutation"].isin(["Mr.", "Ms."])
    assert not df.loc[english, "country"].isin(["AT", "Österreich"]).any()


def test_female_title_forms_only_for_women(clean):
    female_form = clean["title"].str.contains(r"(?:Mag\.a|Dr\.in|DIin|Ing\.in)", regex=True)
    assert female_form.sum() > 100
    assert clean.loc[female_form, "salutation"].eq("Frau").all()


def test_names(df):
    last = set(df["last_name"])
    assert any(
        " " in x and x.split(" ")[0] in {"Di", "De", "van", "von", "Da", "Dal", "Del", "dos"} for x in last
    )
    assert {"Di Marco", "De Martin", "van der Berg"} & last
    assert any("-" in x for x in last)
    assert any(ch in "".join(last) for ch in "äöüß")
    assert (df["first_name"] != "").all()


def test_emails(df):
    valid = df["email"].str.fullmatch(EMAIL_RE.pattern)
    empty = df["email"] == ""
    assert 0.01 <= empty.mean() <= 0.03
    assert 0.002 <= (~valid & ~empty).mean() <= 0.009
    company = df[(df["account_id"] != "") & valid]
    # company contacts share their account's mail domain
    domains = company["email"].str.split("@").str[1]
    assert (domains.groupby(company["account_id"]).nunique() == 1).mean() > 0.98


def test_owners(df):
    owners = set(df["owner"]) - {""}
    assert owners <= set(OWNERS) and len(owners) == 25
    has_owner = df["owner"] != ""
    assert (df.loc[has_owner, "owner_email"] == df.loc[has_owner, "owner"] + "@crm.example.at").all()
    assert (df.loc[~has_owner, "owner_email"] == "").all()


def test_flags_country_and_timestamps(df):
    for c, share in (("email_opt_out", 0.05), ("do_not_contact", 0.01)):
        assert set(df[c]) == {"true", "false"}
        assert _within(int((df[c] == "true").sum()), share * N)
    country = df["country"].value_counts(normalize=True)
    assert 0.55 <= country["AT"] + country["Österreich"] <= 0.65
    assert 0.22 <= country["DE"] + country.get("Deutschland", 0) <= 0.28
    assert country["LI"] > 0 and country["Österreich"] > 0
    assert set(country.index) - {
        "AT",
        "DE",
        "CH",
        "LI",
        "Österreich",
        "Deutschland",
        "Schweiz",
    }  # a few others
    ts = pd.to_datetime(df["modified_at"], format="%Y-%m-%dT%H:%M:%S")
    assert ts.max() < pd.Timestamp(DEFAULT_NIGHT)
    assert df["postal_code"].str.fullmatch(r"\d{4,5}").all()
    assert (df.loc[df["country"] == "DE", "postal_code"].str.len() == 5).all()


# --- defects ----------------------------------------------------------------------------------------------
def test_defect_shares(df, labelled):
    labels = labelled[1]
    rates = DefectRates()
    assert set(labels) == {f.name for f in dataclasses.fields(DefectRates)}
    n_company = int((df["account_id"] != "").sum())
    for name, ids in labels.items():
        base = n_company if name == "missing_position" else N
        assert _within(len(ids), getattr(rates, name) * base), (name, len(ids))
    all_ids = [i for ids in labels.values() for i in ids]
    assert len(all_ids) == len(set(all_ids)), "a row gets at most one defect"


def test_defects_look_as_described(df, labelled, clean):
    labels = labelled[1]
    rows = df.set_index("contact_id")
    clean_rows = clean.set_index("contact_id")

    def at(name: str) -> pd.DataFrame:
        return rows.loc[labels[name]]

    missing_pos = (df["account_id"] != "") & (df["position"] == "")
    assert missing_pos.sum() == len(labels["missing_position"])
    assert at("title_in_first_name")["first_name"].str.match(r"\S+\.?\s+\S").all()
    ids = labels["title_in_first_name"]
    for typed, name in zip(rows.loc[ids, "first_name"], clean_rows.loc[ids, "first_name"], strict=True):
        assert typed.endswith(" " + name) and typed[: -len(name)].strip(), (typed, name)
    last = at("postnominal_in_last_name")["last_name"]
    assert last.str.contains(r",? (?:MBA|MSc|BA|BSc|PhD|MA|LL\.M\.|MAS|EMBA|BEd|MEd)$").all()
    assert (last.str.contains(", ")).any() and (~last.str.contains(", ")).any()
    fem = at("female_title_male_salutation")
    assert (fem["salutation"] == "Herr").all()
    assert fem["title"].str.match(r"(?:Mag\.a|Dr\.in|DIin|Ing\.in|Dipl\.-Ing\.in|Prof\.in)").all()
    assert at("unknown_title")["title"].str.split(" ").str[0].isin(sd._UNKNOWN_TITLES).all()
    assert at("ambiguous_title")["title"].str.match(r"(?:MR|KS)\b").all()
    assert (at("missing_last_name")["last_name"] == "").all()
    assert (df["last_name"] == "").sum() == len(labels["missing_last_name"])
    assert at("dr_mult")["title"].str.startswith("Dr. mult.").all()
    sup = at("superscript_female")
    assert sup["title"].str.contains("[ᵃⁱⁿ]").all() and (sup["salutation"] == "Frau").all()
    assert (at("missing_owner")[["owner", "owner_email"]] == "").all().all()
    assert (df["owner"] == "").sum() == len(labels["missing_owner"])
    assert (at("missing_salutation")["salutation"] == "").all()
    assert (df["salutation"] == "").sum() == len(labels["missing_salutation"])
    assert not at("invalid_email")["email"].str.fullmatch(EMAIL_RE.pattern).any()
    variants = at("variant_spelling")["title"]
    assert variants.str.contains("|".join(re.escape(v) for v in (*sd._VARIANT_PRE, *sd._VARIANT_POST))).all()
    assert {"Dipl. Ing.", "Mag", "Univ.Prof.", "dr", "DIPL.ING."} & set(variants.str.split(" ").str[0])


def test_defect_rates_are_configurable():
    rates = DefectRates.none()
    assert all(v == 0 for v in dataclasses.asdict(rates).values())
    only = dataclasses.replace(rates, unknown_title=0.05)
    out, labels = generate_contacts_with_labels(5000, seed=1, defects=only)
    assert _within(len(labels["unknown_title"]), 250)
    assert sum(len(v) for k, v in labels.items() if k != "unknown_title") == 0
    assert DefectRates().scaled(2).missing_position == pytest.approx(0.06)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rates.unknown_title = 0.1  # type: ignore[misc]


# --- the clean extract ------------------------------------------------------------------------------------
def _assert_clean(frame: pd.DataFrame) -> None:
    assert frame["salutation"].isin(VALID_SALUTATIONS).all()
    assert (frame["last_name"] != "").all()
    company = frame["account_id"] != ""
    assert (frame.loc[company, "position"] != "").all()
    assert (frame["owner"] != "").all() and (frame["owner_email"] != "").all()
    email = frame["email"]
    assert email[email != ""].str.fullmatch(EMAIL_RE.pattern).all()
    # no titles in the name fields
    first_token = frame["first_name"].str.split(" ").str[0]
    assert not first_token.isin(sd._NAME_FIELD_TITLES).any()
    assert not frame["first_name"].str.contains(r"\.", regex=True).any()
    assert not frame["last_name"].str.contains(",", regex=False).any()
    assert not frame["last_name"].str.split(" ").str[-1].isin(POST_NOMINALS).any()
    # only valid titles: canonical combinations of the generator's vocabulary
    valid = {m for m, _, _ in (*sd._PRE_AT, *sd._PRE_DECH)} | {f for _, f, _ in (*sd._PRE_AT, *sd._PRE_DECH)}
    valid |= {"Dr.in"}  # Primaria
    title = frame["title"]
    post = title.str.extract(
        r"(?:^| )(" + "|".join(re.escape(p) for p in POST_NOMINALS) + r")$", expand=False
    )
    pre = pd.Series(
        [t[: len(t) - len(p)].strip() if isinstance(p, str) else t for t, p in zip(title, post, strict=True)],
        index=title.index,
    )
    assert pre[pre != ""].isin(valid).all(), set(pre[pre != ""]) - valid
    # no female forms with a male salutation
    female_form = title.str.contains(r"(?:Mag\.a|Dr\.in|DIin|Ing\.in|rin\b|Prof\.in|ᵃ|ⁱⁿ)", regex=True)
    assert not (female_form & frame["salutation"].isin(["Herr", "Mr."])).any()


def test_clean_extract_has_no_defects(clean):
    _assert_clean(clean)
    out, labels = generate_contacts_with_labels(N, seed=42, defects=DefectRates.none())
    assert all(len(v) == 0 for v in labels.values())
    pd.testing.assert_frame_equal(out, clean)


def test_clean_titles_are_canonical_writings_of_titles_csv(clean):
    canonical, _ = _vocab()
    for title in set(clean["title"]) - {""}:
        assert _decomposes(title, canonical), title


def test_defect_vocabularies_against_titles_csv():
    canonical, everything = _vocab()
    for v in (*sd._VARIANT_PRE, *sd._VARIANT_POST, *sd._SUPERSCRIPT_TITLES):
        assert _decomposes(v, everything), f"variant not recognisable: {v}"
        assert v.casefold() in everything or not _decomposes(v, canonical), f"variant is canonical: {v}"
    for v in sd._FEMALE_TITLES:
        assert _decomposes(v, canonical), v
    for v in sd._UNKNOWN_TITLES:
        assert not _decomposes(v, everything), f"unknown title is known: {v}"


def test_name_pools_do_not_collide_with_title_words():
    _, everything = _vocab()
    pools = sd._pools(42)
    names = set(sd._PARTICLE_NAMES)
    for li in range(3):
        names |= set(pools.last[li]) | set(pools.first[li][0]) | set(pools.first[li][1])
    assert not {n for n in names if n.casefold() in everything}


# --- next night -------------------------------------------------------------------------------------------
NIGHT2 = DEFAULT_NIGHT + dt.timedelta(days=1)


def test_next_night_keeps_most_contacts(df):
    nxt = next_night(df, seed=42, night=NIGHT2)
    assert tuple(nxt.columns) == CANONICAL_COLUMNS
    assert all(nxt[c].dtype == "str" for c in CANONICAL_COLUMNS)
    assert nxt["contact_id"].is_unique
    kept = df["contact_id"].isin(nxt["contact_id"])
    assert 0.97 <= kept.mean() < 1.0
    assert 0.97 <= len(nxt) / len(df) <= 1.03
    new = nxt[~nxt["contact_id"].isin(df["contact_id"])]
    assert len(new) > 0
    assert new["contact_id"].str.slice(1).astype(int).min() > df["contact_id"].str.slice(1).astype(int).max()
    assert (new["modified_at"].str.slice(0, 10) == str(NIGHT2 - dt.timedelta(days=1))).all()
    # edits happened, and no title or position was lost
    both = df.merge(nxt, on="contact_id", suffixes=("_a", "_b"))
    changed = (both["modified_at_a"] != both["modified_at_b"]).mean()
    assert 0.01 <= changed <= 0.03
    assert not ((both["title_a"] != "") & (both["title_b"] == "")).any()
    assert not ((both["position_a"] != "") & (both["position_b"] == "")).any()
    # new company contacts join existing accounts
    new_company = new[new["account_id"] != ""]
    assert new_company["account_id"].isin(df["account_id"]).all()


def test_next_night_is_deterministic(df):
    a = next_night(df, seed=1, night=NIGHT2, lose_titles=0.1)
    b = next_night(df, seed=1, night=NIGHT2, lose_titles=0.1)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("share", [0.02, 0.2])
def test_lose_titles_empties_the_share_of_titled_contacts(df, share):
    nxt = next_night(df, seed=42, night=NIGHT2, lose_titles=share)
    both = df.merge(nxt, on="contact_id", suffixes=("_a", "_b"))
    titled = both["title_a"] != ""
    lost = titled & (both["title_b"] == "")
    assert lost.sum() / titled.sum() == pytest.approx(share, abs=0.001)
    assert not ((both["position_a"] != "") & (both["position_b"] == "")).any()


def test_lose_positions(df):
    nxt = next_night(df, seed=42, night=NIGHT2, lose_positions=0.1)
    both = df.merge(nxt, on="contact_id", suffixes=("_a", "_b"))
    had = both["position_a"] != ""
    assert (had & (both["position_b"] == "")).sum() / had.sum() == pytest.approx(0.1, abs=0.001)


def test_drop_title_column(df):
    nxt = next_night(df, seed=42, night=NIGHT2, drop_title_column=True)
    assert (nxt["title"] == "").all()
    assert nxt["title"].dtype == "str"
    assert (nxt["last_name"] != "").mean() > 0.99


def test_clean_chain_stays_clean(clean):
    night = DEFAULT_NIGHT
    frame = clean
    for _ in range(3):
        night += dt.timedelta(days=1)
        frame = next_night(frame, seed=42, night=night, churn=0.02)
        _assert_clean(frame)
    assert frame["contact_id"].is_unique


def test_next_night_accepts_an_extract_read_back_from_csv(tmp_path, clean):
    small = clean.head(500)
    path = write_extract(small, tmp_path / "x.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    nxt = next_night(back, seed=3, night=NIGHT2, churn=0.05)
    assert nxt["contact_id"].is_unique and len(nxt) > 400


def test_next_night_rejects_bad_shares(df):
    with pytest.raises(ValueError):
        next_night(df, seed=1, night=NIGHT2, lose_titles=1.5)


# --- writing ----------------------------------------------------------------------------------------------
def test_write_extract_round_trip(tmp_path, df):
    path = write_extract(df, tmp_path / "a" / "b" / "extract.csv")
    assert path.exists()
    with path.open(encoding="utf-8") as fh:
        assert fh.readline().rstrip("\n") == ",".join(CANONICAL_COLUMNS)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back.astype("str"), df, check_dtype=False)


def test_write_extract_windows_dialect(tmp_path, df):
    path = write_extract(df, tmp_path / "w.csv", delimiter=";", encoding="cp1252", line_terminator="\r\n")
    raw = path.read_bytes()
    assert raw.startswith(";".join(CANONICAL_COLUMNS).encode() + b"\r\n")
    raw.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # umlauts are single bytes in cp1252
    back = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    assert len(back) == len(df)
    same = back["last_name"] == df["last_name"]
    assert same.mean() > 0.97
    assert back.loc[~same, "last_name"].str.contains("?", regex=False).all()  # unmappable letters only


def test_write_extract_bom(tmp_path, clean):
    path = write_extract(clean.head(10), tmp_path / "bom.csv", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfcontact_id,")
