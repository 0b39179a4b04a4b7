"""What a letter shows of the Paramètres sheet, and why a due letter could not be sent.

What it proves: the letterhead shows the company address line by line as typed in
Paramètres; a postal complaint without an address, and a complaint with neither an address
nor an e-mail, are listed among the letters not made with their exact French reason, and no
letter is written for them.
"""

from __future__ import annotations

from datetime import date

from helpers.letter_files import docx_text, letters_in, run_letters
from helpers.register_files import complaint


def _not_made_reasons(out: str) -> dict[str, str]:
    """Numéro → the reason column of its line in the « dus non produits » table."""
    return {line.split()[0]: line.split("accusé de réception", 1)[1].strip()
            for line in out.splitlines()
            if line.startswith("2026-") and "accusé de réception" in line}


def test_letters_without_a_way_to_reach_the_client_give_their_exact_reason(
        make_register, tmp_path, capsys):
    register = make_register([
        # Canal Courrier: the letter goes by post, so the address is indispensable.
        complaint("2026-001", date(2026, 11, 2), canal="Courrier", adresse=None),
        # Canal Courriel but the e-mail cell is empty too: nowhere to send it.
        complaint("2026-002", date(2026, 11, 2), canal="Courriel", adresse=None, courriel=None),
    ])
    assert run_letters(register, "--type", "accuse", today="2026-11-05") == 1
    out = capsys.readouterr().out
    assert "2 courriers dus non produits :" in out
    assert _not_made_reasons(out) == {
        "2026-001": "adresse manquante pour un courrier",
        "2026-002": "ni adresse postale ni courriel pour envoyer le courrier",
    }
    assert letters_in(tmp_path / "dossiers") == {}


def test_letterhead_prints_the_company_address_line_by_line(make_register, tmp_path):
    # Excel stores a line break typed with Alt+Entrée as "\r\n" when the file went through
    # another tool: the letterhead must still show one address line per line.
    register = make_register([complaint("2026-001", date(2026, 11, 2))], params={
        "adresse": "Auto-école des Lilas\r\n12 rue de la République\n75011 Paris"})
    assert run_letters(register, "--type", "accuse", today="2026-11-05") == 0
    text = docx_text(letters_in(tmp_path / "dossiers")["accuse"])
    assert text.startswith("ONLY PERMIS\nAuto-école des Lilas\n12 rue de la République\n"
                           "75011 Paris\nTél. : 09.87.77.84.79\nCourriel : contact@onlypermis.fr\n")
    assert "Paris, le 5 novembre 2026" in text
