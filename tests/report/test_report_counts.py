"""``toolkit stats`` counts each register's complaints under the name staff gave it.

Staff often run the toolkit from the folder that holds the registers, naming them without
a folder (``registre.xlsx``) or by the agency's sub-folder (``nord/registre.xlsx``): the
figures of ``--json`` name each register by as much of that path as tells them apart.
"""

from __future__ import annotations

import json
from datetime import date

from helpers.register_files import complaint

from toolkit.cli import main
from toolkit.register.template import create_register

NOVEMBER = ["--month", "2026-11", "--today", "2026-11-20", "--json"]


def _stats_json(capsys, *registers: str) -> dict[str, object]:
    options = [item for register in registers for item in ("--register", register)]
    assert main(["stats", *options, *NOVEMBER]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_register_named_without_a_folder_is_counted_under_its_file_name(
        tmp_path, monkeypatch, capsys):
    create_register(tmp_path / "registre.xlsx",
                    [complaint("2026-001", date(2026, 11, 2)),
                     complaint("2026-002", date(2026, 11, 5))])
    monkeypatch.chdir(tmp_path)
    figures = _stats_json(capsys, "registre.xlsx")
    assert figures["recues"] == 2
    assert figures["par_registre"] == {"registre.xlsx": 2}


def test_agencies_registers_named_from_their_common_folder_keep_the_agency_folder(
        tmp_path, monkeypatch, capsys):
    # Both files are called registre.xlsx: only the folder tells them apart.
    create_register(tmp_path / "nord" / "registre.xlsx",
                    [complaint("2026-001", date(2026, 11, 2))])
    create_register(tmp_path / "sud" / "registre.xlsx",
                    [complaint("2026-001", date(2026, 11, 3)),
                     complaint("2026-002", date(2026, 11, 4))])
    monkeypatch.chdir(tmp_path)
    figures = _stats_json(capsys, "nord/registre.xlsx", "sud/registre.xlsx")
    assert figures["recues"] == 3
    assert figures["par_registre"] == {"nord/registre.xlsx": 1, "sud/registre.xlsx": 2}
