"""Configuration from the environment."""

import pytest

from app.settings import ArchiveSettings, SettingsError, load_archive_settings, load_settings


def test_defaults_need_only_the_api_url():
    settings = load_settings({"LANGGRAPH_API_URL": "http://127.0.0.1:2024"})
    assert settings.api_url == "http://127.0.0.1:2024"
    assert settings.assistant_id == "agent"
    assert settings.api_key is None
    assert settings.headers == {}


def test_the_langgraph_key_wins_over_the_langsmith_key_and_never_shows_in_repr():
    settings = load_settings(
        {
            "LANGGRAPH_API_URL": "http://lg",
            "LANGGRAPH_API_KEY": "lg-secret",
            "LANGSMITH_API_KEY": "ls-secret",
            "LANGGRAPH_ASSISTANT_ID": "my_graph",
        }
    )
    assert settings.api_key == "lg-secret"
    assert settings.assistant_id == "my_graph"
    assert "secret" not in repr(settings)


def test_the_langsmith_key_is_used_when_it_is_the_only_one():
    settings = load_settings({"LANGGRAPH_API_URL": "http://lg", "LANGSMITH_API_KEY": "ls-secret"})
    assert settings.api_key == "ls-secret"


def test_extra_headers_come_from_a_json_object():
    settings = load_settings(
        {"LANGGRAPH_API_URL": "http://lg", "LANGGRAPH_HEADERS": '{"X-Gateway": "team-a"}'}
    )
    assert settings.headers == {"X-Gateway": "team-a"}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param({}, "LANGGRAPH_API_URL is not set", id="no-url"),
        pytest.param(
            {"LANGGRAPH_API_URL": "http://lg", "LANGGRAPH_HEADERS": "{nope"},
            "not a JSON object",
            id="bad-json",
        ),
        pytest.param(
            {"LANGGRAPH_API_URL": "http://lg", "LANGGRAPH_HEADERS": '["x"]'},
            "must be a JSON object",
            id="not-an-object",
        ),
    ],
)
def test_unusable_settings_raise_a_readable_error(environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(environ)


def test_the_archive_records_and_keeps_a_thousand_runs_for_thirty_days_by_default():
    assert load_archive_settings({}) == ArchiveSettings(record=True, keep_runs=1000, keep_days=30)


def test_archive_retention_and_recording_come_from_the_environment():
    environ = {"ARCHIVE_RECORD": "false", "ARCHIVE_KEEP_RUNS": "50", "ARCHIVE_KEEP_DAYS": "0"}
    assert load_archive_settings(environ) == ArchiveSettings(False, 50, 0)


@pytest.mark.parametrize("environ", [{"ARCHIVE_KEEP_RUNS": "many"}, {"ARCHIVE_KEEP_DAYS": "-1"}])
def test_unusable_archive_retention_is_refused(environ):
    with pytest.raises(SettingsError, match="ARCHIVE_KEEP"):
        load_archive_settings(environ)
