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
