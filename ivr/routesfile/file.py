"""The routes file's text, read as untrusted input.

Only a regular file is read (a link to one too), at most MAX_BYTES of it, within a time limit,
and it must be UTF-8; anything else is a RoutesError naming the file.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from ..core.notices import notice, pnotice
from .reader import MAX_BYTES, Problem, RoutesError, too_large

READ_LIMIT = 2.0  # seconds the whole read of a routes file may take
READ_CHUNK = 64 * 1024


def read_routes_text(path: str | Path, limit: float = READ_LIMIT) -> str:
    """A routes file's text; RoutesError if it cannot be read, is not UTF-8 or is over MAX_BYTES.

    Only a regular file is read (a link to one too, as Kubernetes mounts a ConfigMap): a FIFO,
    a device or a directory is refused, before it is opened and again after (it may have been
    swapped in between), and it is opened without blocking. At most MAX_BYTES are read, and the
    whole read may take at most `limit` seconds.
    """
    data = read_routes_bytes(path, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # TRANSLATORS: the file was saved in another encoding (e.g. Shift_JIS); reason is the decoder's.
        raise RoutesError([Problem(str(path), line, (), notice("cannot be read: not UTF-8 text (%(reason)s)",
                                                               reason=exc.reason))]) from None


def read_routes_bytes(path: str | Path, limit: float = READ_LIMIT) -> bytes:
    """A file's bytes, read as `read_routes_text` reads them (a regular file, at most MAX_BYTES,
    within `limit` seconds); RoutesError if not."""
    path = Path(path)
    deadline = time.monotonic() + limit
    try:
        _regular(path, os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise RoutesError([Problem(str(path), 1, (), _unreadable(exc))]) from None
    try:
        info = os.fstat(fd)
        _regular(path, info.st_mode)
        chunks, size = [], 0
        while size <= MAX_BYTES:
            if time.monotonic() > deadline:
                # TRANSLATORS: reading the routes file took too long (a stalled disk or network share).
                raise RoutesError([Problem(str(path), 1, (), notice("took more than %(seconds)s s to read",
                                                                    seconds=f"{limit:g}"))])
            chunk = os.read(fd, min(READ_CHUNK, MAX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise RoutesError([Problem(str(path), 1, (), _unreadable(exc))]) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_BYTES:
        raise RoutesError([Problem(str(path), 1, (), too_large(max(info.st_size, len(data))))])
    return data


_KINDS = (
    # TRANSLATORS: kinds of file the routes file must not be: a named pipe.
    (stat.S_ISFIFO, pnotice("file kind", "a FIFO")),
    # TRANSLATORS: kinds of file the routes file must not be.
    (stat.S_ISCHR, pnotice("file kind", "a character device")),
    # TRANSLATORS: kinds of file the routes file must not be.
    (stat.S_ISBLK, pnotice("file kind", "a block device")),
    # TRANSLATORS: kinds of file the routes file must not be.
    (stat.S_ISDIR, pnotice("file kind", "a directory")),
    # TRANSLATORS: kinds of file the routes file must not be.
    (stat.S_ISSOCK, pnotice("file kind", "a socket")),
)


def _unreadable(exc: OSError) -> str:
    """Why the routes file cannot be read, in the operator's words; reason is the system's."""
    if isinstance(exc, FileNotFoundError):
        # TRANSLATORS: the routes file does not exist; reason is the system's own words.
        return pnotice("no such file", "cannot be read: %(reason)s", reason=str(exc))
    if isinstance(exc, PermissionError):
        # TRANSLATORS: the routes file may not be read by this user; reason is the system's own words.
        return pnotice("not allowed", "cannot be read: %(reason)s", reason=str(exc))
    # TRANSLATORS: the routes file cannot be read for another reason, in the system's own words.
    return notice("cannot be read: %(reason)s", reason=str(exc))


def _regular(path: Path, mode: int) -> None:
    """RoutesError unless `mode` is a regular file's."""
    if not stat.S_ISREG(mode):
        # TRANSLATORS: the routes file is not a regular file either.
        kind = next((name for test, name in _KINDS if test(mode)), pnotice("file kind", "something else"))
        # TRANSLATORS: the routes file is a pipe, device or directory; kind is one of the file kinds.
        raise RoutesError([Problem(str(path), 1, (), notice(
            "is not a regular file but %(kind)s; publish routes.yaml as an ordinary file (or a link to one)",
            kind=kind))])
