from pathlib import Path

import pytest

from service.errors import ConfigError
from service.settings import load_settings


def test_defaults_are_offline_and_local() -> None:
    s = load_settings()
    assert s.data_dir == Path("data")
    assert s.chroma_url is None
    assert s.embeddings == "minilm"
    assert s.allow_private_urls is False
    assert s.chroma_path == Path("data") / "chroma"


def test_environment_prefix_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSDESK_CHUNK_SIZE", "900")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-123")
    s = load_settings()
    assert s.data_dir == tmp_path
    assert s.chunk_size == 900
    assert s.openai_api_key is not None and s.openai_api_key.get_secret_value() == "sk-test-123"
    assert "sk-test-123" not in repr(s)


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("NEWSDESK_COLLECTION=from-dotenv\n")
    assert load_settings().collection == "from-dotenv"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("NEWSDESK_CHUNK_OVERLAP", "600", "chunk_overlap"),
        ("NEWSDESK_CHUNK_SIZE", "ten", "NEWSDESK_CHUNK_SIZE"),
        ("NEWSDESK_EMBEDDINGS", "word2vec", "NEWSDESK_EMBEDDINGS"),
        ("NEWSDESK_CHROMA_URL", "localhost:8000", "NEWSDESK_CHROMA_URL"),
        ("NEWSDESK_COLLECTION", "a b", "NEWSDESK_COLLECTION"),
    ],
)
def test_invalid_settings_give_one_readable_error(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("invalid settings:")
    assert expected in message
    assert "\n" not in message
