"""The per-claim judge: the language model asked, one claim at a time, whether the source supports it.

One call per (source, claim) with one output token; P(yes) comes from the first token's log-probabilities
(``yes_probability``). The prompt puts the source first and the claim last, and the claims of one source are
asked one after another, so llama.cpp's prompt cache reads the source once and every further claim pays only
for its own tokens. A source longer than ``max_source_words`` (or than the caller's ``window_words``) is not
read whole: each claim is judged on the window of the source that its words point at (``window_for``), as
MiniCheck chunks long documents. A (source, claim) pair judged before is not asked again (``MEMO_SIZE`` pairs
are remembered): a rewrite's retry repeats most sentences of the attempt it replaces, and a fifth of the judge's
calls in a rewrite were such repeats.
The same code runs on any OpenAI-compatible endpoint that returns log-probabilities.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from service.llm.client import LLM
from service.prompts import Prompt
from service.text import content_words, sentences, stem

MAX_SOURCE_WORDS = 1800  # ~2,500 tokens: with the prompt and claim it fits the embedded model's 4,096
WINDOW_WORDS = 250  # a long source is judged on windows of about this many words
MEMO_SIZE = 4096  # judged (source, claim) pairs remembered, the least recently used forgotten first
_CLIP = 6.0  # logit bound: P(yes) of 0.0025 .. 0.9975


class ClaimJudge:
    def __init__(
        self,
        llm: Callable[[], LLM],
        prompt: Prompt,
        max_source_words: int = MAX_SOURCE_WORDS,
        window_words: int = WINDOW_WORDS,
        memo_size: int = MEMO_SIZE,
    ) -> None:
        self._llm = llm
        self.prompt = prompt
        self.max_source_words = max_source_words
        self.window_words = window_words
        self.memo_size = memo_size  # 0: every reading asks the model (bench/judge_wobble.py reads one pair thrice)
        self._memo: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def probability(self, source: str, claim: str, window_words: int = 0) -> float:
        """P(yes): the source supports the claim. With ``window_words``, the claim is read on its window of
        about that many words; without, on the whole source unless it is longer than the judge reads well."""
        length = len(source.split())
        if window_words and length > window_words:
            source = window_for(source, claim, window_words)
        elif length > self.max_source_words:
            source = window_for(source, claim, self.window_words)
        with self._lock:
            if (source, claim) in self._memo:
                self._memo.move_to_end((source, claim))
                return self._memo[(source, claim)]
        answer, choices = self._llm().first_token_choices(self.prompt.render(source=source, claim=claim))
        p = yes_probability(answer, choices)
        with self._lock:
            self._memo[(source, claim)] = p
            while len(self._memo) > self.memo_size:
                self._memo.popitem(last=False)
        return p

    def probabilities(self, source: str, claims: Sequence[str]) -> list[float]:
        """P(yes) for each claim, asked in order (the source is the shared, cached prefix)."""
        return [self.probability(source, claim) for claim in claims]


def logit(p: float) -> float:
    """The judge's signal for the calibration: log-odds of P(yes), clipped."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    return max(-_CLIP, min(_CLIP, math.log(p / (1 - p))))


def window_for(source: str, claim: str, words: int = WINDOW_WORDS) -> str:
    """The run of whole source sentences of about ``words`` words that holds the most of the claim's content
    words (each counted once), the earliest on a tie."""
    spans = sentences(source)
    if not spans:
        return source[: words * 8]
    wanted = {stem(w) for w in content_words(claim)}
    sizes = [len(s.text.split()) for s in spans]
    best, best_hits = (0, 1), -1
    for first in range(len(spans)):
        last, total = first, 0
        while last < len(spans) and (total < words or last == first):
            total += sizes[last]
            last += 1
        found = set().union(*({stem(w) for w in content_words(s.text)} for s in spans[first:last]))
        hits = len(wanted & found)
        if hits > best_hits:
            best, best_hits = (first, last), hits
        if last == len(spans):
            break
    return source[spans[best[0]].start : spans[best[1] - 1].end]


def yes_probability(answer: str, choices: dict[str, float]) -> float:
    """P(yes) / (P(yes) + P(no)) over the first-token choices; the answer's first word when there are none."""
    yes = sum(p for token, p in choices.items() if token.strip().lower() in ("yes", "y"))
    no = sum(p for token, p in choices.items() if token.strip().lower() in ("no", "n"))
    if yes + no > 0:
        return yes / (yes + no)
    return 1.0 if answer.strip().lower().startswith("y") else 0.0
