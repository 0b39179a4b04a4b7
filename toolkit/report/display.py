"""French wording of the statistics: `toolkit stats` text and the report's text and tables.

Pure: takes what :mod:`toolkit.rules.stats` computed, returns strings or small DataFrames.
Management reads these; complaints appear by number, never by client name.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import date

from toolkit.dates import date_fr, month_end, month_long_fr, parse_month
from toolkit.display import agree, format_table, plural
from toolkit.rules.deadlines import EN_RETARD
from toolkit.rules.stats import NOT_SET, Headline, ReportData

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


def days_text(days: float) -> str:
    """``1 jour``, ``1,5 jour``, ``22 jours`` (French: plural from 2)."""
    return f"{number_fr(days)} {agree(days, 'jour', 'jours')}"


def median_text(days: float | None) -> str:
    if days is None:
        return "pas encore de réponse envoyée"
    return days_text(days)


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
                       ("Décision", "par_decision"), ("Satisfaction", "par_satisfaction"),
                       ("Registre", "par_registre")):
        if key in figures:
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


def _code(name: str) -> str:
    """A file name as Markdown code (shown literally; a backtick would end it)."""
    flat = " ".join(name.replace("`", "'").split())
    return f"`{flat}`"


def _followed(count: int) -> str:
    return plural(count, "réclamation suivie", "réclamations suivies")


def sources_markdown(data: ReportData) -> str:
    """Which registers the report reads, and the rows it had to leave out."""
    if len(data.registers) == 1:
        text = f"Registre {_code(data.registers[0])} : {_followed(data.total)}."
    else:
        listed = ", ".join(f"{_code(name)} ({count})" for name, count in data.totals.items())
        text = (f"{len(data.registers)} registres, {_followed(data.total)} en tout : "
                f"{listed}. Leurs chiffres sont additionnés.")
    for name, rows in data.ignored_rows.items():
        lines = ", ".join(map(str, rows[:20]))
        where = "" if len(data.registers) == 1 else f" de {_code(name)}"
        left_out = agree(len(rows), "non comptée", "non comptées")
        text += (f" **{plural(len(rows), 'ligne', 'lignes')}{where} sans date de réclamation "
                 f"valide, {left_out}** (lignes {lines} ; voir "
                 "`toolkit check`).")
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


# --- headline figures ----------------------------------------------------------------------

HEADLINE_LABELS = {
    "recues": "Réclamations reçues",
    "accuse_a_temps_pct": "Accusés dans le délai",
    "reponse_a_temps_pct": "Réponses dans le délai",
    "delai_reponse_median_jours": "Délai de réponse médian",
    "en_cours": "Réclamations sans réponse",
}
# Printed and on screen alike: five boxes side by side, none cut across a page.
HEADLINE_STYLE = """<style>
.chiffres-cles { display: flex; gap: 8px; margin: 4px 0 6px; break-inside: avoid; }
.chiffres-cles .chiffre { flex: 1 1 0; border: 1px solid #C9D3DE; border-top: 4px solid #1F4E78;
  padding: 6px 8px; border-radius: 3px; }
.chiffres-cles .libelle { font-size: 12px; line-height: 1.4; color: #333; min-height: 2.8em; }
.chiffres-cles .valeur { font-size: 24px; font-weight: bold; color: #1F4E78; margin: 2px 0; }
.chiffres-cles .repere { font-size: 11px; color: #555; white-space: nowrap; }
</style>"""


def headline_value(item: Headline, value: float | None) -> str:
    """A headline value as shown: ``66,7 %``, ``22 jours``, ``4,5``; ``—`` when there is
    nothing to measure."""
    if value is None:
        return "—"
    if item.key.endswith("_pct"):
        return number_fr(value, "%")
    if item.key == "delai_reponse_median_jours":
        return days_text(value)
    return number_fr(value)


def _box(item: Headline, previous: str) -> str:
    return (f'<div class="chiffre"><div class="libelle">{HEADLINE_LABELS[item.key]}</div>'
            f'<div class="valeur">{headline_value(item, item.month)}</div>'
            f'<div class="repere">{previous} : {headline_value(item, item.previous)}</div>'
            f'<div class="repere">moyenne : {headline_value(item, item.average)}</div></div>')


def headline_html(data: ReportData) -> str:
    """The report's first line: five boxes, each with the month's value, the previous
    month's and the average of the months before (:func:`headline_note` says which)."""
    previous = MONTHS_SHORT_FR[parse_month(data.headline.previous)[1] - 1]
    boxes = "".join(_box(item, previous) for item in data.headline.figures)
    return f'{HEADLINE_STYLE}<div class="chiffres-cles">{boxes}</div>'


def headline_note(data: ReportData) -> str:
    """How to read the boxes: which months, and what the averages are made of."""
    heads = data.headline
    text = f"Chiffres des réclamations reçues en {month_words(data.mois)}"
    if data.today < month_end(*parse_month(data.mois)):
        text += f" (mois en cours : situation au {date_fr(data.today)})"
    text += (". Délais : part des délais tenus parmi ceux qui sont échus ou dont le courrier "
             "est parti. Sans réponse : toutes les réclamations encore sans réponse à la fin "
             "du mois, quel que soit leur mois de réception.")
    text += f" Comparaison avec {month_words(heads.previous)}"
    if len(heads.earlier) == 1:
        # The register's second month: the average is of the previous month alone.
        text += (" (seul mois précédent : la moyenne est la sienne) ; pour les délais et le "
                 "délai médian, sur toutes les réclamations de ce mois")
    elif heads.earlier:
        text += (f" et avec la moyenne des {len(heads.earlier)} mois précédents "
                 f"({month_words(heads.earlier[0])} à {month_words(heads.earlier[-1])}) ; pour "
                 "les délais et le délai médian, sur toutes les réclamations de ces mois")
    return text + ". « — » : rien à mesurer."


def agencies_table(data: ReportData):
    """One row per agency and one for all of them (``None`` for a single register)."""
    import pandas as pd

    if len(data.agencies) < 2:
        return None
    whole = {item.key: item.month for item in data.headline.figures}
    rows = [(row.agency, row.recues, row.accuse_a_temps_pct, row.reponse_a_temps_pct,
             row.en_cours) for row in data.agencies]
    rows.append(("Ensemble", whole["recues"], whole["accuse_a_temps_pct"],
                 whole["reponse_a_temps_pct"], whole["en_cours"]))
    return pd.DataFrame([(name, received, number_fr(ack, "%"), number_fr(reply, "%"), open_)
                         for name, received, ack, reply, open_ in rows],
                        columns=["Agence", "Reçues", "Accusés dans le délai",
                                 "Réponses dans le délai", "Sans réponse"])


def satisfaction_summary(data: ReportData) -> str:
    """The satisfaction of the window's replied complaints, in one sentence."""
    totals = data.satisfaction.sum()
    replied = int(totals.sum())
    period = f"{month_words(data.satisfaction.index[0])} à {month_words(data.mois)}"
    if not replied:
        return f"Aucune réponse envoyée aux réclamations reçues de {period}."
    parts = [f"{name} : {int(n)}" for name, n in totals.items() if n]
    text = f"Réclamations reçues de {period} et déjà répondues : {replied} ({' ; '.join(parts)})."
    if totals.get(NOT_SET):
        text += f" « {NOT_SET} » : réponse envoyée, avis du client non consigné au registre."
    return text


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


def watch_table(data: ReportData, limit: int = WATCH_ROWS):
    """Late or soon-due complaints, as management reads them (number, not name); the
    ``limit`` most urgent only: the full list is ``toolkit status --ouvertes``. With several
    registers, the agency comes first: the same number may be in two of them."""
    import pandas as pd

    watch = data.watch.head(limit)
    table = pd.DataFrame({
        # A non-breaking hyphen: a number never breaks across lines in a narrow column.
        "Numéro": [str(numero).replace("-", "\u2011") for numero in watch["numero"]],
        "Reçue le": [date_fr(day) for day in watch["recue"]],
        "Catégorie": watch["categorie"].fillna("—"),
        "Échéance": [f"{DEADLINE_WORDS[kind]} au {date_fr(day)}"
                     for kind, day in zip(watch["echeance_de"], watch["echeance"], strict=True)],
        "Situation": [_situation(row) for row in watch.to_dict("records")],
        # Management reads what is to be done; the command to run is for the desk (status).
        "Prochaine action": [str(action).split(" : toolkit ")[0]
                             for action in watch["prochaine_action"]],
        "Responsable": watch["responsable"].fillna("—"),
    }, columns=["Numéro", "Reçue le", "Catégorie", "Échéance", "Situation",
                "Prochaine action", "Responsable"])
    if len(data.registers) > 1:
        table.insert(0, "Agence", watch["agence"])
    return table


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
