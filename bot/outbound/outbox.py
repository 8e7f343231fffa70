"""Messages to a customer that do not come from the engine: an agent's reply, a queue-position
notice, a deadline apology, a follow-up. Stored in the caller's transaction; after the commit
the caller hands the returned :class:`Delivery` to the outbound gateway (``commit``), which
sends it on the web chat socket or as a provider delivery job, like the bot's replies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.core.messages import Sender
from bot.core.phrases import TraditionalScript
from bot.flows.data import writes_traditional
from bot.outbound.effects import Delivery
from bot.storage.conversations import add_outbound_message
from bot.storage.media import link_media
from bot.storage.models import Conversation


def add_customer_message(
    session: Session,
    conversation_id: int,
    text: str,
    sender: Sender,
    now: dt.datetime,
    status_on_commit: Callable[[str], str],
    phrase_id: str | None = None,
    owner: str | None = None,
    media_id: str | None = None,
    script: TraditionalScript | None = None,
) -> Delivery | None:
    """Store an outbound message in ``conversation_id``; None when there is no such
    conversation, or ``owner`` is given and the conversation belongs to someone else.
    With ``media_id`` (a stored photo, issue 15) the message is that photo and ``text`` its caption.
    With ``script``, ``text`` is a person's own words (an agent's reply): stored and sent in
    traditional characters to a customer who writes them, as the bot's phrases are."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or (owner is not None and conversation.owner != owner):
        return None
    if script is not None and writes_traditional(conversation.flow_data):
        text = script.written(text)
    status = status_on_commit(conversation.channel)
    kind = "text" if media_id is None else "image"
    message_id = add_outbound_message(session, conversation, text, sender, now, status, phrase_id, kind)
    media: tuple[str, ...] = ()
    if media_id is not None:
        link_media(session, media_id, message_id)
        media = (media_id,)
    return Delivery(
        message_id, conversation_id, conversation.identity_id, conversation.channel, sender, text, now, media=media
    )
