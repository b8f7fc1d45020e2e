"""A small append-only spool of queued records, so a worker that dies loses none of them.

Every record a worker queues is also appended, as one JSON line, to a segment file of its own
(`<pid>-<n>.spool`) that it holds locked (flock) while it lives. A segment whose records are all
written is deleted. A segment nobody holds — its worker was killed, or left with records the
database would not take — is claimed by another or the next worker, which writes its records
again: steps carry an id, so a step already written is not written twice.

Lines reach the kernel at once (one write(2) each, no fsync): a killed process loses nothing;
a machine that loses power may lose the last seconds of lines.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from dataclasses import fields
from datetime import datetime
from pathlib import Path

from .faults import spool_fault
from .summary import CallEnd, StepRecord

log = logging.getLogger("ivr.records")
SEGMENT_RECORDS = 2_000
SUFFIX = ".spool"
CALL_IN_LINE = re.compile(rb'"call_sid":"(CA[0-9a-fA-F]{32})"')


_FIELDS = {kind: tuple(f.name for f in fields(kind)) for kind in (StepRecord, CallEnd)}
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode(item: StepRecord | CallEnd) -> bytes:
    """One record as one line."""
    values = {name: getattr(item, name) for name in _FIELDS[type(item)]}
    values["at"] = item.at.isoformat()
    values["type"] = "end" if isinstance(item, CallEnd) else "step"
    return (_ENCODER.encode(values) + "\n").encode("utf-8")


def decode(line: bytes) -> StepRecord | CallEnd:
    """A record from its line; ValueError (or KeyError, TypeError) if the line is not one."""
    fields = json.loads(line)
    kind = fields.pop("type")
    fields["at"] = datetime.fromisoformat(fields["at"])
    return CallEnd(**fields) if kind == "end" else StepRecord(**fields)


class Segment:
    """One spool file: records appended, records written, and whether more may be added."""

    def __init__(self, path: Path, fd: int, count: int = 0, closed: bool = False):
        self.path = path
        self.fd = fd
        self.count = count
        self.written = 0
        self.closed = closed  # no more records will be appended
        self.torn_calls: list[str] = []  # calls whose line a crash cut short (claimed segments)

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
            written = os.write(segment.fd, line)
            if written != len(line):
                raise OSError(f"short write to {segment.path}")
        except OSError as error:
            if self.error is None:
                log.error("record spool %s cannot be written (%s): records are only kept in "
                          "memory until it can", self.directory, error)
            self.error = spool_fault(error)  # what /healthz shows; the log has the path and the error
            return None
        self.error = None
        segment.count += 1
        if segment.count >= self.segment_records:
            segment.closed = True
        return segment

    def _new_segment(self) -> Segment:
        self.directory.mkdir(exist_ok=True)
        self._made += 1
        path = self.directory / f"{os.getpid()}-{self._made}-{os.urandom(4).hex()}{SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return Segment(path, fd)

    def close_current(self) -> Segment | None:
        """Append no more to the current segment (it goes once written); that segment."""
        segment, self.current = self.current, None
        if segment is not None:
            segment.closed = True
        return segment

    def claim_orphans(self, limit: int) -> list[tuple[Segment, list]]:
        """Segments no live worker holds, locked for this one, with their records (up to `limit` records)."""
        claimed: list[tuple[Segment, list]] = []
        try:
            paths = sorted(self.directory.glob("*" + SUFFIX))
        except OSError:
            return claimed
        total = 0
        for path in paths:
            if total >= limit:
                break
            try:
                fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.fstat(fd).st_ino != os.stat(path).st_ino:
                    raise FileNotFoundError(path)  # written and deleted meanwhile
            except OSError:
                os.close(fd)
                continue
            records, torn = _read(fd, path)
            segment = Segment(path, fd, count=len(records), closed=True)
            if torn:
                found = CALL_IN_LINE.search(torn)
                segment.torn_calls.append(found.group(1).decode() if found else "an unknown call")
            claimed.append((segment, records))
            total += len(records)
        return claimed


def _read(fd: int, path: Path) -> tuple[list, bytes]:
    """The records in a spool file, and a torn last line (empty if none)."""
    chunks = []
    while chunk := os.pread(fd, 1 << 20, sum(len(c) for c in chunks)):
        chunks.append(chunk)
    data = b"".join(chunks)
    lines = data.split(b"\n")
    torn = lines[-1]
    records = []
    for number, line in enumerate(lines[:-1], 1):
        try:
            records.append(decode(line))
        except (ValueError, KeyError, TypeError) as error:
            log.error("record spool %s line %d is not a record (%s): skipped", path.name, number, error)
    return records, torn
