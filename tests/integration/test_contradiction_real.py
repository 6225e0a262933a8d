"""The shipped contradiction model, for real (the twin of tests/unit/test_contradiction.py): its readings of
hand-written pairs, and the rewriter's check failing a sentence it reads as contradicted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.app import Newsdesk
from service.fidelity.contradiction import OnnxContradiction
from service.fidelity.decision import fitted_decisions
from service.settings import load_settings

ZOPH = (
    "At the same time, reliable sources revealed that Barret Zoph, who was in charge of the post-training team, "
    "has also resigned, and his position was taken over by William (Liam) Fedus."
)
COUNCIL = "The council voted 7 to 2 on Tuesday to close the library."


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newsdesk]:
    nd = Newsdesk(load_settings(data_dir=tmp_path_factory.mktemp("contradiction") / "data"))
    yield nd
    nd.local_server.stop()


def test_the_model_reads_a_changed_fact_above_the_cut_and_a_plain_retelling_below_it() -> None:
    cut = fitted_decisions().kinds["rewrite"].contradiction
    assert cut is not None
    said = OnnxContradiction()
    faithful = said.logits([(ZOPH, "Barret Zoph has resigned. William (Liam) Fedus took over his job."),
                            (COUNCIL, "The council voted on Tuesday to close the library.")])  # fmt: skip
    changed = said.logits([(ZOPH, "Barret Zoph took over the job of William (Liam) Fedus."),
                           (COUNCIL, "The council voted 9 to 0 on Tuesday to close the library."),
                           (COUNCIL, "The council voted on Tuesday to keep the library open.")])  # fmt: skip
    assert max(faithful) < cut <= min(changed), (faithful, changed)


def test_a_long_premise_or_claim_is_cut_to_the_model_s_length() -> None:
    said = OnnxContradiction()
    readings = said.logits([(COUNCIL * 40, "The library will close."), ("A vote.", "The library will close. " * 60)])
    assert len(readings) == 2 and all(-20 < r < 20 for r in readings)


def test_the_rewriter_s_check_fails_a_sentence_that_gives_the_roles_the_other_way_round(desk: Newsdesk) -> None:
    """The rewriter's own check of a unit against its source sentence fails the swap through the contradiction
    model, before any judge call."""
    from service.rewrite.unit_check import RewritePolicy, check_unit

    result, _ = check_unit(desk.checker, ZOPH, "Barret Zoph took over the position of William (Liam) Fedus.",
                           RewritePolicy())  # fmt: skip
    claim = result.unsupported[0]
    assert claim.decided_by == "contradiction", (claim.reason, claim.features)
