"""The pages the app serves before anyone is known: sign-in, and why access was refused.

Plain HTML without scripts, so they work while the websocket is closed to the browser."""

from __future__ import annotations

from html import escape

from app import testids

from .headers import style_hash

TITLE = "LangGraph run inspector"
STYLE = """
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
  font: 15px/1.5 system-ui, sans-serif; background: #f9f9fb; color: #1c2024; }
main { width: 320px; padding: 28px; background: #fff; border: 1px solid #e0e1e6;
  border-radius: 10px; box-shadow: 0 2px 10px rgba(0, 0, 0, 0.05); }
h1 { font-size: 17px; margin: 0 0 4px; }
p { margin: 0 0 16px; color: #60646c; font-size: 14px; }
label { display: block; font-size: 13px; font-weight: 600; margin: 12px 0 4px; }
input { box-sizing: border-box; width: 100%; padding: 8px 10px; font: inherit;
  border: 1px solid #cdced6; border-radius: 6px; }
button { width: 100%; margin-top: 18px; padding: 9px; font: inherit; font-weight: 600;
  color: #fff; background: #6e56cf; border: 0; border-radius: 6px; cursor: pointer; }
.error { margin: 12px 0 0; padding: 8px 10px; color: #ce2c31; background: #fff7f7;
  border: 1px solid #f4a9aa; border-radius: 6px; }
.notice { color: #18794e; }
"""
STYLE_HASH = style_hash(STYLE)
#: The pages' policy: nothing runs, nothing loads but the inline style above.
PAGE_POLICY = (
    f"default-src 'none'; style-src '{STYLE_HASH}'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'self'; base-uri 'none'"
)
SIGN_IN_PATH = "/_access/sign-in"
SIGN_OUT_PATH = "/_access/sign-out"


def sign_in_page(next_path: str = "/", name: str = "", error: str = "", notice: str = "") -> str:
    """The team-password form; ``error`` (a wrong password...) and ``notice`` (signed out)
    are shown above the button."""
    message = ""
    if error:
        message = f'<div class="error" role="alert" data-testid="{testids.SIGN_IN_ERROR}">'
        message += f"{escape(error)}</div>"
    intro = f'<p class="notice">{escape(notice)}</p>' if notice else "<p>Sign in to continue.</p>"
    return _page(
        f"""<h1>{TITLE}</h1>{intro}
<form method="post" action="{SIGN_IN_PATH}">
<input type="hidden" name="next" value="{escape(next_path)}">
<label for="name">Your name</label>
<input id="name" name="name" value="{escape(name)}" autocomplete="username" required
 maxlength="128" data-testid="{testids.SIGN_IN_NAME}">
<label for="password">Team password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required
 data-testid="{testids.SIGN_IN_PASSWORD}">
{message}
<button type="submit" data-testid="{testids.SIGN_IN_SUBMIT}">Sign in</button>
</form>"""
    )


def message_page(title: str, text: str) -> str:
    """A page that only says why (access refused, the app misconfigured)."""
    return _page(f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")


def _page(body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TITLE}</title><style>{STYLE}</style></head>
<body><main>{body}</main></body></html>
"""
