"""The circuit breaker's states, with a clock moved by hand."""

from __future__ import annotations

from bot.understanding.circuit import CircuitBreaker, CircuitState
from tests.understanding.chat_server import ManualClock


def opened(clock: ManualClock) -> CircuitBreaker:
    breaker = CircuitBreaker(failures_to_open=2, open_seconds=10, monotonic=clock)
    breaker.record_failure()
    assert breaker.record_failure() is True
    return breaker


def test_consecutive_failures_open_it() -> None:
    breaker = CircuitBreaker(failures_to_open=2, open_seconds=10, monotonic=ManualClock())

    assert breaker.allow() and breaker.record_failure() is False
    after_one = breaker.state
    assert breaker.record_failure() is True
    assert (after_one, breaker.state) == (CircuitState.CLOSED, CircuitState.OPEN)
    assert not breaker.allow()


def test_after_the_open_time_one_trial_goes() -> None:
    clock = ManualClock()
    breaker = opened(clock)

    clock.advance(9.9)
    assert not breaker.allow()
    clock.advance(0.1)
    assert breaker.state is CircuitState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()  # one trial at a time


def test_the_trial_decides() -> None:
    clock = ManualClock()
    breaker = opened(clock)
    clock.advance(10)
    breaker.allow()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED and breaker.allow()

    breaker = opened(clock)
    clock.advance(10)
    breaker.allow()
    assert breaker.record_failure() is True
    assert breaker.state is CircuitState.OPEN and not breaker.allow()


def test_a_released_trial_frees_the_next_call() -> None:
    clock = ManualClock()
    breaker = opened(clock)
    clock.advance(10)
    assert breaker.allow()

    breaker.release()

    assert breaker.allow()


def test_a_late_failure_does_not_extend_the_open_time() -> None:
    clock = ManualClock()
    breaker = opened(clock)
    clock.advance(5)

    assert breaker.record_failure() is False
    clock.advance(5)
    assert breaker.allow()


def test_one_sources_failures_count_once_until_a_success() -> None:
    breaker = CircuitBreaker(failures_to_open=2, open_seconds=10, monotonic=ManualClock())

    assert [breaker.record_failure("conversation:1") for _ in range(5)] == [False] * 5
    assert breaker.state is CircuitState.CLOSED
    breaker.record_success()
    assert breaker.record_failure("conversation:1") is False
    assert breaker.record_failure("conversation:2") is True


def test_a_failed_trial_opens_it_again_whoever_caused_it() -> None:
    clock = ManualClock()
    breaker = CircuitBreaker(failures_to_open=2, open_seconds=10, monotonic=clock)
    breaker.record_failure("conversation:1")
    breaker.record_failure("conversation:2")
    clock.advance(10)

    assert breaker.allow()
    assert breaker.record_failure("conversation:1") is True
