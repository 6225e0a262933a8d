import itertools
import json
import random
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service import app as app_module
from service.cli.app import app
from service.errors import ConfigError
from service.evals.metrics import balanced_accuracy, roc_auc
from service.evals.report import highlight, render_html, write_reports
from service.evals.suite import CaseResult, SuiteResult
from service.evals.suite_file import load_suite_file
from service.evals.thresholds import check
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder


def test_balanced_accuracy_weighs_both_classes_equally() -> None:
    labels = [True] * 8 + [False] * 2
    assert balanced_accuracy([True] * 10, labels) == 0.5
    assert balanced_accuracy([True] * 8 + [False, True], labels) == 0.75


def test_roc_auc_matches_the_pairwise_definition() -> None:
    rng = random.Random(1)
    scores = [round(rng.random(), 1) for _ in range(60)]  # many ties
    labels = [rng.random() < 0.4 for _ in range(60)]
    pairs = [(p, n) for p, n in itertools.product(range(60), range(60)) if labels[p] and not labels[n]]
    expected = sum(1.0 if scores[p] > scores[n] else 0.5 if scores[p] == scores[n] else 0.0 for p, n in pairs)
    assert roc_auc(scores, labels) == pytest.approx(expected / len(pairs))


def _result(metrics: dict[str, float]) -> SuiteResult:
    case = CaseResult(
        "c1", False, {"text": "Mayor <script>alert(1)</script> paid 9 million", "note": "<b>x</b>"}, ["9"]
    )
    return SuiteResult("demo", "a demo suite", metrics, [case], 1.0, plots={"a plot": b"\x89PNG fake"})


def test_bounds_fail_on_either_side(tmp_path: Path) -> None:
    path = tmp_path / "demo.toml"
    path.write_text('name = "demo"\ntask = "check"\n[bounds]\nacc = { min = 0.8 }\nerr = { max = 0.1 }\n'
                    "missing = { min = 0 }\n")  # fmt: skip
    bounds = load_suite_file(path).bounds
    failures = check(_result({"acc": 0.7, "err": 0.2}), bounds)
    assert sorted(f.metric for f in failures) == ["acc", "err", "missing"]
    assert "acc = 0.700, needs >= 0.8" in str(failures[0])
    assert check(_result({"acc": 0.9, "err": 0.0, "missing": 1}), bounds) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('task = "check"', "'name' is required"),
        ('name = "x"\ntask = "check"\nthreshold = 1', "unknown key(s) threshold"),
        ('name = "x"\ntask = "check"\n[bounds]\nacc = 0.9', "bounds.acc must be a table"),
        ('name = "x"\ntask = "check"\ndataset = "nowhere.jsonl"', "does not exist"),
        ("name = ", "cannot read the suite file"),
    ],
)
def test_a_bad_suite_file_is_one_clear_error(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(problem)):
        load_suite_file(path)


def test_report_escapes_text_highlights_and_embeds_plots(tmp_path: Path) -> None:
    html = render_html([_result({"acc": 0.5})], [])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>9</mark> million" in html
    assert "data:image/png;base64," in html
    json_path, html_path = write_reports([_result({"acc": float("nan")})], [], tmp_path)
    data = json.loads(json_path.read_text())
    assert data["suites"][0]["metrics"]["acc"] is None and html_path.is_file()


def test_highlight_marks_whole_words_only() -> None:
    assert highlight("Paris and Parisians", ["paris"]) == "<mark>Paris</mark> and Parisians"


def test_eval_cli_exits_1_naming_the_failed_threshold(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    evals = tmp_path / "evals"
    (evals / "datasets").mkdir(parents=True)
    shutil.copy(ROOT / "evals/datasets/fidelity-synthetic.jsonl", evals / "datasets")
    (evals / "suites").mkdir()
    (evals / "suites" / "fidelity-synthetic.toml").write_text(
        'name = "fidelity-synthetic"\ntask = "fidelity-synthetic"\ndataset = "../datasets/fidelity-synthetic.jsonl"\n'
        "[bounds]\npair_accuracy = { min = 1.01 }\n"
    )
    monkeypatch.setattr(app_module, "build_embedder", lambda _s: FakeEmbedder(dim=256))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSDESK_EVALS_DIR", str(evals))
    result = CliRunner().invoke(app, ["eval", "fidelity-synthetic", "--limit", "4", "--report", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "threshold failed" in result.output and "pair_accuracy" in result.output
    assert json.loads((tmp_path / "r/results.json").read_text())["suites"][0]["metrics"]["cases"] == 4
    unknown = CliRunner().invoke(app, ["eval", "no-such-suite"])
    assert unknown.exit_code != 0


def test_check_cli_reports_claims(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(app_module, "build_embedder", lambda _s: FakeEmbedder(dim=256))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    source, text = tmp_path / "s.txt", tmp_path / "t.txt"
    source.write_text("Repairs will cost 4 million euros, the mayor said on Tuesday.")
    text.write_text("Repairs will cost 4 million euros. Repairs will cost 7 million euros.")
    result = CliRunner().invoke(app, ["check", "--source", str(source), "--text", str(text), "--json"])
    assert result.exit_code == 1
    claims = json.loads(result.output)["claims"]
    assert [c["supported"] for c in claims] == [True, False]
    assert claims[1]["unsupported_words"] == ["7"]


def test_an_article_sample_keeps_the_summaries_of_one_article_together() -> None:
    from service.evals.frank import FrankRow, article_sample

    rows = [
        FrankRow(f"{a}:{s}", d, "test", f"article {a}", f"summary {s}", s % 2 == 0)
        for d, articles in (("cnndm", "abc"), ("bbc", "xyz"))
        for a in articles
        for s in range(3)
    ]
    sample = article_sample(rows, 2)
    assert len(sample) == 12 and {r.dataset for r in sample} == {"cnndm", "bbc"}
    for dataset in ("cnndm", "bbc"):
        order = [r.article for r in sample if r.dataset == dataset]
        assert order == sorted(order, key=order.index) and len(set(order)) == 2  # each article's run is adjacent
    limited = article_sample(rows, 2, limit=4)
    assert [r.dataset for r in limited].count("bbc") == 2 and len(limited) == 4


def test_a_suite_with_an_unknown_judge_mode_is_refused(tmp_path: Path) -> None:
    from service.evals.registry import _judge_mode

    path = tmp_path / "suite.toml"
    path.write_text('name = "x"\ntask = "fidelity-frank"\noptions = { judge = "sometimes" }\n')
    spec = load_suite_file(path)
    with pytest.raises(ConfigError, match=r"options\.judge must be auto, always or off"):
        _judge_mode(spec)


def test_each_qa_suite_indexes_its_own_articles() -> None:
    from service.evals.suites.qa import eval_collection
    from service.settings import Settings

    names = [eval_collection(n) for n in ("qa", "qa-held-apart-3", "My suite: Reuters, 2026!", "???")]
    assert len(set(names)) == 4 and names[1] == "eval-qa-qa-held-apart-3"
    for name in names:  # valid collection names, as the settings check them
        assert Settings(collection=name).collection == name
