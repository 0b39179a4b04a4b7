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
REMINDER = (
    "Pour toute question, vous pouvez nous joindre au {{ societe_telephone }} ou à l'adresse "
    "{{ societe_courriel }}, en rappelant le numéro de votre réclamation."
)
# The consumer mediator (Code de la consommation L612-1, L612-2, L616-1, R612-1): name,
# postal address and site, free of charge, and when it can be seized. ``intro`` says why.
MEDIATOR_DETAILS = (
    "{{ mediateur_nom }}, {{ mediateur_adresse }} ; site internet : {{ mediateur_site }}."
)
MEDIATOR_CONDITIONS = (
    "Le médiateur ne peut examiner votre demande que si vous avez d'abord tenté de résoudre "
    "le litige directement auprès de nos services par une réclamation écrite, si vous le "
    "saisissez dans un délai d'un an à compter de cette réclamation, si votre demande n'est "
    "ni manifestement infondée ni abusive, si le litige n'a pas déjà été examiné ou n'est "
    "pas en cours d'examen par un autre médiateur ou par un tribunal, et s'il relève de sa "
    "compétence (article L612-2 du Code de la consommation). Vous pouvez le saisir par "
    "courrier à l'adresse ci-dessus ou sur son site internet."
)
# A business is not a consumer: no consumer mediation between professionals (article
# liminaire and L611-3 of the Code de la consommation).
PROFESSIONAL_RECOURSE = (
    "Votre réclamation ayant été présentée au titre de votre activité professionnelle, la "
    "médiation de la consommation, réservée aux litiges entre un consommateur et un "
    "professionnel, ne vous est pas ouverte (article liminaire et article L611-3 du Code de "
    "la consommation). Si vous le souhaitez, vous pouvez solliciter le Médiateur des "
    "entreprises, service public gratuit de médiation entre entreprises "
    "(www.economie.gouv.fr/mediateur-des-entreprises), ou saisir la juridiction compétente."
)
# GDPR art. 13, in plain words (CNIL): who, why and on what basis, who receives the data,
# how long it is kept, the rights and where to exercise them, the right to complain.
DATA_NOTICE = (
    "Vos données personnelles : {{ societe_nom }}, dont les coordonnées figurent en tête de "
    "ce courrier, utilise les informations de votre réclamation (identité, coordonnées, "
    "faits et pièces) pour la traiter et vous répondre, sur le fondement de l'exécution de "
    "votre contrat et de son intérêt légitime à traiter les réclamations de ses clients "
    "(article 6 du RGPD). Seules les personnes chargées de votre réclamation y ont accès ; "
    "elles peuvent être communiquées au médiateur de la consommation si vous le saisissez, "
    "et à l'organisme chargé de contrôler la qualité de nos services. Elles sont conservées "
    "{{ duree_conservation }} an{% if duree_conservation > 1 %}s{% endif %} après notre "
    "réponse, puis effacées. Vous pouvez y accéder, les faire rectifier ou effacer, en "
    "demander la limitation ou vous opposer à leur traitement en écrivant à "
    "{{ donnees_contact }}. Si vous estimez que vos droits ne sont pas respectés, vous "
    "pouvez adresser une réclamation à la CNIL (www.cnil.fr)."
)


def recourse(intro: str) -> tuple[str, ...]:
    """The recourse paragraphs of a letter that must give them: the consumer mediator for
    a consumer, why not and what instead for a professional."""
    return (
        "{%p if mediation %}",
        intro + " vous pouvez recourir gratuitement au médiateur de la consommation dont "
        "nous relevons, en vue de la résolution amiable du litige (article L612-1 du Code "
        "de la consommation) :",
        MEDIATOR_DETAILS,
        MEDIATOR_CONDITIONS,
        "{%p endif %}",
        "{%p if recours_professionnel %}",
        PROFESSIONAL_RECOURSE,
        "{%p endif %}",
    )


LATE_RECOURSE = recourse("Notre réponse ne vous étant pas parvenue dans le délai auquel nous "
                         "nous étions engagés,")


@dataclass(frozen=True)
class Letter:
    title: str
    objet: str
    body: tuple[str, ...]


# The text of each letter type's template (the type ids are those of
# ``toolkit.rules.letters.LETTERS``: a new letter type is its record there plus its text here).
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
            "Nous n'attendons pas votre confirmation pour examiner votre réclamation : nos "
            "délais de réponse courent depuis le {{ date_reclamation }}.",
            "{%p if not professionnel %}",
            "Cette confirmation écrite vaut réclamation écrite : si notre réponse ne vous "
            "satisfaisait pas, elle vous permettrait de saisir le médiateur de la "
            "consommation, qui ne peut l'être qu'après une réclamation écrite auprès de nos "
            "services (article L612-2 du Code de la consommation).",
            "{%p endif %}",
            DATA_NOTICE,
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
            "{%p if reponse_en_retard %}",
            "Nous vous prions de nous excuser de vous adresser cet accusé de réception si "
            "tard : le délai d'un mois dans lequel nous nous étions engagés à vous répondre "
            "est écoulé. Nous mettons tout en œuvre pour vous adresser notre réponse au plus "
            "tard le {{ date_reponse_prevue }}.",
            "{%p else %}",
            "Nous nous engageons à vous adresser notre réponse au plus tard le "
            "{{ date_reponse_prevue }}.",
            "{%p endif %}",
            *LATE_RECOURSE,
            REMINDER,
            DATA_NOTICE,
        ),
    ),
    "complements": Letter(
        "Demande d'informations complémentaires",
        "Votre réclamation n° {{ numero }} du {{ date_reclamation }} : "
        "demande d'informations complémentaires",
        (
            "Nous avons bien reçu votre réclamation du {{ date_reclamation }}, enregistrée "
            "sous le numéro {{ numero }}.",
            "Afin de pouvoir vous apporter une réponse complète, nous avons besoin des "
            "informations ou documents suivants :",
            "{%p for information in informations_manquantes %}",
            "- {{ information }}",
            "{%p endfor %}",
            "Nous vous remercions de nous les faire parvenir dans les meilleurs délais, par "
            "courriel à l'adresse {{ societe_courriel }} ou par courrier, en rappelant le "
            "numéro de votre réclamation. Nous poursuivons l'examen de votre réclamation sans "
            "attendre : nos délais de réponse ne sont pas suspendus.",
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
            "Nous ne sommes pas en mesure de vous répondre dans le délai auquel nous nous "
            "étions engagés, ce dont nous vous prions de bien vouloir nous excuser. Nous "
            "mettons tout en œuvre pour vous adresser notre réponse au plus tard le "
            "{{ date_reponse_prevue }}.",
            "{%p else %}",
            "Nous vous adresserons notre réponse au plus tard le {{ date_reponse_prevue }}.",
            "{%p endif %}",
            *LATE_RECOURSE,
            REMINDER,
        ),
    ),
    "reponse": Letter(
        "Réponse à une réclamation",
        "Réponse à votre réclamation n° {{ numero }} du {{ date_reclamation }}",
        (
            "Nous faisons suite à votre réclamation du {{ date_reclamation }}, enregistrée "
            "sous le numéro {{ numero }}, que nous avons examinée.",
            "{{ decision_texte }}",
            "{{ resolution }}",
            *recourse("Si cette réponse ne vous donne pas satisfaction,"),
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
    _legal_footer(doc)
    return doc


def _legal_footer(doc) -> None:
    """« Mentions légales » at the foot of every page (Code de commerce R123-237)."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in _TAG.split("{{ mentions_legales }}"):
        if piece:
            paragraph.add_run(piece).font.size = Pt(8)


def main(argv: list[str]) -> int:
    from toolkit.rules.letters import LETTERS as LETTER_TYPES

    missing = sorted(set(LETTER_TYPES) - set(LETTERS))
    if missing:
        raise SystemExit(f"No text for the letter types {missing}: add them to LETTERS.")
    out_dir = Path(argv[0]) if argv else LETTERS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    for type_id, record in LETTER_TYPES.items():
        target = out_dir / record.template
        build(LETTERS[type_id]).save(target)
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
