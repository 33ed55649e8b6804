"""The pure part of uploads: sniffing by content, cleaning names, when files may change (R3.4)."""

from __future__ import annotations

import pytest

from portal.domain.uploads import NAME_LENGTH, Sniffed, clean_name, files_may_change, sniff
from portal.domain.workflow import Status


@pytest.mark.parametrize(("head", "expected"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", Sniffed.JPEG),
    (b"\x89PNG\r\n\x1a\n\x00\x00", Sniffed.PNG),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", Sniffed.WEBP),
    (b"\x00\x00\x00\x18ftypheic\x00\x00", Sniffed.HEIF),
    (b"%PDF-1.7\n", Sniffed.PDF),
    (b"MZ\x90\x00", None),  # a Windows program
    (b"<!doctype html><script>", None),
    (b"\x00\x00\x00\x18ftypisom", None),  # an MP4 video
    (b"RIFF\x10\x00\x00\x00AVI ", None),
    (b"", None),
])
def test_a_file_is_known_by_its_first_bytes_not_its_name(head: bytes, expected: Sniffed | None
                                                         ) -> None:
    assert sniff(head) is expected


def test_a_name_loses_its_folders_controls_and_markup() -> None:
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\me\\скан паспорта.jpg") == "скан паспорта.jpg"
    assert clean_name("a<script>\u202egpj.exe") == "a_script_gpj.exe"
    assert clean_name("  a \t b\n.pdf  ") == "a b.pdf"


def test_an_empty_or_dotted_name_becomes_file() -> None:
    assert clean_name(None) == "file"
    assert clean_name("...") == "file"


def test_a_long_name_is_cut_keeping_its_extension() -> None:
    cut = clean_name("ә" * 300 + ".jpeg")
    assert len(cut) == NAME_LENGTH and cut.endswith(".jpeg")
    plain = clean_name("x" * 300)
    assert plain == "x" * NAME_LENGTH
    odd = clean_name("y" * 200 + "." + "z" * 50)
    assert len(odd) == NAME_LENGTH and odd.startswith("y")


def test_files_change_only_in_a_draft() -> None:
    assert files_may_change(Status.DRAFT)
    assert not files_may_change(Status.SUBMITTED)
