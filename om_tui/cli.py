"""The `om-tui` command: options and subcommands, nothing else.

One idea, the command's options and subcommands; each subcommand's rules are in the
practice, the schedule's and imports' options in cli_schedule.py and cli_imports.py.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import platformdirs

from om_tui import __version__, drivers

if TYPE_CHECKING:
    import argparse

    from peewee import Database

    from om_tui.practice.people.backup import Restored
    from om_tui.practice.people.ssh_access import PublicKey

STAGE_NAMES = ("arrived", "roomed", "with_provider", "checkout")
COMPUTED_NAMES = (
    "visits",
    "new_patients",
    "no_shows",
    "cancellations",
    "average_wait",
    "average_visit_length",
    "applicants",
    "interviews",
    "hires",
    "reactivations",
    "confirmation_rate",
)


_VALUED_OPTIONS = ("--db", "--user", "--ssh-user", "--ssh-key")


def _opens_the_app(argv: list[str]) -> bool:
    """Only the app's own options (no command, no --help): the commands' parsers can wait."""
    taking_value = False
    for word in argv:
        if taking_value:
            taking_value = False
        elif word in _VALUED_OPTIONS:
            taking_value = True
        elif not (word == "--demo" or word.split("=", 1)[0] in _VALUED_OPTIONS):
            return False
    return True


def _app_options(argv: list[str]) -> SimpleNamespace | None:
    """The app's own options, read without argparse where they are all there is, each
    plainly written (most starts: argparse's import and its parser are a few ms of one).
    Anything else (a command, --help, a value that is not plain) is None: the parser reads
    it, and says what is wrong. The same values as the parser's (a test checks)."""
    options = SimpleNamespace(
        db=None, demo=False, user=None, ssh_user=None, ssh_key="", command=None
    )
    words = iter(argv)
    for word in words:
        if word == "--demo":
            options.demo = True
            continue
        name, equals, value = word.partition("=")
        if name not in _VALUED_OPTIONS:
            return None
        if not equals:
            following = next(words, None)
            if following is None or following.startswith("-"):
                return None
            value = following
        if name == "--ssh-user":
            try:
                options.ssh_user = int(value)
            except ValueError:
                return None
        else:
            setattr(options, name[2:].replace("-", "_"), value)
    return options


def build_parser(commands_too: bool = True) -> argparse.ArgumentParser:
    """The command line; without `commands_too`, the app's options only (a quicker start:
    the commands' parsers take tens of ms to build)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="om-tui",
        description="The Office Manager's instrument panel for a small private practice.",
    )
    parser.add_argument("--version", action="version", version=f"om-tui {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="the practice database: a file path, or postgresql://… "
        "(default: practice.db in your user data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo practice (created if absent; default file demo.db in your data folder)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="who is logging in (the start of the name will do): only the PIN is asked",
    )
    # Written by `ssh authorize` into a key's forced command: that key's session is its
    # person's only (no one else logs in on it), and the trail names the key.
    parser.add_argument("--ssh-user", type=int, metavar="ID", help=argparse.SUPPRESS)
    parser.add_argument("--ssh-key", default="", metavar="KEY", help=argparse.SUPPRESS)
    if not commands_too:
        parser.set_defaults(command=None)
        return parser
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    config = commands.add_parser("settings", help="show or change the practice's settings")
    changes = config.add_subparsers(dest="setting", metavar="SETTING")
    threshold = changes.add_parser(
        "threshold", help="minutes in a stage before the board warns, then alerts"
    )
    threshold.add_argument("stage", choices=STAGE_NAMES)
    threshold.add_argument("warn", type=int, help="minutes before a warning")
    threshold.add_argument("alert", type=int, help="minutes before an alert")
    late = changes.add_parser(
        "late-after", help="minutes after the appointment time a patient is late"
    )
    late.add_argument("minutes", type=int)
    zone = changes.add_parser("timezone", help="the practice's time zone, e.g. America/Chicago")
    zone.add_argument("name")
    name = changes.add_parser("name", help="the practice's name, shown on the board")
    name.add_argument("name")
    week = changes.add_parser(
        "week-ends",
        help='when the stats week ends: weekday 0-6 (Monday 0) and time, e.g. "3 14:00"',
    )
    week.add_argument("when")
    open_days = changes.add_parser(
        "open-days",
        help='the weekdays the office is open, when daily checklist items are due: "0 1 2 3 4"',
    )
    open_days.add_argument("days", help="weekday numbers, Monday 0 … Sunday 6")
    idle = changes.add_parser(
        "idle-lock", help="minutes without a key before a terminal locks itself (default 10)"
    )
    idle.add_argument("minutes", type=int)
    _stats_commands(commands)
    _leave_commands(commands)
    _ssh_commands(commands)
    _backup_commands(commands)
    _audit_commands(commands)
    _report_commands(commands)
    _org_commands(commands)
    _hiring_commands(commands)
    _offboarding_commands(commands)
    from om_tui import cli_schedule

    cli_schedule.add_commands(commands)
    return parser


def _org_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    org = commands.add_parser(
        "org", help="the org board: divisions, departments, posts, holders, conditions"
    )
    org.add_argument(
        "--format", choices=("md", "html"), default="md", help="Markdown, or HTML to print (A4)"
    )
    org.add_argument("--output", "-o", type=Path, help="write to this file (default: print it)")


def _hiring_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hiring = commands.add_parser("hiring", help="job candidates' data: delete it, and when")
    actions = hiring.add_subparsers(dest="hiring_command", metavar="ACTION", required=True)
    forget = actions.add_parser("forget", help="delete one candidate's data now, by number")
    forget.add_argument("candidate", type=int, help="the candidate's number (Hiring shows it)")
    actions.add_parser("purge", help="delete the candidates of openings closed long enough ago")
    keep = actions.add_parser("keep-days", help="days candidates are kept after an opening closes")
    keep.add_argument("days", type=int, nargs="?", help="a new number of days (else: show it)")


def _hiring(database: Database, args: argparse.Namespace) -> int:
    from om_tui.practice import settings
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.org.access import ADMINISTRATOR
    from om_tui.practice.org.hiring import Hiring, keep_days, set_keep_days
    from om_tui.practice.refusal import Refusal

    hiring = Hiring(database, SystemClock(), settings.load(database), ADMINISTRATOR)
    try:
        if args.hiring_command == "forget":
            name = hiring.forget(args.candidate)
            print(f"Candidate {args.candidate} ({name}): their data is deleted.")
        elif args.hiring_command == "purge":
            print(f"{hiring.purge()} candidates' data deleted.")
        elif args.days is not None:
            set_keep_days(database, args.days, by=ADMINISTRATOR)
            print(f"Candidates are kept {args.days} days after an opening closes.")
        else:
            print(f"Candidates are kept {keep_days(database)} days after an opening closes.")
    except Refusal as refusal:
        print(f"om-tui: {refusal}", file=sys.stderr)
        return 2
    return 0


def _offboarding_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    offboarding = commands.add_parser(
        "offboarding", help="someone leaving: the practice's own checklist items"
    )
    actions = offboarding.add_subparsers(
        dest="offboarding_command", metavar="ACTION", required=True
    )
    items = actions.add_parser("items", help="show the items, or set them (in order)")
    items.add_argument("item", nargs="*", help='e.g. "Keys returned" "Email account closed"')


def _offboarding(database: Database, args: argparse.Namespace) -> int:
    from om_tui.practice.org.access import ADMINISTRATOR
    from om_tui.practice.org.leaving import leaving_items, set_leaving_items
    from om_tui.practice.refusal import Refusal

    if args.item:
        try:
            set_leaving_items(database, args.item, by=ADMINISTRATOR)
        except Refusal as refusal:
            print(f"om-tui: {refusal}", file=sys.stderr)
            return 2
    for number, item in enumerate(leaving_items(database), start=1):
        print(f"{number}. {item}")
    return 0


def _org(database: Database, args: argparse.Namespace) -> int:
    from om_tui.practice import settings
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.org.board import read_board
    from om_tui.practice.org.export import as_html, as_markdown

    practice = settings.load(database)
    board = read_board(database, SystemClock(), practice)
    name = settings.get(database, settings.NAME) or "The practice"
    text = as_html(board, name) if args.format == "html" else as_markdown(board, name)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as error:
        print(f"om-tui: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"The org board written to {args.output}.")
    return 0


def _report_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser("report", help="the weekly report, as Markdown, HTML or CSV")
    kinds = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    week = kinds.add_parser(
        "week",
        help="one stats week: stats and conditions, flow, compliance, orders, programs, the line",
    )
    week.add_argument(
        "--week",
        type=_past_date,
        metavar="DAY",
        help="any day of the week (default: the last week that has ended)",
    )
    week.add_argument("--format", choices=("md", "html", "csv"), default="md")
    week.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write it here, private (default: print)"
    )


def _report(database: Database, args: argparse.Namespace) -> int:
    from om_tui.practice import settings, time_words
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.owner.report.contents import ReportError
    from om_tui.practice.owner.report.writing import write_report

    try:
        report, path = write_report(
            database,
            SystemClock(),
            settings.load(database),
            day=args.week,
            form=args.format,
            path=args.output,
            out=sys.stdout.write,
        )
    except ReportError as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `om-tui report week | head`: the reader left early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    if path is not None:
        week = time_words.day_text(report.week, year=True)
        print(f"Weekly report for the week ending {week} written to {path}.")
    return 0


def _audit_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    trail = commands.add_parser("audit", help="the audit trail of who changed what")
    actions = trail.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="check that no entry of the trail was altered or removed, and that it holds every "
        "anchor of its head (the anchor log, the backups'): exit 1 if not",
    )
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="COUNT:HASH|FILE",
        help="an anchor kept elsewhere: typed from a report's foot, or a file holding anchors "
        "(a backup's .anchor, a weekly report); repeatable",
    )
    verify.add_argument(
        "--deep",
        action="store_true",
        help="also replay the trail against the tables: name the rows written around it",
    )


def _audit(database: Database, args: argparse.Namespace) -> int:
    from om_tui.practice.people import anchors, trail_check

    try:
        given = [anchor for text in args.anchor for anchor in anchors.given(text)]
    except anchors.AnchorError as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    result = trail_check.check(database, given, deep=args.deep)
    print("\n".join(result.lines))
    return 0 if result.ok else 1


def _backup_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser(
        "backup", help="a checked, dated copy of the database, taken while others keep working"
    )
    backup.add_argument(
        "folder", nargs="?", metavar="DIR", help="where to (default: backups/ beside the database)"
    )
    backup.add_argument(
        "--keep", type=_whole(1, 10_000), default=14, metavar="N", help="keep the newest N"
    )
    restore = commands.add_parser(
        "restore", help="replace the database with a backup (the replaced one is kept)"
    )
    restore.add_argument("file", metavar="FILE", help="the backup to restore")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def _backups(target: str, args: argparse.Namespace) -> int:
    if "://" in target:  # a server database: pg_dump and pg_restore
        from om_tui import cli_server

        return cli_server.backups(target, args)
    from db import StoreError, open_database
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.people import backup

    try:
        path = backup.database_file(target)
        if args.command == "backup":
            if not path.is_file():
                raise backup.BackupError(f"No database at {path}: nothing to back up.")
            database = open_database(path)
            try:
                folder = Path(args.folder) if args.folder else None
                made = backup.back_up(database, SystemClock(), folder, keep=args.keep)
            finally:
                database.close()
            removed = f"; {len(made.removed)} older removed" if made.removed else ""
            print(f"Backup written to {made.path} (integrity checked{removed}).")
            if not made.recorded:
                print("Its time is not recorded: the database is read-only for you.")
            return 0
        found = backup.check_backup(Path(args.file))
        backup.check_target(found, path)
        if not args.yes:
            answer = _ask(f"Replace {path} with {found.path} (the current one is kept)? [y/N] ")
            if answer is None:
                print("om-tui: Not restored: no one to ask (--yes skips asking).", file=sys.stderr)
                return 1
            if answer not in ("y", "yes"):
                print("Not restored: nothing was changed.")
                return 1
        restored = backup.restore(found, path, SystemClock())
    except (backup.BackupError, StoreError) as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a person never sees a traceback
        print(f"om-tui: {error.strerror or type(error).__name__}.", file=sys.stderr)
        return 2
    kept = f"; the database it replaced is kept as {restored.replaced}" if restored.replaced else ""
    print(f"Restored {restored.database} from {found.path}{kept}.")
    _note_restored(restored, found.path)
    return 0


def _note_restored(restored: Restored, source: Path) -> None:
    """The restore goes on the restored database's trail, from the command line."""
    from db import StoreError, open_database
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.people import audit, backup

    try:
        database = open_database(restored.database)
    except StoreError as error:
        print(f"om-tui: restored, but not noted on its audit trail: {error}", file=sys.stderr)
        return
    try:
        audit.set_terminal(database, audit.cli_terminal())
        backup.note_restored(database, SystemClock(), restored, source)
    finally:
        database.close()


def _ask(question: str) -> str | None:
    """The answer, in lower case; None when no one is there to answer."""
    try:
        return input(question).strip().lower()
    except (EOFError, OSError):
        print()
        return None


def _ssh_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ssh = commands.add_parser("ssh", help="let a person reach om-tui over SSH, and only om-tui")
    actions = ssh.add_subparsers(dest="ssh_command", metavar="ACTION", required=True)
    authorize = actions.add_parser(
        "authorize",
        help="the authorized_keys line that locks a public key to om-tui for one person",
    )
    authorize.add_argument(
        "--user", required=True, metavar="NAME", help="the active staff member, by name"
    )
    authorize.add_argument("key_file", type=Path, metavar="PUBKEY_FILE", help="e.g. id_ed25519.pub")
    authorize.add_argument(
        "--write", action="store_true", help="append it to ~/.ssh/authorized_keys (else print it)"
    )
    authorize.add_argument(
        "--colors",
        choices=("truecolor", "256", "standard"),
        help="the colours of that person's terminal (default: what TERM says, 256 at most)",
    )
    revoke = actions.add_parser(
        "revoke", help="take a public key out of ~/.ssh/authorized_keys: it opens om-tui no more"
    )
    revoke.add_argument("key_file", type=Path, metavar="PUBKEY_FILE", help="e.g. id_ed25519.pub")


def _leave_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    leave = commands.add_parser("leave", help="who is away: they owe no checklist items then")
    actions = leave.add_subparsers(dest="leave_command", metavar="ACTION")
    actions.add_parser("list", help="leave from today on (the default)")
    add = actions.add_parser("add", help="a person away from one day to another, both included")
    add.add_argument("name", help="the staff member (the start of the name will do)")
    add.add_argument("first", type=_date, help="first day away (2026-03-02, 2 mar, mon…)")
    add.add_argument("last", type=_date, help="last day away")
    add.add_argument("--note", default="", help="e.g. holiday, course")
    remove = actions.add_parser("remove", help="take back a leave, by its number")
    remove.add_argument("number", type=_whole(1, 2**62))


def _date(text: str, *, ahead: bool = True) -> dt.date:
    """An argparse type: a day as typed anywhere in om-tui ("2026-03-02", "2 mar", "fri");
    a day without its year, or a weekday, is the next one (`ahead`) or the last one."""
    import argparse

    from om_tui.practice import time_words

    try:
        day = time_words.day(text, dt.date.today(), ValueError, ahead=ahead, asked="Which day?")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if not 1900 <= day.year <= 2999:
        raise argparse.ArgumentTypeError(f"a date from 1900 to 2999, not {text!r}")
    return day


def _past_date(text: str) -> dt.date:
    """A day of a week gone by: "fri" is the last Friday."""
    return _date(text, ahead=False)


def _whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (no int SQLite cannot hold,
    no loop that runs for ever)."""

    def number(text: str) -> int:
        import argparse

        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"a whole number, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"a number from {low} to {high:,}, not {text}")
        return value

    return number


def _stats_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = commands.add_parser("stats", help="list, add and change stats; count the flow's")
    actions = stats.add_subparsers(dest="stats_command", metavar="ACTION", required=True)
    actions.add_parser("list", help="every stat, with how its value comes")
    add = actions.add_parser("add", help="a new stat")
    add.add_argument("short_name", help="one word, what formulas call it (e.g. referrals)")
    add.add_argument("name", help="as shown (e.g. 'Referrals received')")
    add.add_argument("--post", required=True, help="the post (hat) that owns it")
    add.add_argument("--unit", choices=("count", "money", "minutes", "percent"), default="count")
    how = add.add_mutually_exclusive_group()
    how.add_argument(
        "--computed", choices=COMPUTED_NAMES, help="counted from the patient flow (or hiring)"
    )
    how.add_argument("--formula", help="over other stats, e.g. 'visits / new_patients'")
    add.add_argument("--daily", action="store_true", help="typed day by day, rolled up")
    add.add_argument("--rollup", choices=("sum", "average", "last"), default="sum")
    add.add_argument("--down-is-good", action="store_true", help="e.g. no-shows, waits")
    add.add_argument("--quota", type=float, help="weekly quota")
    change = actions.add_parser("set", help="change a stat's quota, scale or thresholds")
    change.add_argument("short_name")
    change.add_argument("--name")
    change.add_argument("--quota", type=float)
    change.add_argument("--scale", nargs=2, type=float, metavar=("BOTTOM", "TOP"))
    change.add_argument("--auto-scale", action="store_true", help="the graph scales itself")
    change.add_argument("--affluence", type=float, help="%% change above which: Affluence")
    change.add_argument("--danger", type=float, help="%% change below which: Danger")
    change.add_argument("--non-existence", type=float, help="%% change below which: Non-Existence")
    change.add_argument("--gap-is-zero", choices=("yes", "no"), help="a week with no value is 0")
    retire = actions.add_parser("retire", help="stop showing a stat (its history stays)")
    retire.add_argument("short_name")
    main_stats = actions.add_parser(
        "main", help="the owner's overview's main stats, graphed small: show or choose them"
    )
    main_stats.add_argument("short_names", nargs="*", metavar="SHORT_NAME", help="in order")
    main_stats.add_argument(
        "--rule", action="store_true", help="forget the choice: visits, new patients, … again"
    )
    count = actions.add_parser("recompute", help="count the flow's figures into computed stats")
    count.add_argument(
        "--weeks", type=_whole(1, 520), default=2, help="this week and the N-1 before"
    )


def main(argv: list[str] | None = None) -> int:
    # Start-up makes many objects and frees few (modules, classes, the first screen): the
    # collector's passes meanwhile find nothing to free, and cost a sixth of the start. It
    # is on again once the first screen is drawn (OmTuiApp.on_mount), or before a command.
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: list[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    # The app's options alone (most starts) have the parser's attributes, without argparse.
    args = cast("argparse.Namespace", _app_options(words)) or build_parser(
        commands_too=not _opens_the_app(words)
    ).parse_args(words)
    _start_log()
    drivers.prepare(args.db)  # before peewee's import
    # Imported here so `om-tui --help` stays instant.
    import sqlite3

    from peewee import DatabaseError

    from db import StoreError, close_database, open_database, problem

    target = args.db
    if target is None:
        data = Path(platformdirs.user_data_dir("om-tui", appauthor=False))
        target = str(data / ("demo.db" if args.demo else "practice.db"))
    if args.command is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "om-tui: needs a terminal (run it in a terminal, or over ssh with -t).", file=sys.stderr
        )
        return 2
    if args.command in ("backup", "restore"):
        return _backups(target, args)  # before opening: a restore must find the file unused
    try:
        # Only the first run (the app, no command) and the demo make a new practice: a
        # mistyped --db for a command must not leave an empty one behind.
        database = open_database(
            target,
            create=args.command is None or args.demo,
            # The app checks them once its login is drawn (the demo writes first: not then).
            triggers_later=args.command is None and not args.demo,
        )
        if args.demo:
            _open_demo(database)
    except StoreError as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    try:
        return _run(database, target, args)
    except (DatabaseError, sqlite3.Error) as error:  # read-only, locked, damaged: one line
        print(f"om-tui: {problem(error, target)}", file=sys.stderr)
        return 2
    except Exception as error:  # a person never sees a traceback
        # The kind only: a message can quote the values (patient data) involved.
        logging.getLogger("om_tui.cli").error("%s failed: %s", args.command, type(error).__name__)
        print(
            f"om-tui: {args.command} failed ({type(error).__name__}); it is logged. "
            "Nothing more was changed.",
            file=sys.stderr,
        )
        return 1
    finally:
        close_database(database)


def _run(database: Database, target: str, args: argparse.Namespace) -> int:
    """The command asked for, or the app when none was."""
    if args.command is not None:
        gc.enable()
        from om_tui.practice.people import audit

        # The machine's administrator: every check lets the command line through
        # (roles.ADMINISTRATOR); the trail names no person, and this terminal.
        audit.set_terminal(database, audit.cli_terminal())
    if args.command == "report":
        return _report(database, args)
    if args.command == "audit":
        return _audit(database, args)
    if args.command == "org":
        return _org(database, args)
    if args.command == "hiring":
        return _hiring(database, args)
    if args.command == "offboarding":
        return _offboarding(database, args)
    if args.command == "settings":
        return _settings(database, args)
    if args.command == "stats":
        return _stats(database, args)
    if args.command == "leave":
        return _leave(database, args)
    if args.command == "ssh":
        return _ssh(database, target, args)
    if args.command == "schedule":
        from om_tui import cli_schedule

        return cli_schedule.run(database, args)
    from om_tui.app import make_app

    pin = None
    if args.ssh_user is not None:  # an SSH key's forced command
        from om_tui.practice.people.sessions import Pin

        pin = Pin(args.ssh_user, args.ssh_key)
    app = make_app(database, login=True, user=args.user, pin=pin)

    def hung_up(signum: int, frame: object) -> None:
        """The session ends on the trail, then the process, at once: its terminal is gone."""
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        app.end_session("hangup")
        os._exit(128 + signal.SIGHUP)

    # A dropped SSH connection hangs the terminal up: the app must end with it, even when
    # started with SIGHUP ignored (nohup, a trap), or it spins on the dead terminal for ever.
    signal.signal(signal.SIGHUP, hung_up)
    app.run()
    if app.refusal is not None:  # found once the login was drawn: said as a refusal before
        print(f"om-tui: {app.refusal}", file=sys.stderr)
        return 2
    return app.return_code or 0  # 1 after an error nobody foresaw


def _ssh(database: Database, target: str, args: argparse.Namespace) -> int:
    from om_tui.practice.people import ssh_access

    try:
        key = ssh_access.read_public_key(args.key_file)
        if args.ssh_command == "revoke":
            return _revoke(database, key)
        staff_id, name = ssh_access.active_staff(args.user)
        where = target if "://" in target else os.path.abspath(target)
        command = ssh_access.forced_command(
            ssh_access.om_tui_program(), where, staff_id, key, demo=args.demo, colors=args.colors
        )
        line = ssh_access.authorized_keys_line(command, key)
        if not args.write:
            print(line)
            ssh_access.note_authorized(database, name, key, "printed")
            return 0
        keys = ssh_access.authorized_keys_file()
        if ssh_access.add_authorized_key(keys, line, key):
            ssh_access.note_authorized(database, name, key, str(keys))
            print(f"Added to {keys}: {name} may now connect with ssh -t to this account.")
        else:
            print(f"Already in {keys}: nothing changed.")
    except ssh_access.AccessError as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    return 0


def _revoke(database: Database, key: PublicKey) -> int:
    """`ssh revoke`: the key's lines out of authorized_keys, and the fact on the trail."""
    from om_tui.practice.people import ssh_access

    keys = ssh_access.authorized_keys_file()
    taken = ssh_access.remove_authorized_key(keys, key)
    if not taken:
        print(f"Not in {keys}: nothing changed.")
        return 0
    name = ssh_access.pinned_person(taken[0])
    ssh_access.note_revoked(database, name, key, keys)
    whose = f" ({name}'s)" if name else ""
    print(
        f"Removed from {keys}: the key {key.label}{whose} opens om-tui no more. "
        "A session it opened goes on until it ends."
    )
    return 0


def _open_demo(database: Database) -> None:
    from om_tui.demo.opening import open_demo_practice
    from om_tui.practice.clock import SystemClock

    open_demo_practice(database, SystemClock())


def _settings(database: Database, args: argparse.Namespace) -> int:
    from db.models import Stage
    from om_tui.practice import settings, time_words
    from om_tui.practice.hats.periods import open_days_of, parse_open_days, set_open_days
    from om_tui.practice.people.roles import ADMINISTRATOR as CLI
    from om_tui.practice.people.staff import idle_lock_minutes, set_idle_lock
    from om_tui.practice.refusal import Refusal
    from om_tui.practice.stats.weeks import WeekEnds, set_week_ends, week_ends_of

    try:
        if args.setting == "threshold":
            settings.set_threshold(database, Stage(args.stage), args.warn, args.alert, by=CLI)
        elif args.setting == "late-after":
            settings.set_late_after(database, args.minutes, by=CLI)
        elif args.setting == "timezone":
            settings.set_timezone(database, args.name, by=CLI)
        elif args.setting == "name":
            settings.set_name(database, args.name, by=CLI)
        elif args.setting == "week-ends":
            set_week_ends(database, WeekEnds.parse(args.when), by=CLI)
        elif args.setting == "open-days":
            set_open_days(database, parse_open_days(args.days), by=CLI)
        elif args.setting == "idle-lock":
            set_idle_lock(database, args.minutes, by=CLI)
    except Refusal as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    current = settings.load(database)
    ends = week_ends_of(database)
    print(f"Practice:   {current.name}")
    print(f"Week ends:  {time_words.WEEKDAYS[ends.weekday]} {time_words.clock(ends.at)} (stats)")
    open_days = ", ".join(time_words.WEEKDAYS_SHORT[day] for day in sorted(open_days_of(database)))
    print(f"Open days:  {open_days}")
    print(f"Time zone:  {current.timezone}")
    print(f"Late after: {current.late_after_minutes} min")
    print(f"Idle lock:  {idle_lock_minutes(database)} min")
    for stage, limits in current.thresholds.items():
        print(f"{stage.value:14} warn {limits.warn:3} min, alert {limits.alert:3} min")
    return 0


def _start_log() -> None:
    """Warnings go to a private file: the terminal belongs to the app. No patient data."""
    folder = Path(platformdirs.user_log_dir("om-tui", appauthor=False))
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / "om-tui.log"
        descriptor = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
        os.close(descriptor)
        logging.basicConfig(
            filename=path,
            level=logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
    except OSError:
        logging.basicConfig(handlers=[logging.NullHandler()])


def _leave(database: Database, args: argparse.Namespace) -> int:
    from om_tui.practice import settings, time_words
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.hats.service import Hats
    from om_tui.practice.hats.views import HatError
    from om_tui.practice.people.roles import ADMINISTRATOR

    hats = Hats(database, SystemClock(), settings.load(database), ADMINISTRATOR)
    try:
        if args.leave_command == "add":
            with database.atomic():
                hats.add_leave(hats.person_named(args.name), args.first, args.last, args.note)
        elif args.leave_command == "remove":
            hats.remove_leave(args.number)
    except HatError as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    rows = hats.leave()
    if not rows:
        print("No one is on leave from today on.")
    for number, name, first, last, note in rows:
        print(
            f"{number:4}  {name:24} {time_words.span_text(first, last, year=True)}  {note}".rstrip()
        )
    return 0


def _main_stats(database: Database, names: list[str], *, rule: bool) -> int:
    """Show the overview's main stats, or choose them (`rule`: back to the rule)."""
    from om_tui.practice.owner.overview import (
        DEFAULT_MAIN_STATS,
        MOST_MAIN_STATS,
        chosen_main_stats,
        set_main_stats,
    )
    from om_tui.practice.people.roles import ADMINISTRATOR

    if names and rule:
        print("om-tui: either name the main stats or --rule, not both.", file=sys.stderr)
        return 2
    if names or rule:
        set_main_stats(database, names, by=ADMINISTRATOR)  # a StatError is the caller's to print
    chosen = chosen_main_stats(database)
    if chosen is None:
        print(
            f"Main stats by the rule: {', '.join(DEFAULT_MAIN_STATS)}, then the stats of the"
            f" posts the owner holds ({MOST_MAIN_STATS} at most)."
        )
    else:
        print(f"Main stats, as chosen: {', '.join(chosen)}.")
    return 0


def _stats(database: Database, args: argparse.Namespace) -> int:
    import dataclasses
    import datetime as dt

    from db.models import StatSource
    from om_tui.practice import settings
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.people.roles import ADMINISTRATOR
    from om_tui.practice.stats.conditions import ConditionRule
    from om_tui.practice.stats.service import Stats
    from om_tui.practice.stats.values import StatError

    stats = Stats(database, SystemClock(), settings.load(database), ADMINISTRATOR)
    try:
        if args.stats_command == "add":
            source = (
                StatSource.COMPUTED
                if args.computed
                else StatSource.FORMULA
                if args.formula
                else StatSource.ENTERED
            )
            stats.define(
                short_name=args.short_name,
                name=args.name,
                post=stats.post_named(args.post),
                unit=args.unit,
                source=source,
                computed=args.computed,
                formula=args.formula,
                daily=args.daily,
                rollup=args.rollup,
                up_is_good=not args.down_is_good,
                quota=args.quota,
            )
        elif args.stats_command == "set":
            fields: dict[str, object] = {}
            if args.name is not None:  # an empty name is refused, not skipped
                fields["name"] = args.name
            if args.quota is not None:
                fields["quota"] = args.quota
            if args.scale:
                fields["scale_bottom"], fields["scale_top"] = args.scale
            if args.auto_scale:
                fields["scale_bottom"] = fields["scale_top"] = None
            if args.gap_is_zero:
                fields["gap_is_zero"] = args.gap_is_zero == "yes"
            limits = {
                k: v
                for k, v in (
                    ("affluence", args.affluence),
                    ("danger", args.danger),
                    ("non_existence", args.non_existence),
                )
                if v is not None
            }
            if limits:
                current = ConditionRule.from_json(stats.named(args.short_name).thresholds)
                fields["thresholds"] = dataclasses.replace(current, **limits).to_json()
            stats.change(args.short_name, **fields)
        elif args.stats_command == "retire":
            stats.retire(args.short_name)
        elif args.stats_command == "main":
            return _main_stats(database, args.short_names, rule=args.rule)
        elif args.stats_command == "recompute":
            week = stats.this_week()
            for back in range(max(args.weeks, 1)):
                stats.recompute(week - dt.timedelta(weeks=back))
            print(f"Counted the flow into computed stats for {max(args.weeks, 1)} week(s).")
            return 0
    except StatError as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    posts = dict(stats.posts())
    for stat in stats.stats():
        how = stat.computed if stat.source == StatSource.COMPUTED else stat.formula or "typed"
        extras = []
        if stat.daily:
            extras.append(f"daily, {stat.rollup}")
        if not stat.up_is_good:
            extras.append("down is good")
        if stat.quota is not None:
            extras.append(f"quota {stat.quota:g}")
        if stat.scale_bottom is not None or stat.scale_top is not None:
            extras.append(f"scale {stat.scale_bottom}..{stat.scale_top}")
        if stat.thresholds:
            extras.append(f"thresholds {stat.thresholds}")
        post = posts.get(stat.post_id, "—") if stat.post_id else "—"
        print(f"{stat.short_name:18} {stat.name:30} {post:24} {how}  {'; '.join(extras)}")
    return 0
