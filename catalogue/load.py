"""Read catalogue.yaml and every entry, validate them all, and collect every problem at once."""

from __future__ import annotations

import concurrent.futures
import datetime
import difflib
import pickle
import typing
from dataclasses import dataclass, field
from pathlib import Path

import pydantic
from pydantic import BaseModel

from . import cache, danish, images, municipalities, yamlsafe
from .config import Edition
from .danish import sort_key
from .errors import Problem, ValidationFailed, relative
from .model import Entry
from .paths import layouts_dir


@dataclass(frozen=True)
class EntryDoc:
    """A validated entry with the file it came from; the slug is the file name."""

    slug: str
    path: Path
    entry: Entry
    located: yamlsafe.Located | None = field(default=None, compare=False, repr=False)

    def line(self, *path) -> int | None:
        """The line in the entry's file of the value at path, e.g. line("advice", 2)."""
        return self.located.line_of(path) if self.located else None

    @property
    def municipalities(self) -> list[municipalities.Municipality]:
        """The entry's municipalities with region and DK2020 membership."""
        return [municipalities.get(name) for name in self.entry.municipalities]

    @property
    def regions(self) -> list[str]:
        """The regions the entry's municipalities lie in, without repeats."""
        return list(dict.fromkeys(m.region for m in self.municipalities))

    @property
    def dk2020_count(self) -> int:
        """How many of the entry's municipalities took part in DK2020."""
        return sum(m.dk2020 for m in self.municipalities)

    @property
    def web_address(self) -> str | None:
        """Where a reader goes from paper: the first link, else the contact's web address."""
        if self.entry.links:
            return self.entry.links[0].url
        return self.entry.contact.url

    @property
    def title_key(self) -> bytes:
        """The title's place in Danish alphabetical order (its sort_as, if it has one)."""
        return sort_key(self.entry.sort_as or self.entry.title)

    @property
    def main_theme(self) -> str:
        """The first theme: it gives the spread its colour and illustration."""
        return self.entry.themes[0]


@dataclass
class Project:
    """Everything one build needs: the folder, the edition and the entries in print order."""

    root: Path
    edition: Edition
    entries: list[EntryDoc]
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # editorial, never fail a build


def load_project(root: Path, today: datetime.date | None = None) -> Project:
    """Read and validate the whole project; raise ValidationFailed listing every problem."""
    root = root.resolve()
    problems: list[Problem] = []
    remembered: set[Path] = set()  # what this load found or kept in .cache/valid/
    edition = _load_edition(root, problems, remembered)
    context = {"themes": edition.themes if edition else None,
               "this_year": (today or datetime.date.today()).year}
    entries = []
    paths = sorted((root / "entries").glob("*.yaml")) if (root / "entries").is_dir() else []
    if not paths and not problems:
        problems.append(Problem("entries/", None, None, "no entries found; add a file such "
                                "as entries/klimapartnerskab-vejle-nord.yaml"))
    # Photos are checked (decoded) in threads while the next entries are read: Pillow lets
    # go of the interpreter while it decodes, so a first build's 100 photos take the core
    # the command leaves free (0.4 s -> 0.2 s). Problems keep the order of the files.
    with images.truncated_images_refused(), \
            concurrent.futures.ThreadPoolExecutor(max_workers=2) as photos:
        loaded = []
        for path in paths:
            found: list[Problem] = []
            loaded.append((found, _load_entry(root, path, context, found, remembered, photos)))
        for found, (doc, photo) in loaded:
            problems.extend(found)
            problem = photo.result() if photo else None
            if problem:
                problems.append(Problem(_name(doc.path, root), doc.line("image", "file"),
                                        "image.file", problem))
            elif doc:
                entries.append(doc)
    if edition:
        entries = _order(entries, edition, root, problems)
    # Every save of an entry (preview --watch) leaves one: what is not used goes.
    cache.prune(root / cache.FOLDER / "valid", {path.name for path in remembered})
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationFailed.from_problems(problems)
    return Project(root, edition, entries, [p for p in problems if p.severity == "warning"])


def _load_edition(root: Path, problems: list[Problem],
                  remembered: set[Path]) -> Edition | None:
    path = root / "catalogue.yaml"
    if not path.is_file():
        problems.append(Problem("catalogue.yaml", None, None, "catalogue.yaml is missing; "
                                "every project needs one (see README)"))
        return None
    edition, located = _validate(path, root, Edition, {}, problems, remembered)
    illustrations = layouts_dir(root) / "illustrations"
    for theme in (edition.themes if edition else {}):
        if not (illustrations / f"{theme}.svg").is_file():
            problems.append(Problem("catalogue.yaml", located.line_of(("themes", theme)),
                                    f"themes.{theme}", f"there is no illustration for this "
                                    f"theme; add {relative(illustrations, root)}/{theme}.svg "
                                    "(it is shown on spreads without a photo)"))
    profile = edition.print.icc_profile if edition else None
    if profile:
        target = (root / profile).resolve()
        if not target.is_relative_to(root) or not target.is_file() or \
                target.suffix.lower() not in (".icc", ".icm"):
            problems.append(Problem("catalogue.yaml", located.line_of(("print", "icc_profile")),
                                    "print.icc_profile", f"{profile!r} is not an ICC profile "
                                    "in the project folder; ask the print shop for their "
                                    ".icc file and put it in the project"))
            return None
    return edition


# The anchors the layouts give the front and back matter: an entry's file name is its
# spread's anchor (and, in the build's plan, its part's name), so it may not be one of them.
TAKEN = {"forord": "the foreword", "introduktion": "the introduction",
         "indhold": "the contents", "oversigt": "the overview",
         "register": "the register", "kilder": "the sources", "kontakt": "the contact page",
         "kolofon": "the colophon"}


def _load_entry(root: Path, path: Path, context: dict, problems: list[Problem],
                remembered: set[Path], photos: concurrent.futures.Executor
                ) -> tuple[EntryDoc | None, concurrent.futures.Future | None]:
    """The entry, if it is valid (else its problems are added), and the check of its
    photo, begun in photos (what is wrong with it, or None)."""
    entry, located = _validate(path, root, Entry, context, problems, remembered)
    if entry is None:
        return None, None
    if path.stem in TAKEN:
        problems.append(Problem(_name(path, root), None, None, f"the file name "
                                f"{path.stem!r} is the catalogue's own name for "
                                f"{TAKEN[path.stem]}; rename the file, for example to "
                                f"{path.stem}-{danish.slug(entry.municipalities[0])}.yaml"))
        return None, None
    photo = photos.submit(images.check, root, entry.image.file) if entry.image else None
    return EntryDoc(path.stem, path, entry, located), photo


def _validate(path: Path, root: Path, model: type[BaseModel], context: dict,
              problems: list[Problem], remembered: set[Path]
              ) -> tuple[BaseModel | None, yamlsafe.Located | None]:
    """Parse and validate one file; on failure add its problems and return None. What
    passes is remembered in .cache/valid/ (its address added to remembered)."""
    name = _name(path, root)
    try:
        raw = _read(path, root)
        address = _address(root, raw, model, context)
        known = _remembered(address)
        if known:
            remembered.add(address)
            return known
        located = yamlsafe.parse(yamlsafe.decode(raw))
    except yamlsafe.YamlProblem as exc:
        where = f" (column {exc.column})" if exc.column else ""
        problems.append(Problem(name, exc.line, None, f"{exc}{where}"))
        return None, None
    except OSError as exc:
        problems.append(Problem(name, None, None, f"cannot be read: {exc.strerror}"))
        return None, None
    if not isinstance(located.data, dict):
        problems.append(Problem(name, 1, None, "the file must be a block of fields "
                                "(title: ..., municipalities: ..., and so on)"))
        return None, None
    try:
        valid = model.model_validate(located.data, context=context), located
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        suggested = {(tuple(e["loc"][:-1]), _suggestion(e, model)) for e in errors
                     if e["type"] == "extra_forbidden"}
        for error in errors:
            loc = tuple(error["loc"])
            if error["type"] == "missing" and (loc[:-1], loc[-1]) in suggested:
                continue  # 'titel: did you mean title?' already says it
            problems.append(Problem(name, located.line_of(loc), _field_path(loc),
                                    _message(error, model)))
        return None, None
    _remember(address, valid)
    remembered.add(address)
    return valid


def _address(root: Path, raw: bytes, model: type[BaseModel], context: dict) -> Path:
    """Where a file that passed validation is remembered: its bytes, the model, the
    context (the edition's themes, the year) and the code that parses and validates."""
    name = cache.key(raw, model.__name__, repr(context),
                     cache.code("pydantic", "pydantic-core", "PyYAML"))
    return root / cache.FOLDER / "valid" / name


def _remembered(address: Path) -> tuple[BaseModel, yamlsafe.Located] | None:
    """A file's validated content as the last check left it. Parsing and validating 100
    entries took 0.21 s of every command; reading them back takes 0.05 s. A damaged entry
    is validated again (the checksum of cache.kept, and anything unpickling may raise)."""
    data = cache.kept(address)
    try:
        return pickle.loads(data) if data else None
    except Exception:  # noqa: BLE001
        return None


def _remember(address: Path, valid: tuple[BaseModel, yamlsafe.Located]) -> None:
    try:
        cache.keep(address, pickle.dumps(valid, pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a project folder we may not write to is checked all the same, only slower


def _field_path(loc: tuple) -> str:
    """('partners', 1, 'cvr') -> 'partners[1].cvr'; a key's own error ends in '(the key)'."""
    text = ""
    for part in loc:
        if part == "[key]":
            text += " (the key)"
        else:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: dict, model: type[BaseModel]) -> str:
    """Pydantic's error, reworded for an editor who is not a programmer."""
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "missing":
        return "is required but missing; add it (see the entry format in README.md)"
    if kind == "extra_forbidden":
        close = _suggestion(error, model)
        hint = (f"did you mean {close!r}?" if close else
                f"allowed here: {', '.join(_fields_at(model, error['loc'][:-1]))}")
        return f"unknown field; {hint}"
    if kind == "string_type":
        return f"expected text, got {_kind(value)}; put the value in quotes"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        fix = "; remove the quotes" if isinstance(value, str) and value.strip().isdigit() else ""
        return f"expected a whole number such as 2021, got {_kind(value)}{fix}"
    if kind in ("list_type",):
        return f"expected a list (lines starting with '- '), got {_kind(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a block of fields (key: value), got {_kind(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return (f"needs at least {ctx['min_length']} item{'s' * (ctx['min_length'] != 1)}, "
                f"has {ctx['actual_length']}")
    if kind == "too_long":
        return f"may have at most {ctx['max_length']} items, has {ctx['actual_length']}"
    if kind == "literal_error":
        return f"{value!r} is not allowed; write one of {ctx['expected']}"
    if kind == "bool_type":
        return f"write true or false (not {value!r})"
    if kind.startswith("date"):
        return "expected a date written as YYYY-MM-DD, for example 2023-01-18"
    return error["msg"]


def _suggestion(error: dict, model: type[BaseModel]) -> str | None:
    """The allowed field name closest to an unknown key, if any is close."""
    allowed = _fields_at(model, error["loc"][:-1])
    close = difflib.get_close_matches(str(error["loc"][-1]), allowed, n=1, cutoff=0.5)
    return close[0] if close else None


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of fields"
    return f"text ({value!r})"


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at a location, for 'did you mean' hints."""
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        current = next((a for a in _flatten(annotation) if isinstance(a, type)
                        and issubclass(a, BaseModel)), None)
        if current is None:
            return []
    return list(current.model_fields)


def _flatten(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    return [annotation] + [x for a in args for x in _flatten(a)] if args else [annotation]


def _read(path: Path, root: Path) -> bytes:
    """A project file's bytes: never through a link out of the project, never a pipe or
    device (which could block or never end), never more than an entry may hold."""
    target = path.resolve()
    if not target.is_relative_to(root):
        raise yamlsafe.YamlProblem("the file is a link to a file outside the project folder; "
                                   "copy the file itself into the project")
    if not target.is_file():
        raise yamlsafe.YamlProblem("this is not an ordinary file; remove it or replace it "
                                   "with a YAML file")
    yamlsafe.check_size(target.stat().st_size)
    with target.open("rb") as stream:
        return stream.read(yamlsafe.MAX_BYTES + 1)


def _name(path: Path, root: Path) -> str:
    """The file as the editor knows it, even when it is a link to somewhere else."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return relative(path, root)


def _order(entries: list[EntryDoc], edition: Edition, root: Path,
           problems: list[Problem]) -> list[EntryDoc]:
    """The entries in print order, as catalogue.yaml asks."""
    by_municipality = sorted(entries, key=lambda d: (sort_key(d.entry.municipalities[0]),
                                                     d.title_key))
    if edition.order == "title":
        return sorted(entries, key=lambda d: d.title_key)
    if edition.order == "started":
        return sorted(by_municipality, key=lambda d: d.entry.started)
    if edition.order == "municipality":
        return by_municipality
    slugs = {d.slug: d for d in entries}
    for slug in edition.order:
        if slug not in slugs:
            problems.append(Problem("catalogue.yaml", None, "order", f"{slug!r} is not an "
                                    f"entry; the entries are: {', '.join(sorted(slugs))}"))
    listed = [slugs[s] for s in edition.order if s in slugs]
    rest = [d for d in by_municipality if d.slug not in edition.order]
    for doc in rest:
        problems.append(Problem("catalogue.yaml", None, "order", f"{doc.slug!r} is not in the "
                                "order list; it is placed at the end", "warning"))
    return listed + rest
