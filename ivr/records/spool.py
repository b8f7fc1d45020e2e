"""A small append-only spool of queued records, so a worker that dies loses none of them.

Every record a worker queues is also appended, as one JSON line, to a segment file of its own
(`<pid>-<n>-<random>.spool`) that it holds locked (flock) while it lives, locked before it
appears under that name (it is made as `.<name>.new`). A segment whose records are all written
is deleted. A segment nobody holds — its worker was killed, or left with
records the database would not take — is claimed by another or the next worker, which writes
its records again: steps carry an id, so a step already written is not written twice.

Lines reach the kernel at once, whole: one write(2) each, and a write the disk cut short (it
filled up mid-line) is taken back (ftruncate to the last whole line), so a line is never
followed by another in the same row. A killed process loses nothing it spooled; the writer
syncs the spool to disk at most a second after a line (`sync`), so a machine that loses power
may lose the last second of lines.

A record the spool cannot take (the disk is full) is held in memory only; each worker keeps,
in a small file of its own made while there was room (`<pid>-<random>.held`), how many it holds
so, and a worker that claims the file of one that was killed counts them as lost.

Everything in the directory is read as hostile: a `*.spool` that is not a regular file (a FIFO,
a directory, a link) is opened without blocking, never read, set aside as `*.refused` and
counted; a line that is not a record is counted and logged with what it held; neither stops
the records around it from being written.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import re
import stat
import time
from dataclasses import MISSING, dataclass, fields
from datetime import datetime
from pathlib import Path

from ..core.events import CALL_SID
from .faults import spool_fault
from .summary import CallEnd, StepRecord

log = logging.getLogger("ivr.records")
SEGMENT_RECORDS = 2_000
SUFFIX = ".spool"
HELD_SUFFIX = ".held"
REFUSED_SUFFIX = ".refused"
MAKING_SUFFIX = ".new"  # a file being made, not yet locked (`.<name>.new`)
MAKING_STALE = 60.0  # seconds after which such a file was left by a worker killed making it
# Far more than SEGMENT_RECORDS lines of any record: a bigger file is not a spool segment.
MOST_SEGMENT_BYTES = 32 << 20
SHOWN_BYTES = 200  # of a line that is not a record, logged with what it held
CALL_IN_LINE = re.compile(rb'"call_sid":"(CA[0-9a-fA-F]{32})"')
LINE_START = b'{"call_sid":'  # every line begins so (encode): where a record after a torn one starts
_HELD_FORMAT = b"%020d\n"

_KINDS = {"step": StepRecord, "end": CallEnd}
_FIELDS = {kind: tuple(f.name for f in fields(kind)) for kind in (StepRecord, CallEnd)}
_JSON_TYPES = {"str": str, "int": int, "bool": bool, "None": type(None), "datetime": str}
# Each field's JSON types, and whether the line must have it.
_SHAPES = {kind: {f.name: (tuple(_JSON_TYPES[t.strip()] for t in str(f.type).split("|")),
                           f.default is MISSING) for f in fields(kind)} for kind in (StepRecord, CallEnd)}
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode(item: StepRecord | CallEnd) -> bytes:
    """One record as one line."""
    values = {name: getattr(item, name) for name in _FIELDS[type(item)]}
    values["at"] = item.at.isoformat()
    values["type"] = "end" if isinstance(item, CallEnd) else "step"
    return (_ENCODER.encode(values) + "\n").encode("utf-8")


def decode(line: bytes) -> StepRecord | CallEnd:
    """A record from its line; ValueError saying why if the line is not one.

    Every field is checked against the record's own types, so a line that is JSON but no
    record (`"x"`, `null`, `1`, a field of the wrong type) never reaches the database.
    """
    try:
        values = json.loads(line)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
        raise ValueError(f"not JSON: {error}") from None
    if not isinstance(values, dict):
        raise ValueError(f"a JSON {_json_type(values)}, not a record")
    kind = values.pop("type", None)
    kind = _KINDS.get(kind) if isinstance(kind, str) else None
    if kind is None:
        raise ValueError("no record type")
    shape = _SHAPES[kind]
    unknown = sorted(set(values) - set(shape))
    if unknown:
        raise ValueError(f"unknown field {unknown[0][:40]!r}")
    for name, (types, required) in shape.items():
        if name not in values:
            if required:
                raise ValueError(f"no {name}")
        elif type(values[name]) not in types:
            raise ValueError(f"{name} is a JSON {_json_type(values[name])}")
    if not CALL_SID.fullmatch(values["call_sid"]):
        raise ValueError("call_sid is not a CallSid")
    values["at"] = datetime.fromisoformat(values["at"])  # ValueError if it is not a time
    return kind(**values)


def _json_type(value) -> str:
    return {str: "string", int: "number", float: "number", bool: "true or false", list: "array",
            dict: "object", type(None): "null"}.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class Loss:
    """Records a claimed spool could not give back: counted under `reason`, logged as `message`."""

    reason: str  # spool_torn, spool_bad_line, spool_bad_file, unspooled
    message: str
    count: int = 1


class Segment:
    """One spool file: records appended, records written, and whether more may be added."""

    def __init__(self, path: Path, fd: int, count: int = 0, closed: bool = False):
        self.path = path
        self.fd = fd
        self.count = count
        self.written = 0
        self.size = 0  # bytes of whole lines appended (this process's own segments)
        self.closed = closed  # no more records will be appended

    def finish_if_written(self) -> bool:
        """Delete the file once it is closed and every record in it is written."""
        if self.closed and self.written >= self.count and self.fd >= 0:
            try:
                os.unlink(self.path)  # before unlocking: nobody can claim it in between
            except FileNotFoundError:
                pass
            os.close(self.fd)
            self.fd = -1
            return True
        return False

    def release(self) -> None:
        """Close the file, leaving it (and its lock free) for another worker."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class Spool:
    """This process's spool segments in `directory`, and the claiming of orphaned ones."""

    def __init__(self, directory: str | os.PathLike, segment_records: int = SEGMENT_RECORDS):
        self.directory = Path(directory)
        self.segment_records = segment_records
        self.current: Segment | None = None
        self._made = 0
        self.error: str | None = None
        self._dirty: dict[int, Segment] = {}  # appended to since the last sync
        self._new_files = False  # a file made since the last sync: the directory too
        self._held_fd = -1
        self._held_path: Path | None = None
        self._held = 0
        self._refused: set[str] = set()  # set aside already, or could not be: counted once

    # -- this process's own segments --------------------------------------------------------

    def append(self, item: StepRecord | CallEnd) -> Segment | None:
        """Write the record's line to the current segment; None if the spool cannot be written."""
        try:
            line = encode(item)
        except (TypeError, ValueError) as error:  # a field JSON cannot carry: keep it in memory
            log.error("record for %s cannot be spooled (%s): kept in memory only", item.call_sid, error)
            return None
        try:
            segment = self.current
            if segment is None or segment.closed:
                segment = self.current = self._new_segment()
            _append_line(segment, line)
        except OSError as error:
            if self.error is None:
                log.error("record spool %s cannot be written (%s): records are only kept in "
                          "memory until it can", self.directory, error)
            self.error = spool_fault(error)  # what /healthz shows; the log has the path and the error
            return None
        if self.error is not None:
            log.warning("record spool %s can be written again", self.directory)
        self.error = None
        segment.count += 1
        self._dirty[id(segment)] = segment
        if segment.count >= self.segment_records:
            segment.closed = True
        return segment

    def _new_segment(self) -> Segment:
        self.directory.mkdir(exist_ok=True)
        self._made += 1
        name = f"{os.getpid()}-{self._made}-{os.urandom(4).hex()}{SUFFIX}"
        path, fd = self._new_locked(name, os.O_WRONLY | os.O_APPEND)
        self._new_files = True
        if self._held_fd < 0:
            self._make_held()
        return Segment(path, fd)

    def _new_locked(self, name: str, flags: int, content: bytes = b"") -> tuple[Path, int]:
        """A new file `name` in the directory, holding `content`, locked (flock) before it is
        seen under that name: made as `.<name>.new` and renamed once locked, so that a worker
        looking for files no live worker holds never claims it in between (it would find it
        empty and delete it, and what is written to it after would go with it)."""
        making = self.directory / f".{name}{MAKING_SUFFIX}"
        fd = os.open(making, flags | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if content and os.write(fd, content) != len(content):
                raise OSError(errno.ENOSPC, "short write")
            os.rename(making, self.directory / name)
        except BaseException:
            os.close(fd)
            with_suppressed(os.unlink, making)
            raise
        return self.directory / name, fd

    def _make_held(self) -> None:
        """The file that says how many records this process holds in memory only, made while
        there is room for it: later it is only overwritten in place, which needs none."""
        name = f"{os.getpid()}-{os.urandom(4).hex()}{HELD_SUFFIX}"
        try:
            path, fd = self._new_locked(name, os.O_RDWR, _HELD_FORMAT % self._held)
        except OSError as error:
            log.warning("record spool %s: no count of the records held in memory can be kept (%s)",
                        self.directory, error)
            return
        self._held_fd, self._held_path = fd, path

    def hold(self, count: int) -> None:
        """Note how many queued records are held in memory only (the spool could not take them)."""
        if count == self._held or self._held_fd < 0:
            self._held = count
            return
        try:
            os.pwrite(self._held_fd, _HELD_FORMAT % count, 0)
        except OSError as error:
            log.error("record spool %s: the count of records held in memory could not be kept (%s)",
                      self.directory, error)
            return
        self._held = count

    def close_current(self) -> Segment | None:
        """Append no more to the current segment (it goes once written); that segment."""
        segment, self.current = self.current, None
        if segment is not None:
            segment.closed = True
        return segment

    def close(self, left: list[Segment]) -> None:
        """At a clean exit: the current segment goes once its records are written; `left`, the
        segments with records not yet written, are synced and unlocked for the next worker; the
        count of records held in memory goes (the writer counted them)."""
        current = self.close_current()
        if current is not None:
            current.finish_if_written()
        self.take_dirty()
        self.sync(left, bool(left))
        for segment in left:
            segment.release()
        if self._held_fd >= 0:
            with_suppressed(os.unlink, self._held_path)
            os.close(self._held_fd)
            self._held_fd = -1

    def take_dirty(self) -> tuple[list[Segment], bool]:
        """The segments appended to since the last call, and whether a file was made meanwhile."""
        dirty, self._dirty = list(self._dirty.values()), {}
        new_files, self._new_files = self._new_files, False
        return dirty, new_files

    def sync(self, dirty: list[Segment], new_files: bool) -> None:
        """Put what was appended on the disk itself (fdatasync), and new files' names (fsync of the
        directory). A segment deleted meanwhile is skipped."""
        for segment in dirty:
            fd = segment.fd
            if fd >= 0:
                try:
                    os.fdatasync(fd)
                except OSError as error:
                    if error.errno != errno.EBADF:  # closed meanwhile: written and deleted
                        log.warning("record spool %s could not be synced: %s", segment.path.name, error)
        if new_files:
            try:
                directory = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
                try:
                    os.fsync(directory)
                finally:
                    os.close(directory)
            except OSError as error:
                log.warning("record spool %s could not be synced: %s", self.directory, error)

    # -- orphans: what workers that are gone left behind ---------------------------------------

    def claim_orphans(self, limit: int) -> tuple[list[tuple[Segment, list]], list[Loss]]:
        """Segments no live worker holds, locked for this one, with their records (up to about
        `limit` records); and what they, and the counts of workers that are gone, say was lost.

        No file stops the others: each is opened without blocking, only if it is a regular file,
        and whatever it holds that is not a record is counted and logged.
        """
        claimed: list[tuple[Segment, list]] = []
        losses: list[Loss] = []
        try:
            held = sorted(self.directory.glob("*" + HELD_SUFFIX))
            paths = sorted(self.directory.glob("*" + SUFFIX))
            making = sorted(self.directory.glob(".*" + MAKING_SUFFIX))
        except OSError:
            return claimed, losses
        for path in held:
            if path != self._held_path:
                losses.extend(self._claim_held(path))
        for path in making:  # left by a worker killed while it made it: it holds no record
            try:
                if time.time() - os.stat(path, follow_symlinks=False).st_mtime < MAKING_STALE:
                    continue  # perhaps being made this moment, not yet locked
            except OSError:
                continue
            fd, lost = self._open_orphan(path)
            losses.extend(lost)
            if fd >= 0:
                with_suppressed(os.unlink, path)
                os.close(fd)
        total = 0
        for path in paths:
            if total >= limit:
                break
            try:
                segment, records, lost = self._claim(path)
            except Exception as error:  # noqa: BLE001 — one file never stops the others
                log.error("record spool %s could not be read: %s", path.name, error)
                continue
            losses.extend(lost)
            if segment is not None:
                claimed.append((segment, records))
                total += len(records)
        return claimed, losses

    def _open_orphan(self, path: Path) -> tuple[int, list[Loss]]:
        """(fd, []) of a regular file no live worker holds, locked for this one; (-1, losses) if
        there is none to claim: gone, held, or not a regular file (then set aside and counted)."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            return -1, []
        except OSError as error:  # a link (ELOOP), a socket (ENXIO), no permission, …
            return -1, self._refuse(path, f"cannot be opened ({error.strerror})")
        try:
            found = os.fstat(fd)
            if not stat.S_ISREG(found.st_mode):
                os.close(fd)
                return -1, self._refuse(path, f"is not a regular file ({_file_kind(found.st_mode)})")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.stat(path, follow_symlinks=False).st_ino != found.st_ino:
                    raise FileNotFoundError(path)  # written and deleted, or replaced, meanwhile
            except OSError:
                os.close(fd)
                return -1, []
            if found.st_size > MOST_SEGMENT_BYTES:
                os.close(fd)
                return -1, self._refuse(path, f"is too big for a spool file ({found.st_size} bytes)")
        except BaseException:
            with_suppressed(os.close, fd)
            raise
        return fd, []

    def _claim(self, path: Path) -> tuple[Segment | None, list, list[Loss]]:
        fd, losses = self._open_orphan(path)
        if fd < 0:
            return None, [], losses
        try:
            records, losses = _read(fd, path)
        except BaseException:
            os.close(fd)
            raise
        return Segment(path, fd, count=len(records), closed=True), records, losses

    def _claim_held(self, path: Path) -> list[Loss]:
        """The count of records a worker that is gone held in memory only: lost with it."""
        fd, losses = self._open_orphan(path)
        if fd < 0:
            return losses
        try:
            text = os.pread(fd, 64, 0)
            with_suppressed(os.unlink, path)
        finally:
            os.close(fd)
        try:
            count = int(text)
        except ValueError:
            return [Loss("spool_bad_file", f"record spool {path.name} is not a count of records "
                                           f"held in memory: {text[:SHOWN_BYTES]!r}")]
        if count <= 0:
            return []
        return [Loss("unspooled", f"{count} records lost: a worker that is gone held them in memory "
                                  f"only, as its spool could not be written ({path.name})", count)]

    def _refuse(self, path: Path, why: str) -> list[Loss]:
        """Set a `*.spool` that is no spool file aside (`*.refused`), so it is counted once."""
        aside = path.with_name(path.name + REFUSED_SUFFIX)
        try:
            os.rename(path, aside)
        except FileNotFoundError:
            return []  # another worker set it aside, and counted it
        except OSError as error:
            if path.name in self._refused:
                return []
            self._refused.add(path.name)
            return [Loss("spool_bad_file", f"record spool {path.name} {why}; it cannot be set aside "
                                           f"({error.strerror}) and is left where it is")]
        return [Loss("spool_bad_file", f"record spool {path.name} {why}: set aside as {aside.name}")]


def _append_line(segment: Segment, line: bytes) -> None:
    """Append one whole line, or nothing: a write the disk cut short is taken back."""
    written = os.write(segment.fd, line)
    if written == len(line):
        segment.size += written
        return
    try:
        os.ftruncate(segment.fd, segment.size)
    except OSError as error:
        # The part stays at the file's end: append no more to it. Claimed later, it is counted
        # as a torn line.
        segment.closed = True
        raise OSError(errno.ENOSPC, f"a short write ({written} of {len(line)} bytes) could not be "
                                    f"taken back ({error.strerror})") from None
    raise OSError(errno.ENOSPC, f"a short write ({written} of {len(line)} bytes), taken back")


def _read(fd: int, path: Path) -> tuple[list, list[Loss]]:
    """The records in a spool file, and what in it is lost: lines that are no record, a line cut
    short. A record appended after a line cut short (by a version that left such lines) is kept."""
    chunks = []
    size = 0
    while size <= MOST_SEGMENT_BYTES and (chunk := os.pread(fd, 1 << 20, size)):
        chunks.append(chunk)
        size += len(chunk)
    lines = b"".join(chunks).split(b"\n")
    records, losses = [], []
    last = len(lines)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append(decode(line))
            continue
        except Exception as error:  # noqa: BLE001 — whatever the line is, it is not a record
            why = str(error)
        start = line.rfind(LINE_START)
        if start > 0:  # a record after a line cut short: keep the record, count the cut one
            try:
                records.append(decode(line[start:]))
            except Exception:  # noqa: BLE001
                pass
            else:
                losses.append(_torn(line[:start]))
                continue
        if number == last:  # the last line, cut short by a kill (no newline yet)
            losses.append(_torn(line))
        else:
            losses.append(Loss("spool_bad_line", f"record spool {path.name} line {number} is not a "
                                                 f"record ({why}): {line[:SHOWN_BYTES]!r}"))
    return records, losses


def _torn(part: bytes) -> Loss:
    found = CALL_IN_LINE.search(part)
    call = found.group(1).decode() if found else "an unknown call"
    return Loss("spool_torn", f"record for {call} lost: its spool line was cut short")


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISDIR, "a directory"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISLNK, "a link")):
        if test(mode):
            return name
    return "not a file"


def with_suppressed(action, *args) -> None:
    """Do `action(*args)`, ignoring an OSError (a file already gone, …)."""
    try:
        action(*args)
    except OSError:
        pass
