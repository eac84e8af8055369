"""What every ``papershelf`` command shares: the one-line error type, where the library lives
(``--data``, ``PAPERSHELF_DATA``, the platform's data directory), opening it, and checking
numbers from the command line and the environment."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DEFAULT_PORT = 27182


class CliError(Exception):
    pass


class LibraryBusy(CliError):
    """Another process (a running server) holds the library."""


def default_data_dir() -> Path:
    """``--data`` beats ``PAPERSHELF_DATA`` beats the platform's user data directory."""
    if os.environ.get("PAPERSHELF_DATA"):
        return Path(os.environ["PAPERSHELF_DATA"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("papershelf", appauthor=False))


def library_dir(args) -> Path:
    data = Path(args.data).expanduser() if args.data else default_data_dir()
    if data.exists() and not data.is_dir():
        raise CliError(f"{data}: is a file, not a directory (--data and PAPERSHELF_DATA name the library's directory)")
    return data


def open_library(args, *, read_only: bool = False):
    from .store import COMPACT_JOURNAL_BYTES, Library, LibraryError, LibraryInUse

    data = library_dir(args)
    if read_only and not (data / "library.json").exists() and not (data / "library.journal").exists():
        raise CliError(f"{data}: no library here yet (start one with `papershelf serve` or `papershelf import`)")
    # PAPERSHELF_COMPACT_BYTES: journal size that triggers a snapshot (tests make it small).
    compact = env_int("PAPERSHELF_COMPACT_BYTES", COMPACT_JOURNAL_BYTES, 1, 2**40)
    try:
        return Library(data, read_only=read_only, compact_bytes=compact)
    except LibraryInUse as exc:
        raise LibraryBusy(str(exc)) from None
    except LibraryError as exc:
        raise CliError(str(exc)) from None


def env_int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise CliError(f"{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise CliError(f"{name}={value} is out of range ({low}-{high})")
    return value


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535)")
    return port
