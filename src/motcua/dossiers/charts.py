"""Geometry of the SLA dashboard's horizontal bar charts (drawn as inline SVG)."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.dossiers.selectors import RateRow

LABEL_WIDTH = 260
BAR_WIDTH = 300
ROW_HEIGHT = 30
MAX_LABEL = 38


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    percent: float
    finished: int
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH

    @property
    def width(self) -> int:
        return self.label_width + self.bar_width + 70

    @property
    def value_x(self) -> int:
        return self.label_width + self.bar_width + 8


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def on_time_chart(rows: list[RateRow], limit: int = 12) -> BarChart:
    """One bar per row: the share finished early or on time, the widest being 100%."""
    bars = []
    for index, row in enumerate(rows[:limit]):
        percent = round(row.on_time_rate * 100, 1)
        bars.append(
            Bar(
                label=row.label,
                short_label=_shorten(row.label),
                percent=percent,
                finished=row.finished,
                y=index * ROW_HEIGHT,
                width=round(BAR_WIDTH * percent / 100),
            )
        )
    return BarChart(bars=bars, height=max(len(bars), 1) * ROW_HEIGHT + 4)
