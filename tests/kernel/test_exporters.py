"""The shared exporter: formula cells escaped, Chinese file names, CSV and XLSX."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from branchwork.exporters import Exporter, content_disposition, escape_formula


class Sample(Exporter):
    title = "三会一课台账"

    def header(self):
        return ["姓名", "备注"]

    def rows(self):
        yield ['=HYPERLINK("http://x")', "+1"]
        yield ["-2", "@SUM(A1)"]
        yield ["\tTAB", "正常文字"]


def test_formula_cells_are_escaped_in_xlsx():
    workbook = load_workbook(io.BytesIO(Sample().render("xlsx")))
    values = [[c.value for c in row] for row in workbook.active.iter_rows()]
    assert values[0] == ["姓名", "备注"]
    assert values[1] == ['\'=HYPERLINK("http://x")', "'+1"]
    assert values[2] == ["'-2", "'@SUM(A1)"]
    assert values[3] == ["'\tTAB", "正常文字"]


def test_formula_cells_are_escaped_in_csv():
    text = Sample().render("csv").decode("utf-8-sig")
    assert text.splitlines()[1] == '"\'=HYPERLINK(""http://x"")",\'+1'
    assert escape_formula(3) == 3 and escape_formula("普通") == "普通"


def test_download_name_is_rfc5987():
    header = content_disposition("三会一课台账.xlsx")
    assert header.startswith('attachment; filename=".xlsx"')
    assert "filename*=UTF-8''%E4%B8%89" in header
    response = Sample().response("xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
