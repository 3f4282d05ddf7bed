"""The HTML the layouts get: Markdown subset, escaping, typography, indexes."""

from pathlib import Path

from catalogue.layout import render
from catalogue.read.load import load_project

ROOT = Path(__file__).resolve().parent.parent


def test_raw_html_is_shown_as_text_never_interpreted():
    html = render.markdown("Hej <script>alert(1)</script> og <b>fed</b>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html


def test_markdown_subset():
    html = render.markdown("Et *vigtigt* ord.\n\n- første\n- anden\n\n[KL](https://www.kl.dk)")
    assert "<em>vigtigt</em>" in html
    assert "<ul>" in html and "<li>første</li>" in html
    assert '<a href="https://www.kl.dk">KL</a>' in html


def test_only_web_and_mail_links():
    assert "href" not in render.markdown("[x](javascript:alert(1))")
    assert "href" not in render.markdown("[x](file:///etc/passwd)")
    assert 'href="mailto:a@kl.dk"' in render.markdown("[skriv](mailto:a@kl.dk)")


def test_danish_typography():
    assert render.inline('Vi sparer 125.000 tons CO2 og "meget" mere') == (
        "Vi sparer 125.000\u00a0tons CO₂ og »meget« mere")
    assert "21,5\u00a0%" in render.inline("21,5 %")
    assert render.inline("2011-2013") == "2011–2013"
    assert render.inline("LIFE+-programmet") == "LIFE+-programmet"  # no ± surprise


def test_urls_keep_co2_and_hyphens():
    html = render.markdown("[side](https://example.dk/co2-2020/CO2)")
    assert 'href="https://example.dk/co2-2020/CO2"' in html


def test_indexes_list_multi_municipality_entries_under_each():
    project = load_project(ROOT)
    by_municipality = {line.heading: line.entries for line in
                       render.indexes(project)["municipality"]}
    carbon = next(d for d in project.entries if d.slug == "carbon-20")
    for name in carbon.entry.municipalities:
        assert carbon in by_municipality[name]
    headings = list(by_municipality)
    assert headings[-1] == "Aarhus"


def test_tint_is_lighter_and_valid():
    assert render.tint("#1E4B3A", 0.0) == "#FFFFFF"
    assert render.tint("#1E4B3A", 1.0) == "#1E4B3A"


def test_printed_addresses_are_readable():
    assert render.short_url("https://www.vejle.dk/") == "vejle.dk"
    assert render.short_url("http://www.carbon20.dk/V%C3%A6rkt%C3%B8jer/") == \
        "carbon20.dk/Værktøjer"


def test_compiled_templates_are_kept_follow_their_source_and_heal(tmp_path, monkeypatch):
    """A new process takes the layouts compiled from .cache/templates/ (it compiles
    nothing); an edited template, a damaged or an unwritable cache give what a clean
    render gives."""
    import shutil

    import jinja2

    shutil.copy(ROOT / "catalogue.yaml", tmp_path)
    shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
    (tmp_path / "entries").mkdir()
    shutil.copy(ROOT / "entries" / "carbon-20.yaml", tmp_path / "entries")
    project = load_project(tmp_path)
    compiled = tmp_path / ".cache" / "templates"

    def fresh() -> str:  # as a new process renders: nothing compiled in memory
        render.environment.cache_clear()
        return render.render_html(project)

    clean = fresh()
    kept = sorted(compiled.iterdir())
    assert len(kept) >= 4  # the catalogue and the templates it includes
    compile_calls = []
    original = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda *a, **k: compile_calls.append(a[2]) or original(*a, **k))
    assert fresh() == clean
    assert compile_calls == []  # every template came from the cache

    spread = tmp_path / "layouts" / "spread.html.j2"
    original_spread = spread.read_text("utf-8")
    spread.write_text(original_spread.replace("</article>", "<p>Ny linje</p></article>", 1),
                      "utf-8")
    edited = fresh()
    assert "Ny linje" in edited and compile_calls == ["spread.html.j2"]
    spread.write_text(original_spread, "utf-8")

    for number, path in enumerate(sorted(compiled.iterdir())):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] if number % 2 else b"\0" * len(data))
    assert fresh() == clean
    shutil.rmtree(compiled)
    compiled.write_text("not a folder")  # a cache that cannot be written
    assert fresh() == clean
