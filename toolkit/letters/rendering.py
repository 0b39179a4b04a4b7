"""Rendering Word letters from docxtpl templates: safely, and in parallel for big batches.

Client text is data, never template code: Jinja autoescapes it (without that, docxtpl
silently drops "<SARL>" from "Dupont & Fils <SARL>"), a missing field is an error rather than
a blank (``StrictUndefined``), and the sandbox keeps a template edited in Word from reaching
Python internals.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from toolkit.errors import TemplateError
from toolkit.letters.dossiers import save_atomically
from toolkit.rules.letters import CONTEXT_FIELDS, clean_text

# Below this many letters, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 20
_COMPILED_CACHE_SIZE = 32
_UNDEFINED_NAME = re.compile(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')")


def _caching_environment_class():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    class CachingEnvironment(SandboxedEnvironment):
        """docxtpl compiles the whole document XML on every render; the XML of one template
        is the same each time, so compile it once per process."""

        def __init__(self) -> None:
            super().__init__(undefined=StrictUndefined, autoescape=True)
            self._compiled: dict[str, object] = {}

        def from_string(self, source, globals=None, template_class=None):
            if globals is not None or template_class is not None or \
                    not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            compiled = self._compiled.get(source)
            if compiled is None:
                if len(self._compiled) >= _COMPILED_CACHE_SIZE:
                    self._compiled.clear()
                compiled = self._compiled[source] = super().from_string(source)
            return compiled

    return CachingEnvironment


@lru_cache(maxsize=1)
def jinja_environment():
    """The sandboxed, autoescaping, strict environment (jinja2 is imported only when a
    letter is rendered: a run with nothing to make does not pay for it)."""
    return _caching_environment_class()()


@dataclass(frozen=True)
class RenderJob:
    """One letter to write: which template, with what context, where."""

    template: Path
    context: dict
    target: Path


def clean_context(value):
    """The context with every string made safe for Word (see ``letters.clean_text``)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: clean_context(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_context(item) for item in value]
    return value


@lru_cache(maxsize=16)
def _template_bytes(path: Path, mtime_ns: int) -> bytes:
    return path.read_bytes()


def load_template(path: Path):
    """A fresh ``DocxTemplate`` of ``path``, read from disk once per process."""
    from docxtpl import DocxTemplate

    try:
        data = _template_bytes(path, path.stat().st_mtime_ns)
    except OSError as error:
        raise TemplateError(f"Modèle de courrier introuvable : {path}") from error
    return DocxTemplate(io.BytesIO(data))


def _template_error(path: Path, error: Exception) -> TemplateError:
    from jinja2 import TemplateSyntaxError, UndefinedError

    if isinstance(error, UndefinedError):
        match = _UNDEFINED_NAME.search(str(error))
        field = (match.group(2) or match.group(1)) if match else str(error)
        return TemplateError(
            f"Le modèle « {path.name} » utilise le champ « {field} », qui n'existe pas. "
            "Corrigez-le dans Word (la commande « toolkit templates » liste les champs).")
    if isinstance(error, TemplateSyntaxError):
        near = " ".join(line.strip() for line in getattr(error, "docx_context", []) or []
                        if line.strip())
        where = f" près de « {near[:120]} »" if near else ""
        return TemplateError(
            f"Le modèle « {path.name} » contient une balise mal formée{where} : "
            f"{error.message}. Retapez la balise d'un seul tenant dans Word.")
    return TemplateError(f"Le modèle « {path.name} » ne peut pas être utilisé : {error}")


def template_fields(path: Path) -> set[str]:
    """The field names a template uses; :class:`TemplateError` when it does not parse."""
    from jinja2 import TemplateError as JinjaError

    template = load_template(path)
    try:
        return set(template.get_undeclared_template_variables(jinja_environment()))
    except JinjaError as error:
        raise _template_error(path, error) from error
    except Exception as error:  # a .docx that is not a Word document
        raise _template_error(path, error) from error


def unknown_fields(path: Path) -> set[str]:
    return template_fields(path) - CONTEXT_FIELDS.keys()


def check_template(path: Path) -> None:
    """Refuse a template that asks for a field the toolkit does not provide."""
    unknown = sorted(unknown_fields(path))
    if unknown:
        names = ", ".join(f"« {name} »" for name in unknown)
        raise TemplateError(
            f"Le modèle « {path.name} » utilise des champs inconnus : {names}. Corrigez-le "
            "dans Word (la commande « toolkit templates » liste les champs disponibles).")


def render_one(job: RenderJob) -> Path:
    """Render and save one letter; errors name the template and the field."""
    from jinja2 import TemplateError as JinjaError

    template = load_template(job.template)
    try:
        template.render(clean_context(job.context), jinja_environment(), autoescape=True)
    except JinjaError as error:
        raise _template_error(job.template, error) from error
    return save_atomically(template, job.target)


def worker_count(jobs: int) -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, jobs // (PARALLEL_THRESHOLD // 2)))


def parallel_map(function: Callable, items: Sequence, *,
                 progress: Callable[[int], object] | None = None,
                 threshold: int = PARALLEL_THRESHOLD) -> list:
    """``[function(item) ...]`` in order, across processes when there are many items.

    ``function`` must be a module-level function (it is pickled to the workers).
    """
    workers = worker_count(len(items)) if len(items) >= threshold else 1
    if workers == 1:
        return [_tick(function(item), progress) for item in items]
    chunk = max(1, len(items) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            return [_tick(result, progress) for result in pool.map(function, items,
                                                                    chunksize=chunk)]
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _tick(result, progress):
    if progress is not None:
        progress(1)
    return result


def render_all(jobs: Iterable[RenderJob], *,
               progress: Callable[[int], object] | None = None) -> list[Path]:
    """Render every job (templates are checked first, once each); the paths written."""
    jobs = list(jobs)
    for template in sorted({job.template for job in jobs}):
        check_template(template)
    return parallel_map(render_one, jobs, progress=progress)


@dataclass(frozen=True)
class TemplateReport:
    """What ``toolkit templates`` says of one template."""

    path: Path
    fields: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.unknown and not self.error


def inspect_template(path: Path) -> TemplateReport:
    if not path.is_file():
        return TemplateReport(path, error="modèle absent")
    try:
        fields = template_fields(path)
    except TemplateError as error:
        return TemplateReport(path, error=str(error))
    return TemplateReport(path, tuple(sorted(fields)),
                          tuple(sorted(fields - CONTEXT_FIELDS.keys())))
