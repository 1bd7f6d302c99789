"""The one Definitions object, loaded by workspace.yaml and by `[tool.dagster]` in pyproject."""

from governance.config import PROJECT_ROOT, load_config
from governance.defs import build_definitions

defs = build_definitions(load_config(), PROJECT_ROOT)
