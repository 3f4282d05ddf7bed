"""`catalogue schema`: JSON Schemas (draft-07) of an entry and of catalogue.yaml, made from
the models, for editors' tools: VS Code's YAML extension completes the fields, shows each
field's Danish description on hover and underlines a mistake before `make check`.

The entry schema lists the 98 municipalities and this catalogue's themes, so it belongs to
one project: it is written to the project's schemas/ (README lists what only `check` can
judge: the YAML rules, photos, page fit and the rest).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from . import municipalities
from .config import Edition
from ..danish import sort_key
from ..errors import CatalogueError
from ..i18n import _
from ..files import atomic_target
from .model import Entry
from .scaffold import theme_vocabulary

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
FOLDER = "schemas"
ENTRY = "entry.schema.json"
EDITION = "catalogue.schema.json"


class _Generator(GenerateJsonSchema):
    """Pydantic's generator without the English titles it makes from field names."""

    def field_title_should_be_set(self, schema) -> bool:
        return False


def entry_schema(themes: dict[str, str]) -> dict:
    """The schema of one file in entries/, with this catalogue's themes."""
    schema = _draft_07(Entry, "Et partnerskab i kataloget »Grønne klimapartnerskaber«",
                       "Én fil i entries/ giver ét opslag. Se docs/redaktoervejledning.md.")
    table = municipalities.all_municipalities()
    names = sorted(table, key=sort_key)
    _enum(schema["properties"]["municipalities"]["items"], names,
          [f"{table[n].official_name}, {table[n].region}" for n in names],
          "Ukendt kommune: skriv det officielle korte navn, fx Aarhus eller Høje-Taastrup.")
    _enum(schema["properties"]["themes"]["items"], list(themes), list(themes.values()),
          f"Ukendt tema: brug en nøgle fra catalogue.yaml: {', '.join(themes)}.")
    return schema


def edition_schema() -> dict:
    """The schema of catalogue.yaml."""
    return _draft_07(Edition, "Udgaven af kataloget »Grønne klimapartnerskaber«",
                     "catalogue.yaml: titel, dato, forord, temaer, rækkefølge, farver, "
                     "kontaktside og tryk. Se docs/redaktoervejledning.md.")


def texts(root: Path) -> dict[str, str]:
    """The files of schemas/ for the project at root, by name."""
    themes = theme_vocabulary(root)
    if not themes:
        raise CatalogueError(_("catalogue.yaml: the themes could not be read, so the entry "
                               "schema cannot list them; run 'catalogue check' to see why"))
    return {ENTRY: _dump(entry_schema(themes)), EDITION: _dump(edition_schema())}


def write(root: Path) -> list[Path]:
    """Write schemas/ for the project at root; return the files that changed."""
    written = []
    for name, text in texts(root).items():
        target = root / FOLDER / name
        if target.is_file() and target.read_text("utf-8") == text:
            continue
        with atomic_target(target) as temp:
            temp.write_text(text, "utf-8")
        written.append(target)
    return written


def _draft_07(model: type[BaseModel], title: str, description: str) -> dict:
    """A model's schema as draft-07 has it: definitions, no titles or English docstrings."""
    schema = model.model_json_schema(ref_template="#/definitions/{model}",
                                     schema_generator=_Generator)
    definitions = schema.pop("$defs", {})
    for part in (schema, *definitions.values()):
        part.pop("title", None)  # the class name
        part.pop("description", None)  # the class docstring, for programmers
    head = {"$schema": DRAFT_07, "title": title, "description": description}
    return _mend({**head, **schema, "definitions": definitions})


def _mend(node: object) -> object:
    """Draft-07's rules: a $ref's sibling keywords are ignored, so the field's description
    goes beside an allOf; a mapping whose keys have a pattern allows no other key."""
    if isinstance(node, list):
        return [_mend(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _mend(value) for key, value in node.items()}
    if "$ref" in node and len(node) > 1:
        node = {"allOf": [{"$ref": node.pop("$ref")}], **node}
    if "patternProperties" in node:
        node["additionalProperties"] = False
    return node


def _enum(schema: dict, values: list[str], descriptions: list[str], message: str) -> None:
    schema["enum"] = values
    schema["enumDescriptions"] = descriptions  # shown beside each completion (VS Code)
    schema["errorMessage"] = message  # shown instead of the list of every allowed value


def _dump(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
