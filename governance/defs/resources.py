"""Dagster resources: the warehouse engine, configured by URL."""

import dagster as dg
from pydantic import PrivateAttr

from governance.warehouse import Warehouse


class WarehouseResource(dg.ConfigurableResource):
    """SQLAlchemy warehouse (SQLite by default, PostgreSQL in production)."""

    url: str
    # Arrow hand-off file of the night's staged rows between steps (see Warehouse.read_handoff).
    handoff_dir: str | None = None

    _warehouse: Warehouse | None = PrivateAttr(default=None)

    def get(self) -> Warehouse:
        if self._warehouse is None:
            self._warehouse = Warehouse(self.url, handoff_dir=self.handoff_dir)
        return self._warehouse

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._warehouse is not None:
            self._warehouse.dispose()
