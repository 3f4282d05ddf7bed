"""The map of Denmark: the 98 municipalities as SVG, some of them marked.

A pure function of the marks (municipality -> colour, and on a web page a link), so that
the printed overview and a web page draw the same map. The boundaries are the official
ones, simplified (data/municipality-map.json: DAGI, Geodatastyrelsen; its "about" says how),
projected here on a plane true to scale at 56° N (1 unit = 1 km), with Bornholm in a frame
in the top right corner, where Danish maps put it.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from html import escape
from importlib import resources
from typing import Mapping

CREDIT = "Kilde: Geodatastyrelsen (DAGI)"
BORNHOLM = "Bornholm"
_KM_PER_DEGREE = 111.2
_LATITUDE = 56.0  # where the plane is true to scale
_PAD = 4.0  # km between Bornholm and its frame


@dataclass(frozen=True)
class Mark:
    """How one municipality is drawn: its fill, and on a web page the address it links to
    and the label that names the link."""

    colour: str
    href: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class _Shape:
    name: str
    d: str  # SVG path data


def svg(marks: Mapping[str, Mark], base: str = "#E4E8E5", title: str | None = None) -> str:
    """The map as an SVG element: every municipality in base, those in marks (by their
    official short names) in their colour, as links where they have an href. With a title
    the map is an image with that accessible name – a group of links with that name when
    it has links (the children of an image are hidden from a screen reader, and a link
    there would be one that keyboard users reach and it cannot name); without one it is
    decoration (aria-hidden), for a page that says in text what it shows."""
    shapes, (width, height), frame = _drawing()
    unknown = set(marks) - {shape.name for shape in shapes}
    if unknown:
        raise ValueError(f"not municipalities: {', '.join(sorted(unknown))}")
    kind = "group" if any(mark.href for mark in marks.values()) else "img"
    role = (f'role="{kind}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            if title else 'aria-hidden="true">')
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="denmark-map" '
             f'viewBox="0 0 {width:g} {height:g}" {role}',
             f'<g fill="{escape(base)}" stroke="#FFFFFF" stroke-width="0.7" '
             'stroke-linejoin="round">']
    parts += [_path(shape, marks.get(shape.name)) for shape in shapes]
    parts.append("</g>")
    x, y, w, h = frame
    parts.append(f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="none" '
                 'stroke="#9AA39E" stroke-width="0.7"/></svg>')
    return "".join(parts)


def _path(shape: _Shape, mark: Mark | None) -> str:
    name = escape(shape.name)
    if mark is None:
        return f'<path data-municipality="{name}" d="{shape.d}"/>'
    path = f'<path data-municipality="{name}" fill="{escape(mark.colour)}" d="{shape.d}"/>'
    if mark.href is None:
        return path
    label = escape(mark.label or shape.name)
    return f'<a href="{escape(mark.href)}"><title>{label}</title>{path}</a>'


@functools.cache
def _drawing() -> tuple[list[_Shape], tuple[float, float], tuple[float, ...]]:
    """Every municipality's path (in the order of their codes, so København lies under
    Frederiksberg, which it surrounds), the map's size and Bornholm's frame, in km."""
    data = json.loads(resources.files("catalogue").joinpath(
        "data/municipality-map.json").read_text("utf-8"))["municipalities"]
    rings = {m["name"]: [[_project(*point) for point in ring] for ring in m["polygons"]]
             for _, m in sorted(data.items(), key=lambda item: int(item[0]))}
    island = rings.pop(BORNHOLM)
    left, top, right, bottom = _bounds([ring for r in rings.values() for ring in r])
    rings = {name: _moved(r, 1 - left, 1 - top) for name, r in rings.items()}
    width, height = right - left + 2, bottom - top + 2
    i_left, i_top, i_right, i_bottom = _bounds(island)
    frame = (width - (i_right - i_left) - 2 * _PAD - 1, 1.0,
             i_right - i_left + 2 * _PAD, i_bottom - i_top + 2 * _PAD)
    rings[BORNHOLM] = _moved(island, frame[0] + _PAD - i_left, frame[1] + _PAD - i_top)
    shapes = [_Shape(name, " ".join(_ring(ring) for ring in r)) for name, r in rings.items()]
    return shapes, (round(width, 1), round(height, 1)), tuple(round(v, 1) for v in frame)


def _bounds(rings: list) -> tuple[float, float, float, float]:
    """Left, top, right and bottom of some outlines."""
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _moved(rings: list, dx: float, dy: float) -> list:
    return [[(x + dx, y + dy) for x, y in ring] for ring in rings]


def _project(longitude: float, latitude: float) -> tuple[float, float]:
    """A point in km east of the prime meridian and south of the equator (y grows down)."""
    scale = math.cos(math.radians(_LATITUDE))
    return longitude * _KM_PER_DEGREE * scale, -latitude * _KM_PER_DEGREE


def _ring(points: list[tuple[float, float]]) -> str:
    """One closed outline as path data, in relative moves of 0.1 km (short, and exact:
    each step is taken between rounded points, so the errors do not add up)."""
    rounded = [(round(x * 10), round(y * 10)) for x, y in points]
    (x0, y0), steps = rounded[0], []
    for (xa, ya), (xb, yb) in zip(rounded, rounded[1:]):
        if (xa, ya) != (xb, yb):
            steps.append(f"{(xb - xa) / 10:g} {(yb - ya) / 10:g}")
    return f"M{x0 / 10:g} {y0 / 10:g}l" + " ".join(steps) + "z"
