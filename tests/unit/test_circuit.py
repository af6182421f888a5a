"""The circuit breaker: closed while the service answers, open for a pause after so many
calls in a row got no answer, then one trial call decides."""

from domain.circuit import CircuitBreaker


def opened(at: float = 0.0) -> CircuitBreaker:
    breaker = CircuitBreaker(failures_to_open=2, pause_seconds=10.0)
    breaker.no_answer(at)
    breaker.no_answer(at)
    return breaker


def test_stays_closed_until_enough_calls_in_a_row_got_no_answer() -> None:
    breaker = CircuitBreaker(failures_to_open=2, pause_seconds=10.0)
    breaker.no_answer(0.0)
    assert not breaker.is_open(0.0)
    assert breaker.last_call_failed
    breaker.answered()
    breaker.no_answer(1.0)
    assert not breaker.is_open(1.0)


def test_opens_for_its_pause_and_says_how_long_is_left() -> None:
    breaker = opened(at=0.0)
    assert breaker.is_open(9.0)
    assert breaker.wait(4.0) == 6.0


def test_after_the_pause_lets_one_trial_call_through_and_holds_the_others() -> None:
    breaker = opened(at=0.0)
    assert not breaker.is_open(10.0)
    breaker.start(10.0)
    assert breaker.is_open(10.5)
    assert breaker.wait(10.5) == 10.0


def test_a_trial_that_is_answered_closes_it_and_one_that_is_not_opens_it_again() -> None:
    answered, silent = opened(), opened()
    for breaker in (answered, silent):
        breaker.start(10.0)
    answered.answered()
    silent.no_answer(10.0)
    assert not answered.is_open(10.0) and not answered.last_call_failed
    assert silent.is_open(19.0)


def test_a_trial_abandoned_by_its_caller_frees_the_way_for_the_next() -> None:
    breaker = opened()
    breaker.start(10.0)
    breaker.gave_up()
    assert not breaker.is_open(10.0)
