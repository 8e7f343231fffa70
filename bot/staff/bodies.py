"""The staff API's request bodies as pydantic models: the handlers read their bodies with them,
and the OpenAPI document (``GET /api/openapi.json``) describes the bodies from them."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from aiohttp import web
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError
from pydantic_core import ErrorDetails

from bot.config import LONGEST_CUSTOMER_TEXT, error_limit
from bot.web.responses import LARGEST_ID, api_error, json_body

MAX_EXTENSION_HOURS = 24 * 30
MAX_AREA_CHARS = 200
"""A case's place as ``complaints.area`` holds it."""


MAX_TEXT_CHARS = 5_000
"""What staff write (a reply, a note, a summary): a reply this long is already dozens of SMS."""


def visible(value: str) -> bool:
    """Whether ``value`` shows anything: a character besides white space and the invisible ones
    (direction marks "\u202e", zero-width spaces, control characters), which alone read as blank."""
    return any(character.isprintable() and not character.isspace() for character in value)


def _not_blank(value: str) -> str:
    # A NUL never gets here: the body's reader refuses it in any field (bot.web.unstorable).
    if not visible(value):
        raise ValueError("must be a non-empty string")
    return value


Text = Annotated[StrictStr, Field(max_length=MAX_TEXT_CHARS), AfterValidator(_not_blank)]
"""A string with something in it besides white space, of at most ``MAX_TEXT_CHARS``."""
CustomerText = Annotated[StrictStr, Field(max_length=LONGEST_CUSTOMER_TEXT), AfterValidator(_not_blank)]
"""A customer's text to try in the understanding boxes: the configured ``max_provider_text_chars``
bounds it (a WeChat text is read whole up to it), checked by the route."""


VersionNumber = Annotated[int, Field(ge=1, le=LARGEST_ID, strict=True)]
"""A stored version: 1 or more, and no more than its column holds."""


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class LoginBody(Body):
    username: StrictStr
    password: StrictStr


class ReplyBody(Body):
    text: Text = Field(description="What the customer reads.")
    override: StrictBool = Field(
        default=False, description="Send although the guard flagged it (when the flag may be overridden)."
    )
    forbidden: Annotated[list[Annotated[StrictStr, Field(max_length=MAX_TEXT_CHARS)]], Field(max_length=50)] = Field(
        default=[],
        description=(
            "With override: the phrases it overrides (the warning's forbidden_all). A phrase the text holds "
            "that is not named here is refused again."
        ),
    )


class NoteBody(Body):
    text: Text = Field(description="An internal note; never sent to the customer.")


class TransferBody(Body):
    """Exactly one of ``username`` (an agent, who owns it at once) or ``queue`` (a waiting ticket there)."""

    username: StrictStr | None = None
    queue: StrictStr | None = None


CaseNumber = Annotated[StrictStr, Field(min_length=1, max_length=64)]


class ResolveBody(Body):
    summary: Text = Field(
        description="How the complaint was resolved: told to the customer with the satisfaction callback, "
        "so it is refused (422) when it holds a forbidden phrase."
    )
    case_numbers: Annotated[list[CaseNumber], Field(max_length=50)] | None = Field(
        default=None,
        description="The open cases of the conversation to resolve, by case number (a conversation has two when "
        "another problem was told after the hand-off); absent: all of them. The others stay open.",
    )


class ReopenBody(Body):
    reason: Text = Field(
        description="Why the resolved case is opened again (marked resolved by mistake, the customer says it "
        "is not): on the timeline and in the audit log, never sent to the customer."
    )


class ExtendBody(Body):
    hours: Annotated[float, Field(gt=0, le=MAX_EXTENSION_HOURS, strict=True)] = Field(
        description="How many hours later the new deadline is."
    )
    reason: Text = Field(description="Why the deadline moves.")
    case_number: CaseNumber | None = Field(
        default=None,
        description="The case whose deadline moves, when the conversation has two open ones; absent: the open "
        "case with the nearest deadline.",
    )


class ComplaintFixBody(Body):
    """What staff correct on a case's form: any of ``contact_phone``, ``area`` and ``category``."""

    case_number: StrictStr | None = Field(
        default=None, description="The case to correct; the conversation's latest case without it."
    )
    contact_phone: Annotated[StrictStr, Field(max_length=40)] | None = Field(
        default=None, description="The contact phone, read as the bot reads a customer's: a mobile or a landline."
    )
    area: Annotated[StrictStr, Field(max_length=MAX_AREA_CHARS)] | None = Field(
        default=None, description="The place as the customer gave it; its district is read again from it."
    )
    category: StrictStr | None = Field(default=None, description="A category of config/classification.yaml.")


class EmptyBody(Body):
    """``{}``: nothing to say besides the request itself."""


class RulesBody(Body):
    rules: list[Any] = Field(description="The whole ordered list of rules (see docs/api.md).")
    note: StrictStr = Field(
        default="", max_length=MAX_TEXT_CHARS, description="What changed and why, for the version history."
    )


class RulesRollbackBody(Body):
    version: VersionNumber = Field(description="The version whose rules come back as a new version.")
    note: Text = Field(description="Why, for the version history (required, as for a save).")


class QueuesBody(Body):
    queues: list[StrictStr] = Field(min_length=1, description="Queue ids from config/handoff.yaml.")


class NewAccountBody(Body):
    username: StrictStr = Field(max_length=64, description="Letters, digits and . _ - (as `create-user` takes).")
    display_name: StrictStr | None = Field(default=None, max_length=100, description="The name colleagues read.")
    role: Literal["agent", "supervisor", "manager"]
    queues: list[StrictStr] = Field(default=[], description="Queue ids; none: the general queue.")
    password: StrictStr | None = Field(
        default=None, max_length=200, description="At least 8 characters; none: one is made and answered once."
    )
    current_password: StrictStr | None = Field(
        default=None, max_length=200, description="The caller's own password, typed again: needed to add a manager."
    )


CURRENT_PASSWORD_DESCRIPTION = "The caller's own password, typed again: a stolen session alone cannot change accounts."


class AccountActiveBody(Body):
    active: StrictBool = Field(description="false: the account is off and every session of theirs ends at once.")
    current_password: StrictStr | None = Field(default=None, max_length=200, description=CURRENT_PASSWORD_DESCRIPTION)


class NewPasswordBody(Body):
    password: StrictStr | None = Field(
        default=None, max_length=200, description="At least 8 characters; none: one is made and answered once."
    )
    current_password: StrictStr | None = Field(default=None, max_length=200, description=CURRENT_PASSWORD_DESCRIPTION)


class RoleBody(Body):
    role: Literal["agent", "supervisor", "manager"]
    current_password: StrictStr | None = Field(default=None, max_length=200, description=CURRENT_PASSWORD_DESCRIPTION)


class OwnPasswordBody(Body):
    current_password: StrictStr = Field(max_length=200, description="The password the caller signs in with now.")
    password: StrictStr = Field(max_length=200, description="The new password: at least 8 characters, not guessable.")


class TierBody(Body):
    tier: StrictStr = Field(description="A customer tier of config/deadlines.yaml (standard, high_value, vip, group).")


class UnderstandBody(Body):
    text: CustomerText
    locale: StrictStr | None = Field(default=None, description="A locale of config/phrases; the text's own by default.")


# issue 14 (standards edited in the console) ----------------------------------------------


class StandardBody(Body):
    """Exactly one of ``body`` (JSON) or ``yaml`` (the export format, imported)."""

    body: Any = Field(default=None, description="The whole section, in the shape of its file in config/.")
    yaml: StrictStr | None = Field(default=None, description="The whole section as YAML (an exported file).")
    note: StrictStr = Field(default="", description="What changed and why, for the version history.")
    base_version: VersionNumber | None = Field(
        default=None, description="The version the draft was made from: 409 when another was saved since."
    )
    confirm_warnings: StrictBool = Field(
        default=False,
        description="Save despite the warnings a 422 named (deadlines: a tier served first would wait longer).",
    )


class RollbackBody(Body):
    version: VersionNumber = Field(description="The version whose body comes back.")
    note: StrictStr = Field(default="", description="Why, for the version history.")


class TryStandardBody(Body):
    text: CustomerText
    locale: StrictStr | None = Field(default=None, description="A locale of the phrases; the text's own by default.")
    classification: dict[str, Any] | None = Field(
        default=None, description="A draft of the classification section; the one in force when absent."
    )


BodyModel = TypeVar("BodyModel", bound=Body)


def _problem(error: ErrorDetails) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "body"
    context = error.get("ctx") or {}
    message = str(context["error"]) if error["type"] == "value_error" and "error" in context else error["msg"]
    return f"'{where}' {message[0].lower()}{message[1:]}" if message else f"'{where}' is not valid"


async def read_body(request: web.Request, model: type[BodyModel], max_bytes: int | None = None) -> BodyModel:
    """The request's JSON body as ``model``; 400 naming the first field that is wrong, 413 over
    ``max_bytes``."""
    payload = await json_body(request, max_bytes)
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        limit = error_limit(first.get("ctx"))
        where = ".".join(str(part) for part in first["loc"]) or "body"
        extra = {} if limit is None else {"limit": limit}
        raise api_error(400, _problem(first), field=where, code=first["type"], **extra) from None
