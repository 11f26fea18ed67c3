"""The one base of every error about input that cannot be used."""

from __future__ import annotations


class InvalidInputError(ValueError):
    """Input that cannot be used; `reason` names what is wrong (a translation key).

    `placeholders` fill in the translated text. The socket layer only names
    the problem; the layers above translate it.
    """

    def __init__(self, reason: str, **placeholders: str) -> None:
        """Remember which problem it is, and its details."""
        super().__init__(reason)
        self.reason = reason
        self.placeholders = placeholders
