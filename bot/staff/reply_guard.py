"""The forbidden-phrase guard on what an agent sends a customer: a reply's text or a photo's caption."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.understanding.guard import ForbiddenGuard
from bot.understanding.guard_model import GuardModel


@dataclass(frozen=True, slots=True)
class Verdict:
    refusal: web.Response | None
    """The 422 to answer with, or None when the text may be sent."""
    overrode_guard: bool
    """The agent sends it past a flag (or past the model's opinion): the timeline and audit say so."""


async def check_agent_text(
    text: str, override: bool, guard_mode: str, guard: ForbiddenGuard, guard_model: GuardModel | None
) -> Verdict:
    """A forbidden phrase gets 422 with the correct expression to use instead; in "warn" mode the
    agent may send it anyway with ``override``, in "block" mode not. When the rules find nothing
    and a model is configured, its second opinion is awaited (at most the model's timeout; no
    opinion in time means send): ``"by": "model"`` marks its flags, which the agent may always
    override, since they are an opinion and not the managers' list."""
    hit = guard.check(text)
    if hit is None and not override and guard_model is not None:
        hit = await guard_model.check(text)
    can_override = guard_mode == "warn" or (hit is not None and hit.by == "model")
    if hit is not None and not (override and can_override):
        refusal = web.json_response(
            {
                "error": f"the reply contains a forbidden phrase: 「{hit.forbidden}」",
                "forbidden": hit.forbidden,
                "suggestion": hit.instead,
                "source": hit.source,
                "can_override": can_override,
                "by": hit.by,
            },
            status=422,
        )
        return Verdict(refusal, False)
    # With "override" and no rule hit, the agent is sending past the model's opinion.
    return Verdict(None, hit is not None or (override and guard_model is not None))
