# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (toolkit)
#     language: python
#     name: python3
# ---

# %%
# Monthly complaints report. Thin on purpose: every figure comes from toolkit.rules.stats, every
# chart from toolkit.report.charts, every sentence from toolkit.report.display. `toolkit report`
# executes it with the parameters below and exports the outputs (no code) to HTML.
# Each "## ..." heading names a step: an error is reported with the step it happened in.
from toolkit import dates
from toolkit.api import stats_registers
from toolkit.report import charts
from toolkit.report import display as words
from toolkit.rules import stats

# %% tags=["parameters"]
# Gardez le r devant les guillemets : un chemin Windows se colle alors tel quel, par exemple
# register_path = r"C:\Users\accueil\OneDrive\Réclamations\registre_reclamations.xlsx"
# Plusieurs registres (un par agence) : un chemin par ligne, entre triples guillemets r"""...""".
register_path = r"../register/exemple_registre.xlsx"
month = "2026-11"
today = "2026-11-20"

# %%
year, month_number = dates.parse_month(month)
day = dates.parse_day(today)
charts.markdown(words.report_title(month, day))

# %% [markdown]
# ## Lecture du registre

# %%
registers = stats_registers(register_path.splitlines())
data = stats.report_data(stats.sources_of(registers), year, month_number, day)
charts.markdown(words.sources_markdown(data))

# %% [markdown]
# ## Chiffres clés

# %%
charts.html(words.headline_html(data))

# %%
charts.markdown(words.headline_note(data))

# %%
charts.table(words.agencies_table(data))

# %% [markdown]
# ## Chiffres du mois

# %%
charts.markdown(words.headline_markdown(data.figures))

# %% [markdown]
# ## Réclamations reçues sur 12 mois

# %%
charts.image(charts.received_by_channel(data.channels))

# %% [markdown]
# ## Délais de réponse
#
# Chaque barre compte les réclamations selon le nombre de jours entre leur réception et
# l'envoi de la réponse. La réponse est due au plus tard un mois après la réception (le même
# quantième du mois suivant, soit 28 à 31 jours).

# %%
charts.image(charts.reply_times(data.delays))

# %% [markdown]
# ## Délais d'accusé de réception
#
# L'accusé de réception est dû au plus tard le 10ᵉ jour ouvrable après la réception (du lundi
# au samedi, hors jours fériés).

# %%
charts.image(charts.ack_times(data.delays))

# %% [markdown]
# ## Respect des délais sur 12 mois
#
# Part des délais respectés parmi les délais déjà jugés (envoi fait, ou échéance passée) ;
# un délai qui court encore n'est compté ni comme respecté ni comme dépassé.

# %%
charts.image(charts.on_time_rates(data.series))

# %% [markdown]
# ## Réclamations en cours en fin de mois

# %%
charts.image(charts.backlog(data.series))

# %% [markdown]
# ## Catégories et décisions

# %%
charts.image(charts.categories(data.categories, data.quarter, data.leading_categories))

# %%
charts.table(words.counts_table(data.decisions, "Mois de réception"))

# %% [markdown]
# ## Satisfaction des clients
#
# Recueillie à la clôture (colonne « Satisfaction du client » du registre), pour les
# réclamations déjà répondues, classées par mois de réception.

# %%
charts.image(charts.satisfaction(data.satisfaction))

# %%
charts.markdown(words.satisfaction_summary(data))

# %% [markdown]
# ## Réclamations en retard ou à échéance sous 7 jours

# %%
charts.markdown(words.watch_summary(data.watch, day))

# %%
charts.table(words.watch_table(data))

# %% [markdown]
# ## Pistes d'amélioration

# %%
charts.markdown(words.improvements_markdown(data))
