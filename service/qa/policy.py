"""The Q&A rules that exist because of the model or of the checker, each with its reason and a switch.

Everything else in the pipeline (retrieve, focus, generate, verify, decide) is plumbing. ``newsdesk eval qa
--ablate`` runs a suite once with every rule on and once per rule switched off, so each rule's effect on
accuracy, refusals and faithfulness is measured on the question sets (docs/qa.md). A rule stays only while
it pays on the held-apart questions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

RULES = {
    "second_look": "A small model misses answers in a crowded prompt: when it refuses with several passages, "
    "ask once more with the one passage that matches the question best. The reply goes through the same checks.",
    "echo": "An answer whose every content word is already in the question tells the reader nothing (the small "
    "model's way of not knowing): treat it as a refusal. Yes/no answers are exempt.",
    "repair_citations": "Cite the passage that supports a sentence when the sentence cites none or only "
    "passages that do not support it: the small model leaves most answers uncited and often cites the wrong "
    "number, and a reader should always be able to open the passage behind a sentence.",
    "question_names": "News text gives a name in full once and then short ('… said Woods'), and a reader asks "
    "with the full name: a word of a full name the question gives ('Tiger') is not a name the answer invented "
    "when the passage gives that name short and beside no other name.",
    "withhold": "Withhold an answer none of whose sentences the passages support when it names names or "
    "numbers the passages lack, or cites nothing and mostly uses words the passages lack.",
}


@dataclass(frozen=True)
class QAPolicy:
    second_look: bool = True
    withhold: bool = True
    question_names: bool = True
    echo: bool = True
    repair_citations: bool = True

    def without(self, rule: str) -> QAPolicy:
        if rule not in RULES:
            raise ValueError(f"unknown Q&A rule '{rule}' (rules: {', '.join(RULES)})")
        return dataclasses.replace(self, **{rule: False})
