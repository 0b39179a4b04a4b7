"""French wording of the statistics: `toolkit stats` text and the report's text and tables.

Pure: takes what :mod:`toolkit.report.stats` computed, returns strings or small DataFrames.
Management reads these; complaints appear by number, never by client name.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import date

from toolkit.dates import date_fr, month_long_fr, parse_month
from toolkit.display import agree, format_table, plural
from toolkit.register.deadlines import EN_RETARD
from toolkit.report.stats import ReportData

MONTHS_SHORT_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                   "oct.", "nov.", "déc.")
NBSP = "\u00a0"
WATCH_ROWS = 30  # beyond, a table stops being read; the CLI lists them all
ACTIONS_SHOWN = 5  # per category, the most frequent first


def markdown_text(text: str) -> str:
    """Text typed by staff, shown literally in Markdown: no markup, no HTML, one line."""
    flat = " ".join(str(text).split())
    return re.sub(r"([\\`*_{}\[\]()#+!|~-])", r"\\\1", html.escape(flat, quote=False))


def month_words(key: str) -> str:
    """``"2026-11"`` → ``"novembre 2026"``."""
    return month_long_fr(*parse_month(key))


def month_short(key: str) -> str:
    """``"2026-11"`` → ``"nov. 2026"`` (chart axes)."""
    year, month = parse_month(key)
    return f"{MONTHS_SHORT_FR[month - 1]} {year}"


def number_fr(value: float | None, unit: str = "") -> str:
    """``12.5`` → ``"12,5"``; ``None`` → ``"—"``."""
    if value is None:
        return "—"
    text = f"{value:g}".replace(".", ",")
    return f"{text}{NBSP}{unit}" if unit else text


def median_text(days: float | None) -> str:
    if days is None:
        return "pas encore de réponse envoyée"
    return f"{number_fr(days)} {agree(days, 'jour', 'jours')}"


# --- `toolkit stats` -------------------------------------------------------------------------

def _count_table(title: str, values: Mapping[str, int]) -> str:
    return format_table((title, "Nombre"), list(values.items()))


def month_figures_text(figures: Mapping[str, object], today: date) -> str:
    """The readable output of ``toolkit stats``."""
    lines = [
        f"Réclamations reçues en {month_words(figures['mois'])}, situation au "
        f"{date_fr(today)}",
        "",
        f"Reçues : {figures['recues']}",
        f"Accusé de réception : {figures['accuse_a_temps']} à temps, "
        f"{figures['accuse_en_retard']} en retard",
        f"Réponse : {figures['reponse_a_temps']} à temps, {figures['reponse_en_retard']} en "
        f"retard, {figures['en_cours']} en cours (délai non échu)",
        f"Délai de réponse médian : {median_text(figures['delai_reponse_median_jours'])}",
    ]
    for title, key in (("Canal", "par_canal"), ("Catégorie", "par_categorie"),
                       ("Décision", "par_decision")):
        lines += ["", _count_table(title, figures[key])]
    return "\n".join(lines)


# --- the report ---------------------------------------------------------------------------

def report_heading(key: str) -> str:
    """The report's title (page title and first heading)."""
    return f"Rapport mensuel des réclamations — {month_words(key)}"


def report_title(key: str, today: date) -> str:
    return (f"# {report_heading(key)}\n\n"
            f"Situation au {date_fr(today)}. Chaque mois regroupe les réclamations *reçues* "
            "ce mois-là ; les délais sont jugés à cette date.")


def sources_markdown(register_name: str, data: ReportData) -> str:
    text = (f"Registre `{register_name}` : "
            f"{plural(data.total, 'réclamation suivie', 'réclamations suivies')}.")
    if data.ignored_rows:
        lines = ", ".join(map(str, data.ignored_rows[:20]))
        ignored = plural(len(data.ignored_rows),
                         "ligne sans date de réclamation valide, non comptée",
                         "lignes sans date de réclamation valide, non comptées")
        text += (f" **{ignored}** "
                 f"(lignes {lines} ; voir `toolkit check`).")
    return text


def headline_markdown(figures: Mapping[str, object]) -> str:
    """The report's headline block: received, on time, late, open, median reply time."""
    received = figures["recues"]
    if not received:
        return f"**Aucune réclamation reçue en {month_words(figures['mois'])}.**"
    return "\n".join([
        f"- **{plural(received, 'réclamation reçue', 'réclamations reçues')}** en "
        f"{month_words(figures['mois'])}",
        f"- Accusés de réception : **{figures['accuse_a_temps']} à temps**, "
        f"**{figures['accuse_en_retard']} en retard**",
        f"- Réponses : **{figures['reponse_a_temps']} à temps**, "
        f"**{figures['reponse_en_retard']} en retard**",
        f"- **{figures['en_cours']} en cours** (sans réponse, délai d'un mois non échu)",
        f"- Délai de réponse médian : **{median_text(figures['delai_reponse_median_jours'])}**",
    ])


def counts_table(counts_by_month, label: str):
    """Months as rows in French words, a total column (for decisions, categories)."""
    table = counts_by_month.copy()
    table.index = [month_words(key) for key in table.index]
    table = table.loc[:, (table != 0).any(axis=0)]
    table["Total"] = table.sum(axis=1)
    table.index.name = label
    return table.reset_index()


def _delay_words(days: int) -> str:
    if days < 0:
        return f"en retard de {plural(-days, 'jour', 'jours')}"
    return "échéance aujourd'hui" if days == 0 else f"dans {plural(days, 'jour', 'jours')}"


DEADLINE_WORDS = {"accuse": "Accusé de réception", "reponse": "Réponse"}


def _situation(row: Mapping[str, object]) -> str:
    words = _delay_words(int(row["jours_restants"]))
    # The table shows the acknowledgement while it is due; say so when the reply is late too.
    if row["echeance_de"] == "accuse" and row["statut_reponse"] == EN_RETARD:
        words += " (réponse également en retard)"
    return words


def watch_table(watch, limit: int = WATCH_ROWS):
    """Late or soon-due complaints, as management reads them (number, not name); the
    ``limit`` most urgent only: the full list is ``toolkit status --ouvertes``."""
    import pandas as pd

    watch = watch.head(limit)
    return pd.DataFrame({
        "Numéro": watch["numero"],
        "Reçue le": [date_fr(day) for day in watch["recue"]],
        "Catégorie": watch["categorie"].fillna("—"),
        "Échéance": [f"{DEADLINE_WORDS[kind]} au {date_fr(day)}"
                     for kind, day in zip(watch["echeance_de"], watch["echeance"], strict=True)],
        "Situation": [_situation(row) for row in watch.to_dict("records")],
        "Prochaine action": watch["prochaine_action"],
        "Responsable": watch["responsable"].fillna("—"),
    }, columns=["Numéro", "Reçue le", "Catégorie", "Échéance", "Situation",
                "Prochaine action", "Responsable"])


def watch_summary(watch, today: date) -> str:
    if watch.empty:
        return (f"Aucune réclamation en retard ni à échéance dans les 7 jours au "
                f"{date_fr(today)}.")
    late = int((watch["jours_restants"] < 0).sum())
    text = (f"{plural(len(watch), 'réclamation', 'réclamations')} à traiter en priorité au "
            f"{date_fr(today)}, dont {late} en retard.")
    if len(watch) > WATCH_ROWS:
        text += (f" Les {WATCH_ROWS} plus urgentes ci-dessous ; liste complète : "
                 "`toolkit status --ouvertes`.")
    return text


def improvements_markdown(data: ReportData) -> str:
    """"Pistes d'amélioration": dominant categories of the quarter and the actions taken."""
    period = f"{month_words(data.quarter[0])} à {month_words(data.quarter[-1])}"
    if not data.improvements:
        return f"Aucune réclamation reçue de {period} : pas de catégorie dominante."
    lines = [f"Catégories les plus fréquentes de {period} et actions consignées au registre :",
             ""]
    for lead in data.improvements:
        lines.append(f"**{markdown_text(lead.categorie)}** — "
                     f"{plural(lead.reclamations, 'réclamation', 'réclamations')}")
        lines.append("")
        lines += [f"- {markdown_text(text)}" + (f" (×{n})" if n > 1 else "")
                  for text, n in lead.actions[:ACTIONS_SHOWN]]
        others = len(lead.actions) - ACTIONS_SHOWN
        if others > 0:
            lines.append(f"- *et {plural(others, 'autre action', 'autres actions')}*")
        if lead.sans_action:
            lines.append(f"- *{plural(lead.sans_action, 'réclamation', 'réclamations')} sans "
                         "action consignée à ce jour*")
        lines.append("")
    return "\n".join(lines).rstrip()
