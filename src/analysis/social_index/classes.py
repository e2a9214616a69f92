"""The index methods and the MSS classes with their thresholds, defined once for the computation, the
command line, the city pack's schema (checked by a test) and the pages that explain them.

Kept free of numpy and pandas: the command line reads the method names before it imports anything heavy."""
from __future__ import annotations

from analysis.text import format_number

METHOD_NAMES = {"mss": "MSS (z-Werte)", "imd": "IMD-Stil (Ränge, Exponentialtransformation)",
                "svi": "SVI-Stil (Perzentilränge)"}
METHODS = tuple(METHOD_NAMES)

# MSS (Indikatorenheft 2021): hoch < −1 ≤ mittel ≤ 1 < niedrig ≤ 1,5 < sehr niedrig on the status index,
# positiv < −1 ≤ stabil ≤ 1 < negativ on the dynamics index. Higher index values mean more need.
STATUS_CLASSES = ("hoch", "mittel", "niedrig", "sehr niedrig")
STATUS_THRESHOLDS = (-1.0, 1.0, 1.5)
DYNAMIC_CLASSES = ("positiv", "stabil", "negativ")
DYNAMIC_THRESHOLDS = (-1.0, 1.0)


def _threshold_text(value: float) -> str:
    return format_number(value, 0 if float(value).is_integer() else 1)


def class_ranges(thresholds: tuple[float, ...]) -> list[str]:
    """The index range of each class in German: 'unter −1', '−1 bis 1', 'über 1 bis 1,5', 'über 1,5'.
    The lowest threshold belongs to the class above it, every other one to the class below it."""
    texts = [_threshold_text(t) for t in thresholds]
    ranges = [f"unter {texts[0]}", f"{texts[0]} bis {texts[1]}" if len(texts) > 1 else f"ab {texts[0]}"]
    ranges += [f"über {low} bis {high}" for low, high in zip(texts[1:], texts[2:])]
    if len(texts) > 1:
        ranges.append(f"über {texts[-1]}")
    return ranges
