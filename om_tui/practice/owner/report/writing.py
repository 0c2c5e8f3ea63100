"""Writing the report: rendered in the format asked for, the trail's head beside
it, written whole or not at all (a private temporary file renamed over the target,
0600), and noted in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import platformdirs
from peewee import Database

from om_tui.practice.clock import Clock
from om_tui.practice.owner.report.as_csv import render_csv
from om_tui.practice.owner.report.as_markdown import render_markdown
from om_tui.practice.owner.report.contents import FORMATS, ReportError, WeeklyReport
from om_tui.practice.owner.report.gathering import gather
from om_tui.practice.people import anchors, audit
from om_tui.practice.people.anchors import Anchor
from om_tui.practice.settings import PracticeSettings


def render(report: WeeklyReport, form: str) -> str:
    """The report as text in a format of FORMATS."""
    if form == "md":
        return render_markdown(report)
    if form == "csv":
        return render_csv(report)
    if form == "html":
        from om_tui.practice.owner.report.as_html import render_html

        return render_html(report)
    raise ReportError(f"A report is written as {', '.join(FORMATS)} (not {form!r}).")


def with_trail_head(text: str, form: str, head: Anchor | None) -> str:
    """The report with the audit trail's head at its foot: an anchor out of the database's
    reach (anchors.py), to hold the trail against later (`audit verify --anchor N:HASH`)."""
    if head is None:
        return text
    if form == "csv":
        return f"{text}[audit]\nentries,head\n{head.count},{head.hash}\n\n"
    line = f"Audit trail: {head.count} entries, head {head.hash}"
    if form == "html":
        foot = f'<p class="anchor">{line}</p>\n</body>'
        return text.replace("</body>", foot, 1) if "</body>" in text else text
    return f"{text}\n{line}\n"


def default_folder() -> Path:
    """Where a report goes unless told: the Documents folder if there is one, else om-tui's
    data folder (beside the practice's database), made (private) if it is not there yet."""
    documents = Path(platformdirs.user_documents_dir())
    if documents.is_dir():
        return documents
    data = Path(platformdirs.user_data_dir("om-tui", appauthor=False))
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    return data


def default_name(week: dt.date, form: str) -> str:
    return f"weekly-report-{week.isoformat()}.{form}"


def write_file(text: str, path: Path) -> Path:
    """Write `text` to `path` whole or not at all, private (0600). ReportError if it cannot."""
    path = path.expanduser()
    where = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ReportError(f"{path} is a folder: give the report a file name.")
    if path.exists() and not path.is_file():  # /dev/full, a pipe: the rename would replace it
        raise ReportError(f"{path} is not a file: give the report a file name.")
    if not where.is_dir():
        raise ReportError(f"Cannot write the report to {path}: the folder {where} does not exist.")
    temporary: str | None = None
    try:
        # mkstemp makes the file 0600; the rename keeps it so, over whatever was there.
        handle, temporary = tempfile.mkstemp(dir=where, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise ReportError(f"Cannot write the report to {path}: {reason}.") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return path


def note_written(database: Database, report: WeeklyReport, form: str, to: str) -> None:
    """The audit trail keeps who took the week's report out of the app, and where to."""
    audit.record(
        database,
        "weekly_report",
        f"week ending {report.week.isoformat()}",
        {"format": form, "to": to},
    )


def write_report(
    database: Database,
    clock: Clock,
    settings: PracticeSettings,
    *,
    day: dt.date | None,
    form: str,
    path: Path | None,
    out: Callable[[str], object] | None = None,
) -> tuple[WeeklyReport, Path | None]:
    """Gather, render and write a report: to `path`, or through `out` when there is none."""
    if form not in FORMATS:
        raise ReportError(f"A report is written as {', '.join(FORMATS)} (not {form!r}).")
    report = gather(database, clock, settings, day)
    head = anchors.head(database)
    text = with_trail_head(render(report, form), form, head)
    why = f"report week ending {report.week.isoformat()}"
    if path is None:
        if out is None:
            raise ReportError("Say where the report goes.")
        out(text)
        note_written(database, report, form, "standard output")
        anchors.write(database, clock, why, head)
        return report, None
    written = write_file(text, path)
    note_written(database, report, form, str(written))
    anchors.write(database, clock, why, head)
    return report, written
