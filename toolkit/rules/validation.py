"""Validation of the register: a pandera model for each cell, then the coherence rules
of docs/product-rules.md, "The register workbook".

The result is a :class:`ValidationReport` of :class:`Problem` items — Excel row, column
header, stable code, French message, level — sorted and de-duplicated. ``toolkit check
--json`` prints exactly ``report.to_json_list()``. A level is ``erreur`` (the register is
wrong: ``check`` fails) or ``avertissement`` (``WARNING_CODES``: something will bite later —
a date typed as text, a parameter letters need — reported, exit code unchanged).

Dates were parsed by the reader (an unparseable one is still its text), so a failed date
never hides a column's other checks.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date

import pandas as pd
import pandera.pandas as pa

from toolkit.dates import date_fr
from toolkit.rules.codes import AVERTISSEMENT, ERREUR, MESSAGES, WARNING_CODES, Code, describe
from toolkit.rules.columns import (
    BY_KEY,
    COLUMNS,
    DATE,
    DATE_KEYS,
    EMAIL,
    INPUT_COLUMNS,
    MEDIATOR_LIST_PAGE,
    NEEDED_PARAMETERS,
    PARAMETER_BY_KEY,
    SHEET_PARAMETERS,
    Column,
    header_of,
    is_mediator_list_page,
)
from toolkit.rules.records import Register, frame_records
from toolkit.rules.retention import purge_from

NUMERO_FORM = re.compile(r"^\d{4}-\d{3,}$")
@dataclass(frozen=True, order=True)
class Problem:
    """One problem of the register, located as Excel shows it."""

    ligne: int
    colonne: str
    code: str
    message: str
    niveau: str = ERREUR


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No error (warnings alone leave the register usable)."""
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.niveau == ERREUR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.niveau == AVERTISSEMENT]

    @property
    def rows_with_problems(self) -> set[int]:
        return {p.ligne for p in self.problems}

    def to_json_list(self) -> list[dict[str, object]]:
        return [asdict(problem) for problem in self.problems]


# --- the pandera model ---------------------------------------------------------------

def _is_date_or_empty(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v is None or isinstance(v, date))


def _in_list(values: tuple[str, ...]):
    allowed = set(values)
    return lambda series: series.map(lambda v: v is None or v in allowed)


def _is_email_or_empty(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v is None or bool(EMAIL.match(v)))


# A date announced to the client lies ahead by nature.
FUTURE_DATE_KEYS = ("date_reponse_annoncee",)


def _checks(column: Column) -> list[pa.Check]:
    """The cell checks a column's declaration implies; check names are the stable codes."""
    checks = []
    if column.kind == DATE:
        checks.append(pa.Check(_is_date_or_empty, name=Code.DATE_INVALIDE))
    if column.choices:
        checks.append(pa.Check(_in_list(column.choices), name=Code.VALEUR_HORS_LISTE))
    if column.email:
        checks.append(pa.Check(_is_email_or_empty, name=Code.COURRIEL_INVALIDE))
    return checks


def register_schema() -> pa.DataFrameSchema:
    """Cell rules of the ``Registre`` sheet (column keys), derived from ``COLUMNS``.

    Every column is optional (``required=False``) so that a missing column is reported
    once, by the structure check, instead of once per row.
    """
    return pa.DataFrameSchema(
        {column.key: pa.Column(object, checks=_checks(column), nullable=not column.required,
                               unique=column.unique, required=False, coerce=False)
         for column in INPUT_COLUMNS},
        strict=False, coerce=False)


def _code_of_check(check: str) -> str:
    if check == "not_nullable":
        return Code.OBLIGATOIRE
    if check == "field_uniqueness":  # pandera's name for Field(unique=True)
        return Code.NUMERO_EN_DOUBLE
    return check


def _message(code: str, key: str, value: object) -> str:
    template = MESSAGES[code]  # a Code: the model's checks are named so, pandera's mapped above
    liste = ", ".join(BY_KEY[key].choices if key in BY_KEY else ())
    return template.format(valeur=value, liste=liste)


def _cell_problems(frame: pd.DataFrame) -> list[Problem]:
    try:
        # Built for each check (1.6 ms) rather than once at import: a process forked after
        # the import (the mutation runner's) would otherwise validate with a schema built
        # by code other than the one it runs.
        register_schema().validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    problems = []
    for case in cases.itertuples(index=False):
        key, index = case.column, case.index
        if key not in BY_KEY or index is None or pd.isna(index):
            continue
        code = _code_of_check(str(case.check))
        problems.append(Problem(int(frame.at[index, "ligne"]), header_of(key), code,
                                _message(code, key, case.failure_case)))
    return problems


# --- coherence rules (docs/product-rules.md, "The register workbook") -------------------------

def _row_coherence(row: dict[str, object], today: date) -> list[tuple[str, str, str]]:
    """(column key, code, message) of one row's coherence problems."""
    found = []
    received = row.get("date_reclamation")
    received = received if isinstance(received, date) else None
    for key in DATE_KEYS:
        value = row.get(key)
        if not isinstance(value, date):
            continue
        if value > today and key not in FUTURE_DATE_KEYS:
            found.append((key, Code.DATE_FUTURE, describe(
                Code.DATE_FUTURE, date=date_fr(value), aujourdhui=date_fr(today))))
        if received is not None and key != "date_reclamation" and value < received:
            found.append((key, Code.DATE_AVANT_RECLAMATION, describe(
                Code.DATE_AVANT_RECLAMATION, date=date_fr(value), reclamation=date_fr(received))))
    asked, received_more = row.get("date_demande_complements"), \
        row.get("date_reception_complements")
    if asked is None and received_more is not None:
        found.append(("date_reception_complements", Code.COMPLEMENTS_SANS_DEMANDE,
                      MESSAGES[Code.COMPLEMENTS_SANS_DEMANDE]))
    numero = row.get("numero")
    if numero is not None and not NUMERO_FORM.match(str(numero)):
        found.append(("numero", Code.NUMERO_MAL_FORME, _message(Code.NUMERO_MAL_FORME, "numero",
                                                             numero)))
    if isinstance(asked, date) and isinstance(received_more, date) and received_more < asked:
        found.append(("date_reception_complements", Code.COMPLEMENTS_AVANT_DEMANDE,
                      describe(Code.COMPLEMENTS_AVANT_DEMANDE, demande=date_fr(asked))))
    if row.get("date_reponse") is not None:
        if row.get("resolution") is None:
            found.append(("resolution", Code.REPONSE_SANS_RESOLUTION,
                          describe(Code.REPONSE_SANS_RESOLUTION)))
        if row.get("decision") is None:
            found.append(("decision", Code.REPONSE_SANS_DECISION,
                          describe(Code.REPONSE_SANS_DECISION)))
    if row.get("decision") is not None and row.get("resolution") is None:
        found.append(("resolution", Code.DECISION_SANS_RESOLUTION,
                      describe(Code.DECISION_SANS_RESOLUTION)))
    return found


def _coherence_problems(frame: pd.DataFrame, today: date) -> list[Problem]:
    keys = [c.key for c in INPUT_COLUMNS if c.key in frame.columns]
    problems = []
    for record in frame_records(frame, [*keys, "ligne"]):
        for key, code, message in _row_coherence(record, today):
            problems.append(Problem(int(record["ligne"]), header_of(key), code, message))
    return problems


def _structure_problems(register: Register) -> list[Problem]:
    problems = [Problem(register.header_row, header, Code.COLONNE_MANQUANTE,
                        describe(Code.COLONNE_MANQUANTE, colonne=header,
                                ligne=register.header_row))
                for header in register.missing_required]
    problems += [Problem(row, name, Code.COLONNE_EN_DOUBLE,
                         describe(Code.COLONNE_EN_DOUBLE, colonne=name))
                 for row, name in register.duplicate_headers]
    problems += [Problem(issue.row, issue.label, Code.PARAMETRE_INVALIDE,
                         describe(Code.PARAMETRE_INVALIDE, feuille=SHEET_PARAMETERS,
                                 valeur=issue.value, raison=issue.reason))
                 for issue in register.parameter_issues]
    problems += [Problem(row, label, Code.PARAMETRE_EN_DOUBLE,
                         describe(Code.PARAMETRE_EN_DOUBLE, valeur=label, ligne=first))
                 for row, label, first in register.duplicate_parameters]
    return problems


def _text_date_problems(register: Register) -> list[Problem]:
    return [Problem(row, header_of(key), Code.DATE_EN_TEXTE,
                    _message(Code.DATE_EN_TEXTE, key, text))
            for row, key, text in register.text_dates]


def _parameter_problem(register: Register, key: str, code: str, value: str) -> Problem:
    label = PARAMETER_BY_KEY[key].label
    reason = NEEDED_PARAMETERS[key]
    if code == Code.SITE_MEDIATEUR_INVALIDE:
        reason = (f"la page {MEDIATOR_LIST_PAGE} est la liste des médiateurs agréés ; "
                  "inscrivez l'adresse du site de votre médiateur (https://…)")
    shown = label if code == Code.PARAMETRE_MANQUANT else value
    return Problem(register.parameter_rows.get(key, 1), label, code,
                   MESSAGES[code].format(valeur=shown, liste=reason))


def _parameter_problems(register: Register) -> list[Problem]:
    """What letters need from ``Paramètres`` and do not find there."""
    params = register.params
    problems = [_parameter_problem(register, key, Code.PARAMETRE_MANQUANT, "")
                for key in NEEDED_PARAMETERS if not str(getattr(params, key) or "").strip()]
    site = (params.site_mediateur or "").strip()
    if site and (is_mediator_list_page(site) or not re.match(r"^https?://[^\s/]+\.[^\s]+$",
                                                              site, re.IGNORECASE)):
        problems.append(_parameter_problem(register, "site_mediateur",
                                           Code.SITE_MEDIATEUR_INVALIDE, site))
    return problems


def _retention_problems(register: Register, today: date) -> list[Problem]:
    """Complaints answered more than ``Durée de conservation (années)`` ago (a warning:
    ``toolkit rgpd purge`` erases them; ``status`` says nothing of them)."""
    years = register.params.duree_conservation
    problems = []
    # the register's frame has every column, those the workbook lacks empty
    for record in frame_records(register.frame, ["ligne", "nom", "date_reponse"]):
        start = purge_from(record, years)
        if start is not None and today >= start:
            problems.append(Problem(
                int(record["ligne"]), header_of("date_reponse"), Code.CONSERVATION_DEPASSEE,
                describe(Code.CONSERVATION_DEPASSEE, date=date_fr(record["date_reponse"]),
                         annees=years, depuis=date_fr(start))))
    return problems


def _leveled(problem: Problem) -> Problem:
    return replace(problem, niveau=AVERTISSEMENT if problem.code in WARNING_CODES else ERREUR)


def validate(register: Register, today: date) -> ValidationReport:
    """Every problem of the register on ``today``, sorted by row then column order, each
    with its level (``WARNING_CODES`` are warnings)."""
    frame = register.frame
    absent = [c.key for c in INPUT_COLUMNS if c.key not in register.column_index]
    checked = frame.drop(columns=absent)
    problems = set(_structure_problems(register))
    problems.update(_parameter_problems(register))
    problems.update(_text_date_problems(register))
    problems.update(_retention_problems(register, today))
    if len(checked):
        problems.update(_cell_problems(checked))
        problems.update(_coherence_problems(checked, today))
    order = {column.header: i for i, column in enumerate(COLUMNS)}
    return ValidationReport(sorted(map(_leveled, problems),
                                   key=lambda p: (p.ligne, order.get(p.colonne, 99),
                                                  p.code, p.message)))

