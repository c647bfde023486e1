"""The archive's HTTP routes: downloads of a run or a thread (HTML page or JSON recording)
and the upload of a JSON recording. Mounted next to the app, inside the access gate
(``api_transformer``): a signed-in person downloads only their own recordings, and what they
upload is theirs."""

from __future__ import annotations

import asyncio
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.access import NotSignedIn, Person, access_settings, identify
from app.archive import service
from app.archive.errors import RecordingError, RecordingTooLargeError
from app.archive.file_format import MAX_FILE_BYTES

MEDIA_TYPES = {"html": "text/html; charset=utf-8", "json": "application/json"}


async def export_run(request: Request) -> Response:
    run_id, kind = request.path_params["run_id"], request.path_params["kind"]
    viewer = service.viewer_of(_person(request))
    found = await asyncio.to_thread(service.recording, run_id, viewer)
    return await _download([found] if found else [], f"run-{run_id}", kind)


async def export_thread(request: Request) -> Response:
    thread_id, kind = request.path_params["thread_id"], request.path_params["kind"]
    viewer = service.viewer_of(_person(request))
    found = await asyncio.to_thread(service.thread_recordings, thread_id, viewer)
    return await _download(found, f"thread-{thread_id}", kind)


def _person(request: Request) -> Person:
    """Who asks (the gate in front let them in); NotSignedIn if they cannot be told."""
    peer = request.client.host if request.client else ""
    return identify(request.headers, peer, access_settings(), time.time())


async def _download(recordings: list, name: str, kind: str) -> Response:
    if kind not in MEDIA_TYPES:
        return JSONResponse({"error": "Exports are .html or .json"}, status_code=404)
    if not recordings:
        return JSONResponse({"error": "Nothing of this is in the archive."}, status_code=404)
    body = await asyncio.to_thread(service.export, recordings, kind)
    disposition = f'attachment; filename="{name}.{kind}"'
    return Response(
        body, media_type=MEDIA_TYPES[kind], headers={"Content-Disposition": disposition}
    )


async def import_recording(request: Request) -> JSONResponse:
    """Store the posted JSON recording: ``{"thread_id", "run_ids"}``, or 400 ``{"error"}``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILE_BYTES:
        return _refusal(RecordingTooLargeError(_too_large(int(declared))))
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FILE_BYTES:
            return _refusal(RecordingTooLargeError(_too_large(len(body))))
    try:
        owner = service.owner_of(_person(request))
        recordings = await asyncio.to_thread(service.import_file, bytes(body), owner)
    except RecordingError as exc:
        return _refusal(exc)
    return JSONResponse(
        {"thread_id": recordings[0].thread_id, "run_ids": [r.run_id for r in recordings]}
    )


def _too_large(size: int) -> str:
    return (
        f"The file is over {size / 1e6:.1f} MB; recordings up to "
        f"{MAX_FILE_BYTES / 1e6:.0f} MB can be opened."
    )


def _refusal(exc: RecordingError) -> JSONResponse:
    return JSONResponse({"error": str(exc), "kind": type(exc).__name__}, status_code=400)


async def _not_signed_in(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": f"Sign in first ({exc})."}, status_code=401)


archive_api = Starlette(
    exception_handlers={NotSignedIn: _not_signed_in},
    routes=[
        Route("/archive/runs/{run_id}.{kind}", export_run),
        Route("/archive/threads/{thread_id}.{kind}", export_thread),
        Route("/archive/import", import_recording, methods=["POST"]),
    ],
)
