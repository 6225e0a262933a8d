import re
import shlex

import pytest
from typer.testing import CliRunner

from service.cli.app import app
from service.settings_doc import configuration_markdown
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()
CODE = "\n".join(re.findall(r"```(?:bash|sh)\n(.*?)```", README, flags=re.S))


def test_the_configuration_page_is_generated_from_the_settings() -> None:
    assert (ROOT / "docs" / "configuration.md").read_text() == configuration_markdown()


def test_readme_is_a_front_door() -> None:
    assert len(README.splitlines()) <= 200
    for link in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / link).is_file(), link


def _commands() -> list[list[str]]:
    found = []
    for line in CODE.splitlines():
        words = shlex.split(line.split("#", 1)[0].replace("\\", ""))
        while words and "=" in words[0]:  # VAR=value prefixes
            words.pop(0)
        if words and words[0].endswith("newsdesk") and len(words) > 1 and not words[1].startswith("-"):
            found.append(words[1:2] + [w for w in words[2:3] if not w.startswith(("-", '"', ".", "/")) and w.isalpha()])
    return found


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_newsdesk_command_in_the_readme_exists(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    if result.exit_code != 0 and len(command) > 1:  # the second word was an argument, not a subcommand
        result = CliRunner().invoke(app, [command[0], "--help"])
    assert result.exit_code == 0, result.output


def test_every_make_target_and_script_in_the_readme_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"^make ([\w-]+)", CODE, flags=re.M):
        assert re.search(rf"^{re.escape(target)}:", makefile, flags=re.M), target
    for script in re.findall(r"python (\S+\.py)", CODE):
        assert (ROOT / script).is_file(), script


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()
