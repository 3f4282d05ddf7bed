"""Pydantic models of one partnership entry: the contract editors write to.

Every model forbids unknown keys and is strict about types, so a phone number
typed without quotes or a year typed as text is reported, never converted.
Checks that need the edition (theme vocabulary, publication year) read it from
the validation context that load.py passes in.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import municipalities
from .danish import curly_quotes, quotes
from .i18n import _

LEAD_MAX = 450


class Model(BaseModel):
    """Base for every model: unknown keys are errors, types are strict, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _fold(text: str) -> str:
    return " ".join(text.split())


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise PydanticCustomError(
            "web_url", _("{value} is not a web address; write it in full, starting with "
                         "https://"), {"value": repr(value)})
    return value


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}", value):
        raise PydanticCustomError("email", _("{value} is not an e-mail address"),
                                  {"value": repr(value)})
    return value


def _cvr(value: str) -> str:
    if not re.fullmatch(r"\d{8}", value):
        raise PydanticCustomError("cvr", _("a CVR number has exactly 8 digits (got {value})"),
                                  {"value": repr(value)})
    weights = (2, 7, 6, 5, 4, 3, 2, 1)
    if sum(int(d) * w for d, w in zip(value, weights)) % 11:
        raise PydanticCustomError(
            "cvr", _("{value} is not a valid CVR number (the check digit does not match); "
                     "copy it again from cvr.dk"), {"value": repr(value)})
    return value


def _municipality(value: str) -> str:
    if municipalities.get(value) is None:
        raise PydanticCustomError("municipality", municipality_problem(value), {})
    return value


def municipality_problem(value: str) -> str:
    """Why value is not a municipality, with the names it may have meant."""
    close = municipalities.suggest(value)
    if close:
        return _("unknown municipality {value}; did you mean {names}?").format(
            value=repr(value), names=(" " + _("or") + " ").join(repr(c) for c in close))
    return _("unknown municipality {value}; use the official short name, e.g. 'Vejle' or "
             "'Høje-Taastrup'").format(value=repr(value))


def _theme(value: str, info: ValidationInfo) -> str:
    known = (info.context or {}).get("themes")
    if known is not None and value not in known:
        raise PydanticCustomError(
            "theme", _("unknown theme {value}; the themes in catalogue.yaml are: {known}"),
            {"value": repr(value), "known": ", ".join(known)})
    return value


def _number(value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError(
            "number", _("expected a number such as 125000 or 21.5 (no thousands dots, no "
                        "quotes; put the unit in 'unit')"))
    return value


Plain = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Text as typed (a file's path): surrounding spaces are dropped, empty text is an error."""
Text = Annotated[Plain, AfterValidator(quotes)]
"""Printed text: as Plain, with its quotation marks, straight or curly, made Danish »…«."""
Markdown = Annotated[Plain, AfterValidator(curly_quotes)]
"""Body text in the Markdown subset: paragraphs, emphasis, bullet lists, links (its
straight quotation marks are made »…« by Markdown, which knows where they are syntax)."""
WebUrl = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_web_url)]
Email = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_email)]
Cvr = Annotated[str, AfterValidator(_cvr)]
Municipality = Annotated[str, AfterValidator(_municipality)]
Theme = Annotated[str, AfterValidator(_theme)]
Number = Annotated[int | float, PlainValidator(_number)]


class Partner(Model):
    """A company or organisation in the partnership (not the municipality itself)."""

    name: Text = Field(description="The partner's name as it presents itself.")
    cvr: Cvr | None = Field(None, description="CVR number, 8 digits, in quotes.")
    url: WebUrl | None = Field(None, description="The partner's web address.")
    role: Text | None = Field(None, description="Short role in the partnership, lower case.")


class KeyFigure(Model):
    """A figure set large in the fact box: value, unit below it (if any), label after."""

    value: Number = Field(description="A number: 125000 or 21.5 (no thousands dots); a "
                          "year such as 2030 prints as it is typed.")
    unit: Text | None = Field(None, description="Unit under the number: 'tons', '%', "
                              "'mio. kr.'; none for a year or a plain count.")
    label: Text = Field(description="What the figure counts, lower case.")


class Quote(Model):
    """A quotation, set apart with »«; only real, sourced quotes."""

    text: Text
    by: Text = Field(description="Who said it: role and organisation.")


class Image(Model):
    """A photo for the left page; alt text and credit are required."""

    file: Plain = Field(description="Path inside the project, e.g. images/vejle-nord.jpg.")
    alt: Text = Field(description="What the photo shows, for screen readers.")
    credit: Text = Field(description="Photographer or rights holder, for the colophon.")
    caption: Text | None = None


class Contact(Model):
    """Who readers contact: a role address is better than a person."""

    name: Text | None = None
    role: Text | None = None
    organisation: Text
    email: Email | None = None
    phone: Plain | None = None
    url: WebUrl | None = None

    @model_validator(mode="after")
    def _reachable(self) -> "Contact":
        if not (self.email or self.phone or self.url):
            raise PydanticCustomError("contact", _("give at least one of email, phone or "
                                                   "url so that readers can get in touch"))
        return self


class Link(Model):
    """A web page about the partnership, printed as its readable label."""

    label: Text
    url: WebUrl


class Entry(Model):
    """One partnership: one file in entries/, one spread in the catalogue."""

    title: Text = Field(description="The partnership's name.")
    sort_as: Text | None = Field(None, description="The title as Danish alphabetical order "
                                 "should read it, where it cannot tell: 'Hårby Klimaråd' "
                                 "for 'Haarby Klimaråd' (an å written aa inside a name).")
    municipalities: list[Municipality] = Field(min_length=1,
                                               description="Official short names.")
    partners: list[Partner] = Field(min_length=1)
    themes: list[Theme] = Field(min_length=1, description="Keys from catalogue.yaml.")
    started: int = Field(description="The year the partnership started.")
    status: Literal["aktiv", "afsluttet"] = "aktiv"
    lead: Text = Field(description="2-3 sentences: who, where, what.")
    about: Markdown = Field(description="Om partnerskabet.")
    origin: Markdown = Field(description="Sådan opstod idéen.")
    results: Markdown | None = Field(None, description="Resultater.")
    key_figures: list[KeyFigure] = Field(default_factory=list, max_length=4)
    advice: list[Text] = Field(min_length=2, max_length=6, description="Gode råd.")
    quote: Quote | None = None
    image: Image | None = None
    contact: Contact
    links: list[Link] = Field(default_factory=list)
    sources: list[WebUrl] = Field(default_factory=list)

    @field_validator("lead")
    @classmethod
    def _lead_length(cls, value: str) -> str:
        length = len(_fold(value))
        if length > LEAD_MAX:
            raise PydanticCustomError(
                "lead_length", _("the lead is {length} characters; at most {limit} fit the "
                                 "page, so shorten it by {over}"),
                {"length": length, "limit": LEAD_MAX, "over": length - LEAD_MAX})
        return value

    @field_validator("started")
    @classmethod
    def _not_future(cls, value: int, info: ValidationInfo) -> int:
        this_year = (info.context or {}).get("this_year", datetime.date.today().year)
        if not 1900 <= value <= this_year:
            raise PydanticCustomError(
                "year", _("{value} is not a possible start year; give a year from 1900 to "
                          "{this_year}"), {"value": value, "this_year": this_year})
        return value
