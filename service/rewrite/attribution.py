"""Attribution: who says what a sentence reports, which a news rewrite keeps.

A news sentence often reports what someone said, found or believes rather than stating it ("…,” he added.",
"India's wealthiest will quadruple their net worth…, a report says", "according to Allan Clelland"). A rewrite
that drops the reporting clause states the quotation, forecast or finding as the article's own fact, and every
remaining word is still the source's, so neither word overlap nor the judge, reading one output sentence at a
time, sees it. The OneStopEnglish editors keep an attribution in about nine of ten attributed sentences they retell.

The source side is strict, read on the dependency parse: a reporting verb (``REPORTING``) outside quotation marks
with a subject of its own that reports a clause ("a report says [they will…]", "Sleep, she says, is…", "The
wedding was reported [to have cost $80m]"), or "according to". "For, say, a meal", "Suffice to say", "scientists
found new ways" and "the council asked residents to vote" are not attributions. The output side is lenient: any
reporting verb with a subject ("The report notes this.") or an agent ("as reported by Istat"), or "according to",
keeps the attribution.
"""

from __future__ import annotations

from typing import Any

from service.parser import ParserUnavailable, load_parser
from service.rewrite.quotes import said_leniently

REPORTING = (
    "say", "said", "tell", "told", "add", "explain", "warn", "claim", "argu", "insist", "note", "state", "writ",
    "wrote", "report", "suggest", "estimat", "believ", "think", "thought", "predict", "reveal", "admit", "announc",
    "describ", "recall", "repl", "conclud", "enthus", "agree", "acknowledg", "point", "confirm", "deni", "deny",
    "stress", "emphasi", "observ", "remark", "comment", "assert", "maintain", "found", "find", "show", "ask",
)  # fmt: skip  # word beginnings: "says", "warned", "argues", "estimates", "replied"
_SUBJECT = ("nsubj", "nsubjpass")


def attributions(sentence: str, lenient: bool = False) -> list[str]:
    """The sentence's attributions outside its quotation marks, as "subject verb" ("he added", "report says") or
    "according to". ``lenient``: any reporting verb with a subject or an agent counts, clause or not (for an
    output). Without the parser, none: the rule then asks nothing."""
    try:
        doc = load_parser()(sentence)
    except ParserUnavailable:
        return []
    quoted = said_leniently(sentence)
    found = []
    for token in doc:
        if any(a <= token.idx < b for a, b in quoted):
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            found.append("according to")
        elif token.pos_ in ("VERB", "AUX") and token.lower_.startswith(REPORTING):
            subject = next((c for c in token.children if c.dep_ in _SUBJECT), None)
            if subject is not None and (lenient or _reports(token, subject)):
                found.append(f"{subject.text} {token.text}")
            elif lenient and any(c.dep_ == "agent" for c in token.children):
                found.append(f"{token.text} by")
    return found


def _reports(verb: Any, subject: Any) -> bool:
    """The verb reports a clause: a ``ccomp`` ("a report says [they will…]"), an insertion in one ("Sleep, she
    says, is…"), or, said of a passive subject, an ``xcomp`` ("The wedding was reported [to have cost $80m]"). An
    active verb's ``xcomp`` is an order or a purpose, not a report: "The council asked residents to vote.", "He
    pointed to the data to make his case." """
    children = {c.dep_ for c in verb.children}
    return "ccomp" in children or verb.dep_ == "parataxis" or ("xcomp" in children and subject.dep_ == "nsubjpass")


def lost_attribution(sentence: str, output: str) -> list[str]:
    """The sentence's attributions when the output keeps none."""
    said = attributions(sentence)
    return said if said and not attributions(output, lenient=True) else []
