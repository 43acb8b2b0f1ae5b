"""Differential tests: generated adversarial programs must come out OK or REFUSED.

tests/adversarial.py generates programs per family (aliasing, binding, control,
numerics, api) and classifies each against finite differences, forward mode and
second order. A WRONG or CRASH outcome fails the test and prints the program.

Two parts:

- ``test_generated_program``: a fixed, deterministic set of cases (seeds
  0..CI_CASES-1 per family, every API template once), fast enough for CI.
- ``test_family_hypothesis``: hypothesis draws programs from the same generators
  and shrinks failures. It runs only under ``HYPOTHESIS_PROFILE=thorough``
  (hundreds of programs per family); CI uses the seeded cases above.

``python tests/adversarial.py --count 500`` prints a table of outcomes per family
and writes the failing programs to a file.
"""

import os

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import adversarial
from adversarial import FAILING, INVALID, classify, generate

CI_CASES = 20   # seeded programs per family in the fast part
API_CASES = len(adversarial.API_CALLS)


def _cases():
    for family in adversarial.FAMILIES:
        count = API_CASES if family == "api" else CI_CASES
        for seed in range(count):
            yield pytest.param(family, seed, id=f"{family}-{seed}")


@pytest.mark.parametrize("family,seed", list(_cases()))
def test_generated_program(family, seed):
    outcome = classify(generate(family, seed))
    assert outcome.kind not in FAILING, outcome.report()


THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"


@pytest.mark.skipif(not THOROUGH, reason="long run: set HYPOTHESIS_PROFILE=thorough")
@pytest.mark.parametrize("family", sorted(adversarial.FAMILIES))
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
          deadline=None)
@given(data=st.data())
def test_family_hypothesis(family, data):
    case = adversarial.FAMILIES[family](adversarial.HypothesisChooser(data))
    outcome = classify(case)
    assume(outcome.kind != INVALID)
    assert outcome.kind not in FAILING, outcome.report()


# ---------------------------------------------------------------------------
# The oracle itself: it must tell right from wrong, or the suite checks nothing
# ---------------------------------------------------------------------------

def _case(source, args, **kw):
    return adversarial.Case("selftest", source, args, **kw)


def test_oracle_accepts_a_correct_program():
    import numpy as np
    case = _case("def f(x, y):\n    return np.sum(np.sin(x) * y) + y * y\n",
                 (np.array([0.3, -0.7, 1.1]), 0.4), wrt=(0, 1))
    assert classify(case).kind == adversarial.OK


def test_oracle_flags_a_wrong_gradient():
    # a custom adjoint with a deliberately wrong derivative: the oracle must call it WRONG
    import numpy as np
    source = (
        "from astgrad import d\n\n\ndef wrong_square(x):\n    return x * x\n\n\n"
        "@astgrad.adjoint(wrong_square)\n"
        "def _adjoint(y, x):\n    d[x] = d[y] * 3.0 * x\n\n\n"
        "def f(x):\n    return np.sum(wrong_square(x))\n")
    case = _case(source, (np.array([0.5, -1.2]),), second_order=False)
    outcome = classify(case)
    assert outcome.kind == adversarial.WRONG, outcome.report()
    assert "finite differences" in outcome.detail


def test_oracle_flags_an_internal_error_as_crash():
    import numpy as np
    source = (
        "from astgrad import d\n\n\ndef broken(x):\n    return x * 2.0\n\n\n"
        "@astgrad.adjoint(broken)\n"
        "def _adjoint(y, x):\n    d[x] = d[y] * x[7]\n\n\n"
        "def f(x):\n    return np.sum(broken(x))\n")
    outcome = classify(_case(source, (np.array([0.5, -1.2]),), second_order=False))
    assert outcome.kind == adversarial.CRASH, outcome.report()


def test_oracle_counts_a_refusal_as_refused():
    import numpy as np
    source = "def f(x):\n    try:\n        for k in range(2): y = x * 2.0\n    except ValueError:\n" \
             "        y = x\n    return np.sum(y)\n"
    assert classify(_case(source, (np.array([0.5]),))).kind == adversarial.REFUSED


def test_oracle_skips_points_on_a_kink():
    import numpy as np
    source = "def f(x):\n    return np.sum(np.abs(x - 0.5))\n"
    outcome = classify(_case(source, (np.array([0.5 + 1e-7, 1.0]),)))
    assert outcome.kind == INVALID, outcome.report()


def test_oracle_skips_points_where_a_step_makes_the_program_raise():
    # a step across 0.2 changes how many elements the mask selects, and NumPy refuses
    # to assign three values to two: f is not differentiable there (a random seed drew it)
    import numpy as np
    source = "def f(x):\n    buf = x * 1.0\n    buf[buf > 0.2] = buf[::-1].copy()\n    return np.sum(buf + x)\n"
    near = classify(_case(source, (np.array([0.2 + 1e-7, 0.5, 0.9]),)))
    assert near.kind == INVALID, near.report()
    away = classify(_case(source, (np.array([0.3, 0.5, 0.9]),)))
    assert away.kind == adversarial.OK, away.report()


def test_oracle_takes_the_constant_branch_of_a_where_on_its_boundary():
    # np.where(x != 0, sin(x) / x, 1.0) at an exact 0 has the constant branch's derivatives,
    # 0 at every order (docs/api.md); finite differences of the gradient step off the
    # boundary and see sin(x)/x's second derivative, -1/3 (a random seed drew it)
    import numpy as np
    source = "def f(x):\n    k = np.where(x != 0.0, np.sin(x) / x, 1.0)\n    return np.sum(np.sin(k))\n"
    x = np.array([-0.69, 0.0, -1.38, -1.45, 0.94])
    outcome = classify(_case(source, (x,), constant_at=(1,)))
    assert outcome.kind == adversarial.OK, outcome.report()
    assert classify(_case(source, (x,))).kind == adversarial.WRONG     # without the boundary, flagged


def test_oracle_runs_the_phases_between_checks():
    # a rebinding that breaks f must be seen: the phases really run, in f's module
    import numpy as np
    source = "K = 2.0\n\n\ndef f(x):\n    return np.sum(K * x * x)\n"
    args = (np.array([0.5, -1.0]),)
    assert classify(_case(source, args)).kind == adversarial.OK
    broken = classify(_case(source, args, phases=("K = 'text'",)))
    assert broken.kind == INVALID and "phase 1" in broken.detail, broken.report()


def test_api_misuse_returning_a_value_is_wrong():
    import numpy as np
    case = adversarial.Case("selftest", "def f(x):\n    return np.sum(x)\n",
                            (np.ones(2), 0.0, np.ones(2)), call="f(ARGS[0])", answer=None)
    assert classify(case).kind == adversarial.WRONG


def test_api_clear_error_is_refused_and_internal_error_is_crash():
    import numpy as np
    args = (np.ones(2), 0.0, np.ones(2))
    clear = adversarial.Case("selftest", "def f(x):\n    return np.sum(x)\n", args,
                             call="astgrad.grad(f, wrt=5)")
    assert classify(clear).kind == adversarial.REFUSED
    internal = adversarial.Case("selftest", "def f(x):\n    return np.sum(x)\n", args,
                                call="{}['missing']")
    assert classify(internal).kind == adversarial.CRASH


def test_generators_are_deterministic():
    for family in adversarial.FAMILIES:
        a, b = generate(family, 3), generate(family, 3)
        assert a.source == b.source and a.reproducer() == b.reproducer()
