import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service import app as app_module
from service.cli.app import app
from tests.conftest import SEED
from tests.fakes import FakeEmbedder

runner = CliRunner()
SOURCE = "The council of Lyon voted on Tuesday to close the Pont Wilson bridge. Repairs will cost 4 million euros."


@pytest.fixture(autouse=True)
def _fake_embeddings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(app_module, "build_embedder", lambda _settings: FakeEmbedder(dim=256))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))


def write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_a_batch_checks_every_pair_with_one_checker_and_reports_each(tmp_path: Path) -> None:
    (tmp_path / "lyon.txt").write_text(SOURCE, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(SEED)]).exit_code == 0
    article = json.loads(runner.invoke(app, ["list", "--json"]).output)[0]["id"]
    pairs = write(tmp_path / "pairs.jsonl", [
        {"id": "inline-good", "source": SOURCE, "text": "Repairs will cost 4 million euros."},
        {"id": "file-bad", "source_file": "lyon.txt", "text": "Repairs will cost 9 million euros."},
        {"id": "article", "article": article[:8], "text": "Barret Zoph was in charge of the post-training team."},
    ])  # fmt: skip
    out = tmp_path / "verdicts.jsonl"
    result = runner.invoke(app, ["check", "--batch", str(pairs), "--jsonl", str(out)])
    assert result.exit_code == 1, result.output  # one text is unsupported
    verdicts = [json.loads(line) for line in out.read_text().splitlines()]
    assert [v["id"] for v in verdicts] == ["inline-good", "file-bad", "article"]
    assert [v["supported"] for v in verdicts] == [True, False, True]
    assert "9" in verdicts[1]["claims"][0]["unsupported_words"]
    evidence = verdicts[0]["claims"][0]["evidence"][0]
    assert SOURCE[evidence["start"] : evidence["end"]] == evidence["text"]
    assert "3 pair(s): 2 supported, 1 unsupported" in result.output and "file-bad" in result.output
    allowed = runner.invoke(app, ["check", "--batch", str(pairs), "--max-unsupported", "0.5", "--json"])
    assert allowed.exit_code == 0 and json.loads(allowed.output)["unsupported_ids"] == ["file-bad"]


def test_bad_lines_are_named_and_the_rest_still_checked(tmp_path: Path) -> None:
    pairs = write(tmp_path / "pairs.jsonl", [
        "{not json", {"text": "No source here."}, {"source": SOURCE, "source_file": "x.txt", "text": "Two."},
        {"source_file": "missing.txt", "text": "Gone."},
        {"source": SOURCE, "text": "Repairs will cost 4 million euros."},
    ])  # fmt: skip
    result = runner.invoke(app, ["check", "--batch", str(pairs), "--jsonl", "-"])
    assert result.exit_code == 2
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    errors = [r["error"] for r in rows if "error" in r]
    assert len(errors) == 4 and "line 1 is not JSON" in errors[0] and "exactly one of" in errors[1]
    assert "cannot read the source file missing.txt" in errors[3]
    assert rows[-1]["supported"] is True


def test_batch_usage_errors_are_one_line(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.jsonl", ["", "  "])
    assert runner.invoke(app, ["check", "--batch", str(empty)]).exit_code != 0
    assert runner.invoke(app, ["check"]).exit_code != 0


def test_a_user_suite_file_runs_like_a_built_in_one(tmp_path: Path) -> None:
    data = tmp_path / "my-evals"
    data.mkdir()
    write(data / "pairs.jsonl", [
        {"id": "ok", "source": SOURCE, "text": "Repairs will cost 4 million euros.", "supported": True},
        {"id": "bad", "source": SOURCE, "text": "Repairs will cost 9 million euros.", "supported": False},
        {"id": "missed", "source": SOURCE, "text": "Repairs will cost 9 million euros.", "supported": True},
    ])  # fmt: skip
    suite = data / "suite.toml"
    suite.write_text(
        'name = "my-summaries"\ntask = "check"\ndataset = "pairs.jsonl"\n'
        "[bounds]\naccuracy = { min = 0.9 }\nerrors = { max = 0 }\n"
    )
    report = tmp_path / "out"
    result = runner.invoke(app, ["eval", str(suite), "--report", str(report), "--junit", str(report / "j.xml")])
    assert result.exit_code == 1 and "my-summaries: accuracy = 0.667, needs >= 0.9" in result.output
    [ran] = json.loads((report / "results.json").read_text())["suites"]
    assert ran["name"] == "my-summaries" and ran["metrics"]["unsupported_rate"] == pytest.approx(2 / 3)
    assert [c["id"] for c in ran["cases"] if not c["passed"]] == ["missed"]
    assert "my-summaries.bounds" in (report / "j.xml").read_text()


def test_a_user_qa_suite_asks_about_the_users_own_article_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.llm_fakes import FakeLLM

    data = tmp_path / "desk-evals"
    (data / "articles").mkdir(parents=True)
    (data / "articles" / "ferry.txt").write_text(
        "Island ferry\n\nThe new ferry to the island will run twice a day from May, the harbour council said.",
        encoding="utf-8",
    )
    write(data / "questions.jsonl", [
        {"id": "when", "kind": "factual", "article": "articles/ferry.txt", "question": "How often will the ferry run?",
         "answer": "twice a day", "accept": ["twice a day"], "evidence": "run twice a day"},
        {"id": "price", "kind": "unanswerable", "question": "How much is a ferry ticket?"},
    ])  # fmt: skip
    (data / "suite.toml").write_text(
        'name = "desk-qa"\ntask = "qa"\ndataset = "questions.jsonl"\n[bounds]\naccuracy = { min = 1.0 }\n'
    )
    fake = FakeLLM(["The ferry will run twice a day from May. [1]", "The articles don't say."])
    monkeypatch.setattr(app_module.Newsdesk, "llm", property(lambda _self: fake))
    monkeypatch.setenv("NEWSDESK_QA_MIN_COSINE", "0")
    report = tmp_path / "out"
    result = runner.invoke(app, ["eval", str(data / "suite.toml"), "--report", str(report)])
    assert result.exit_code == 0, result.output
    [ran] = json.loads((report / "results.json").read_text())["suites"]
    assert ran["name"] == "desk-qa" and ran["metrics"]["accuracy"] == 1.0 and ran["metrics"]["refusal_recall"] == 1.0
    assert 0.0 < ran["metrics"]["verify_p50_s"] < 60.0  # the answer that was checked reports its check time
