"""Who a request comes from: names, session cookies and the proxy's header."""

import ipaddress

import pytest

from app.access import (
    ANONYMOUS,
    AccessSettings,
    InvalidPersonName,
    InvalidSession,
    NotSignedIn,
    identify,
    person_name,
)
from app.access.identity import client_address
from app.access.session import cookie_from_header, cookie_name, issue_session, read_session

SECRET = b"k" * 32
NOW = 1_000_000.0
PASSWORD_SETTINGS = AccessSettings(password_hash="set", session_secret=SECRET)
PROXY_SETTINGS = AccessSettings(
    identity_header="X-Forwarded-Email", trusted_proxies=(ipaddress.ip_network("10.0.0.0/24"),)
)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        pytest.param("  Alice  ", "alice", id="trimmed-lower"),
        pytest.param("Bob.Smith@Example.com", "bob.smith@example.com", id="email"),
        pytest.param("ana  maria", "ana maria", id="inner-spaces"),
    ],
)
def test_names_are_kept_trimmed_and_in_lower_case(typed, kept):
    assert person_name(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="empty"),
        pytest.param("x" * 129, id="too-long"),
        pytest.param("alice\r\nX-Admin: 1", id="header-injection"),
        pytest.param("<script>", id="markup"),
        pytest.param("José", id="non-ascii"),
    ],
)
def test_names_that_would_not_travel_safely_in_a_header_are_refused(typed):
    with pytest.raises(InvalidPersonName):
        person_name(typed)


def test_a_session_cookie_names_its_person_until_it_expires():
    session, value = issue_session("alice", SECRET, NOW, 60)
    assert read_session(value, SECRET, NOW + 59) == session
    with pytest.raises(InvalidSession, match="expired"):
        read_session(value, SECRET, NOW + 60)


def test_a_cookie_whose_payload_was_changed_is_refused():
    _, value = issue_session("alice", SECRET, NOW, 60)
    _, other = issue_session("mallory", SECRET, NOW, 60)
    version, _payload, signature = value.split(".")
    tampered = f"{version}.{other.split('.')[1]}.{signature}"
    with pytest.raises(InvalidSession, match="signature"):
        read_session(tampered, SECRET, NOW)


def test_the_session_cookie_is_found_among_other_apps_cookies():
    name = cookie_name(3000)
    header = f'theme=dark; weird="{{json}}"; {name}=v1.abc.def; other=1'
    assert cookie_from_header(header, name) == "v1.abc.def"
    assert cookie_from_header("theme=dark", name) == ""


def test_with_a_password_the_person_is_the_one_the_cookie_names():
    _, value = issue_session("alice", SECRET, NOW, 60)
    person = identify(
        {"cookie": f"{cookie_name(3000)}={value}"}, "127.0.0.1", PASSWORD_SETTINGS, NOW
    )
    assert person.name == "alice" and person.session_id
    with pytest.raises(NotSignedIn):
        identify({}, "127.0.0.1", PASSWORD_SETTINGS, NOW)


def test_behind_a_proxy_the_person_is_its_header_and_only_from_its_address():
    headers = {"x-forwarded-email": "Alice@Example.com"}
    assert identify(headers, "10.0.0.7", PROXY_SETTINGS, NOW).name == "alice@example.com"
    with pytest.raises(NotSignedIn, match="trusted proxy"):
        identify(headers, "10.0.1.7", PROXY_SETTINGS, NOW)
    with pytest.raises(NotSignedIn, match="no X-Forwarded-Email"):
        identify({}, "10.0.0.7", PROXY_SETTINGS, NOW)


def test_with_no_sign_in_configured_everybody_is_anonymous():
    assert identify({}, "127.0.0.1", AccessSettings(), NOW) == ANONYMOUS


def test_the_browsers_address_comes_from_a_trusted_proxy_or_the_connection():
    forwarded = {"x-forwarded-for": "203.0.113.9, 10.0.0.3"}
    assert client_address(forwarded, "10.0.0.7", PROXY_SETTINGS) == "10.0.0.3"
    assert client_address(forwarded, "192.0.2.1", PROXY_SETTINGS) == "192.0.2.1"
