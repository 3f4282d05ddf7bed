"""The editor's workflow: `new`, `check` with editorial notes, `preview` (and --watch)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner

from catalogue import preview as previewing
from catalogue.build import build
from catalogue.cli import main

ROOT = Path(__file__).resolve().parent.parent


def project(folder: Path, entries=("greenlab-skive", "carbon-20", "klimaalliancen-aarhus")):
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "catalogue.yaml", folder)
    (folder / "entries").mkdir()
    for slug in entries:
        shutil.copy(ROOT / "entries" / f"{slug}.yaml", folder / "entries")
    return folder


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


# ---------- new ----------

def test_new_writes_every_field_with_danish_comments(tmp_path):
    folder = project(tmp_path / "p", entries=())
    result = invoke("new", "Grøn Ålborg-pris: Æblet", "--municipality", "Aalborg",
                    "--project", str(folder))
    assert result.exit_code == 0, result.output
    path = folder / "entries" / "groen-aalborg-pris-aeblet.yaml"
    assert "Skrev entries/groen-aalborg-pris-aeblet.yaml" in result.output
    text = path.read_text("utf-8")
    data = yaml.safe_load(text)
    assert data["title"] == "Grøn Ålborg-pris: Æblet"
    assert data["municipalities"] == ["Aalborg"]
    assert data["contact"]["organisation"] == "Aalborg Kommune"
    expected = {"title", "municipalities", "partners", "themes", "started", "status", "lead",
                "about", "origin", "results", "key_figures", "advice", "quote", "image",
                "contact", "links", "sources", "sort_as"}
    assert set(data) == expected
    assert "# Ingress: 2-3 sætninger" in text and "# \"Gode råd\"" in text


def test_a_new_entry_tells_the_editor_what_to_fill_in(tmp_path):
    folder = project(tmp_path / "p", entries=())
    invoke("new", "Klimaklub Ærø", "-m", "Ærø", "-t", "energi", "--project", str(folder))
    result = invoke("check", str(folder))
    assert result.exit_code == 1
    assert "entries/klimaklub-aeroe.yaml:27: lead: må ikke være tom" in result.output
    assert "partners[0].name: må ikke være tom" in result.output
    assert "contact: angiv mindst én af email, phone og url" in result.output


def test_new_refuses_to_overwrite(tmp_path):
    folder = project(tmp_path / "p")
    before = (folder / "entries" / "greenlab-skive.yaml").read_bytes()
    result = invoke("new", "GreenLab Skive", "-m", "Skive", "--project", str(folder))
    assert result.exit_code == 1
    assert "entries/greenlab-skive.yaml findes allerede" in result.output
    assert (folder / "entries" / "greenlab-skive.yaml").read_bytes() == before


def test_new_refuses_an_unknown_municipality_with_a_suggestion(tmp_path):
    folder = project(tmp_path / "p", entries=())
    result = invoke("new", "Noget nyt", "-m", "Århus", "--project", str(folder))
    assert result.exit_code == 1
    assert "ukendt kommune 'Århus'; mente du 'Aarhus'?" in result.output
    assert not list((folder / "entries").iterdir())


# ---------- check ----------

def test_check_gives_editorial_notes_without_failing(tmp_path):
    folder = project(tmp_path / "p", entries=("greenlab-skive", "carbon-20"))
    path = folder / "entries" / "greenlab-skive.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["advice"][1] = "Sørg for " + "at alle parter kender planen og " * 6 + "deler den."
    path.write_text(yaml.safe_dump(data, allow_unicode=True, width=1000), "utf-8")
    result = invoke("check", "--strict", str(folder))
    assert result.exit_code == 0, result.output
    assert "bemærkning: image: intet foto: opslaget viser illustrationen" in result.output
    assert "advice[1]: dette råd er" in result.output
    assert "temaet 'transport' (Grøn transport) bruges ikke af nogen indgang" in result.output
    assert result.output.rstrip().endswith("redaktionelle bemærkninger).")


def test_a_partner_named_twice_is_a_warning_that_fails_strict(tmp_path):
    folder = project(tmp_path / "p")
    path = folder / "entries" / "greenlab-skive.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["partners"].append({"name": data["partners"][0]["name"].upper()})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert invoke("check", str(folder)).exit_code == 0
    result = invoke("check", "--strict", str(folder))
    assert result.exit_code == 1
    assert "står to gange; fjern den ene" in result.output


# ---------- preview ----------

@pytest.mark.slow
def test_preview_has_the_page_numbers_of_the_full_build(tmp_path):
    folder = project(tmp_path / "p")
    (written, *_) = build(folder, say=lambda m: None, only={"download"}).written
    full = pypdf.PdfReader(written.path)
    for slug in ("carbon-20", "klimaalliancen-aarhus"):
        start = full.get_destination_page_number(full.named_destinations[slug]) + 1
        result = invoke("preview", slug, str(folder))
        assert result.exit_code == 0, result.output
        assert f"side {start}–{start + 1}" in result.output
        spread = pypdf.PdfReader(folder / "output" / "preview" / f"{slug}.pdf")
        assert len(spread.pages) == 2
        left, right = (page.extract_text().split() for page in spread.pages)
        assert left[-3:] == [str(start), "Grønne", "klimapartnerskaber"]
        assert right[-1] == str(start + 1)
        png = folder / "output" / "preview" / f"{slug}.png"
        assert png.is_file()


def test_a_layout_refused_in_the_worker_is_reported_plainly(tmp_path):
    folder = project(tmp_path / "p", entries=("carbon-20",))
    shutil.copytree(ROOT / "layouts", folder / "layouts")
    shutil.copytree(ROOT / "fonts", folder / "fonts")
    svg = folder / "layouts" / "illustrations" / "erhverv.svg"  # carbon-20: no photo
    svg.write_text(svg.read_text("utf-8").replace(
        "</svg>", '<image href="http://127.0.0.1:9/x.png" width="10" height="10"/></svg>'),
        "utf-8")
    result = invoke("preview", "carbon-20", str(folder))
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "layoutet kunne ikke sættes op: afviste at indlæse layouts/illustrations/erhverv.svg: "
        "SVG-filen henviser til http://127.0.0.1:9/x.png; en SVG må kun henvise til sine "
        "egne dele (#id), så indlejr eller tegn billedet i selve SVG-filen")
    assert "Traceback" not in result.output and "Intern fejl" not in result.output


def test_preview_of_an_unknown_entry_suggests_one(tmp_path):
    folder = project(tmp_path / "p")
    result = invoke("preview", "greenlab-skiv", str(folder))
    assert result.exit_code == 1
    assert "der er ingen indgang greenlab-skiv i entries/; mente du greenlab-skive?" in \
        result.output


def test_watch_renders_on_every_save_and_survives_errors(tmp_path):
    folder = project(tmp_path / "p", entries=("greenlab-skive",))
    entry = folder / "entries" / "greenlab-skive.yaml"
    good = entry.read_text("utf-8")
    said: list[str] = []

    def saves():
        entry.write_text(good.replace("started: 2017", "started: 20177"), "utf-8")
        yield {"modified"}
        entry.write_text(good, "utf-8")
        yield {"modified"}

    previewing.watch(folder, "greenlab-skive", say=said.append, changes=saves())
    text = "\n".join(said)
    assert text.count("Skrev output/preview/greenlab-skive.pdf") == 2
    assert "started: 20177 er ikke et muligt startår" in text
    assert "Venter på, at du gemmer igen" in text


def test_new_checks_the_theme_and_leaves_the_year_to_the_editor(tmp_path):
    folder = project(tmp_path / "p", entries=())
    result = invoke("new", "Noget nyt", "-m", "Vejle", "-t", "vand", "--project", str(folder))
    assert result.exit_code == 1
    assert "ukendt tema 'vand'; temaerne i catalogue.yaml er: energi" in result.output
    invoke("new", "Noget nyt", "-m", "Vejle", "-t", "energi", "--project", str(folder))
    result = invoke("check", str(folder))
    assert "started: her skal stå et helt tal som 2021, men der står ingenting" in result.output


def test_preview_shows_and_reports_a_spread_that_runs_over(tmp_path):
    folder = project(tmp_path / "p", entries=("greenlab-skive",))
    path = folder / "entries" / "greenlab-skive.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["about"] = "\n\n".join(["Partnerskabet arbejder videre med planen. " * 12] * 8)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = invoke("preview", "greenlab", str(folder))
    assert "der er ingen indgang greenlab i entries/; mente du greenlab-skive?" in result.output
    result = invoke("preview", "entries/greenlab-skive.yaml", str(folder))  # a path works too
    assert result.exit_code == 0, result.output
    assert "advarsel: about: opslaget løber" in result.output
    spread = pypdf.PdfReader(folder / "output" / "preview" / "greenlab-skive.pdf")
    assert len(spread.pages) > 2
    assert f"side 4–{3 + len(spread.pages)}" in result.output


def test_a_theme_without_an_illustration_is_an_error_before_layout(tmp_path):
    folder = project(tmp_path / "p", entries=("greenlab-skive",))
    config = folder / "catalogue.yaml"
    config.write_text(config.read_text("utf-8").replace(
        "  indkoeb: Grønne indkøb\n", "  indkoeb: Grønne indkøb\n  vand: Vand\n"), "utf-8")
    result = invoke("check", str(folder))
    assert result.exit_code == 1
    assert ("themes.vand: der er ingen illustration til dette tema; tilføj "
            "layouts/illustrations/vand.svg") in result.output.replace(str(ROOT) + "/", "")


def test_yes_and_no_settings_say_true_or_false(tmp_path):
    folder = project(tmp_path / "p", entries=("greenlab-skive",))
    config = folder / "catalogue.yaml"
    config.write_text(config.read_text("utf-8") + "print:\n  crop_marks: ja\n", "utf-8")
    result = invoke("check", str(folder))
    assert "print.crop_marks: skriv true eller false (ikke 'ja')" in result.output
