"""Learning-rate schedules: the lecture's C/k, micrograd's linear decay, step decay, constant."""

import pytest

from nn import schedules


def test_inverse_gives_the_lectures_c_over_k():
    f = schedules.inverse()
    assert [3.0 * f(k) for k in range(4)] == [3.0, 1.5, 1.0, 0.75]


def test_linear_reproduces_micrograds_rate_and_then_holds():
    f = schedules.linear(100, end=0.1)
    assert [f(k) for k in range(100)] == [1.0 - 0.9 * k / 100 for k in range(100)]
    assert f(100) == pytest.approx(0.1) and f(500) == f(100)


def test_step_multiplies_by_gamma_every_n_steps():
    f = schedules.step(every=3, gamma=0.5)
    assert [f(k) for k in range(7)] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


def test_constant_is_one():
    assert {schedules.constant()(k) for k in range(10)} == {1.0}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: schedules.linear(0), "steps must be ≥ 1"),
        (lambda: schedules.step(0), "every must be ≥ 1"),
        (lambda: schedules.linear(10, end=-1.0), r"end must be a finite factor ≥ 0, got -1\.0"),
        (lambda: schedules.linear(10, end=float("nan")), "end must be a finite factor ≥ 0"),
        (lambda: schedules.step(5, gamma=-0.5), r"gamma must be a finite factor > 0, got -0\.5"),
        (lambda: schedules.step(5, gamma=0.0), "gamma must be a finite factor > 0"),
    ],
)
def test_schedules_reject_settings_that_give_no_or_negative_rates(make, message):
    # linear(10, end=-1) reached α = −lr (gradient ascent) at k = 10; step(gamma=−0.5) alternated signs.
    with pytest.raises(ValueError, match=message):
        make()
