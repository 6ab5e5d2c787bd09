"""The local web app: server-rendered pages (Jinja2, autoescape on) and a JSON API on one FastAPI app.

Reads are open; every write (review, ingest) needs the token stored beside the database, sent as
the ``X-Redline-Token`` header (API) or the HttpOnly SameSite=Strict cookie set by ``/login``.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field

from redline.pack.schema import Pack
from redline.report import report_css, templates_dir
from redline.report.data import View, build_view, cell_anchor, ev_anchor
from redline.store import Store
from redline.types import Position
from redline.web.reviews import ReviewBook, ReviewedPosition, ReviewError
from redline.web.security import (
    MAX_BODY,
    TOKEN_COOKIE,
    TOKEN_HEADER,
    SecurityMiddleware,
    ensure_token,
    token_ok,
    upload_target,
)

VIEW_TTL = 30.0  # seconds a computed view is reused when nothing was written through this app
MAX_URLS = 50


def web_templates_dir() -> Path:
    return Path(__file__).resolve().parent / "templates"


# --------------------------------------------------------------------------------------------
# ingest jobs
# --------------------------------------------------------------------------------------------


@dataclass
class Job:
    id: str
    state: str = "queued"  # queued | ingesting | extracting | done | failed
    done: int = 0
    total: int = 0
    label: str = ""
    documents: int = 0
    positions: int = 0
    problems: list[str] = field(default_factory=list)
    doc_ids: list[int] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "state": self.state, "done": self.done, "total": self.total, "label": self.label,
            "documents": self.documents, "positions": self.positions, "problems": list(self.problems),
            "doc_ids": list(self.doc_ids), "error": self.error,
        }


# --------------------------------------------------------------------------------------------
# API models
# --------------------------------------------------------------------------------------------


class ReviewIn(BaseModel):
    key: str | None = Field(None, description="the position's review key (from /api/positions)")
    position_id: int | None = Field(None, description="or the current row id of the position")
    action: str = Field(description="accept | reject | correct")
    changes: dict[str, Any] = Field(default_factory=dict, description="for correct: stance, red_line, ...")
    by: str = Field("analyst", max_length=100)
    note: str = Field("", max_length=1000)


class DealIn(BaseModel):
    options: dict[str, str] = Field(
        description="issue id -> scale option id; unnamed issues keep the status quo"
    )


class State:
    def __init__(self, db: Path, pack: Pack, token: str) -> None:
        self.db = db
        self.pack = pack
        self.token = token
        self.store = Store(db)
        self.book = ReviewBook(self.store)
        self.upload_dir = db.parent / (db.name + ".uploads")
        self.jobs: dict[str, Job] = {}
        self.generation = 0
        self._view: tuple[int, float, View] | None = None
        self._zopa: tuple[int, float, View] | None = None
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self.ingest_lock = threading.Lock()
        self.deal_lock = threading.Lock()
        self.deal_cache: dict[tuple[tuple[str, str], ...], tuple[View, Any]] = {}

    def changed(self) -> None:
        with self._lock:
            self.generation += 1

    def _fresh_view(self) -> View | None:
        with self._lock:
            if self._view and self._view[0] == self.generation and time.monotonic() - self._view[1] < VIEW_TTL:
                return self._view[2]
            return None

    def view(self) -> View:
        v = self._fresh_view()
        if v is not None:
            return v
        with self._build_lock:  # one rebuild at a time; the others wait and reuse it
            v = self._fresh_view()
            if v is not None:
                return v
            gen = self.generation
            v = build_view(self.store, self.pack, self.book, zopa=False, forecasts=False)
            with self._lock:
                self._view = (gen, time.monotonic(), v)
            return v

    def zopa_view(self) -> View:
        with self._lock:
            now = time.monotonic()
            if self._zopa and self._zopa[0] == self.generation and now - self._zopa[1] < VIEW_TTL:
                return self._zopa[2]
            gen = self.generation
        v = build_view(self.store, self.pack, self.book, zopa=True, forecasts=True, zopa_seconds=5.0)
        with self._lock:
            self._zopa = (gen, time.monotonic(), v)
        return v


def _position_filter(
    rows: list[ReviewedPosition],
    *,
    party: str | None = None,
    issue: str | None = None,
    speaker: str | None = None,
    outlet: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    kind: str | None = None,
    red_line: bool | None = None,
    stance: str | None = None,
    status: str | None = None,
    doc_id: int | None = None,
) -> list[ReviewedPosition]:
    out = []
    for r in rows:
        p = r.position
        when = p.when if p.when and len(p.when) >= 4 and p.when[:4].isdigit() else p.doc_date
        if party and p.party != party:
            continue
        if issue and p.issue != issue:
            continue
        if speaker and speaker.lower() not in (p.speaker or "").lower():
            continue
        if outlet and outlet.lower() not in (p.outlet or "").lower():
            continue
        if date_from and (not when or when < date_from):
            continue
        if date_to and (not when or when[: len(date_to)] > date_to):
            continue
        if kind and p.kind != kind:
            continue
        if red_line is not None and p.red_line != red_line:
            continue
        if stance and p.stance != stance:
            continue
        if status and r.status != status:
            continue
        if doc_id is not None and p.doc_id != doc_id:
            continue
        out.append(r)
    return out


def create_app(
    db: str | Path,
    pack: Pack,
    *,
    pack_path: Path | None = None,
    token: str | None = None,
    max_body: int = MAX_BODY,
) -> FastAPI:
    """The app for one store and pack. ``token``: the write token (default: the one beside the DB)."""
    db = Path(db)
    if token is None:
        token, _ = ensure_token(db)
    state = State(db, pack, token)
    app = FastAPI(
        title="redline", version="1", docs_url=None, redoc_url=None, openapi_url="/openapi.json",
        description="Negotiation positions from the news: documents, positions, reviews, deals, ingest.",
    )
    app.state.redline = state
    app.add_middleware(SecurityMiddleware, max_body=max_body)

    env = Environment(
        loader=FileSystemLoader([str(web_templates_dir()), str(templates_dir())]),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.globals.update(cell_anchor=cell_anchor, ev_anchor=ev_anchor, pack=pack)
    templates = Jinja2Templates(env=env)
    css = report_css()

    def render(request: Request, name: str, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("authed", token_ok(state.token, request.cookies.get(TOKEN_COOKIE)))
        return templates.TemplateResponse(request, name, ctx)

    def require_token(request: Request) -> None:
        given = request.headers.get(TOKEN_HEADER)
        if given is None:
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                given = auth[7:].strip()
        if given is None:
            given = request.cookies.get(TOKEN_COOKIE)
            origin = request.headers.get("origin")
            if given and origin and origin != f"{request.url.scheme}://{request.url.netloc}":
                raise HTTPException(403, "cross-origin write refused")
        if not token_ok(state.token, given):
            raise HTTPException(401, "a valid write token is needed (X-Redline-Token header or /login)")

    writer = [Depends(require_token)]

    def doc_link(p: Position) -> str:
        return f"/documents/{p.doc_id}#{ev_anchor(p)}"

    def find_position(view: View, key: str | None, position_id: int | None) -> ReviewedPosition:
        for r in view.reviewed:
            if (key and r.key == key) or (position_id is not None and r.position.id == position_id):
                return r
        raise HTTPException(404, "no such position")

    def add_review(body: ReviewIn) -> dict[str, Any]:
        view = state.view()
        r = find_position(view, body.key, body.position_id)
        doc = view.doc(r.position.doc_id)
        original = next(p for p in state.store.positions(doc_id=r.position.doc_id) if p.id == r.position.id)
        try:
            review = state.book.add(doc.content_hash if doc else "", original, body.action, body.by,
                                    body.changes, body.note)
        except ReviewError as exc:
            raise HTTPException(422, str(exc)) from exc
        state.changed()
        return review.to_dict()

    def deal_options(raw: dict[str, str]) -> dict[str, str]:
        opts = {i.id: i.status_quo for i in pack.issues}
        for k, v in raw.items():
            try:
                issue = pack.issue(k)
            except KeyError as exc:
                raise HTTPException(422, f"unknown issue {k!r}") from exc
            if v not in [o.id for o in issue.scale]:
                raise HTTPException(422, f"issue {k}: unknown option {v!r}")
            opts[k] = v
        return opts

    def evaluate(opts: dict[str, str]) -> Any:
        try:
            from redline.analysis.deal import evaluate_deal
        except ImportError:
            return None
        view = state.view()
        key = tuple(sorted(opts.items()))
        with state.deal_lock:
            hit = state.deal_cache.get(key)
        if hit is not None and hit[0] is view:
            return hit[1]
        result = evaluate_deal(view.model, pack, opts)
        with state.deal_lock:
            if len(state.deal_cache) >= 256:
                state.deal_cache.clear()
            state.deal_cache[key] = (view, result)
        return result

    def start_ingest(paths: list[str], urls: list[str]) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], total=len(paths) + len(urls))
        state.jobs[job.id] = job
        threading.Thread(target=_run_job, args=(state, job, paths + urls), daemon=True).start()
        return job

    async def save_uploads(files: list[UploadFile]) -> list[str]:
        paths = []
        for f in files:
            if not f.filename:
                continue
            target = upload_target(state.upload_dir, f.filename)
            data = await f.read()
            target.write_bytes(data)
            paths.append(str(target))
        return paths

    def split_urls(text: str) -> list[str]:
        urls = [u.strip() for u in text.split() if u.strip()]
        for u in urls:
            if not (u.startswith("http://") or u.startswith("https://")):
                raise HTTPException(422, f"not an http(s) URL: {u[:80]!r}")
        if len(urls) > MAX_URLS:
            raise HTTPException(422, f"at most {MAX_URLS} URLs at once")
        return urls

    # ---------------------------------------------------------------- static, login

    @app.get("/static/style.css", include_in_schema=False)
    def style() -> Response:
        return Response(css, media_type="text/css")

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return render(request, "login.html.j2", error=None)

    @app.post("/login", include_in_schema=False)
    def login(request: Request, token: Annotated[str, Form(max_length=200)]) -> Response:
        if not token_ok(state.token, token.strip()):
            bad = render(request, "login.html.j2", error="wrong token")
            bad.status_code = 401
            return bad
        resp = RedirectResponse("/", status_code=303)
        resp.set_cookie(TOKEN_COOKIE, state.token, httponly=True, samesite="strict", path="/")
        return resp

    @app.post("/logout", include_in_schema=False)
    def logout() -> Response:
        resp = RedirectResponse("/", status_code=303)
        resp.delete_cookie(TOKEN_COOKIE, path="/")
        return resp

    # ---------------------------------------------------------------- pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(request: Request) -> HTMLResponse:
        view = state.view()
        return render(request, "dashboard.html.j2", v=view, timelines=view.timelines(doc_link),
                      doc_link=doc_link)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request) -> HTMLResponse:
        view = state.view()
        counts: dict[int | None, int] = {}
        for p in view.positions:
            counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
        return render(request, "documents.html.j2", v=view, counts=counts)

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: int) -> HTMLResponse:
        view = state.view()
        doc = view.doc(doc_id)
        if doc is None:
            raise HTTPException(404, "no such document")
        rows = [r for r in view.reviewed if r.position.doc_id == doc_id]
        return render(request, "document.html.j2", v=view, d=doc, segments=view.doc_segments(doc), rows=rows)

    @app.get("/positions", response_class=HTMLResponse, include_in_schema=False)
    def positions_page(
        request: Request,
        party: str | None = None, issue: str | None = None, speaker: str | None = None,
        outlet: str | None = None, date_from: str | None = None, date_to: str | None = None,
        kind: str | None = None, red_line: str | None = None, stance: str | None = None,
        status: str | None = None,
    ) -> HTMLResponse:
        view = state.view()
        rl = {"yes": True, "no": False}.get(red_line or "")
        rows = _position_filter(
            view.reviewed, party=party or None, issue=issue or None, speaker=speaker or None,
            outlet=outlet or None, date_from=date_from or None, date_to=date_to or None, kind=kind or None,
            red_line=rl, stance=stance or None, status=status or None,
        )
        f = dict(party=party or "", issue=issue or "", speaker=speaker or "", outlet=outlet or "",
                 date_from=date_from or "", date_to=date_to or "", kind=kind or "", red_line=red_line or "",
                 stance=stance or "", status=status or "")
        back = "/positions" + ("?" + urlencode({k: v for k, v in f.items() if v}) if any(f.values()) else "")
        return render(request, "positions.html.j2", v=view, rows=rows, f=f, back=back, doc_link=doc_link)

    @app.post("/positions/review", include_in_schema=False, dependencies=writer)
    def review_form(
        key: Annotated[str, Form(max_length=300)],
        action: Annotated[str, Form(max_length=20)],
        back: Annotated[str, Form(max_length=2000)] = "/positions",
        by: Annotated[str, Form(max_length=100)] = "analyst",
        stance: Annotated[str, Form(max_length=20)] = "",
        red_line: Annotated[str, Form(max_length=10)] = "",
        note: Annotated[str, Form(max_length=1000)] = "",
    ) -> Response:
        changes: dict[str, Any] = {}
        if action == "correct":
            if stance:
                changes["stance"] = stance
            if red_line:
                changes["red_line"] = red_line == "yes"
        add_review(ReviewIn(key=key, position_id=None, action=action, changes=changes,
                            by=by or "analyst", note=note))
        if not back.startswith("/") or back.startswith("//"):
            back = "/positions"
        return RedirectResponse(back, status_code=303)

    @app.get("/deal", response_class=HTMLResponse, include_in_schema=False)
    def deal_page(request: Request) -> HTMLResponse:
        raw = {k[4:]: v for k, v in request.query_params.items() if k.startswith("opt_") and v}
        opts = deal_options(raw)
        result = evaluate(opts) if raw or request.query_params.get("run") else None
        return render(request, "deal.html.j2", v=state.view(), opts=opts, result=result)

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_page(request: Request) -> HTMLResponse:
        jobs = sorted(state.jobs.values(), key=lambda j: j.id)
        return render(request, "ingest.html.j2", jobs=jobs, max_mb=max_body // (1024 * 1024))

    @app.post("/ingest", include_in_schema=False, dependencies=writer)
    async def ingest_form(
        files: Annotated[list[UploadFile] | None, File()] = None,
        urls: Annotated[str, Form(max_length=20000)] = "",
    ) -> Response:
        paths = await save_uploads(files or [])
        url_list = split_urls(urls)
        if not paths and not url_list:
            raise HTTPException(422, "choose files or paste URLs")
        job = start_ingest(paths, url_list)
        return RedirectResponse(f"/ingest/jobs/{job.id}", status_code=303)

    @app.get("/ingest/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: str) -> HTMLResponse:
        job = state.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return render(request, "job.html.j2", job=job)

    # ---------------------------------------------------------------- JSON API

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, Any]:
        return {"ok": True, "pack": pack.id, "documents": state.store.document_count()}

    @app.get("/api/pack", tags=["meta"])
    def api_pack() -> dict[str, Any]:
        return pack.model_dump(mode="json")

    @app.get("/api/documents", tags=["documents"])
    def api_documents() -> list[dict[str, Any]]:
        out = []
        for d in state.view().documents:
            row = d.to_dict()
            row.pop("text", None)
            out.append(row)
        return out

    @app.get("/api/documents/{doc_id}", tags=["documents"])
    def api_document(doc_id: int) -> dict[str, Any]:
        view = state.view()
        doc = view.doc(doc_id)
        if doc is None:
            raise HTTPException(404, "no such document")
        return {**doc.to_dict(),
                "positions": [r.to_dict() for r in view.reviewed if r.position.doc_id == doc_id]}

    @app.get("/api/positions", tags=["positions"])
    def api_positions(
        party: str | None = None, issue: str | None = None, speaker: str | None = None,
        outlet: str | None = None, date_from: str | None = None, date_to: str | None = None,
        kind: str | None = None, red_line: bool | None = None, stance: str | None = None,
        status: str | None = None, doc_id: int | None = None,
        limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    ) -> list[dict[str, Any]]:
        rows = _position_filter(
            state.view().reviewed, party=party, issue=issue, speaker=speaker, outlet=outlet,
            date_from=date_from, date_to=date_to, kind=kind, red_line=red_line, stance=stance,
            status=status, doc_id=doc_id,
        )
        return [r.to_dict() for r in rows[:limit]]

    @app.get("/api/matrix", tags=["model"])
    def api_matrix() -> dict[str, Any]:
        model = state.view().model
        return {
            "parties": model.parties, "issues": model.issues,
            "cells": [
                {"party": c.party, "issue": c.issue, "stance": c.stance, "red_line": c.red_line,
                 "option": c.option, "value": c.value, "salience": round(c.salience, 1),
                 "evidence_count": c.evidence_count}
                for c in (model.cell(p, i) for p in model.parties for i in model.issues) if c is not None
            ],
        }

    @app.get("/api/model", tags=["model"])
    def api_model() -> dict[str, Any]:
        return state.view().model.to_dict()

    @app.get("/api/zopa", tags=["analysis"])
    def api_zopa() -> dict[str, Any]:
        view = state.zopa_view()
        if view.zopa is None:
            return {"available": False, "reason": view.zopa_error or "no positions"}
        return {"available": True, **view.zopa.to_dict(),
                "red_lines": [r.to_dict() for r in view.red_lines]}

    @app.get("/api/forecasts", tags=["analysis"])
    def api_forecasts() -> dict[str, Any]:
        view = state.zopa_view()
        return {
            "models": view.forecast_models, "error": view.forecast_error,
            "issues": [{"issue": r.issue, "positions": dict(r.positions), "forecasts": dict(r.forecasts)}
                       for r in view.forecast_rows],
        }

    @app.post("/api/deal", tags=["analysis"])
    def api_deal(body: DealIn) -> dict[str, Any]:
        """Evaluate a deal (read-only: no token needed)."""
        result = evaluate(deal_options(body.options))
        if result is None:
            return {"available": False, "reason": "deal evaluation not available"}
        return {"available": True, **result.to_dict()}

    @app.get("/api/reviews", tags=["reviews"])
    def api_reviews() -> list[dict[str, Any]]:
        return [r.to_dict() for r in state.book.all()]

    @app.post("/api/reviews", tags=["reviews"], status_code=201, dependencies=writer)
    def api_add_review(body: ReviewIn) -> dict[str, Any]:
        """Accept, reject or correct a position (needs the token)."""
        return add_review(body)

    @app.delete("/api/reviews/{key}", tags=["reviews"], dependencies=writer)
    def api_delete_review(key: str) -> dict[str, Any]:
        if not state.book.remove(key):
            raise HTTPException(404, "no such review")
        state.changed()
        return {"deleted": key}

    @app.post("/api/ingest", tags=["ingest"], status_code=202, dependencies=writer)
    async def api_ingest(
        files: Annotated[list[UploadFile] | None, File()] = None,
        urls: Annotated[str, Form(max_length=20000)] = "",
    ) -> dict[str, Any]:
        """Upload files and/or URLs (whitespace-separated); returns a job to poll at /api/jobs/{id}."""
        paths = await save_uploads(files or [])
        url_list = split_urls(urls)
        if not paths and not url_list:
            raise HTTPException(422, "choose files or paste URLs")
        return start_ingest(paths, url_list).to_dict()

    @app.get("/api/jobs/{job_id}", tags=["ingest"])
    def api_job(job_id: str) -> dict[str, Any]:
        job = state.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return job.to_dict()

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return PlainTextResponse(f"{exc.status_code}: {exc.detail}", status_code=exc.status_code)

    return app


def _run_job(state: State, job: Job, inputs: list[str]) -> None:
    from redline.extract import run_extract
    from redline.ingest import ingest

    with state.ingest_lock:
        try:
            job.state = "ingesting"

            def progress(done: int, total: int, label: str) -> None:
                job.done, job.total, job.label = done, total, Path(label).name or label

            summary = ingest(inputs, state.store, progress=progress)
            job.documents = summary.documents
            job.doc_ids = list(summary.doc_ids)
            job.problems = [f"{Path(p.source).name}: {p.reason}" for p in summary.problems]
            job.state = "extracting"
            result = run_extract(state.store, summary.doc_ids, state.pack)
            job.positions = len(result.positions)
            job.problems += [f"{p.source}: {p.reason}" for p in result.problems]
            job.state = "done"
        except Exception as exc:  # noqa: BLE001 - reported on the job page
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            state.changed()
