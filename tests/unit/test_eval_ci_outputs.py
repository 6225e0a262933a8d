import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from service import app as app_module
from service.cli.app import app
from service.evals.ci_outputs import compare, junit_xml, markdown_summary
from service.evals.suite import CaseResult, SuiteResult
from service.evals.thresholds import Failure
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder

THRESHOLDS = {"s": {"accuracy": {"min": 0.9}, "false_alarms": {"max": 0.1}}}


def result(accuracy: float, passes: list[bool]) -> SuiteResult:
    cases = [CaseResult(f"case-{n}", ok, {"text": f"<b>case {n}</b>"}) for n, ok in enumerate(passes)]
    return SuiteResult("s", "a suite", {"accuracy": accuracy, "false_alarms": 0.05}, cases, 2.5)


def test_junit_has_a_testcase_per_eval_case_and_per_bound_and_parses() -> None:
    failure = Failure("s", "accuracy", 0.5, ">= 0.9")
    root = ET.fromstring(junit_xml([result(0.5, [True, False])], [failure], THRESHOLDS))
    [suite] = root.findall("testsuite")
    names = [(c.get("classname"), c.get("name"), c.find("failure") is not None) for c in suite.findall("testcase")]
    assert names == [
        ("s", "case-0", False), ("s", "case-1", True),
        ("s.bounds", "accuracy", True), ("s.bounds", "false_alarms", False),
    ]  # fmt: skip
    assert suite.get("tests") == "4" and suite.get("failures") == "2"
    assert "<b>case 1</b>" in suite.findall("testcase")[1].find("failure").text  # type: ignore[union-attr]


def test_a_baseline_gives_changes_flipped_cases_and_drops(tmp_path: Path) -> None:
    baseline = tmp_path / "results.json"
    old = {"suites": [{"name": "s", "metrics": {"accuracy": 0.95, "false_alarms": 0.05},
                       "cases": [{"id": "case-0", "passed": True}, {"id": "case-1", "passed": True}]}]}  # fmt: skip
    baseline.write_text(json.dumps(old))
    now = [result(0.92, [True, False])]
    lenient = compare(now, baseline, THRESHOLDS, max_drop=0.05)
    assert lenient.changes["s"]["accuracy"] == (0.95, 0.92) and lenient.flipped["s"] == [("case-1", False)]
    assert lenient.drops == []
    strict = compare(now, baseline, THRESHOLDS, max_drop=0.02)
    assert strict.drops == ["s: accuracy 0.950 → 0.920 (more than 0.02 worse)"]
    summary = markdown_summary(now, [], strict)
    assert (
        summary.startswith("❌ **newsdesk eval: 1 problem(s)**")
        and "| s | accuracy | 0.950 | 0.920 | -0.030 |" in summary
    )
    assert "`case-1` now fails" in summary


def test_the_eval_command_writes_junit_summary_and_compares(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    evals = tmp_path / "evals"
    (evals / "datasets").mkdir(parents=True)
    shutil.copy(ROOT / "evals/datasets/fidelity-pairs.jsonl", evals / "datasets")
    (evals / "suites").mkdir()
    (evals / "suites" / "pairs.toml").write_text(
        'name = "fidelity-pairs"\ntask = "fidelity-pairs"\ndataset = "../datasets/fidelity-pairs.jsonl"\n'
        "[bounds]\npair_accuracy = { min = 0.0 }\n"
    )
    monkeypatch.setattr(app_module, "build_embedder", lambda _s: FakeEmbedder(dim=256))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSDESK_EVALS_DIR", str(evals))
    first = CliRunner().invoke(app, ["eval", "fidelity-pairs", "--limit", "6", "--report", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    args = ["eval", "fidelity-pairs", "--limit", "6", "--report", str(tmp_path / "b"),
            "--junit", str(tmp_path / "j.xml"), "--summary", str(tmp_path / "s.md"),
            "--baseline", str(tmp_path / "a/results.json"), "--max-drop", "0"]  # fmt: skip
    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0, second.output
    compared = [line for line in second.output.splitlines() if line.startswith("against the baseline")]
    assert compared and compared[0].endswith("0 case(s) flipped") and "accuracy" not in compared[0]
    cases = ET.parse(tmp_path / "j.xml").getroot().findall("testsuite/testcase")
    assert len(cases) == 7  # 6 cases and one bound
    assert (tmp_path / "s.md").read_text().startswith("✅ **newsdesk eval passed**")
