"""Charts drawn on the server as SVG: mentions per month, hits over time, counts per year.

No JavaScript and nothing from another host. Every chart is an image with a title and a
description for screen readers, a tooltip on each bar, and the same numbers as a table
that is hidden from the eye but not from assistive technology. The output is well-formed
XML, and every piece of text in it is escaped.
"""

from __future__ import annotations

import hashlib
import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Room around the plot for the axes, in SVG user units. The bottom holds two lines of
# text (the labels and the axis name) at the narrow size below.
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 12, 38, 62
_FONT_SIZE = 12
# A phone shrinks the 640-unit-wide drawing to about half, so static/css/site.css sets the
# text this much larger in user units when the chart is narrow (a container query), and
# hides the axis labels marked "chart-wide-only": the rest are spaced for this size.
_NARROW_FONT_SIZE = 22
_EM = 0.65  # a wide glyph's width, in ems, to decide how many labels fit
_MAX_LABEL = 16  # longer labels are shortened on the axis (they stay whole elsewhere)
_LABEL_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120)


def bar_chart(
    points: list[tuple[str, int]],
    title: str,
    *,
    x_label: str = "",
    y_label: str = "",
    note: str = "",
    width: int = 640,
    height: int = 240,
    chart_id: str = "",
) -> SafeString:
    """A bar chart of ``points`` (label, value), in order, as a ``<figure>`` holding the
    ``<svg>`` and a visually hidden table of the same data.

    ``note`` is added to the generated description (say what was left out, for example).
    ``chart_id`` prefixes the element ids; by default it is derived from the title and
    labels, so two different charts on one page do not clash. With no points the result
    is a short 'no data' paragraph.
    """
    if not points:
        return mark_safe(  # noqa: S308  (escaped)
            f'<p class="chart-empty">{escape(title)}: no data to show.</p>'
        )
    points = [(str(label), max(int(value), 0)) for label, value in points]
    chart_id = chart_id or _default_id(title, points)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"

    top_value, step = _scale(max(value for _, value in points))
    # Wide enough for the longest value on the y axis at the narrow size.
    left = max(_LEFT, math.ceil(len(f"{top_value:,}") * _EM * _NARROW_FONT_SIZE) + 10)
    plot_w = width - left - _RIGHT
    plot_h = height - _TOP - _BOTTOM
    slot = plot_w / len(points)
    bar_w = max(slot * 0.8, 1.0) if slot > 2 else slot
    baseline = _TOP + plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img"'
        f' aria-labelledby="{title_id} {desc_id}" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" font-size="{_FONT_SIZE}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(_describe(points, x_label, y_label, note))}</desc>',
    ]

    # Horizontal grid lines with their values on the y axis.
    parts.append('<g class="chart-grid" aria-hidden="true">')
    for tick in range(0, top_value + 1, step):
        y = _num(baseline - plot_h * tick / top_value)
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{width - _RIGHT}" y2="{y}"'
            f' stroke="#dedbd2" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y}" dy="0.35em" text-anchor="end"'
            f' fill="#555b61">{tick:,}</text>'
        )
    parts.append("</g>")

    # The bars, each with its tooltip; a transparent column behind a bar carries the
    # tooltip too, so that short and empty bars can still be pointed at.
    parts.append('<g class="chart-bars">')
    for i, (label, value) in enumerate(points):
        x = left + i * slot
        bar_h = plot_h * value / top_value
        parts.append(
            f"<g><title>{escape(label)}: {value:,}</title>"
            f'<rect class="chart-hit" x="{_num(x)}" y="{_TOP}" width="{_num(slot)}"'
            f' height="{plot_h}" fill="transparent"/>'
            f'<rect class="bar" x="{_num(x + (slot - bar_w) / 2)}" y="{_num(baseline - bar_h)}"'
            f' width="{_num(bar_w)}" height="{_num(bar_h)}" fill="#8a1c1c"/></g>'
        )
    parts.append("</g>")

    # Axes: the baseline, a readable subset of the labels, and the axis names. Text below
    # the baseline is placed in ems, so that it moves down as it grows on a phone.
    parts.append('<g class="chart-axis" aria-hidden="true">')
    parts.append(
        f'<line x1="{left}" y1="{baseline}" x2="{width - _RIGHT}" y2="{baseline}"'
        f' stroke="#555b61" stroke-width="1"/>'
    )
    every = _label_every(points, plot_w, _FONT_SIZE)
    every_narrow = _label_every(points, plot_w, _NARROW_FONT_SIZE, multiple_of=every)
    for i, (label, _) in enumerate(points):
        if i % every:
            continue
        wide_only = ' class="chart-wide-only"' if i % every_narrow else ""
        label_x = _num(left + (i + 0.5) * slot)
        parts.append(
            f'<text{wide_only} x="{label_x}" y="{baseline + 4}" dy="1em" text-anchor="middle"'
            f' fill="#1d1d1f">{escape(_shorten(label))}</text>'
        )
    parts += _axis_names(left + plot_w / 2, baseline, x_label, y_label)
    parts.append("</g></svg>")

    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td>{value:,}</td></tr>'
        for label, value in points
    )
    table = (
        f'<table class="visually-hidden"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">{escape(x_label or "Label")}</th>'
        f'<th scope="col">{escape(y_label or "Value")}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
    # The note is in the description already; the caption shows it to sighted readers.
    # HTML allows a figure's caption only as its first or last child: last, so that it
    # follows the picture (the table between them is visually hidden).
    caption = (
        f'<figcaption class="chart-note" aria-hidden="true">{escape(note)}</figcaption>'
        if note
        else ""
    )
    return mark_safe(  # noqa: S308  (every piece of text above is escaped)
        f'<figure class="chart" id="{chart_id}">{"".join(parts)}{table}{caption}</figure>'
    )


def _describe(points: list[tuple[str, int]], x_label: str, y_label: str, note: str) -> str:
    """What a screen reader says instead of the picture: the span, the total, the peak."""
    unit = (y_label or "value").lower()
    if len(points) == 1:
        text = f"{points[0][0]}: {points[0][1]:,} {unit}."
    else:
        slot = (x_label or "bar").lower()
        total = sum(value for _, value in points)
        top_label, top_value = max(points, key=lambda point: point[1])
        text = (
            f"{len(points)} {slot}s from {points[0][0]} to {points[-1][0]}, "
            f"{total:,} {unit} in all; the most, {top_value:,}, in {top_label}."
        )
        empty = sum(1 for _, value in points if value == 0)
        if empty:
            text += f" {empty} {slot}{'s' if empty != 1 else ''} with none."
    if note:
        text += f" {note}"
    return text


def _scale(largest: int) -> tuple[int, int]:
    """The top of the y axis and the step between grid lines: 1, 2 or 5 times a power
    of ten, with at most four steps."""
    if largest <= 0:
        return 1, 1
    raw = largest / 4
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        step = max(int(factor * power), 1)
        if step * 4 >= largest:
            break
    return step * math.ceil(largest / step), step


def _label_every(
    points: list[tuple[str, int]], plot_w: float, font_size: float, multiple_of: int = 1
) -> int:
    """Show every n-th label on the x axis, so that labels at ``font_size`` never overlap
    (an em apart at least); n is a multiple of ``multiple_of``, so that a sparser set is a
    subset of a denser one."""
    longest = max(len(_shorten(label)) for label, _ in points)
    fits = max(int(plot_w // ((longest * _EM + 1) * font_size)), 1)
    needed = math.ceil(len(points) / fits)
    # Steps that divide a year read best on a monthly axis, and do no harm elsewhere.
    steps = (step for step in _LABEL_STEPS if step >= needed and step % multiple_of == 0)
    return next(steps, multiple_of * math.ceil(needed / multiple_of))


def _shorten(label: str) -> str:
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"


def _num(value: float) -> str:
    """A coordinate with no more digits than a screen can show."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _default_id(title: str, points: list[tuple[str, int]]) -> str:
    key = "\x1f".join([title, *(label for label, _ in points)])
    return "chart-" + hashlib.sha256(key.encode()).hexdigest()[:10]


# --- Line charts: several series over the same stretches of time (trends, issue 19) --------
# Colours with at least 3:1 contrast on the page's background, told apart by a dash pattern
# and a marker shape as well (for readers who cannot tell the colours apart, and in print).
LINE_STYLES = (
    ("#8a1c1c", "", "circle"),
    ("#1f5f99", "6 3", "square"),
    ("#2d7a35", "2 3", "diamond"),
    ("#7a4a00", "8 3 2 3", "triangle"),
    ("#6b3fa0", "1 2", "cross"),
)


def line_style(index: int) -> tuple[str, str, str]:
    """(colour, dash pattern, marker) of series ``index``; beyond five they repeat with a
    heavier line."""
    return LINE_STYLES[index % len(LINE_STYLES)]


def line_chart(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    title: str,
    *,
    x_label: str = "",
    y_label: str = "",
    percent: bool = False,
    hidden: set[int] | frozenset[int] = frozenset(),
    width: int = 640,
    height: int = 280,
    chart_id: str = "",
) -> SafeString:
    """A line chart: one line per ``(name, values)`` of ``series`` over ``labels`` (a
    value None is a gap: nothing to divide by), as an ``<svg>`` with a title and a
    description. Series whose index is in ``hidden`` are left out of the drawing (the
    legend, drawn by the page, says so and links to show them). ``percent``: values are
    fractions, shown as percentages. The numbers themselves belong in a table beside the
    chart (the page's)."""
    shown = [(i, name, values) for i, (name, values) in enumerate(series) if i not in hidden]
    if not labels or not shown:
        return mark_safe(  # noqa: S308  (escaped)
            f'<p class="chart-empty">{escape(title)}: no data to show.</p>'
        )
    chart_id = chart_id or _default_id(title, [(label, 0) for label in labels])
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    largest = max((v for _, _, values in shown for v in values if v is not None), default=0)
    top, step, fmt = _line_scale(largest, percent)
    ticks = [step * k for k in range(round(top / step) + 1)]
    left = max(_LEFT, math.ceil(max(len(fmt(t)) for t in ticks) * _EM * _NARROW_FONT_SIZE) + 10)
    plot_w, plot_h = width - left - _RIGHT, height - _TOP - _BOTTOM
    baseline = _TOP + plot_h
    slot = plot_w / len(labels)

    def x_of(i: int) -> float:
        return left + (i + 0.5) * slot

    def y_of(value: float) -> float:
        return baseline - plot_h * (value / top if top else 0)

    describe = "; ".join(f"{name}: {_peak(values, labels, fmt)}" for _, name, values in shown)
    unit = (x_label or "point").lower()
    summary = f"{len(labels)} {unit}s from {labels[0]} to {labels[-1]}. {describe}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-lines" role="img"'
        f' aria-labelledby="{title_id} {desc_id}" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" font-size="{_FONT_SIZE}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(summary)}</desc>',
        '<g class="chart-grid" aria-hidden="true">',
    ]
    for tick in ticks:
        y = _num(y_of(tick))
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{width - _RIGHT}" y2="{y}"'
            f' stroke="#dedbd2" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y}" dy="0.35em" text-anchor="end"'
            f' fill="#555b61">{escape(fmt(tick))}</text>'
        )
    parts.append("</g>")
    marker_every = max(1, math.ceil(len(labels) / 40))  # markers only where they fit
    for index, name, values in shown:
        colour, dash, marker = line_style(index)
        parts.append(f'<g class="chart-line chart-series-{index}"><title>{escape(name)}</title>')
        for run in _runs(values):
            points = " ".join(f"{_num(x_of(i))},{_num(y_of(value))}" for i, value in run)
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}"'
                f' stroke-width="2"{dashes} stroke-linejoin="round"/>'
            )
        for i, value in enumerate(values):
            if value is None or i % marker_every:
                continue
            parts.append(
                f"<g><title>{escape(name)}, {escape(labels[i])}: {escape(fmt(value))}</title>"
                f"{_marker(marker, x_of(i), y_of(value), colour)}</g>"
            )
        parts.append("</g>")
    parts.append('<g class="chart-axis" aria-hidden="true">')
    parts.append(
        f'<line x1="{left}" y1="{baseline}" x2="{width - _RIGHT}" y2="{baseline}"'
        f' stroke="#555b61" stroke-width="1"/>'
    )
    label_slots = [(label, 0) for label in labels]
    every = _label_every(label_slots, plot_w, _FONT_SIZE)
    every_narrow = _label_every(label_slots, plot_w, _NARROW_FONT_SIZE, multiple_of=every)
    for i, label in enumerate(labels):
        if i % every:
            continue
        wide_only = ' class="chart-wide-only"' if i % every_narrow else ""
        parts.append(
            f'<text{wide_only} x="{_num(x_of(i))}" y="{baseline + 4}" dy="1em"'
            f' text-anchor="middle" fill="#1d1d1f">{escape(_shorten(label))}</text>'
        )
    parts += _axis_names(left + plot_w / 2, baseline, x_label, y_label)
    parts.append("</g></svg>")
    return mark_safe(  # noqa: S308  (every piece of text above is escaped)
        f'<figure class="chart" id="{chart_id}">{"".join(parts)}</figure>'
    )


def format_share(value: float | None, digits: int = 2) -> str:
    """A fraction as a percentage ('12.5%'), '—' for none."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}".rstrip("0").rstrip(".") + "%"


def _line_scale(largest: float, percent: bool):
    """(top of the axis, step, a formatter for values) for a line chart."""
    if not percent:
        top, step = _scale(math.ceil(largest))
        return top, step, lambda v: f"{v:,.0f}"
    if largest <= 0:
        return 0.01, 0.0025, format_share
    # Steps of 1, 2 or 5 times a power of ten (in fractions), four steps or fewer.
    raw = largest / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1, 2, 5, 10) if f * power * 4 >= largest)
    top = step * math.ceil(round(largest / step, 9))
    digits = max(0, -math.floor(math.log10(step * 100))) if step * 100 < 1 else 0
    return top, step, lambda v: format_share(v, digits + 1)


def _runs(values: list[float | None]) -> list[list[tuple[int, float]]]:
    """The stretches of consecutive values that are not None, each value with its index."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, value))
    if current:
        runs.append(current)
    return runs


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    r = 3.5
    if shape == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{r}" fill="{colour}"/>'
    if shape == "square":
        return (
            f'<rect x="{_num(x - r)}" y="{_num(y - r)}" width="{2 * r}" height="{2 * r}"'
            f' fill="{colour}"/>'
        )
    if shape == "diamond":
        pts = f"{_num(x)},{_num(y - r - 1)} {_num(x + r + 1)},{_num(y)} "
        pts += f"{_num(x)},{_num(y + r + 1)} {_num(x - r - 1)},{_num(y)}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    if shape == "triangle":
        pts = f"{_num(x)},{_num(y - r - 1)} {_num(x + r + 1)},{_num(y + r)} "
        pts += f"{_num(x - r - 1)},{_num(y + r)}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    return (
        f'<path d="M{_num(x - r)},{_num(y - r)}L{_num(x + r)},{_num(y + r)}'
        f'M{_num(x - r)},{_num(y + r)}L{_num(x + r)},{_num(y - r)}"'
        f' stroke="{colour}" stroke-width="2"/>'
    )


def _peak(values: list[float | None], labels: list[str], fmt) -> str:
    known = [(v, label) for v, label in zip(values, labels, strict=True) if v is not None]
    if not known:
        return "no data"
    value, label = max(known, key=lambda item: item[0])
    return f"highest {fmt(value)} in {label}"


def _axis_names(x_middle: float, baseline: float, x_label: str, y_label: str) -> list[str]:
    """The axes' names, under the x axis and above the y axis (either may be empty)."""
    names = []
    if x_label:
        names.append(
            f'<text class="chart-axis-name" x="{_num(x_middle)}" y="{baseline + 4}"'
            f' dy="2.25em" text-anchor="middle" fill="#555b61">{escape(x_label)}</text>'
        )
    if y_label:
        names.append(
            f'<text class="chart-axis-name" x="4" y="{_TOP - 18}" text-anchor="start"'
            f' fill="#555b61">{escape(y_label)}</text>'
        )
    return names
