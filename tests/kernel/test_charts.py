"""branchwork.charts: small SVG charts for pages and PDFs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from branchwork import charts

NS = "{http://www.w3.org/2000/svg}"


def test_line_chart_is_valid_svg_with_one_line_per_series():
    svg = charts.line_chart(
        x_labels=["期中", "期末", "下学期期中"],
        series=[
            charts.Series("语文", [60, 72, 80]),
            charts.Series("数学", [50, None, 65]),
        ],
        title="成绩变化",
        y_min=0,
    )
    root = ET.fromstring(str(svg))
    assert root.tag == f"{NS}svg"
    assert "Noto Sans CJK SC" in root.get("font-family")
    assert len(root.findall(f"{NS}polyline")) == 2
    assert len(root.findall(f"{NS}circle")) == 5  # the gap draws no point
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "期中" in texts and "语文" in texts and "数学" in texts
    assert root.find(f"{NS}title").text == "成绩变化"


def test_labels_are_escaped():
    svg = str(
        charts.line_chart(
            x_labels=["<script>alert(1)</script>"],
            series=[charts.Series('a"&b', [1])],
            title="<b>",
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well-formed


def test_empty_line_chart_says_its_title():
    svg = str(charts.line_chart(x_labels=[], series=[], title="没有数据"))
    assert "没有数据" in svg and "<polyline" not in svg
    ET.fromstring(svg)


def test_bar_chart_heights_follow_values():
    root = ET.fromstring(
        str(charts.bar_chart(labels=["已改善", "稳定"], values=[4, 2], title="结果"))
    )
    bars = list(root.findall(f"{NS}rect"))
    heights = [float(r.get("height")) for r in bars]
    assert heights[0] == 2 * heights[1] > 0
    assert "已改善" in [t.text for t in root.iter(f"{NS}text")]


@pytest.mark.parametrize(
    ("values", "ticks"),
    [
        ([7, 5, 0], ["0", "2", "4", "6", "8"]),
        ([1952, 1659, 0], ["0", "500", "1000", "1500", "2000"]),
        ([54, 45], ["0", "10", "20", "30", "40", "50", "60"]),
        ([0, 0], ["0", "1"]),
    ],
)
def test_bar_chart_axis_counts_in_round_steps(values, ticks):
    """Counts get whole, round ticks (not 1.8, 3.5, 5.2 for a top value of 7)."""
    svg = charts.bar_chart(labels=[str(i) for i in range(len(values))], values=values, title="t")
    root = ET.fromstring(str(svg))
    axis = [t.text for t in root.iter(f"{NS}text") if t.get("text-anchor") == "end"]
    assert axis == ticks
