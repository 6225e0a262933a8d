"""The optional LLM-judge mode of the fidelity checker, with a scripted model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from service.app import Newsdesk
from service.fidelity.judge import LLMJudge, yes_probability
from service.prompts import PromptError, load_prompt
from tests.conftest import ROOT

SOURCE = "The harbour of Saint-Malo reopened on Monday after storm repairs costing 2 million euros."


class ScriptedJudge:
    """Stands in for LLM.first_token_choices: replies in order, records the prompts."""

    def __init__(self, *replies: tuple[str, dict[str, float]]) -> None:
        self.replies = list(replies)
        self.prompts: list[Any] = []

    def first_token_choices(self, messages: Any, top: int = 10) -> tuple[str, dict[str, float]]:
        self.prompts.append(messages)
        return self.replies.pop(0)


@pytest.mark.parametrize(
    ("answer", "choices", "expected"),
    [
        ("yes", {"yes": 0.6, "Yes": 0.2, "no": 0.2}, 0.8),
        ("no", {" no": 0.75, " yes": 0.25, "maybe": 0.5}, 0.25),
        ("Yes.", {}, 1.0),  # a server without log-probabilities: the answer decides
        ("No", {}, 0.0),
        ("Perhaps", {"perhaps": 1.0}, 0.0),
    ],
)
def test_yes_probability(answer: str, choices: dict[str, float], expected: float) -> None:
    assert yes_probability(answer, choices) == pytest.approx(expected)


def test_the_judge_prompt_renders_strictly() -> None:
    prompt = load_prompt(ROOT / "prompts", "fidelity-judge")
    assert (prompt.id, prompt.version) == ("fidelity-judge", 1)
    system, user = prompt.render(source="S", text="T")
    assert "yes or no" in system["content"] and user["content"].startswith("Article:\nS\n\nSummary:\nT")
    with pytest.raises(PromptError):
        prompt.render(source="S")


def test_the_judge_cuts_long_sources_and_combines_with_the_checker(make_desk: Callable[..., Newsdesk]) -> None:
    desk = make_desk()
    llm = ScriptedJudge(("yes", {"yes": 0.9, "no": 0.1}), ("no", {"yes": 0.1, "no": 0.9}))
    judge = LLMJudge(lambda: llm, load_prompt(ROOT / "prompts", "fidelity-judge"), source_words=5)  # type: ignore[arg-type,return-value]
    good = judge.check(desk.checker, SOURCE, "The harbour of Saint-Malo reopened on Monday.")
    assert "Article:\nThe harbour of Saint-Malo reopened\n" in llm.prompts[0][1]["content"]  # first 5 words only
    assert good.judge_yes == pytest.approx(0.9)
    assert good.combined == pytest.approx((0.9 + good.checker.score) / 2) and good.supported
    bad = judge.check(desk.checker, SOURCE, "The harbour of Brest closed on Friday.")
    assert bad.judge_yes == pytest.approx(0.1) and not bad.supported


def test_check_judge_on_the_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    import json

    from typer.testing import CliRunner

    from service import app as app_module
    from service.cli.app import app
    from tests.fakes import FakeEmbedder

    llm = ScriptedJudge(("no", {"yes": 0.05, "no": 0.95}))
    prompt = load_prompt(ROOT / "prompts", "fidelity-judge")
    monkeypatch.setattr(app_module, "build_embedder", lambda _settings: FakeEmbedder())
    monkeypatch.setattr(Newsdesk, "judge", property(lambda self: LLMJudge(lambda: llm, prompt)))  # type: ignore[arg-type,return-value]
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "source.txt").write_text(SOURCE)
    (tmp_path / "text.txt").write_text("The harbour of Saint-Malo reopened on Monday.")
    args = ["check", "--source", str(tmp_path / "source.txt"), "--text", str(tmp_path / "text.txt")]
    result = CliRunner().invoke(app, [*args, "--judge", "--json"])
    data = json.loads(result.output)
    assert data["judge_yes"] == pytest.approx(0.05) and data["judged_supported"] is False
    assert result.exit_code == 1 and len(llm.prompts) == 1
