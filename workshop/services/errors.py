"""Errors a service raises for the user: a message id for the catalogue plus parameters."""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:  # noqa: N802  # marks a message for extraction; translated where shown
    return message


class ServiceError(Exception):
    """A refusal the user should read. ``message`` is an English catalogue msgid."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params


class NotFound(ServiceError):
    pass


class Forbidden(ServiceError):
    pass


class Invalid(ServiceError):
    pass
