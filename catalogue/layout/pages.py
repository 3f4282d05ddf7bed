"""Every part of every edition laid out (or taken from the cache), numbered by plan.py,
until each part came out as long as the plan assumed.

The plan starts from the lengths the last build found (the note "plan" in the cache) and,
on a first build, from the front matter counted (laid out with blank page numbers). Then
every part of the plan is laid out in the pool, those that wait longest first (the back
matter and the front matter, then the spreads); a part already in the cache costs
nothing, and neither does a part laid out for an earlier attempt with the same HTML. When
a part came out longer or shorter than assumed, the plan is made again with the lengths
found, and only what moved is laid out again.
"""

from __future__ import annotations

import concurrent.futures
import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import cache
from . import parts, render, worker
from .editions import PdfEdition, created, for_project
from ..errors import BuildFailed
from ..i18n import _
from .worker import Job, LaidOut
from ..read.load import Project
from .plan import Part, Plan, plan, sizes_found
from .pool import Pool

ATTEMPTS = 4  # a plan settles in one or two; more means a bug


def lay_out_editions(project: Project, editions: list[PdfEdition],
                     pool: Pool) -> tuple[dict[str, list[LaidOut | None]], list[LaidOut]]:
    """Per edition, its parts laid out in page order (None: a blank page); and the parts
    laid out only to be measured (kept in the cache for the next build)."""
    stamp, base = created(project), parts.fingerprint(project.root)
    photos = {e.key: parts.photo_addresses(project, e) for e in editions}
    noted = _noted_plan(project.root)[1]
    sizes = _last_sizes(project, editions, noted)
    measured = _counted(project, editions, sizes, pool, stamp, base)
    made: dict[str, tuple] = {}  # cache address -> (Future of the job's results, index)
    for _attempt in range(ATTEMPTS):
        assumed = {e.key: _assumed(sizes, e.key, editions) for e in editions}
        plans = {e.key: _plan(project, e, assumed[e.key]) for e in editions}
        keys = _submit(project, editions, plans, made, pool, stamp, photos, base)
        laid = {key: [made[k][0].result()[made[k][1]] if k else None for k in addresses]
                for key, addresses in keys.items()}
        found = {key: sizes_found(plans[key], [p and p.pages for p in laid[key]])
                 for key in laid}
        if found == assumed:
            count = _count_job(project, "front", stamp, base)
            cache.note(project.root, "plan", {"count": count.laid.key,
                                              "sizes": noted | found})
            return laid, measured
        sizes.update(found)
    raise BuildFailed(_("the page numbers did not settle; please report this with your "
                        "entries"))


def _counted(project: Project, editions: list[PdfEdition], sizes: dict[str, dict],
             pool: Pool, stamp: datetime.datetime, base: str) -> list[LaidOut]:
    """The front matter and the sections of the back matter whose lengths the last build
    did not note (all of them on a first build), counted side by side: laid out with blank
    page numbers, which take the same room as the numbers. Their lengths go into sizes,
    so that the first plan is right and every spread is laid out once."""
    names = [name for name in ("front", *render.back_sections(project))
             if any(name not in sizes[e.key] for e in editions)]
    jobs = [_count_job(project, name, stamp, base) for name in names]
    futures = [_future(pool, job) for job in jobs]
    measured = [future.result()[0] for future in futures]
    for name, laid in zip(names, measured):
        for edition in editions:
            sizes[edition.key].setdefault(name, laid.pages)
    return measured


def _plan(project: Project, edition: PdfEdition, sizes: dict[str, int]) -> Plan:
    return plan([doc.slug for doc in project.entries], render.back_sections(project), sizes,
                padded=edition.key == "print")


def _submit(project: Project, editions: list[PdfEdition], plans: dict[str, Plan],
            made: dict[str, tuple], pool: Pool, stamp: datetime.datetime,
            photos: dict[str, dict], base: str) -> dict[str, list[str | None]]:
    """Every part of the plans to the pool (unless made already or in the cache), the
    front and back matter first; returns each plan's parts as cache addresses."""
    keys = {e.key: [None] * len(plans[e.key].order) for e in editions}
    numbers = {key: p.numbers for key, p in plans.items()}
    spreads: dict[str, list[tuple[PdfEdition, Part, int]]] = {}
    jobs = []
    for edition in editions:
        for index, part in enumerate(plans[edition.key].order):
            if part is not None and part.kind == "spread":
                spreads.setdefault(part.slug, []).append((edition, part, index))
            elif part is not None:
                job = parts.job_for(project, edition, part, numbers[edition.key], stamp,
                                    photos[edition.key], base)
                jobs.append((job, [(edition.key, index)]))
    for wanted in spreads.values():  # in page order, both editions together
        places = {edition.key: (edition.key, index) for edition, _part, index in wanted}
        for job in parts.spread_jobs(project, [(e, p) for e, p, _index in wanted], numbers,
                                     stamp, photos, base):
            jobs.append((job, [places[output.edition.key] for output in job.written]))
    for job, places in jobs:
        for (key, index), output in zip(places, job.written):
            keys[key][index] = output.key
        _make(project.root, job, made, pool)
    return keys


def _make(root: Path, job: Job, made: dict[str, tuple], pool: Pool) -> None:
    """The job's PDFs into made: from the cache, or the job (for the PDFs the cache lacks)
    sent to the pool."""
    left = []
    for output in job.written:
        if output.key in made:
            continue
        hit = parts.cached(root, output.key)
        if hit is None:
            left.append(output)
        else:
            made[output.key] = (_done([hit]), 0)
    if left:
        future = pool.submit(worker.lay_out, root, Job(job.part, job.created, job.laid,
                                                 tuple(left), job.shown, job.photos))
        for index, output in enumerate(left):
            made[output.key] = (future, index)


def _done(result) -> concurrent.futures.Future:
    future = concurrent.futures.Future()
    future.set_result(result)
    return future


def _future(pool: Pool, job: Job) -> concurrent.futures.Future:
    """The PDFs job writes, from the cache or being laid out in the pool."""
    hits = [parts.cached(pool.root, output.key) for output in job.written]
    if all(hits):
        return _done(hits)
    return pool.submit(worker.lay_out, pool.root, job)


def front_length(project: Project, pool: Pool) -> int:
    """The front matter's length as the build plans it: as the last build found it, if
    the front matter is what it was then; else as counted (laid out with blank page
    numbers: the same cached part the first build counts with)."""
    job = _count_job(project, "front", created(project), parts.fingerprint(project.root))
    counted, noted = _noted_plan(project.root)
    lengths = [sizes["front"] for sizes in noted.values() if "front" in sizes]
    if counted == job.laid.key and lengths:
        return lengths[0]
    return _future(pool, job).result()[0].pages


def part_of(project: Project, edition: PdfEdition, part: Part, pool: Pool) -> LaidOut:
    """One part, from the cache or laid out now in the pool, as the build lays it out."""
    stamp, base = created(project), parts.fingerprint(project.root)
    photos = {edition.key: parts.photo_addresses(project, edition, {part.slug})}
    if part.kind == "spread":
        (job,) = parts.spread_jobs(project, [(edition, part)], {edition.key: {}}, stamp,
                                   photos, base)
    else:
        job = parts.job_for(project, edition, part, {}, stamp, photos[edition.key], base)
    return _future(pool, job).result()[0]


def _count_job(project: Project, name: str, stamp: datetime.datetime, base: str) -> Job:
    """The front matter ("front") or a section of the back matter with blank page numbers
    in the download edition: its length before anything is numbered. The front matter's
    address says whether it changed since the last build (see front_length)."""
    edition = for_project(project.edition, project.root)[0]
    part = Part("front", 1) if name == "front" else Part("back", 1, name)
    return parts.job_for(project, edition, part, {}, stamp, {}, base)


def _noted_plan(root: Path) -> tuple[str | None, dict[str, dict[str, int]]]:
    """What the last build noted for the plan: the address of its front matter's count,
    and per edition the lengths of its parts (whatever of it is sound: it is a guess)."""
    note = cache.noted(root, "plan")
    note = note if isinstance(note, dict) else {}
    sizes = note.get("sizes") if isinstance(note.get("sizes"), dict) else {}
    return note.get("count"), {
        key: {name: length for name, length in lengths.items()
              if isinstance(length, int) and length > 0}
        for key, lengths in sizes.items() if isinstance(lengths, dict)}


def _last_sizes(project: Project, editions: list[PdfEdition],
                noted: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Per edition, the lengths the last build found for the parts this build still has
    (an edition built for the first time starts from another's)."""
    wanted = {"front", *(doc.slug for doc in project.entries),
              *render.back_sections(project)}
    sizes = {}
    for edition in editions:
        source = noted.get(edition.key) or next(iter(noted.values()), {})
        sizes[edition.key] = {k: v for k, v in source.items() if k in wanted}
    return sizes


def _assumed(sizes: dict[str, dict], key: str, editions: list[PdfEdition]) -> dict[str, int]:
    """The lengths the plan of edition key goes by: its own, and for the print edition,
    built with the download edition, the back matter's lengths the download edition
    found when it has not found its own yet."""
    if key == "print" and any(e.key == "download" for e in editions):
        return sizes["download"] | sizes["print"]
    return dict(sizes[key])


def forget_unused(project: Project, editions: list[PdfEdition], laid: dict,
                  measured: list) -> None:
    """Remove from the cache the parts and downsampled photos this build did not use."""
    for edition in editions:
        used = {Path(p.pdf).stem for p in laid[edition.key] + measured if p is not None}
        parts.prune(project.root, edition.key, used)
        if edition.photo_size:
            photos = parts.photo_addresses(project, edition).values()
            cache.prune(project.root / cache.FOLDER / "images",
                        {Path(unquote(urlsplit(uri).path)).stem for uri in photos})
