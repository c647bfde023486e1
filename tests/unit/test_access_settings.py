"""Access settings, origins and the team password: what the app accepts and refuses at start."""

import os
import subprocess
import sys

import pytest

from app.access import AccessSettingsError, launch_environment, load_access_settings
from app.access.origins import is_own_origin, normalize_origin, own_origins
from app.access.password import hash_password, verify_password
from app.embedded_server import REPO_ROOT

PASSWORD = "correct horse battery"
HASH = hash_password(PASSWORD)
SECRET = "s" * 32


def test_on_loopback_with_no_settings_the_app_is_local_and_answers_both_loopback_names():
    settings = load_access_settings({})
    assert settings.mode == "local"
    assert settings.origins == {"http://127.0.0.1:3000", "http://localhost:3000"}


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "inspector.lan"])
def test_an_exposed_host_with_nobody_named_refuses_to_start_and_says_how_to_fix_it(host):
    with pytest.raises(AccessSettingsError) as caught:
        load_access_settings({"HOST": host})
    message = str(caught.value)
    for fix in (
        "INSPECTOR_PASSWORD_HASH",
        "INSPECTOR_IDENTITY_HEADER",
        "INSPECTOR_ALLOW_ANONYMOUS",
    ):
        assert fix in message
    assert "app.access.password" in message


def test_anonymous_access_must_be_allowed_explicitly_and_is_then_open():
    settings = load_access_settings({"HOST": "0.0.0.0", "INSPECTOR_ALLOW_ANONYMOUS": "true"})
    assert settings.mode == "open"
    assert "http://127.0.0.1:3000" in settings.origins


def test_allowing_anonymous_access_on_loopback_too_makes_it_open_and_so_shown():
    assert load_access_settings({"INSPECTOR_ALLOW_ANONYMOUS": "true"}).mode == "open"


def test_the_launcher_refuses_an_exposed_app_nobody_guards_before_starting_anything():
    environ = {**os.environ, "HOST": "0.0.0.0", "PORT": "1"}
    for name in (
        "INSPECTOR_PASSWORD_HASH",
        "INSPECTOR_IDENTITY_HEADER",
        "INSPECTOR_ALLOW_ANONYMOUS",
    ):
        environ.pop(name, None)
    launcher = subprocess.run(
        [sys.executable, "-m", "app.launcher"],
        check=False,
        cwd=REPO_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert launcher.returncode == 2
    assert "The app does not start: HOST=0.0.0.0" in launcher.stderr
    assert "INSPECTOR_PASSWORD_HASH" in launcher.stderr
    assert "Demo LangGraph server" not in launcher.stdout


def test_a_password_hash_and_a_secret_make_password_mode():
    environ = {"HOST": "0.0.0.0", "INSPECTOR_PASSWORD_HASH": HASH}
    environ["INSPECTOR_SESSION_SECRET"] = SECRET
    settings = load_access_settings(environ)
    assert settings.mode == "password"
    assert HASH not in repr(settings) and SECRET not in repr(settings)


def test_the_launcher_makes_a_session_secret_per_start_and_gives_reflex_the_origins():
    environ = {"INSPECTOR_PASSWORD_HASH": HASH, "INSPECTOR_ORIGINS": "https://lg.example.com"}
    added = launch_environment(environ)
    assert len(added["INSPECTOR_SESSION_SECRET"]) >= 32
    assert (
        launch_environment(environ)["INSPECTOR_SESSION_SECRET"] != added["INSPECTOR_SESSION_SECRET"]
    )
    assert added["REFLEX_CORS_ALLOWED_ORIGINS"].split(",") == [
        "http://127.0.0.1:3000",
        "http://localhost:3000",
        "https://lg.example.com",
    ]


def test_the_identity_header_is_believed_only_from_the_listed_proxies():
    settings = load_access_settings(
        {
            "HOST": "0.0.0.0",
            "INSPECTOR_IDENTITY_HEADER": "X-Forwarded-Email",
            "INSPECTOR_TRUSTED_PROXIES": "10.0.0.5, 172.16.0.0/12",
        }
    )
    assert settings.mode == "proxy"
    assert settings.is_trusted_proxy("10.0.0.5")
    assert settings.is_trusted_proxy("172.20.1.1")
    assert not settings.is_trusted_proxy("10.0.0.6")
    assert not settings.is_trusted_proxy("not-an-address")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param(
            {"INSPECTOR_IDENTITY_HEADER": "X-Forwarded-Email"},
            "INSPECTOR_TRUSTED_PROXIES",
            id="header-without-proxies",
        ),
        pytest.param(
            {"INSPECTOR_PASSWORD_HASH": HASH, "INSPECTOR_IDENTITY_HEADER": "X-Email"},
            "not both",
            id="both-ways",
        ),
        pytest.param(
            {"INSPECTOR_PASSWORD_HASH": PASSWORD, "INSPECTOR_SESSION_SECRET": SECRET},
            "not a password hash",
            id="plain-password",
        ),
        pytest.param(
            {"INSPECTOR_PASSWORD_HASH": HASH, "INSPECTOR_SESSION_SECRET": "short"},
            "INSPECTOR_SESSION_SECRET",
            id="short-secret",
        ),
        pytest.param(
            {"INSPECTOR_ORIGINS": "inspector.example.com"}, "not an origin", id="no-scheme"
        ),
        pytest.param({"INSPECTOR_ORIGINS": "https://x.example/app"}, "not an origin", id="a-path"),
        pytest.param({"INSPECTOR_MAX_RUNS_PER_PERSON": "0"}, "at least 1", id="zero-runs"),
        pytest.param({"INSPECTOR_ALLOW_ANONYMOUS": "maybe"}, "true or false", id="odd-flag"),
        pytest.param(
            {"INSPECTOR_IDENTITY_HEADER": "X-Email", "INSPECTOR_TRUSTED_PROXIES": "proxy.lan"},
            "addresses or networks",
            id="proxy-by-name",
        ),
    ],
)
def test_unusable_access_settings_raise_a_readable_error(environ, message):
    with pytest.raises(AccessSettingsError, match=message):
        load_access_settings(environ)


@pytest.mark.parametrize(
    ("origin", "own"),
    [
        pytest.param("http://127.0.0.1:3000", True, id="same"),
        pytest.param("http://localhost:3000", True, id="localhost-alike"),
        pytest.param("HTTP://LOCALHOST:3000/", True, id="case-and-slash"),
        pytest.param("http://127.0.0.1:3001", False, id="other-port"),
        pytest.param("https://127.0.0.1:3000", False, id="other-scheme"),
        pytest.param("http://127.0.0.1.evil.example:3000", False, id="lookalike"),
        pytest.param("null", False, id="null"),
        pytest.param("", False, id="missing"),
        pytest.param(None, False, id="none"),
    ],
)
def test_only_the_apps_own_origins_are_its_own(origin, own):
    assert is_own_origin(origin, own_origins("127.0.0.1", 3000)) is own


def test_listed_origins_drop_default_ports_and_loopback_ones_get_their_alias():
    origins = own_origins("10.1.2.3", 8000, ["https://lg.example.com:443", "http://localhost:9000"])
    assert origins == {
        "http://10.1.2.3:8000",
        "https://lg.example.com",
        "http://localhost:9000",
        "http://127.0.0.1:9000",
    }
    assert normalize_origin("http://[::1]:80") == "http://[::1]"


def test_the_password_is_kept_as_a_salted_hash_that_only_it_matches():
    assert PASSWORD not in HASH
    assert hash_password(PASSWORD) != HASH  # a new salt each time
    assert verify_password(PASSWORD, HASH)
    assert not verify_password(PASSWORD + " ", HASH)
    assert not verify_password("", HASH)
