"""``unmentoring match``: group the people in a CSV file (no Django, starts fast)."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

from .sizes import MAX_GROUP_SIZE, MIN_GROUP_SIZE, SAME_ORG_AVOID, SAME_ORG_POLICIES, MatchingError

DESCRIPTION = """\
Draw one round of a randomised coffee trial: put every participant into a
group, never grouping blocked pairs; then, in this order, avoid pairs that met
before (if one must repeat, the least recent), avoid pairs from the same
organisation, and otherwise choose at random. The same seed and inputs always
give the same groups.
"""

FORMATS = """\
file formats (UTF-8 CSV, comma separated, header row required, blank lines
ignored, spaces around fields trimmed, columns found by header name):

  participants  id,organisation[,...]   one row per person; ids unique;
                                        other columns are ignored; an empty
                                        organisation never counts as shared
  history       round,a,b               a and b met in that round (a whole
                                        number; larger = more recent); a
                                        group of three appears as its 3 pairs
  blocked       a,b                     a and b must never be grouped
  out           group,id                written by this command: groups
                                        numbered from 1, one row per person

Ids in history and blocked must be participants. Any problem with a file is
reported as "FILE, line N: problem" and nothing is written (the output is
written to a temporary file and renamed only on success).

group sizes: with n people and size k, n // k groups if none then has more
than k + 1 people, otherwise ceil(n / k) groups, sizes as equal as possible;
fewer than k people form one group; with k = 2 and an odd count, one trio.

exit status: 0 success, 1 bad input or no valid grouping, 2 bad options.
"""


def _group_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if not MIN_GROUP_SIZE <= value <= MAX_GROUP_SIZE:
        raise argparse.ArgumentTypeError(f"must be between {MIN_GROUP_SIZE} and {MAX_GROUP_SIZE}, not {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {value}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="unmentoring match",
        description=DESCRIPTION,
        epilog=FORMATS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--participants", required=True, type=Path, metavar="P.csv", help="people to group: id,organisation[,...]")
    p.add_argument("--out", required=True, type=Path, metavar="G.csv", help="where to write the groups: group,id")
    p.add_argument("--history", type=Path, metavar="H.csv", help="past meetings: round,a,b")
    p.add_argument("--blocked", type=Path, metavar="B.csv", help="pairs never to group: a,b")
    p.add_argument("--group-size", type=_group_size, default=2, metavar="K", help=f"target group size, {MIN_GROUP_SIZE} to {MAX_GROUP_SIZE} (default 2)")
    p.add_argument("--seed", type=_seed, metavar="INT", help="random seed (default: drawn from the OS and printed)")
    p.add_argument(
        "--same-org",
        choices=SAME_ORG_POLICIES,
        default="avoid",
        help="avoid (default) or allow pairs from the same organisation",
    )
    return p


def _keep_freed_memory() -> None:
    """Ask glibc to reuse freed memory instead of returning it to the OS.

    The command allocates and frees many arrays of hundreds of megabytes; by
    default each one is a fresh mmap whose pages fault in again. Reusing the
    heap roughly halves the run time of a large draw without raising the peak.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes  # noqa: PLC0415  (Linux only)

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-4, 0)  # M_MMAP_MAX: serve large blocks from the heap
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep freed memory for reuse
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    _keep_freed_memory()
    from . import csvio, engine  # noqa: PLC0415  (after mallopt: numpy's large arrays reuse the heap; --help stays instant)
    from .api import name_people  # noqa: PLC0415  (as above)

    seed = args.seed
    if seed is None:
        seed = secrets.randbits(63)
        print(f"seed: {seed} (drawn from the OS; pass --seed {seed} to repeat this draw)", file=sys.stderr)
    try:
        inputs = csvio.read_inputs(
            args.participants, args.history, args.blocked, args.group_size, args.same_org == SAME_ORG_AVOID
        )
        n = inputs.problem.n
        if n < 2:
            raise csvio.InputError(
                args.participants, None, f"at least 2 participants are needed to make a group; found {n}"
            )
        solution = engine.solve(inputs.problem, seed)
        csvio.write_atomically(args.out, csvio.render_groups(inputs.ids, solution.gid))
    except csvio.InputError as exc:
        print(f"unmentoring match: error: {exc}", file=sys.stderr)
        return 1
    except MatchingError as exc:
        ids = [i.decode("utf-8") for i in inputs.ids.tolist()]
        print(f"unmentoring match: error: {name_people(str(exc), ids)}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"unmentoring match: error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    groups = int(solution.gid.max()) + 1
    quality = "optimal" if solution.certified else "best found (not proved optimal)"
    print(
        f"wrote {groups} groups for {n} people to {args.out}; seed {seed}; "
        f"repeat pairs {solution.repeats}; same-organisation pairs {solution.same_org} "
        f"(lower bound {solution.same_org_bound}); {quality}",
        file=sys.stderr,
    )
    return 0
