"""Staff API for the manager rules, the queues and who may take a case; every route checks the role."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.config import REQUIRED_QUEUES
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.handoff import membership, rulebook
from bot.keys import resources
from bot.outbound.effects import Effects
from bot.rules import Rule, RulesError, RuleSet, parse_rules
from bot.staff.accounts import Role
from bot.staff.audit import audited, fixed_target, note
from bot.staff.auth import requires
from bot.staff.bodies import RulesBody, RulesRollbackBody, read_body
from bot.storage import staff as staff_store
from bot.storage import tickets as tickets_store
from bot.web.openapi import documented
from bot.web.responses import api_error, path_number

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
SUPERVISION = (Role.SUPERVISOR, Role.MANAGER)


def _rules_body(session: Session, app: web.Application, locale: str) -> dict[str, Any]:
    config = resources(app).config
    in_force = rulebook.current(session, config.rules, resources(app).clock())
    entries = rulebook.history(session)
    return {
        # what the rules page warns of: a queue with agents that no rule sends a case to (its agents
        # get none), and a queue the rules send cases to that no agent takes
        "queues_without_rules": _without_rules(session, app, in_force.rules, locale),
        "queues_without_takers": _without_takers(session, app, in_force.rules, locale),
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
    """``GET /api/rules/{version}``: one stored version, as it was saved, and ``against_current``:
    what putting it back would change in the rules in force."""
    version = path_number(request, "no such version", "version")
    app = request.app

    def read(session: Session) -> dict[str, Any] | None:
        found = rulebook.load(session, version)
        if found is None:
            return None
        in_force = rulebook.current(session, resources(app).config.rules, resources(app).clock())
        return {**found.as_json(), "against_current": rulebook.against(found, in_force)}

    body = await resources(request).database.write(read)
    if body is None:
        raise api_error(404, f"no rules version {version}")
    return web.json_response(body)


@audited("rules_change", target=fixed_target("rules"))
@requires(Role.MANAGER)
@documented(body=RulesBody)
async def put_rules(request: web.Request) -> web.Response:
    """``PUT /api/rules`` {rules, note}: validate and store as the new version, in force at once.

    400 names the first problem's path (``rules[2].when.categories: unknown category 'xyz'``);
    409 when another manager saved at the same moment.
    """
    given = await read_body(request, RulesBody)
    try:
        rule_set = parse_rules(given.rules, resources(request).config.rule_vocabulary())
    except RulesError as error:
        raise api_error(400, str(error), **error.problem) from None
    return await _store(request, rule_set, given.note.strip())


async def _store(
    request: web.Request, rule_set: RuleSet, note_text: str, rollback_of: int | None = None
) -> web.Response:
    """Save ``rule_set`` as the next version, note it for the audit log, tell the consoles."""
    app, staff = request.app, request["staff"]
    config = resources(app).config
    now = resources(app).clock()
    locale = _locale(request)

    def store_version(session: Session) -> dict[str, Any]:
        rulebook.save(session, rule_set, staff["username"], note_text, config.rules, now)
        body = _rules_body(session, app, locale)
        return {**body, "queues_without_takers": _without_takers(session, app, rule_set.rules, locale)}

    try:
        body = await resources(app).database.write(store_version)
    except rulebook.ConcurrentEdit:
        raise api_error(409, "another manager saved the rules at the same moment: reload them and try again") from None
    version, changes = body["version"], body["changes"]
    detail: dict[str, Any] = {"rules": len(rule_set.rules), "changes": changes, "note": note_text[:200]}
    if rollback_of is not None:
        detail["rollback_of"] = rollback_of
    note(request, target=f"rules:v{version}", **detail)
    event = StaffEvent(StaffEventKind.RULES, detail={"version": body["version"], "changed_by": staff["username"]})
    await resources(app).gateway.commit(Effects(staff_events=[event]))
    return web.json_response(body)


def _without_rules(session: Session, app: web.Application, rules: Sequence[Rule], locale: str) -> list[dict[str, str]]:
    """The queues with member agents that no rule routes to (the flow's own queues, which get
    cases by name, aside): their agents get no cases until a rule names them or a case is transferred."""
    takers = membership.queue_takers(session)
    sent_to = {rule.then.queue for rule in rules if rule.then.queue is not None}
    return [
        {"id": queue.id, "name": queue.name.get(locale)}
        for queue in resources(app).config.handoff.queues
        if queue.id not in REQUIRED_QUEUES and queue.id not in sent_to and takers.get(queue.id, 0) > 0
    ]


def _without_takers(session: Session, app: web.Application, rules: Sequence[Rule], locale: str) -> list[dict[str, str]]:
    """The queues the rules send cases to that nobody takes (no member agent): saved all the
    same, but the console warns that complaints routed there may wait unseen."""
    takers = membership.queue_takers(session)
    sent_to = {rule.then.queue for rule in rules if rule.then.queue is not None}
    return [
        {"id": queue.id, "name": queue.name.get(locale)}
        for queue in resources(app).config.handoff.queues
        if queue.id in sent_to and takers.get(queue.id, 0) == 0
    ]


@audited("rules_rollback", target=fixed_target("rules"))
@requires(Role.MANAGER)
@documented(body=RulesRollbackBody)
async def rollback_rules(request: web.Request) -> web.Response:
    """``POST /api/rules/rollback`` {version, note}: store version N's rules as the new version,
    in force at once (history is never rewritten). 404 for an unknown version, 400 when its rules
    name something the configuration no longer has, 409 when another manager saved at the same moment.
    """
    given = await read_body(request, RulesRollbackBody)
    async with resources(request).database.sessions() as session:
        found = await session.run_sync(lambda sync: rulebook.load(sync, given.version))
    if found is None:
        raise api_error(404, f"no rules version {given.version}")
    try:
        rule_set = parse_rules(found.as_json()["rules"], resources(request).config.rule_vocabulary())
    except RulesError as error:
        raise api_error(400, f"version {given.version} no longer fits the configuration: {error}") from None
    return await _store(request, rule_set, given.note.strip(), rollback_of=given.version)


@requires(*STAFF)
async def get_queues(request: web.Request) -> web.Response:
    """``GET /api/queues``: the queues from config/handoff.yaml, named in ``?locale=`` (default zh-CN)."""
    config = resources(request).config
    locale = request.query.get("locale", config.service.default_locale)
    return web.json_response(
        {"queues": [{"id": queue.id, "name": queue.name.get(locale)} for queue in config.handoff.queues]}
    )


@requires(*STAFF)
async def get_colleagues(request: web.Request) -> web.Response:
    """``GET /api/colleagues``: the staff by name only, for every role (an agent reads who handles
    or handled a case, without the accounts' queues); a switched-off account is listed with
    ``active`` false, so the history still names them."""
    async with resources(request).database.sessions() as session:
        users = await session.run_sync(staff_store.every_user)
    return web.json_response(
        {
            "colleagues": [
                {
                    "id": user.id,
                    "username": user.username,
                    "display_name": user.display_name,
                    "role": user.role,
                    "active": user.active,
                }
                for user in users
            ]
        }
    )


@requires(*STAFF)
async def get_transfer_targets(request: web.Request) -> web.Response:
    """``GET /api/transfer-targets?locale=``: whom a case may be handed to, for the console's
    transfer picker: the queues by name with how many people take each one's tickets (its member
    agents; supervisors too for the duty supervisor queue; none: nobody may see a ticket there)
    and how many tickets wait in each,
    and the active agents and supervisors with their role and queues
    (managers do not take cases)."""
    config = resources(request).config
    locale = request.query.get("locale", config.service.default_locale)
    every_queue = config.handoff.queue_ids()
    async with resources(request).database.sessions() as session:
        users = await session.run_sync(staff_store.every_user)
        members = await session.run_sync(membership.queue_takers)
        waiting = await session.run_sync(tickets_store.waiting_per_queue)
    queues = [
        {
            "id": queue.id,
            "name": queue.name.get(locale),
            "members": members.get(queue.id, 0),
            "waiting": waiting.get(queue.id, 0),
        }
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


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/rules", get_rules)
    app.router.add_put("/api/rules", put_rules)
    app.router.add_post("/api/rules/rollback", rollback_rules)
    app.router.add_get("/api/rules/{version}", get_rules_version)
    app.router.add_get("/api/queues", get_queues)
    app.router.add_get("/api/colleagues", get_colleagues)
    app.router.add_get("/api/transfer-targets", get_transfer_targets)
