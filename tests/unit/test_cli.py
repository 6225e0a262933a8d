import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service import app as app_module
from service.cli.app import app, main
from tests.conftest import SEED
from tests.fakes import FakeEmbedder

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fake_embeddings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(app_module, "build_embedder", lambda _settings: FakeEmbedder())
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))


def _run(*args: str) -> int:
    """Run through main() so errors are translated exactly as for a user."""
    import sys

    old = sys.argv
    sys.argv = ["newsdesk", *args]
    try:
        main()
        return 0
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.argv = old


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in (
        "ingest",
        "list",
        "show",
        "delete",
        "search",
        "ask",
        "shell",
        "repair",
        "check",
        "eval",
        "chat",
        "serve",
    ):
        assert command in result.output


@pytest.mark.parametrize(
    "command",
    ["ingest", "list", "show", "delete", "search", "ask", "shell", "repair", "check", "eval", "chat", "serve"],
)
def test_every_command_has_useful_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output.splitlines()) > 5


def test_ingest_list_show_search_delete_round_trip() -> None:
    result = runner.invoke(app, ["ingest", str(SEED)])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    listed = json.loads(runner.invoke(app, ["list", "--json"]).output)
    assert [a["title"] for a in listed] == ["OpenAI brain drain: Luke Metz and Barret Zoph leave"]
    article_id = listed[0]["id"]
    shown = json.loads(runner.invoke(app, ["show", article_id[:6], "--json"]).output)
    assert "Barret Zoph" in shown["text"]
    hits = json.loads(runner.invoke(app, ["search", "Zoph Fedus post-training", "-k", "2", "--json"]).output)
    assert len(hits) == 2 and hits[0]["rank"] == 1
    assert shown["text"][hits[0]["start"] : hits[0]["end"]] == hits[0]["text"]
    assert runner.invoke(app, ["delete", article_id]).exit_code == 0
    assert json.loads(runner.invoke(app, ["list", "--json"]).output) == []


def test_errors_are_one_line_without_a_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code = _run("ingest", str(empty))
    captured = capsys.readouterr()
    assert code == 1
    assert "empty" in captured.out
    assert "Traceback" not in captured.out + captured.err
    code = _run("show", "abcdef12")
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.strip().startswith("error: no article has the id 'abcdef12'")
    assert "Traceback" not in captured.err


def test_partial_failure_exits_2_and_total_failure_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    assert runner.invoke(app, ["ingest", str(bad), str(SEED)]).exit_code == 2
    assert runner.invoke(app, ["ingest", str(bad)]).exit_code == 1


def test_invalid_settings_are_reported_at_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSDESK_CHUNK_SIZE", "-5")
    code = _run("list")
    assert code == 1
    assert "NEWSDESK_CHUNK_SIZE" in capsys.readouterr().err


def test_shell_answers_follow_ups_and_quits(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.llm_fakes import FakeLLM

    runner.invoke(app, ["ingest", str(SEED)])
    fake = FakeLLM(["Barret Zoph was in charge of the post-training team. [1]", "William (Liam) Fedus. [1]"])
    monkeypatch.setattr(app_module.Newsdesk, "llm", property(lambda _self: fake))
    monkeypatch.setenv("NEWSDESK_QA_MIN_COSINE", "0")
    questions = "Who led post-training?\nAnd who replaced him?\n:list\n\n:quit\n"
    result = runner.invoke(app, ["shell"], input=questions)
    assert result.exit_code == 0, result.output
    assert "1 article(s)" in result.output and "William (Liam) Fedus" in result.output
    assert fake.prompts[1][1].content.startswith("Earlier question: Who led post-training?")


def test_ask_prints_the_answer_sources_and_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.llm_fakes import FakeLLM

    runner.invoke(app, ["ingest", str(SEED)])
    fake = FakeLLM(["Zoph's position was taken over by William (Liam) Fedus. [1]"] * 2)
    monkeypatch.setattr(app_module.Newsdesk, "llm", property(lambda _self: fake))
    monkeypatch.setenv("NEWSDESK_QA_MIN_COSINE", "0")
    result = runner.invoke(app, ["ask", "Who took over from Barret Zoph?"])
    assert result.exit_code == 0, result.output
    assert "William (Liam) Fedus" in result.output and "Sources:" in result.output
    as_json = json.loads(runner.invoke(app, ["ask", "Who took over from Barret Zoph?", "--json"]).output)
    assert as_json["citations"] and as_json["citations"][0]["start"] < as_json["citations"][0]["end"]
    assert set(as_json["timings"]) >= {"retrieval_s", "first_token_s", "generation_s"}


def test_a_withheld_reply_is_marked_withdrawn() -> None:
    from service.cli.render import answer_footer
    from service.qa.answer import REFUSAL, Answer

    footer = answer_footer(Answer("q", REFUSAL, True, [], [], None, withheld="The cat is a creature of grace.")).plain
    assert "withdrawn" in footer and f"Answer: {REFUSAL}" in footer


def test_sigterm_stops_a_command_as_ctrl_c_does_and_a_second_one_cannot_cut_the_clean_up_short() -> None:
    import os
    import signal
    import time

    from service.cli.app import _terminated

    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # interrupted by the handler: it runs before the sleep returns
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGTERM)  # ignored now: the clean-up runs to its end
    finally:
        signal.signal(signal.SIGTERM, previous)
