from pathlib import Path

import numpy as np

from service.app import Newsdesk
from service.embeddings.minilm import MODEL_ID, MiniLMEmbedder
from service.settings import load_settings
from service.text import sentences
from tests.conftest import SEED


def test_seed_article_search_finds_who_replaced_zoph(real_desk: Newsdesk) -> None:
    report = real_desk.ingest.ingest([str(SEED)])
    assert report.stored == 1
    assert real_desk.embedder.model_id == MODEL_ID
    hits = real_desk.search.search("Who took over from Barret Zoph?", k=3)
    assert "William (Liam) Fedus" in hits[0].chunk.text
    assert hits[0].score > hits[-1].score


def test_the_index_survives_a_new_process(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    Newsdesk(settings).ingest.ingest([str(SEED)])
    reopened = Newsdesk(settings)
    assert [a.chunks for a in reopened.catalog.list()] == [reopened.store.count_chunks()]
    assert "Fedus" in reopened.search.search("Fedus post-training", k=1)[0].chunk.text


def test_chroma_server_mode(chroma_server: str, tmp_path: Path) -> None:
    writer = Newsdesk(load_settings(data_dir=tmp_path / "a", chroma_url=chroma_server))
    writer.ingest.ingest([str(SEED)])
    reader = Newsdesk(load_settings(data_dir=tmp_path / "b", chroma_url=chroma_server))
    assert [a.title for a in reader.catalog.list()] == ["OpenAI brain drain: Luke Metz and Barret Zoph leave"]
    assert "William (Liam) Fedus" in reader.search.search("Who took over from Barret Zoph?", k=1)[0].chunk.text
    assert not (tmp_path / "b" / "chroma").exists()  # nothing was written locally


def test_a_text_gets_the_same_vector_whatever_batch_it_is_embedded_in() -> None:
    # The batch size is a speed setting: an index built with one must be searchable with another.
    texts = [s.text for s in sentences(SEED.read_text())][:12]
    alone = np.array(MiniLMEmbedder(batch_size=1).embed_documents(texts))
    batched = np.array(MiniLMEmbedder(batch_size=32).embed_documents(texts))
    assert np.allclose(alone, batched, atol=1e-4)
