"""What every channel adapter offers, and the numbered-text fallback for options."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from bot.core.messages import ChannelName, OutboundMessage
from bot.log_redaction import without_credentials


def render_text(message: OutboundMessage) -> str:
    """The message as plain text: options become numbered text, for text-only channels (the
    flow's ``options_text``, in the customer's language; plain numbered lines without one)."""
    if not message.options:
        return message.text
    if message.options_text:
        return f"{message.text}\n{message.options_text}"
    lines = [message.text]
    lines.extend(f"{index}. {option.label}" for index, option in enumerate(message.options, start=1))
    return "\n".join(lines)


class DeliveryError(Exception):
    """A send that failed; ``permanent`` ones are not worth retrying. ``sent_pieces``: the
    provider ids of the pieces of a long message that went out before the failure, in order
    (how many: where a retry resumes, see :class:`SendsInPieces`)."""

    def __init__(self, message: str, permanent: bool, sent_pieces: Sequence[str] = ()) -> None:
        super().__init__(without_credentials(message))
        self.permanent = permanent
        self.sent_pieces = tuple(sent_pieces)


class MediaUnavailable(Exception):
    """A photo that cannot be fetched from the provider; ``permanent`` ones are not worth retrying
    (issue 15)."""

    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(without_credentials(message))
        self.permanent = permanent


class ChannelAdapter(Protocol):
    """A provider's API behind one small interface. Adapters never touch storage or the engine."""

    name: ChannelName
    accepts_idempotency_key: bool
    """True when the provider dedupes sends by ``outbound_id``: resending after an attempt
    whose outcome is unknown cannot reach the customer twice."""

    async def send(self, recipient: str, message: OutboundMessage, outbound_id: int) -> str:
        """Deliver ``message`` and return the provider's message id.

        ``outbound_id`` is the stored message's id, used as the idempotency key where the
        provider accepts one.
        """
        ...


@runtime_checkable
class SendsInParts(Protocol):
    """An adapter whose provider may cut a message into parts, each with its own id and delivery
    reports (an SMS text longer than the segments one SMS may take)."""

    async def send_parts(self, recipient: str, message: OutboundMessage, outbound_id: int) -> list[str]:
        """Deliver ``message`` as :meth:`ChannelAdapter.send` does; return every part's provider
        id, in order (the first is the one ``send`` returns)."""
        ...


@runtime_checkable
class SendsInPieces(Protocol):
    """An adapter that sends a long text as several messages in one attempt (WeChat, Telegram),
    and can resume after the pieces an earlier attempt sent: a retry never repeats them."""

    async def send_rest(
        self, recipient: str, message: OutboundMessage, outbound_id: int, sent_pieces: Sequence[str]
    ) -> str:
        """:meth:`ChannelAdapter.send` starting after ``sent_pieces`` (the ids a failed attempt's
        :class:`DeliveryError` carried); its answer counts them as sent. A failure carries the
        given ids and those sent since."""
        ...


@runtime_checkable
class ShowsTyping(Protocol):
    """An adapter whose provider can show the customer that an agent is typing (issue 15)."""

    async def show_typing(self, recipient: str) -> None:
        """Show "typing…" to ``recipient`` for a few seconds; raises on failure (never retried)."""
        ...
