"""Join codes and link secrets."""

from __future__ import annotations

import secrets

# no 0/O, 1/I/L: a code read from a projector is typed without mistakes
JOIN_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return ''.join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(typed: str) -> str:
    """What a person typed ('abc 123', 'abc-123') as a stored code would be."""
    return ''.join(c for c in typed.upper() if c.isalnum())


def new_secret() -> str:
    """128 bits from the OS's secure random source, URL-safe."""
    return secrets.token_urlsafe(16)
