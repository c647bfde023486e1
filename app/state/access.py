"""Who is there, for the top bar and for the other states: checked again from the headers of
the tab's websocket handshake (the gate let it in), never from what an event carries."""

from __future__ import annotations

import time

import reflex as rx

from app.access import (
    ANONYMOUS,
    InvalidSession,
    NotSignedIn,
    Person,
    access_settings,
    identify,
    shared_store,
)


async def person_of(state: rx.State) -> Person:
    """The person whose tab ``state`` belongs to. Raises NotSignedIn when the tab's session
    has expired or was signed out since its websocket opened."""
    headers = state.router.headers.raw_headers
    now = time.time()
    person = identify(headers, state.router.session.client_ip, access_settings(), now)
    if person.session_id and await shared_store().session_ended(person.session_id, now):
        raise InvalidSession("signed-out session")
    return person


class AccessState(rx.State):
    """The signed-in person as the top bar shows them, and whether anyone may use the app."""

    person: str = ""
    can_sign_out: bool = False
    open_access: bool = False

    @rx.event
    async def handle_page_load(self):
        try:
            person = await person_of(self)
        except NotSignedIn:
            person = ANONYMOUS  # the page is of no use now; its next load signs in again
        mode = access_settings().mode
        self.person = person.name
        self.can_sign_out, self.open_access = mode == "password", mode == "open"
