"""A circuit breaker: after repeated failures a remote service is left alone for a while."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


class CircuitState(StrEnum):
    CLOSED = "closed"
    """Calls go through; consecutive failures are counted."""
    OPEN = "open"
    """Calls are skipped until the open time has passed."""
    HALF_OPEN = "half_open"
    """The open time has passed: one trial call goes through and its outcome decides."""


class CircuitBreaker:
    """Closed → (``failures_to_open`` consecutive failures) → open → (``open_seconds``) → half-open,
    where a single trial call closes it on success or opens it again on failure.

    Not thread-safe: one event loop calls it, and no method awaits.
    """

    def __init__(self, failures_to_open: int, open_seconds: float, monotonic: Callable[[], float]) -> None:
        self._failures_to_open = failures_to_open
        self._open_seconds = open_seconds
        self._monotonic = monotonic
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._sources: set[str] = set()
        """The sources whose failure the current streak counted already."""
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> CircuitState:
        if self._state is CircuitState.OPEN and self._monotonic() - self._opened_at >= self._open_seconds:
            return CircuitState.HALF_OPEN
        return self._state

    def allow(self) -> bool:
        """Whether a call may go now. In half-open state a True is the trial: report its outcome
        with :meth:`record_success` / :meth:`record_failure`, or :meth:`release` it."""
        state = self.state
        if state is CircuitState.CLOSED:
            return True
        if state is CircuitState.OPEN or self._trial_in_flight:
            return False
        self._state, self._trial_in_flight = CircuitState.HALF_OPEN, True
        return True

    def record_success(self) -> None:
        self._state, self._failures, self._trial_in_flight = CircuitState.CLOSED, 0, False
        self._sources.clear()

    def record_failure(self, source: str | None = None) -> bool:
        """Count a failure; True when it opened the circuit. A ``source`` (who caused the call)
        counts once until a success: one writer's calls failing again and again do not open it
        alone, a failed half-open trial does."""
        if self._state is CircuitState.OPEN:
            return False  # a call admitted before it opened: the open time is not extended
        if source is not None and source in self._sources and self._state is not CircuitState.HALF_OPEN:
            return False
        if source is not None:
            self._sources.add(source)
        self._failures += 1
        if self._state is CircuitState.HALF_OPEN or self._failures >= self._failures_to_open:
            self._state, self._opened_at, self._trial_in_flight = CircuitState.OPEN, self._monotonic(), False
            self._sources.clear()
            return True
        return False

    def release(self) -> None:
        """A call ended without an outcome (cancelled): a trial it held may be taken by the next call."""
        self._trial_in_flight = False
