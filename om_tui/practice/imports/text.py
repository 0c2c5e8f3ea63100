"""A file's bytes as text: UTF-8 (with or without its BOM), UTF-16 with a BOM (Excel's
"Unicode text"), else Latin-1 — Windows exports of older systems. A binary or empty file
is refused in one line."""

from __future__ import annotations

from om_tui.practice.imports.records import ImportFileError

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode(data: bytes) -> tuple[str, str]:
    """(text, the encoding it was read in). Line endings are left to the reader."""
    if not data.strip():
        raise ImportFileError("The file is empty.")
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError(
                "The file says UTF-16 but is not: is it the right file?"
            ) from None
    if b"\x00" in data[:65536]:
        raise ImportFileError("The file is binary, not text: is it the right file?")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"
