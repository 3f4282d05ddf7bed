"""The edition: catalogue.yaml as a model (title, dates, foreword, themes, colours, contact page)."""

from __future__ import annotations

import datetime
import re
from typing import Annotated
from urllib.parse import quote

from pydantic import AfterValidator, Field, PlainValidator, model_validator
from pydantic_core import PydanticCustomError

from .i18n import _
from .model import Email, Markdown, Model, Plain, Text, WebUrl


def _hex_colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise PydanticCustomError("colour", _("{value} is not a colour; write it in quotes, "
                                              "as \"#1E4B3A\""), {"value": repr(value)})
    return value.upper()


def _theme_key(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", value):
        raise PydanticCustomError(
            "theme_key", _("theme key {value} must be a short lower-case word without "
                           "æ, ø, å or spaces (e.g. 'cirkulaer')"), {"value": repr(value)})
    return value


def _order(value: object) -> str | list[str]:
    if value in ORDERS or (isinstance(value, list) and value
                           and all(isinstance(v, str) and v for v in value)):
        return value
    raise PydanticCustomError(
        "order", _("order must be one of {orders}, or a list of entry file names without "
                   ".yaml"), {"orders": ", ".join(ORDERS)})


ORDERS = ("municipality", "title", "started")
Order = Annotated[str | list[str], PlainValidator(_order)]
Colour = Annotated[str, AfterValidator(_hex_colour)]
ThemeKey = Annotated[str, AfterValidator(_theme_key)]


class Colours(Model):
    """One restrained palette: a primary, a warm accent, and a tint per theme."""

    primary: Colour = "#1E4B3A"
    accent: Colour = "#C8702A"
    themes: dict[ThemeKey, Colour] = Field(default_factory=dict)


class PrintSettings(Model):
    """How the print edition is made for a print shop."""

    bleed_mm: float = Field(3, ge=0, le=10, description="Bleed on every side, in mm.")
    crop_marks: bool = Field(False, description="Draw crop marks (print shops prefer none).")
    icc_profile: Plain | None = Field(
        None, description="The print shop's CMYK ICC profile, e.g. profiles/ISOcoated_v2.icc; "
                          "when given, the print edition is written as PDF/X-4.")


class ContactPage(Model):
    """The invitation at the back: 'Har din kommune et spændende klimapartnerskab?'."""

    heading: Text
    text: Markdown
    name: Text
    role: Text
    email: Email
    phone: Text | None = None


class WebSettings(Model):
    """The web edition (output/web/): where it is published."""

    base_url: WebUrl | None = Field(
        None, description="The web edition's address once published, e.g. "
                          "https://www.kl.dk/klimapartnerskaber/; then each printed QR code "
                          "leads to its partnership's page there.")
    accessibility_statement: WebUrl | None = Field(
        None, description="The publisher's accessibility statement (tilgængelighedserklæring, "
                          "which Danish public bodies publish for each site), linked at the "
                          "foot of every page.")

    def address(self, path: str = "") -> str | None:
        """The address of path (e.g. 'register/') in the published web edition, if known."""
        if self.base_url is None:
            return None
        return f"{self.base_url.rstrip('/')}/{path}"

    def page(self, slug: str) -> str | None:
        """A partnership's page in the published web edition (its stable <slug>/), if the
        address is known."""
        return self.address(f"{quote(slug)}/")


class Edition(Model):
    """Everything about one edition of the catalogue that is not a partnership."""

    title: Text
    subtitle: Text | None = None
    publisher: Text
    edition: Text = Field(description="E.g. '1. udgave'.")
    publication_date: datetime.date = Field(strict=False,
                                            description="YYYY-MM-DD, e.g. 2023-01-18.")
    foreword_heading: Text = "Forord"
    foreword: Markdown
    introduction_heading: Text = "Hvad er klimapartnerskaber?"
    introduction: Markdown | None = None
    themes: dict[ThemeKey, Text] = Field(min_length=1)
    order: Order = Field("municipality", description="'municipality', 'title', 'started' "
                         "or a list of entry slugs.")
    colours: Colours = Field(default_factory=Colours)
    contact_page: ContactPage
    colophon: Markdown | None = Field(None, description="Extra colophon lines (layout, print).")
    print: PrintSettings = Field(default_factory=PrintSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    keywords: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _colours_for_known_themes(self) -> "Edition":
        for key in self.colours.themes:
            if key not in self.themes:
                raise PydanticCustomError(
                    "theme", _("colours.themes names {key}, which is not in themes"),
                    {"key": repr(key)})
        return self

    @property
    def year(self) -> int:
        """The edition's year, printed on the cover."""
        return self.publication_date.year
