"""Suite names → factories, built over a Newsdesk (so only the parts a suite needs are loaded)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from service.evals.suite import Suite

if TYPE_CHECKING:
    from service.app import Newsdesk


OPTIONAL = ("fidelity-frank-judge",)  # not in "every suite": hours on the full split with the local model


def suites(desk: Newsdesk) -> dict[str, Callable[[], Suite]]:
    from service.evals.suites.fidelity import FrankSuite, SyntheticSuite
    from service.evals.suites.pairs import PairsSuite
    from service.evals.suites.qa import EVAL_COLLECTION, QASuite
    from service.evals.suites.rewrite import RewriteSuite

    s = desk.settings
    return {
        "fidelity-synthetic": lambda: SyntheticSuite(
            desk.checker, s.evals_dir / "datasets" / "fidelity-synthetic.jsonl", s.datasets_dir
        ),
        "fidelity-pairs": lambda: PairsSuite(desk.checker, s.evals_dir / "datasets" / "fidelity-pairs.jsonl"),
        "fidelity-frank": lambda: FrankSuite(desk.checker, s.datasets_dir),
        "fidelity-frank-judge": lambda: FrankSuite(desk.checker, s.datasets_dir, judge=desk.judge),
        "qa": lambda: QASuite(
            lambda: desk.with_collection(EVAL_COLLECTION), s.evals_dir / "datasets" / "qa.jsonl", s.datasets_dir
        ),
        "rewrite": lambda: RewriteSuite(desk.rewriter, s.evals_dir / "datasets" / "rewrite.jsonl", s.datasets_dir),
    }
