"""Reading CRM extracts (CSV files, SQL databases) into the canonical contact model.

Pure Python (no Dagster): the assets in ``governance.defs`` call these functions.
"""

from governance.ingest.csv_reader import read_csv_extract
from governance.ingest.errors import ExtractError, ProfileError
from governance.ingest.extract import Extract
from governance.ingest.profiles import Profile, detect_profile, list_profiles, load_profile
from governance.ingest.sniff import CsvDialect, SniffError, sniff_csv
from governance.ingest.sql_reader import read_sql_extract

__all__ = [
    "CsvDialect",
    "Extract",
    "ExtractError",
    "Profile",
    "ProfileError",
    "SniffError",
    "detect_profile",
    "list_profiles",
    "load_profile",
    "read_csv_extract",
    "read_sql_extract",
    "sniff_csv",
]
