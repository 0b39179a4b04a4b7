"""Validation of the register: a pandera model for each cell, then SPEC's coherence rules.

The result is a :class:`ValidationReport` of :class:`Problem` items — Excel row, column
header, stable code, French message — sorted and de-duplicated. ``toolkit check --json``
prints exactly ``report.to_json_list()``.

Dates were parsed by the reader (an unparseable one is still its text), so a failed date
never hides a column's other checks.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from toolkit.register.columns import (
    BY_KEY,
    CANAUX,
    CATEGORIES,
    CIVILITES,
    COLUMNS,
    DATE_KEYS,
    DECISIONS,
    INPUT_COLUMNS,
    SHEET_PARAMETERS,
    header_of,
)
from toolkit.register.reading import Register, frame_records

EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[A-Za-z]{2,}$")
_COLUMN_ORDER = {column.key: i for i, column in enumerate(COLUMNS)}

MESSAGES = {
    "obligatoire": "valeur obligatoire manquante.",
    "date_invalide": "« {valeur} » n'est pas une date (attendu : JJ/MM/AAAA).",
    "valeur_hors_liste": "« {valeur} » n'est pas une valeur de la liste ({liste}).",
    "courriel_invalide": "« {valeur} » n'est pas une adresse électronique valide.",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem of the register, located as Excel shows it."""

    ligne: int
    colonne: str
    code: str
    message: str


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

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


Text = Optional[Series[object]]  # noqa: UP045 - pandera reads Optional[...] as "may be absent"
_DATE_FIELDS = [key for key in DATE_KEYS if key != "date_reclamation"]
# A date announced to the client lies ahead by nature.
FUTURE_DATE_KEYS = ("date_reponse_annoncee",)


class RegisterModel(pa.DataFrameModel):
    """Cell rules of the ``Registre`` sheet (column keys; headers come from ``columns``).

    Every field is optional so that a missing column is reported once, by the structure
    check, instead of once per row. Check names are the problems' stable codes.
    """

    numero: Text = pa.Field(nullable=False, unique=True)
    date_reclamation: Text = pa.Field(nullable=False)
    canal: Text = pa.Field(nullable=False)
    civilite: Text = pa.Field(nullable=True)
    nom: Text = pa.Field(nullable=False)
    courriel: Text = pa.Field(nullable=True)
    categorie: Text = pa.Field(nullable=True)
    description: Text = pa.Field(nullable=False)
    decision: Text = pa.Field(nullable=True)
    date_demande_confirmation: Text = pa.Field(nullable=True)
    date_confirmation: Text = pa.Field(nullable=True)
    date_accuse: Text = pa.Field(nullable=True)
    date_demande_complements: Text = pa.Field(nullable=True)
    date_reception_complements: Text = pa.Field(nullable=True)
    date_information: Text = pa.Field(nullable=True)
    date_reponse_annoncee: Text = pa.Field(nullable=True)
    date_reponse: Text = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False

    @pa.check("date_reclamation", *_DATE_FIELDS, name="date_invalide")
    def _dates(cls, series: pd.Series) -> pd.Series:
        return _is_date_or_empty(series)

    @pa.check("canal", name="valeur_hors_liste")
    def _canal(cls, series: pd.Series) -> pd.Series:
        return _in_list(CANAUX)(series)

    @pa.check("civilite", name="valeur_hors_liste")
    def _civilite(cls, series: pd.Series) -> pd.Series:
        return _in_list(CIVILITES)(series)

    @pa.check("categorie", name="valeur_hors_liste")
    def _categorie(cls, series: pd.Series) -> pd.Series:
        return _in_list(CATEGORIES)(series)

    @pa.check("decision", name="valeur_hors_liste")
    def _decision(cls, series: pd.Series) -> pd.Series:
        return _in_list(DECISIONS)(series)

    @pa.check("courriel", name="courriel_invalide")
    def _courriel(cls, series: pd.Series) -> pd.Series:
        return _is_email_or_empty(series)


_LIST_OF_KEY = {"canal": CANAUX, "civilite": CIVILITES, "categorie": CATEGORIES,
                "decision": DECISIONS}


def _code_of_check(check: str, key: str) -> str:
    if check == "not_nullable":
        return "obligatoire"
    if check in ("field_uniqueness", "unique") or check.startswith("unique"):
        return "numero_en_double"
    return check


def _message(code: str, key: str, value: object) -> str:
    if code == "numero_en_double":
        return f"le numéro « {value} » est déjà utilisé par une autre réclamation."
    template = MESSAGES.get(code, "valeur refusée.")
    liste = ", ".join(_LIST_OF_KEY.get(key, ()))
    return template.format(valeur=value, liste=liste)


def _cell_problems(frame: pd.DataFrame) -> list[Problem]:
    try:
        RegisterModel.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    problems = []
    for case in cases.itertuples(index=False):
        key, index = case.column, case.index
        if key not in BY_KEY or index is None or pd.isna(index):
            continue
        code = _code_of_check(str(case.check), key)
        problems.append(Problem(int(frame.at[index, "ligne"]), header_of(key), code,
                                _message(code, key, case.failure_case)))
    return problems


# --- coherence rules (SPEC) --------------------------------------------------------------

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
            found.append((key, "date_future",
                          f"le {value:%d/%m/%Y} est postérieur à aujourd'hui "
                          f"({today:%d/%m/%Y})."))
        if received is not None and key != "date_reclamation" and value < received:
            found.append((key, "date_avant_reclamation",
                          f"le {value:%d/%m/%Y} est antérieur à la date de réclamation "
                          f"({received:%d/%m/%Y})."))
    asked, received_more = row.get("date_demande_complements"), \
        row.get("date_reception_complements")
    if isinstance(asked, date) and isinstance(received_more, date) and received_more < asked:
        found.append(("date_reception_complements", "complements_avant_demande",
                      "les compléments sont reçus avant d'avoir été demandés "
                      f"({asked:%d/%m/%Y})."))
    if row.get("date_reponse") is not None:
        if row.get("resolution") is None:
            found.append(("resolution", "reponse_sans_resolution",
                          "une réponse est datée mais la résolution n'est pas renseignée."))
        if row.get("decision") is None:
            found.append(("decision", "reponse_sans_decision",
                          "une réponse est datée mais la décision n'est pas renseignée."))
    if row.get("decision") is not None and row.get("resolution") is None:
        found.append(("resolution", "decision_sans_resolution",
                      "une décision est indiquée sans résolution."))
    return found


def _coherence_problems(frame: pd.DataFrame, today: date) -> list[Problem]:
    keys = [c.key for c in INPUT_COLUMNS if c.key in frame.columns]
    problems = []
    for record in frame_records(frame, [*keys, "ligne"]):
        for key, code, message in _row_coherence(record, today):
            problems.append(Problem(int(record["ligne"]), header_of(key), code, message))
    return problems


def _structure_problems(register: Register) -> list[Problem]:
    problems = [Problem(register.header_row, header, "colonne_manquante",
                        f"la colonne obligatoire « {header} » est absente de l'en-tête "
                        f"(ligne {register.header_row}).")
                for header in register.missing_required]
    problems += [Problem(row, name, "colonne_en_double",
                         f"la colonne « {name} » apparaît deux fois ; seule la première est lue.")
                 for row, name in register.duplicate_headers]
    problems += [Problem(issue.row, issue.label, "parametre_invalide",
                         f"feuille « {SHEET_PARAMETERS} » : « {issue.value} » refusé, "
                         f"{issue.reason} ; la valeur par défaut s'applique.")
                 for issue in register.parameter_issues]
    return problems


def validate(register: Register, today: date) -> ValidationReport:
    """Every problem of the register on ``today``, sorted by row then column order."""
    frame = register.frame
    absent = [c.key for c in INPUT_COLUMNS if c.key not in register.column_index]
    checked = frame.drop(columns=absent)
    problems = set(_structure_problems(register))
    if len(checked):
        problems.update(_cell_problems(checked))
        problems.update(_coherence_problems(checked, today))
    order = {column.header: i for i, column in enumerate(COLUMNS)}
    return ValidationReport(sorted(problems, key=lambda p: (p.ligne, order.get(p.colonne, 99),
                                                            p.code, p.message)))


def valid_received_dates(frame: pd.DataFrame) -> pd.Series:
    """Rows whose reception date is a real date: the only ones deadlines can be computed for."""
    return frame["date_reclamation"].map(lambda v: isinstance(v, date))


assert set(_COLUMN_ORDER) >= set(_LIST_OF_KEY)
