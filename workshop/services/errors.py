"""Errors a service raises for the user: a message id for the catalogue plus parameters."""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:  # marks a message for extraction; translated where shown
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:  # a message with a count {n}
    return singular, plural


class ServiceError(Exception):
    """A refusal the user should read. ``message`` is an English catalogue msgid, or a pair
    (singular, plural) from ``NP_`` whose form is chosen by the parameter ``n``."""

    def __init__(self, message: str | tuple[str, str], **params: Any) -> None:
        singular, plural = message if isinstance(message, tuple) else (message, None)
        english = plural if plural is not None and params.get('n') != 1 else singular
        super().__init__(english.format(**params) if params else english)
        self.message = singular
        self.plural = plural
        self.params = params


class NotFound(ServiceError):
    pass


class Forbidden(ServiceError):
    pass


class Invalid(ServiceError):
    pass
