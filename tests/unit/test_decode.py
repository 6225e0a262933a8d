import pytest

from service.errors import IngestError
from service.ingest.decode import decode_bytes, repair_mojibake


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"   \n\t  \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 50, "binary"),
    ],
)
def test_unusable_bytes_are_refused_with_a_reason(data: bytes, problem: str) -> None:
    with pytest.raises(IngestError, match=problem):
        decode_bytes(data, "f.txt")


def test_utf8_with_bom_is_read() -> None:
    text, encoding = decode_bytes("\ufeffCafé opens".encode(), "f.txt")
    assert text == "Café opens"
    assert encoding == "utf-8"


def test_legacy_encoding_is_detected() -> None:
    source = "Le café de la gare a rouvert à Genève après deux années de travaux. " * 5
    text, encoding = decode_bytes(source.encode("cp1252"), "f.txt")
    assert "café" in text and "Genève" in text
    assert encoding != "utf-8"


def test_utf16_with_bom_is_read() -> None:
    text, encoding = decode_bytes("Mayor opens a park".encode("utf-16"), "f.txt")
    assert text == "Mayor opens a park"
    assert encoding == "utf-16"


def test_utf8_once_read_as_windows_1252_is_repaired_and_real_accents_are_kept() -> None:
    broken = "Googleâ€™s map â€“ costs Â£5 and â€œworksâ€\x9d in the café."
    assert repair_mojibake(broken) == "Google’s map – costs £5 and “works” in the café."
    assert repair_mojibake("Âge d’or, naïve, São Paulo") == "Âge d’or, naïve, São Paulo"
    text, _ = decode_bytes(broken.encode("utf-8"), "a.txt")
    assert "Google’s" in text


def test_a_closing_quotation_mark_whose_last_byte_was_lost_is_repaired() -> None:
    # "”" is E2 80 9D; Windows-1252 leaves 9D undefined, so a lossy reader wrote U+FFFD in its place
    broken = "â€œI know itâ€™s taboo, but why not?â€\ufffd, Redzepi has said."
    assert repair_mojibake(broken) == "“I know it’s taboo, but why not?”, Redzepi has said."
    text, _ = decode_bytes(broken.encode("utf-8"), "a.txt")
    assert "why not?”," in text
