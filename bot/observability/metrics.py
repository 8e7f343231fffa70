"""``Metrics``: the process's Prometheus registry and the series the service keeps.

One per process, built with the ``Resources`` and passed to what counts; nothing is registered at
import time, so tests and several apps in one process never share a series. Labels are small,
bounded sets: channel names, delivery outcomes, queue names, fallback and sign-in reasons.
The gauges read from Redis and the database (queues, timers, promises) are refreshed by the
``/metrics`` handler just before rendering (``bot.web.metrics``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
"""The text format ``generate_latest`` writes (what Prometheus and the parser read)."""
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
"""Seconds from a customer's message stored to its reply handed to the channel."""


class DeliveryOutcome:
    """The ``outcome`` label of ``complaint_bot_deliveries_total``."""

    SENT = "sent"
    FAILED = "failed"
    RETRIED = "retried"
    DEAD_LETTER = "dead_letter"


class Metrics:
    """The counters, histograms and gauges of one process, in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.messages_received = Counter(
            "complaint_bot_messages_received", "Customer messages stored, by channel.", ["channel"], registry=r
        )
        self.messages_sent = Counter(
            "complaint_bot_messages_sent",
            "Replies handed to the channel (web chat socket, or the provider accepted them), by channel.",
            ["channel"],
            registry=r,
        )
        self.reply_latency = Histogram(
            "complaint_bot_reply_latency_seconds",
            "Seconds from a customer's message stored to the bot's reply handed to the channel.",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self._reply_children: dict[str, tuple[Counter, Histogram]] = {}
        self.webchat_connections = Gauge(
            "complaint_bot_webchat_connections", "Web chat sockets open on this instance.", registry=r
        )
        self.queue_waiting = Gauge(
            "complaint_bot_queue_waiting_tickets", "Tickets waiting for an agent, by queue.", ["queue"], registry=r
        )
        self.queue_oldest_wait = Gauge(
            "complaint_bot_queue_oldest_wait_seconds",
            "Seconds the longest-waiting ticket has waited, by queue (0 when none waits).",
            ["queue"],
            registry=r,
        )
        self.deliveries = Counter(
            "complaint_bot_deliveries",
            "Provider delivery attempts' outcomes: sent, failed (for good), retried, dead_letter.",
            ["channel", "outcome"],
            registry=r,
        )
        self.dead_letters = Counter(
            "complaint_bot_dead_letters",
            "Jobs that failed for good and left a dead letter, by job.",
            ["job"],
            registry=r,
        )
        self.timers_overdue = Gauge(
            "complaint_bot_timers_overdue", "Conversation timers still pending past their due time.", registry=r
        )
        self.promises_at_risk = Gauge(
            "complaint_bot_promises_at_risk",
            "Open complaints whose promised deadline is near (config/queue.yaml at_risk_hours).",
            registry=r,
        )
        self.promises_breached = Gauge(
            "complaint_bot_promises_breached", "Open complaints past their promised deadline.", registry=r
        )
        self.promise_breaches = Counter(
            "complaint_bot_promise_breaches", "Promised deadlines found breached by the deadline timer.", registry=r
        )
        self.nlu_fallbacks = Counter(
            "complaint_bot_nlu_fallbacks",
            "Readings that fell back: no category understood (no_category), or the model did not answer (model).",
            ["reason"],
            registry=r,
        )
        self.conversations_failed = Counter(
            "complaint_bot_conversations_failed",
            "Conversation batches that failed to process (each retried later on its own, with back-off).",
            registry=r,
        )
        self.login_failures = Counter(
            "complaint_bot_login_failures",
            "Refused staff sign-ins: wrong_credentials (401) or rate_limited (429); wrong_current_password: a "
            "sensitive account change with a wrong password typed again (403).",
            ["reason"],
            registry=r,
        )
        self.webchat_refused = Counter(
            "complaint_bot_webchat_refused",
            "Web chat requests refused against floods: too_fast (a message), address_too_fast (a message past "
            "its address's characters a minute), too_many_sessions (an address), "
            "too_many_sockets (open sockets of a session), too_many_address_sockets (of an address), "
            "too_many_connects (a session reconnecting), frames_flood (a socket closed with 1008 for the "
            "refused frames it went on sending), photos_at_once (a customer or address already uploading) "
            "photos_busy (photo decoding full) or photo_quota (the customer's photos of the day used up).",
            ["reason"],
            registry=r,
        )
        # Audit (issue 14): an action whose audit entry could not be written still happened.
        self.audit_write_failures = Counter(
            "complaint_bot_audit_write_failures",
            "Staff actions whose audit log entry could not be written (the action itself went through).",
            registry=r,
        )

        # issue 14 (standards edited in the console)
        self.standards_version = Gauge(
            "complaint_bot_standards_version",
            "The version of each section of the service standards in force in this process (0: config/ as shipped).",
            ["section"],
            registry=r,
        )

    def watch_connections(self, count: Callable[[], int]) -> None:
        """Report ``count()`` (the web chat hub's size) at each scrape."""
        self.webchat_connections.set_function(lambda: float(count()))

    def reply_sent(self, channel: str, received_at: dt.datetime | None, now: dt.datetime) -> None:
        """A reply handed to ``channel``; ``received_at`` is the stored time of the message it answers."""
        children = self._reply_children.get(channel)
        if children is None:  # labels() takes a lock and builds a key: looked up once per channel
            children = self.messages_sent.labels(channel=channel), self.reply_latency.labels(channel=channel)
            self._reply_children[channel] = children
        sent, latency = children
        sent.inc()
        if received_at is not None:
            latency.observe(max(0.0, (now - received_at).total_seconds()))

    def set_queues(self, waiting: Mapping[str, tuple[int, float]]) -> None:
        """Queue name → (tickets waiting, oldest wait in seconds); queues no longer listed drop out."""
        self.queue_waiting.clear()
        self.queue_oldest_wait.clear()
        for queue, (count, oldest) in waiting.items():
            self.queue_waiting.labels(queue=queue).set(count)
            self.queue_oldest_wait.labels(queue=queue).set(oldest)

    def serve(self, host: str, port: int) -> Callable[[], None]:
        """Serve this registry on ``http://host:port/`` from a thread (a worker has no web app);
        returns the function that stops it."""
        server, thread = start_http_server(port, addr=host, registry=self.registry)

        def stop() -> None:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

        return stop

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def names(self) -> set[str]:
        """Every sample name this registry exposes (a counter's ``_total``, a histogram's ``_bucket``…)."""
        suffixes = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created")}
        return {
            family.name + suffix for family in self.registry.collect() for suffix in suffixes.get(family.type, ("",))
        }
