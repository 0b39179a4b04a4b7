"""Real mailbox files, written with the standard ``mailbox`` package, through ``intake``.

Speed is measured in tests/benchmarks/bench_intake.py; here only the results are checked.
"""

from __future__ import annotations

import mailbox
from datetime import date, timedelta

from helpers import mail_files as mh

from toolkit.cli import main
from toolkit.register.reading import read_register

COUNT = 200


def _intake(register, *sources) -> int:
    return main(["intake", "--register", str(register), "--today", "2026-11-20",
                 *map(str, sources)])


def test_mbox_of_200_complaints_registered_once(make_register, tmp_path, capsys):
    register = make_register()
    mbox = mh.write_mbox(tmp_path / "Inbox.mbox", mh.numbered_complaints(COUNT))
    assert _intake(register, mbox) == 0
    assert f"{COUNT} réclamations enregistrées." in capsys.readouterr().out
    frame = read_register(register).frame
    assert len(frame) == COUNT
    # One a day from 1 January 2026, numbered in reception order.
    assert list(frame["numero"]) == [f"2026-{n:03d}" for n in range(1, COUNT + 1)]
    assert list(frame["date_reclamation"]) == [
        mh.FIRST_DAY.date() + timedelta(days=n) for n in range(COUNT)]
    assert frame["description"].str.contains("\nFrom the start").all()
    assert not frame["description"].str.contains(">From").any()
    dossiers = sorted(p for p in (register.parent / "dossiers").iterdir() if p.is_dir())
    assert len(dossiers) == COUNT

    before = register.read_bytes()
    assert _intake(register, mbox) == 0
    out = capsys.readouterr().out
    assert "0 réclamation enregistrée." in out
    assert f"{COUNT} déjà enregistrés" in out
    assert register.read_bytes() == before


def test_maildir_new_and_cur(make_register, tmp_path, capsys):
    register = make_register()
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(mh.plain_qp())  # unread: new/
    seen = mailbox.MaildirMessage(mh.html_only_base64())
    seen.set_subdir("cur")
    seen.add_flag("S")
    box.add(seen)
    box.add(mh.information_request())
    files = sorted(p.relative_to(tmp_path) for p in (tmp_path / "Maildir").rglob("*")
                   if p.is_file())
    assert _intake(register, tmp_path / "Maildir") == 0
    out = capsys.readouterr().out
    assert "2 réclamations enregistrées." in out and "1 non qualifié" in out
    frame = read_register(register).frame.set_index("numero")
    assert frame.at["2026-001", "date_reclamation"] == date(2026, 11, 3)
    assert frame.at["2026-002", "nom"] == "Karim Benali"
    # Read only: every message stays where it was, with its flags.
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "Maildir").rglob("*")
                  if p.is_file()) == files
    assert _intake(register, tmp_path / "Maildir") == 0
    assert "0 réclamation enregistrée." in capsys.readouterr().out
