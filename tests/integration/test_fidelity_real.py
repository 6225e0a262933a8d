"""The checker with the real bundled MiniLM (the twin of the unit tests' fake embedder)."""

from service.embeddings.minilm import MiniLMEmbedder
from service.fidelity.checker import FidelityChecker
from tests.conftest import SEED


def test_seed_article_verdicts_with_real_embeddings() -> None:
    checker = FidelityChecker(MiniLMEmbedder())
    source = SEED.read_text()
    good = checker.check(source, "Barret Zoph resigned and his position was taken over by William (Liam) Fedus.")
    assert good.supported, good.claims
    bad = checker.check(source, "Barret Zoph resigned and his position was taken over by Mira Murati.")
    assert not bad.supported and "murati" in bad.unsupported[0].unsupported_words
    invented = checker.check(source, "OpenAI will hire 500 new researchers in Paris next year.")
    assert not invented.supported and "500" in invented.unsupported[0].unsupported_words
