"""SPEC §12 "Languages": the command line's help and argument errors are in one language."""

from __future__ import annotations

import pytest

from bot.cli import build_parser

ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "show this help",
                    "error:", "required", "invalid choice", "unrecognized", "expected one")


def _output_of(language: str, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        build_parser(language).parse_args(argv)
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize("argv", [["--help"], ["report", "--help"], ["db", "upgrade", "--help"],
                                  ["shell", "--help"]])
def test_vietnamese_help_has_no_english_heading(argv: list[str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    text = _output_of("vi", argv, capsys)
    assert "cách dùng: python -m bot" in text and "tùy chọn:" in text
    assert "in hướng dẫn này rồi thoát" in text
    assert not [word for word in ARGPARSE_ENGLISH if word in text]
    assert text.count("tùy chọn:") == 1  # the shared --config joins the one options list


@pytest.mark.parametrize(("argv", "expected"), [
    (["report"], "python -m bot report: lỗi: thiếu: --period"),
    (["report", "--period", "2026", "--format", "pdf"],
     "python -m bot report: lỗi: --format: không có lựa chọn 'pdf'"),
    (["report", "--period"], "python -m bot report: lỗi: --period: cần một giá trị"),
    (["run", "--xyz"], "python -m bot: lỗi: không hiểu: --xyz"),
    (["db"], "python -m bot db: lỗi: thiếu: {upgrade}"),
])
def test_vietnamese_argument_errors(argv: list[str], expected: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = _output_of("vi", argv, capsys)
    assert expected in text
    assert not [word for word in ARGPARSE_ENGLISH if word in text]


def test_english_keeps_english_words(capsys: pytest.CaptureFixture[str]) -> None:
    text = _output_of("en", ["report"], capsys)
    assert "usage: python -m bot report" in text
    assert "python -m bot report: error: the following arguments are required: --period" in text


def test_an_unknown_argparse_message_points_to_help_instead_of_english() -> None:
    from bot.cli_parser import reword_problem
    assert reword_problem("vi", "argument --x: ignored explicit argument 'y'",
                          "python -m bot") == "tham số không đúng; xem python -m bot --help"
