"""Text as people and exports deliver it, made comparable: shared by the ingest and the title engine."""

from __future__ import annotations

import unicodedata


def strip_invisible(text: str) -> str:
    """Input text in composed form (NFC: a "ü" typed or exported as "u" + combining diaeresis, as macOS
    and some web forms deliver it, is the vocabulary's "ü") and without invisible format characters
    (Unicode category Cf: zero-width space U+200B, BOM U+FEFF, soft hyphen U+00AD, joiners, direction
    marks), before anything is tokenised."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
