"""The search of the web edition: an index of word stems made here, searched in the
reader's browser (layouts/web/site.js), so that it works offline and from disk.

Words are folded (lower case; aa as å, so that Aabenraa and Åbenrå meet; accents off) and
stemmed with the Snowball stemmer for Danish, the same algorithm site.js runs on what the
reader types: "virksomheder" finds "virksomhed", "varme" finds "fjernvarmen".
The index maps each stem to the partnerships (their places in the list) whose texts hold
it; it is a script (window.soegeindeks), not JSON, because a page opened from disk may
not fetch a file but may load a script.
"""

from __future__ import annotations

import functools
import json
import re

import snowballstemmer

from ..read.load import EntryDoc, Project

_FOLDS = (("aa", "å"), ("é", "e"), ("è", "e"), ("ê", "e"), ("ë", "e"), ("á", "a"),
          ("à", "a"), ("ä", "æ"), ("ö", "ø"), ("ü", "u"), ("ó", "o"), ("í", "i"))
_WORD = re.compile(r"[^\W_]+")
_LINK_ADDRESS = re.compile(r"\]\([^)]*\)|https?://\S+")
_STEMMER = snowballstemmer.stemmer("danish")


def fold(text: str) -> str:
    """Lower case, aa as å, common accents off (site.js: fold)."""
    text = text.lower()
    for old, new in _FOLDS:
        text = text.replace(old, new)
    return text


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A folded word's Danish stem (site.js: stem)."""
    return _STEMMER.stemWord(word)


def stems(text: str) -> set[str]:
    """The stems of every word in a text (link addresses left out)."""
    return {stem(word) for word in _WORD.findall(fold(_LINK_ADDRESS.sub(" ", text)))}


def texts(doc: EntryDoc, themes: dict[str, str]) -> list[str]:
    """Everything of an entry a reader might search for."""
    e = doc.entry
    found = [e.title, e.lead, e.about, e.origin, e.results or "", *e.advice,
             *e.municipalities, *doc.regions, *(themes[t] for t in e.themes),
             *(p.name for p in e.partners), *(p.role or "" for p in e.partners),
             *(f"{k.unit or ''} {k.label}" for k in e.key_figures), e.contact.organisation]
    if e.quote:
        found += [e.quote.text, e.quote.by]
    return found


def index(project: Project) -> dict[str, list[int]]:
    """Each stem and the partnerships (by their place in the catalogue) that use it."""
    found: dict[str, list[int]] = {}
    for place, doc in enumerate(project.entries):
        for word in stems(" ".join(texts(doc, project.edition.themes))):
            found.setdefault(word, []).append(place)
    return dict(sorted(found.items()))


def script(project: Project) -> str:
    """The index as a script for site.js."""
    data = json.dumps(index(project), ensure_ascii=False, separators=(",", ":"))
    return f"window.soegeindeks={data};\n"
