"""Bytes to text: refuse empty and binary input, detect legacy encodings."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from service.errors import IngestError

_PROBE = 64 * 1024
_MAX_CHAOS = 0.2


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


def _finish(text: str, name: str) -> str:
    if not text.strip():
        raise IngestError(f"{name}: the file is empty")
    sample = text[:_PROBE]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(sample) // 100):
        raise IngestError(f"{name}: this looks like a binary file, not text")
    return text
