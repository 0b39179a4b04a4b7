"""The write path looks at the register once more just before replacing it: a workbook
saved or opened by someone else while a command was writing is never overwritten."""

from __future__ import annotations

import os
import re
from datetime import date

import openpyxl
import pytest
from helpers.kills import leftovers
from helpers.register_files import complaint
from openpyxl.utils import get_column_letter

from toolkit.errors import RegisterChangedError, RegisterLockedError
from toolkit.register.reading import read_register
from toolkit.register.writeback import BACKUP_DIRNAME, write_session
from toolkit.rules.columns import COLUMNS

DAY = date(2026, 11, 9)
STAFF_NOTE = "saisi dans Excel pendant la commande"

# Where `toolkit init` puts « Observations ».
OBSERVATIONS = get_column_letter(1 + [column.key for column in COLUMNS].index("observations"))


def test_a_register_saved_by_someone_else_during_the_write_is_kept(make_register):
    path = make_register([complaint()])
    message = ("registre.xlsx a été modifié pendant la commande (enregistré par quelqu'un "
               "d'autre ?). Rien n'a été écrit : relancez la commande.")
    with (pytest.raises(RegisterChangedError, match=f"^{re.escape(message)}$"),
          write_session(path) as target):
        target.set_value(2, "date_accuse", DAY)
        workbook = openpyxl.load_workbook(path)
        workbook["Registre"][f"{OBSERVATIONS}2"] = STAFF_NOTE
        workbook.save(path)
        later = path.stat().st_mtime_ns + 1_000_000_000  # coarse clocks
        os.utime(path, ns=(later, later))
        theirs = path.read_bytes()
    assert path.read_bytes() == theirs
    frame = read_register(path).frame
    assert frame.loc[0, "observations"] == STAFF_NOTE
    assert frame.loc[0, "date_accuse"] is None
    assert not leftovers(path)


def test_a_register_opened_in_excel_during_the_write_is_not_replaced(make_register):
    path = make_register([complaint()])
    original = path.read_bytes()
    owner_file = path.with_name(f"~${path.name}")
    # An empty owner file: Excel had not written the user's name yet.
    message = ("registre.xlsx est ouvert dans Excel par un autre utilisateur depuis moins "
               "d'une minute (fichier de verrou ~$registre.xlsx). Fermez le classeur puis "
               "relancez la commande : rien n'a été écrit. Si personne ne l'a ouvert "
               "(ordinateur arrêté brutalement), supprimez le fichier ~$registre.xlsx.")
    with (pytest.raises(RegisterLockedError, match=f"^{re.escape(message)}$"),
          write_session(path) as target):
        target.set_value(2, "date_accuse", DAY)
        owner_file.write_bytes(b"")
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIRNAME).exists()
    assert not leftovers(path)
