"""Eval results for CI systems: JUnit XML, a Markdown summary for a pull request, and a comparison with the
results.json of an earlier run (what changed, which cases flipped, and drops larger than allowed)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from service.errors import InvalidInput
from service.evals.suite import SuiteResult
from service.evals.thresholds import Failure

Thresholds = dict[str, dict[str, dict[str, float]]]


def junit_xml(results: list[SuiteResult], failures: list[Failure], thresholds: Thresholds) -> str:
    """One <testsuite> per suite: a <testcase> per eval case and one per bound, so any CI lists failures."""
    root = ET.Element("testsuites", name="newsdesk eval")
    for result in results:
        bounds = thresholds.get(result.name, {})
        suite = ET.SubElement(root, "testsuite", name=result.name, time=f"{result.seconds:.3f}")
        failed = 0
        for case in result.cases:
            node = ET.SubElement(suite, "testcase", classname=result.name, name=case.id)
            if not case.passed:
                failed += 1
                detail = "; ".join(f"{k}: {v}" for k, v in case.fields.items())
                ET.SubElement(node, "failure", message="case failed").text = detail
        for metric, bound in bounds.items():
            node = ET.SubElement(suite, "testcase", classname=f"{result.name}.bounds", name=metric)
            for f in (f for f in failures if f.suite == result.name and f.metric == metric):
                failed += 1
                ET.SubElement(node, "failure", message=str(f)).text = json.dumps(bound)
        suite.set("tests", str(len(result.cases) + len(bounds)))
        suite.set("failures", str(failed))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


@dataclass
class Comparison:
    changes: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)  # suite -> metric -> (old, new)
    flipped: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # suite -> [(case id, passes now)]
    drops: list[str] = field(default_factory=list)  # metrics that moved the wrong way by more than allowed


def compare(results: list[SuiteResult], baseline: Path, thresholds: Thresholds, max_drop: float | None) -> Comparison:
    """Per metric, the old and new value; per suite, the cases whose verdict flipped. A metric with a `min`
    bound should not fall, one with a `max` bound should not rise; with ``max_drop`` a larger move is a drop."""
    try:
        old = {s["name"]: s for s in json.loads(baseline.read_text(encoding="utf-8"))["suites"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"cannot read the baseline {baseline}: {exc}") from None
    out = Comparison()
    for result in results:
        before = old.get(result.name)
        if before is None:
            continue
        out.changes[result.name] = {
            m: (float(before["metrics"][m]), v)
            for m, v in sorted(result.metrics.items())
            if before["metrics"].get(m) is not None and math.isfinite(v)
        }
        was = {c["id"]: c["passed"] for c in before.get("cases", [])}
        out.flipped[result.name] = [(c.id, c.passed) for c in result.cases if c.id in was and was[c.id] != c.passed]
        if max_drop is None:
            continue
        for metric, bound in thresholds.get(result.name, {}).items():
            if metric not in out.changes[result.name]:
                continue
            previous, now = out.changes[result.name][metric]
            worse = previous - now if "min" in bound else now - previous
            if worse > max_drop:
                out.drops.append(f"{result.name}: {metric} {previous:.3f} → {now:.3f} (more than {max_drop:g} worse)")
    return out


def markdown_summary(results: list[SuiteResult], failures: list[Failure], comparison: Comparison | None) -> str:
    """One paragraph and a short table, fit for a pull-request comment."""
    bad = len(failures) + (len(comparison.drops) if comparison else 0)
    head = "✅ **newsdesk eval passed**" if not bad else f"❌ **newsdesk eval: {bad} problem(s)**"
    ran = ", ".join(f"`{r.name}` ({len(r.cases)} cases, {sum(c.passed for c in r.cases)} passed)" for r in results)
    lines = [f"{head}: {ran}.", ""]
    lines += [f"- ✗ {f}" for f in failures] + [f"- ✗ {d}" for d in (comparison.drops if comparison else [])]
    if comparison and comparison.changes:
        lines += ["", "| suite | metric | before | now | change |", "|---|---|---|---|---|"]
        for suite, metrics in comparison.changes.items():
            for metric, (before, now) in metrics.items():
                if abs(now - before) > 1e-9:
                    lines.append(f"| {suite} | {metric} | {before:.3f} | {now:.3f} | {now - before:+.3f} |")
        for suite, flips in comparison.flipped.items():
            if flips:
                listed = ", ".join(f"`{case}` {'now passes' if ok else 'now fails'}" for case, ok in flips[:20])
                lines.append(f"\n{suite}: {len(flips)} case(s) flipped: {listed}")
    return "\n".join(lines).rstrip() + "\n"
