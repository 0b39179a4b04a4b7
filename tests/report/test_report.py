"""The monthly report: the notebook executed for real, once per session, through the CLI.

Starting a kernel is the main cost, so the sample register's report is built once and every
check reads that HTML. A second, short execution checks that a failing step is reported.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import pytest
from helpers.register_files import SAMPLE_REGISTER

from toolkit.cli import main
from toolkit.errors import ReportError
from toolkit.report import notebook as report

NOTEBOOK = report.NOTEBOOK
PAIRED_SCRIPT = NOTEBOOK.with_suffix(".py")
EMBEDDED_PNG = re.compile(r'<img[^>]* src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"')


@dataclass
class Run:
    code: int
    out: str
    err: str
    folder: Path


def run_cli(argv: list[str], folder: Path) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return Run(code, out.getvalue(), err.getvalue(), folder)


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory) -> Run:
    folder = tmp_path_factory.mktemp("rapports")
    return run_cli(["report", "--register", str(SAMPLE_REGISTER), "--month", "2026-11",
                    "--today", "2026-11-20", "--out", str(folder)], folder)


@pytest.fixture(scope="session")
def html(sample_report) -> str:
    assert sample_report.code == 0, sample_report.err
    return (sample_report.folder / "rapport_2026-11.html").read_text(encoding="utf-8")


def test_report_path_is_printed_and_named_by_month(sample_report, html):
    assert sample_report.out.strip() == str(sample_report.folder / "rapport_2026-11.html")
    assert [p.name for p in sample_report.folder.iterdir()] == ["rapport_2026-11.html"]


def body_of(html: str) -> str:
    """The page without its head (whose style sheet names every notebook class)."""
    return html.split("<body", 1)[1]


def test_html_shows_no_code_and_no_prompts(html):
    for code_text in ("import toolkit", "from toolkit", "stats.report_data", "register_path"):
        assert code_text not in html
    body = body_of(html)
    # Markdown cells keep an "input area" (their text); code would be highlighted source.
    for mark in ("highlight hl-ipython3", "jp-CodeMirrorEditor", "jp-InputPrompt",
                 "jp-OutputPrompt", "In&nbsp;[", "Out["):
        assert mark not in body


def test_html_embeds_at_least_four_charts(html):
    assert len(EMBEDDED_PNG.findall(html)) >= 4
    assert "No description has been provided" not in html
    assert 'alt="Réclamations reçues par mois et par canal"' in html


def test_html_is_self_contained_and_french(html):
    assert not re.search(r"<script[^>]+src=", html)
    assert '<html lang="fr">' in html
    assert "<title>Rapport mensuel des réclamations — novembre 2026</title>" in html
    assert "novembre 2026" in html and "2026-11" not in body_of(html)


def test_html_shows_the_month_figures_worked_out_by_hand(html):
    # November 2026 in the sample register, judged on Friday 20/11/2026 (11/11 is a holiday):
    # 2026-034 received Wed 4/11, no acknowledgement, due Tue 17/11: late;
    # 2026-035 received Mon 9/11, acknowledged 13/11, due Sat 21/11: on time;
    # 2026-036 received Sat 14/11, acknowledged 18/11, due Thu 26/11: on time.
    assert "3 réclamations reçues</strong> en novembre 2026" in html
    assert "<strong>2 à temps</strong>" in html
    for section in ("Chiffres du mois", "Réclamations en retard ou à échéance sous 7 jours",
                    "Pistes d&#x27;amélioration", "Délais de réponse"):
        assert section in html or section.replace("&#x27;", "'") in html


def test_html_names_complaints_by_number_not_by_client(html):
    assert "2026-030" in html  # late acknowledgement on 20/11/2026
    for client in ("Léa Moreau", "Karim Benali", "Chloé N"):
        assert client not in html


def test_failing_step_is_named_in_french_and_nothing_is_written(tmp_path):
    from openpyxl import Workbook

    register = tmp_path / "sans_dates.xlsx"
    workbook = Workbook()
    workbook.active.title = "Registre"
    workbook.active.append(["Numéro", "Canal", "Nom du client", "Description"])
    workbook.save(register)
    out = tmp_path / "rapports"
    run = run_cli(["report", "--register", str(register), "--month", "2026-11",
                   "--today", "2026-11-20", "--out", str(out)], out)
    assert run.code == 1
    assert "étape « Lecture du registre »" in run.err
    assert "la colonne « Date de réclamation » est absente" in run.err
    assert "Traceback" not in run.err
    assert not out.exists() or not any(out.iterdir())


def test_not_a_workbook_fails_before_python_starts(tmp_path):
    register = tmp_path / "registre.xlsx"
    register.write_text("Numéro;Date\n", encoding="utf-8")
    run = run_cli(["report", "--register", str(register), "--month", "2026-11",
                   "--out", str(tmp_path / "rapports")], tmp_path)
    assert run.code == 2 and "n'est pas un classeur Excel" in run.err
    assert not (tmp_path / "rapports").exists()


# --- pieces that need no kernel ---------------------------------------------------------------

def test_kernel_is_this_interpreter():
    manager = report._kernel_manager_class()(kernel_name=report.KERNEL_NAME)
    assert manager.kernel_spec.argv[0] == sys.executable


def test_parameters_are_injected_as_strings_after_the_tagged_cell():
    notebook = report.load_notebook()
    report.inject_parameters(notebook, {"month": "2026-11", "register_path": "C:\\a'b.xlsx"})
    tags = [cell.metadata.get("tags", []) for cell in notebook.cells]
    index = tags.index(["injected-parameters"])
    assert tags[index - 1] == ["parameters"]
    namespace: dict = {}
    exec(notebook.cells[index].source, namespace)
    assert namespace["month"] == "2026-11" and namespace["register_path"] == "C:\\a'b.xlsx"


def test_step_of_a_cell_is_the_heading_above_it():
    notebook = report.load_notebook()
    sources = [cell.source for cell in notebook.cells]
    reading = next(i for i, s in enumerate(sources) if "stats_register(" in s)
    assert report.step_of(notebook, reading) == "Lecture du registre"
    assert report.step_of(notebook, 0) == report.FIRST_STEP


def test_unexpected_errors_are_named_as_such():
    message = report.failure_message("Chiffres du mois", "KeyError", "'recues'")
    assert message == ("le rapport n'a pas pu être produit, étape « Chiffres du mois » : "
                       "erreur inattendue (KeyError : 'recues')")
    assert report.failure_message("X", "ReportError", "texte") .endswith(": texte")


def test_missing_notebook_is_a_report_error(tmp_path):
    with pytest.raises(ReportError, match="introuvable"):
        report.load_notebook(tmp_path / "absent.ipynb")


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = report.write_atomically(tmp_path / "sous" / "rapport.html", "<p>é</p>")
    assert target.read_text(encoding="utf-8") == "<p>é</p>"
    assert [p.name for p in target.parent.iterdir()] == ["rapport.html"]


# --- the committed notebook -----------------------------------------------------------------

def test_notebook_is_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_notebook_and_its_percent_script_are_in_sync():
    def cells(path):
        return [(c.cell_type, c.source.strip(), c.metadata.get("tags", []))
                for c in jupytext.read(path).cells]

    assert cells(NOTEBOOK) == cells(PAIRED_SCRIPT)
    assert nbformat.read(NOTEBOOK, as_version=4).metadata["jupytext"]["formats"] == \
        "ipynb,py:percent"


def test_notebook_has_one_parameters_cell_of_strings():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    namespace: dict = {}
    exec(tagged[0].source, namespace)
    values = {k: v for k, v in namespace.items() if not k.startswith("__")}
    assert set(values) == {"register_path", "month", "today"}
    assert all(isinstance(v, str) for v in values.values())
