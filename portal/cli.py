"""The `portal` command: serve, migrate, load demo data, update translations,
verify the access log, show or rotate the portal's OpenID Connect keys."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from portal import clock
from portal.settings import Settings, SettingsError
from portal.schedule import calendar_days


def _fresh_sqlite(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise SystemExit("--fresh only works on a SQLite file database.")
    for suffix in ("", "-wal", "-shm"):
        Path(parsed.database + suffix).unlink(missing_ok=True)


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> None:
    from portal.db import make_engine
    from portal.migrate import upgrade

    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    print("Database is up to date.")


def cmd_demo(settings: Settings, args: argparse.Namespace) -> None:
    from portal.db import make_engine, transaction
    from portal.demo import load_demo_data
    from portal.identity_code import IdentityCodeVault
    from portal.migrate import upgrade

    if settings.production:
        raise SystemExit("Demo data is never loaded in production.")
    if args.fresh:
        _fresh_sqlite(settings.database_url)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with transaction(engine) as session:
        added = load_demo_data(session, vault=IdentityCodeVault(settings.identity_key))
    engine.dispose()
    print("Demo data loaded." if added else "Demo data was there already.")


def uvicorn_options(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    from portal import logs

    # uvicorn believes X-Forwarded-For from 127.0.0.1 by default (or from
    # FORWARDED_ALLOW_IPS): only the configured proxies are trusted here.
    trusted = ",".join(settings.trusted_proxies)
    return {
        "factory": True,
        "host": args.host or settings.host,
        "port": args.port or settings.port,
        "workers": args.workers or settings.workers,
        "loop": "uvloop",
        "http": "httptools",
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or "",
        "server_header": False,
        "log_level": "info",
        "access_log": False,  # portal.web.middleware.RequestLog logs route patterns, never raw paths
        "log_config": logs.dict_config(settings.log_format),  # uvicorn's own lines in the same format
    }


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    with metrics_directory():
        uvicorn.run("portal.app:create_app", **uvicorn_options(settings, args))  # type: ignore[arg-type]


@contextlib.contextmanager
def metrics_directory() -> Iterator[None]:
    """Where this instance's worker processes keep their metrics, so that a
    scrape of any one of them sums them all (prometheus_client's
    multi-process mode). PROMETHEUS_MULTIPROC_DIR if set (emptied first, as
    the mode asks), else a private folder removed at exit. It must be chosen
    before prometheus_client is first imported: portal.metrics is imported
    only by the app, which uvicorn loads after this."""
    import shutil
    import tempfile

    if "prometheus_client" in sys.modules:  # would keep its values in this process's memory
        raise SystemExit("portal serve: prometheus_client was imported before its directory was chosen.")
    chosen = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    directory = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="portal-metrics-"))
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    try:
        yield
    finally:
        if not chosen:
            shutil.rmtree(directory, ignore_errors=True)


def cmd_translations(_settings: Settings, args: argparse.Namespace) -> None:
    from portal import translations

    if args.action == "update":
        translations.update()
        print("Updated messages.pot and the sv and en catalogs.")
    else:
        failed = False
        for locale in translations.TRANSLATED_LOCALES:
            missing = translations.missing_translations(locale)
            for message in missing:
                print(f"{locale}: missing: {message}")
            failed = failed or bool(missing)
        sys.exit(1 if failed else 0)


def cmd_access_log(settings: Settings, args: argparse.Namespace) -> None:
    from sqlmodel import Session

    from portal import access_log
    from portal.db import make_engine

    engine = make_engine(settings.database_url)
    if args.action == "restored":
        _mark_restored(engine, settings, args)
        return
    if args.action == "seal":
        written = access_log.seal_pending(engine, checkpoint_path=settings.checkpoint_path)
        engine.dispose()
        print(f"Access log: {written} new seals.")
        return
    checkpoints = Path(args.checkpoints) if args.checkpoints else settings.checkpoint_path
    with Session(engine) as session:
        result = access_log.verify_chain(session, checkpoints=checkpoints)
    engine.dispose()
    if result.ok:
        print(f"Access log verified: {result.checked} events, chain intact "
              f"({result.sealed} sealed in {result.seals} seals, {result.checkpoints} checkpoints).")
        for restore in result.restores:
            print(f"Restore: {restore}.")
    elif result.first_broken_id is None:
        print(f"Access log broken: {result.problem}.")
    else:
        print(f"Access log broken at event {result.first_broken_id}: {result.problem}.")
    sys.exit(0 if result.ok else 1)


def _mark_restored(engine: Engine, settings: Settings, args: argparse.Namespace) -> None:
    from portal.access_log.restore import RestoreRefused, mark_restored

    if args.checkpoint is None:
        raise SystemExit("portal access-log restored: give --checkpoint N, the seal the backup ends with.")
    checkpoints = Path(args.checkpoints) if args.checkpoints else settings.checkpoint_path
    try:
        mark, sealed = mark_restored(engine, checkpoint_path=checkpoints, seal_id=args.checkpoint)
    except RestoreRefused as refused:
        raise SystemExit(f"portal access-log restored: refused: {refused}.") from None
    finally:
        engine.dispose()
    print(f"Restore marked: the database is at checkpoint {mark.seal_id} (events up to {mark.last_event_id}); "
          f"event {mark.mark_event_id} records the restore; {sealed} new seals.")


def cmd_backup(settings: Settings, args: argparse.Namespace) -> None:
    from portal.backup import BackupRefused, back_up

    try:
        newest = back_up(settings.database_url, Path(args.file))
    except BackupRefused as refused:
        raise SystemExit(f"portal backup: {refused}.") from None
    at = f"newest access-log seal {newest.id} (events up to {newest.last_event_id})" if newest else "no access-log seal yet"
    print(f"Backup written to {args.file}: {at}.")


def cmd_import(settings: Settings, args: argparse.Namespace) -> None:
    """Import memberships and attendance from a client-record system's JSON file (README)."""

    from sqlmodel import select

    from portal.attendance import importing
    from portal.db import make_engine, transaction
    from portal.identity_code import IdentityCodeVault, InvalidIdentityCode, validate
    from portal.models import Person

    vault = IdentityCodeVault(settings.identity_key)
    raw = Path(args.file).read_bytes()
    engine = make_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            try:
                lookup = vault.lookup_hash(validate(args.as_person))
            except InvalidIdentityCode:
                raise SystemExit("--as: not a valid identity code.") from None
            person_id = session.exec(select(Person.id).where(Person.identity_code_hash == lookup)).first()
            if person_id is None:
                raise SystemExit("--as: no such person.")
            outcome = importing.import_file(session, raw=raw, vault=vault, person_id=person_id, today=calendar_days.today(),
                                            request_id="cli")
            if outcome.problems:
                session.rollback()
    finally:
        engine.dispose()
    if outcome.problems:
        for problem in outcome.problems:
            where = f"{problem.section} row {problem.row}" if problem.row else problem.section
            print(f"{where}{', field ' + problem.field if problem.field else ''}: {problem.code}")
        print("Nothing was imported.")
        sys.exit(1)
    print(f"Imported: {outcome.created} new, {outcome.changed} changed, {outcome.unchanged} unchanged.")


def cmd_prune(settings: Settings, _args: argparse.Namespace) -> None:
    from datetime import timedelta

    from portal import rate_limit
    from portal.auth import login
    from portal.db import make_engine, transaction

    engine = make_engine(settings.database_url)
    with transaction(engine) as session:
        removed = login.prune(session)
        removed["rate_limit_windows"] = rate_limit.prune(session, older_than=clock.now() - timedelta(days=1))
    engine.dispose()
    print("Removed: " + ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in removed.items()) + ".")


def cmd_notify(settings: Settings, args: argparse.Namespace) -> None:
    """Send due notifications (after the reminders' scheduler), list the
    parked ones, or send a parked one again. Nothing personal is printed."""
    from portal.app import mandate_source
    from portal.db import make_engine, transaction
    from portal.notifications import outbox, runner, sender

    engine = make_engine(settings.database_url)
    try:
        if args.retry is not None:
            with transaction(engine) as session:
                found = outbox.retry(session, notification_id=args.retry, now=clock.now())
            if not found:
                raise SystemExit(f"portal notify: no parked notification {args.retry}.")
            print(f"Notification {args.retry} is due again.")
            return
        if args.parked:
            with transaction(engine) as session:
                rows = outbox.parked(session, limit=1000)
            for row in rows:
                print(f"{row.id}\t{row.category}\t{row.channel}\t{row.attempts} tries\t{row.outcome}\t"
                      f"made {row.created_at.isoformat(timespec='seconds')}")
            print(f"{len(rows)} parked.")
            return
        done = runner.run_once(engine, sender.context_from(settings, mandate_source(settings)),
                               keep_days=settings.notify_keep_days)
    finally:
        engine.dispose()
    if done.counts is None:
        print("Another sender is at work; nothing done.")
        return
    counts, scheduled = done.counts, done.scheduled
    assert scheduled is not None
    print(f"Scheduled {scheduled.tomorrow} reminders of tomorrow and {scheduled.assessments} of self-assessments. "
          f"Sent {counts.sent}, to try again {counts.failed}, parked {counts.parked}, cancelled {counts.cancelled}. "
          f"Forgot {done.forgotten} older than {settings.notify_keep_days} days.")


def cmd_oidc_keys(settings: Settings, args: argparse.Namespace) -> None:
    """The portal's own OpenID Connect keys (portal.auth.keys)."""
    from portal.auth.keys import PortalKeys

    keys = PortalKeys(settings.data_dir, settings.oidc_signing_algorithm)
    if args.action == "rotate":
        new = keys.rotate()
        print(f"New keys: {', '.join(new)}. They are published now; the new signing key signs in an hour.")
    published = keys.public_jwks()["keys"]
    signing = keys.signing_key().kid
    for key in published:
        note = " (signs now)" if key["kid"] == signing else ""
        print(f"{key['use']} {key['alg']} {key['kid']}{note}")
    print(f"Published at {settings.jwks_url}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="portal", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the portal with uvicorn")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(
        handler=cmd_migrate
    )

    demo = commands.add_parser("demo", help="migrate and load the demo organisation")
    demo.add_argument("--fresh", action="store_true", help="start from an empty SQLite file")
    demo.set_defaults(handler=cmd_demo)

    commands.add_parser("prune", help="remove old login attempts, ended sessions, drafts, rate-limit windows").set_defaults(
        handler=cmd_prune
    )

    translate = commands.add_parser("translations", help="update or check the message catalogs")
    translate.add_argument("action", choices=["update", "check"])
    translate.set_defaults(handler=cmd_translations)

    access_log = commands.add_parser("access-log", help="seal the access log, or check that it is intact")
    access_log.add_argument("action", choices=["verify", "seal", "restored"])
    access_log.add_argument("--checkpoints", help="the signed checkpoint file (default: the configured one)")
    access_log.add_argument("--checkpoint", type=int,
                            help="restored: the checkpoint (seal id) that the restored backup ends with")
    access_log.set_defaults(handler=cmd_access_log)

    oidc_keys = commands.add_parser("oidc-keys", help="show or rotate the portal's OpenID Connect keys")
    oidc_keys.add_argument("action", choices=["show", "rotate"])
    oidc_keys.set_defaults(handler=cmd_oidc_keys)
    notify = commands.add_parser("notify", help="send due notifications; list or retry parked ones (README)")
    notify.add_argument("--parked", action="store_true", help="list the parked notifications")
    notify.add_argument("--retry", type=int, metavar="ID", help="send parked notification ID again")
    notify.set_defaults(handler=cmd_notify)
    backup = commands.add_parser("backup", help="copy a SQLite database while the portal runs (README)")
    backup.add_argument("file")
    backup.set_defaults(handler=cmd_backup)

    importer = commands.add_parser("import", help="import memberships and attendance from a JSON file (README)")
    importer.add_argument("file")
    importer.add_argument("--as", dest="as_person", required=True, help="identity code of the importing unit manager")
    importer.set_defaults(handler=cmd_import)

    args = parser.parse_args(argv)
    try:
        settings = Settings.from_environment()
    except SettingsError as error:
        raise SystemExit(f"portal: {error}") from error
    from portal.startup import configure_process

    configure_process(settings)  # every command: the access log's key above all
    args.handler(settings, args)
