"""Composition root and command line: the one place concrete classes are wired together."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import socket
import sys
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web

from bot.edge.http import clock_key, metrics_key, settings_key
from domain.balancer import POLICY_NAMES, Policy
from domain.faq import Faq
from domain.ftop import FtopGateway
from domain.outbox import Outbox
from settings import ROOT, Settings, SettingsError
from storage.database import Database
from storage.migrate import NotMigrated

log = logging.getLogger("app")
worker_key = web.AppKey("worker", object)
dispatcher_key = web.AppKey("dispatcher", object)
outbox_key = web.AppKey("outbox", object)
http_key = web.AppKey("http", ClientSession)
database_key = web.AppKey("database", Database)
Clock = Callable[[], datetime]
WITHOUT_GRAPH = ("the bot cannot book the internal call (FTAs book it themselves, then press "
                 "Call completed) and sends no assignment e-mail")


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings, *, clock: Clock = utc_now,
               migrate_at_start: bool = True) -> web.Application:
    """Build the web app; the database and bot are opened in cleanup_ctx, not here. Without
    ``migrate_at_start`` (production) start-up only checks that the release step migrated the
    database, and stops with storage.migrate.NotMigrated if it did not."""
    from bot.desk_action_routes import add_desk_action_routes
    from bot.desk_http import add_desk_routes
    from bot.desk_page import add_desk_page_routes
    from bot.edge.admission import Admission
    from bot.edge.http import MAX_BODY, admission_key, messages

    app = web.Application(client_max_size=MAX_BODY)
    app[settings_key] = settings
    app[clock_key] = clock
    app[admission_key] = Admission(settings.max_concurrent_turns, settings.turn_queue_seconds)
    app.cleanup_ctx.append(lambda app: _bot_context(app, clock, migrate_at_start))
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    add_desk_routes(app)
    add_desk_action_routes(app)
    add_desk_page_routes(app)
    return app


async def _bot_context(app: web.Application, clock: Clock,
                       migrate_at_start: bool) -> AsyncIterator[None]:
    from bot.assignment_work import AssignmentWork
    from bot.attachments import AttachmentInbox
    from bot.basics import Basics
    from bot.channels import Poster
    from bot.desk_action_routes import desk_actions_key
    from bot.desk_actions import DeskActions
    from bot.desk_auth import DeskAuth, desk_auth_key
    from bot.desk_reader import DeskReader, desk_reader_key
    from bot.digest import WeeklyDigest
    from bot.dispatcher import Deliver, Dispatcher
    from bot.edge.adapter import create_adapter
    from bot.edge.connector import BotConnector
    from bot.edge.handler import FtaBot
    from bot.edge.http import activity_log_key, adapter_key, admission_key, bot_key
    from bot.edge.service_urls import ServiceUrlGuard
    from bot.edge.state import user_property
    from bot.first_contact import FirstContactChase
    from bot.form_defaults import FormDefaults
    from bot.ftchelp import FtcHelpDesk
    from bot.intake import Intake
    from bot.internal_call import InternalCallDesk
    from bot.lookahead import LookAhead
    from bot.managers_desk import ManagersDesk
    from bot.members import ChannelMembers
    from bot.my_assignments import MyAssignments
    from bot.my_requests import MyRequests
    from bot.offers import OfferRouter
    from bot.roles import Roles
    from bot.roster_desk import RosterDesk
    from bot.send_back import SendBack
    from bot.status_cards import StatusCards
    from bot.telemetry import Metrics
    from bot.withdrawal import Withdrawal
    from bot.worker import AssignmentWorker
    from domain.outbox import Kind, RetryPolicy
    from domain.retention import RETRY_WINDOW
    from gateways.ftop_mirror import FtopSync
    from gateways.graph import GraphCalendar
    from matching import min_cost_assignment
    from storage import migrate
    from storage.activity_log import SqlActivityLog
    from storage.assignments import SqlAssignmentDesk
    from storage.conversations import SqlCardPosts, SqlConversationDirectory
    from storage.database import open_database
    from storage.desk import SqlDesk
    from storage.documents import SqlDocuments
    from storage.figures import figures
    from storage.outbox import SqlOutbox
    from storage.requests import SqlRequestRepository
    from storage.retention import purge
    from storage.roster import SqlRoster
    from storage.send_ledger import SqlSendLedger
    from storage.timers import SqlTimers

    settings = app[settings_key]
    faq = load_faq(settings.faq_path)
    database = open_database(settings.database_url)
    try:
        if migrate_at_start:
            await migrate.upgrade(database)
        else:
            await migrate.require_current(database)
    except BaseException:
        await database.dispose()
        raise
    directory = SqlConversationDirectory(database)
    requests = SqlRequestRepository(database)
    unit_of_work = database.unit_of_work
    activities = SqlActivityLog(database)
    worker_name = f"{socket.gethostname()}:{os.getpid()}"
    outbox = SqlOutbox(database, utc_now)  # real time: retries wait real seconds
    posts = SqlCardPosts(database)
    poster = Poster(directory, outbox, posts, settings.managers_channel_id)
    desk = SqlAssignmentDesk(database, settings.offer_timeout_hours)
    timers = SqlTimers(database, worker=worker_name)
    roster = SqlRoster(database)
    app[http_key] = outbound = ClientSession()  # one pooled session for every outbound call
    connector = BotConnector(outbound, _bot_token(settings), settings.outbox_send_timeout_seconds,
                             ServiceUrlGuard(settings.service_url_max_calls,
                                             settings.service_url_failures_to_open,
                                             settings.service_url_pause_seconds))
    adapter = create_adapter(settings, connector, lambda: clock().timestamp())
    ftop = _ftop_gateway(settings, database, outbox, clock)
    policy = engine_policy(settings)
    status = StatusCards(poster, requests, timers, ftop, desk, clock, policy.late)
    graph = GraphCalendar(outbound, base_url=settings.graph_base_url,
                          authority=settings.graph_authority,
                          client_id=settings.graph_client_id,
                          client_secret=settings.graph_client_secret,
                          managed_identity=settings.managed_identity) \
        if settings.graph_enabled else None
    chase = FirstContactChase(ftop=ftop, requests=requests, roster=roster, poster=poster,
                              timers=timers, managers_channel_id=settings.managers_channel_id,
                              business_days=settings.first_contact_business_days)
    work = AssignmentWork(
        ftop=ftop, desk=desk, requests=requests, roster=roster, poster=poster, clock=clock,
        account_channels=settings.account_team_channels,
        playbook_base_url=settings.playbook_base_url,
        managers_channel_id=settings.managers_channel_id, unit_of_work=unit_of_work,
        can_schedule=graph is not None,
        mail_sender=settings.assignment_mail_sender if graph is not None else "", chase=chase,
        link_hosts=settings.file_hosts)
    calls = [] if graph is None else [InternalCallDesk(
        work=work, ftop=ftop, poster=poster, clock=clock, ftav2=settings.ftav2_attendees,
        search_business_days=settings.call_search_business_days, calendar=graph,
        unit_of_work=unit_of_work)]
    roles = Roles(settings.managers_channel_id, settings.ftchelp_channel_id,
                  settings.admin_aad_ids,
                  ChannelMembers(directory, connector, settings.roles_cache_seconds))
    app[desk_auth_key] = DeskAuth(settings, roles)
    desk_reads = SqlDesk(database)
    desk_reader = app[desk_reader_key] = DeskReader(desk_reads, roles, clock,
                                                    settings.managers_timezone,
                                                    settings.ftchelp_sla_business_days)
    router = OfferRouter(desk=desk, requests=requests, roster=roster,
                         timers=timers, poster=poster, clock=clock, policy=policy,
                         managers_channel_id=settings.managers_channel_id,
                         sla_reminder_hours=settings.sla_reminder_hours,
                         on_assigned=work.assigned, status=status, unit_of_work=unit_of_work)
    ftchelp = FtcHelpDesk(requests, poster, faq, settings.ftchelp_channel_id, status,
                          unit_of_work, roles, timers, clock,
                          settings.ftchelp_sla_business_days)
    desk_actions = DeskActions(
        desk=desk, requests=requests, roster=roster, timers=timers, poster=poster,
        policy=policy, clock=clock, managers_channel_id=settings.managers_channel_id,
        router=router, work=work, ftop=ftop, status=status, unit_of_work=unit_of_work,
        audit=activities, sla_reminder_hours=settings.sla_reminder_hours,
        ticket_card=ftchelp.ticket_card)
    app[desk_actions_key] = desk_actions
    managers = ManagersDesk(actions=desk_actions, roles=roles, requests=requests, desk=desk,
                            roster=roster, timers=timers, clock=clock,
                            escalations=router.escalations, poster=poster,
                            ticket_card=ftchelp.ticket_card)
    intake = Intake(requests, ftchelp, router.submitted, status, clock,
                    settings.default_timezone, settings.default_country, unit_of_work,
                    FormDefaults(user_property(SqlDocuments(database, clock), "form_defaults")),
                    settings.file_hosts)
    mine, basics = MyRequests(requests, roles, status, managers.show), Basics()
    roster_desk = RosterDesk(roster, desk, requests, clock, roles, timers, policy)
    withdrawal = Withdrawal(desk=desk, requests=requests, status=status, ftop=ftop,
                            roster=roster, poster=poster, calendar=graph, clock=clock,
                            unit_of_work=unit_of_work)
    send_back = SendBack(desk=desk, requests=requests, roster=roster, timers=timers,
                         status=status, poster=poster, clock=clock, unit_of_work=unit_of_work)
    assignments = MyAssignments(roster=roster, desk=desk, requests=requests, ftop=ftop,
                                chase=chase, clock=clock)
    timeout = settings.outbox_send_timeout_seconds
    deliverers: dict[Kind, Deliver] = {Kind.SYNC: FtopSync(outbound, timeout).deliver}
    if graph is not None:
        deliverers[Kind.MAIL] = graph.deliver_mail
    dispatcher = Dispatcher(
        store=outbox, posts=posts, connector=connector,
        ledger=SqlSendLedger(database, utc_now), worker=worker_name, unit_of_work=unit_of_work,
        undelivered=poster.undelivered,
        policy=RetryPolicy(max_attempts=settings.outbox_max_attempts,
                           base_seconds=settings.outbox_backoff_seconds),
        deliverers=deliverers, tenant_rate=settings.outbox_tenant_rate,
        lease=timedelta(seconds=settings.outbox_lease_seconds))
    dispatcher.on_dead("offer_id", router.undeliverable)
    outbox.listen(dispatcher.wake)
    app[database_key] = database
    app[adapter_key] = adapter
    app[bot_key] = FtaBot(
        directory=directory, clock=clock,
        commands=[c for journey in (basics, intake, mine, assignments, roster_desk)
                  for c in journey.commands()],
        actions=_verb_table((basics, intake, mine, ftchelp, router, roster_desk, work,
                             withdrawal, send_back, managers, *calls)),
        welcome=basics.welcome, unrecognised=basics.unrecognised,
        on_files=AttachmentInbox(requests, settings.file_hosts).receive)
    retention = timedelta(days=settings.retention_days)
    app[worker_key] = worker = AssignmentWorker(
        router=router, desk=desk, timers=timers, requests=requests, poster=poster,
        clock=clock, managers_channel_id=settings.managers_channel_id, status=status,
        unit_of_work=unit_of_work, audit=activities,
        purge=lambda before: purge(database, before, before + retention - RETRY_WINDOW),
        retention=retention,
        post_waiting_tickets=ftchelp.post_waiting_tickets,
        engagement_due=work.ask_if_finished, chase=chase, ticket_due=ftchelp.sla_due,
        lookahead=LookAhead(desk, router, policy, min_cost_assignment,
                            timedelta(minutes=settings.lookahead_minutes))
        if settings.lookahead_minutes else None,
        digest=WeeklyDigest(desk_reads, poster, settings.managers_channel_id,
                            settings.managers_timezone)
        if settings.managers_channel_id and settings.weekly_digest else None)
    app[dispatcher_key], app[outbox_key] = dispatcher, outbox
    app[metrics_key] = Metrics(lambda: figures(database, outbox, utc_now),
                               turns_waiting=lambda: app[admission_key].waiting)
    app[activity_log_key] = activities
    await desk.warm_up()
    await worker.schedule_purge()
    await worker.schedule_lookahead()
    await worker.schedule_digest()
    await worker.schedule_hold_ends()
    running = [asyncio.create_task(worker.run_forever(settings.worker_interval_seconds)),
               asyncio.create_task(dispatcher.run_forever())]
    yield
    for task in running:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await desk_reader.close()
    await outbound.close()
    await database.dispose()


def _verb_table(journeys: tuple[Any, ...]) -> dict[str, Any]:
    """Every card verb to the one journey that handles it; a verb claimed twice is a bug."""
    table: dict[str, Any] = {}
    for journey in journeys:
        for verb, handler in journey.actions().items():
            if verb in table:
                raise RuntimeError(f"card verb {verb!r} is handled twice")
            table[verb] = handler
    return table


def _ftop_gateway(settings: Settings, database: Database, outbox: Outbox,
                  clock: Clock) -> FtopGateway:
    """The built-in FTOP record, mirrored over HTTP (through the outbox) when FTOP_SYNC_URL
    is set."""
    from gateways.ftop_mirror import HttpFtopMirror
    from storage.ftop import SqlFtopGateway

    local = SqlFtopGateway(database, clock)
    if not settings.ftop_sync_url:
        return local
    return HttpFtopMirror(local, database, outbox, settings.ftop_sync_url)


def _bot_token(settings: Settings) -> Callable[[], Awaitable[str]] | None:
    """Outbound Bot Connector tokens (client credentials, or the managed identity); none in
    anonymous mode."""
    from gateways.tokens import AppTokens, ManagedIdentityTokens

    if settings.anonymous:
        return None
    if settings.managed_identity:
        scope = settings.oauth_scope or "https://api.botframework.com/.default"
        return ManagedIdentityTokens(client_id=settings.app_id,
                                     resource=scope.removesuffix("/.default")).token
    tenant = settings.app_tenant_id if settings.app_type == "SingleTenant" else "botframework.com"
    return AppTokens(authority=settings.login_url or f"https://login.microsoftonline.com/{tenant}",
                     client_id=settings.app_id, client_secret=settings.app_password,
                     scope=settings.oauth_scope or "https://api.botframework.com/.default").token


async def healthz(request: web.Request) -> web.Response:
    """Alive: the process answers. (Whether it can work is /readyz.)"""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready: the database answers and is at the newest migration; 503 otherwise. Also says
    whether Microsoft Graph is configured, which readiness does not depend on."""
    from storage.migrate import is_current

    database = request.app[database_key]
    status: dict[str, Any] = {"status": "ready", "database": {"dialect": database.dialect}}
    try:
        await database.ping()
        current = await is_current(database)
        status["database"].update(reachable=True, migrations_current=current)
    except Exception as error:
        status["database"].update(reachable=False, error=type(error).__name__)
        current = False
    if not current:
        status["status"] = "not ready"
    status["graph"] = _graph_status(request.app[settings_key])
    return web.json_response(status, status=200 if current else 503)


def _graph_status(settings: Settings) -> dict[str, Any]:
    """Graph is optional: the bot is ready without it, yet the deployer should see what the
    FTAs then do by hand."""
    if settings.graph_enabled:
        return {"configured": True}
    return {"configured": False, "without_it": WITHOUT_GRAPH}


async def metrics(request: web.Request) -> web.Response:
    """Prometheus exposition: turn latency, outbox depth and age, offers pending, SLA."""
    from prometheus_client import CONTENT_TYPE_LATEST

    try:
        body = await request.app[metrics_key].exposition()
    except Exception as error:  # the database is away: say so rather than a 500
        log.warning("metrics unavailable: %s", type(error).__name__)
        return web.json_response({"error": "database unavailable"}, status=503)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def load_faq(path: Path) -> Faq:
    """FTCHelp's FAQ file, or SettingsError naming what is wrong with it."""
    import yaml

    from domain.faq import FaqError, parse_faq

    try:
        return parse_faq(yaml.safe_load(path.read_text(encoding="utf-8")))
    except UnicodeDecodeError:
        raise SettingsError(f"FAQ_PATH {path}: the file is not UTF-8 text") from None
    except (OSError, yaml.YAMLError, FaqError) as error:
        raise SettingsError(f"FAQ_PATH {path}: {error}") from None


def serve(settings: Settings, *, production: bool = False) -> None:
    """Run the bot until stopped. In production the database must already be migrated (the
    release step); elsewhere start-up migrates it, under a lock on PostgreSQL."""
    from domain.calendar import calendar_for

    load_faq(settings.faq_path)  # a broken FAQ file stops start-up with a clear message
    # The default country's holidays load now (0.2 s here) rather than in a seller's turn.
    calendar_for(settings.default_country)
    if not settings.ftchelp_channel_id:
        log.warning("FTCHELP_CHANNEL_ID is not set: FTCHelp tickets will not be posted.")
    if not settings.graph_enabled:
        log.warning("Microsoft Graph is not configured (GRAPH_AUTHORITY or MicrosoftAppTenantId, "
                    "GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET): %s.", WITHOUT_GRAPH)
    if settings.managed_identity:
        log.info("Tokens for Teams and Graph come from the managed identity %s through %s.",
                 settings.app_id, settings.identity_endpoint or "the instance metadata service")
    if settings.anonymous:
        log.warning("ANONYMOUS MODE: MicrosoftAppId is not set, so /api/messages accepts "
                    "unauthenticated requests. Use this only locally (Agents Playground).")
    log.info("FTA bot listening on http://%s:%s/api/messages", settings.host, settings.port)
    app = create_app(settings, migrate_at_start=not production)
    app.on_startup.append(_freeze_what_start_up_built)  # after the bot's context has opened
    # No access log: a line per request costs more than routing a turn; turns log themselves.
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)


async def _freeze_what_start_up_built(_: web.Application) -> None:
    """Modules, tables, compiled statements, the bot's objects: what start-up built lives as
    long as the process, yet every full garbage collection walked all of it (160,000 objects)
    and held up each turn in flight for up to 100 ms, every few thousand turns: most of the
    p99 latency. Frozen, the collector walks only what turns leave behind (10,000)."""
    gc.collect()
    gc.freeze()


async def upgrade_database(settings: Settings) -> None:
    from storage import migrate
    from storage.database import open_database

    database = open_database(settings.database_url)
    try:
        await migrate.upgrade(database)
    finally:
        await database.dispose()


async def load_sample_data(settings: Settings) -> tuple[int, int]:
    """Migrate, then add the demo's sample data (once)."""
    from storage import migrate, sample_data
    from storage.database import open_database

    database = open_database(settings.database_url)
    try:
        await migrate.upgrade(database)
        return await sample_data.load(database)
    finally:
        await database.dispose()


def engine_policy(settings: Settings, name: str | None = None) -> Policy:
    """The balancer's policy and late lane as the settings give them (``name``: another
    policy with the same settings), for the app and for `simulate` alike."""
    from domain.queue import LateLane

    return Policy(name or settings.balancer_policy, weights=dict(settings.request_weights),
                  load_band=settings.balancer_load_band,
                  scarcity_weight=settings.balancer_scarcity_weight,
                  late=LateLane(timedelta(hours=settings.late_lane_hold_hours),
                                settings.late_lane_reserve_points),
                  lighter_first=timedelta(hours=settings.queue_lighter_first_hours))


def simulate(path: Path, policy: Policy, plot: Path | None = None,
             lookahead_minutes: float = 0.0, answer_times: bool = False) -> int:
    """Print the JSON report of ``policy`` over the trace at ``path`` (its weights are the
    trace's); 2 if it is bad. Progress goes to a terminal (nothing when piped); ``plot``
    draws utilisation and queue; the look-ahead re-matches the queue every
    ``lookahead_minutes`` (0: off); with ``answer_times``, offers take time to answer and
    some time out."""
    import plots
    from domain.simulation import Answers, Simulation, report
    from domain.trace import TraceError, parse_trace
    from matching import min_cost_assignment

    if plot is not None and not plots.available():
        print(plots.MISSING, file=sys.stderr)
        return 2
    if lookahead_minutes < 0:
        print("--lookahead-minutes must be 0 (off) or more.", file=sys.stderr)
        return 2
    try:
        trace = parse_trace(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:  # TraceError and JSONDecodeError are ValueErrors
        kind = "Invalid trace" if isinstance(error, TraceError) else "Cannot read trace"
        print(f"{kind}: {error}", file=sys.stderr)
        return 2
    result = Simulation(trace, policy, lookahead=timedelta(minutes=lookahead_minutes) or None,
                        solve=min_cost_assignment, answers=Answers() if answer_times else None
                        ).run(_progress(trace) if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(json.dumps(report(trace, policy, result), indent=2))
    if plot is not None:
        plots.plot_quarter(trace, result, plot)
        print(f"Plot written to {plot}", file=sys.stderr)
    return 0


def _progress(trace: Any) -> Callable[[datetime], None]:
    """A one-line progress report on the terminal: the simulated day of the quarter."""
    days = max(1, (trace.end - trace.start).days)

    def show(moment: datetime) -> None:
        done = min(1.0, (moment.date() - trace.start).days / days)
        print(f"\rSimulating {moment.date()}: {done:4.0%}", end="", file=sys.stderr,
              flush=True)
    return show


async def roster_command(settings: Settings, action: str, path: Path | None, kind: str,
                         text: str = "") -> int:
    """`roster import FILE` (all or nothing) and `roster export`."""
    from storage import migrate
    from storage.database import open_database
    from storage.roster import SqlRoster
    from storage.roster_file import RosterFileError, read_roster, write_roster

    database = open_database(settings.database_url)
    try:
        await migrate.upgrade(database)
        roster = SqlRoster(database)
        if action == "export":
            print(write_roster(await roster.all(), kind), end="")
            return 0
        assert path is not None
        try:
            architects = read_roster(text, "csv" if path.suffix.lower() == ".csv" else "yaml")
        except RosterFileError as error:
            print(f"Nothing imported. {path}:\n{error}", file=sys.stderr)
            return 2
        print(f"Roster replaced: {await roster.replace_all(architects)} architects.")
        return 0
    finally:
        await database.dispose()


def package(settings: Settings, out: Path, teams_app_id: str = "") -> Path:
    """Zip manifest.json (app id and public host filled in) with its two icons: the Teams app
    package. The Teams app's id is the bot's unless one is given (the Agents Toolkit creates
    its own)."""
    if settings.anonymous:
        raise SettingsError("MicrosoftAppId must be set to build the Teams app package")
    if not settings.public_host:
        raise SettingsError("PUBLIC_HOST must be set to build the Teams app package: the host "
                            "name Teams reaches the bot at, which serves the desk tab")
    folder = ROOT / "manifest"
    manifest = json.loads((folder / "manifest.json").read_text())
    fill_in_manifest(manifest, settings.app_id, settings.public_host, teams_app_id,
                     tab_client_id=settings.tab_client_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for icon in ("color.png", "outline.png"):
            archive.write(folder / icon, icon)
    return out


def fill_in_manifest(manifest: dict[str, Any], app_id: str, host: str,
                     teams_app_id: str = "", *, tab_client_id: str = "") -> None:
    """The app id, the desk tab's pages on ``host``, and the SSO resource (the tab's app
    registration and the Application ID URI its token is issued for, `api://host/client id`;
    the bot's app id unless the tab has a registration of its own)."""
    manifest["id"] = teams_app_id or app_id
    manifest["bots"][0]["botId"] = app_id
    for tab in manifest["staticTabs"]:
        tab["contentUrl"] = tab["websiteUrl"] = f"https://{host}/tabs/queue"
    for tab in manifest["configurableTabs"]:
        tab["configurationUrl"] = f"https://{host}/tabs/config"
    manifest["validDomains"] = [host]
    client_id = tab_client_id or app_id
    manifest["webApplicationInfo"] = {"id": client_id, "resource": f"api://{host}/{client_id}"}


def _teams_app_id(raw: str) -> str:
    """A Teams app id is a GUID (the manifest's schema says so)."""
    import uuid

    try:
        return str(uuid.UUID(raw.strip())) if raw.strip() else ""
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a GUID") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="app.py", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    serve_command = commands.add_parser("serve", help="run the bot (the default)")
    serve_command.add_argument("--production", action="store_true",
                               help="refuse to start without Bot Framework credentials")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    sim = commands.add_parser("simulate", help="replay a trace through the balancer")
    sim.add_argument("trace", type=Path)
    sim.add_argument("--policy", default=None, choices=POLICY_NAMES,
                     help="the balancer policy (default: BALANCER_POLICY, skilled)")
    sim.add_argument("--lookahead-minutes", type=float, default=Settings.lookahead_minutes,
                     metavar="N", help="re-match the waiting queue every N minutes, as the app "
                     "does (LOOKAHEAD_MINUTES); 0: serve it one request at a time")
    sim.add_argument("--answer-times", action="store_true",
                     help="offers take time to answer (up to the 4 business-hour time-out) "
                     "and some time out, instead of being answered at once")
    sim.add_argument("--plot", type=Path, metavar="FILE.png",
                     help="draw each FTA's utilisation and the waiting queue (needs matplotlib)")
    roster = commands.add_parser("roster", help="import or export the FTA roster")
    roster.add_argument("action", choices=["import", "export"])
    roster.add_argument("file", type=Path, nargs="?")
    roster.add_argument("--format", default="yaml", choices=["yaml", "csv"])
    commands.add_parser("sample-data", help="migrate and add the demo's sample data")
    pack = commands.add_parser("package", help="build the Teams app package (zip)")
    pack.add_argument("--out", type=Path, default=ROOT / "dist" / "fta-assign.zip")
    pack.add_argument("--teams-app-id", default="", type=_teams_app_id, metavar="GUID",
                      help="the Teams app's id (default: MicrosoftAppId, the bot's)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    if args.command == "simulate":  # the engine's settings, and no database
        return simulate(args.trace, engine_policy(settings, args.policy), args.plot,
                        args.lookahead_minutes, args.answer_times)
    from bot.telemetry import configure_logging

    configure_logging(settings.log_level, json_lines=settings.log_format == "json")
    if settings.log_level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        if args.command == "db":
            asyncio.run(upgrade_database(settings))
            print("Database is at the newest migration.")
        elif args.command == "roster":
            if args.action == "import" and args.file is None:
                parser.error("roster import needs a FILE (CSV or YAML)")
            try:
                text = args.file.read_text(encoding="utf-8") if args.file else ""
            except OSError as error:
                print(f"Nothing imported: {error}", file=sys.stderr)
                return 2
            return asyncio.run(roster_command(settings, args.action, args.file, args.format,
                                              text))
        elif args.command == "sample-data":
            architects, requests = asyncio.run(load_sample_data(settings))
            print(f"Sample data: {architects} architects and {requests} requests added.")
        elif args.command == "package":
            print(f"Teams app package written to "
                  f"{package(settings, args.out, args.teams_app_id)}")
        else:
            production = getattr(args, "production", False)
            if production and settings.anonymous:
                raise SettingsError("serve --production needs MicrosoftAppId and "
                                    "MicrosoftAppPassword: it never runs unauthenticated")
            serve(settings, production=production)
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    except NotMigrated as error:
        print(f"Database not migrated: {error}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
