"""Pydantic's validation errors as an editor reads them: in plain words, on the right line,
one message per mistake, with the field name they meant when they guessed it in Danish."""

from __future__ import annotations

import difflib
import re
import typing

import pydantic
import pydantic_core
from pydantic import BaseModel

from ..errors import Problem
from ..i18n import _, ngettext
from .yamlsafe import Located

GUIDE = "docs/redaktoervejledning.md"

# Field names editors guess in Danish (lower case, æ, ø and å as typed or as ae, oe, aa), and
# the fields they mean; where one word means different fields in different blocks ('navn'),
# the first that the block has is meant.
ALIASES: dict[str, tuple[str, ...]] = {
    "titel": ("title", "role"), "overskrift": ("title",), "navn": ("name", "title", "label"),
    "undertitel": ("subtitle",),
    "kommune": ("municipalities",), "kommuner": ("municipalities",),
    "partner": ("partners",), "partnere": ("partners",), "partnerne": ("partners",),
    "virksomheder": ("partners",), "samarbejdspartnere": ("partners",),
    "tema": ("themes",), "temaer": ("themes",),
    "start": ("started",), "startaar": ("started",), "startet": ("started",),
    "aar": ("started",), "aarstal": ("started",), "begyndt": ("started",),
    "ingress": ("lead",), "indledning": ("lead", "introduction"), "manchet": ("lead",),
    "resume": ("lead",), "resumé": ("lead",),
    "om": ("about",), "om_partnerskabet": ("about",), "beskrivelse": ("about", "alt", "label"),
    "tekst": ("about", "text", "label", "caption"),
    "ide": ("origin",), "idé": ("origin",), "ideen": ("origin",), "idéen": ("origin",),
    "oprindelse": ("origin",), "baggrund": ("origin",), "historie": ("origin",),
    "saadan_opstod_ideen": ("origin",), "saadan_opstod_idéen": ("origin",),
    "resultater": ("results",), "resultat": ("results",), "effekt": ("results",),
    "noegletal": ("key_figures",), "tal": ("key_figures", "value"),
    "gode_raad": ("advice",), "raad": ("advice",), "anbefalinger": ("advice",),
    "citat": ("quote", "text"), "billede": ("image",), "foto": ("image",),
    "fotografi": ("image",), "kontakt": ("contact",), "kontaktperson": ("contact",),
    "link": ("links", "url"), "laes_mere": ("links",), "henvisninger": ("links",),
    "kilder": ("sources",), "kilde": ("sources", "by"),
    "rolle": ("role",), "hjemmeside": ("url",), "web": ("url",), "webadresse": ("url",),
    "website": ("url",), "adresse": ("url",),
    "vaerdi": ("value",), "enhed": ("unit",), "etiket": ("label",),
    "af": ("by",), "afsender": ("by",), "person": ("by",),
    "fil": ("file",), "sti": ("file",), "alt_tekst": ("alt",), "alttekst": ("alt",),
    "fotograf": ("credit",), "kredit": ("credit",), "kreditering": ("credit",),
    "ophavsret": ("credit",), "billedtekst": ("caption",),
    "organisering": ("organisation",), "organization": ("organisation",),
    "e_mail": ("email",), "mail": ("email",), "telefon": ("phone",), "tlf": ("phone",),
    "telefonnummer": ("phone",), "mobil": ("phone",),
    "udgiver": ("publisher",), "udgave": ("edition",), "dato": ("publication_date",),
    "udgivelsesdato": ("publication_date",), "forord": ("foreword",),
    "raekkefoelge": ("order",), "orden": ("order",), "sortering": ("order",),
    "farver": ("colours",), "colors": ("colours",), "kontaktside": ("contact_page",),
    "kolofon": ("colophon",), "tryk": ("print",), "noegleord": ("keywords",),
}
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def problems(exc: pydantic.ValidationError, model: type[BaseModel], located: Located,
             name: str) -> list[Problem]:
    """The editor's problems in a file that failed validation: one per mistake (an unknown
    key that was meant as a required field does not also make that field 'missing')."""
    errors = exc.errors()
    meant = {}  # (the block, the field) an unknown key was meant as -> True
    for error in errors:
        if error["type"] == "extra_forbidden":
            close = suggestion(error, model, errors)
            error["suggestion"] = close
            if close:
                meant[(tuple(error["loc"][:-1]), close)] = True
    found = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "missing" and (loc[:-1], loc[-1]) in meant:
            continue  # 'ingress: did you mean lead?' already says it
        found.append(Problem(name, _line(error, located), field_path(loc),
                             message(error, model)))
    return found


def _line(error: dict, located: Located) -> int:
    """The key's line, or the value's where the value is what is wrong (a list written as
    text starts on the line under its key)."""
    loc = tuple(error["loc"])
    if error["type"] == "list_type" and loc in located.lines:
        return located.lines[loc]
    return located.line_of(loc)


def field_path(loc: tuple) -> str:
    """('partners', 1, 'cvr') -> 'partners[1].cvr'; a key's own error ends in '(the key)'."""
    text = ""
    for part in loc:
        if part == "[key]":
            text += " " + _("(the key)")
        else:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def suggestion(error: dict, model: type[BaseModel], errors: list[dict] = ()) -> str | None:
    """The field an unknown key was meant as: a Danish name's English one, a close spelling
    (of a missing field first), or the one field missing where it stands."""
    allowed = fields_at(model, error["loc"][:-1])
    key = str(error["loc"][-1])
    folded = key.casefold().replace("-", "_").replace(" ", "_")
    for word in (folded, folded.translate(_DANISH)):
        for target in ALIASES.get(word, ()):
            if target in allowed:
                return target
    parent = tuple(error["loc"][:-1])
    missing = [e["loc"][-1] for e in errors
               if e["type"] == "missing" and tuple(e["loc"][:-1]) == parent]
    for pool in (missing, allowed):
        close = difflib.get_close_matches(key, [str(p) for p in pool], n=1, cutoff=0.5)
        if close:
            return close[0]
    unknown = [e for e in errors
               if e["type"] == "extra_forbidden" and tuple(e["loc"][:-1]) == parent]
    return str(missing[0]) if len(missing) == 1 and len(unknown) == 1 else None


def message(error: dict, model: type[BaseModel]) -> str:
    """Pydantic's error, reworded for an editor who is not a programmer."""
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "missing":
        return _("is required but missing; add it (see section 3 of {guide})").format(
            guide=GUIDE)
    if kind == "extra_forbidden":
        close = error.get("suggestion", suggestion(error, model))
        if close:
            return _("unknown field; did you mean {name}?").format(name=repr(close))
        return _("unknown field; allowed here: {names}").format(
            names=", ".join(fields_at(model, error["loc"][:-1])))
    words = _TYPES.get(kind)
    if words:
        return words(value, ctx)
    if kind.startswith("date"):
        return _("expected a date written as YYYY-MM-DD, for example 2023-01-18")
    if kind not in _PYDANTIC:
        return error["msg"]  # ours (PydanticCustomError), already in the editor's language
    return _("this value cannot be used here ({value}); see section 3 of {guide}").format(
        value=_kind(value), guide=GUIDE)


# Pydantic's own kinds of error (any other kind is one of ours: model.py, config.py).
_PYDANTIC = frozenset(typing.get_args(pydantic_core.core_schema.ErrorType))


def _text(value: object, ctx: dict) -> str:
    if isinstance(value, dict) and len(value) == 1 and \
            isinstance(next(iter(value.values())), (str, type(None))):
        return _("the text contains ': ', which YAML reads as a field; put the whole text in "
                 "quotes")
    return _("expected text, got {value}; put the value in quotes").format(value=_kind(value))


def _whole(value: object, ctx: dict) -> str:
    fix = _("; remove the quotes") if isinstance(value, str) and value.strip().isdigit() else ""
    return _("expected a whole number such as 2021, got {value}{fix}").format(
        value=_kind(value), fix=fix)


def _number(value: object, ctx: dict) -> str:
    return _("expected a number such as 21.5, got {value}").format(value=_kind(value))


def _list(value: object, ctx: dict) -> str:
    if isinstance(value, str):
        return _("expected a list: write each item on a line of its own, starting with '- '")
    if isinstance(value, dict) and value:
        return _("expected a list: put '- ' in front of the first line of each item, as in "
                 "'- {key}: ...'").format(key=next(iter(value)))
    return _("expected a list (lines starting with '- '), got {value}").format(
        value=_kind(value))


def _block(value: object, ctx: dict) -> str:
    if isinstance(value, str) and re.match(r"[^\W\d][\w-]*:\S", value):
        key, rest = value.split(":", 1)
        return _("put a space after the colon: {fixed}").format(fixed=f"{key}: {rest}")
    return _("expected a block of fields (name: value), got {value}").format(
        value=_kind(value))


_TYPES: dict[str, typing.Callable[[object, dict], str]] = {
    "string_type": _text,
    "int_type": _whole, "int_parsing": _whole, "int_from_float": _whole,
    "float_type": _number, "float_parsing": _number,
    "list_type": _list,
    "model_type": _block, "dict_type": _block,
    "string_too_short": lambda value, ctx: _("must not be empty"),
    "too_short": lambda value, ctx: ngettext(
        "needs at least {count} item, has {actual}", "needs at least {count} items, has "
        "{actual}", ctx["min_length"]).format(count=ctx["min_length"],
                                              actual=ctx["actual_length"]),
    "too_long": lambda value, ctx: _("may have at most {count} items, has {actual}").format(
        count=ctx["max_length"], actual=ctx["actual_length"]),
    "literal_error": lambda value, ctx: _("{value} is not allowed; write one of {allowed}")
    .format(value=repr(value), allowed=ctx["expected"].replace(" or ", " " + _("or") + " ")),
    "bool_type": lambda value, ctx: _("write true or false (not {value})").format(
        value=repr(value)),
    "greater_than_equal": lambda value, ctx: _("must be at least {limit}").format(
        limit=ctx["ge"]),
    "less_than_equal": lambda value, ctx: _("may be at most {limit}").format(limit=ctx["le"]),
}


def _kind(value: object) -> str:
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("yes/no ({value})").format(value=str(value).lower())
    if isinstance(value, (int, float)):
        return _("a number ({value})").format(value=value)
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a block of fields")
    return _("text ({value})").format(value=repr(value))


def fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at a location, for 'did you mean' hints."""
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        if part not in getattr(current, "model_fields", {}):
            return []
        annotation = current.model_fields[part].annotation
        current = next((a for a in _flatten(annotation) if isinstance(a, type)
                        and issubclass(a, BaseModel)), None)
        if current is None:
            return []
    return list(current.model_fields)


def _flatten(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    return [annotation] + [x for a in args for x in _flatten(a)] if args else [annotation]
