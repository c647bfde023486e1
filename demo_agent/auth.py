"""Custom auth for the demo server, as a gateway-fronted production deployment would check it.

Enabled by ``python -m demo_agent.serve --api-key KEY [--require-header NAME=VALUE]
[--user-header NAME]``: every request must carry ``x-api-key: KEY`` (and the header, when one
is required). With ``--user-header``, the request must also name its person in that header
(the inspector sends it, ``LANGGRAPH_USER_HEADER``), threads are stamped with their owner, and
each person reads, lists and runs only their own: another's thread is "not found".
"""

import os

from langgraph_sdk import Auth

API_KEY_ENV = "DEMO_REQUIRED_API_KEY"
HEADER_ENV = "DEMO_REQUIRED_HEADER"  # "name=value"
USER_HEADER_ENV = "DEMO_USER_HEADER"  # the header that names the person
ANONYMOUS_IDENTITY = "demo-user"

auth = Auth()


@auth.authenticate
async def authenticate(headers: dict[bytes, bytes]) -> str:
    if headers.get(b"x-api-key", b"").decode() != os.environ[API_KEY_ENV]:
        raise Auth.exceptions.HTTPException(status_code=401, detail="Missing or wrong API key")
    name, _, value = os.environ.get(HEADER_ENV, "").partition("=")
    if name and headers.get(name.lower().encode(), b"").decode() != value:
        raise Auth.exceptions.HTTPException(
            status_code=403, detail=f"The gateway requires the {name} header"
        )
    user_header = os.environ.get(USER_HEADER_ENV, "")
    if not user_header:
        return ANONYMOUS_IDENTITY
    person = headers.get(user_header.lower().encode(), b"").decode()
    if not person:
        raise Auth.exceptions.HTTPException(
            status_code=401, detail=f"The {user_header} header must name the person"
        )
    return person


@auth.on.threads
async def owner_only(ctx: Auth.types.AuthContext, value: dict) -> dict[str, str] | None:
    """With a user header: stamp new threads (and runs) with their owner, and let each person
    see only threads they own."""
    if not os.environ.get(USER_HEADER_ENV):
        return None
    owner = {"owner": ctx.user.identity}
    value.setdefault("metadata", {}).update(owner)
    return owner
