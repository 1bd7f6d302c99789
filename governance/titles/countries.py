"""Countries outside DACH, as CRM users type them: ISO 3166 names in German, English, French and Italian
(pycountry's names and its translations), alpha-3 codes, and the everyday names the standard does not
use ("Tschechien" is in it; "Russland", "England" or "USA" are not). The DACH writings, vehicle codes
and postal prefixes are the parser's own table; this one answers for the rest of the world."""

from __future__ import annotations

import gettext
from functools import cache

# Everyday names and codes that are no ISO 3166 name (casefolded) -> alpha-2.
_EVERYDAY = {
    "russland": "RU",
    "russia": "RU",
    "großbritannien": "GB",
    "grossbritannien": "GB",
    "england": "GB",
    "schottland": "GB",
    "wales": "GB",
    "nordirland": "GB",
    "great britain": "GB",
    "uk": "GB",
    "u.k.": "GB",
    "usa": "US",
    "u.s.a.": "US",
    "vereinigte staaten von amerika": "US",
    "amerika": "US",
    "holland": "NL",
    "weißrussland": "BY",
    "weissrussland": "BY",
    "tschechei": "CZ",
    "südtirol": "IT",
    "kosovo": "XK",  # user-assigned code, used by the EU and in CRM data
    "bosnien-herzegowina": "BA",
    "bosnien herzegowina": "BA",
    "turkey": "TR",  # ISO now writes Türkiye
    "the netherlands": "NL",
    "czech rep.": "CZ",
    "mazedonien": "MK",
    "moldawien": "MD",
    # vehicle codes of the neighbours, as written before a postal code ("I-39100", "H-9400")
    "i": "IT",
    "h": "HU",
    "slo": "SI",
    "ger": "DE",
}

# Codes a country field may hold beyond ISO 3166-1: Kosovo's, as above.
_EXTRA_ALPHA2 = frozenset({"XK"})
_LANGUAGES = ("de", "fr", "it")


@cache
def _names() -> dict[str, str]:
    """Casefolded name or alpha-3 code -> alpha-2, for names that name one country only."""
    import pycountry

    found: dict[str, set[str]] = {}
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]) for lang in _LANGUAGES
    ]
    for country in pycountry.countries:
        found.setdefault(country.alpha_3.casefold(), set()).add(country.alpha_2)
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if not name:
                continue
            for written in {name, *(t.gettext(name) for t in translations)}:
                found.setdefault(" ".join(written.split()).casefold(), set()).add(country.alpha_2)
    names = {key: codes.pop() for key, codes in found.items() if len(codes) == 1}
    names.update(_EVERYDAY)
    return names


@cache
def iso_alpha2_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code, and Kosovo's XK."""
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | _EXTRA_ALPHA2


def world_country_code(key: str) -> str | None:
    """Alpha-2 code of a casefolded, space-normalised country name, alpha-3 or alpha-2 code; None if
    unknown."""
    key = key.rstrip("-").strip() or key  # "CZ-", "I-": the country prefix of a postal code
    found = _names().get(key)
    if found is None and len(key) == 2 and key.upper() in iso_alpha2_codes():
        return key.upper()
    return found
