"""What the library raises: every message says what went wrong and names the file."""

from __future__ import annotations


class LibraryError(Exception):
    """The library cannot be opened or written; the message says why and names the file."""


class LibraryInUse(LibraryError):
    """Another process (a running server) holds the library for writing."""


class NotFound(LibraryError):
    pass


class Inconsistent(Exception):
    """What a reader saw was mid-change (a server rotated its journal); read again."""
