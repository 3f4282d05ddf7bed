"""The `catalogue` command: thin click wrappers over build.py; errors print without traceback.

Everything it says is in the interface's language (i18n.py): Danish unless --lang en or
LANG=en... asks for English. click's own words (Usage, Options, its errors) come from the
same catalogue: click asks gettext's default domain, which is bound to ours, in the language
of the LANGUAGE variable, which the command sets while it runs.
"""

from __future__ import annotations

import gettext
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import i18n
from .join import preflight
from .errors import CatalogueError, relative
from .i18n import N_, _, ngettext

gettext.bindtextdomain(i18n.DOMAIN, str(i18n.LOCALES))
gettext.textdomain(i18n.DOMAIN)


def _speak(language: str) -> None:
    """Use language for our messages and click's (see the module's docstring)."""
    i18n.use(language)
    os.environ["LANGUAGE"] = language


def _language_chosen(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        _speak(value)


class _Option(click.Option):
    """An option whose value's name (TEXT, DIRECTORY) is in the interface's language."""

    def make_metavar(self, ctx: click.Context) -> str:
        return _(super().make_metavar(ctx))


class _Argument(click.Argument):
    """An argument whose name in the usage line (TITLE, [PROJECT]) is in the language."""

    def make_metavar(self, ctx: click.Context) -> str:
        return _(super().make_metavar(ctx))


# The names click shows in usage lines, for the catalogue (translated where shown).
_METAVARS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."), N_("[PROJECT]"), N_("TITLE"),
             N_("SLUG"), N_("TEXT"), N_("DIRECTORY"), N_("required"))

PROJECT = click.argument("project", required=False, default=".", cls=_Argument,
                         type=click.Path(file_okay=False, path_type=Path))
STRICT = click.option("--strict", is_flag=True, cls=_Option,
                      help=N_("Fail on warnings too (WeasyPrint's own included)."))
# Eager: read before --help, when it comes first, so that the help is in that language.
LANG = click.option("--lang", type=click.Choice(i18n.LANGUAGES), is_eager=True, cls=_Option,
                    expose_value=False, callback=_language_chosen,
                    help=N_("The language of messages: da (Danish, the default) or en "
                            "(English; also with LANG=en...)."))


@contextmanager
def _translated(command: click.Command):
    """The command's help and its options' help in the interface's language, for a while."""
    options = [p for p in command.params if isinstance(p, click.Option) and p.help]
    saved = command.help, [p.help for p in options]
    command.help = _(command.help) if command.help else command.help
    for option in options:
        option.help = _(option.help)
    try:
        yield
    finally:
        command.help = saved[0]
        for option, text in zip(options, saved[1]):
            option.help = text


class _Command(click.Command):
    """A command whose help is shown in the interface's language."""

    def get_short_help_str(self, limit: int = 45) -> str:
        """The summary (the help's first paragraph) whole: click would cut it at its first
        full stop or at about 60 characters with '...'."""
        with _translated(self):
            if self.short_help or not self.help:
                return super().get_short_help_str(limit)
            return " ".join(self.help.partition("\n\n")[0].split())

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self):
            super().format_help(ctx, formatter)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [_(piece) for piece in super().collect_usage_pieces(ctx)]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # made once: its help in today's language
        if option is not None:
            option.help = _("Show this message and exit.")
        return option


@contextmanager
def _status(enabled: bool):
    """A live status line on a terminal; plain lines everywhere else (CI, pipes)."""
    if not enabled:
        yield lambda message: click.echo(message)
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status(_("Starting") + " ...") as status:
        def say(message: str) -> None:
            console.log(message)
            status.update(message + " ...")
        yield say


def _fail(error: CatalogueError) -> None:
    click.echo(error.report(), err=True)
    sys.exit(1)


class _Group(_Command, click.Group):
    """A command group that never shows an editor a traceback, and speaks Danish unless
    English is asked for."""

    command_class = _Command

    def main(self, *args, **kwargs):
        saved = os.environ.get("LANGUAGE"), i18n.current
        _speak(i18n.from_environment())
        try:
            return super().main(*args, **kwargs)
        finally:  # as it was: the command may be one call in a longer process (tests)
            if saved[0] is None:
                os.environ.pop("LANGUAGE", None)
            else:
                os.environ["LANGUAGE"] = saved[0]
            i18n.use(saved[1])

    command_class = _Command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(_("Interrupted; output/ was left as it was."), err=True)
            sys.exit(130)
        except Exception as exc:  # the last line of defence: a bug, said plainly
            click.echo(_("Internal error: {error}\nThis is a bug in the catalogue tool, not in "
                         "your files. Please report it with the command you ran; output/ was "
                         "left as it was.").format(error=f"{type(exc).__name__}: {exc}"),
                       err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Build KL's catalogue of climate partnerships from entries/ and "
                     "catalogue.yaml."))
@LANG
def main() -> None:
    pass


@main.command(help=N_("Validate catalogue.yaml and every entry; report every problem at "
                      "once."))
@PROJECT
@STRICT
@LANG
def check(project: Path, strict: bool) -> None:
    try:
        from .read.review import check_only  # no WeasyPrint import: check starts fast

        loaded = check_only(project, strict, say=lambda m: None, photos=True)
    except CatalogueError as error:
        _fail(error)
    for problem in loaded.warnings + loaded.notes:
        click.echo(str(problem), err=True)
    said = loaded.warnings + loaded.notes
    warnings = sum(p.severity == "warning" for p in said)
    notes = len(said) - warnings
    remarks = [words.format(count=count) for count, words in (
        (warnings, ngettext("{count} warning", "{count} warnings", warnings)),
        (notes, ngettext("{count} editorial note", "{count} editorial notes", notes)))
        if count]
    count = len(loaded.entries)
    click.echo(ngettext("OK: catalogue.yaml and {count} entry are valid",
                        "OK: catalogue.yaml and {count} entries are valid", count)
               .format(count=count) + (f" ({', '.join(remarks)})" if remarks else "") + ".")


@main.command(help=N_("Validate, lay out and write the catalogue PDFs to output/."))
@PROJECT
@STRICT
@click.option("--edition", "editions", multiple=True, cls=_Option, type=click.Choice(["download", "print"]),
              help=N_("Build only this edition (repeatable); default: all."))
@click.option("--booklet", is_flag=True, cls=_Option,
              help=N_("Also impose the print edition as saddle-stitch booklets (A3 and A4)."))
@LANG
def build(project: Path, strict: bool, editions: tuple[str, ...], booklet: bool) -> None:
    try:
        with _status(sys.stderr.isatty()) as say:
            from .build import build as build_catalogue

            result = build_catalogue(project, strict, say=say, only=set(editions) or None,
                                     booklet=booklet)
    except CatalogueError as error:
        _fail(error)
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    for item in result.written:
        click.echo(ngettext("Wrote {file}: {pages} page, {size} KB",
                            "Wrote {file}: {pages} pages, {size} KB", item.pages).format(
            file=relative(item.path, result.project.root), pages=item.pages,
            size=i18n.number(item.size / 1024)))
    if result.booklet_hint:
        click.echo(_("Booklets: {hint} (print at actual size, not 'fit to page').").format(
            hint=_(result.booklet_hint)))
    files, pages = len(result.written), sum(w.pages for w in result.written)
    click.echo(_("Done: {files}, {pages} in {seconds} s.").format(
        files=ngettext("{count} file", "{count} files", files).format(count=files),
        pages=ngettext("{count} page", "{count} pages", pages).format(count=pages),
        seconds=i18n.number(result.seconds, 1)))
    click.echo("\n" + _("Preflight (also in output/preflight.json):") + "\n"
               + preflight.table(result.report))


@main.command(help=N_("Start a new entry: entries/<slug>.yaml with every field, explained in "
                      "Danish."))
@click.argument("title", cls=_Argument)
@click.option("--municipality", "-m", required=True, cls=_Option,
              help=N_("The municipality's short name."))
@click.option("--theme", "-t", default="", cls=_Option, help=N_("A theme key from catalogue.yaml."))
@click.option("--project", "project", default=".", cls=_Option,
              type=click.Path(file_okay=False, path_type=Path),
              help=N_("The project folder (default: the current folder)."))
@LANG
def new(title: str, municipality: str, theme: str, project: Path) -> None:
    from .read.scaffold import new_entry, theme_vocabulary

    try:
        themes = theme_vocabulary(project.resolve())
        path = new_entry(project.resolve(), title, municipality, theme, themes)
    except CatalogueError as error:
        _fail(error)
    click.echo(_("Wrote {file}; fill it in and run 'make check'.").format(
        file=relative(path, project.resolve())))


@main.command(name="preview", help=N_("Render one spread to output/preview/<slug>.pdf and "
                                      ".png, numbered as in the catalogue."))
@click.argument("slug", cls=_Argument)
@PROJECT
@click.option("--watch", is_flag=True, cls=_Option,
              help=N_("Render again on every save of the entry, the layouts or "
                      "catalogue.yaml."))
@LANG
def preview_command(slug: str, project: Path, watch: bool) -> None:
    slug = Path(slug).stem  # accept entries/x.yaml as well as x
    if watch:
        from . import preview as previewing

        click.echo(_("Watching for changes; stop with Ctrl-C."))
        previewing.watch(project.resolve(), slug, say=click.echo)
        return
    from .layout.pool import Pool

    # Started before the modules that read and validate the entries are imported: its
    # worker gets WeasyPrint ready meanwhile.
    with Pool(project.resolve(), workers=1, ready=True) as pool:
        from . import preview as previewing

        try:
            previewing.preview(project.resolve(), slug, say=click.echo, pool=pool)
        except CatalogueError as error:
            _fail(error)


@main.command(name="preflight", help=N_("Print the preflight report of the last build: "
                                        "pages, boxes, fonts, photos, fit."))
@PROJECT
@LANG
def preflight_command(project: Path) -> None:
    try:
        report = preflight.load(project.resolve() / "output")
    except CatalogueError as error:
        _fail(error)
    click.echo(preflight.table(report))


@main.command(help=N_("Render every page of the built PDF to PNG, plus a contact sheet, in "
                      "output/proof/."))
@PROJECT
@LANG
def proof(project: Path) -> None:
    from .join.proof import make_proofs

    try:
        written = make_proofs(project.resolve())
    except CatalogueError as error:
        _fail(error)
    for path in written:
        click.echo(_("Wrote {file}").format(file=relative(path, project.resolve())))


@main.command(name="schema", help=N_("Write JSON Schemas of an entry and of catalogue.yaml "
                                     "to schemas/ for editors' tools."))
@PROJECT
@click.option("--quiet", is_flag=True, cls=_Option,
              help=N_("Print nothing when schemas/ is up to date."))
@LANG
def schema_command(project: Path, quiet: bool) -> None:
    from .read import schema

    try:
        written = schema.write(project.resolve())
    except CatalogueError as error:
        _fail(error)
    for path in written:
        click.echo(_("Wrote {file}").format(file=relative(path, project.resolve())))
    if not written and not quiet:
        click.echo(_("schemas/ is up to date."))


@main.command(help=N_("Show the web edition (output/web/) on http://127.0.0.1:8000/ for "
                      "looking at it; build it first when there is none."))
@PROJECT
@click.option("--port", default=8000, type=click.IntRange(0, 65535), cls=_Option,
              help=N_("The port to serve on (default 8000)."))
@click.option("--watch", is_flag=True, cls=_Option,
              help=N_("Build again on every save of an entry, a photo, the layouts or "
                      "catalogue.yaml."))
@LANG
def serve(project: Path, port: int, watch: bool) -> None:
    from .web import serve as serving

    try:
        serving.serve(project.resolve(), port, watch, say=click.echo)
    except CatalogueError as error:
        _fail(error)
    except KeyboardInterrupt:  # Ctrl-C is how one stops it: no error
        click.echo(_("Stopped."))
