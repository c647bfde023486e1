"""The team password, kept only as a salted scrypt hash.

``python -m app.access.password`` asks for a password twice and prints the hash to put in
``INSPECTOR_PASSWORD_HASH``.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import secrets
import sys

from .errors import PasswordHashError

SCHEME = "scrypt"
# About 50 ms and 16 MB per check on a laptop core: slow for guessing, fine for signing in.
N, R, P = 2**14, 8, 1
KEY_BYTES = 32
MIN_LENGTH = 12


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) for ``password``, with a random salt by default."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = _scrypt(password, salt, N, R, P)
    return "$".join([SCHEME, str(N), str(R), str(P), _b64(salt), _b64(digest)])


def check_hash(encoded: str) -> None:
    """Raise PasswordHashError unless ``encoded`` is a hash :func:`hash_password` makes."""
    _parse(encoded)


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` is the one ``encoded`` was made from (constant-time compare)."""
    n, r, p, salt, digest = _parse(encoded)
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), digest)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES)


def _parse(encoded: str) -> tuple[int, int, int, bytes, bytes]:
    parts = encoded.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise PasswordHashError(
            "INSPECTOR_PASSWORD_HASH is not a password hash: make one with "
            "`.venv/bin/python -m app.access.password`"
        )
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt, digest = base64.b64decode(parts[4]), base64.b64decode(parts[5])
    except ValueError as exc:
        raise PasswordHashError(f"INSPECTOR_PASSWORD_HASH is malformed: {exc}") from exc
    if (n, r, p) != (N, R, P) or len(digest) != KEY_BYTES:
        raise PasswordHashError(
            "INSPECTOR_PASSWORD_HASH was made with other parameters: make it again with "
            "`.venv/bin/python -m app.access.password`"
        )
    return n, r, p, salt, digest


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def main() -> int:
    """Ask for the team password twice and print its hash."""
    password = getpass.getpass("Team password: ")
    if len(password) < MIN_LENGTH:
        print(f"Use at least {MIN_LENGTH} characters.", file=sys.stderr)
        return 1
    if getpass.getpass("Again: ") != password:
        print("The two passwords differ.", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
