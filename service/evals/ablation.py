"""``newsdesk eval qa --ablate``: the Q&A suites once with every rule of ``QAPolicy`` on, then once per rule
switched off, so each rule's effect on accuracy, refusals and faithfulness is measured, not assumed."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from service.errors import InvalidInput
from service.evals.runner import run_suites
from service.evals.suite import Progress
from service.evals.suite_file import SuiteFile
from service.qa.policy import RULES

if TYPE_CHECKING:
    from service.app import Newsdesk

ALL_ON = "(every rule on)"
SHOWN = (
    "accuracy", "refusal_precision", "refusal_recall", "faithfulness", "followup_accuracy", "citation_validity",
    "uncited_share",
)  # fmt: skip


@dataclass(frozen=True)
class AblationRow:
    suite: str
    off: str  # the rule switched off, or ALL_ON
    metrics: dict[str, float]


def ablate(
    desk: Newsdesk, specs: list[SuiteFile], limit: int | None, report_dir: Path, progress: Callable[[str], Progress]
) -> list[AblationRow]:
    qa_specs = [s for s in specs if s.task == "qa"]
    if not qa_specs:
        raise InvalidInput("--ablate switches off Q&A rules: name a Q&A suite (qa, qa-held-apart or your own)")
    rows: list[AblationRow] = []
    for rule in [None, *RULES]:
        variant = desk if rule is None else desk.with_collection(desk.settings.collection, qa_rules_off=[rule])
        label = ALL_ON if rule is None else rule
        results, _, _ = run_suites(variant, qa_specs, limit, report_dir / f"ablate-{rule or 'none'}", progress)
        rows += [AblationRow(r.name, label, {k: r.metrics.get(k, float("nan")) for k in SHOWN}) for r in results]
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "ablation.json").write_text(
        json.dumps([row.__dict__ for row in rows], indent=1, default=str), encoding="utf-8"
    )
    return rows


def deltas(rows: list[AblationRow]) -> list[tuple[str, str, dict[str, tuple[float, float]]]]:
    """Per (suite, rule off): each metric and its change against every rule on (positive = better without)."""
    base = {r.suite: r.metrics for r in rows if r.off == ALL_ON}
    out = []
    for row in rows:
        ref = base[row.suite]
        out.append((row.suite, row.off, {k: (v, v - ref[k]) for k, v in row.metrics.items()}))
    return out
