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


def test_a_long_sentence_is_rewritten_plainer_or_kept_with_its_reasons(tmp_path: Path) -> None:
    """The sentence comes back either rewritten (plainer, every name, number and date kept, every output
    sentence checked) or as written with the reasons and after the retries, never as an unchecked rewrite.
    (With the hard words named the model may drop "Tuesday"; the unit check then retries or keeps it.)"""
    desk = Newsdesk(load_settings(data_dir=tmp_path / "data"))
    try:
        result = desk.rewriter.run(PARAGRAPH, "Bridge to close", "plain")
    finally:
        desk.local_server.stop()
    [unit] = result.units
    assert (unit.start, unit.end) == (0, len(PARAGRAPH)), unit
    assert unit.status in ("rewritten", "kept original"), unit
    if unit.status == "rewritten":
        assert result.is_rewrite and not result.unsupported, unit
        assert result.after.grade < result.before.grade, (result.before, result.after)
        assert result.claims == len(unit.sentences) >= 1
        for fact in ("4 million", "Doucet", "Tuesday", "Pont Wilson"):  # the unit check demands them exactly
            assert fact in result.text, result.text
    else:
        assert unit.problems and unit.retried, unit
        assert result.text == PARAGRAPH and result.kept_original == 1 and not result.is_rewrite
