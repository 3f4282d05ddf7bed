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
from pydantic.json_schema import WithJsonSchema
from pydantic_core import PydanticCustomError

from . import municipalities
from ..danish import curly_quotes, quotes
from ..i18n import _

LEAD_MAX = 450
# The same limit for editors' tools (schemas/, JSON Schema's ECMAScript regex): at most
# LEAD_MAX characters once a run of whitespace counts as one, as _lead_length counts.
LEAD_PATTERN = rf"^\s*(?:\S|\s+(?=\S)){{0,{LEAD_MAX}}}\s*$"


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
# WithJsonSchema: what the validators check, as far as a JSON Schema can say it (schema.py).
WebUrl = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_web_url),
                   WithJsonSchema({"type": "string",
                                   "pattern": r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]+\S*\s*$"})]
Email = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_email),
                  WithJsonSchema({"type": "string",
                                  "pattern": r"^\s*[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}\s*$"})]
Cvr = Annotated[str, AfterValidator(_cvr),
                WithJsonSchema({"type": "string", "pattern": r"^[0-9]{8}$"})]
Municipality = Annotated[str, AfterValidator(_municipality)]
Theme = Annotated[str, AfterValidator(_theme)]
Number = Annotated[int | float, PlainValidator(_number, json_schema_input_type=float)]


class Partner(Model):
    """A company or organisation in the partnership (not the municipality itself)."""

    name: Text = Field(description="Virksomhedens eller organisationens navn, som den selv "
                       "skriver det.")
    cvr: Cvr | None = Field(None, description='CVR-nummer (valgfri): 8 cifre i anførselstegn, '
                            'fx "12345674". Kontrolcifferet tjekkes, så kopiér det fra cvr.dk.')
    url: WebUrl | None = Field(None, description="Partnerens webadresse (valgfri), hele "
                               "adressen med https://.")
    role: Text | None = Field(None, description="Kort rolle i partnerskabet med lille "
                              "begyndelsesbogstav, fx medstifter (valgfri).")


class KeyFigure(Model):
    """A figure set large in the fact box: value, unit below it (if any), label after."""

    value: Number = Field(description="Et rent tal: 125000 eller 21.5 – uden tusindtalspunktum "
                          "og anførselstegn, med punktum som decimaltegn. Et årstal som 2030 "
                          "trykkes, som det er skrevet.", json_schema_extra={"errorMessage": (
                              "Skriv et rent tal uden anførselstegn, fx 125000 eller 21.5.")})
    unit: Text | None = Field(None, description='Enheden under tallet (valgfri), fx tons, "%" '
                              "(i anførselstegn) eller mio. kr.; udelades ved et årstal eller "
                              "et antal.")
    label: Text = Field(description="Hvad tallet tæller, med lille begyndelsesbogstav, fx "
                        "i erhvervsområdet.")


class Quote(Model):
    """A quotation, set apart with »«; only real, sourced quotes."""

    text: Text = Field(description="Citatet uden anførselstegn; »…« sættes automatisk.")
    by: Text = Field(description="Hvem sagde det: rolle og organisation, fx projektleder, "
                     "Vejle Kommune.")


class Image(Model):
    """A photo for the left page; alt text and credit are required."""

    file: Plain = Field(description="Stien til fotoet i projektmappen, fx "
                       "images/vejle-nord.jpg: JPEG eller PNG, til tryk mindst ca. "
                       "2.600 × 1.600 pixel (300 ppi).")
    alt: Text = Field(description="Hvad fotoet viser, til skærmlæsere.")
    credit: Text = Field(description="Fotograf eller rettighedshaver; står under fotoet som "
                         "»Foto: …« og i kolofonen.")
    caption: Text | None = Field(None, description="Billedtekst (valgfri).")


class Contact(Model):
    """Who readers contact: a role address is better than a person."""

    # _reachable for editors' tools (schemas/): one of email, phone or url, not null;
    # errorMessage is what VS Code's YAML extension says instead of "Incorrect type".
    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": [key], "properties": {key: {"type": "string", "errorMessage": (
            "Udfyld mindst én af email, phone og url, så læserne kan komme i kontakt.")}}}
        for key in ("email", "phone", "url")]})

    name: Text | None = Field(None, description="Kontaktpersonens navn (valgfri); en fælles "
                              "postkasse er bedre end en person.")
    role: Text | None = Field(None, description="Kontaktpersonens rolle (valgfri), fx "
                              "klimakoordinator.")
    organisation: Text = Field(description="Organisationen, fx Vejle Kommune.")
    email: Email | None = Field(None, description="E-mailadresse. Mindst én af email, phone "
                                "og url.")
    phone: Plain | None = Field(None, description='Telefonnummer, altid i anførselstegn: '
                               '"76 81 00 00". Mindst én af email, phone og url.')
    url: WebUrl | None = Field(None, description="Webadresse med https://. Mindst én af "
                               "email, phone og url.")

    @model_validator(mode="after")
    def _reachable(self) -> "Contact":
        if not (self.email or self.phone or self.url):
            raise PydanticCustomError("contact", _("give at least one of email, phone or "
                                                   "url so that readers can get in touch"))
        return self


class Link(Model):
    """A web page about the partnership, printed as its readable label."""

    label: Text = Field(description="Den tekst, læseren ser, fx vejlenord.dk.")
    url: WebUrl = Field(description="Hele adressen med https://.")


class Entry(Model):
    """One partnership: one file in entries/, one spread in the catalogue."""

    title: Text = Field(description="Partnerskabets navn, som det skal stå i kataloget.")
    sort_as: Text | None = Field(None, description="Titlen, som den dansk alfabetiske "
                                 "orden skal læse den, hvor reglerne ikke kan afgøre det "
                                 "(valgfri), fx »Hårby Klimaråd« for »Haarby Klimaråd«.")
    municipalities: list[Municipality] = Field(
        min_length=1, description="Kommunerne med deres officielle korte navne, fx Vejle, "
        "Høje-Taastrup, Aarhus. Mindst én; kataloget sorteres efter den første.")
    partners: list[Partner] = Field(
        min_length=1, description="Virksomheder og organisationer i partnerskabet – ikke "
        "kommunen selv. Mindst én; hver med name og evt. cvr, url og role.")
    themes: list[Theme] = Field(
        min_length=1, description="Temaer fra catalogue.yaml (nøglerne). Mindst ét; det "
        "første giver opslaget farve og illustration.")
    started: int = Field(description="Året partnerskabet startede, uden anførselstegn, fx "
                         "2021. Fra 1900 til i år.", json_schema_extra={
                             "minimum": 1900,
                             "errorMessage": "Skriv et årstal uden anførselstegn, fx 2021."})
    status: Literal["aktiv", "afsluttet"] = Field("aktiv", description="aktiv (standard) "
                                                  "eller afsluttet.")
    lead: Text = Field(description=f"Ingressen: 2–3 sætninger om hvem, hvor og hvad. Højst "
                       f"{LEAD_MAX} tegn; omkring 330 ser bedst ud.",
                       json_schema_extra={"pattern": LEAD_PATTERN, "patternErrorMessage":
                                          f"Ingressen må højst være {LEAD_MAX} tegn."})
    about: Markdown = Field(description="»Om partnerskabet«: hvad det går ud på. Markdown: "
                            "afsnit adskilt af en tom linje, *kursiv*, punktlister med »- « "
                            "og links som [tekst](https://…).")
    origin: Markdown = Field(description="»Sådan opstod idéen«: hvem tog initiativet, og "
                             "hvordan kom det i gang. Markdown.")
    results: Markdown | None = Field(None, description="»Resultater« (valgfri): tal med "
                                     "enhed og årstal, fx 125.000 tons. Markdown.")
    key_figures: list[KeyFigure] = Field(
        default_factory=list, max_length=4, description="Nøgletal i faktaboksen (valgfri, "
        "højst 4), hvert med value, label og evt. unit.")
    advice: list[Text] = Field(min_length=2, max_length=6, description="»Gode råd« til "
                               "andre kommuner: 2 til 6 korte sætninger, hver helst under "
                               "150 tegn.")
    quote: Quote | None = Field(None, description="Et citat (valgfri; kun ægte citater med "
                                "kilde): text og by.")
    image: Image | None = Field(None, description="Foto øverst på venstre side (valgfri): "
                                "file, alt og credit; caption er valgfri. Uden foto vises "
                                "illustrationen for det første tema.")
    contact: Contact = Field(description="Kontakt for læserne: organisation og mindst én af "
                             "email, phone og url.")
    links: list[Link] = Field(default_factory=list, description="»Læs mere«-links til "
                              "læserne (valgfri), hvert med label og url.")
    sources: list[WebUrl] = Field(default_factory=list, description="Webadresser, som "
                                  "oplysningerne bygger på (valgfri); de trykkes i listen "
                                  "»Kilder« bagest.")

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
