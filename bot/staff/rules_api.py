"""Staff API for the manager rules, the queues and queue membership; every route checks the role."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.handoff import membership, rulebook
from bot.keys import resources
from bot.outbound.effects import Effects
from bot.rules import RulesError, parse_rules
from bot.staff.accounts import Role
from bot.staff.audit import audited, fixed_target, note, path_target
from bot.staff.auth import requires
from bot.staff.bodies import QueuesBody, RulesBody, read_body
from bot.storage import staff as staff_store
from bot.storage.models import User
from bot.web.openapi import documented
from bot.web.responses import api_error, path_number

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
SUPERVISION = (Role.SUPERVISOR, Role.MANAGER)


def _rules_body(session: Session, app: web.Application, locale: str) -> dict[str, Any]:
    config = resources(app).config
    in_force = rulebook.current(session, config.rules, resources(app).clock())
    entries = rulebook.history(session)
    return {
        **in_force.as_json(),
        "changes": entries[0]["changes"] if entries else {"added": [], "removed": [], "changed": []},
        "history": [entry for entry in entries if entry["version"] != in_force.version],
        # The manager console's pickers: every id a rule may name, with its readable name.
        "vocabulary": config.rule_vocabulary_named(locale),
    }


def _locale(request: web.Request) -> str:
    return request.query.get("locale", resources(request).config.service.default_locale)


@requires(*SUPERVISION)
async def get_rules(request: web.Request) -> web.Response:
    """``GET /api/rules``: the rules in force, their version, and who changed what before.

    ``vocabulary`` lists the ids a rule may name (categories, signals, tiers, queues, channels),
    each as ``{id, name}`` named in ``?locale=`` (default zh-CN).
    """
    locale = _locale(request)
    body = await resources(request).database.write(lambda session: _rules_body(session, request.app, locale))
    return web.json_response(body)


@requires(*SUPERVISION)
async def get_rules_version(request: web.Request) -> web.Response:
    """``GET /api/rules/{version}``: one stored version, as it was saved."""
    version = path_number(request, "no such version", "version")
    async with resources(request).database.sessions() as session:
        found = await session.run_sync(lambda sync: rulebook.load(sync, version))
    if found is None:
        raise api_error(404, f"no rules version {version}")
    return web.json_response(found.as_json())


@audited("rules_change", target=fixed_target("rules"))
@requires(Role.MANAGER)
@documented(body=RulesBody)
async def put_rules(request: web.Request) -> web.Response:
    """``PUT /api/rules`` {rules, note}: validate and store as the new version, in force at once.

    400 names the first problem's path (``rules[2].when.categories: unknown category 'xyz'``);
    409 when another manager saved at the same moment.
    """
    given = await read_body(request, RulesBody)
    app, staff, note_text = request.app, request["staff"], given.note
    config = resources(app).config
    try:
        rule_set = parse_rules(given.rules, config.rule_vocabulary())
    except RulesError as error:
        raise api_error(400, str(error)) from None
    now = resources(app).clock()
    locale = _locale(request)

    def store_version(session: Session) -> dict[str, Any]:
        rulebook.save(session, rule_set, staff["username"], note_text.strip(), config.rules, now)
        return _rules_body(session, app, locale)

    try:
        body = await resources(app).database.write(store_version)
    except rulebook.ConcurrentEdit:
        raise api_error(409, "another manager saved the rules at the same moment: reload them and try again") from None
    version, changes = body["version"], body["changes"]
    note(request, target=f"rules:v{version}", rules=len(rule_set.rules), changes=changes, note=note_text[:200])
    event = StaffEvent(StaffEventKind.RULES, detail={"version": body["version"], "changed_by": staff["username"]})
    await resources(app).gateway.commit(Effects(staff_events=[event]))
    return web.json_response(body)


@requires(*STAFF)
async def get_queues(request: web.Request) -> web.Response:
    """``GET /api/queues``: the queues from config/handoff.yaml, named in ``?locale=`` (default zh-CN)."""
    config = resources(request).config
    locale = request.query.get("locale", config.service.default_locale)
    return web.json_response(
        {"queues": [{"id": queue.id, "name": queue.name.get(locale)} for queue in config.handoff.queues]}
    )


def _user_json(user: User, every_queue: list[str]) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name,
        "queues": membership.effective_queues(user.role, user.queues, every_queue),
        "active": user.active,
    }


@requires(*STAFF)
async def get_colleagues(request: web.Request) -> web.Response:
    """``GET /api/colleagues``: the active staff, by name only, for every role (an agent picks
    whom to transfer to, and reads who handles a case, without the accounts' queues)."""
    async with resources(request).database.sessions() as session:
        users = await session.run_sync(staff_store.every_user)
    return web.json_response(
        {
            "colleagues": [
                {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role}
                for user in users
                if user.active
            ]
        }
    )


@requires(*STAFF)
async def get_transfer_targets(request: web.Request) -> web.Response:
    """``GET /api/transfer-targets?locale=``: whom a case may be handed to, for the console's
    transfer picker: the queues by name with how many agents are members of each (none: nobody
    may see a ticket there), and the active agents and supervisors with their role and queues
    (managers do not take cases)."""
    config = resources(request).config
    locale = request.query.get("locale", config.service.default_locale)
    every_queue = config.handoff.queue_ids()
    async with resources(request).database.sessions() as session:
        users = await session.run_sync(staff_store.every_user)
        members = await session.run_sync(lambda sync: staff_store.queue_member_counts(sync, Role.AGENT))
    queues = [
        {"id": queue.id, "name": queue.name.get(locale), "members": members.get(queue.id, 0)}
        for queue in config.handoff.queues
    ]
    people = [
        {
            "id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role,
            "queues": membership.effective_queues(user.role, user.queues, every_queue),
        }
        for user in users
        if user.active and user.role != Role.MANAGER
    ]
    return web.json_response({"queues": queues, "people": people})


@requires(*SUPERVISION)
async def get_users(request: web.Request) -> web.Response:
    """``GET /api/users``: every staff account with its queues (supervisors and managers: all)."""
    every_queue = resources(request).config.handoff.queue_ids()
    async with resources(request).database.sessions() as session:
        users = await session.run_sync(staff_store.every_user)
    return web.json_response({"users": [_user_json(user, every_queue) for user in users]})


@audited("queue_membership", target=path_target("user"))
@requires(Role.MANAGER)
@documented(body=QueuesBody)
async def put_user_queues(request: web.Request) -> web.Response:
    """``PUT /api/users/{id}/queues`` {queues}: the queues an agent sees and claims from, at once."""
    user_id = path_number(request, "no such user")
    every_queue = resources(request).config.handoff.queue_ids()
    given = await read_body(request, QueuesBody)
    try:
        queues = membership.check_queue_ids(list(given.queues), every_queue)
    except ValueError as error:
        raise api_error(400, f"queues: {error}") from None
    note(request, queues=queues)

    def assign(session: Session) -> dict[str, Any] | None:
        user = staff_store.set_queues(session, user_id, queues)
        return None if user is None else _user_json(user, every_queue)

    body = await resources(request).database.write(assign)
    if body is None:
        raise api_error(404, "no such user")
    await resources(request).gateway.commit(Effects(staff_events=[StaffEvent(StaffEventKind.QUEUE)]))
    return web.json_response(body)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/rules", get_rules)
    app.router.add_put("/api/rules", put_rules)
    app.router.add_get("/api/rules/{version}", get_rules_version)
    app.router.add_get("/api/queues", get_queues)
    app.router.add_get("/api/users", get_users)
    app.router.add_get("/api/colleagues", get_colleagues)
    app.router.add_get("/api/transfer-targets", get_transfer_targets)
    app.router.add_put("/api/users/{id}/queues", put_user_queues)
