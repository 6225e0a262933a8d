"""The checker with the real bundled MiniLM and the shipped verifier (the twins of the unit tests' fakes)."""

import hashlib

from service.embeddings.minilm import MiniLMEmbedder
from service.fidelity.calibration import fitted
from service.fidelity.checker import FidelityChecker
from service.fidelity.verifier import MODEL_PATH, CrossEncoderVerifier
from tests.conftest import SEED

ZOPH = (
    "At the same time, reliable sources revealed that Barret Zoph, who was in charge of the post-training team, "
    "has also resigned, and his position was taken over by William (Liam) Fedus."
)


def test_seed_article_verdicts_with_the_word_overlap_checker() -> None:
    checker = FidelityChecker(MiniLMEmbedder())
    source = SEED.read_text()
    good = checker.check(source, "Barret Zoph resigned and his position was taken over by William (Liam) Fedus.")
    assert good.supported, good.claims
    bad = checker.check(source, "Barret Zoph resigned and his position was taken over by Mira Murati.")
    assert not bad.supported and "murati" in bad.unsupported[0].unsupported_words
    invented = checker.check(source, "OpenAI will hire 500 new researchers in Paris next year.")
    assert not invented.supported and "500" in invented.unsupported[0].unsupported_words


def test_the_shipped_verifier_is_intact_and_tells_a_paraphrase_from_a_swap() -> None:
    digest = hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()
    assert MODEL_PATH.with_suffix(".onnx.sha256").read_text().split()[0] == digest
    verifier = CrossEncoderVerifier()
    paraphrase, swap = verifier.probabilities(
        [(ZOPH, "William (Liam) Fedus replaced Barret Zoph."), (ZOPH, "Barret Zoph replaced William (Liam) Fedus.")]
    )
    assert paraphrase > swap


def test_a_pair_gets_the_same_probability_whatever_is_checked_beside_it() -> None:
    verifier = CrossEncoderVerifier()
    pair = (ZOPH, "William (Liam) Fedus replaced Barret Zoph.")
    alone = verifier.probabilities([pair])[0]
    source = SEED.read_text()
    long_window = (source[:900], "OpenAI lost several of its leading researchers in one week, the article says.")
    beside = verifier.probabilities([pair, long_window, (ZOPH, "Zoph left."), (source[:300], "A claim.")])[0]
    assert beside == alone


def test_the_verifier_checker_supports_the_flagship_paraphrase_and_refuses_inventions() -> None:
    checker = FidelityChecker(MiniLMEmbedder(), CrossEncoderVerifier(), fitted())
    source = SEED.read_text()
    good = checker.check(source, "William (Liam) Fedus replaced Barret Zoph.")
    assert good.supported, good.claims
    assert any("taken over by William (Liam) Fedus" in e.text for e in good.claims[0].evidence)
    assert all(source[e.start : e.end] == e.text for e in good.claims[0].evidence)
    for invented in ("OpenAI will hire 500 new researchers in Paris next year.", "Luke Metz did not leave OpenAI."):
        assert not checker.check(source, invented).supported, invented
    # Known limit (docs/fidelity.md): "Barret Zoph replaced William (Liam) Fedus." still passes.


def test_the_shipped_checker_fails_a_doer_and_receiver_given_the_other_way_round() -> None:
    checker = FidelityChecker(MiniLMEmbedder(), CrossEncoderVerifier(), fitted())
    source = SEED.read_text()
    swapped = checker.check(source, "Zoph's departure is followed by Mira Murati and Bob McGrew.")
    assert not swapped.supported and "other way round" in swapped.claims[0].reason, swapped.claims
    same = checker.check(source, "Zoph's departure follows the departures of Mira Murati and Bob McGrew.")
    assert "other way round" not in same.claims[0].reason, same.claims
