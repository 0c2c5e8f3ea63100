"""A folder the practice's system drops files into (as PMSs and interface engines
deliver): each file, once it has stopped growing, is imported and moved to done/ or
failed/, with its report beside it (`<name>.report.txt`).

A file is read only when two looks in a row found it the same size and age, so one
being written slowly is never read half. Files whose names start with "." or end in
.tmp or .part (the usual "still writing" names) are left alone until renamed. The
watcher keeps going after a failed file; a file that cannot be imported does not stop
the next.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from om_tui.practice.imports.apply import ImportRefused, ImportReport
from om_tui.practice.imports.records import ImportFileError

DONE, FAILED = "done", "failed"
_WRITING = (".tmp", ".part", ".partial", ".filepart")


@dataclass(frozen=True)
class Outcome:
    file: str
    done: bool
    said: list[str]


@dataclass
class Watcher:
    """Looks at `folder` each time `look` is called (the caller sets the pace)."""

    folder: Path
    import_one: Callable[[Path], ImportReport]
    _seen: dict[str, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for sub in (DONE, FAILED):
            (self.folder / sub).mkdir(mode=0o700, exist_ok=True)

    def look(self) -> list[Outcome]:
        """Import the files that stood still since the last look; note the others."""
        now_seen: dict[str, tuple[int, int]] = {}
        ready = []
        for path in sorted(self.folder.iterdir()):
            if not path.is_file() or path.name.startswith(".") or path.suffix in _WRITING:
                continue
            stat = path.stat()
            state = (stat.st_size, stat.st_mtime_ns)
            if self._seen.get(path.name) == state and stat.st_size > 0:
                ready.append(path)
            else:
                now_seen[path.name] = state
        self._seen = now_seen
        return [self._import(path) for path in ready]

    def _import(self, path: Path) -> Outcome:
        try:
            said = self.import_one(path).lines()
            done = True
        except ImportRefused as refused:
            said = [str(refused)] + [f"  {error}" for error in refused.errors]
            done = False
        except ImportFileError as error:
            said = [f"{path.name}: {error}"]
            done = False
        target = self.folder / (DONE if done else FAILED) / path.name
        again = 1
        while target.exists():  # the same name again (a nightly export): keep both
            target = target.with_name(f"{path.stem}-{again}{path.suffix}")
            again += 1
        shutil.move(str(path), target)
        report = target.with_name(target.name + ".report.txt")
        descriptor = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write("\n".join(said) + "\n")
        return Outcome(path.name, done, said)
