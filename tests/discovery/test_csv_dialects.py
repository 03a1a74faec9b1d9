"""CSV imports accept comma, semicolon and tab, with or without a byte-order mark (issue 7)."""

import pytest

from discovery.csv_import import parse_invite_csv


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_each_separator_and_a_bom_read_the_same(sep: str, bom: bytes) -> None:
    text = f"handle{sep}platform{sep}message\nmia.makes{sep}tiktok{sep}Hello Mia\n"
    rows = parse_invite_csv(bom + text.encode())
    assert [r.line_number for r in rows] == [2]
    assert rows[0].handle == "mia.makes"
    assert rows[0].platform == "tiktok"
    assert rows[0].message == "Hello Mia"
