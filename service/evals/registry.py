"""Suites from suite files (evals/suites/*.toml, or a user's own): each names a task, built here over a Newsdesk
(so only the parts a suite needs are loaded). One mechanism for built-in and user suites."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from service.errors import ConfigError, InvalidInput
from service.evals.suite import Suite
from service.evals.suite_file import SuiteFile, builtin_suite_files, load_suite_file
from service.fidelity.decision import JudgeMode

if TYPE_CHECKING:
    from service.app import Newsdesk
    from service.fidelity.checker import FidelityChecker

Factory = Callable[["Newsdesk", SuiteFile], Suite]


def _dataset(spec: SuiteFile) -> Path:
    if spec.dataset is None:
        raise ConfigError(f"{spec.path}: task '{spec.task}' needs a dataset")
    return spec.dataset


def _tasks() -> dict[str, Factory]:
    from service.evals.suites.check import CheckSuite
    from service.evals.suites.conflicts import EVAL_COLLECTION as CONFLICTS_COLLECTION
    from service.evals.suites.conflicts import ConflictSuite
    from service.evals.suites.fidelity import FrankSuite, SyntheticSuite
    from service.evals.suites.pairs import PairsSuite
    from service.evals.suites.qa import QASuite, eval_collection
    from service.evals.suites.rewrite import RewriteSuite

    return {
        "check": lambda d, f: CheckSuite(d.checker, _dataset(f), lambda ref: d.catalog.show(ref).text or ""),
        "fidelity-pairs": lambda d, f: PairsSuite(d.checker, _dataset(f)),
        "fidelity-synthetic": lambda d, f: SyntheticSuite(_checker(d, f), _dataset(f), d.settings.datasets_dir),
        "fidelity-frank": lambda d, f: FrankSuite(
            _checker(d, f),
            _dataset(f),
            articles=f.options.get("articles"),
        ),
        "qa": lambda d, f: QASuite(
            lambda: d.with_collection(eval_collection(f.name)), _dataset(f), d.settings.datasets_dir
        ),
        "qa-conflicts": lambda d, f: ConflictSuite(
            lambda: d.with_collection(CONFLICTS_COLLECTION), _dataset(f), d.settings.datasets_dir
        ),
        "rewrite": lambda d, f: RewriteSuite(d.rewriter, _dataset(f), d.settings.datasets_dir),
    }


def _checker(d: Newsdesk, f: SuiteFile) -> FidelityChecker:
    """The suite's checker: the language model in it as its ``options.judge`` says, else as the settings say."""
    return d.checker_judging(_judge_mode(f)) if "judge" in f.options else d.checker


def _judge_mode(f: SuiteFile) -> JudgeMode:
    mode = f.options["judge"]
    if mode not in ("auto", "always", "off"):
        raise ConfigError(f"{f.path}: options.judge must be auto, always or off, not {mode!r}")
    return cast(JudgeMode, mode)


def suite_files(desk: Newsdesk, named: Sequence[str] = ()) -> list[SuiteFile]:
    """The suites to run: each name is a built-in suite or the path of a suite file; none named = every
    built-in suite that is not optional."""
    builtin = {f.name: f for f in builtin_suite_files(desk.settings.evals_dir)}
    if not named:
        return [f for f in builtin.values() if not f.optional]
    chosen = []
    for name in named:
        if name in builtin:
            chosen.append(builtin[name])
        elif name.endswith(".toml") and Path(name).is_file():
            chosen.append(load_suite_file(Path(name)))
        else:
            raise InvalidInput(f"unknown suite '{name}': use one of {', '.join(builtin)} or a suite file (.toml)")
    return chosen


def build(desk: Newsdesk, spec: SuiteFile) -> Suite:
    tasks = _tasks()
    if spec.task not in tasks:
        raise ConfigError(f"{spec.path}: unknown task '{spec.task}' (use {', '.join(tasks)})")
    suite = tasks[spec.task](desk, spec)
    suite.name, suite.description = spec.name, spec.description or suite.description
    return suite


def builtin_names(desk: Newsdesk) -> list[str]:
    return [f.name for f in builtin_suite_files(desk.settings.evals_dir)]
