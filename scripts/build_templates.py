"""Regenerate the five Word letter templates of the top-level letters/ folder (docxtpl syntax).

    python scripts/build_templates.py            # writes letters/*.docx
    python scripts/build_templates.py OUT_DIR    # writes them elsewhere

The .docx files are the real artefacts: staff edit them in Word afterwards, so rerunning this
script throws their edits away. Every Jinja tag sits alone in its own run, so that Word's
spell-checker or a retyped word cannot split it. The fields are those of
``toolkit.rules.letters.CONTEXT_FIELDS``; ``toolkit templates`` lists what each template uses.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "Arial"
FONT_SIZE = Pt(11)
RIGHT_BLOCK_INDENT = Cm(9.5)
# The folder the wheel ships the templates from (pyproject.toml, force-include).
LETTERS_DIR = Path(__file__).resolve().parents[1] / "letters"
_TAG = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})")

SENDER = [
    "{{ societe_adresse }}",
    "Tél. : {{ societe_telephone }}",
    "Courriel : {{ societe_courriel }}",
]
POLITESSE = [
    "Nous restons à votre disposition pour tout renseignement complémentaire et vous "
    "prions d'agréer, {{ salutation }}, l'expression de nos salutations distinguées.",
]
MEDIATOR_CONDITIONS = (
    "Le médiateur ne peut être saisi qu'après une tentative de résolution du litige "
    "directement auprès de nos services par une réclamation écrite, et dans un délai "
    "d'un an à compter de celle-ci (articles L612-1 et L612-2 du Code de la "
    "consommation)."
)
REMINDER = (
    "Pour toute question, vous pouvez nous joindre au {{ societe_telephone }} ou à l'adresse "
    "{{ societe_courriel }}, en rappelant le numéro de votre réclamation."
)


@dataclass(frozen=True)
class Letter:
    title: str
    objet: str
    body: tuple[str, ...]


LETTERS = {
    "confirmation": Letter(
        "Demande de confirmation écrite d'une réclamation téléphonique",
        "Votre réclamation téléphonique n° {{ numero }} du {{ date_reclamation }}",
        (
            "Vous nous avez fait part par téléphone, le {{ date_reclamation }}, de votre "
            "mécontentement. Nous avons enregistré votre réclamation sous le numéro "
            "{{ numero }}.",
            "Conformément à notre procédure de traitement des réclamations, nous vous "
            "remercions de bien vouloir nous la confirmer par écrit, en nous précisant les "
            "faits et en joignant, le cas échéant, les documents utiles :",
            "- par courriel à l'adresse {{ societe_courriel }}, en indiquant le terme "
            "« Réclamation » dans l'objet de votre message ;",
            "- ou par courrier à l'adresse figurant en tête de la présente lettre.",
            "Dès réception de votre confirmation, nous poursuivrons l'examen de votre "
            "réclamation dans les délais prévus par notre procédure.",
        ),
    ),
    "accuse": Letter(
        "Accusé de réception d'une réclamation",
        "Accusé de réception de votre réclamation n° {{ numero }} du {{ date_reclamation }}",
        (
            "Nous accusons bonne réception de votre réclamation du {{ date_reclamation }}, "
            "enregistrée sous le numéro {{ numero }}.",
            "Votre réclamation fait l'objet d'un examen attentif : nous menons actuellement "
            "les vérifications nécessaires à son traitement.",
            "Nous nous engageons à vous adresser notre réponse au plus tard le "
            "{{ echeance_reponse }}.",
            REMINDER,
        ),
    ),
    "complements": Letter(
        "Demande d'informations complémentaires",
        "Votre réclamation n° {{ numero }} du {{ date_reclamation }} : "
        "demande d'informations complémentaires",
        (
            "Nous avons bien reçu votre réclamation du {{ date_reclamation }}, enregistrée "
            "sous le numéro {{ numero }}.",
            "Afin de pouvoir la traiter, nous avons besoin des informations ou documents "
            "suivants :",
            "{%p for information in informations_manquantes %}",
            "- {{ information }}",
            "{%p endfor %}",
            "Nous vous remercions de nous les faire parvenir dans les meilleurs délais, par "
            "courriel à l'adresse {{ societe_courriel }} ou par courrier, en rappelant le "
            "numéro de votre réclamation. Dès leur réception, nous poursuivrons l'examen de "
            "votre dossier.",
        ),
    ),
    "suivi": Letter(
        "Information sur l'avancement du traitement d'une réclamation",
        "Votre réclamation n° {{ numero }} du {{ date_reclamation }} : "
        "état d'avancement",
        (
            "Nous revenons vers vous au sujet de votre réclamation du {{ date_reclamation }}, "
            "enregistrée sous le numéro {{ numero }}.",
            "Son traitement est toujours en cours : les vérifications nécessaires à une "
            "réponse complète ne sont pas encore achevées.",
            "{%p if reponse_en_retard %}",
            "Des circonstances particulières ne nous ont pas permis de vous répondre dans le "
            "délai d'un mois prévu par notre procédure, ce dont nous vous prions de bien "
            "vouloir nous excuser. Nous mettons tout en œuvre pour vous adresser notre "
            "réponse au plus tard le {{ date_reponse_prevue }}.",
            "{%p else %}",
            "Nous vous adresserons notre réponse au plus tard le {{ date_reponse_prevue }}.",
            "{%p endif %}",
            "{%p if mediation %}",
            "Notre réponse ne vous étant pas parvenue dans le délai auquel nous nous étions "
            "engagés, vous pouvez, si vous le souhaitez, recourir gratuitement au médiateur "
            "de la consommation dont nous relevons, en vue de la résolution amiable du "
            "litige : {{ mediateur_nom }}, {{ mediateur_site }}.",
            MEDIATOR_CONDITIONS,
            "{%p endif %}",
            REMINDER,
        ),
    ),
    "reponse": Letter(
        "Réponse à une réclamation",
        "Réponse à votre réclamation n° {{ numero }} du {{ date_reclamation }}",
        (
            "Nous faisons suite à votre réclamation du {{ date_reclamation }}, enregistrée "
            "sous le numéro {{ numero }}.",
            "{%p if actions %}",
            "Nous avons procédé à l'examen de votre dossier. Voici les démarches que nous "
            "avons entreprises :",
            "{{ actions }}",
            "{%p endif %}",
            "{{ decision_texte }}",
            "{{ resolution }}",
            "{%p if mediation %}",
            "Si cette réponse ne vous donne pas satisfaction, vous pouvez recourir "
            "gratuitement au médiateur de la consommation dont nous relevons, en vue de la "
            "résolution amiable du litige : {{ mediateur_nom }}, {{ mediateur_site }}.",
            MEDIATOR_CONDITIONS,
            "{%p endif %}",
        ),
    ),
}


def _add_runs(paragraph, text: str, bold: bool = False) -> None:
    """One run per literal piece and one run per tag."""
    for piece in _TAG.split(text):
        if piece:
            paragraph.add_run(piece).bold = bold


def _paragraph(doc, text: str = "", *, indent=None, after=None, bold=False,
               justify=False):
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_after = after if after is not None else Pt(0)
    if indent is not None:
        fmt.left_indent = indent
    if justify:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _add_runs(paragraph, text, bold=bold)
    return paragraph


def _body_paragraph(doc, text: str) -> None:
    if text.startswith("{%p"):
        _paragraph(doc, text)
    elif text.startswith("- "):
        # A real dash and an indent rather than Word numbering: staff keep control of it.
        _paragraph(doc, "– " + text[2:], indent=Cm(1), after=Pt(4), justify=True)
    else:
        _paragraph(doc, text, after=Pt(8), justify=True)


def _set_defaults(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = FONT_SIZE
    run_properties = normal.element.get_or_add_rPr()
    fonts = run_properties.find(qn("w:rFonts"))
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    run_properties.append(language)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1


def _header_blocks(doc) -> None:
    _paragraph(doc, "{{ societe_nom }}", bold=True)
    for line in SENDER:
        _paragraph(doc, line)
    _paragraph(doc, after=Pt(24))
    _paragraph(doc, "{{ destinataire }}", indent=RIGHT_BLOCK_INDENT)
    _paragraph(doc, "{{ client_adresse }}", indent=RIGHT_BLOCK_INDENT, after=Pt(24))
    _paragraph(doc, "{{ lieu_date }}", indent=RIGHT_BLOCK_INDENT, after=Pt(24))


def build(letter: Letter):
    doc = Document()
    _set_defaults(doc)
    doc.core_properties.title = letter.title
    doc.core_properties.language = "fr-FR"
    doc.core_properties.author = ""
    doc.core_properties.comments = ""
    _header_blocks(doc)
    objet = _paragraph(doc, "Objet : ", bold=True, after=Pt(24))
    _add_runs(objet, letter.objet)
    _paragraph(doc, "{{ salutation }},", after=Pt(12))
    for text in letter.body:
        _body_paragraph(doc, text)
    for text in POLITESSE:
        _paragraph(doc, text, after=Pt(36), justify=True)
    _paragraph(doc, "{{ signataire }}", indent=RIGHT_BLOCK_INDENT)
    _paragraph(doc, "{{ societe_nom }}", indent=RIGHT_BLOCK_INDENT)
    return doc


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else LETTERS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    for type_id, letter in LETTERS.items():
        target = out_dir / f"{type_id}.docx"
        build(letter).save(target)
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
