"""`catalogue new`: a fresh entry with every field present and explained in Danish."""

from __future__ import annotations

from pathlib import Path

from . import municipalities, yamlsafe
from ..danish import slug
from ..errors import CatalogueError
from ..i18n import _
from .model import municipality_problem

# The first line points editors' tools at the entry schema (catalogue schema; VS Code's
# YAML extension completes and explains the fields from it).
TEMPLATE = '''\
# yaml-language-server: $schema=../schemas/entry.schema.json
# Udfyld felterne og kør `make check`. Felter med "" skal udfyldes; felter med null,
# [] eller {{}} er valgfrie og kan blive stående. Se docs/redaktoervejledning.md.

# Partnerskabets navn, som det skal stå i kataloget.
title: "{title}"

# Kommunens officielle korte navn (fx Vejle, Høje-Taastrup, Aarhus). Flere: [Vejle, Kolding]
municipalities: [{municipality}]

# Virksomheder og organisationer i partnerskabet (ikke kommunen selv).
# cvr skrives i anførselstegn; role er en kort rolle med lille begyndelsesbogstav.
partners:
  - name: ""
    role: null
    url: null
    cvr: null

# Temaer fra catalogue.yaml; det første giver opslaget farve og illustration.
themes: [{theme}]

# Året partnerskabet startede (fx 2021), og om det er aktiv eller afsluttet.
started: null
status: aktiv

# Ingress: 2-3 sætninger om hvem, hvor og hvad (højst 450 tegn).
lead: ""

# "Om partnerskabet": hvad det går ud på. Afsnit adskilles af en tom linje;
# *kursiv*, punktlister med "- " og links som [tekst](https://...).
about: |

# "Sådan opstod idéen": hvem tog initiativet, og hvordan kom det i gang.
origin: |

# "Resultater" (valgfri): tal med enhed og årstal, fx 125.000 tons.
results: null

# Nøgletal (valgfri, højst 4), fx - {{value: 250, unit: virksomheder, label: i området}}
# unit kan udelades, fx et målår: - {{value: 2030, label: CO₂-neutral kommune}}
key_figures: []

# "Gode råd" til andre kommuner: 2-6 korte sætninger.
advice:
  - ""
  - ""

# Citat (valgfri, kun ægte citater med kilde): {{text: ..., by: "projektleder, Vejle Kommune"}}
quote: null

# Foto (valgfri): {{file: images/navn.jpg, alt: hvad fotoet viser, credit: fotograf}}
image: null

# Kontakt: organisation og mindst én af email, phone eller url.
contact:
  name: null
  role: null
  organisation: "{organisation}"
  email: null
  phone: null
  url: null

# Links til læsere (valgfri): - {{label: vejlenord.dk, url: https://vejlenord.dk/om}}
links: []

# Kilder til oplysningerne, til redaktionen (vises i kildelisten bagest).
sources: []

# Sjældent brug for: titlen, som den skal sorteres i alfabetisk orden, når det ikke kan
# ses af den, fx "Grønne Kraftværk, Det" for "Det Grønne Kraftværk". Ellers null.
sort_as: null
'''


def new_entry(root: Path, title: str, municipality: str, theme: str = "",
              themes: dict[str, str] | None = None) -> Path:
    """Write entries/<slug>.yaml for a new partnership; never overwrite an existing entry.

    themes is the vocabulary of catalogue.yaml, to check theme against.
    """
    if theme and themes is not None and theme not in themes:
        raise CatalogueError(_("unknown theme {value}; the themes in catalogue.yaml are: "
                               "{known}").format(value=repr(theme), known=", ".join(themes)))
    found = municipalities.get(municipality)
    if found is None:
        raise CatalogueError(municipality_problem(municipality))
    name = slug(title)
    if not name:
        raise CatalogueError(_("the title needs at least one letter or digit"))
    target = root / "entries" / f"{name}.yaml"
    for existing in (target, target.with_suffix(".yml")):
        if existing.exists():
            raise CatalogueError(_("{file} already exists; edit it, or choose another title")
                                 .format(file=f"entries/{existing.name}"))
    target.parent.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.format(title=title.replace('"', "'"), municipality=found.name,
                           theme=theme, organisation=found.official_name)
    with open(target, "x", encoding="utf-8") as stream:  # "x": never replace a file
        stream.write(text)
    return target


def theme_vocabulary(root: Path) -> dict[str, str] | None:
    """The themes of catalogue.yaml, or None when it cannot be read (check will say why)."""
    try:
        data = yamlsafe.parse(yamlsafe.decode((root / "catalogue.yaml").read_bytes())).data
    except (OSError, yamlsafe.YamlProblem):
        return None
    themes = data.get("themes") if isinstance(data, dict) else None
    return themes if isinstance(themes, dict) else None
