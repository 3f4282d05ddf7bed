"""The command line as an editor uses it: exit codes, messages, output/ left alone."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image

from catalogue.cli import main

ROOT = Path(__file__).resolve().parent.parent
OLD_PDF = b"%PDF-1.7 the last good edition\n"


def make_project(tmp_path: Path, entries: list[str] = ("klimapartnerskab-vejle-nord",),
                 layouts: bool = False) -> Path:
    """A small project: the real catalogue.yaml, some real entries, a previous output."""
    shutil.copy(ROOT / "catalogue.yaml", tmp_path / "catalogue.yaml")
    (tmp_path / "entries").mkdir()
    for slug in entries:
        shutil.copy(ROOT / "entries" / f"{slug}.yaml", tmp_path / "entries")
    if layouts:
        shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
        shutil.copytree(ROOT / "fonts", tmp_path / "fonts")
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "old.pdf").write_bytes(OLD_PDF)
    return tmp_path


def output_state(project: Path) -> dict[str, bytes]:
    output = project / "output"
    return {str(p.relative_to(output)): p.read_bytes()
            for p in sorted(output.rglob("*")) if p.is_file()}  # the web edition's too


def test_every_command_has_help_and_is_in_the_readme():
    from catalogue.i18n import _

    readme = (ROOT / "README.md").read_text("utf-8")
    for name, command in main.commands.items():
        result = CliRunner().invoke(main, [name, "--help"])
        first_words = " ".join(_(command.help).split()[:5])  # in Danish
        assert result.exit_code == 0 and first_words in " ".join(result.output.split())
        assert f"catalogue {name}" in readme, f"README does not mention 'catalogue {name}'"


@pytest.mark.parametrize("language", ["da", "en"])
def test_catalogue_help_shows_each_commands_whole_first_line(language):
    from catalogue import i18n

    result = CliRunner().invoke(main, ["--lang", language, "--help"], terminal_width=80)
    i18n.use(language)
    try:
        commands = result.output.split(i18n._("Commands") + ":")[1]
        summaries = {name: i18n._(command.help) for name, command in main.commands.items()}
    finally:
        i18n.use("da")
    assert result.exit_code == 0 and "..." not in commands
    shown = " ".join(commands.split())
    for name, text in summaries.items():
        summary = " ".join(text.partition("\n\n")[0].split())
        assert f"{name} {summary}" in shown, f"'catalogue --help' cuts short '{name}'"


def test_make_help_lists_every_target_and_the_editors_commands():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    result = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    listed = set(re.findall(r"^  make ([a-z-]+) ", result.stdout, re.MULTILINE))
    assert listed == targets
    for name in ("new", "preview", "check", "build", "preflight", "proof", "schema", "serve"):
        assert re.search(rf"^  \.venv/bin/catalogue {name}\b.*\n      \S", result.stdout,
                         re.MULTILINE), f"make help shows no example of 'catalogue {name}'"


def test_make_clean_keeps_the_environment_and_distclean_removes_it(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    made = ["output/groenne-klimapartnerskaber-2026.pdf", "output/proof/page-001.png",
            ".cache/parts/x.pdf", ".venv/bin/python", "output/.gitkeep"]
    for name in made:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")

    def make(target: str) -> list[str]:
        subprocess.run(["make", "--no-print-directory", target], cwd=tmp_path, check=True,
                       capture_output=True, timeout=60)
        return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())

    assert make("clean") == [".venv/bin/python", "Makefile", "output/.gitkeep"]
    assert make("distclean") == ["Makefile", "output/.gitkeep"]


def test_build_writes_a_pdf_and_a_summary(tmp_path):
    project = make_project(tmp_path)
    result = CliRunner().invoke(main, ["build", "--strict", str(project)])
    assert result.exit_code == 0, result.output
    pdf = project / "output" / "groenne-klimapartnerskaber-2026.pdf"
    assert f"Skrev output/{pdf.name}: {len(pypdf.PdfReader(pdf).pages)} sider" in result.output
    assert "Færdig: 2 filer, " in result.output
    assert not list((project / "output").glob(".*.part"))


def test_strict_build_fails_on_a_weasyprint_warning_and_keeps_output(tmp_path):
    project = make_project(tmp_path, layouts=True)
    css = project / "layouts" / "catalogue.css"
    css.write_text(css.read_text("utf-8") + "\n.lead { colour: red; }\n", "utf-8")
    before = output_state(project)
    result = CliRunner().invoke(main, ["build", "--strict", str(project)])
    assert result.exit_code == 1
    assert "colour" in result.output and "strict" in result.output
    assert "Traceback" not in result.output
    assert output_state(project) == before


def test_a_missing_font_stops_the_build_and_keeps_output(tmp_path):
    project = make_project(tmp_path, layouts=True)
    (project / "fonts" / "SourceSans3-Regular.otf").unlink()
    before = output_state(project)
    result = CliRunner().invoke(main, ["build", str(project)])
    assert result.exit_code == 1
    assert "SourceSans3-Regular.otf" in result.output and "filen findes ikke" in result.output
    assert "Traceback" not in result.output
    assert output_state(project) == before


@pytest.mark.slow
def test_a_photo_is_placed_with_its_credit_in_the_colophon(tmp_path):
    project = make_project(tmp_path)
    (project / "images").mkdir()
    Image.new("RGB", (3600, 2400), "#5a7d63").save(project / "images" / "foto.jpg")
    entry = project / "entries" / "klimapartnerskab-vejle-nord.yaml"
    entry.write_text(entry.read_text("utf-8") + (
        "image:\n  file: images/foto.jpg\n  alt: Erhvervsområdet set fra vejen\n"
        "  credit: Testfotograf\n"), "utf-8")
    result = CliRunner().invoke(main, ["build", "--strict", str(project)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(project / "output" / "groenne-klimapartnerskaber-2026.pdf")
    spread = reader.pages[reader.get_destination_page_number(
        reader.named_destinations["klimapartnerskab-vejle-nord"])]
    images = [x for x in spread["/Resources"]["/XObject"].values()
              if x.get_object().get("/Subtype") == "/Image"]
    assert any(i.get_object()["/Width"] > 1000 for i in images)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Foto: Testfotograf" in text
    assert "Klimapartnerskab Vejle Nord: Testfotograf" in text


def test_a_failed_write_keeps_the_previous_pdf(tmp_path, monkeypatch):
    project = make_project(tmp_path)
    assert CliRunner().invoke(main, ["build", str(project)]).exit_code == 0
    before = output_state(project)

    def full_disk(self, target, *args, **options):
        if hasattr(target, "write"):
            target.write(b"%PDF-half")
        else:
            Path(target).write_bytes(b"%PDF-half")
        raise OSError(28, "No space left on device")

    # The disk fills while a changed part is written into the cache, or while the parts
    # are joined into the edition.
    entry = next((project / "entries").glob("*.yaml"))
    entry.write_text(entry.read_text("utf-8").replace("title: ", "title: Nyt ", 1), "utf-8")
    written = {"weasyprint.document.Document.write_pdf": r"\.cache/parts/\S+\.pdf",
               "pikepdf.Pdf.save": r"output/\S+\.pdf"}  # the part, or the joined edition
    for writer, file in written.items():
        with monkeypatch.context() as patched:
            patched.setattr(writer, full_disk)
            result = CliRunner().invoke(main, ["build", str(project)])
        assert result.exit_code == 1, (writer, result.output)
        assert re.search(f"kunne ikke skrive {file}: No space left on device", result.output), \
            result.output
        assert "den forrige PDF er bevaret" in result.output
        assert output_state(project) == before
        partial = [p for p in project.rglob("*") if p.name.startswith(".") and p.is_file()]
        assert not partial, partial  # no temporary file anywhere, ours or pikepdf's


def test_an_unexpected_error_is_said_plainly_without_traceback(tmp_path, monkeypatch):
    project = make_project(tmp_path)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("catalogue.layout.render.render_html", broken)
    result = CliRunner().invoke(main, ["build", str(project)])
    assert result.exit_code == 2
    assert "Intern fejl" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", ["check", "build"])
def test_commands_take_the_project_folder_as_argument(tmp_path, command, monkeypatch):
    project = make_project(tmp_path)
    monkeypatch.chdir(ROOT / "tests")
    result = CliRunner().invoke(main, [command, str(project)])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_written_files_are_readable_by_colleagues(tmp_path):
    import os
    import stat

    project = make_project(tmp_path)
    old = os.umask(0o022)
    try:
        assert CliRunner().invoke(main, ["build", str(project)]).exit_code == 0
    finally:
        os.umask(old)
    for path in (project / "output").glob("groenne-*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name
