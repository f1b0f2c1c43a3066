"""Reading the CLI's CSV files and writing the groups, with exact error locations.

Every file is read by ``csv`` in ``_read_rows`` — the reference path that finds
and words every problem. Large, plain files (no quotes, no stray carriage
returns) go first through a vectorised numpy reader; whenever it meets
anything it does not expect it gives up and the reference path reads the file
again, so both paths accept exactly the same files and every error message
comes from one place.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import engine
from .api import org_codes

_INT = re.compile(r"[+-]?[0-9]+\Z")
# Limits that keep a hostile file from costing gigabytes: an id or organisation of at most this many
# bytes (a 100 KB id once made the reader allocate 10 GB), and round numbers in a sane range.
MAX_FIELD_BYTES = 200
MAX_ROUND = 1_000_000_000
# Characters a spreadsheet reads as the start of a formula: such ids are written with a leading '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class InputError(Exception):
    """A problem with an input file, located by file and line."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, problem: str) -> None:
        where = f"{os.fspath(path)}, line {line}" if line else os.fspath(path)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Inputs:
    ids: np.ndarray  # participant ids as UTF-8 bytes (numpy "S"), canonical (sorted) order
    problem: engine.Problem


# -- the reference reader ----------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, None, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, line, "is not valid UTF-8 text") from None


def _read_rows(path: Path, columns: tuple[str, ...]) -> tuple[list[int], list[list[str]]]:
    """Line numbers and the requested columns of every non-blank data row."""
    text = _read_text(path)
    if not text.strip():
        raise InputError(path, None, f"the file is empty; expected a header row {','.join(columns)}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    lines: list[int] = []
    rows: list[list[str]] = []
    picks: list[int] = []
    try:
        for raw in reader:
            fields = [f.strip() for f in raw]
            if not any(fields):
                continue
            if header is None:
                header = [f.lower() for f in fields]
                missing = [c for c in columns if c not in header]
                if missing:
                    raise InputError(
                        path,
                        reader.line_num,
                        f"missing header: expected columns {','.join(columns)}, found {','.join(fields)}",
                    )
                picks = [header.index(c) for c in columns]
                continue
            if len(fields) != len(header):
                raise InputError(
                    path, reader.line_num, f"expected {len(header)} fields, found {len(fields)}"
                )
            lines.append(reader.line_num)
            rows.append([fields[i] for i in picks])
    except csv.Error as exc:
        raise InputError(path, reader.line_num, f"malformed CSV ({exc})") from None
    return lines, rows


def _read_participants_slow(path: Path) -> tuple[list[str], list[str]]:
    lines, rows = _read_rows(path, ("id", "organisation"))
    seen: dict[str, int] = {}
    for line, (pid, org) in zip(lines, rows, strict=False):
        if not pid:
            raise InputError(path, line, "empty id")
        if any(ord(c) < 32 or ord(c) == 127 for c in pid):
            raise InputError(path, line, f"id {pid!r} contains a control character (a NUL, tab or line break)")
        for what, value in (("id", pid), ("organisation", org)):
            if len(value.encode("utf-8")) > MAX_FIELD_BYTES:
                raise InputError(path, line, f"{what} is longer than {MAX_FIELD_BYTES} bytes")
        if pid in seen:
            raise InputError(path, line, f"duplicate id {pid!r} (already on line {seen[pid]})")
        seen[pid] = line
    return [r[0] for r in rows], [r[1] for r in rows]


def _read_pairs_slow(
    path: Path, columns: tuple[str, ...], known: dict[str, int], participants: Path
) -> tuple[list[int], list[int], list[int]]:
    lines, rows = _read_rows(path, columns)
    a_out, b_out, r_out = [], [], []
    with_round = columns[0] == "round"
    for line, row in zip(lines, rows, strict=False):
        if with_round:
            if not _INT.match(row[0]) or not 0 <= int(row[0]) <= MAX_ROUND:
                raise InputError(path, line, f"round must be a whole number from 0 to {MAX_ROUND}, not {row[0][:30]!r}")
            r_out.append(int(row[0]))
            a, b = row[1], row[2]
        else:
            a, b = row
        for who in (a, b):
            if not who:
                raise InputError(path, line, "empty id")
            if who not in known:
                raise InputError(path, line, f"unknown id {who!r} (not in {participants})")
        if a == b:
            raise InputError(path, line, f"pairs {a!r} with themselves")
        a_out.append(known[a])
        b_out.append(known[b])
    return a_out, b_out, r_out


# -- the vectorised reader ---------------------------------------------------


class _Fallback(Exception):
    """The fast reader met something it leaves to the reference reader."""


@dataclass
class _Fields:
    data: bytearray  # file contents, zero-padded
    buf: np.ndarray  # the same as uint8
    words: np.ndarray  # unaligned little-endian uint64 starting at every byte
    header: list[str]
    start: list[np.ndarray]  # per requested column
    end: list[np.ndarray]


_MASKS = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def _load(path: Path) -> tuple[bytearray, int, int]:
    """File contents in a zero-padded buffer, and the [start, end) of its text after any BOM."""
    size = path.stat().st_size
    raw = bytearray(size + 16)
    with open(path, "rb", buffering=0) as fh:
        got = fh.readinto(memoryview(raw)[:size])
    if got != size:
        raise _Fallback
    start = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    if b"\r" in raw:
        text = bytes(raw[start:size]).replace(b"\r\n", b"\n")
        if b"\r" in text:
            raise _Fallback
        raw = bytearray(text) + bytes(16)
        start, size = 0, len(text)
    return raw, start, size


def _fast_fields(path: Path, columns: tuple[str, ...]) -> _Fields:
    raw, start, size = _load(path)
    if not raw.isascii():
        bytes(raw[start:size]).decode("utf-8")  # raises (caught by caller) if not valid UTF-8
    end = size
    while end > start and raw[end - 1] == 10:
        end -= 1  # trailing blank lines
    first_end = raw.find(b"\n", start, end)
    if first_end < 0:
        first_end = end
    header = [f.strip().lower() for f in raw[start:first_end].decode("utf-8").split(",")]
    if not any(header) or any(c not in header for c in columns) or raw.find(b'"', start, first_end) >= 0:
        raise _Fallback
    raw[end] = 10  # every line, the last included, ends with a newline
    buf = np.frombuffer(raw, dtype=np.uint8)
    words = np.ndarray((len(raw) - 7,), dtype="<u8", buffer=raw, strides=(1,))
    ncol = len(header)
    lo, hi = first_end + 1, end + 1  # the data lines
    body = buf[lo:hi]
    rows = raw.count(b"\n", lo, hi)
    low = body < 45  # newline, comma, and the characters the fast reader must look at
    if int(np.count_nonzero(low)) == rows + raw.count(b",", lo, hi):
        spacey = False  # no quotes, spaces, tabs or control characters in the data
        sep = np.flatnonzero(low)
    else:
        if raw.find(b'"', lo, hi) >= 0 or raw.find(b"\0", lo, hi) >= 0 or raw.find(b"\t", lo, hi) >= 0:
            raise _Fallback
        spacey = True
        sep = np.flatnonzero((body == 44) | (body == 10))
    del low
    if len(sep) != rows * ncol:
        raise _Fallback
    grid = sep.reshape(rows, ncol)
    del sep
    # each group of ncol separators ends in a newline, and there are no other newlines,
    # so every line has exactly ncol - 1 commas (a blank line breaks the pattern)
    if rows and (body[grid[:, -1]] != 10).any():
        raise _Fallback
    grid += lo
    fstart, fend = [], []
    for c in columns:
        j = header.index(c)
        if j == 0:
            s = np.empty(rows, dtype=np.int64)
            s[0:1] = lo
            s[1:] = grid[:-1, -1] + 1
        else:
            s = grid[:, j - 1] + 1
        e = grid[:, j].copy()
        if spacey:
            for cursor, step in ((s, 1), (e, -1)):
                while True:
                    ch = buf[cursor if step == 1 else cursor - 1]
                    m = (s < e) & ((ch == 32) | (ch == 9))
                    if not m.any():
                        break
                    cursor[m] += step
        fstart.append(s)
        fend.append(e)
    return _Fields(data=raw, buf=buf, words=words, header=header, start=fstart, end=fend)


def _field_words(f: _Fields, col: int, nwords: int) -> np.ndarray:
    """Each field of column col as nwords little-endian uint64 words, zero-padded."""
    s, e = f.start[col], f.end[col]
    length = e - s
    out = np.empty((len(s), nwords), dtype=np.uint64)
    uniform = len(s) == 0 or int(length.min()) == int(length.max())
    last = len(f.words) - 1
    for j in range(nwords):
        # A short field's later words lie past its end (masked to zero below); near the end of the file
        # they would lie past the buffer, so read them from its last word instead.
        word = f.words[np.minimum(s + 8 * j, last)] if j else f.words[s]
        if uniform:
            word &= _MASKS[min(max(int(length[0]) - 8 * j, 0), 8)] if len(s) else np.uint64(0)
        else:
            word &= _MASKS[np.minimum(np.maximum(length - 8 * j, 0), 8)]
        out[:, j] = word
    return out


def _nwords(f: _Fields, col: int) -> int:
    longest = int((f.end[col] - f.start[col]).max(initial=0))
    if longest > MAX_FIELD_BYTES:
        raise _Fallback  # the reference reader names the line
    return max(1, -(-longest // 8))


def _as_bytes(w: np.ndarray) -> np.ndarray:
    """Words back to a fixed-width numpy bytes array."""
    return np.ascontiguousarray(w).view(np.uint8).view(f"S{8 * w.shape[1]}").ravel()


def _hash(w: np.ndarray) -> np.ndarray:
    h = w[:, 0].copy()
    for j in range(1, w.shape[1]):
        h = (h * np.uint64(0x9E3779B97F4A7C15)) ^ w[:, j]
        h ^= h >> np.uint64(29)
    # finaliser (from MurmurHash3) so that the low bits used as table slots are well mixed
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


class _HashIndex:
    """Linear-probing hash table from non-zero 64-bit keys to positions, built and probed with numpy.

    Built in one pass: keys sorted by home slot are laid out at
    max(home slot, previous position + 1), which is exactly the layout linear
    probing produces. The table has spare room at the end instead of wrapping.
    """

    def __init__(self, keys: np.ndarray) -> None:
        if (keys == 0).any():
            raise _Fallback  # 0 marks an empty slot
        self.bits = max(4, int(2 * len(keys) - 1).bit_length())
        home = self._slot(keys)
        order = np.argsort(home, kind="stable")
        ranks = np.arange(len(keys), dtype=np.int64)
        place = np.maximum.accumulate(home[order] - ranks) + ranks if len(keys) else ranks
        size = (1 << self.bits) + len(keys) + 1
        self.table = np.zeros((size, 2), dtype=np.uint64)  # (key, position + 1)
        self.table[place, 0] = keys[order]
        self.table[place, 1] = (order + 1).astype(np.uint64)
        self.flat = self.table.view(np.complex128).ravel()  # one 16-byte load per probe

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        mixed = keys * np.uint64(0x9E3779B97F4A7C15)
        return (mixed >> np.uint64(64 - self.bits)).astype(np.int64)

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Position of each key, or -1."""
        slot = self._slot(keys)
        entry = np.take(self.flat, slot).view(np.uint64).reshape(-1, 2)
        found = entry[:, 0] == keys
        out = np.where(found, entry[:, 1].view(np.int64) - 1, -1)
        todo = np.flatnonzero(~found & (entry[:, 1] != 0))
        while len(todo):
            slot[todo] += 1
            entry = np.take(self.flat, slot[todo]).view(np.uint64).reshape(-1, 2)
            found = entry[:, 0] == keys[todo]
            out[todo[found]] = entry[found, 1].view(np.int64) - 1
            todo = todo[~found & (entry[:, 1] != 0)]
        return out


def _fast_inputs(
    participants: Path, history: Path | None, blocked: Path | None, group_size: int, avoid: bool
) -> Inputs:
    pf = _fast_fields(participants, ("id", "organisation"))
    n = len(pf.start[0])
    if n == 0 or int((pf.end[0] - pf.start[0]).min()) == 0:
        raise _Fallback
    nw = _nwords(pf, 0)
    idw = _field_words(pf, 0, nw)
    # canonical order: by id bytes (big-endian words compare like the bytes)
    be = idw.byteswap()
    canon = np.argsort(be[:, 0], kind="stable") if nw == 1 else np.lexsort(be.T[::-1])
    idw = idw[canon]
    be = be[canon]
    if n > 1 and (be[1:] == be[:-1]).all(axis=1).any():
        raise _Fallback  # duplicates: let the reference reader name them
    del be
    ow = _field_words(pf, 1, _nwords(pf, 1))[canon]
    # organisation codes in order of first appearance (canonical order), blanks unique
    oh = _hash(ow)
    uniq, first, inverse = np.unique(oh, return_index=True, return_inverse=True)
    if (ow[first][inverse] != ow).any():
        raise _Fallback  # hash collision between organisation names
    blank_org = (ow == 0).all(axis=1)
    named = ~blank_org[first]
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[np.flatnonzero(named)[np.argsort(first[named], kind="stable")]] = np.arange(int(named.sum()))
    org = rank[inverse]
    org[blank_org] = int(named.sum()) + np.arange(int(blank_org.sum()))
    # ids of up to 8 bytes are their own exact key; longer ids are hashed and checked
    index = _HashIndex(idw[:, 0] if nw == 1 else _hash(idw))

    def lookup(f: _Fields, col: int) -> np.ndarray:
        if _nwords(f, col) > nw:
            raise _Fallback  # longer than any participant id: unknown
        qw = _field_words(f, col, nw)
        idx = index.find(qw[:, 0] if nw == 1 else _hash(qw))
        if (idx < 0).any() or (nw > 1 and (idw[idx] != qw).any()):
            raise _Fallback
        return idx

    def pairs(path: Path, columns: tuple[str, ...]) -> tuple[np.ndarray, ...]:
        f = _fast_fields(path, columns)
        off = 1 if columns[0] == "round" else 0
        rows = len(f.start[0])
        if rows and min(int((f.end[c] - f.start[c]).min()) for c in (off, off + 1)) == 0:
            raise _Fallback
        a = lookup(f, off)
        b = lookup(f, off + 1)
        if (a == b).any():
            raise _Fallback
        rounds = np.zeros(rows, dtype=np.int64)
        if off:
            s, e = f.start[0], f.end[0]
            length = e - s
            if rows and (int(length.min()) == 0 or int(length.max()) > 17):
                raise _Fallback
            for j in range(int(length.max(initial=0))):
                d = f.buf[s + j].astype(np.int64) - 48
                m = length > j
                if ((m & ((d < 0) | (d > 9)))).any():
                    raise _Fallback  # signs and bad integers go to the reference reader
                rounds = np.where(m, rounds * 10 + d, rounds)
            if rows and int(rounds.max()) > MAX_ROUND:
                raise _Fallback
        return a, b, rounds

    empty = np.zeros(0, dtype=np.int64)
    ha = hb = hr = ba = bb = empty
    if history is not None:
        ha, hb, hr = pairs(history, ("round", "a", "b"))
    if blocked is not None:
        ba, bb, _ = pairs(blocked, ("a", "b"))
    problem = engine.build_problem(n, org, ha, hb, hr, ba, bb, group_size, avoid)
    return Inputs(ids=_as_bytes(idw), problem=problem)


def _slow_inputs(
    participants: Path, history: Path | None, blocked: Path | None, group_size: int, avoid: bool
) -> Inputs:
    ids, orgs = _read_participants_slow(participants)
    order = sorted(range(len(ids)), key=ids.__getitem__)
    ids = [ids[i] for i in order]
    orgs = [orgs[i] for i in order]
    known = {pid: i for i, pid in enumerate(ids)}
    ha = hb = hr = ba = bb = []
    if history is not None:
        ha, hb, hr = _read_pairs_slow(history, ("round", "a", "b"), known, participants)
    if blocked is not None:
        ba, bb, _ = _read_pairs_slow(blocked, ("a", "b"), known, participants)
    problem = engine.build_problem(
        len(ids),
        org_codes(orgs),
        np.asarray(ha, dtype=np.int64),
        np.asarray(hb, dtype=np.int64),
        np.asarray(hr, dtype=np.int64),
        np.asarray(ba, dtype=np.int64),
        np.asarray(bb, dtype=np.int64),
        group_size,
        avoid,
    )
    encoded = [i.encode("utf-8") for i in ids]
    width = max([8, *(len(x) for x in encoded)])
    return Inputs(ids=np.array(encoded, dtype=f"S{width}"), problem=problem)


def read_inputs(
    participants: Path,
    history: Path | None,
    blocked: Path | None,
    group_size: int,
    avoid: bool,
    fast: bool = True,
) -> Inputs:
    """Read and validate the CLI's inputs; raises InputError naming file, line and problem."""
    if fast:
        try:
            return _fast_inputs(participants, history, blocked, group_size, avoid)
        except (_Fallback, UnicodeDecodeError, OSError):
            pass
    return _slow_inputs(participants, history, blocked, group_size, avoid)


# -- writing -----------------------------------------------------------------


def _needs_csv_writer(ids: np.ndarray) -> bool:
    """Whether any id needs quoting (a comma or a quote) or starts like a spreadsheet formula."""
    width = ids.dtype.itemsize
    as_bytes = ids.view(np.uint8).reshape(len(ids), width)
    if np.isin(as_bytes, np.frombuffer(b',"', dtype=np.uint8)).any():
        return True
    return bool(np.isin(as_bytes[:, 0], np.frombuffer("".join(_FORMULA_START).encode(), dtype=np.uint8)).any())


def _render_groups_with_csv(ids: np.ndarray, gid: np.ndarray) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["group", "id"])
    n = len(ids)
    for i in np.argsort(gid * np.int64(n) + np.arange(n, dtype=np.int64)).tolist():
        pid = ids[i].decode("utf-8")
        writer.writerow([int(gid[i]) + 1, f"'{pid}" if pid.startswith(_FORMULA_START) else pid])
    return out.getvalue().encode("utf-8")


def render_groups(ids: np.ndarray, gid: np.ndarray) -> bytes:
    """G.csv bytes: header then `group,id` rows, groups numbered from 1, members in id order.

    Ids with a comma or a quote are quoted as CSV; an id that a spreadsheet would take for a formula
    (=, +, -, @ first) is written with a leading ' so that opening G.csv runs nothing.
    """
    n = len(ids)
    if n and _needs_csv_writer(ids):
        return _render_groups_with_csv(ids, gid)
    order = np.argsort(gid * np.int64(n) + np.arange(n, dtype=np.int64))  # by group, then id
    number = gid[order] + 1
    who = ids[order]
    width = ids.dtype.itemsize
    id_bytes = who.view(np.uint8).reshape(n, width)
    id_len = np.where(id_bytes != 0, np.arange(1, width + 1), 0).max(axis=1)
    digits = len(str(int(number.max(initial=1))))
    num_len = np.floor(np.log10(np.maximum(number, 1))).astype(np.int64) + 1
    row_len = num_len + 1 + id_len + 1
    header = b"group,id\n"
    offset = len(header) + np.r_[0, np.cumsum(row_len)[:-1]]
    out = np.empty(len(header) + int(row_len.sum()), dtype=np.uint8)
    out[: len(header)] = np.frombuffer(header, dtype=np.uint8)
    rest = number.copy()
    for j in range(digits):
        place = num_len - 1 - j  # position of this digit (from the right)
        m = place >= 0
        out[offset[m] + place[m]] = (rest[m] % 10 + 48).astype(np.uint8)
        rest //= 10
    out[offset + num_len] = 44
    for j in range(width):
        m = id_len > j
        out[offset[m] + num_len[m] + 1 + j] = id_bytes[m, j]
    out[offset + row_len - 1] = 10
    return out.tobytes()


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # "G.csv": parent is "."
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
