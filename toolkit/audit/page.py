"""``synthese.html``: the audit summary as one self-contained French page.

No script, no external stylesheet or font: the auditor opens it offline from the zip.
Every value from the register is escaped by Jinja's autoescaping (client text is data).
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.audit.summary import AuditSummary, Share
from toolkit.dates import date_fr
from toolkit.display import plural

TEMPLATE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Audit des réclamations du {{ s.du|d }} au {{ s.au|d }}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; margin: 2em auto; max-width: 60em;
       color: #222; line-height: 1.4; }
h1 { font-size: 1.5em; border-bottom: 3px solid #1F4E78; padding-bottom: .3em; }
h2 { font-size: 1.15em; color: #1F4E78; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #bbb; padding: .35em .5em; text-align: left; vertical-align: top; }
th { background: #1F4E78; color: #fff; font-weight: normal; }
td.num { text-align: right; white-space: nowrap; }
.missing { color: #a00; font-style: italic; }
.note { color: #555; font-size: .9em; }
.texte { white-space: pre-line; }
</style>
</head>
<body>
<h1>Audit des réclamations clients — du {{ s.du|d }} au {{ s.au|d }}</h1>
<p>{{ societe }} — synthèse établie le {{ s.today|d }} à partir du registre
« {{ register_name }} ». Indicateurs Qualiopi 31 (traitement des réclamations) et
32 (mesures d'amélioration).</p>

<h2>Chiffres clés</h2>
<table>
<tr><th>Indicateur</th><th>Résultat</th><th>Détail</th></tr>
<tr><td>Réclamations reçues sur la période</td><td class="num">{{ s.total }}</td><td></td></tr>
{% for label, share in shares %}
<tr><td>{{ label }}</td><td class="num">{{ share|pct }}</td>
<td>{{ share.on_time }} dans le délai sur {{ share.judged }} dont le délai est échu ou le
courrier envoyé ; {{ share.late }} hors délai ; {{ share.pending }} en cours (délai non
échu).</td></tr>
{% endfor %}
</table>
<p class="note">Accusé de réception : au plus tard le 10<sup>e</sup> jour ouvrable après la
réception (lundi à samedi hors jours fériés, jour de réception non compté). Réponse : au plus
tard un mois après la réception. Un délai est tenu quand le courrier part au plus tard le
jour de l'échéance.</p>

<h2>Répartition</h2>
{% macro counts(title, data) %}
<table>
<tr><th>{{ title }}</th><th>Réclamations</th></tr>
{% for name, count in data.items() %}
<tr><td>{{ name }}</td><td class="num">{{ count }}</td></tr>
{% endfor %}
</table>
{% endmacro %}
{{ counts("Canal", s.par_canal) }}
{{ counts("Catégorie", s.par_categorie) }}

<h2>Satisfaction des clients à la clôture</h2>
{% set closed = s.satisfaction.values()|sum %}
{% if closed %}
<p>{{ closed|plural("réclamation de la période a", "réclamations de la période ont") }}
reçu une réponse ; avis recueilli auprès du client (colonne « Satisfaction du client ») :</p>
{{ counts("Satisfaction", s.satisfaction) }}
{% else %}<p>Aucune réclamation de la période n'a encore reçu de réponse.</p>{% endif %}

<h2>Délais non tenus et leur raison</h2>
{% if s.late_cases %}
<table>
<tr><th>Numéro</th><th>Client</th><th>Reçue le</th><th>Délai</th><th>Échéance</th>
<th>Envoyé le</th><th>Retard</th><th>Raison (Observations)</th></tr>
{% for c in s.late_cases %}
<tr><td>{{ c.numero }}</td><td>{{ c.nom }}</td><td>{{ c.date_reclamation|d }}</td>
<td>{{ c.echeance }}</td><td>{{ c.deadline|d }}</td>
<td>{% if c.sent %}{{ c.sent|d }}{% else %}<span class="missing">non envoyé</span>{% endif %}</td>
<td class="num">{{ c.days_late }} j</td>
<td class="texte">{% if c.reason %}{{ c.reason }}{% else %}<span class="missing">aucune raison
consignée</span>{% endif %}</td></tr>
{% endfor %}
</table>
{% else %}<p>Aucun délai dépassé sur la période.</p>{% endif %}

<h2>Actions menées et mesures d'amélioration consignées</h2>
{% if s.actions %}
<table>
<tr><th>Numéro</th><th>Catégorie</th><th>Actions</th><th>Résolution</th><th>Décision</th></tr>
{% for a in s.actions %}
<tr><td>{{ a.numero }}</td><td>{{ a.categorie }}</td><td class="texte">{{ a.actions }}</td>
<td class="texte">{{ a.resolution }}</td><td>{{ a.decision }}</td></tr>
{% endfor %}
</table>
{% else %}<p class="missing">Aucune action consignée dans la colonne « Actions ».</p>{% endif %}

<h2>Contenu de l'archive</h2>
<ul>
<li><code>registre/{{ register_name }}</code> : copie du registre au {{ s.today|d }}.</li>
<li><code>dossiers/</code> : {{ contents.dossiers|length|plural("dossier", "dossiers") }}
des réclamations de la période.{% if contents.missing_dossiers %}
<span class="missing">Dossier absent pour :
{{ contents.missing_dossiers|join(", ") }}.</span>{% endif %}</li>
<li><code>rapports/</code> :
{% if contents.reports %}{{ contents.reports|join(", ") }}
{% else %}<span class="missing">aucun rapport mensuel</span>{% endif %}.
{% if contents.report_failures %}<span class="missing">Non produits :
{{ contents.report_failures|join(" ; ") }}.</span>{% endif %}</li>
</ul>
{% if s.rows_without_date %}<p class="missing">Lignes du registre sans date de réclamation
valide, non prises en compte : {{ s.rows_without_date|join(", ") }}.</p>{% endif %}
</body>
</html>
"""


@dataclass(frozen=True)
class ArchiveContents:
    """What the zip holds besides the summary, as the page lists it."""

    dossiers: tuple[str, ...] = ()
    missing_dossiers: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()
    report_failures: tuple[str, ...] = ()


def percent_fr(share: Share) -> str:
    """``83,3 %`` (French decimal comma, non-breaking space); ``—`` when nothing is judged."""
    if share.percent is None:
        return "—"
    return f"{share.percent:.1f}".replace(".", ",") + "\u00a0%"


def render_summary(summary: AuditSummary, contents: ArchiveContents, register_name: str,
                   societe: str) -> str:
    from jinja2 import Environment

    environment = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["d"] = date_fr
    environment.filters["pct"] = percent_fr
    environment.filters["plural"] = plural
    shares = (("Accusés de réception envoyés dans les 10 jours ouvrables", summary.ack),
              ("Réponses envoyées dans le mois", summary.reply))
    return environment.from_string(TEMPLATE).render(
        s=summary, shares=shares, contents=contents, register_name=register_name,
        societe=societe)
