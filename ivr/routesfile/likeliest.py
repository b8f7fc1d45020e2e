"""The weights behind `Examples.likeliest`, read and checked.

`likeliest.bin` (shipped in this package, written by tools/likeliest.py, which says how it is
fitted and laid out) holds a logistic regression over the callers' examples' n-grams. It is read
as untrusted input, like routes.yaml (`file.py`): its first line, its header, its n-grams and the
count and size of its numbers are checked, and every number must be finite. A file that fails is
a RoutesError naming it, and the line keeps serving what it served.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from array import array
from pathlib import Path

from ..core.caches import EXAMPLE_SETS
from ..core.nearest import Likeliest
from ..core.notices import notice
from .file import read_routes_bytes
from .reader import Problem, RoutesError

LIKELIEST = Path(__file__).with_name("likeliest.bin")
MAGIC = "ivr-likeliest 1"
MAX_DESKS = 64


def load_likeliest(path: str | Path = LIKELIEST) -> Likeliest:
    """The regression in a file; RoutesError if it cannot be read or is not one."""
    return parse_likeliest(read_routes_bytes(path), str(path))


def parse_likeliest(data: bytes, file: str = "likeliest.bin") -> Likeliest:
    """The regression in bytes already read (named `file` in a problem)."""
    found = _parsed(data)
    if isinstance(found, str):
        raise RoutesError([Problem(file, 1, (), found)])
    return found


_READ: dict[str, Likeliest | str] = {}  # by the bytes' digest, the oldest first


def _parsed(data: bytes) -> Likeliest | str:
    """The regression, or what is wrong with the bytes; the one read before for the same bytes
    (as the examples are kept: caches.py), so that the examples' memo finds the same one. Kept by
    the bytes' digest, not the bytes themselves."""
    digest = hashlib.sha256(data).hexdigest()
    found = _READ.get(digest)
    if found is None:
        found = _read(data)
        while len(_READ) >= EXAMPLE_SETS:
            del _READ[next(iter(_READ))]
        _READ[digest] = found
    return found


def _read(data: bytes) -> Likeliest | str:
    # TRANSLATORS: the file of weights the line uses to tell which desk callers' words are likeliest
    # for is damaged, or was written for another version of the line.
    damaged = notice("not a weights file this version of the line can read; write it again with "
                     "tools/likeliest.py")
    first, _, rest = data.partition(b"\n")
    head, _, body = rest.partition(b"\n")
    if first != MAGIC.encode("ascii"):
        return damaged
    try:
        header = json.loads(head.decode("utf-8"))
        desks = tuple(header["desks"])
        count, size, trained_on = int(header["grams"]), int(header["gram_bytes"]), str(header["trained_on"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return damaged
    if (not desks or len(desks) > MAX_DESKS or not all(isinstance(d, str) and d for d in desks)
            or len(set(desks)) != len(desks) or not 0 < count or not 0 <= size <= len(body)):
        return damaged
    try:
        block = body[:size].decode("utf-8")
    except UnicodeDecodeError:
        return damaged
    width = len(desks)
    if block.count("\n") + 1 != count or len(body) - size != 4 * (width + count + count * width):
        return damaged
    numbers = array("f", body[size:])
    if sys.byteorder != "little":
        numbers.byteswap()
    if not all(map(math.isfinite, numbers)):
        return damaged
    bias, idf, coef = numbers[:width], numbers[width:width + count], numbers[width + count:]
    return Likeliest(desks, block, bias, idf, coef, trained_on)
