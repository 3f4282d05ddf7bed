"""Read catalogue.yaml and every entry, validate them all, and collect every problem at once."""

from __future__ import annotations

import concurrent.futures
import datetime
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pydantic
from pydantic import BaseModel

from .. import cache, danish
from . import explain, images, municipalities, yamlsafe
from .config import Edition
from ..danish import sort_key
from ..errors import Problem, ValidationFailed, relative
from ..i18n import N_, _
from .model import Entry
from ..paths import layouts_dir


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
    paths = entry_files(root, problems)
    if not paths and not problems:
        problems.append(Problem("entries/", None, None, _(
            "no entries found; add a file such as entries/klimapartnerskab-vejle-nord.yaml")))
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


SUFFIXES = (".yaml", ".yml")


def entry_files(root: Path, problems: list[Problem]) -> list[Path]:
    """The entries' files: entries/*.yaml and *.yml (any case), never two for one slug."""
    folder = root / "entries"
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    by_slug: dict[str, Path] = {}
    for path in found:
        if path.stem in by_slug:
            problems.append(Problem(_name(path, root), None, None, _(
                "{other} has the same name; one partnership is one file, so delete or "
                "rename one of them").format(other=_name(by_slug[path.stem], root))))
        by_slug.setdefault(path.stem, path)
    return [p for p in found if by_slug[p.stem] == p]


def _load_edition(root: Path, problems: list[Problem],
                  remembered: set[Path]) -> Edition | None:
    path = root / "catalogue.yaml"
    if not path.is_file():
        problems.append(Problem("catalogue.yaml", None, None, _(
            "catalogue.yaml is missing; every project needs one (see section 4 of "
            "{guide})").format(guide=explain.GUIDE)))
        return None
    edition, located = _validate(path, root, Edition, {}, problems, remembered)
    illustrations = layouts_dir(root) / "illustrations"
    for theme in (edition.themes if edition else {}):
        if not (illustrations / f"{theme}.svg").is_file():
            problems.append(Problem("catalogue.yaml", located.line_of(("themes", theme)),
                                    f"themes.{theme}", _(
                "there is no illustration for this theme; add {file} (it is shown on "
                "spreads without a photo)").format(
                    file=f"{relative(illustrations, root)}/{theme}.svg")))
    profile = edition.print.icc_profile if edition else None
    if profile:
        target = (root / profile).resolve()
        if not target.is_relative_to(root) or not target.is_file() or \
                target.suffix.lower() not in (".icc", ".icm"):
            problems.append(Problem("catalogue.yaml", located.line_of(("print", "icc_profile")),
                                    "print.icc_profile", _(
                "{file} is not an ICC profile in the project folder; ask the print shop for "
                "their .icc file and put it in the project").format(file=repr(profile))))
            return None
    return edition


# The anchors the layouts give the front and back matter: an entry's file name is its
# spread's anchor (and, in the build's plan, its part's name), and its page's folder in the
# web edition, so it may not be one of them, nor the web edition's folder of files.
TAKEN = {"forord": N_("the foreword"), "introduktion": N_("the introduction"),
         "indhold": N_("the contents"), "oversigt": N_("the overview"),
         "register": N_("the register"), "kilder": N_("the sources"),
         "kontakt": N_("the contact page"), "kolofon": N_("the colophon"),
         "filer": N_("the web edition's files")}


def _load_entry(root: Path, path: Path, context: dict, problems: list[Problem],
                remembered: set[Path], photos: concurrent.futures.Executor
                ) -> tuple[EntryDoc | None, concurrent.futures.Future | None]:
    """The entry, if it is valid (else its problems are added), and the check of its
    photo, begun in photos (what is wrong with it, or None)."""
    entry, located = _validate(path, root, Entry, context, problems, remembered)
    if entry is None:
        return None, None
    if path.stem in TAKEN:
        problems.append(Problem(_name(path, root), None, None, _(
            "the file name {name} is the catalogue's own name for {page}; rename the file, "
            "for example to {example}").format(
                name=repr(path.stem), page=_(TAKEN[path.stem]),
                example=f"{path.stem}-{danish.slug(entry.municipalities[0])}{path.suffix}")))
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
        where = " " + _("(column {column})").format(column=exc.column) if exc.column else ""
        problems.append(Problem(name, exc.line, None, f"{exc}{where}"))
        return None, None
    except OSError as exc:
        problems.append(Problem(name, None, None, _("cannot be read: {reason}").format(
            reason=exc.strerror)))
        return None, None
    if not isinstance(located.data, dict):
        problems.append(Problem(name, 1, None, _("the file must be a block of fields "
                                                 "(title: ..., municipalities: ..., and so "
                                                 "on)")))
        return None, None
    cut = _comments(located, name) if model is Entry else []
    try:
        valid = model.model_validate(located.data, context=context), located
    except pydantic.ValidationError as exc:
        problems.extend(cut + explain.problems(exc, model, located, name))
        return None, None
    if cut:
        problems.extend(cut)
        return None, None
    _remember(address, valid)
    remembered.add(address)
    return valid


def _comments(located: yamlsafe.Located, name: str) -> list[Problem]:
    """Text that YAML would drop as a comment (yamlsafe.Located.comments), as problems."""
    found = []
    for path, line, comment, own_line in located.comments:
        if not own_line:
            message = _("the text after ' #' is read as a comment and left out ({comment}); "
                        "to keep it, put the whole text in quotes (a comment goes on a line "
                        "of its own)")
        else:
            message = _("this line starts with '#', so it is read as a comment and left out "
                        "({comment}); to keep it, put the text in quotes or in a block (|) (a "
                        "comment goes on a line of its own, not indented)")
        found.append(Problem(name, line, explain.field_path(path),
                             message.format(comment=comment)))
    return found


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


def _read(path: Path, root: Path) -> bytes:
    """A project file's bytes: never through a link out of the project, never a pipe or
    device (which could block or never end), never more than an entry may hold."""
    target = path.resolve()
    if not target.is_relative_to(root):
        raise yamlsafe.YamlProblem(_("the file is a link to a file outside the project "
                                     "folder; copy the file itself into the project"))
    if not target.is_file():
        raise yamlsafe.YamlProblem(_("this is not an ordinary file; remove it or replace it "
                                     "with a YAML file"))
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
            problems.append(Problem("catalogue.yaml", None, "order", _(
                "{slug} is not an entry; the entries are: {slugs}").format(
                    slug=repr(slug), slugs=", ".join(sorted(slugs)))))
    listed = [slugs[s] for s in edition.order if s in slugs]
    rest = [d for d in by_municipality if d.slug not in edition.order]
    for doc in rest:
        problems.append(Problem("catalogue.yaml", None, "order", _(
            "{slug} is not in the order list; it is placed at the end").format(
                slug=repr(doc.slug)), "warning"))
    return listed + rest
