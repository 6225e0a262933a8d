"""Lines where the publisher talks about itself ("The editor of Downcodes will give you an in-depth analysis…",
"Subscribe to our newsletter") are not news: the rewrite drops them and lists them in the report."""

from __future__ import annotations

import re

_PATTERNS = [
    r"\b(editors?|team|staff|writers?) (of|at|from) [\w.-]+ (will|would|is going to|are going to) "
    r"(give|bring|take|show|tell|walk|explain|introduce)\b[^.]*\byou\b",  # the publisher addressing the reader
    r"\b(this|our) (site|website|article|post|column|channel|newsletter) (will|would|is going to)\b",
    r"\bin this (article|post|piece),? (we|I)('ll| will)\b",
    r"\b(subscribe|sign up) (to|for) (our|the) (newsletter|channel|updates)\b",
    r"\bfollow us (on|at)\b",
    r"\bclick (here|the link|below)\b",
    r"\bstay tuned\b",
]
_PROMOTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def is_promotion(sentence: str) -> bool:
    return _PROMOTION.search(sentence) is not None
