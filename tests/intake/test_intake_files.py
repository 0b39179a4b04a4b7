"""Every file given to ``toolkit intake`` is read or listed with the reason it was not."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import mail_files as mh

from toolkit.cli import main
from toolkit.intake.mail import read_mails
from toolkit.intake.message import Skipped


def _mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "courriels"
    mh.write(folder, "a.eml", mh.plain_qp())
    mh.write(folder, "B.EML", mh.html_only_base64())
    mh.write(folder, "c.Msg", mh.outlook_file("fake-email.msg"))
    mh.write(folder, "d_encore_a.eml", mh.plain_qp())
    mh.write(folder, "e_sans_date.eml", mh.simple("Réclamation", "<sans-date@x.fr>", date=None))
    mh.write(folder, "notes.txt", b"pas un courriel")
    mh.write(folder, "vide.eml", b"")
    mh.write(folder, "abime.msg", mh.outlook_file("fake-email.msg")[:4000])
    return folder


def test_every_kind_of_file(tmp_path):
    folder = _mixed_folder(tmp_path)
    mh.write(folder, "scan.PDF", mh.PDF_BYTES)
    mh.write(folder, "phrase.eml", b"juste une phrase\n")
    mh.write_mbox(folder / "archives" / "export.MBOX", [mh.latin1_headers(), mh.with_pdf()])
    mh.write_maildir(folder / "archives" / "Maildir", [mh.reply_complaint()])
    mails, skipped = read_mails([folder])
    assert sorted(Path(m.source.split(" [")[0]).name for m in mails) == [
        "B.EML", "Maildir", "a.eml", "c.Msg", "d_encore_a.eml", "e_sans_date.eml",
        "export.MBOX", "export.MBOX"]
    assert sorted((Path(s.source).name, s.reason) for s in skipped) == [
        ("abime.msg", "illisible"), ("notes.txt", "format non lu"),
        ("phrase.eml", "pas un courriel"), ("scan.PDF", "format non lu"),
        ("vide.eml", "pas un courriel")]


def test_file_named_directly_is_accounted_for(tmp_path):
    path = mh.write(tmp_path, "lettre.docx", b"PK\x03\x04")
    assert read_mails([path]) == ([], [Skipped(str(path), "format non lu")])


def test_summary_counts_add_up_to_the_files_given(make_register, tmp_path, capsys):
    register = make_register()
    folder = _mixed_folder(tmp_path)
    given = len([p for p in folder.iterdir() if p.is_file()])
    assert main(["intake", "--register", str(register), "--today", "2026-11-20",
                 str(folder), "--dry-run"]) == 0
    out = capsys.readouterr().out
    # Worked out by hand from _mixed_folder: a and B are complaints, d repeats a, c is an
    # Outlook information message, e has no Date, three files are not read.
    tally = ("Au total, 8 courriels ou fichiers examinés : 2 réclamations, 1 déjà enregistré, "
             "1 non qualifié, 1 à saisir à la main, 3 fichiers laissés de côté.")
    assert tally in out
    total, *counts = (int(n) for n in re.findall(r"(\d+) [a-zà-ü]", tally))
    assert total == sum(counts) == given
    assert re.search(r"c\.Msg", out)  # the Outlook message is listed as not qualified…
    assert "Matthew Robinson <mrobinson@unstructured.io>" in out  # …with its sender
    assert "(expéditeur inconnu)" not in out
    for name, reason in (("notes.txt", "format non lu"), ("vide.eml", "pas un courriel"),
                         ("abime.msg", "illisible")):
        assert re.search(rf"{re.escape(name)}\s+{reason}", out), name
    assert "pas de date d'envoi" in out
