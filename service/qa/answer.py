"""What a question gets back: the answer, its citations, its verification, its timings."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.fidelity.report import FidelityReport
from service.qa.retriever import Passage

REFUSAL = "The articles don't say."


@dataclass(frozen=True)
class Citation:
    number: int  # as written in the answer: [number]
    passage: Passage


@dataclass(frozen=True)
class Conflict:
    """Two passages disagree on what an answer sentence says."""

    sentence: str  # the answer sentence
    supported_by: int  # passage number (as in citations) that supports it
    disputed_by: int  # passage number of another article that says otherwise
    says: str  # what that passage says instead (its closest sentence)


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str


@dataclass
class Answer:
    question: str
    text: str  # the answer with only valid citation markers
    refused: bool
    citations: list[Citation]
    passages: list[Passage]
    fidelity: FidelityReport | None
    quote_problems: list[str] = field(default_factory=list)  # quotes not found verbatim in the cited passages
    removed_citations: list[int] = field(default_factory=list)  # markers that named no passage
    repaired_citations: int = 0  # sentences given the citation of the passage that supports them
    timings: dict[str, float] = field(default_factory=dict)
    prompt_chars: int = 0
    guarded_passages: int = 0  # passages whose instruction-like sentences were withheld from the model
    withheld: str | None = None  # an uncited answer none of whose sentences the passages support
    conflicts: list[Conflict] = field(default_factory=list)  # passages of other articles that say otherwise
    request_id: str = ""  # ties the answer to its log line

    @classmethod
    def refusal(
        cls, question: str, passages: list[Passage], timings: dict[str, float], withheld: str | None = None,
        removed_citations: list[int] | None = None,
    ) -> Answer:  # fmt: skip
        """ "The articles don't say.", with the passages looked at and, when a draft was held back, the draft."""
        return cls(question, REFUSAL, True, [], passages, None, removed_citations=removed_citations or [],
                   timings=timings, withheld=withheld)  # fmt: skip

    @property
    def unsupported_sentences(self) -> list[str]:
        return [c.text for c in self.fidelity.unsupported] if self.fidelity else []
