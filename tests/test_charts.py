import datetime as dt
import xml.etree.ElementTree as ET

from articles.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"

POINTS = [("Jan 2019", 3), ("Feb 2019", 0), ("Mar 2019", 7)]


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def svg_of(figure: ET.Element) -> ET.Element:
    return figure.find(f"{SVG}svg")


def bars(svg: ET.Element) -> list[ET.Element]:
    return [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def test_chart_is_well_formed_and_labelled_for_screen_readers():
    figure = parse(bar_chart(POINTS, "Articles per month", x_label="Month", y_label="Articles"))
    svg = svg_of(figure)
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Articles per month"
    assert "Jan 2019 to Mar 2019" in desc.text and "10 articles in all" in desc.text
    assert "the most, 7, in Mar 2019" in desc.text and "1 month with none" in desc.text


def test_one_bar_per_point_in_order_with_tooltips_and_heights():
    svg = svg_of(parse(bar_chart(POINTS, "Articles per month")))
    drawn = bars(svg)
    assert len(drawn) == 3
    xs = [float(bar.get("x")) for bar in drawn]
    assert xs == sorted(xs)
    heights = [float(bar.get("height")) for bar in drawn]
    assert heights[1] == 0 and heights[2] > heights[0] > 0
    tooltips = [g.find(f"{SVG}title").text for g in svg.find(f"{SVG}g[@class='chart-bars']")]
    assert tooltips == ["Jan 2019: 3", "Feb 2019: 0", "Mar 2019: 7"]


def test_axis_labels_and_names():
    svg = svg_of(parse(bar_chart(POINTS, "T", x_label="Month", y_label="Articles")))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"Jan 2019", "Feb 2019", "Mar 2019", "Month", "Articles", "0"} <= set(texts)


def test_the_same_data_as_a_visually_hidden_table():
    figure = parse(bar_chart(POINTS, "Articles per month", x_label="Month", y_label="Articles"))
    table = figure.find("table")
    assert table.get("class") == "visually-hidden"
    assert table.find("caption").text == "Articles per month"
    assert [th.text for th in table.iter("th")][:2] == ["Month", "Articles"]
    rows = [(tr.find("th").text, tr.find("td").text) for tr in table.find("tbody")]
    assert rows == [("Jan 2019", "3"), ("Feb 2019", "0"), ("Mar 2019", "7")]


def test_labels_and_titles_are_escaped():
    markup = str(bar_chart([("<script>alert(1)</script>", 2)], 'Say "<b>hi</b>" & go'))
    assert "<script>" not in markup and "<b>" not in markup
    figure = parse(markup)  # still well-formed XML
    svg = svg_of(figure)
    assert svg.find(f"{SVG}title").text == 'Say "<b>hi</b>" & go'
    assert figure.find("table/tbody/tr/th").text == "<script>alert(1)</script>"
    assert not list(figure.iter("script")) and not list(svg.iter(f"{SVG}script"))


def test_no_points_says_there_is_no_data():
    markup = str(bar_chart([], "Articles per month"))
    assert "<svg" not in markup
    assert parse(markup).text == "Articles per month: no data to show."


def test_a_single_point():
    svg = svg_of(parse(bar_chart([("2019", 5)], "Per year", y_label="Articles")))
    (bar,) = bars(svg)
    assert float(bar.get("height")) > 0
    assert svg.find(f"{SVG}desc").text == "2019: 5 articles."


def test_all_zero_values_draw_flat_bars():
    svg = svg_of(parse(bar_chart([("a", 0), ("b", 0)], "Zeros")))
    assert [float(bar.get("height")) for bar in bars(svg)] == [0, 0]


def test_many_points_show_a_readable_subset_of_labels():
    points = [(f"M{i:03d}", i) for i in range(120)]
    svg = svg_of(parse(bar_chart(points, "Long")))
    assert len(bars(svg)) == 120
    axis = svg.find(f"{SVG}g[@class='chart-axis']")
    labels = [t.text for t in axis.iter(f"{SVG}text")]
    assert labels[0] == "M000" and 5 <= len(labels) <= 20


def test_the_note_is_in_the_description_and_shown():
    figure = parse(bar_chart(POINTS, "T", note="Only the last 120 months are shown."))
    assert svg_of(figure).find(f"{SVG}desc").text.endswith("Only the last 120 months are shown.")
    assert figure.find("figcaption").text == "Only the last 120 months are shown."


def test_two_charts_get_different_ids_unless_told():
    one, two = parse(bar_chart(POINTS, "One")), parse(bar_chart(POINTS, "Two"))
    assert one.get("id") != two.get("id")
    named = svg_of(parse(bar_chart(POINTS, "One", chart_id="hits")))
    assert named.get("aria-labelledby") == "hits-title hits-desc"


# On a phone the 640-unit drawing is shown about half size; static/css/site.css then sets
# its text at 22 units and hides the labels marked "chart-wide-only".
NARROW = 22


def axis_labels(svg: ET.Element) -> list[ET.Element]:
    axis = svg.find(f"{SVG}g[@class='chart-axis']")
    return [t for t in axis.iter(f"{SVG}text") if t.get("class") != "chart-axis-name"]


def months(n: int) -> list[tuple[str, int]]:
    return [(f"{dt.date(2015 + i // 12, i % 12 + 1, 1):%b %Y}", i % 7) for i in range(n)]


def test_on_a_phone_fewer_labels_spaced_for_larger_text():
    svg = svg_of(parse(bar_chart(months(30), "Per month")))
    labels = axis_labels(svg)
    narrow = [t for t in labels if t.get("class") != "chart-wide-only"]
    assert labels[0] in narrow  # the first month is always named
    assert 2 <= len(narrow) < len(labels)
    xs = [float(t.get("x")) for t in narrow]
    width = (len("Jan 2015") * 0.65 + 1) * NARROW
    assert all(b - a > width for a, b in zip(xs, xs[1:], strict=False))


def test_few_labels_are_all_shown_on_a_phone():
    svg = svg_of(parse(bar_chart(POINTS, "T")))
    assert [t.get("class") for t in axis_labels(svg)] == [None, None, None]


def test_text_under_the_axis_is_placed_in_ems_and_fits_at_phone_size():
    svg = svg_of(parse(bar_chart(POINTS, "T", x_label="Month", y_label="Articles")))
    height = float(svg.get("viewBox").split()[3])
    name = svg.find(f"{SVG}g[@class='chart-axis']/{SVG}text[@class='chart-axis-name']")
    assert name.get("dy").endswith("em")
    bottom = float(name.get("y")) + (float(name.get("dy")[:-2]) + 0.25) * NARROW
    assert bottom <= height
    y_name = [t for t in svg.iter(f"{SVG}text") if t.text == "Articles"][0]
    assert float(y_name.get("y")) - 0.8 * NARROW >= 0  # not cut off at the top


def test_room_left_of_the_axis_for_large_values_at_phone_size():
    svg = svg_of(parse(bar_chart([("2019", 12_345), ("2020", 40)], "T")))
    grid = svg.find(f"{SVG}g[@class='chart-grid']")
    top = [t for t in grid.iter(f"{SVG}text")][-1]
    assert top.text == "15,000"
    assert float(top.get("x")) - len(top.text) * 0.65 * NARROW >= 0


# --- line charts (trends) --------------------------------------------------------------------
from articles.charts import format_share, line_chart  # noqa: E402


def test_line_chart_one_line_per_series_with_gaps_and_hidden_series():
    labels = ["2019", "2020", "2021", "2022"]
    series = [("drought", [0.1, None, 0.3, 0.2]), ("floods <b>", [0.0, 0.05, 0.1, 0.15])]
    svg = svg_of(parse(line_chart(labels, series, "Share", x_label="Year", percent=True)))
    lines = [g for g in svg.iter(f"{SVG}g") if "chart-line" in (g.get("class") or "")]
    assert [g.find(f"{SVG}title").text for g in lines] == ["drought", "floods <b>"]
    # None is a gap: the first series is drawn as two runs, the second as one.
    assert len(lines[0].findall(f"{SVG}polyline")) == 2
    assert len(lines[1].findall(f"{SVG}polyline")) == 1
    desc = svg.find(f"{SVG}desc").text
    assert "4 years from 2019 to 2022" in desc and "drought: highest 30% in 2021" in desc
    hidden = svg_of(parse(line_chart(labels, series, "Share", percent=True, hidden={0})))
    titles = [
        g.find(f"{SVG}title").text
        for g in hidden.iter(f"{SVG}g")
        if g.get("class") and "chart-line" in g.get("class")
    ]
    assert titles == ["floods <b>"]


def test_line_chart_points_rise_with_their_values_and_nothing_to_show_says_so():
    svg = svg_of(parse(line_chart(["a", "b"], [("x", [1, 4])], "Counts")))
    points = svg.find(f".//{SVG}polyline").get("points").split()
    (x1, y1), (x2, y2) = (tuple(map(float, p.split(","))) for p in points)
    assert x1 < x2 and y2 < y1  # a larger value is higher up
    assert "no data" in str(line_chart([], [("x", [])], "Counts"))
    assert format_share(0.125) == "12.5%" and format_share(None) == "—"
