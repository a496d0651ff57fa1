"""NiceGUI's expects_arguments, answered once per method (workshop/speedups.py)."""

import functools
import inspect

from nicegui import helpers

from workshop import speedups


class _Element:
    def update(self) -> None: ...

    def handle(self, event) -> None: ...  # noqa: ANN001


def test_the_cached_answers_are_the_originals(monkeypatch):
    calls = []
    original = helpers.expects_arguments.original if hasattr(helpers.expects_arguments, 'original') \
        else helpers.expects_arguments

    def counting(func):  # noqa: ANN001, ANN202
        calls.append(func)
        return original(func)
    cached = speedups.cached_expects_arguments(counting)
    a, b = _Element(), _Element()
    cases = [a.update, a.handle, b.update, b.handle, lambda: None, lambda e: None,  # noqa: ARG005
             functools.partial(lambda x, y: None, 1), print]
    for func in cases:
        assert cached(func) == original(func), func
    assert calls.count(a.update) == 1 and all(c is not b.update for c in calls)  # b's methods: from the cache
    assert len(calls) == 6


def test_the_app_installs_it_once(monkeypatch):
    monkeypatch.setattr(helpers, 'expects_arguments', helpers.expects_arguments)
    speedups.install()
    installed = helpers.expects_arguments
    speedups.install()
    assert helpers.expects_arguments is installed and installed.cached
    assert installed(_Element().handle) is True and installed(_Element().update) is False
    assert inspect.isfunction(installed.original)


def test_elements_still_work_with_it(monkeypatch):
    monkeypatch.setattr(helpers, 'expects_arguments', helpers.expects_arguments)
    speedups.install()
    from nicegui.observables import ObservableList
    seen = []
    items = ObservableList([], on_change=lambda: seen.append('no args'))
    items.append(1)
    holder = _Element()
    holder.update = lambda: seen.append('method')  # noqa: E731 - an instance attribute, not a bound method
    ObservableList([], on_change=holder.update).append(2)
    assert seen == ['no args', 'method']
