"""A rewrite on the real embedded model: a short paragraph comes back plainer, checked and measured."""

from pathlib import Path

from service.app import Newsdesk
from service.settings import load_settings

PARAGRAPH = (
    "The municipal council of Lyon, after protracted deliberations that extended late into the evening, "
    "ultimately resolved on Tuesday to proceed with the closure of the Pont Wilson bridge, a decision "
    "necessitated by structural deficiencies, with remediation works projected to cost 4 million euros, "
    "according to the mayor, Grégory Doucet."
)


def test_a_paragraph_is_rewritten_plainer_and_checked(tmp_path: Path) -> None:
    desk = Newsdesk(load_settings(data_dir=tmp_path / "data"))
    try:
        result = desk.rewriter.run(PARAGRAPH, "Bridge to close", "plain")
    finally:
        desk.local_server.stop()
    assert result.text and result.is_rewrite, result.text
    assert result.after.grade < result.before.grade, (result.before, result.after)
    assert result.claims >= 1 and len(result.sections) == 1
    for fact in ("4 million", "Doucet", "Tuesday"):
        assert fact in result.text or fact.lower() in [d.lower() for d in result.dropped_facts]
