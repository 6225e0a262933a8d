"""A rewrite on the real embedded model: a long sentence comes back plainer, checked, aligned and measured."""

from pathlib import Path

from service.app import Newsdesk
from service.settings import load_settings

PARAGRAPH = (
    "The municipal council of Lyon, after protracted deliberations that extended late into the evening, "
    "ultimately resolved on Tuesday to proceed with the closure of the Pont Wilson bridge, a decision "
    "necessitated by structural deficiencies, with remediation works projected to cost 4 million euros, "
    "according to the mayor, Grégory Doucet."
)


def test_a_long_sentence_is_rewritten_plainer_checked_and_aligned(tmp_path: Path) -> None:
    desk = Newsdesk(load_settings(data_dir=tmp_path / "data"))
    try:
        result = desk.rewriter.run(PARAGRAPH, "Bridge to close", "plain")
    finally:
        desk.local_server.stop()
    assert result.text and result.is_rewrite, result.text
    assert result.after.grade < result.before.grade, (result.before, result.after)
    [unit] = result.units
    assert unit.status == "rewritten" and (unit.start, unit.end) == (0, len(PARAGRAPH)), unit
    assert result.claims == len(unit.sentences) >= 1
    for fact in ("4 million", "Doucet", "Tuesday", "Pont Wilson"):  # the unit check demands them exactly
        assert fact in result.text, result.text
