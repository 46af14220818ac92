"""The "Báo tin" start link: a bulletin's link and a unit's link are never confused."""

from __future__ import annotations

from core.tip_links import TipLink, bulletin_tip_link, read_tip_link

UNITS = {"B12", "TT-TANTHANH"}


def _read(payload: str) -> TipLink:
    return read_tip_link(payload, lambda code: code.upper() in UNITS)


def test_a_bulletins_link_reads_back_as_that_bulletin():
    assert _read(bulletin_tip_link(12)) == TipLink(bulletin_id=12)


def test_a_unit_coded_like_an_old_bulletin_link_is_that_unit():
    assert _read("tip_B12") == TipLink(unit_code="B12")
    assert _read("tip_b12") == TipLink(unit_code="b12")
    assert _read("tip-b12") == TipLink(bulletin_id=12)


def test_old_bulletin_links_still_work_where_no_unit_has_that_code():
    assert _read("tip_b7") == TipLink(bulletin_id=7)


def test_other_payloads():
    assert _read("tip") == TipLink()
    assert _read("tip_TT-TANTHANH") == TipLink(unit_code="TT-TANTHANH")
    assert _read("tip-b99999999999") == TipLink()  # too big for the database: no bulletin
    assert _read("tip-b²") == TipLink()
    assert _read("tip_b-1") == TipLink(unit_code="b-1")
