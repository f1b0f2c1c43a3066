"""Keep a set of child processes running: what `unmentoring serve` does with web, worker and scheduler.

A child that exits (crashed, killed, out of memory) is started again after a pause that doubles from
one second up to a minute, and shrinks back once it has stayed up for a minute. Only Ctrl-C or SIGTERM
stops everything.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

FIRST_WAIT = 1.0
MAX_WAIT = 60.0
HEALTHY_AFTER = 60.0


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    wait: float = FIRST_WAIT
    restart_at: float | None = None
    restarts: int = field(default=0)

    def start(self) -> None:
        self.process = subprocess.Popen(self.command)
        self.started = time.monotonic()
        self.restart_at = None


class Supervisor:
    def __init__(self, commands: dict[str, list[str]], *, log: Callable[[str], None]):
        self.children = [Child(name, command) for name, command in commands.items()]
        self.log = log
        self.stopping = False

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def run(self, *, poll: float = 0.5) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for child in self.children:
            child.start()
        try:
            while not self.stopping:
                self._check(time.monotonic())
                time.sleep(poll)
        finally:
            self._stop_all()
        return 0

    def _check(self, now: float) -> None:
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at and not self.stopping:
                    child.restarts += 1
                    self.log(f"Starting {child.name} again (restart {child.restarts}).")
                    child.start()
                continue
            code = child.process.poll()
            if code is None:
                if now - child.started >= HEALTHY_AFTER:
                    child.wait = FIRST_WAIT
                continue
            if now - child.started >= HEALTHY_AFTER:
                child.wait = FIRST_WAIT
            self.log(f"{child.name} exited with code {code}; starting it again in {child.wait:g} s.")
            child.restart_at = now + child.wait
            child.wait = min(child.wait * 2, MAX_WAIT)

    def _stop_all(self) -> None:
        running = [c.process for c in self.children if c.process is not None and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
