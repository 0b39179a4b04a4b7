"""`toolkit report`: execute the monthly notebook and export one self-contained HTML page.

* The notebook runs with nbclient in a kernel of *this* interpreter (``sys.executable``),
  whatever ``python3`` kernelspec another Jupyter installation may have registered: the
  report must use the toolkit it was asked from. The notebook's own kernelspec metadata is
  ignored for the same reason.
* Parameters are injected as string literals in a cell after the one tagged
  ``parameters`` (papermill's convention, so the notebook also runs under papermill).
* A cell error becomes a :class:`ReportError` naming the step: the last ``## heading``
  above the failing cell. Nothing is written then; the HTML file is written to a
  temporary name and renamed, so it is either complete or absent.
* The HTML has no code and no prompts, its charts are embedded PNG, and no script is
  fetched from the Internet (management may open it offline).
* Management prints it: print rules keep every chart, table and headline box whole on one
  A4 page, and each heading with what follows it.
* Several registers (one per agency) go to the notebook as one parameter, one path per line
  (papermill parameters are strings).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from toolkit.atomic import atomic_replace
from toolkit.errors import ReportError, ToolkitError, UsageError
from toolkit.places import reports_dir
from toolkit.register.reading import check_container
from toolkit.report.display import report_heading
from toolkit.resources import NOTEBOOKS, shipped_file
from toolkit.rules.stats import month_key

NOTEBOOK = shipped_file(NOTEBOOKS, "rapport_mensuel.ipynb")
KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 600
FIRST_STEP = "Préparation du rapport"
STARTUP_STEP = "Démarrage de Python pour le rapport"

# Printing on A4: nothing that must be read whole is cut across pages, a heading stays with
# what follows it, and charts fit the page's width.
PRINT_STYLE = """<style>
.jp-RenderedHTMLCommon :is(td, th):first-child { text-align: left; }
@page { size: A4; margin: 12mm 11mm; }
@media print {
  body { margin: 0; }
  .jp-Notebook { padding: 0; }
  .jp-Cell { padding: 0; }
  .jp-OutputArea-output, .jp-RenderedImage, .jp-RenderedHTMLCommon table, img, tr,
  .chiffres-cles { break-inside: avoid; page-break-inside: avoid; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  /* A heading stays with what follows it, a sentence with the table or chart it
     introduces or comments. */
  .jp-MarkdownCell:has(h2),
  .jp-CodeCell:has(.jp-RenderedMarkdown):has(+ .jp-Cell :is(table, img)) {
    break-after: avoid; page-break-after: avoid; }
  .jp-Cell:has(img) + .jp-CodeCell:has(.jp-RenderedMarkdown) {
    break-before: avoid; page-break-before: avoid; }
  /* Jupyter lays tables out in equal columns (table-layout: fixed): numbers and dates then
     wrap while long texts take three lines, and the 30 rows of the priority table ran over
     three pages. Columns sized by their content, a smaller print and tight cells keep it on
     one page. */
  .jp-RenderedHTMLCommon table { font-size: 9px; line-height: 1.25; width: 100%;
    table-layout: auto; }
  .jp-RenderedHTMLCommon :is(td, th) { padding: 1px 3px; }
  .jp-RenderedHTMLCommon :is(td, th):is(:first-child, :nth-child(2)) { white-space: nowrap; }
  img { max-width: 100%; height: auto; }
}
</style>"""

# The lab template without its three CDN scripts (require.js, MathJax, Mermaid): the report
# uses none of them, and a page that calls the Internet is not self-contained. Charts get
# their French title as alternative text (nbconvert would write an English placeholder).
_TEMPLATE_NAME = "rapport.html.j2"
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}""" + PRINT_STYLE + """{%- endblock html_head_css -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
alt="{{ ((output | get_metadata('alt', 'image/png')) or 'Graphique') | escape_html }}">
</div>
{%- endblock data_png %}
"""


def report_filename(year: int, month: int) -> str:
    return f"rapport_{month_key(year, month)}.html"


# --- the notebook ------------------------------------------------------------------------------

def load_notebook(path: Path = NOTEBOOK):
    import nbformat

    if not path.is_file():
        raise ReportError(f"Notebook du rapport introuvable : {path}")
    return nbformat.read(path, as_version=4)


def inject_parameters(notebook, parameters: dict[str, str]) -> None:
    """Insert the values after the ``parameters`` cell (strings only, as literals)."""
    import nbformat

    tagged = [i for i, cell in enumerate(notebook.cells)
              if "parameters" in cell.get("metadata", {}).get("tags", [])]
    if not tagged:
        raise ReportError("Le notebook du rapport n'a pas de cellule « parameters ».")
    source = "\n".join(["# Paramètres de toolkit report",
                        *(f"{name} = {str(value)!r}" for name, value in parameters.items())])
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    notebook.cells.insert(tagged[0] + 1, cell)


def step_of(notebook, cell_index: int) -> str:
    """The step a cell belongs to: the last markdown heading above it."""
    for cell in reversed(notebook.cells[:cell_index]):
        if cell.cell_type != "markdown":
            continue
        headings = [line.lstrip("#").strip() for line in cell.source.splitlines()
                    if line.startswith("#")]
        if headings:
            return headings[-1]
    return FIRST_STEP


def _failed_cell(notebook) -> int | None:
    for index, cell in enumerate(notebook.cells):
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return index
    return None


def _toolkit_error_names() -> set[str]:
    found, pending = set(), [ToolkitError]
    while pending:
        cls = pending.pop()
        found.add(cls.__name__)
        pending += cls.__subclasses__()
    return found


def failure_message(step: str, ename: str, evalue: str) -> str:
    """French message for a failed step; the toolkit's own errors are already French."""
    detail = evalue if ename in _toolkit_error_names() else f"erreur inattendue ({ename} : " \
        f"{evalue})"
    return f"le rapport n'a pas pu être produit, étape « {step} » : {detail}"


# --- execution -------------------------------------------------------------------------------

def _kernel_manager_class():
    """An async kernel manager whose ``python3`` kernel is always ``sys.executable``."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class ThisPythonKernelSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            if kernel_name != KERNEL_NAME:
                return super().get_kernel_spec(kernel_name)
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    class ThisPythonKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _this_python_specs(self):
            return ThisPythonKernelSpecs(parent=self)

        # Encrypt the local connection when pyzmq can: the kernel then also stops warning
        # on stderr that it runs "over TCP without encryption".
        @default("transport_encryption")
        def _encrypt_when_possible(self):
            import zmq

            return "auto" if zmq.has("curve") else "disabled"

    return ThisPythonKernelManager


def execute_notebook(notebook, cwd: Path) -> None:
    """Run every cell in place; a failure becomes a :class:`ReportError` naming its step."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    client = NotebookClient(notebook, kernel_name=KERNEL_NAME, timeout=CELL_TIMEOUT_SECONDS,
                            kernel_manager_class=_kernel_manager_class(),
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellExecutionError as error:
        index = _failed_cell(notebook)
        step = step_of(notebook, index) if index is not None else FIRST_STEP
        raise ReportError(failure_message(step, error.ename, error.evalue)) from None
    except (CellTimeoutError, DeadKernelError) as error:
        raise ReportError(f"le rapport n'a pas pu être produit : Python s'est arrêté ou "
                          f"n'a pas répondu ({type(error).__name__}).") from error
    except Exception as error:  # kernel start: jupyter_client raises many unrelated types
        raise ReportError(failure_message(STARTUP_STEP, type(error).__name__,
                                          str(error))) from error


# --- export ------------------------------------------------------------------------------------

def to_html(notebook, title: str) -> str:
    """One self-contained page: outputs only (no code, no prompts), French, charts inline."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    notebook.metadata["title"] = title
    exporter = HTMLExporter(template_name="lab", template_file=_TEMPLATE_NAME,
                            extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, exclude_anchor_links=True,
                            language_code="fr")
    body, _ = exporter.from_notebook_node(notebook)
    return body


def write_atomically(path: Path, text: str) -> Path:
    """Write ``text`` so that ``path`` is either the complete file or untouched."""
    try:
        with atomic_replace(path) as temporary:
            temporary.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"impossible d'écrire le rapport {path} : {error.strerror}") from error
    return path


def write_monthly_report(registers: Path | str | Sequence[Path | str], year: int, month: int,
                         today, out_dir: Path | str | None = None,
                         notebook_path: Path = NOTEBOOK) -> Path:
    """Execute the monthly notebook for ``year-month`` judged on ``today`` and write
    ``out_dir/rapport_AAAA-MM.html`` (default: ``rapports/`` beside the first register);
    return its path. Several registers make one report."""
    if isinstance(registers, (str, Path)):
        registers = [registers]
    paths = [Path(register).resolve() for register in registers]
    for path in paths:
        check_container(path)  # a missing or non-xlsx file fails here, before Python starts
    notebook = load_notebook(notebook_path)
    inject_parameters(notebook, {"register_path": "\n".join(map(str, paths)),
                                 "month": month_key(year, month),
                                 "today": today.isoformat()})
    execute_notebook(notebook, cwd=Path.cwd())
    html = to_html(notebook, report_heading(month_key(year, month)))
    out_dir = reports_dir(paths[0], Path(out_dir) if out_dir else None)
    return write_atomically(out_dir / report_filename(year, month), html)

