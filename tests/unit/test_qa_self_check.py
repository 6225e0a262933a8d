"""The self_check rule: the model reads its shown answer again in the same conversation, and an answer it does
not confirm is withheld. The fake model's readings are queued; the real twin is tests/integration/test_qa_real.py."""

from collections.abc import Callable

import pytest

from service.app import Newsdesk
from service.prompts import load_prompt
from service.qa.answer import REFUSAL, WITHHELD_UNSUPPORTED
from service.qa.policy import QAPolicy
from service.qa.self_check import SelfCheck
from service.qa.service import NOT_CONFIRMED, QAService
from service.serialize import answer_dict
from service.ui.format_answer import refusal_markdown
from tests.conftest import ROOT, SEED
from tests.fakes import FakeEmbedder
from tests.llm_fakes import FakeLLM

FEDUS = "Zoph's position was taken over by William (Liam) Fedus. [1]"
QUESTION = "Who took over from Barret Zoph as head of post-training?"


@pytest.fixture
def seeded(make_desk: Callable[..., Newsdesk]) -> Newsdesk:
    desk = make_desk(embedder=FakeEmbedder(dim=256))
    desk.ingest.ingest([str(SEED)])
    return desk


def _qa(desk: Newsdesk, llm: FakeLLM, threshold: float = 0.5, policy: QAPolicy | None = None) -> QAService:
    check = SelfCheck(lambda: llm, load_prompt(ROOT / "prompts", "qa-self-check"))  # type: ignore[arg-type,return-value]
    prompt = load_prompt(ROOT / "prompts", "qa-answer")
    return QAService(
        desk.retriever, lambda: llm, desk.checker, prompt, 0.2, 400, policy, check, threshold  # type: ignore[arg-type,return-value]
    )


def test_the_check_continues_the_answers_own_conversation(seeded: Newsdesk) -> None:
    llm = FakeLLM([FEDUS], yes=[0.9])
    answer = _qa(seeded, llm).answer(QUESTION)
    assert not answer.refused and answer.self_check == 0.9 and "self_check_s" in answer.timings
    (asked,) = llm.judged
    system, user, reply, check = asked
    answered = [m.content for m in llm.prompts[0]]
    assert [system["content"], user["content"]] == answered  # the cached prefix, byte for byte
    assert reply == {"role": "assistant", "content": FEDUS}  # the reply as the model wrote it
    assert check["role"] == "user" and "yes or no" in check["content"]


def test_an_answer_the_model_does_not_confirm_is_withheld(seeded: Newsdesk) -> None:
    answer = _qa(seeded, FakeLLM([FEDUS], yes=[0.3])).answer(QUESTION)
    assert answer.refused and answer.text == REFUSAL and "Fedus" in (answer.withheld or "")
    assert answer.withheld_because == NOT_CONFIRMED and answer.self_check == 0.3
    assert NOT_CONFIRMED in refusal_markdown(answer) and WITHHELD_UNSUPPORTED not in refusal_markdown(answer)
    shown = answer_dict(answer)
    assert shown["withheld_because"] == NOT_CONFIRMED and shown["self_check"] == 0.3


def test_after_a_second_look_the_check_reads_the_second_looks_conversation(seeded: Newsdesk) -> None:
    llm = FakeLLM(["The articles don't say.", FEDUS], yes=[0.8])
    answer = _qa(seeded, llm).answer("Who took over Barret Zoph's position?")
    assert not answer.refused
    assert llm.judged[0][1]["content"] == llm.prompts[1][1].content  # the one-passage prompt, not the first


def test_no_check_for_refusals_with_the_rule_off_or_without_a_judgement(seeded: Newsdesk) -> None:
    refused = FakeLLM(["The articles don't say.", "The articles don't say."], yes=[0.9])
    assert _qa(seeded, refused).answer(QUESTION).refused and not refused.judged
    off = FakeLLM([FEDUS], yes=[0.1])
    answer = _qa(seeded, off, policy=QAPolicy(self_check=False)).answer(QUESTION)
    assert not answer.refused and answer.self_check is None and not off.judged
    silent = FakeLLM([FEDUS])  # an endpoint that gives no judgement: the answer stays as the check decided
    answer = _qa(seeded, silent).answer(QUESTION)
    assert not answer.refused and answer.self_check is None and len(silent.judged) == 1

