"""Every Redis key and channel name the product uses, in one place."""

from __future__ import annotations

PREFIX = "bot"

WEBCHAT_OUTBOUND_CHANNEL = f"{PREFIX}:webchat:outbound"
"""Pub/sub: web chat frames for sockets that may live on another app instance."""


def conversation_inbox(conversation_id: int) -> str:
    """List of pending events of one conversation, in arrival order."""
    return f"{PREFIX}:conv:{conversation_id}:inbox"


def conversation_lock(conversation_id: int) -> str:
    """Held by the one process that is running a conversation's events."""
    return f"{PREFIX}:conv:{conversation_id}:lock"


DUE_TIMERS = f"{PREFIX}:timers:due"
"""Sorted set of armed conversation timers, scored by due time (Unix seconds)."""


def timer_member(conversation_id: int, kind: str, token: int) -> str:
    return f"{conversation_id}:{kind}:{token}"


def delivery_lock(conversation_id: int) -> str:
    """Held by the one worker job sending a conversation's provider messages, in order."""
    return f"{PREFIX}:conv:{conversation_id}:delivering"


def delivery_more(conversation_id: int) -> str:
    """Set of messages whose jobs found the delivery lock taken: the holder sees to them before it ends."""
    return f"{PREFIX}:conv:{conversation_id}:delivering:more"


def delivery_sent(conversation_id: int) -> str:
    """Set of the conversation's messages sent lately (it expires): their own jobs end at once."""
    return f"{PREFIX}:conv:{conversation_id}:delivering:sent"


def delivery_accepted(conversation_id: int) -> str:
    """Hash of the conversation's messages a provider accepted whose outcome is not recorded yet
    (message id -> how it went): a later run records them as sent instead of sending them again."""
    return f"{PREFIX}:conv:{conversation_id}:delivering:accepted"


def delivery_job(conversation_id: int) -> str:
    """The id of the shared delivery job (a commit's conversations) that carries the
    conversation's latest committed messages: reconcile leaves them to it while it is live."""
    return f"{PREFIX}:conv:{conversation_id}:delivering:job"


STAFF_EVENTS_CHANNEL = f"{PREFIX}:staff:events"
"""Pub/sub: events for the staff consoles (queue changed, conversation updated, notifications),
published by any app instance or worker and forwarded by every instance to its staff sockets."""

STAFF_SESSION_ENDED_CHANNEL = f"{PREFIX}:staff:session-ended"
"""Pub/sub: the token digest of a staff session just signed out (or replaced by a new sign-in);
every app instance closes its staff event sockets of that session."""


def staff_session_end_reason(token_digest: str) -> str:
    """Why a staff session was ended by someone else ("account_off": its account was deactivated),
    kept as long as the session could have lasted, so the console it signed in says why it is
    signed out instead of "expired"."""
    return f"{PREFIX}:staff:session-ended:{token_digest}:reason"


STAFF_ACCESS_CHANGED_CHANNEL = f"{PREFIX}:staff:access-changed"
"""Pub/sub: the id of a staff account whose queues, role or standing just changed; every app
instance stops telling that account's open sockets of what it may no longer read, then reads
their access anew (published after the change is committed)."""

LIVE_QUEUE = f"{PREFIX}:queue:live"
"""Hash: the waiting tickets (ticket id → JSON of what ordering needs), plus the field "built"
once it holds every waiting ticket; rebuilt from the database when missing."""

LIVE_QUEUE_VERSION = f"{PREFIX}:queue:live:version"
"""Counter bumped by every write to the live queue; writers WATCH it so a write based on an older
read of the database never lands over a newer one."""

LIVE_QUEUE_REBUILD_LOCK = f"{PREFIX}:queue:live:rebuilding"
"""Held (briefly) by the one process rebuilding a lost live queue from the database."""

QUEUE_ANNOUNCE_PENDING = f"{PREFIX}:queue:announce:pending"
"""Set when the queue changed; the running ``announce_queue`` job looks again before it ends."""


def wechat_signed_query(appid: str, query_digest: str) -> str:
    """The SHA-256 of the first body pushed with one plain-mode signed query (WeChat's signature
    does not cover the body), so the query cannot carry another body within its window."""
    return f"{PREFIX}:wechat:{appid}:signed-query:{query_digest}"


def wechat_passive_reply(appid: str, provider_message_id: str) -> str:
    """The ids of the replies that went back in the passive reply to one pushed message, for a
    retry of that push (the reply was never read) to send them again by the API."""
    return f"{PREFIX}:wechat:{appid}:passive-reply:{provider_message_id}"


def webchat_session_starts(address: str) -> str:
    """Counter of web chat sessions opened from one client address within the window."""
    return f"{PREFIX}:webchat:session-starts:{address}"


def webchat_address_characters(address: str) -> str:
    """Counter of the characters of web chat messages sent from one client address this minute."""
    return f"{PREFIX}:webchat:address-characters:{address}"


def sender_characters(channel: str, sender_id: str) -> str:
    """Counter of the characters read of one WeChat, Telegram or SMS sender's texts this minute."""
    return f"{PREFIX}:sender-characters:{channel}:{sender_id}"


def sender_characters_counted(channel: str, provider_message_id: str) -> str:
    """Set when a WeChat, Telegram or SMS message was counted against its sender's characters:
    "1" read, "0" not (a provider's retry of it is not counted again)."""
    return f"{PREFIX}:sender-characters-counted:{channel}:{provider_message_id}"


def webchat_photo_bytes(address: str) -> str:
    """Bytes of photos stored from one client address's web chat sessions within the day."""
    return f"{PREFIX}:webchat:photo-bytes:{address}"


def login_failures(scope: str, subject: str) -> str:
    """Counter of failed sign-ins within the window; ``scope`` is "user", "address" or "user-address"."""
    return f"{PREFIX}:login:failures:{scope}:{subject}"


def login_known_address(user: str, address: str) -> str:
    """Set when ``user`` signed in from this client address (its limit key) within the remembered
    time: the user's own per-username limit does not hold them back there."""
    return f"{PREFIX}:login:known-address:{address}|{user}"


def login_refusal_noted(scope: str, subject: str) -> str:
    """Set for the window once a sign-in held back by this counter (``scope`` as in
    :func:`login_failures`) has been written to the audit log; later ones are not."""
    return f"{PREFIX}:login:refusal-noted:{scope}:{subject}"


def typing_throttle(side: str, subject: str) -> str:
    """Set for a moment after a typing signal went through (issue 15); the side's later signals
    within it are dropped. ``side`` is "customer" (subject: the web chat identity) or "agent"
    (subject: "<staff id>:<conversation id>")."""
    return f"{PREFIX}:typing:{side}:{subject}"
