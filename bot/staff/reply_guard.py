"""The forbidden-phrase guard on what an agent sends a customer: a reply's text or a photo's caption."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiohttp import web

from bot.staff.audit import note
from bot.understanding.guard import ForbiddenGuard, GuardHit, direction_controls
from bot.understanding.guard_model import GuardModel


@dataclass(frozen=True, slots=True)
class Verdict:
    refusal: web.Response | None
    """The 422 to answer with, or None when the text may be sent."""
    overrode_guard: bool
    """The agent sends it past a flag (or past the model's opinion): the timeline and audit say so."""
    audit_error: str | None = None
    """What the audit entry of a refusal says: the configured phrase, the pattern's id or the
    controls, never the agent's own words (which a paraphrase or the model's quote would be)."""

    def refuse(self, request: web.Request) -> web.Response | None:
        """The refusal, if any, with its reason noted for the audit entry."""
        if self.refusal is not None and self.audit_error is not None:
            note(request, error=self.audit_error)
        return self.refusal


def audit_error(hit: GuardHit) -> str:
    """A guard hit as the audit log may keep it."""
    if hit.by == "model":
        return f"the model judged the text forbidden ({hit.source})"
    if hit.pattern_id is not None:
        return f"the text holds a forbidden paraphrase (pattern {hit.pattern_id})"
    return f"the text contains a forbidden phrase: 「{hit.forbidden}」"


def direction_refusal(text: str) -> tuple[web.Response, str] | None:
    """422 for text holding bidirectional controls (and what the audit says), None without any:
    the reader would see the characters in another order than the one the guard checks."""
    controls = direction_controls(text)
    if not controls:
        return None
    error = (
        f"the text holds direction controls ({', '.join(controls)}) that change the order the reader sees: remove them"
    )
    body = {"error": error, "direction_controls": controls, "can_override": False}
    return web.json_response(body, status=422), error


def _utf16_span(text: str, span: tuple[int, int] | None) -> list[int] | None:
    """``span`` (indices of ``text``'s characters) as a browser's string indices count: UTF-16 units."""
    if span is None:
        return None

    def units(index: int) -> int:
        return len(text[:index].encode("utf-16-le", "surrogatepass")) // 2

    return [units(span[0]), units(span[1])]


def _refusal(
    hit: GuardHit,
    hits: list[GuardHit],
    can_override: bool,
    where: Callable[[GuardHit], list[int] | None],
) -> web.Response:
    span = where(hit)
    return web.json_response(
        {
            "error": f"the reply contains a forbidden phrase: 「{hit.forbidden}」",
            "forbidden": hit.forbidden,
            "suggestion": hit.instead,
            "source": hit.source,
            "can_override": can_override,
            "by": hit.by,
            # every phrase the text holds, so that the warning shows (and an override names) them all
            "forbidden_all": [each.forbidden for each in hits],
            # where the flagged words stand in the text as typed ([start, end) in UTF-16 units, as
            # JavaScript counts), for the console to put the suggestion in their place; null when
            # they cannot be found there
            "span": span,
            # each phrase with its own expression and place, for one 插入建议 each
            "suggestions": [
                {"forbidden": each.forbidden, "suggestion": each.instead, "span": where(each)} for each in hits
            ],
        },
        status=422,
    )


async def check_agent_text(
    text: str,
    override: bool,
    guard_mode: str,
    guard: ForbiddenGuard,
    guard_model: GuardModel | None,
    overridden: Iterable[str] = (),
) -> Verdict:
    """A forbidden phrase gets 422 with the correct expression to use instead; in "warn" mode the
    agent may send it anyway with ``override``, in "block" mode not. An override names what it
    overrides (``overridden``: the phrases the warning showed, as the 422's ``forbidden`` /
    ``forbidden_all`` gave them): the text is checked again, and a phrase it holds that the
    override does not name is refused like a first send, so a warning about one text does not
    let another one through. When the rules find nothing and a model is configured, its second
    opinion is awaited (at most the model's timeout; no opinion in time means send): ``"by":
    "model"`` marks its flags, which the agent may always override (naming the quoted words),
    since they are an opinion and not the managers' list. An override naming words that still
    occur in the text is not shown to the model again. Text holding direction controls (which
    reorder what the customer sees: "\u202e道知不我\u202c" shows as 我不知道) is refused first,
    with no override."""
    if (reordered := direction_refusal(text)) is not None:
        return Verdict(reordered[0], False, reordered[1])
    named = {folded for phrase in overridden if (folded := guard.fold(phrase))} if override else set()
    folded_text = guard.fold(text)
    hits = guard.check_all(text)
    unnamed = [hit for hit in hits if guard.fold(hit.forbidden) not in named]

    def where(hit: GuardHit) -> list[int] | None:
        return _utf16_span(text, guard.span(text, hit.forbidden))

    if unnamed:
        refusal = _refusal(unnamed[0], hits, guard_mode == "warn", where)
        return Verdict(refusal, False, audit_error(unnamed[0]))
    if hits:  # every one named by the override
        if guard_mode != "warn":
            return Verdict(_refusal(hits[0], hits, False, where), False, audit_error(hits[0]))
        return Verdict(None, True)
    acknowledged = any(phrase in folded_text for phrase in named)
    if guard_model is not None and not acknowledged:
        hit = await guard_model.check(text)
        if hit is not None and guard.fold(hit.forbidden) not in named:
            return Verdict(_refusal(hit, [hit], True, where), False, audit_error(hit))
        return Verdict(None, hit is not None)
    # With a named override and no rule hit, the agent is sending past the model's opinion.
    return Verdict(None, acknowledged and guard_model is not None)
