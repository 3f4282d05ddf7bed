"""The entries as open data: entries.json (everything, as typed, with what the catalogue
adds: regions, DK2020, the page in the PDF, the web page) and entries.csv (one row per
partnership, lists joined by ' | ', for a spreadsheet). UTF-8; keys as in the YAML."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

from ..read.load import EntryDoc, Project

JOIN = " | "


def record(doc: EntryDoc, project: Project, page: int | None, photo: str | None) -> dict:
    """One partnership as data: its fields as validated, and what the catalogue adds."""
    data = {"slug": doc.slug, **doc.entry.model_dump(mode="json", exclude_none=True)}
    if photo:  # the photo as the web edition has it, not the path on the editor's computer
        data["image"]["file"] = photo
    return data | {
        "regions": doc.regions,
        "dk2020_municipalities": [m.name for m in doc.municipalities if m.dk2020],
        "theme_labels": [project.edition.themes[t] for t in doc.entry.themes],
        "pdf_page": page,
        "web_page": f"{quote(doc.slug)}/",
        "web_url": project.edition.web.page(doc.slug)}


def as_json(project: Project, records: list[dict]) -> str:
    """entries.json: the edition's facts and every partnership in the catalogue's order."""
    e = project.edition
    return json.dumps({
        "title": e.title, "subtitle": e.subtitle, "publisher": e.publisher,
        "edition": e.edition, "publication_date": e.publication_date.isoformat(),
        "web_url": e.web.base_url, "themes": e.themes, "entries": records,
    }, ensure_ascii=False, indent=2) + "\n"


COLUMNS = ("slug", "title", "municipalities", "regions", "dk2020_municipalities", "partners",
           "themes", "theme_labels", "started", "status", "lead", "about", "origin",
           "results", "key_figures", "advice", "quote", "quote_by", "contact_name",
           "contact_role", "contact_organisation", "contact_email", "contact_phone",
           "contact_url", "links", "sources", "pdf_page", "web_page", "web_url")


def as_csv(records: list[dict]) -> str:
    """entries.csv: one row per partnership (RFC 4180: commas, quotes, CRLF)."""
    stream = io.StringIO()
    writer = csv.DictWriter(stream, COLUMNS)
    writer.writeheader()
    for data in records:
        writer.writerow(_row(data))
    return stream.getvalue()


def _row(data: dict) -> dict:
    contact, quote_ = data["contact"], data.get("quote", {})
    return {key: data.get(key, "") for key in COLUMNS} | {
        "municipalities": JOIN.join(data["municipalities"]),
        "regions": JOIN.join(data["regions"]),
        "dk2020_municipalities": JOIN.join(data["dk2020_municipalities"]),
        "partners": JOIN.join(p["name"] for p in data["partners"]),
        "themes": JOIN.join(data["themes"]), "theme_labels": JOIN.join(data["theme_labels"]),
        "key_figures": JOIN.join(_figure(k) for k in data.get("key_figures", [])),
        "advice": JOIN.join(data["advice"]),
        "quote": quote_.get("text", ""), "quote_by": quote_.get("by", ""),
        **{f"contact_{key}": contact.get(key, "") for key in
           ("name", "role", "organisation", "email", "phone", "url")},
        "links": JOIN.join(link["url"] for link in data.get("links", [])),
        "sources": JOIN.join(data.get("sources", [])),
        "pdf_page": data["pdf_page"] or "", "web_url": data["web_url"] or ""}


def _figure(figure: dict) -> str:
    return " ".join(str(part) for part in (figure["value"], figure.get("unit"), figure["label"])
                    if part is not None)
