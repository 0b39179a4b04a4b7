"""The monthly report's charts (matplotlib) and the notebook's display helpers.

Each chart takes what :mod:`toolkit.rules.stats` computed and returns a matplotlib ``Figure``
built without pyplot (no global state, nothing shown twice in a notebook); French labels.
The notebook shows them with :func:`image`, which embeds a PNG: the exported HTML then
carries every chart inside itself.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from toolkit.report.display import month_short, number_fr
from toolkit.rules.columns import CANAUX, SATISFACTIONS
from toolkit.rules.deadlines import ACK_WORKING_DAYS
from toolkit.rules.stats import NOT_SET

FIGSIZE = (9, 3.8)
DPI = 110
BLUE, ORANGE, GREEN, RED, GREY = "#1F4E78", "#E08A2C", "#3A8F5C", "#C0392B", "#7F7F7F"
LIGHT_GREEN, LIGHT_GREY = "#9BC9A8", "#D9D9D9"
CHANNEL_COLORS = dict(zip(CANAUX, (BLUE, ORANGE, GREEN), strict=True))
SATISFACTION_COLORS = {**dict(zip(SATISFACTIONS, (GREEN, LIGHT_GREEN, RED, GREY), strict=True)),
                       NOT_SET: LIGHT_GREY}
# The one-month limit is 28 to 31 calendar days depending on the month of reception.
MONTH_LIMIT_DAYS = (28, 31)


def _figure(title: str) -> tuple[Figure, object]:
    figure = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, loc="left", fontsize=12, fontweight="bold", color="#222222")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return figure, axes


def _no_data(axes, text: str) -> None:
    axes.text(0.5, 0.5, text, transform=axes.transAxes, ha="center", va="center",
              color=GREY, fontsize=11)
    axes.set_xticks([])
    axes.set_yticks([])


def _month_axis(axes, keys: list[str]) -> None:
    axes.set_xticks(range(len(keys)), [month_short(key) for key in keys],
                    rotation=45 if len(keys) > 6 else 0, ha="right" if len(keys) > 6 else "center")


def _stacked_by_month(axes, counts: pd.DataFrame, colors: dict[str, str]) -> None:
    """One bar per month (rows), one segment per column, in the columns' order."""
    positions = np.arange(len(counts))
    bottom = np.zeros(len(counts))
    for name in counts.columns:
        values = counts[name].to_numpy(dtype=float)
        axes.bar(positions, values, bottom=bottom, label=name, width=0.7,
                 color=colors.get(name, GREY))
        bottom += values
    _month_axis(axes, list(counts.index))


def received_by_channel(channels: pd.DataFrame) -> Figure:
    """Stacked bars: complaints received per month (rows of ``channels``), by channel."""
    figure, axes = _figure("Réclamations reçues par mois et par canal")
    _stacked_by_month(axes, channels, CHANNEL_COLORS)
    axes.set_ylabel("Réclamations reçues")
    axes.legend(frameon=False, ncols=len(channels.columns), loc="upper left")
    return figure


def satisfaction(by_month: pd.DataFrame) -> Figure:
    """Stacked bars: what the clients of each month's replied complaints said at closure."""
    figure, axes = _figure("Satisfaction des clients à la clôture, par mois de réception")
    if not by_month.to_numpy().any():
        _no_data(axes, "Aucune réponse envoyée sur la période")
        return figure
    shown = by_month.loc[:, (by_month != 0).any(axis=0) | by_month.columns.isin(SATISFACTIONS)]
    _stacked_by_month(axes, shown, SATISFACTION_COLORS)
    axes.set_ylabel("Réclamations répondues")
    # Outside the bars, on the right: five labels would hide the tallest month.
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    return figure


@dataclass(frozen=True)
class _DelayChart:
    """How one delay's distribution is drawn (values, colours, and its legal limit)."""

    title: str
    column: str
    met: str
    empty: str
    xlabel: str
    limit: tuple[float, ...]  # one value: a line; two: a band
    limit_label: str
    bins_start: float
    bin_width: int


_REPLY = _DelayChart(
    "Délais de réponse (jours calendaires, réclamations des 12 mois)", "delai_reponse_jours",
    "reponse_a_temps", "Aucune réponse envoyée sur la période",
    "Jours entre la réception et l'envoi de la réponse", MONTH_LIMIT_DAYS,
    "limite : un mois (28 à 31 jours)", 0, 2)
# The line goes between 10 and 11: an acknowledgement on the 10th jour ouvrable is on time.
_ACK = _DelayChart(
    "Délais d'accusé de réception (jours ouvrables, 12 mois)", "delai_accuse_jours_ouvrables",
    "accuse_a_temps", "Aucun accusé de réception envoyé sur la période",
    "Jours ouvrables entre la réception et l'envoi de l'accusé", (ACK_WORKING_DAYS + 0.5,),
    f"limite : {ACK_WORKING_DAYS} jours ouvrables", -0.5, 1)


def _delay_distribution(delays: pd.DataFrame, chart: _DelayChart) -> Figure:
    """Stacked histogram, deadline met or not (as register.status judged it), limit drawn."""
    figure, axes = _figure(chart.title)
    done = delays[delays[chart.column].notna()]
    if done.empty:
        _no_data(axes, chart.empty)
        return figure
    values, met = done[chart.column].astype(float), done[chart.met].astype(bool)
    top = max(values.max(), *chart.limit) + 2 * chart.bin_width
    axes.hist([values[met], values[~met]], bins=np.arange(chart.bins_start, top + 1,
                                                            chart.bin_width),
              stacked=True, color=[GREEN, RED], label=["délai respecté", "délai dépassé"],
              edgecolor="white", linewidth=0.6)
    if len(chart.limit) == 2:
        axes.axvspan(*chart.limit, color=RED, alpha=0.12, linewidth=0, label=chart.limit_label)
    else:
        axes.axvline(chart.limit[0], color=RED, linestyle="--", linewidth=1.5,
                     label=chart.limit_label)
    axes.set_xlabel(chart.xlabel)
    axes.set_ylabel("Réclamations")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(frameon=False)
    return figure


def reply_times(delays: pd.DataFrame) -> Figure:
    """Distribution of reply times (calendar days) with the one-month limit drawn."""
    return _delay_distribution(delays, _REPLY)


def ack_times(delays: pd.DataFrame) -> Figure:
    """Acknowledgement times (jours ouvrables) with the 10-jours-ouvrables limit drawn."""
    return _delay_distribution(delays, _ACK)


def on_time_rates(series: pd.DataFrame) -> Figure:
    """Share of deadlines met per month of reception (judged deadlines only)."""
    figure, axes = _figure("Délais respectés, par mois de réception")
    positions = range(len(series))
    for column, label, color in (("accuse_a_temps_pct", "accusé de réception à temps", BLUE),
                                 ("reponse_a_temps_pct", "réponse à temps", ORANGE)):
        values = pd.to_numeric(series[column], errors="coerce")
        axes.plot(positions, values, marker="o", color=color, label=label, linewidth=2)
    axes.set_ylim(0, 105)
    axes.set_yticks([0, 25, 50, 75, 100])
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number_fr(round(v), "%")))
    _month_axis(axes, list(series.index))
    axes.legend(frameon=False, loc="lower left")
    return figure


def backlog(series: pd.DataFrame) -> Figure:
    """Complaints still without a reply at each month's end."""
    figure, axes = _figure("Réclamations en cours (sans réponse) en fin de mois")
    values = series["en_cours_fin_de_mois"].to_numpy(dtype=float)
    axes.bar(range(len(values)), values, color=BLUE, width=0.6)
    _month_axis(axes, list(series.index))
    axes.set_ylabel("Réclamations en cours")
    return figure


def categories(categories_by_month: pd.DataFrame, quarter: list[str],
               leading: list[str]) -> Figure:
    """Complaints per category over the last quarter; the categories tied for first place
    (``stats.leading_categories``: all of them, or none) highlighted."""
    figure, axes = _figure("Catégories des réclamations reçues sur le dernier trimestre")
    totals = categories_by_month.reindex(quarter).fillna(0).sum().astype(int)
    if not (totals > 0).any():
        _no_data(axes, "Aucune réclamation reçue sur le trimestre")
        return figure
    rank = {name: i for i, name in enumerate(totals.index)}
    # Drawn bottom-up: the largest on top and, among equals, the first of the list on top,
    # as stats.top_categories ranks them.
    bars = sorted(((n, name) for name, n in totals.items() if n),
                  key=lambda bar: (bar[0], -rank[bar[1]]))
    axes.barh([name for _, name in bars], [n for n, _ in bars],
              color=[ORANGE if name in leading else GREY for _, name in bars])
    axes.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    axes.grid(axis="y", visible=False)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(_leading_words(leading))
    return figure


def _leading_words(leading: list[str]) -> str:
    if not leading:
        return "Réclamations (aucune catégorie ne se détache)"
    if len(leading) == 1:
        return "Réclamations (en orange : la plus fréquente)"
    return f"Réclamations (en orange : les {len(leading)} plus fréquentes, à égalité)"


# --- showing things in the notebook -----------------------------------------------------------

def image(figure: Figure):
    """The figure as an embedded PNG (what the HTML export keeps)."""
    from IPython.display import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    title = figure.axes[0].get_title(loc="left") if figure.axes else ""
    return Image(data=buffer.getvalue(), format="png", metadata={"alt": title})


def markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


def html(text: str):
    """HTML the toolkit wrote itself (never staff text unescaped)."""
    from IPython.display import HTML

    return HTML(text)


def table(frame: pd.DataFrame | None):
    """A table without the index column; cell text is escaped (it comes from the register).
    Nothing (``None``) for no table or an empty one: the text above it already says so."""
    from IPython.display import HTML

    if frame is None or frame.empty:
        return None
    return HTML(frame.to_html(index=False, border=0, escape=True, na_rep="—"))
