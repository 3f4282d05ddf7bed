"""The catalogue's palette on a screen: the same colours, and for each one used as text a
shade dark enough to read (WCAG 2.1 AA: a contrast of 4.5:1 for body text). The theme
colours were chosen for paper, where an ochre kicker reads well; on a screen the text takes
the darker shade, and the colour itself stays for rules, tabs and the map."""

from __future__ import annotations

from ..layout.render import tint

AA = 4.5


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two #RRGGBB colours (1 to 21)."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: str, backgrounds: tuple[str, ...] = ("#FFFFFF",)) -> str:
    """colour, darkened in small steps toward black until text in it reads on every one of
    the backgrounds."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    shade = colour
    for step in range(41):
        shade = "#" + "".join(f"{round(c * (1 - step / 40)):02X}" for c in rgb)
        if all(contrast(shade, b) >= AA for b in backgrounds):
            break
    return shade


def theme_colours(colour: str) -> dict[str, str]:
    """A theme's colours on screen: itself, its light tint (panels) and its text shade."""
    light = tint(colour, 0.13)
    return {"colour": colour, "tint": light, "text": readable(colour, ("#FFFFFF", light))}
