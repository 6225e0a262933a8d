"""Bytes to text: refuse empty and binary input, detect legacy encodings."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from service.errors import IngestError

_PROBE = 64 * 1024
_MAX_CHAOS = 0.2
# UTF-8 bytes once read as Windows-1252 ("Googleâ€™s" for "Google’s"): a lead character, then one or two
# characters that stand for continuation bytes
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,2}"
)
# The same, read by a decoder that replaced the byte Windows-1252 leaves undefined: "â€" and U+FFFD. After
# E2 80 the lost byte is one of 81, 8D, 8F, 90, 9D, and of those only 9D ("”") is punctuation running text uses
# (the others are a space, two invisible joiners and a rare hyphen); "â€�" itself never means anything.
_LOSSY_CLOSING_QUOTE = "\u00e2\u20ac\ufffd"


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Return (text, encoding). Raises IngestError for empty, binary or undecodable input."""
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _finish(data.decode(encoding, errors="strict"), name), encoding
            except UnicodeDecodeError:  # a UTF-16 mark, then an odd byte count or a broken surrogate pair
                raise IngestError(f"{name}: not readable text (it starts like UTF-16 but is not)") from None
    if b"\x00" in data[:_PROBE]:
        raise IngestError(f"{name}: this is a binary file, not text")
    try:
        return _finish(data.decode("utf-8-sig"), name), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[: 4 * _PROBE]).best()
    if best is None or best.chaos > _MAX_CHAOS or best.encoding is None:
        raise IngestError(f"{name}: not readable text (not UTF-8, and no other encoding fits)")
    return _finish(data.decode(best.encoding, errors="replace"), name), best.encoding


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252, sequence by sequence; a sequence that does not decode back to one
    character is left as it is (so "Âge" or "é" written on purpose stay). "â€�", whose last byte was lost,
    is the closing quotation mark."""

    def back(match: re.Match[str]) -> str:
        try:  # cp1252 leaves five bytes undefined; readers pass those through as the same code point
            raw = bytes(b for ch in match.group() for b in (ch.encode("cp1252") if ord(ch) > 0x9F else [ord(ch)]))
            fixed = raw.decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return match.group()
        return fixed if len(fixed) == 1 else match.group()

    if max(text, default="\u0000") < "\u00c2":
        return text
    return _MOJIBAKE.sub(back, text).replace(_LOSSY_CLOSING_QUOTE, "\u201d")


def _finish(text: str, name: str) -> str:
    text = repair_mojibake(text)
    if not text.strip():
        raise IngestError(f"{name}: the file is empty")
    sample = text[:_PROBE]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(sample) // 100):
        raise IngestError(f"{name}: this looks like a binary file, not text")
    return text
