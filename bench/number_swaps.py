"""Two numbers swapped in a rewritten sentence: what sending a claim whose numbers its evidence gives the other
way round to the judge (``judge_number_order``) catches and costs.

    .venv/bin/python bench/number_swaps.py [--held-apart] [--levels elementary,intermediate]

For each OneStopEnglish article of the `rewrite` suite (with --held-apart: the 14 shipped articles no suite
uses), each sentence of the editors' versions (``--levels``) that holds two numbers in digits which one
sentence of the `advanced` original also holds is checked against those source sentences as a rewrite is
(``kind="rewrite"``): as written (faithful), and with its first two numbers swapped (planted). Prints, for
the fast checker and for the shipped rewrite decision with ``judge_number_order`` off and on, the planted
swaps caught and the faithful sentences flagged; writes bench/results/number_swaps[_held_apart].json.
The suite's articles are where the clearing value was chosen; the held-apart ones measure it.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_result
from bench.rewrite_reference import held_apart_names, suite_names
from service.app import Newsdesk
from service.evals.corpus import load_onestopenglish
from service.fidelity.decision import JudgedDecisions, fitted_decisions
from service.fidelity.judge_stage import JudgeStage
from service.fidelity.number_order import digit_numbers
from service.settings import load_settings
from service.text import sentences

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def swapped(sentence: str) -> str | None:
    """The sentence with its first two different numbers in digits exchanged (None: fewer than two)."""
    found = list(dict.fromkeys(m.group() for m in _DIGITS.finditer(sentence)))
    if len(found) < 2:
        return None
    first, second = found[:2]
    return sentence.replace(first, "\0").replace(second, first).replace("\0", second)


def cases(names: list[str], levels: list[str]) -> list[tuple[str, str, str]]:
    """(source sentences holding both numbers, faithful sentence, planted swap) per usable sentence."""
    settings = load_settings()
    articles = load_onestopenglish(settings.datasets_dir)
    found = []
    for name in names:
        article = articles.get(name)
        if article is None:
            continue
        originals = [s.text for s in sentences(article.advanced)]
        for level in levels:
            for sentence in sentences(getattr(article, level)):
                planted = swapped(sentence.text)
                numbers = digit_numbers(sentence.text)[:2]
                evidence = [s for s in originals if all(n in digit_numbers(s) for n in numbers)]
                if planted and planted != sentence.text and evidence:
                    found.append((" ".join(evidence), sentence.text, planted))
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--held-apart", action="store_true")
    ap.add_argument("--levels", default="elementary,intermediate")
    args = ap.parse_args()
    desk = Newsdesk(load_settings())
    names = held_apart_names(load_onestopenglish(desk.settings.datasets_dir)) if args.held_apart else suite_names()
    items = cases(names, args.levels.split(","))
    fast = desk.checker_judging("off")
    shipped = fitted_decisions()
    stages = {}
    for value in (None, shipped.kinds["rewrite"].judge_number_order):
        rewrite = dataclasses.replace(shipped.kinds["rewrite"], judge_number_order=value)
        stages[str(value)] = JudgeStage(
            desk.claim_judge, JudgedDecisions({**shipped.kinds, "rewrite": rewrite}), "auto"
        )
    figures: dict[str, Any] = {"articles": len(names), "levels": args.levels, "sentences": len(items)}
    for name, column, label in (("planted", 2, False), ("faithful", 1, True)):
        reports = [(item[0], fast.check(item[0], item[column], kind="rewrite")) for item in items]
        figures[f"{name}_fast_supported"] = sum(r.supported for _, r in reports)
        for value, stage in stages.items():
            judged = [(stage.apply(r, source, "rewrite"), r) for source, r in reports]
            figures[f"{name}_judge_number_order_{value}"] = {
                "supported": sum(j.supported for j, _ in judged),
                "judge_calls": sum(j.judged for j, _ in judged),
                "changed": [j.claims[0].text for j, r in judged if j.supported != r.supported],
            }
        wrong = sum(r.supported != label for _, r in reports)
        print(f"{name}: {len(reports)} sentences, the fast checker wrong on {wrong}", flush=True)
        for value in stages:
            f = figures[f"{name}_judge_number_order_{value}"]
            print(
                f"  judge_number_order={value}: supported {f['supported']}, judge calls {f['judge_calls']}", flush=True
            )
    if "local_server" in desk.__dict__:
        desk.local_server.stop()
    write_result("number_swaps_held_apart" if args.held_apart else "number_swaps", figures)


if __name__ == "__main__":
    main()
