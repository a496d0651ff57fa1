"""One measured hot spot of NiceGUI's page building, answered once per method instead of per element.

Every NiceGUI element makes three observable collections (classes, props, style), and each
asks ``helpers.expects_arguments(self._update)``, which runs ``inspect.signature`` on the same
method again: 17 % of the server's own CPU while 300 phones joined (py-spy, docs/performance.md).
The answer depends only on the method's function, so it is kept per function. Anything that is
not a bound method (lambdas, partials, callables) is asked as before.
"""

from __future__ import annotations

import types
import weakref
from collections.abc import Callable

from nicegui import helpers


def install() -> None:
    """Replace ``nicegui.helpers.expects_arguments`` by the cached version (idempotent)."""
    if getattr(helpers.expects_arguments, 'cached', False):
        return
    helpers.expects_arguments = cached_expects_arguments(helpers.expects_arguments)


def cached_expects_arguments(original: Callable[[Callable], bool]) -> Callable[[Callable], bool]:
    answers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a method's function → the answer

    def expects_arguments(func: Callable) -> bool:
        if not isinstance(func, types.MethodType):
            return original(func)
        try:
            return answers[func.__func__]
        except KeyError:
            answer = answers[func.__func__] = original(func)
            return answer
        except TypeError:  # a function that cannot be weakly referenced
            return original(func)

    expects_arguments.cached = True  # type: ignore[attr-defined]
    expects_arguments.original = original  # type: ignore[attr-defined]
    return expects_arguments
