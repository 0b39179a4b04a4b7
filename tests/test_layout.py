"""The package's layout as docs/developer/architecture.md describes it: pure rules at the
bottom, then the stages in the order data flows through them; no stage imports a later one
and no two modules import each other, lazily or not."""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

import toolkit

PACKAGE = Path(toolkit.__file__).parent
# Lowest first. Base modules (errors, dates, places…) sit below the rules; the command line
# (cli, commands, api) above every stage.
STAGES = ["rules", "register", "letters", "intake", "report", "audit", "privacy"]
TOP = {"cli", "api", "commands", "__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every toolkit module that ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("toolkit"):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("toolkit"))
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: {target for target in imports_of(path) if target in modules and target != name}
            for name, path in modules.items()}


def level(module: str) -> int:
    """-1 for base modules, the stage's index, or len(STAGES) for the command line."""
    parts = module.split(".")
    if len(parts) < 2:
        return -1
    if parts[1] in TOP:
        return len(STAGES)
    return STAGES.index(parts[1]) if parts[1] in STAGES else -1


def test_no_module_imports_a_later_stage():
    upward = sorted((source, target) for source, targets in import_graph().items()
                    for target in targets if level(target) > level(source))
    assert upward == []


def test_no_import_cycle():
    graph = import_graph()
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        for target in sorted(graph[node]):
            if target in trail:
                cycles.append([*trail[trail.index(target):], target])
            elif target not in done:
                visit(target, [*trail, target])
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            visit(start, [start])
    # A package importing its own modules is no cycle ("toolkit.rules" ← "toolkit.rules.x").
    cycles = [cycle for cycle in cycles if not any(
        a.startswith(b + ".") or b.startswith(a + ".") for a, b in pairwise(cycle))]
    assert cycles == []


def test_rules_open_no_file():
    for path in (PACKAGE / "rules").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {node.func.id for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
        attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        assert "open" not in names, path.name
        assert not {"read_bytes", "read_text", "write_bytes", "write_text"} & attributes, \
            path.name


def _parameter_count(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    arguments = function.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return len([name for name in names if name not in ("self", "cls")])


def test_no_function_takes_more_than_six_parameters():
    crowded = sorted(
        (str(path.relative_to(PACKAGE)), node.name, _parameter_count(node))
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and _parameter_count(node) > 6)
    assert crowded == []


STAGE_WORK_MODULES = ("pipeline", "recording", "archive", "notebook", "writeback", "reading")


def api_calls(function: ast.FunctionDef) -> list[str]:
    """The ``api.<name>`` calls a handler makes."""
    return [node.func.attr for node in ast.walk(function)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "api"]


def commands_of(commands) -> list:
    """The commands with a handler: a group (``rgpd``) stands for its sub-commands."""
    return [leaf for command in commands
            for leaf in (commands_of(command.subcommands) if command.subcommands else [command])]


def test_every_command_calls_the_library_through_one_api_function():
    """One way to wire a command: its handler (with the helpers it calls in its module)
    makes one ``toolkit.api`` call per path; the commands import no stage's work directly."""
    from toolkit import api
    from toolkit.cli import COMMAND_MODULES

    for module in COMMAND_MODULES:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        for command in commands_of(module.COMMANDS):
            calls = api_calls(functions[command.handler.__name__])
            helpers = [name for name in functions if name.startswith("_") and any(
                isinstance(node, ast.Name) and node.id == name
                for node in ast.walk(functions[command.handler.__name__]))]
            calls += [call for helper in helpers for call in api_calls(functions[helper])]
            assert calls, f"{command.name} calls no toolkit.api function"
            assert all(hasattr(api, call) for call in calls), (command.name, calls)
        # Option records and display helpers may come from a stage; its work may not.
        stage_work = [f"{node.module}.{alias.name}" for node in ast.walk(tree)
                      if isinstance(node, ast.ImportFrom) and node.module
                      and node.module.split(".")[-1] in STAGE_WORK_MODULES
                      for alias in node.names if alias.name[0].islower()]
        assert stage_work == [], module.__name__
