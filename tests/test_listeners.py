"""Change listeners: every one called on notify, each removable, in any order."""

from __future__ import annotations

from collections.abc import Callable

from custom_components.websocket_client.listeners import Listeners


def test_every_listener_hears_every_notify_in_the_order_added() -> None:
    """Added twice, called twice; the order is the order of adding."""
    listeners = Listeners()
    heard: list[str] = []

    def first() -> None:
        heard.append("first")

    listeners.add(first)
    listeners.add(lambda: heard.append("second"))
    listeners.add(first)
    listeners.notify()
    listeners.notify()
    assert heard == ["first", "second", "first"] * 2


def test_a_removed_listener_hears_nothing_more() -> None:
    """The remover removes exactly the listener it was given for; twice is harmless."""
    listeners = Listeners()
    heard: list[str] = []

    def hear(name: str) -> Callable[[], None]:
        return lambda: heard.append(name)

    remove_a = listeners.add(hear("a"))
    listeners.add(hear("b"))
    assert remove_a() is None
    remove_a()
    listeners.notify()
    assert heard == ["b"]


def test_listeners_may_come_and_go_while_being_notified() -> None:
    """A notify calls those present when it began, even if one removes another."""
    listeners = Listeners()
    heard: list[str] = []
    removers: list[Callable[[], None]] = []

    def leave_and_remove_the_next() -> None:
        heard.append("leaving")
        for remove in removers:
            remove()
        listeners.add(lambda: heard.append("late"))

    removers.append(listeners.add(leave_and_remove_the_next))
    removers.append(listeners.add(lambda: heard.append("removed meanwhile")))
    listeners.notify()
    assert heard == ["leaving", "removed meanwhile"]
    heard.clear()
    listeners.notify()
    assert heard == ["late"]
