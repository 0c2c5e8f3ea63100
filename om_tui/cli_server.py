"""`om-tui backup` and `om-tui restore` on a PostgreSQL store (practice/server_backup.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def backups(target: str, args: argparse.Namespace) -> int:
    from db import StoreError, close_database, default_path, open_database, postgres
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.people import audit, server_backup
    from om_tui.practice.people.backup import BackupError

    try:
        if args.command == "backup":
            database = open_database(target, create=False)
            try:
                folder = Path(args.folder) if args.folder else default_path().parent / "backups"
                made = server_backup.back_up(database, SystemClock(), folder, keep=args.keep)
            finally:
                close_database(database)
            removed = f"; {len(made.removed)} older removed" if made.removed else ""
            print(f"Backup written to {made.path} (checked with pg_restore --list{removed}).")
            return 0
        try:
            empty = postgres.connect(target)  # not migrated: it must stay empty until restored
        except postgres.ServerError as error:
            raise StoreError(str(error)) from None
        try:
            server_backup.restore(Path(args.file), empty)
        finally:
            empty.close()
        restored = open_database(target, create=False)
        try:
            audit.set_terminal(restored, audit.cli_terminal())
            server_backup.note_restored(restored, Path(args.file))
        finally:
            close_database(restored)
    except (BackupError, StoreError) as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    print(f"Restored {postgres.shown(target)} from {args.file}.")
    return 0
