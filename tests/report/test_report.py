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
from datetime import date
from pathlib import Path

import jupytext
import nbformat
import pytest
from helpers import browser
from helpers.register_files import SAMPLE_REGISTER, complaint

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


# The sample register's headline figures, worked out from its rows (received 20/11/2026):
# - November: 2026-034 (04/11, acknowledgement due 17/11 and not sent: late), 2026-035 and
#   2026-036 (acknowledged on time); no reply due yet.
# - October: six complaints; acknowledgements late for 2026-028 (sent 16/10, due 13/10) and
#   2026-030 (not sent, due 27/10): 4 of 6; replies judged: 2026-028 and 2026-031 on time,
#   2026-029 and 2026-030 late: 2 of 4; replied in 17 and 27 days: median 22.
# - May to October (the register starts in May): 33 complaints, 5,5 a month; 28 of 33
#   acknowledgements and 26 of 31 judged replies on time; median reply 21 days; on average
#   3,5 complaints without a reply at the end of those months (7 on 20/11, 5 on 31/10).
SAMPLE_HEADLINE = {
    "Réclamations reçues": ["3", "oct. : 6", "moyenne : 5,5"],
    "Accusés dans le délai": ["66,7 %", "oct. : 66,7 %", "moyenne : 84,8 %"],
    "Réponses dans le délai": ["—", "oct. : 50 %", "moyenne : 83,9 %"],
    "Délai de réponse médian": ["—", "oct. : 22 jours", "moyenne : 21 jours"],
    "Réclamations sans réponse": ["7", "oct. : 5", "moyenne : 3,5"],
}


def test_html_opens_with_the_headline_figures(html):
    body = body_of(html)
    assert body.index("chiffres-cles") < body.index("Chiffres du mois")
    for label, (value, previous, average) in SAMPLE_HEADLINE.items():
        box = re.search(f'<div class="libelle">{label}</div><div class="valeur">([^<]+)</div>'
                        '<div class="repere">([^<]+)</div><div class="repere">([^<]+)</div>',
                        body)
        shown = [text.replace("\u00a0", " ") for text in box.groups()]
        assert shown == [value, previous, average], label


def test_html_has_the_satisfaction_chart_and_no_agency_table(html):
    assert 'alt="Satisfaction des clients à la clôture, par mois de réception"' in html
    assert "Satisfait : 5 ; Partiellement satisfait : 7 ; Non satisfait : 12" in html
    assert "<th>Agence</th>" not in html  # one register


def test_html_names_complaints_by_number_not_by_client(html):
    assert "2026\u2011030" in html  # late acknowledgement on 20/11/2026 (unbreakable number)
    for client in ("Léa Moreau", "Karim Benali", "Chloé N"):
        assert client not in html


def test_report_on_two_agencies_has_the_per_agency_table(tmp_path, make_register):
    east = make_register([complaint("2026-001", date(2026, 11, 3)),
                          complaint("2026-002", date(2026, 11, 5))],
                         params={"societe": "Agence Est", "zone": "Alsace-Moselle"},
                         name="est.xlsx")
    out = tmp_path / "rapports"
    run = run_cli(["report", "--register", str(SAMPLE_REGISTER), "--register", str(east),
                   "--month", "2026-11", "--today", "2026-11-20", "--out", str(out)], out)
    assert run.code == 0, run.err
    body = body_of((out / "rapport_2026-11.html").read_text(encoding="utf-8"))
    assert "2 registres, 38 réclamations suivies en tout" in body
    table = next(rows for rows in browser.html_tables(body) if rows[0].startswith("Agence"))
    # The sample's 3 complaints of November (2 of 3 acknowledged on time) and the east's 2,
    # never acknowledged: due Mon 16/11 and Wed 18/11 (11/11 a holiday), both late on 20/11;
    # so 2 of 5 together. No reply due yet. Without a reply on 20/11: 7 + 2.
    assert table == [
        "Agence Reçues Accusés dans le délai Réponses dans le délai Sans réponse",
        "ONLY PERMIS 3 66,7 % — 7", "Agence Est 2 0 % — 2", "Ensemble 5 40 % — 9"]


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
    reading = next(i for i, s in enumerate(sources) if "stats_registers(" in s)
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


def test_notebook_parameters_take_a_windows_path_as_typed():
    windows = r"C:\Users\accueil\OneDrive\Réclamations\registre_reclamations.xlsx"
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    tagged = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    typed = re.sub(r'register_path = r"[^"]*"', lambda _: f'register_path = r"{windows}"',
                   tagged.source)
    namespace: dict = {}
    exec(typed, namespace)
    assert namespace["register_path"] == windows
    report.inject_parameters(notebook, {"register_path": windows})
    injected = next(c for c in notebook.cells
                    if "injected-parameters" in c.metadata.get("tags", []))
    exec(injected.source, namespace)
    assert namespace["register_path"] == windows


# --- printed: the sample report through headless Chromium to A4 PDF ---------------------------

MAX_PRINTED_PAGES = 8  # the sample prints on 6 pages; more means a section broke loose
A4_POINTS = (595, 842)


@pytest.fixture(scope="session")
def printed(sample_report, html, tmp_path_factory) -> Path:
    page = sample_report.folder / "rapport_2026-11.html"
    pdf = tmp_path_factory.mktemp("imprime") / "rapport_2026-11.pdf"
    return browser.print_to_pdf(browser.find_chromium(), page, pdf)


@pytest.mark.chromium
def test_printed_report_is_a4_within_the_page_bound(printed):
    width, height = browser.page_size_points(printed)
    assert (round(width), round(height)) == A4_POINTS
    assert 1 < browser.page_count(printed) <= MAX_PRINTED_PAGES


@pytest.mark.chromium
def test_printed_report_opens_with_the_headline_figures(printed):
    blocks = browser.text_blocks(printed, 1)
    for label, figures in SAMPLE_HEADLINE.items():
        # Each box reads its label, then its three figures underneath.
        under = [text.replace("\u00a0", " ") for text in browser.column_below(blocks, label)]
        assert under == figures, label


@pytest.mark.chromium
def test_printed_charts_are_each_whole_on_one_page(printed, html):
    charts = len(EMBEDDED_PNG.findall(html))
    drawn = browser.images(printed)
    # A chart cut by a page break is drawn twice, once on each page.
    assert len(drawn) == len({image.object_id for image in drawn}) == charts


@pytest.mark.chromium
def test_printed_tables_are_each_on_one_page(printed, html):
    # Numbers carry a non-breaking hyphen (U+2011): compared as an ordinary one.
    pages = [text.replace("\u2011", "-") for text in browser.pages_text(printed)]
    tables = browser.html_tables(body_of(html))
    assert len(tables) >= 2  # decisions, complaints to watch
    for rows in tables:
        rows = [row.replace("\u2011", "-") for row in rows]
        holding_all = [number for number, text in enumerate(pages, start=1)
                       if all(row in text for row in rows)]
        assert holding_all, f"tableau coupé ou illisible : {rows[0]!r}"
