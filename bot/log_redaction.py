"""What logs may not carry: customers' phone numbers (masked to the last four digits) and their
words (message text fields are dropped unless explicitly allowed for debugging).

A structlog processor over every value of every log event, the library ones (SQLAlchemy errors
in tracebacks, aiohttp, arq) included, since it runs in the one formatter all lines go through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from structlog.typing import EventDict, WrappedLogger

from bot.core.phones import masked_phone

MOBILE = re.compile(r"(?<![\d])((?:\+|00)?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![\d])")
"""A mainland mobile number, alone or after +86 / 0086 / 86, with optional spaces or dashes."""
INTERNATIONAL = re.compile(r"(?<![\w+])\+(?!86)(\d(?:[ -]?\d){7,14})(?![\d])")
"""A number of another country with its "+" (+852 9123 4567, +14155550123): masked keeping the
country code whole, as the restatement masks it (+852 ****4567)."""
LANDLINE = re.compile(r"(?<![\d-])(0\d{2,3})-?(\d{3,4})(\d{4})(?![\d])")
"""A landline with its area code (029-88886666); ``normalise_phone`` keeps these too."""
DATABASE_DETAIL = re.compile(r"DETAIL:.*?(?=\n\[SQL:|\n\nThe above exception|\n\nDuring handling|\Z)", re.DOTALL)
"""PostgreSQL's DETAIL of a failed statement quotes the row's values ("Key (phone)=(…)",
"Failing row contains (…)"); the error and constraint names stay, the values go."""
CREDENTIALS = re.compile(
    r"\b(?P<param>(?:app)?secret|access_token|token|api_key|key|password|signature|sig)=[^&\s'\"<>]+"
    r"|(?P<bot>/bot)\d+:[A-Za-z0-9_-]+"
    r"|(?P<scheme>https?://)[^/@\s'\"]+:[^/@\s'\"]+@",
    re.IGNORECASE,
)
"""Provider credentials inside a URL that an HTTP error quotes: WeChat's ``secret=``/
``access_token=``, Telegram's ``/bot<token>/``, a gateway's ``https://user:password@``."""
TEXT_FIELDS = frozenset({"text", "body", "content", "message_text", "description", "comment", "raw"})
"""Event fields that carry what a customer or an agent wrote."""


def mask_phone(match: re.Match[str]) -> str:
    prefix, head, _, tail = match.groups()
    return f"{prefix or ''}{head}****{tail}"


def without_credentials(text: str) -> str:
    """``text`` with the credentials a provider URL carries replaced by ``***``: an error quoting
    the URL it failed on is stored, shown to staff and logged."""
    return CREDENTIALS.sub(_hide_credential, text)


def _hide_credential(match: re.Match[str]) -> str:
    if match.group("param"):
        return f"{match.group('param')}=***"
    if match.group("bot"):
        return "/bot***"
    return f"{match.group('scheme')}***@"


def mask(text: str) -> str:
    """``text`` with phone numbers masked (138****5678), database row values and provider
    credentials hidden."""
    text = without_credentials(text)
    text = DATABASE_DETAIL.sub("DETAIL: [hidden: may hold customer data]", text)
    text = INTERNATIONAL.sub(lambda match: masked_phone("+" + re.sub(r"[ -]", "", match.group(1))), text)
    text = MOBILE.sub(mask_phone, text)
    return LANDLINE.sub(lambda match: match.group(0)[: -len(match.group(2)) - 4] + "****" + match.group(3), text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, Mapping):
        return {key: _redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(item) for item in value]
    if isinstance(value, bool | int | float) or value is None:
        return value
    return mask(str(value))


class RedactPersonalData:
    """A structlog processor: masks phones everywhere and drops message text fields unless
    ``keep_message_text`` (``BOT_LOG_MESSAGE_TEXT``). Put it after ``format_exc_info`` so
    tracebacks are masked too, and before the renderer."""

    def __init__(self, keep_message_text: bool = False) -> None:
        self.keep_message_text = keep_message_text

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        redacted: dict[str, Any] = {}
        for key, value in event_dict.items():
            if key.startswith("_"):  # structlog's own (the stdlib record): not rendered
                redacted[key] = value
            elif key in TEXT_FIELDS and not self.keep_message_text and value is not None:
                redacted[key] = f"[hidden: {len(str(value))} characters]"
            else:
                redacted[key] = _redact_value(value)
        return redacted
