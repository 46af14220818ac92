"""``python -m bot report --format xlsx|docx`` (SPEC §8, §12): the file lands in the current
folder as ``report-<UNIT>-<label>.<ext>`` unless ``--out`` names one, carries the same figures
as the JSON, and any error exits non-zero with the reason on standard error and no file."""

from __future__ import annotations

import docx
import openpyxl

from bot.cli import main
from tests.unit.test_stats_cli import ENV, seed


def test_docx_goes_to_the_default_file_name_in_the_current_folder(write_config, clock,
                                                                  tmp_path, monkeypatch,
                                                                  capsys):
    path = write_config()
    seed(path, clock)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["report", "--config", str(path), "--period", "2026-03", "--format", "docx"],
                ENV) == 0
    out = capsys.readouterr()
    assert "report-DT-2026-03.docx" in out.out
    assert [p.name for p in work.iterdir()] == ["report-DT-2026-03.docx"]
    document = docx.Document(str(work / "report-DT-2026-03.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "CÔNG AN TỈNH ĐỒNG THÁP" in document.tables[0].rows[0].cells[0].text
    assert "có 3 nhóm với 49 thành viên" in text and "cung cấp 2 nguồn tin" in text
    assert "làm rõ 2 đối tượng" in text
    # The province's table: one row per commune, then the total.
    rows = [[c.text for c in row.cells][:4] for row in document.tables[1].rows]
    assert rows[1:] == [["1", "Xã Bình Thành", "1", "7"], ["2", "Xã Tân Thành", "2", "42"],
                        ["", "Tổng cộng", "3", "49"]]


def test_xlsx_of_a_commune_goes_where_out_says(write_config, clock, tmp_path, monkeypatch,
                                               capsys):
    path = write_config()
    seed(path, clock)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "tan-thanh.xlsx"
    assert main(["report", "--config", str(path), "--period", "2026-Q1", "--unit",
                 "tt-tanthanh", "--format", "xlsx", "--out", str(out)], ENV) == 0
    assert str(out) in capsys.readouterr().out
    assert not list(tmp_path.glob("report-*"))
    summary = openpyxl.load_workbook(out).worksheets[0]
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert figures["Đơn vị"] == "TT-TANTHANH — Xã Tân Thành"
    assert (figures["Số nhóm"], figures["Số thành viên"], figures["Nguồn tin tiếp nhận"]) == (
        2, 42, 1)
    assert figures["Ma túy"] == 1 and figures["Đối tượng"] == 2


def test_errors_exit_non_zero_with_the_reason_and_write_nothing(write_config, clock, tmp_path,
                                                                monkeypatch, capsys):
    path = write_config()
    seed(path, clock)
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["report", "--config", str(path), "--period", "2026-13", "--format", "docx"],
                ENV) == 2
    error = capsys.readouterr()
    assert error.out == "" and "2026-13" in error.err
    assert main(["report", "--config", str(path), "--period", "2026", "--unit", "HN",
                 "--format", "xlsx"], ENV) == 2
    assert "«HN»" in capsys.readouterr().err
    missing = tmp_path / "no-such-folder" / "r.docx"
    assert main(["report", "--config", str(path), "--period", "2026", "--format", "docx",
                 "--out", str(missing)], ENV) == 1
    error = capsys.readouterr()
    assert error.out == "" and str(missing) in error.err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
