"""French summaries printed by ``toolkit intake`` and ``toolkit new`` (pure: text out)."""

from __future__ import annotations

from toolkit.dates import date_fr
from toolkit.display import format_table, plural, shortened, shown_path
from toolkit.intake.mail import (
    ALREADY,
    COMPLAINT,
    FOLLOW_UP,
    NOT_QUALIFIED,
    TO_CHECK,
    UNUSABLE,
    Decision,
    strip_reply_prefixes,
)
from toolkit.intake.message import Skipped
from toolkit.intake.recording import Filed, IntakeResult, open_warning

MAX_SUBJECT = 50


def _subject(decision: Decision) -> str:
    subject = strip_reply_prefixes(decision.mail.subject) or "(sans objet)"
    return shortened(subject, MAX_SUBJECT)


def _sender(decision: Decision) -> str:
    mail = decision.mail
    return f"{mail.sender_name} <{mail.sender_address}>" if mail.sender_address else \
        mail.sender_name or "(expéditeur inconnu)"


def _complaints_table(decisions: list[Decision], result: IntakeResult) -> str:
    rows = [(d.numero, date_fr(d.mail.received), d.mail.sender_name, _subject(d),
             plural(len(result.saved.get(d.numero, [])), "fichier", "fichiers"), d.reason)
            for d in decisions]
    headers = ("Numéro", "Reçue le", "Client", "Objet", "Au dossier", "Remarque")
    # Only the columns that say something: no files in a dry run, no empty remarks.
    keep = [index for index in range(len(headers))
            if not (result.dry_run and index == 4)
            and (index < 5 or any(row[index] for row in rows))]
    return format_table([headers[i] for i in keep], [[row[i] for i in keep] for row in rows])


def _others_table(decisions: list[Decision], with_numero: bool) -> str:
    rows = [((d.numero or "—",) if with_numero else ()) +
            (_sender(d), _subject(d), d.reason or d.mail.source) for d in decisions]
    headers = (("Numéro",) if with_numero else ()) + ("Expéditeur", "Objet", "Détail")
    return format_table(headers, rows)


def _skipped_table(skipped: list[Skipped]) -> str:
    rows = [(item.source, f"{item.reason} ({item.detail})" if item.detail else item.reason)
            for item in skipped]
    return format_table(("Fichier", "Raison"), rows)


# kind, numbers shown, heading (singular, plural), what it means for staff.
_SECTIONS = (
    (FOLLOW_UP, True, ("suite d'une réclamation enregistrée",
                       "suites de réclamations enregistrées"),
     "copie au dossier de la réclamation citée dans l'objet, dont le client est l'expéditeur"),
    (TO_CHECK, True, ("à vérifier", "à vérifier"),
     "rien n'est écrit : lisez-le ; une suite se classe avec « toolkit intake FICHIER "
     "--numero N », une nouvelle réclamation s'enregistre avec « toolkit new »"),
    (ALREADY, True, ("déjà enregistré", "déjà enregistrés"),
     "rien n'est enregistré une seconde fois"),
    (NOT_QUALIFIED, False, ("non qualifié (demande d'information ?)",
                            "non qualifiés (demandes d'information ?)"),
     "pas de « Réclamation » dans l'objet : rien n'est écrit, à traiter comme demande "
     "d'information"),
    (UNUSABLE, False, ("à saisir à la main", "à saisir à la main"),
     "rien n'est écrit : à enregistrer avec « toolkit new »"),
)
# The summary's last line: short names, so that the counts read as one sum.
_TALLY = (
    (COMPLAINT, "réclamation", "réclamations"),
    (FOLLOW_UP, "suite", "suites"),
    (TO_CHECK, "à vérifier", "à vérifier"),
    (ALREADY, "déjà enregistré", "déjà enregistrés"),
    (NOT_QUALIFIED, "non qualifié", "non qualifiés"),
    (UNUSABLE, "à saisir à la main", "à saisir à la main"),
)


def _tally(result: IntakeResult) -> str:
    """One line whose counts add up to every message and file given."""
    counts = [plural(len(result.of_kind(kind)), one, many) for kind, one, many in _TALLY
              if result.of_kind(kind)]
    if result.skipped:
        counts.append(plural(len(result.skipped), "fichier laissé de côté",
                             "fichiers laissés de côté"))
    total = len(result.decisions) + len(result.skipped)
    examined = plural(total, "courriel ou fichier examiné", "courriels ou fichiers examinés")
    return f"Au total, {examined}" + (f" : {', '.join(counts)}." if counts else ".")


def intake_summary(result: IntakeResult) -> str:
    """What was registered (with numbers), followed up, already known and left aside."""
    complaints = result.of_kind(COMPLAINT)
    count = len(complaints)
    if result.dry_run:
        headline = f"{plural(count, 'réclamation', 'réclamations')} à enregistrer."
    else:
        headline = f"{plural(count, 'réclamation enregistrée', 'réclamations enregistrées')}."
    parts = [headline]
    if complaints:
        parts.append(_complaints_table(complaints, result))
    for kind, with_numero, (one, many), note in _SECTIONS:
        found = result.of_kind(kind)
        if found:
            parts.append(f"{plural(len(found), one, many)} — {note} :\n"
                         f"{_others_table(found, with_numero)}")
    if result.skipped:
        parts.append(f"{plural(len(result.skipped), 'fichier laissé', 'fichiers laissés')} de "
                     f"côté :\n{_skipped_table(result.skipped)}")
    parts += [full_text_line(path) for path in result.full_texts]
    parts += [confirmation_line(numero, day, result.dry_run)
              for numero, day in sorted(result.confirmations.items())]
    parts.append(_tally(result))
    parts += [f"Erreur : {failure}" for failure in result.failures]
    if result.dry_run:
        parts.append("Simulation (--dry-run) : ni le registre ni les dossiers n'ont été "
                     "modifiés.")
    return "\n\n".join(parts)


def confirmation_line(numero: str, day, dry_run: bool) -> str:
    done = "à inscrire" if dry_run else "inscrite"
    return (f"{numero} : confirmation écrite de la réclamation téléphonique reçue le "
            f"{date_fr(day)} — « Date de confirmation écrite » {done}.")


def new_summary(filed: Filed) -> str:
    lines = [f"Réclamation {filed.numero} enregistrée (ligne {filed.ligne} du registre), "
             f"reçue le {date_fr(filed.row['date_reclamation'])}.",
             f"Dossier : {shown_path(filed.dossier)}"]
    lines += [f"Réclamation écrite copiée : {path.name}" for path in filed.files]
    lines += [full_text_line(path) for path in filed.full_texts]
    if filed.already_open:
        lines.append(f"Attention : {open_warning(filed.already_open)} (à rapprocher de "
                     "celle-ci).")
    return "\n".join(lines)


def full_text_line(path) -> str:
    return (f"Texte trop long pour une cellule Excel : tronqué dans le registre, texte "
            f"complet dans {shown_path(path)}")
