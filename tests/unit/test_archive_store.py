"""Recording runs into a real SQLite archive: frames stored once, complete, compressed and
redacted; endings; retention; the recorded run rebuilds the same tree as the live one."""

from __future__ import annotations

import asyncio
import json

from app.archive import store
from app.archive.recorder import RunRecorder
from app.archive.recording import REDACTED, Frame, Recording, build_tree, conversation
from app.lg_client import StreamPart
from app.run_tree import RunTree
from tests.unit.archive_db import archive_engine, archive_writer
from tests.unit.sse import recorded_parts


async def _pass_through(recorder: RunRecorder, parts: list[StreamPart]) -> list[StreamPart]:
    async def source():
        for part in parts:
            yield part

    return [part async for part in recorder.recorded(source())]


def record(writer, parts: list[StreamPart], status: str = "done", error: str = "") -> RunRecorder:
    recorder = RunRecorder(writer)
    assert asyncio.run(_pass_through(recorder, parts)) == parts  # the stream is untouched
    recorder.finish(status, error)
    assert writer.flush()
    return recorder


def live_tree(parts: list[StreamPart]) -> RunTree:
    tree = RunTree()
    for part in parts:
        if part.event == "events":
            tree.apply(part.data, 0.0)
    tree.finish("done")
    return tree


def shape(tree: RunTree) -> list[tuple]:
    return [(n.run_id, n.parent_id, n.name, n.kind, n.status, n.streamed_text) for n in tree.nodes]


def test_a_recorded_run_rebuilds_the_live_runs_tree_and_answer(tmp_path):
    parts = recorded_parts("resumable")
    db = archive_engine(tmp_path)
    with archive_writer(db) as writer:
        recorder = record(writer, parts)
    saved = store.load(db, recorder.run.run_id)
    assert saved is not None
    assert saved.status == "done"
    assert saved.question == "What's the weather in SF?"
    assert saved.thread_id and saved.assistant_id == "agent"
    assert len(saved.frames) == sum(p.event == "events" for p in parts)
    assert shape(build_tree(saved)) == shape(live_tree(parts))
    chat = conversation(saved)
    assert chat[0].role == "user" and chat[0].content == saved.question
    assert chat[-1].content == live_tree(parts).model_runs()[-1].streamed_text


def test_frames_are_timed_by_the_servers_event_ids(tmp_path):
    parts = recorded_parts("resumable")
    db = archive_engine(tmp_path)
    with archive_writer(db) as writer:
        recorder = record(writer, parts)
    saved = store.load(db, recorder.run.run_id)
    first_id = next(p.id for p in parts if p.event == "events")
    assert saved.frames[0].id == first_id
    assert saved.frames[0].at == int(first_id.split("-")[0]) / 1000
    tree = build_tree(saved)
    assert all(node.duration is not None and node.duration < 60 for node in tree.nodes)
    assert saved.started_at == saved.frames[0].at


def test_a_run_followed_twice_at_once_is_stored_once_and_whole(tmp_path):
    parts = recorded_parts("resumable")
    events = [p for p in parts if p.event == "events"]
    db = archive_engine(tmp_path)
    with archive_writer(db) as writer:
        first, second = RunRecorder(writer), RunRecorder(writer)

        async def both() -> None:
            async def source(cut: int | None):
                for part in parts[:cut]:
                    yield part
                    await asyncio.sleep(0)

            # one follower drops half way (a dead worker), the other rejoins from the start
            await asyncio.gather(
                _drain(first.recorded(source(len(parts) // 2))),
                _drain(second.recorded(source(None))),
            )

        asyncio.run(both())
        second.finish("done")
        first.finish("error", "it died")  # a later ending changes nothing
        assert writer.flush()
    saved = store.load(db, second.run.run_id)
    assert [f.data for f in saved.frames] == [p.data for p in events]
    assert saved.status == "done"
    assert len(store.summaries(db, saved.thread_id)) == 1


async def _drain(parts) -> None:
    async for _ in parts:
        pass


def test_a_long_run_takes_a_few_percent_of_its_sse_bytes_on_disk(tmp_path):
    parts = recorded_parts("resumable")
    token = next(
        p for p in parts if p.event == "events" and p.data["event"] == "on_chat_model_stream"
    )
    head = [p for p in parts if p.event != "end"]
    stream = []
    for i in range(3_000):
        data = json.loads(json.dumps(token.data))
        data["data"]["chunk"]["content"] = f" token{i}"
        stream.append(StreamPart("events", data, f"{1795527697400 + i // 3}-0"))
    raw_sse = sum(len(f"event: events\ndata: {json.dumps(p.data)}\nid: {p.id}\n\n") for p in stream)
    db = archive_engine(tmp_path)
    with archive_writer(db) as writer:
        recorder = record(writer, head + stream)
    [summary] = store.summaries(db, recorder.run.thread_id)
    assert summary.frame_count == len(stream) + sum(p.event == "events" for p in head)
    assert summary.stored_bytes <= 0.05 * raw_sse


def test_the_api_key_and_header_values_never_reach_the_archive(tmp_path):
    parts = recorded_parts("resumable")
    key, header = "lg-secret-key-123456", "team-blue"
    leaky = (
        parts[:2]
        + [
            StreamPart(
                "events",
                {**parts[2].data, "metadata": {"x-api-key": key, "team": header}},
                parts[2].id,
            )
        ]
        + parts[3:]
    )
    db = archive_engine(tmp_path)
    with archive_writer(db, secrets=(key, header)) as writer:
        recorder = record(writer, leaky)
    text = json.dumps([f.data for f in store.load(db, recorder.run.run_id).frames])
    assert key not in text and f'"{header}"' not in text
    assert REDACTED in text


def test_an_error_ending_is_kept_with_its_message(tmp_path):
    parts = recorded_parts("failing")
    db = archive_engine(tmp_path)
    with archive_writer(db) as writer:
        recorder = record(writer, parts, "error", "ValueError: boom")
    saved = store.load(db, recorder.run.run_id)
    assert (saved.status, saved.error) == ("error", "ValueError: boom")
    assert any(f.event == "error" for f in saved.frames)
    assert build_tree(saved).status == "error"


def test_retention_keeps_the_newest_runs_and_drops_old_ones(tmp_path):
    db = archive_engine(tmp_path)
    frames = [
        Frame("events", {"event": "on_chain_start", "run_id": "x", "parent_ids": []}, None, 1.0)
    ]
    for i in range(5):
        store.save(db, Recording(f"run-{i}", "t", frames=frames, status="done"))
    assert store.prune(db, keep_runs=3, keep_days=0) == 2
    assert len(store.summaries(db, "t")) == 3
    assert store.prune(db, keep_runs=0, keep_days=1, now=10**10) == 3
    assert store.summaries(db, "t") == []


def test_saving_an_imported_recording_twice_keeps_one(tmp_path):
    db = archive_engine(tmp_path)
    saved = Recording("r1", "t1", frames=[Frame("events", {}, "1-0", 0.001)], status="done")
    assert store.save(db, saved) is True
    assert store.save(db, saved) is False
    assert len(store.summaries(db, "t1")) == 1


def test_a_threads_recordings_come_oldest_first(tmp_path):
    db = archive_engine(tmp_path)
    for run_id, at in (("late", 20.0), ("early", 10.0)):
        store.save(db, Recording(run_id, "t", started_at=at, status="done"))
    assert [s.run_id for s in store.summaries(db, "t")] == ["early", "late"]


def test_the_sidebar_lists_archived_threads_most_recently_run_first(tmp_path):
    db = archive_engine(tmp_path)
    for run_id, thread_id, question, at in (
        ("a1", "old", "first question", 10.0),
        ("b1", "new", "asked first", 20.0),
        ("b2", "new", "asked later", 30.0),
    ):
        store.save(db, Recording(run_id, thread_id, "agent", question, "done", started_at=at))
    threads = store.recent_threads(db)
    assert [(t.thread_id, t.question, t.last_started_at) for t in threads] == [
        ("new", "asked first", 30.0),
        ("old", "first question", 10.0),
    ]


def test_a_resumed_run_is_recorded_with_the_answer_the_person_gave(tmp_path):
    parts = recorded_parts("resumable")
    root_start = parts[1].data
    no_input = {**root_start, "data": {"input": None}}  # command.resume: the run has no input
    db = archive_engine(tmp_path)
    with archive_writer(db) as writer:
        recorder = RunRecorder(writer, "approve")
        asyncio.run(
            _pass_through(
                recorder, [parts[0], StreamPart("events", no_input, parts[1].id), *parts[2:]]
            )
        )
        recorder.finish("done")
        assert writer.flush()
    assert store.load(db, recorder.run.run_id).question == "approve"


def test_a_signed_in_persons_recordings_are_theirs_alone(tmp_path):
    parts = recorded_parts("resumable")
    db = archive_engine(tmp_path)
    with archive_writer(db) as writer:
        recorder = RunRecorder(writer, owner="ada@example.com")
        asyncio.run(_pass_through(recorder, parts))
        recorder.finish("done")
        assert writer.flush()
    run_id, thread_id = recorder.run.run_id, recorder.run.thread_id
    assert store.load(db, run_id, "ada@example.com") is not None
    assert store.load(db, run_id, "bob@example.com") is None
    assert store.summaries(db, thread_id, "bob@example.com") == []
    assert store.recent_threads(db, "bob@example.com") == []
    assert [t.thread_id for t in store.recent_threads(db, "ada@example.com")] == [thread_id]
    assert store.load(db, run_id, None) is not None  # no sign-in: every recording is everyone's
