"""The docs against the code, as sqlite-utils' tests/test_docs.py does: every command and
every option that ``--help`` lists is documented in docs/guide/commandes.md under its
command's heading, every ``toolkit`` example of README.md and docs/ parses, the code cites
sections of the product rules that exist, and README.md stays a first page."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from itertools import takewhile
from pathlib import Path

from helpers.register_files import ROOT

from toolkit.cli import build_parser

DOCS = ROOT / "docs"
README = ROOT / "README.md"
REFERENCE = DOCS / "guide" / "commandes.md"
PRODUCT_RULES = DOCS / "product-rules.md"
README_MAX_CHARS = 15_000
# Every page but the product rules, which write commands as synopses with the contract's
# placeholders (`toolkit stats --month AAAA-MM`): those are not examples to run.
EXAMPLE_PAGES = [README, *sorted(page for page in DOCS.rglob("*.md") if page != PRODUCT_RULES)]
HELP_OPTIONS = {"-h", "--help"}  # every command has them: the reference says so once
SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<"}
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
_INLINE = re.compile(r"`(toolkit [^`]+)`")
_HEADING = re.compile(r"^(#+) +(.+?) *$", re.M)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_CITATION = re.compile(r'docs/product-rules\.md,\s+"([^"]+)"')


# --- what the code has, what the docs say ----------------------------------------------------

def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ("toolkit",)
             ) -> dict[str, list[str]]:
    """Each command's heading (``toolkit letters``, ``toolkit rgpd export``) → what its
    ``--help`` lists: option strings, and the metavar of each positional argument. A
    command that only groups sub-commands needs a heading only for options of its own."""
    found: dict[str, list[str]] = {}
    own: list[str] = []
    groups = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            groups = True
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:  # an alias names the same parser again
                    seen.add(id(sub))
                    found.update(commands(sub, (*path, name)))
        elif action.option_strings:
            own += [option for option in action.option_strings if option not in HELP_OPTIONS]
        else:
            own.append(action.metavar or action.dest)
    if own or not groups:
        found[" ".join(path)] = own
    return found


def sections(text: str) -> dict[str, str]:
    """The text under each ``## `` heading, by the heading (backticks dropped)."""
    parts = re.split(r"^## +(.+?) *$", text, flags=re.M)
    return {heading.replace("`", ""): body for heading, body in zip(parts[1::2], parts[2::2],
                                                                      strict=True)}


def mentions(text: str, option: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


def undocumented(reference: str, expected: dict[str, list[str]]) -> list[str]:
    """``toolkit letters --eml`` for each option missing under its command's heading."""
    by_heading = sections(reference)
    return [f"{command} {option}".strip() if command in by_heading else f"{command} (pas de titre)"
            for command, options in expected.items()
            for option in (options if command in by_heading else [""])
            if command not in by_heading or not mentions(by_heading[command], option)]


def stale_headings(reference: str, expected: dict[str, list[str]]) -> list[str]:
    """``## toolkit …`` headings that name no command."""
    return [heading for heading in sections(reference)
            if heading.split(" ")[0] == "toolkit" and heading not in expected]


def toolkit_examples(text: str) -> list[str]:
    """Command lines starting with ``toolkit`` in code blocks, and inline code spans."""
    examples = [line.strip() for block in _FENCE.findall(text) for line in block.splitlines()
                if line.strip().startswith("toolkit ")]
    return examples + _INLINE.findall(_FENCE.sub("", text))


def parse_error(example: str) -> str | None:
    """None when ``build_parser().parse_args`` accepts the example (nothing is run), else
    argparse's message. A comment or what follows a shell operator is not the command's."""
    words = list(takewhile(lambda word: word not in SHELL_OPERATORS,
                           shlex.split(example, comments=True)))
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            build_parser().parse_args(words[1:])
    except SystemExit as stop:  # --help and --version stop with 0 once they have printed
        if stop.code not in (0, None):
            return output.getvalue().strip().splitlines()[-1]
    return None


def example_error(example: str, names: set[str]) -> str | None:
    """As :func:`parse_error`; a command's bare name (`toolkit sent` in a sentence) only has
    to be a command."""
    return None if example.strip() in names else parse_error(example)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def broken_links(page: Path) -> list[str]:
    """Relative links of ``page`` whose file, or whose ``#anchor`` in it, does not exist."""
    broken = []
    for target in _LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        name, _, anchor = target.partition("#")
        linked = (page.parent / name).resolve() if name else page
        if not linked.exists() or (anchor and anchor not in {slug(title) for _, title in
                                       _HEADING.findall(linked.read_text(encoding="utf-8"))}):
            broken.append(target)
    return broken


def unknown_citations(sources: dict[str, str], rules: str) -> list[str]:
    """Citations ``docs/product-rules.md, "Section"`` naming no section of ``rules``; a
    heading may be cited without its parenthesis (``"Deadlines"``)."""
    titles = set()
    for _, title in _HEADING.findall(rules):
        titles |= {title, re.sub(r"\s*\(.*\)$", "", title)}
    return [f"{name}: {cited}" for name, text in sources.items()
            for cited in _CITATION.findall(text) if cited not in titles]


def toolkit_sources() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
            for path in sorted((ROOT / "toolkit").rglob("*.py"))}


# --- the docs as they are --------------------------------------------------------------------

def test_every_command_and_option_is_in_the_reference():
    expected = commands(build_parser())
    assert {"toolkit letters", "toolkit intake", "toolkit"} <= expected.keys()
    reference = REFERENCE.read_text(encoding="utf-8")
    assert undocumented(reference, expected) == []
    assert stale_headings(reference, expected) == []
    assert mentions(reference, "--help")


def test_every_example_in_readme_and_docs_parses():
    names = set(commands(build_parser()))
    examples = {(page.relative_to(ROOT).as_posix(), example) for page in EXAMPLE_PAGES
                for example in toolkit_examples(page.read_text(encoding="utf-8"))}
    assert len(examples) > 50
    assert [(page, example, error) for page, example in sorted(examples)
            if (error := example_error(example, names))] == []


def test_the_code_cites_sections_of_the_product_rules_that_exist():
    sources = toolkit_sources()
    rules = PRODUCT_RULES.read_text(encoding="utf-8")
    assert sum(len(_CITATION.findall(text)) for text in sources.values()) >= 15
    assert unknown_citations(sources, rules) == []
    assert [name for name, text in sources.items() if re.search(r"\bSPEC\b", text)] == []


def test_readme_is_a_first_page_and_every_link_leads_somewhere():
    assert len(README.read_text(encoding="utf-8")) <= README_MAX_CHARS
    assert [(page.name, link) for page in [README, *sorted(DOCS.rglob("*.md"))]
            for link in broken_links(page)] == []


# --- the checks find what they look for --------------------------------------------------------

def test_an_option_left_out_of_the_reference_is_found():
    expected = commands(build_parser())
    reference = REFERENCE.read_text(encoding="utf-8")
    assert undocumented(reference.replace("`--eml`", "eml"), expected) == ["toolkit letters --eml"]
    # Documented under another command's heading only is not documented.
    assert undocumented("## toolkit sent\n`--eml`\n## toolkit letters\n`--type`\n",
                        {"toolkit letters": ["--type", "--eml"]}) == ["toolkit letters --eml"]
    assert undocumented("## toolkit sent\n", {"toolkit demo": ["--dir"]}) == \
        ["toolkit demo (pas de titre)"]
    # `--type` inside `--types` is not `--type`.
    assert undocumented("## toolkit letters\n`--types`\n", {"toolkit letters": ["--type"]}) == \
        ["toolkit letters --type"]
    assert stale_headings("## toolkit envoyer\n", expected) == ["toolkit envoyer"]


def test_a_wrong_example_is_found():
    text = ("Lancez `toolkit letters --tipe accuse` puis :\n\n```sh\n"
            "toolkit stats --month 2026-11   # le mois\ntoolkit status | more\n```\n")
    assert toolkit_examples(text) == ["toolkit stats --month 2026-11   # le mois",
                                      "toolkit status | more", "toolkit letters --tipe accuse"]
    errors = [parse_error(example) for example in toolkit_examples(text)]
    assert errors[:2] == [None, None] and "--tipe accuse" in errors[2]
    assert "lettre" in parse_error("toolkit letters --type lettre")
    assert parse_error("toolkit --version") is None
    names = set(commands(build_parser()))
    assert example_error("toolkit sent", names) is None
    assert example_error("toolkit envoyer", names) is not None
    assert "--month" in example_error("toolkit stats --json", names)


def test_a_citation_of_a_missing_section_is_found():
    rules = "# Rules\n## Deadlines (the rules, decided)\n### Where things live\n"
    sources = {"a.py": 'see docs/product-rules.md, "Deadlines"',
               "b.py": 'docs/product-rules.md,\n    "Where things live"',
               "c.py": 'docs/product-rules.md, "Deadline"'}
    assert unknown_citations(sources, rules) == ["c.py: Deadline"]


def test_a_broken_link_is_found(tmp_path):
    (tmp_path / "guide.md").write_text("# Guide\n## Vérifier le registre\n", encoding="utf-8")
    page = tmp_path / "index.md"
    page.write_text("[a](guide.md) [b](guide.md#vérifier-le-registre) [c](absent.md) "
                    "[d](guide.md#ailleurs) [e](https://exemple.fr)", encoding="utf-8")
    assert broken_links(page) == ["absent.md", "guide.md#ailleurs"]
