"""Database rows (tuples of Python values) to Arrow columns, one fetched chunk at a time.

Only pyarrow is imported here: the SQLite bulk workers use this module and should start fast.

The first chunk is converted column by column and fixes each column's type; later chunks go through one
``pa.array(rows, type=struct)`` call, which skips the Python transposition of the rows and is about three
times faster. A chunk the struct conversion refuses, or that would be coerced silently (a float in an
integer column), is converted column by column again, so the result does not depend on the path. One
exception, not checked for its cost (a Python pass over every text value): a BLOB in a text column
after the first chunk arrives as text where in the first chunk it makes the column fall back.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa


def plain_arrow_type(kind: pa.DataType) -> bool:
    """Types whose pandas form equals what ``DataFrame.from_records`` infers (others fall back)."""
    return (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_int64(kind)
        or pa.types.is_float64(kind)
        or pa.types.is_boolean(kind)
    )


class ArrowColumns:
    """Collects fetched rows as Arrow arrays per column.

    A column whose values Arrow cannot type alike (mixed SQLite storage classes, dates, decimals) is
    marked as fallback: its values are kept as Python objects and :meth:`fallback_values` returns them,
    so the caller can let pandas infer the column as ``DataFrame.from_records`` would.
    """

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self._parts: list[list] = [[] for _ in self.names]  # Arrow arrays, or tuples once fallback
        self.fallback = [False] * len(self.names)
        self._struct: pa.StructType | None = None
        self._int_fields: list[int] = []
        self.rows = 0

    def add(self, rows: list[tuple]) -> None:
        if not rows:
            return
        self.rows += len(rows)
        if self._struct is not None and self._add_as_struct(rows):
            return
        for i, values in enumerate(zip(*rows, strict=True)):
            if not self.fallback[i]:
                try:
                    array = pa.array(values)
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    array = None
                if array is not None and (pa.types.is_null(array.type) or plain_arrow_type(array.type)):
                    self._parts[i].append(array)
                    continue
                self.fallback[i] = True
                self._parts[i] = [tuple(a.to_pylist()) for a in self._parts[i]]
            self._parts[i].append(values)
        self._struct = self._struct_type()

    def _struct_type(self) -> pa.StructType | None:
        """One Arrow type per column, when every column has a single plain type so far."""
        if any(self.fallback):
            return None
        fields = []
        for name, parts in zip(self.names, self._parts, strict=True):
            kinds = {a.type for a in parts if not pa.types.is_null(a.type)}
            if len(kinds) != 1:
                return None
            fields.append(pa.field(name, kinds.pop()))
        self._int_fields = [i for i, f in enumerate(fields) if pa.types.is_int64(f.type)]
        return pa.struct(fields)

    def _add_as_struct(self, rows: list[tuple]) -> bool:
        # Arrow would store 2.0 in an int64 field as 2 where the column path types the column float64.
        for i in self._int_fields:
            if any(type(row[i]) is float for row in rows):
                return False
        try:
            struct = pa.array(rows, type=self._struct)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return False
        for i, field in enumerate(struct.flatten()):
            self._parts[i].append(field)
        return True

    def arrow_column(self, i: int) -> pa.ChunkedArray | None:
        """Column ``i`` as one typed Arrow column, or None when pandas has to infer it (fallback,
        all NULL, or integers in one chunk and reals in another)."""
        if self.fallback[i]:
            return None
        parts = self._parts[i]
        kinds = {a.type for a in parts if not pa.types.is_null(a.type)}
        if len(kinds) != 1:
            return None
        kind = kinds.pop()
        return pa.chunked_array([a.cast(kind) if pa.types.is_null(a.type) else a for a in parts], type=kind)

    def fallback_values(self, i: int) -> list:
        parts = self._parts[i]
        if not self.fallback[i]:
            parts = [tuple(a.to_pylist()) for a in parts]
        return [v for p in parts for v in p]

    def release(self, i: int) -> None:
        self._parts[i] = []

    def table(self) -> pa.Table | None:
        """All columns as one Arrow table (a column of only NULLs has the null type), or None if a
        column holds values of more than one type."""
        columns = []
        for i in range(len(self.names)):
            column = self.arrow_column(i)
            if column is None:
                if self.fallback[i] or any(not pa.types.is_null(a.type) for a in self._parts[i]):
                    return None
                column = pa.chunked_array(self._parts[i], type=pa.null())
            columns.append(column)
        return pa.table(columns, names=self.names)


def collect(names: Sequence[str], fetchmany, chunk: int) -> ArrowColumns:
    columns = ArrowColumns(names)
    while True:
        rows = fetchmany(chunk)
        if not rows:
            break
        columns.add(rows)
        del rows
    return columns
