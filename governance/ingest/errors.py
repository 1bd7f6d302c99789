"""Errors raised by the ingestion readers and the profile loader."""

from __future__ import annotations


class ExtractError(ValueError):
    """An extract cannot be read at all (missing file, missing required column, empty extract, ...).

    ``file`` names the source (a path or a password-free database address), ``line`` the 1-based physical
    line and ``field`` the source or canonical column, where known.
    """

    def __init__(self, message: str, *, file: str, line: int | None = None, field: str | None = None):
        self.file = str(file)
        self.line = line
        self.field = field
        self.reason = message
        where = self.file
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


class ProfileError(ValueError):
    """A column-mapping profile is invalid, unknown, or no profile matches a header."""
