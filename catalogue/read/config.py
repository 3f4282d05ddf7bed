"""The edition: catalogue.yaml as a model (title, dates, foreword, themes, colours, contact page)."""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Literal
from urllib.parse import quote

from pydantic import AfterValidator, Field, PlainValidator, StringConstraints, model_validator
from pydantic.json_schema import WithJsonSchema
from pydantic_core import PydanticCustomError

from ..i18n import _
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
# json_schema_input_type and WithJsonSchema: what the validators check, as far as a JSON
# Schema can say it (schema.py).
Order = Annotated[str | list[str], PlainValidator(
    _order, json_schema_input_type=Literal[ORDERS] | Annotated[
        list[Annotated[str, StringConstraints(min_length=1)]], Field(min_length=1)])]
Colour = Annotated[str, AfterValidator(_hex_colour),
                   WithJsonSchema({"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"})]
ThemeKey = Annotated[str, AfterValidator(_theme_key),
                     WithJsonSchema({"type": "string", "pattern": "^[a-z][a-z0-9-]*$"})]


class Colours(Model):
    """One restrained palette: a primary, a warm accent, and a tint per theme."""

    primary: Colour = Field("#1E4B3A", description='Hovedfarven, skrevet som "#1E4B3A" – i '
                            "anførselstegn, ellers læses # som en kommentar.")
    accent: Colour = Field("#C8702A", description='Accentfarven, fx "#C8702A" (i '
                           "anførselstegn).")
    themes: dict[ThemeKey, Colour] = Field(
        default_factory=dict, description='En farve pr. tema, fx energi: "#2F6B4F"; '
        "nøglerne skal stå under themes.")


class PrintSettings(Model):
    """How the print edition is made for a print shop."""

    bleed_mm: float = Field(3, ge=0, le=10, description="Beskæring (bleed) på alle sider, "
                            "i mm fra 0 til 10 (standard 3).")
    crop_marks: bool = Field(False, description="Skæremærker uden for beskæringen: true "
                             "eller false (standard false; trykkerier foretrækker som regel "
                             "uden).")
    icc_profile: Plain | None = Field(
        None, description="Trykkeriets CMYK-ICC-profil i projektmappen, fx "
                          "profiles/trykkeri.icc; så skrives trykudgaven som PDF/X-4 "
                          "(valgfri).")


class ContactPage(Model):
    """The invitation at the back: 'Har din kommune et spændende klimapartnerskab?'."""

    heading: Text = Field(description="Overskriften, fx Har din kommune et spændende "
                          "klimapartnerskab?")
    text: Markdown = Field(description="Teksten under overskriften (Markdown).")
    name: Text = Field(description="Navnet på den, man skal kontakte.")
    role: Text = Field(description="Personens rolle, fx chefkonsulent.")
    email: Email = Field(description="E-mailadresse.")
    phone: Text | None = Field(None, description='Telefonnummer i anførselstegn, fx '
                               '"33 70 30 00" (valgfri).')


class WebSettings(Model):
    """The web edition (output/web/): where it is published."""

    base_url: WebUrl | None = Field(
        None, description="Webudgavens adresse, når den er lagt ud, fx "
                          "https://www.kl.dk/klimapartnerskaber/; så fører hver trykt "
                          "QR-kode til partnerskabets side dér (valgfri).")
    accessibility_statement: WebUrl | None = Field(
        None, description="Udgiverens tilgængelighedserklæring, som der linkes til nederst "
                          "på hver side (valgfri).")

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

    title: Text = Field(description="Katalogets titel på forsiden; titel og år giver også "
                        "filnavnene i output/.")
    subtitle: Text | None = Field(None, description="Undertitel på forsiden (valgfri).")
    publisher: Text = Field(description="Udgiveren, fx KL.")
    edition: Text = Field(description="Udgaven, fx 1. udgave.")
    publication_date: datetime.date = Field(
        strict=False, description="Udgivelsesdatoen som ÅÅÅÅ-MM-DD, fx 2023-01-18 "
        "(18. januar 2023). Året står på forsiden; datoen er også PDF'ens dato.")
    foreword_heading: Text = Field("Forord", description="Forordets overskrift (standard: "
                                   "Forord).")
    foreword: Markdown = Field(description="Forordet (Markdown).")
    introduction_heading: Text = Field("Hvad er klimapartnerskaber?", description=(
        "Introduktionens overskrift (standard: Hvad er klimapartnerskaber?)."))
    introduction: Markdown | None = Field(None, description="Introduktionen (valgfri, "
                                          "Markdown).")
    themes: dict[ThemeKey, Text] = Field(
        min_length=1, description="Temaerne som nøgle: Navn, fx cirkulaer: Cirkulær økonomi. "
        "Nøglen skrives med små bogstaver uden æ, ø, å og mellemrum. Kør make check efter "
        "en ændring, så editoren kender temaerne.")
    order: Order = Field("municipality", description="Rækkefølgen: municipality (standard, "
                         "efter kommune i dansk alfabetisk orden), title, started eller en "
                         "liste af filnavne uden .yaml.")
    colours: Colours = Field(default_factory=Colours, description="Farverne: primary, "
                             "accent og en farve pr. tema under themes.")
    contact_page: ContactPage = Field(description="Kontaktsiden bagest: heading, text, name, "
                                      "role, email og evt. phone.")
    colophon: Markdown | None = Field(None, description="Ekstra linjer til kolofonen "
                                      "(valgfri, Markdown).")
    print: PrintSettings = Field(default_factory=PrintSettings, description="Indstillinger "
                                 "til trykudgaven: bleed_mm, crop_marks og icc_profile.")
    web: WebSettings = Field(default_factory=WebSettings, description="Webudgaven: "
                             "base_url (adressen, når den er lagt ud) og "
                             "accessibility_statement (tilgængelighedserklæringen).")
    keywords: list[Text] = Field(default_factory=list, description="Søgeord i PDF'ernes "
                                 "metadata (valgfri).")

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
