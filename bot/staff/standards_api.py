"""Staff API for the service standards (issue 14): read, edit, import/export, history, rollback
and a try-a-sentence over a draft classification. Every route checks the role."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.config import PHRASE_VARIABLES, PhraseId
from bot.core.messages import as_read
from bot.handoff import rulebook
from bot.keys import resources
from bot.rules import RuleSet
from bot.staff.accounts import Role
from bot.staff.audit import audited, path_target
from bot.staff.audit import note as audit_note
from bot.staff.auth import requires
from bot.staff.bodies import RollbackBody, StandardBody, TryStandardBody, read_body
from bot.standards import versions, yaml_import
from bot.standards.sections import Section
from bot.standards.validation import Invalid, Problem, rule_problems, validate
from bot.standards.versions import SectionVersion
from bot.web.openapi import documented
from bot.web.responses import api_error, path_number
from bot.web.unstorable import refusal, unstorable_at

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
RULE_VOCABULARY = ("classification", "deadlines")
"""Sections that hold ids the manager rules name (categories, tiers)."""

PHRASE_SAMPLES: dict[str, str] = {
    "salutation": "上午好",
    "organisation": "阳光物业客服中心",
    "work_number": "8023",
    "surname": "王",
    "title": "先生",
    "time_greeting": "上午好",
    "problem": "楼道灯坏了一个星期（物业服务）",
    "area": "阳光花园3栋",
    "phone": "13800138000",
    "name": "王先生",
    "category": "物业服务",
    "summary": "楼道灯坏了一个星期",
    "hours": "24",
    "deadline": "明天上午10点前",
    "case_number": "TS20261203K7M2QX",
    "wait": "6小时（今天下午4点前）",
    "position": "2",
    "minutes": "10",
    "case": "您的投诉编号是TS20261203K7M2QX。",
    "stage": "客服代表李娜正在跟进处理您的问题。",
    "agent": "李娜",
    "first": "1",
    "last": "3",
    "number": "1",
    "label": "对",
    "alternative": "13900139000",
    "extension": "8021",
    "case_prefix": "TS",
    "categories": "物业服务",
    "case_numbers": "TS20261202H3R5WD",
    "open_cases": "TS20261203P4N8TW",
    "cases": "TS20261203P4N8TW 小区门口的路灯坏了一个星期",
    "count": "2",
}
"""A sample value for every phrase placeholder, for the console's preview (tests/standards keeps
it in step with ``PHRASE_VARIABLES``), all of one moment: a customer served on a morning at 10
o'clock, a 24-hour promise said as its time the next morning, a problem told with a second one of
another category."""

PHRASE_SAMPLES_EN: dict[str, str] = {
    **PHRASE_SAMPLES,
    "salutation": "Good morning",
    "organisation": "Sunshine Property Customer Service",
    "surname": "Wang",
    "title": "Mr",
    "time_greeting": "Good morning",
    "problem": "the corridor light has been broken for a week (Property service)",
    "area": "Sunshine Garden Block 3",
    "name": "Mr Wang",
    "category": "Property service",
    "summary": "the corridor light has been broken for a week",
    "deadline": "by 10 am tomorrow",
    "wait": "6 hours (by 4 pm today)",
    "case": "Your case number is TS20261203K7M2QX.",
    "stage": "Our customer service representative Li Na is following up your case.",
    "agent": "Li Na",
    "label": "Yes",
    "categories": "Property service",
    "cases": "TS20261203P4N8TW the street light at the gate has been broken for a week",
}
"""The same samples in English, for the English phrases' preview."""

RESOLUTION_PHRASES = (
    "case_resolved",
    "case_resolved_others_open",
    "satisfaction_ask_rating_summary",
    "satisfaction_ask_rating_summary_named",
)
"""Phrases whose ``{summary}`` is the staff's 处理结果摘要, not the customer's problem."""

PHRASE_SAMPLE_OVERRIDES: dict[str, dict[str, dict[str, str]]] = {
    "zh-CN": {
        # within the hour / minutes: a time within the hour, never "1小时内（明天…）"
        "promise_within_an_hour": {"deadline": "今天上午11点前"},
        "promise_urgent": {"deadline": "今天上午11点前"},
        "promise_minutes": {"minutes": "30", "deadline": "今天上午10点30分前"},
        "wait_time": {"hours": "6", "deadline": "今天下午4点前"},
        "wait_time_minutes": {"minutes": "10", "deadline": "今天上午10点10分前"},
        "wait_time_an_hour": {"deadline": "今天上午11点前"},
        # the categories said before, then another one
        "restate_more_categories": {"categories": "物业服务", "category": "工程维修"},
        **{phrase: {"summary": "已更换楼道灯，现已恢复照明"} for phrase in RESOLUTION_PHRASES},
    },
    "en": {
        "promise_within_an_hour": {"deadline": "by 11 am today"},
        "promise_urgent": {"deadline": "by 11 am today"},
        "promise_minutes": {"minutes": "30", "deadline": "by 10:30 am today"},
        "wait_time": {"hours": "6", "deadline": "by 4 pm today"},
        "wait_time_minutes": {"minutes": "10", "deadline": "by 10:10 am today"},
        "wait_time_an_hour": {"deadline": "by 11 am today"},
        "restate_more_categories": {"categories": "Property service", "category": "Engineering and repairs"},
        **{phrase: {"summary": "the corridor light was replaced and works again"} for phrase in RESOLUTION_PHRASES},
    },
}
"""Where one phrase needs other samples to read true: "1小时内" beside a time within the hour, a
second category other than the first, a resolution for a resolved case's summary."""


def phrase_samples(locale: str, phrase_id: str) -> dict[str, str]:
    """The sample values a preview of ``phrase_id`` in ``locale`` fills its placeholders with."""
    base = PHRASE_SAMPLES_EN if locale == "en" else PHRASE_SAMPLES
    return {**base, **PHRASE_SAMPLE_OVERRIDES.get(locale, {}).get(phrase_id, {})}


MAX_BODY_BYTES = 768 * 1024
"""A section sent to be saved or tried, as JSON or YAML: the largest shipped one (classification)
is about 270 KiB, and a manager's words must have room to grow. Over it: 413, before anything is
parsed."""
MAX_PROBLEMS = 50
"""Problems a 422 lists; ``more_problems`` counts the rest."""
MAX_PROBLEM_CHARS = 300
"""A problem's path or message is cut to this many characters (it may quote what was sent)."""


def _cut(text: str) -> str:
    return text if len(text) <= MAX_PROBLEM_CHARS else text[: MAX_PROBLEM_CHARS - 1] + "…"


_PROBLEM_KEYS = ("code", "limit", "names", "allowed", "forbidden", "suggestion", "rule", "rule_name", "kind")
"""What a 422 repeats of its first problem at the top, for the console's one-line message."""


def _invalid(problems: list[Problem]) -> web.HTTPException:
    """422 naming the first :data:`MAX_PROBLEMS` problems, each cut to :data:`MAX_PROBLEM_CHARS`:
    a draft with thousands of bad entries is not echoed back in full."""
    shown = [
        replace(problem, path=_cut(problem.path), message=_cut(problem.message)) for problem in problems[:MAX_PROBLEMS]
    ]
    first = shown[0].as_json()
    body: dict[str, Any] = {
        "error": f"{shown[0].path}: {shown[0].message}",
        "field": shown[0].path,
        **{
            key: first[key]
            for key in ("code", "limit", "names", "allowed", "forbidden", "suggestion", "rule", "rule_name", "kind")
            if key in first
        },
        "problems": [problem.as_json() for problem in shown],
    }
    if len(problems) > len(shown):
        body["more_problems"] = len(problems) - len(shown)
    return web.HTTPUnprocessableEntity(text=json.dumps(body, ensure_ascii=False), content_type="application/json")


def _section(request: web.Request) -> Section:
    found = resources(request).standards.sections.get(request.match_info["section"])
    if found is None:
        raise api_error(404, f"no standards section {request.match_info['section']!r}")
    return found


def _is_manager(request: web.Request) -> bool:
    return bool(request["staff"]["role"] == Role.MANAGER.value)


def _readable(request: web.Request, section: Section) -> None:
    if not _is_manager(request) and not section.staff_may_read:
        raise api_error(403, f"the section {section.id!r} needs the role manager")


def _section_json(request: web.Request, section: Section, found: SectionVersion) -> dict[str, Any]:
    answer = {**found.as_json(), "editable": _is_manager(request), "body": found.body}
    if section.id == "phrases":
        answer["samples"] = {
            name: PHRASE_SAMPLES.get(name, name) for names in PHRASE_VARIABLES.values() for name in sorted(names)
        }
        # one phrase's own samples, per locale of the body: {"zh-CN": {"promise": {"hours": …}}}
        answer["phrase_samples"] = {
            locale: {
                phrase_id.value: {
                    name: phrase_samples(locale, phrase_id.value).get(name, name)
                    for name in sorted(PHRASE_VARIABLES.get(phrase_id, frozenset()))
                }
                for phrase_id in PhraseId
                if PHRASE_VARIABLES.get(phrase_id)
            }
            for locale in sorted(set(found.body) | {"zh-CN"})
            if isinstance(locale, str)
        }
        answer["placeholders"] = {
            phrase_id.value: sorted(PHRASE_VARIABLES.get(phrase_id, frozenset())) for phrase_id in PhraseId
        }
    return answer


async def _current(request: web.Request, section: Section) -> SectionVersion:
    shared = resources(request)
    now = shared.clock()
    return await shared.database.write(
        lambda session: versions.current(session, section, shared.standards.defaults, now)
    )


def _yaml_response(section: Section, found: SectionVersion) -> web.Response:
    return web.Response(
        text=versions.as_yaml(found.body),
        content_type="text/yaml",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{section.id}-v{found.version}.yaml"'},
    )


@requires(*STAFF)
async def list_standards(request: web.Request) -> web.Response:
    """``GET /api/standards``: every section with its version in force (agents and supervisors:
    phrases and forbidden phrases only, read-only)."""
    shared = resources(request)
    now = shared.clock()
    shown = [
        section for section in shared.standards.sections.values() if _is_manager(request) or section.staff_may_read
    ]

    def read(session: Session) -> list[SectionVersion]:
        return [versions.current(session, section, shared.standards.defaults, now) for section in shown]

    found = await shared.database.write(read)
    return web.json_response({"sections": [{**item.as_json(), "editable": _is_manager(request)} for item in found]})


@requires(*STAFF)
async def get_standard(request: web.Request) -> web.Response:
    """``GET /api/standards/{section}``: the version in force with its body (``?format=yaml``: the
    body as a YAML file, the export format)."""
    section = _section(request)
    _readable(request, section)
    found = await _current(request, section)
    if request.query.get("format") == "yaml":
        return _yaml_response(section, found)
    return web.json_response(_section_json(request, section, found))


@requires(Role.MANAGER)
async def get_standard_version(request: web.Request) -> web.Response:
    """``GET /api/standards/{section}/versions/{n}``: the section as it was at version n."""
    section = _section(request)
    number = path_number(request, "no such version", "version")
    shared = resources(request)
    await _current(request, section)
    async with shared.database.sessions() as session:
        found = await session.run_sync(lambda sync: versions.load(sync, section.id, number))
    if found is None:
        raise api_error(404, f"no version {number} of {section.id}")
    if request.query.get("format") == "yaml":
        return _yaml_response(section, found)
    return web.json_response(_section_json(request, section, found))


@requires(Role.MANAGER)
async def get_history(request: web.Request) -> web.Response:
    """``GET /api/standards/{section}/history``: every version, newest first, with author, time,
    note and the unified diff of its YAML from the version before."""
    section = _section(request)
    await _current(request, section)
    async with resources(request).database.sessions() as session:
        entries = await session.run_sync(lambda sync: versions.history(sync, section.id))
    return web.json_response({"versions": entries})


def deadline_warnings(body: Any) -> list[dict[str, Any]]:
    """Where a tier served first (any but the default tier, and an urgent tier over one that is
    not) is given more hours than another tier for the same grade (a VIP waiting longer than a
    standard customer): each as {grade, tier, hours, other_tier, other_hours}. ``body`` is a
    validated deadlines section."""
    tiers, default = list(body.get("tiers") or []), body.get("default_tier")
    urgent = set(body.get("urgent_tiers") or [])

    def before(a: str, b: str) -> bool:
        return a != b and (b == default or (a in urgent and b not in urgent))

    found = []
    for grade, row in (body.get("table") or {}).items():
        for a in tiers:
            for b in tiers:
                hours, other = row.get(a), row.get(b)
                if (
                    before(a, b)
                    and isinstance(hours, int | float)
                    and isinstance(other, int | float)
                    and other > 0
                    and hours > other
                ):
                    found.append({"grade": grade, "tier": a, "hours": hours, "other_tier": b, "other_hours": other})
    return found


async def _store(
    request: web.Request,
    section: Section,
    body: Any,
    note: str,
    base_version: int | None = None,
    rollback_of: int | None = None,
    confirm_warnings: bool = True,
) -> web.Response:
    """Validate ``body`` against the other sections in force, store it as the next version and
    put it in force in this process at once (the others follow within their refresh interval)."""
    shared = resources(request)
    standards = shared.standards
    await standards.refresh()
    in_force = standards.now.config
    try:
        draft = await asyncio.to_thread(validate, section, body, in_force, standards.to_simplified)
    except Invalid as error:
        raise _invalid(error.problems) from None
    warnings = deadline_warnings(body) if section.id == "deadlines" and not confirm_warnings else []
    if warnings:
        # allowed, but most likely a slip: saved only when the manager confirms (仍然保存), from the
        # form or an imported YAML alike
        raise api_error(
            422,
            "a tier served first would wait longer than another: send confirm_warnings to save anyway",
            warnings=warnings,
        )
    username, now = request["staff"]["username"], shared.clock()

    def save(session: Session) -> SectionVersion:
        if section.id in RULE_VOCABULARY:
            rules = rulebook.current(session, standards.defaults.rules, now)
            problems = rule_problems(RuleSet(rules=list(rules.rules)), draft)
            if problems:
                raise Invalid(problems)
        return versions.save(
            session,
            section,
            body,
            username,
            note.strip(),
            standards.defaults,
            now,
            base_version=base_version,
            rollback_of=rollback_of,
        )

    try:
        saved = await shared.database.write(save)
    except versions.StaleBase as error:
        raise api_error(
            409,
            f"another manager saved version {error.newest} of {section.id} meanwhile: reload it and try again",
        ) from None
    except Invalid as error:
        raise _invalid(error.problems) from None
    except versions.ConcurrentEdit:
        raise api_error(
            409, f"another manager saved {section.id} at the same moment: reload it and try again"
        ) from None
    await standards.refresh()
    audit_note(request, target=f"standards:{section.id}:v{saved.version}", note=saved.note, rollback_of=rollback_of)
    return web.json_response(_section_json(request, section, saved))


@audited("standards_change", target=path_target("standards", "section"))
@requires(Role.MANAGER)
@documented(body=StandardBody)
async def put_standard(request: web.Request) -> web.Response:
    """``PUT /api/standards/{section}`` {body | yaml, note, base_version}: validate like start-up
    and store as the new version, in force on every instance and worker within seconds.

    422 names each bad key's path (``problems``), and refuses YAML with anchors or aliases; 409
    when ``base_version`` is not the newest, or (``code`` ``unchanged``) when ``body`` is the
    version in force; 413 for a request over :data:`MAX_BODY_BYTES`.
    """
    section = _section(request)
    given = await read_body(request, StandardBody, MAX_BODY_BYTES)
    if (given.body is None) == (given.yaml is None):
        raise api_error(400, "give exactly one of 'body' (JSON) or 'yaml' (an exported file)")
    body = given.body
    if given.yaml is not None:
        try:
            body = await asyncio.to_thread(yaml_import.load, given.yaml)
        except yaml_import.YamlRefused as error:
            raise _invalid([Problem(section.id, str(error))]) from None
        where = unstorable_at(body)  # YAML's "\0" escape writes the NUL the JSON reader refuses
        if where is not None:
            raise refusal(f"yaml:{where}")
    current = await _current(request, section)
    if body == current.body:
        # A version marked "无改动" in the history tells nobody anything (a rollback, asked for by
        # name, is still stored).
        raise api_error(
            409,
            f"nothing changed: this is version {current.version} of {section.id}, already in force",
            code="unchanged",
            version=current.version,
        )
    return await _store(
        request, section, body, given.note, base_version=given.base_version, confirm_warnings=given.confirm_warnings
    )


@audited("standards_rollback", target=path_target("standards", "section"))
@requires(Role.MANAGER)
@documented(body=RollbackBody)
async def rollback(request: web.Request) -> web.Response:
    """``POST /api/standards/{section}/rollback`` {version, note}: store version N's body as a new
    version (history is never rewritten); 404 no such version, 422 if it no longer validates."""
    section = _section(request)
    given = await read_body(request, RollbackBody)
    await _current(request, section)
    async with resources(request).database.sessions() as session:
        found = await session.run_sync(lambda sync: versions.load(sync, section.id, given.version))
    if found is None:
        raise api_error(404, f"no version {given.version} of {section.id}")
    note = given.note.strip() or f"rollback to version {given.version}"
    return await _store(request, section, found.body, note, rollback_of=given.version)


@requires(Role.MANAGER)
@documented(body=TryStandardBody)
async def try_standard(request: web.Request) -> web.Response:
    """``POST /api/standards/try`` {text, locale, classification}: how the understanding layer
    reads ``text`` under the draft classification (the one in force when absent), before saving;
    413 for a request over :data:`MAX_BODY_BYTES`."""
    shared = resources(request)
    standards = shared.standards
    given = await read_body(request, TryStandardBody, MAX_BODY_BYTES)
    in_force = standards.now
    limit = in_force.config.channels.max_provider_text_chars
    if len(given.text) > limit:
        raise api_error(400, f"'text' is longer than {limit} characters")
    if given.locale is not None and given.locale not in in_force.config.phrases:
        raise api_error(400, f"'locale' must be one of {sorted(in_force.config.phrases)}")
    channels = in_force.config.channels  # read as the bot reads a long text: its beginning and end
    text = as_read(given.text, channels.understood_head_chars, channels.understood_tail_chars)
    if given.classification is None:
        reading = await in_force.reader.read(text, given.locale)
        return web.json_response(reading.as_json())
    section = standards.sections["classification"]
    try:
        draft = await asyncio.to_thread(
            validate, section, given.classification, in_force.config, standards.to_simplified
        )
    except Invalid as error:
        raise _invalid(error.problems) from None

    def understand() -> dict[str, object]:
        understander = in_force.engine.understander.for_config(draft, standards.dictionary())
        return understander.understand(text, given.locale).as_json()

    return web.json_response(await asyncio.to_thread(understand))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/standards", list_standards)
    app.router.add_post("/api/standards/try", try_standard)
    app.router.add_get("/api/standards/{section}", get_standard)
    app.router.add_put("/api/standards/{section}", put_standard)
    app.router.add_get("/api/standards/{section}/history", get_history)
    app.router.add_get("/api/standards/{section}/versions/{version}", get_standard_version)
    app.router.add_post("/api/standards/{section}/rollback", rollback)
