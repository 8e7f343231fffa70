"""The forbidden-phrase guard on what an agent sends a customer: a reply's text or a photo's caption."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiohttp import web

from bot.understanding.guard import ForbiddenGuard, GuardHit
from bot.understanding.guard_model import GuardModel


@dataclass(frozen=True, slots=True)
class Verdict:
    refusal: web.Response | None
    """The 422 to answer with, or None when the text may be sent."""
    overrode_guard: bool
    """The agent sends it past a flag (or past the model's opinion): the timeline and audit say so."""


def _refusal(hit: GuardHit, hits: list[GuardHit], can_override: bool) -> web.Response:
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
    occur in the text is not shown to the model again."""
    named = {folded for phrase in overridden if (folded := guard.fold(phrase))} if override else set()
    folded_text = guard.fold(text)
    hits = guard.check_all(text)
    unnamed = [hit for hit in hits if guard.fold(hit.forbidden) not in named]
    if unnamed:
        return Verdict(_refusal(unnamed[0], hits, guard_mode == "warn"), False)
    if hits:  # every one named by the override
        if guard_mode != "warn":
            return Verdict(_refusal(hits[0], hits, False), False)
        return Verdict(None, True)
    acknowledged = any(phrase in folded_text for phrase in named)
    if guard_model is not None and not acknowledged:
        hit = await guard_model.check(text)
        if hit is not None and guard.fold(hit.forbidden) not in named:
            return Verdict(_refusal(hit, [hit], True), False)
        return Verdict(None, hit is not None)
    # With a named override and no rule hit, the agent is sending past the model's opinion.
    return Verdict(None, acknowledged and guard_model is not None)
