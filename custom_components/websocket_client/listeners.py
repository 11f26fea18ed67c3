"""Change listeners without arguments, added and removed in constant time."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.core import callback


class Listeners:
    """Callbacks without arguments, added and removed in constant time."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        """Start empty."""
        self._callbacks: dict[object, Callable[[], None]] = {}

    @callback
    def add(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` on every notify; returns the remover."""
        key = object()
        self._callbacks[key] = listener
        return lambda: self._callbacks.pop(key, None) and None

    def notify(self) -> None:
        """Call every listener."""
        for listener in list(self._callbacks.values()):
            listener()
