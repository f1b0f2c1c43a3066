"""`unmentoring match`: the CSV contract, and every malformed input refused with file and line."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmentoring.matching import MatchingError, Participant, PastMeeting, cli, csvio, engine, match

SRC = Path(__file__).resolve().parents[2] / "src"
PEOPLE = "id,organisation\na,DfE\nb,HMRC\nc,DfE\nd,MoJ\n"
# What `match` wrote for the golden-bytes test's files and seed when it was pinned (2026-12-01): a change to
# the engine, the reader or the writer that changes a draw shows here.
GOLDEN_G_CSV = b"group,id\n1,p00\n1,p07\n2,p01\n2,p03\n2,p08\n3,p02\n3,p06\n4,p04\n4,p05\n"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run(
        [sys.executable, "-m", "unmentoring", "match", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def read_groups(path: Path) -> list[list[str]]:
    """G.csv as a spreadsheet would read it, with the ' that neutralises formula-looking ids taken off again."""
    rows = list(csv.reader(io.StringIO(path.read_text(), newline="")))
    assert rows[0] == ["group", "id"]
    groups: dict[str, list[str]] = {}
    for g, pid in rows[1:]:
        groups.setdefault(g, []).append(pid[1:] if pid[:1] == "'" and pid[1:2] in "=+-@" else pid)
    assert list(groups) == [str(i) for i in range(1, len(groups) + 1)]
    return list(groups.values())

@pytest.mark.subprocess

def test_match_writes_groups_to_the_output_file(tmp_path):
    write(tmp_path, "P.csv", PEOPLE)
    write(tmp_path, "H.csv", "round,a,b\n1,a,b\n1,c,d\n")
    write(tmp_path, "B.csv", "a,b\na,d\n")
    result = run(tmp_path, "--participants", "P.csv", "--history", "H.csv", "--blocked", "B.csv", "--out", "G.csv", "--seed", "4")
    assert result.returncode == 0, result.stderr
    groups = read_groups(tmp_path / "G.csv")
    assert sorted(map(sorted, groups)) == [["a", "c"], ["b", "d"]]  # the only grouping without repeats or blocks
    assert "seed 4" in result.stderr

@pytest.mark.subprocess

def test_match_output_is_byte_identical_for_the_same_seed_and_matches_the_api(tmp_path):
    rows = [f"p{i:03d},org{i % 7}" for i in range(101)]
    write(tmp_path, "P.csv", "id,organisation\n" + "\n".join(rows) + "\n")
    for out in ("G1.csv", "G2.csv"):
        assert run(tmp_path, "--participants", "P.csv", "--out", out, "--seed", "99", "--group-size", "3").returncode == 0
    assert (tmp_path / "G1.csv").read_bytes() == (tmp_path / "G2.csv").read_bytes()
    api = match([Participant(f"p{i:03d}", f"org{i % 7}") for i in range(101)], seed=99, group_size=3)
    assert sorted(map(tuple, read_groups(tmp_path / "G1.csv"))) == sorted(g.members for g in api.groups)

@pytest.mark.subprocess

def test_match_without_a_seed_draws_one_and_prints_it(tmp_path):
    write(tmp_path, "P.csv", PEOPLE)
    result = run(tmp_path, "--participants", "P.csv", "--out", "G.csv")
    assert result.returncode == 0
    seed = result.stderr.split("pass --seed ")[1].split(" ")[0]
    again = run(tmp_path, "--participants", "P.csv", "--out", "G2.csv", "--seed", seed)
    assert again.returncode == 0
    assert (tmp_path / "G.csv").read_bytes() == (tmp_path / "G2.csv").read_bytes()

@pytest.mark.subprocess

def test_match_help_explains_the_file_formats(tmp_path):
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    for text in ("id,organisation", "round,a,b", "a,b", "group,id", "--same-org", "--group-size"):
        assert text in result.stdout

@pytest.mark.subprocess

def test_match_does_not_import_django():
    code = (
        "import sys, unmentoring.matching, unmentoring.matching.cli, unmentoring.matching.engine;"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"

@pytest.mark.subprocess

def test_match_command_runs_without_importing_django(tmp_path):
    write(tmp_path, "P.csv", PEOPLE)
    code = (
        "import sys; from unmentoring.cli import main;"
        "rc = main(['match', '--participants', 'P.csv', '--out', 'G.csv', '--seed', '1']);"
        "print(rc, any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.stdout.strip() == "0 False"


BAD_INPUTS = [
    # (file to break, its contents, expected message fragment)
    ("P.csv", "", "P.csv: the file is empty"),
    ("P.csv", "\n\n", "P.csv: the file is empty"),
    ("P.csv", "a,DfE\nb,HMRC\n", "P.csv, line 1: missing header"),
    ("P.csv", "id,organisation\na,DfE\nb,HMRC\na,MoJ\n", "P.csv, line 4: duplicate id 'a' (already on line 2)"),
    ("P.csv", "id,organisation\na,DfE\n,HMRC\n", "P.csv, line 3: empty id"),
    ("P.csv", "id,organisation\na,DfE\nb\n", "P.csv, line 3: expected 2 fields, found 1"),
    ("P.csv", "id,organisation\na,DfE\n", "P.csv: at least 2 participants"),
    ("P.csv", "id,organisation\n", "P.csv: at least 2 participants"),
    ("P.csv", b"id,organisation\na,D\xfffE\nb,x\n", "P.csv, line 2: is not valid UTF-8"),
    ("P.csv", 'id,organisation\na,"DfE\nb,x\n', "P.csv, line 3: malformed CSV"),
    ("H.csv", "", "H.csv: the file is empty"),
    ("H.csv", "1,a,b\n", "H.csv, line 1: missing header"),
    ("H.csv", "round,a,b\n1,a,b\nx,a,c\n", "H.csv, line 3: round must be a whole number from 0 to 1000000000, not 'x'"),
    ("H.csv", "round,a,b\n1.5,a,b\n", "H.csv, line 2: round must be a whole number from 0 to 1000000000, not '1.5'"),
    ("H.csv", "round,a,b\n" + "1" + "0" * 23 + ",a,b\n", "H.csv, line 2: round must be a whole number from 0 to 1000000000"),
    ("H.csv", "round,a,b\n-1,a,b\n", "H.csv, line 2: round must be a whole number from 0 to 1000000000, not '-1'"),
    ("P.csv", "id,organisation\na,DfE\nb\0,x\nb,y\n", "P.csv, line 3: id 'b\\x00' contains a control character"),
    ("P.csv", "id,organisation\na,DfE\n" + "z" * 201 + ",x\n", "P.csv, line 3: id is longer than 200 bytes"),
    ("P.csv", "id,organisation\na,DfE\nb," + "o" * 201 + "\n", "P.csv, line 3: organisation is longer than 200 bytes"),
    ("H.csv", "round,a,b\n1,a,zed\n", "H.csv, line 2: unknown id 'zed' (not in P.csv)"),
    ("H.csv", "round,a,b\n1,a,b\n2,c,c\n", "H.csv, line 3: pairs 'c' with themselves"),
    ("H.csv", "round,a,b\n1,a,b,c\n", "H.csv, line 2: expected 3 fields, found 4"),
    ("H.csv", "round,a,b\n1,a,\n", "H.csv, line 2: empty id"),
    ("B.csv", "", "B.csv: the file is empty"),
    ("B.csv", "a,b\nb,q\n", "B.csv, line 2: unknown id 'q' (not in P.csv)"),
    ("B.csv", "a,b\n\nd,d\n", "B.csv, line 3: pairs 'd' with themselves"),
    ("B.csv", "x,y\na,b\n", "B.csv, line 1: missing header"),
]


def _files(tmp_path: Path, broken: str, text: str | bytes) -> list[str]:
    write(tmp_path, "P.csv", PEOPLE)
    write(tmp_path, "H.csv", "round,a,b\n")
    write(tmp_path, "B.csv", "a,b\n")
    write(tmp_path, broken, text)
    return ["--participants", "P.csv", "--history", "H.csv", "--blocked", "B.csv"]


@pytest.mark.subprocess
@pytest.mark.parametrize(("broken", "text", "message"), BAD_INPUTS)
def test_match_refuses_a_malformed_file_naming_file_line_and_problem(tmp_path, broken, text, message):
    args = _files(tmp_path, broken, text)
    write(tmp_path, "G.csv", "left alone\n")
    result = run(tmp_path, *args, "--out", "G.csv", "--seed", "1")
    assert result.returncode == 1
    assert message in result.stderr
    assert (tmp_path / "G.csv").read_text() == "left alone\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["B.csv", "G.csv", "H.csv", "P.csv"]


@pytest.mark.parametrize(("broken", "text", "message"), BAD_INPUTS)
def test_match_in_process_reports_the_same_errors_and_writes_nothing(tmp_path, monkeypatch, capsys, broken, text, message):
    monkeypatch.chdir(tmp_path)
    args = _files(tmp_path, broken, text)
    assert cli.main([*args, "--out", "G.csv", "--seed", "1"]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "G.csv").exists()

@pytest.mark.subprocess

def test_match_reports_a_missing_file(tmp_path):
    result = run(tmp_path, "--participants", "nope.csv", "--out", "G.csv", "--seed", "1")
    assert result.returncode == 1
    assert "nope.csv: cannot read the file" in result.stderr


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--group-size", "6"], "--group-size: must be between 2 and 5, not 6"),
        (["--group-size", "1"], "--group-size: must be between 2 and 5, not 1"),
        (["--group-size", "two"], "--group-size: must be a whole number"),
        (["--same-org", "prefer"], "--same-org: invalid choice: 'prefer'"),
        (["--seed", "1.5"], "--seed: must be a whole number"),
        (["--seed", "-3"], "--seed: must not be negative"),
    ],
)
def test_match_refuses_bad_options(tmp_path, options, message):
    write(tmp_path, "P.csv", PEOPLE)
    result = run(tmp_path, "--participants", "P.csv", "--out", "G.csv", *options)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "G.csv").exists()

@pytest.mark.subprocess

def test_match_reports_who_cannot_be_placed_when_blocks_make_it_impossible(tmp_path):
    write(tmp_path, "P.csv", "id,organisation\na,X\nb,Y\nc,Z\nd,W\n")
    write(tmp_path, "B.csv", "a,b\na,b\na,c\na,d\n")
    result = run(tmp_path, "--participants", "P.csv", "--blocked", "B.csv", "--out", "G.csv", "--seed", "1")
    assert result.returncode == 1
    assert "'a'" in result.stderr
    assert not (tmp_path / "G.csv").exists()

@pytest.mark.subprocess

def test_match_accepts_spreadsheet_quirks(tmp_path):
    # BOM, CRLF, quoted organisation with a comma, spaces, extra columns, blank lines
    text = '\ufeffid , organisation,email\r\n a ,"Dept for Education, Skills",x@y\r\n\r\nb,HMRC,\r\nc, DfE ,\r\n'
    write(tmp_path, "P.csv", text)
    result = run(tmp_path, "--participants", "P.csv", "--out", "G.csv", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert sorted(m for g in read_groups(tmp_path / "G.csv") for m in g) == ["a", "b", "c"]


@st.composite
def csv_files(draw):
    n = draw(st.integers(2, 30))
    ids = draw(st.lists(st.text("abcXYZ019-_é", min_size=1, max_size=20), min_size=n, max_size=n, unique=True))
    orgs = [draw(st.sampled_from(["", "DfE", "HM Revenue", " MoJ "])) for _ in ids]
    hist = [(draw(st.integers(0, 40)), *draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))) for _ in range(draw(st.integers(0, 40)))]
    blocked = [tuple(draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))) for _ in range(draw(st.integers(0, 5)))]
    crlf = draw(st.booleans())
    return ids, orgs, hist, blocked, crlf


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(csv_files())
def test_fast_and_reference_readers_agree_on_valid_files(tmp_path, files):
    ids, orgs, hist, blocked, crlf = files
    nl = "\r\n" if crlf else "\n"
    p = write(tmp_path, "P.csv", nl.join(["id,organisation", *(f"{i},{o}" for i, o in zip(ids, orgs, strict=False))]) + nl)
    h = write(tmp_path, "H.csv", nl.join(["round,a,b", *(f"{r},{a},{b}" for r, a, b in hist)]) + nl)
    b = write(tmp_path, "B.csv", nl.join(["a,b", *(f"{x},{y}" for x, y in blocked)]) + nl)
    # The fast reader itself, not read_inputs: its fallback to the reference reader must not hide a failure.
    _same_inputs(csvio._fast_inputs(p, h, b, 2, True), csvio._slow_inputs(p, h, b, 2, True))
    # and both agree with the plain-data API
    people = [Participant(i, o.strip()) for i, o in zip(ids, orgs, strict=False)]
    out = tmp_path / "G.csv"
    out.unlink(missing_ok=True)
    args = ["--participants", str(p), "--history", str(h), "--blocked", str(b), "--out", str(out), "--seed", "5"]
    try:
        api = match(people, history=[PastMeeting(r, a, c) for r, a, c in hist], blocked=blocked, seed=5)
    except MatchingError:
        assert cli.main(args) == 1
        assert not out.exists()
        return
    assert cli.main(args) == 0
    assert sorted(map(tuple, read_groups(out))) == sorted(g.members for g in api.groups)


def _same_inputs(fast: csvio.Inputs, slow: csvio.Inputs) -> None:
    assert fast.ids.tolist() == slow.ids.tolist()
    for field in ("org", "met_key", "met_round", "met_rank", "blocked_key", "last_big"):
        assert np.array_equal(getattr(fast.problem, field), getattr(slow.problem, field)), field


@pytest.mark.parametrize("text", [
    # The longest id 17 bytes or more, a short one at the very end: the fast reader read past its buffer.
    "id,organisation\n\u00e9aXa1cZ10aZ-\u00e9_Z,HM Revenue\n\u00e90,\n",
    "id,organisation\n" + "".join(f"person.{n}@example.gov.uk,Org {n % 3}\n" for n in range(40)) + "x,Org 1\n",
    "id,organisation\n" + "a" * 200 + ",DfE\nb,\n",
    # One organisation spelt with and without padding, one id padded: the same codes as unpadded.
    "id,organisation\n a ,DfE\nb, DfE \nc,HMRC\nd,  HMRC\n",
])
def test_the_fast_reader_reads_files_the_reference_reader_reads_the_same_way(tmp_path, text):
    path = write(tmp_path, "P.csv", text)
    _same_inputs(csvio._fast_inputs(path, None, None, 2, True), csvio._slow_inputs(path, None, None, 2, True))


def test_the_fast_reader_stays_on_the_fast_path_for_plain_files_whatever_the_id_lengths(tmp_path, monkeypatch):
    path = write(tmp_path, "P.csv", "id,organisation\n" + "".join(f"{'x' * (n % 30 + 1)}{n},O{n % 4}\n" for n in range(300)))
    monkeypatch.setattr(csvio, "_slow_inputs", lambda *args: pytest.fail("fell back to the reference reader"))
    assert len(csvio.read_inputs(path, None, None, 2, True).ids) == 300


def test_a_huge_id_is_refused_before_the_fast_reader_allocates_for_it(tmp_path):
    path = write(tmp_path, "P.csv", "id,organisation\n" + "i" * 100_000 + ",DfE\nb,HMRC\n")
    with pytest.raises(csvio._Fallback):
        csvio._fast_inputs(path, None, None, 2, True)
    with pytest.raises(csvio.InputError, match="line 2: id is longer than 200 bytes"):
        csvio.read_inputs(path, None, None, 2, True)


def test_ids_that_need_quoting_or_look_like_formulas_are_written_as_safe_csv(tmp_path):
    people = ['"Smith, Jo"', '"=HYPERLINK(""http://evil"")"', "+44 7911", "@sum", "-2", 'say "hi"', "plain"]
    write(tmp_path, "P.csv", "id,organisation\n" + "".join(f"{p},Org {i}\n" for i, p in enumerate(people)))
    assert cli.main(["--participants", str(tmp_path / "P.csv"), "--out", str(tmp_path / "G.csv"), "--seed", "2"]) == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "G.csv").read_text(), newline="")))[1:]
    written = sorted(pid for _group, pid in rows)
    assert written == sorted(["Smith, Jo", "'=HYPERLINK(\"http://evil\")", "'+44 7911", "'@sum", "'-2", 'say "hi"', "plain"])


def test_the_groups_file_is_byte_for_byte_what_it_was(tmp_path):
    """Golden bytes: the same files and seed give exactly this G.csv, on the fast path and the reference path."""
    write(tmp_path, "P.csv", "id,organisation\n" + "".join(f"p{n:02d},Org {n % 3}\n" for n in range(9)))
    write(tmp_path, "H.csv", "round,a,b\n1,p00,p03\n1,p01,p04\n2,p00,p06\n")
    args = ["--participants", str(tmp_path / "P.csv"), "--history", str(tmp_path / "H.csv"), "--seed", "7"]
    assert cli.main([*args, "--out", str(tmp_path / "G.csv")]) == 0
    golden = (tmp_path / "G.csv").read_bytes()
    assert golden == GOLDEN_G_CSV
    slow = csvio.read_inputs(tmp_path / "P.csv", tmp_path / "H.csv", None, 2, True, fast=False)
    assert csvio.render_groups(slow.ids, engine.solve(slow.problem, 7).gid) == golden


@pytest.mark.parametrize("text", [
    '"id",organisation\na,DfE\nb,HMRC\n',  # a quote in the header, at the very start of the file
    'id,organisation\na,"DfE"\nb,HMRC\n',  # a quoted field
    "id,organisation\na,DfE\n\nb,HMRC\n",  # a blank line between rows
    "id,organisation\na,DfE\rb,HMRC\r",  # old Mac line endings
    "id,organisation\na,D\tfE\nb,HMRC\n",  # a tab inside a field
    "id,organisation\na,D\0fE\nb,HMRC\n",  # a NUL
    "id,organisation,email\na,DfE\nb,HMRC,x@y\n",  # rows of different lengths
    "id\na\nb\n",  # a missing column
    "id,organisation\na,X\na,Y\n",  # two people, one id
    "id,organisation\na,X\nb,Y\nc,Z\nc,W\n",  # a duplicate at the end
    "id,organisation\n,X\nb,Y\n",  # an empty id
])
def test_the_fast_reader_hands_over_every_file_it_cannot_read_exactly(tmp_path, text):
    path = write(tmp_path, "P.csv", text)
    with pytest.raises(csvio._Fallback):
        csvio._fast_inputs(path, None, None, 2, True)


def test_the_fast_reader_hands_over_history_it_cannot_read_exactly(tmp_path):
    people = write(tmp_path, "P.csv", PEOPLE)
    for history in ("round,a,b\n-1,a,b\n", "round,a,b\n1:,a,b\n", "round,a,b\n1,,b\n", "round,a,b\n1,a,zed\n", "round,a,b\n1,a,a\n", "round,a,b\n" + "9" * 18 + ",a,b\n",
                    "round,a,b\n2000000000,a,b\n", "round,a,b\n1,a,aaaaaaaaaaaa\n"):
        with pytest.raises(csvio._Fallback):
            csvio._fast_inputs(people, write(tmp_path, "H.csv", history), None, 2, True)


def test_the_groups_file_is_written_whole_or_not_at_all(tmp_path):
    target = tmp_path / "G.csv"
    old_umask = os.umask(0o022)
    try:
        csvio.write_atomically(target, b"group,id\n1,a\n")
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"group,id\n1,a\n"
    assert target.stat().st_mode & 0o777 == 0o644
    (tmp_path / "dir").mkdir()
    with pytest.raises(OSError):
        csvio.write_atomically(tmp_path / "dir", b"x")  # cannot replace a directory: nothing is left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["G.csv", "dir"]


def test_the_fast_reader_hands_over_blocks_with_an_empty_id(tmp_path):
    with pytest.raises(csvio._Fallback):
        csvio._fast_inputs(write(tmp_path, "P.csv", PEOPLE), None, write(tmp_path, "B.csv", "a,b\na,\n"), 2, True)


def test_the_largest_round_number_is_read_the_same_by_both_readers(tmp_path):
    p = write(tmp_path, "P.csv", PEOPLE)
    h = write(tmp_path, "H.csv", "round,a,b\n1000000000,a,b\n7,c,d\n")
    _same_inputs(csvio._fast_inputs(p, h, None, 2, True), csvio._slow_inputs(p, h, None, 2, True))


def test_a_missing_file_is_named_in_the_error(tmp_path):
    with pytest.raises(csvio.InputError) as error:
        csvio.read_inputs(tmp_path / "nope.csv", None, None, 2, True)
    assert str(error.value) == f"{tmp_path / 'nope.csv'}: cannot read the file (No such file or directory)"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text("abcXYZ019_.é", min_size=1, max_size=12), min_size=2, max_size=60, unique=True), st.integers(0, 10**6))
def test_the_fast_writer_writes_what_the_csv_module_writes(ids, seed):
    """Plain ids: the vectorised G.csv writer and Python's csv module give the same bytes (groups into two digits)."""
    encoded = np.array([i.encode() for i in sorted(ids)], dtype=f"S{max(8, max(len(i.encode()) for i in ids))}")
    gid = np.random.default_rng(seed).integers(0, max(1, len(ids) // 2), size=len(ids))
    assert csvio.render_groups(encoded, gid) == csvio._render_groups_with_csv(encoded, gid)


def test_groups_numbered_past_nine_are_written_in_full(tmp_path):
    ids = np.array([f"p{n:02d}".encode() for n in range(24)], dtype="S8")
    gid = np.arange(24) // 2
    rows = csvio.render_groups(ids, gid).decode().splitlines()
    assert rows[0] == "group,id" and rows[-2:] == ["12,p22", "12,p23"] and rows[19:21] == ["10,p18", "10,p19"]
