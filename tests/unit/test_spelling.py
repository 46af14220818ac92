"""One spelling across the catalogues: the tone mark of an open "oa", "oe", "uy" sits on the
first vowel ("hủy", "ma túy", "xóa", "hòa", "khỏe"), as in the Law on Drug Prevention's own
title ("Luật Phòng, chống ma túy"). "quý", "quỷ" keep theirs: "qu" is one consonant."""

from __future__ import annotations

import re
from pathlib import Path

import locales

CATALOGUES = sorted(Path(locales.__file__).parent.glob("*/*.toml"))
# A syllable ending in o + marked a/e, or u + marked y, with no consonant after, not after q.
OTHER_STYLE = re.compile(r"(?<![qQ])(?:[oO][áàảãạÁÀẢÃẠéèẻẽẹÉÈẺẼẸ]|[uU][ýỳỷỹỵÝỲỶỸỴ])(?!\w)")
THIS_STYLE = re.compile(r"(?<![qQ])(?:[óòỏõọÓÒỎÕỌ][aAeE]|[úùủũụÚÙỦŨỤ][yY])(?!\w)")


def test_the_catalogues_exist():
    assert len(CATALOGUES) >= 8


def test_every_catalogue_marks_open_oa_oe_uy_on_the_first_vowel():
    found = [f"{path.parent.name}/{path.name}:{number}: {match.group(0)!r} in {line.strip()!r}"
             for path in CATALOGUES
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for match in OTHER_STYLE.finditer(line)]
    assert found == []


def test_the_rule_tells_the_two_styles_apart():
    assert OTHER_STYLE.search("Huỷ") and OTHER_STYLE.search("ma tuý") and OTHER_STYLE.search("xoá")
    assert not OTHER_STYLE.search("Hủy") and not OTHER_STYLE.search("quý")
    assert not OTHER_STYLE.search("hoàn thành") and not OTHER_STYLE.search("thuyền")
    assert THIS_STYLE.search("ma túy") and THIS_STYLE.search("khỏe")


def test_the_catalogues_use_the_words_this_rule_is_about():
    text = "\n".join(path.read_text(encoding="utf-8") for path in CATALOGUES)
    assert THIS_STYLE.search(text)  # the rule is checked against words that really occur
