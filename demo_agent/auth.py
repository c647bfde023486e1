"""Custom auth for the demo server, as a gateway-fronted production deployment would check it.

Enabled by ``python -m demo_agent.serve --api-key KEY [--require-header NAME=VALUE]``: every
request must carry ``x-api-key: KEY`` (and the header, when one is required).
"""

import os

from langgraph_sdk import Auth

API_KEY_ENV = "DEMO_REQUIRED_API_KEY"
HEADER_ENV = "DEMO_REQUIRED_HEADER"  # "name=value"

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
    return "demo-user"
