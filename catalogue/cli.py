"""The `catalogue` command: thin click wrappers over build.py; errors print without traceback."""

from __future__ import annotations

import atexit
import gc
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import preflight
from .errors import CatalogueError, relative

# When a command ends, Python's last full collection walks every object it left behind
# (0.2 s after a preview has laid out a spread); frozen, they are released with the
# process. atexit handlers and finalizers still run: they come before that collection.
atexit.register(gc.freeze)

PROJECT = click.argument("project", required=False, default=".",
                         type=click.Path(file_okay=False, path_type=Path))
STRICT = click.option("--strict", is_flag=True,
                      help="Fail on warnings too (WeasyPrint's own included).")


@contextmanager
def _status(enabled: bool):
    """A live status line on a terminal; plain lines everywhere else (CI, pipes)."""
    if not enabled:
        yield lambda message: click.echo(message)
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("Starting ...") as status:
        def say(message: str) -> None:
            console.log(message)
            status.update(message + " ...")
        yield say


def _fail(error: CatalogueError) -> None:
    click.echo(error.report(), err=True)
    sys.exit(1)


class _Command(click.Command):
    """A command whose summary (its help's first paragraph) `catalogue --help` shows whole:
    click would cut it at its first full stop or at about 60 characters with '...'."""

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help or not self.help:
            return super().get_short_help_str(limit)
        return " ".join(self.help.partition("\n\n")[0].split())


class _Group(click.Group):
    """A command group that never shows an editor a traceback."""

    command_class = _Command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted; output/ was left as it was.", err=True)
            sys.exit(130)
        except Exception as exc:  # the last line of defence: a bug, said plainly
            click.echo(f"Internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in the catalogue tool, not in your files. Please "
                       "report it with the command you ran; output/ was left as it was.",
                       err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Build KL's catalogue of climate partnerships from entries/ and catalogue.yaml."""


@main.command()
@PROJECT
@STRICT
def check(project: Path, strict: bool) -> None:
    """Validate catalogue.yaml and every entry; report every problem at once."""
    try:
        from .review import check_only  # no WeasyPrint import: check starts fast

        loaded = check_only(project, strict, say=lambda m: None)
    except CatalogueError as error:
        _fail(error)
    for problem in loaded.warnings + loaded.notes:
        click.echo(str(problem), err=True)
    count = len(loaded.entries)
    remarks = [f"{len(items)} {word}{'s' if len(items) != 1 else ''}"
               for items, word in ((loaded.warnings, "warning"), (loaded.notes, "editorial note"))
               if items]
    click.echo(f"OK: catalogue.yaml and {count} {'entry' if count == 1 else 'entries'} "
               f"{'is' if count == 1 else 'are'} valid"
               + (f" ({', '.join(remarks)})" if remarks else "") + ".")


@main.command()
@PROJECT
@STRICT
@click.option("--edition", "editions", multiple=True, type=click.Choice(["download", "print"]),
              help="Build only this edition (repeatable); default: all.")
@click.option("--booklet", is_flag=True,
              help="Also impose the print edition as saddle-stitch booklets (A3 and A4).")
def build(project: Path, strict: bool, editions: tuple[str, ...], booklet: bool) -> None:
    """Validate, lay out and write the catalogue PDFs to output/."""
    try:
        with _status(sys.stderr.isatty()) as say:
            from . import workers

            workers.start(project)  # before the imports below: see workers.py
            from .build import build as build_catalogue

            result = build_catalogue(project, strict, say=say, only=set(editions) or None,
                                  booklet=booklet)
    except CatalogueError as error:
        _fail(error)
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    for item in result.written:
        click.echo(f"Wrote {relative(item.path, result.project.root)}: {item.pages} pages, "
                   f"{item.size / 1024:,.0f} KB")
    if result.booklet_hint:
        click.echo(f"Booklets: {result.booklet_hint} (print at actual size, not 'fit to "
                   "page').")
    click.echo(f"Done: {len(result.written)} file(s), "
               f"{sum(w.pages for w in result.written)} pages in {result.seconds:.1f} s.")
    click.echo("\nPreflight (also in output/preflight.json):\n" + preflight.table(result.report))


@main.command()
@click.argument("title")
@click.option("--municipality", "-m", required=True, help="The municipality's short name.")
@click.option("--theme", "-t", default="", help="A theme key from catalogue.yaml.")
@click.option("--project", "project", default=".",
              type=click.Path(file_okay=False, path_type=Path),
              help="The project folder (default: the current folder).")
def new(title: str, municipality: str, theme: str, project: Path) -> None:
    """Start a new entry: entries/<slug>.yaml with every field, explained in Danish."""
    from .scaffold import new_entry, theme_vocabulary

    try:
        themes = theme_vocabulary(project.resolve())
        path = new_entry(project.resolve(), title, municipality, theme, themes)
    except CatalogueError as error:
        _fail(error)
    click.echo(f"Wrote {relative(path, project.resolve())}; fill it in and run 'make check'.")


@main.command(name="preview")
@click.argument("slug")
@PROJECT
@click.option("--watch", is_flag=True,
              help="Render again on every save of the entry, the layouts or catalogue.yaml.")
def preview_command(slug: str, project: Path, watch: bool) -> None:
    """Render one spread to output/preview/<slug>.pdf and .png, numbered as in the catalogue."""
    slug = Path(slug).stem  # accept entries/x.yaml as well as x
    if watch:
        from . import preview as previewing

        click.echo("Watching for changes; stop with Ctrl-C.")
        previewing.watch(project.resolve(), slug, say=click.echo)
        return
    from .layout import Helper

    # Started before the modules that read and validate the entries are imported: it gets
    # WeasyPrint ready meanwhile (layout.py imports none of them).
    with Helper.started(project.resolve()) as helper:
        from . import preview as previewing

        try:
            previewing.preview(project.resolve(), slug, say=click.echo, helper=helper)
        except CatalogueError as error:
            _fail(error)


@main.command(name="preflight")
@PROJECT
def preflight_command(project: Path) -> None:
    """Print the preflight report of the last build: pages, boxes, fonts, photos, fit."""
    try:
        report = preflight.load(project.resolve() / "output")
    except CatalogueError as error:
        _fail(error)
    click.echo(preflight.table(report))


@main.command()
@PROJECT
def proof(project: Path) -> None:
    """Render every page of the built PDF to PNG, plus a contact sheet, in output/proof/."""
    from .proof import make_proofs

    try:
        written = make_proofs(project.resolve())
    except CatalogueError as error:
        _fail(error)
    for path in written:
        click.echo(f"Wrote {relative(path, project.resolve())}")


@main.command(name="schema")
@PROJECT
@click.option("--quiet", is_flag=True, help="Print nothing when schemas/ is up to date.")
def schema_command(project: Path, quiet: bool) -> None:
    """Write JSON Schemas of an entry and of catalogue.yaml to schemas/ for editors' tools."""
    from . import schema

    try:
        written = schema.write(project.resolve())
    except CatalogueError as error:
        _fail(error)
    for path in written:
        click.echo(f"Wrote {relative(path, project.resolve())}")
    if not written and not quiet:
        click.echo("schemas/ is up to date.")
