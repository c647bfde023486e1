"""The archive's HTTP routes on a real SQLite archive: an uploaded recording is stored and
downloads again as it was; bad uploads are refused with their reason; exports are files."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from app.archive import file_format, service
from app.archive.routes import archive_api
from tests.unit.archive_db import archive_engine, weather_recording


@pytest.fixture
def client(tmp_path, monkeypatch) -> TestClient:
    db = archive_engine(tmp_path)
    monkeypatch.setattr(service.store, "engine", lambda url=None: db)
    monkeypatch.setattr(service, "_cache", type(service._cache)())
    return TestClient(archive_api)


def test_an_uploaded_recording_downloads_again_as_it_was(client: TestClient):
    original = weather_recording()
    uploaded = client.post("/archive/import", content=file_format.dumps([original]))
    assert uploaded.status_code == 200
    assert uploaded.json() == {"thread_id": "t1", "run_ids": [original.run_id]}

    run = client.get(f"/archive/runs/{original.run_id}.json")
    assert (
        run.headers["content-disposition"] == f'attachment; filename="run-{original.run_id}.json"'
    )
    assert file_format.loads(run.content) == [original]
    thread = client.get("/archive/threads/t1.html")
    assert thread.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in thread.text and "foggy" in thread.text


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"not json", "NotARecordingError"),
        (
            json.dumps({"format": file_format.FORMAT, "version": 7, "runs": []}).encode(),
            "NewerVersionError",
        ),
        (file_format.dumps([weather_recording()])[:-50], "TruncatedRecordingError"),
    ],
    ids=["not-a-recording", "newer", "cut-off"],
)
def test_a_bad_upload_is_refused_with_its_reason_and_stores_nothing(client: TestClient, body, kind):
    refused = client.post("/archive/import", content=body)
    assert refused.status_code == 400
    assert refused.json()["kind"] == kind and refused.json()["error"]
    assert client.get("/archive/threads/t1.json").status_code == 404


def test_an_upload_over_the_limit_is_refused_unread(client: TestClient, monkeypatch):
    monkeypatch.setattr("app.archive.routes.MAX_FILE_BYTES", 10)
    refused = client.post("/archive/import", content=b"{" + b" " * 100 + b"}")
    assert refused.status_code == 400 and refused.json()["kind"] == "RecordingTooLargeError"


def test_unknown_runs_and_formats_are_not_found(client: TestClient):
    assert client.get("/archive/runs/nope.json").status_code == 404
    client.post("/archive/import", content=file_format.dumps([weather_recording()]))
    assert client.get(f"/archive/runs/{weather_recording().run_id}.exe").status_code == 404
