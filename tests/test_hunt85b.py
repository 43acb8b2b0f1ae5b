"""Everyday Python around array code, as an adversary writes it (tests/hunt85b_programs.py):
closures and ``nonlocal``, ``global`` statements, default arguments, ``*args``/``**kwargs`` and
keyword-only arguments, comprehensions with conditions, ``while``/``try``/early returns,
recursion, generators, dataclasses and properties, ``functools.partial`` and lambdas, augmented
assignment on tuples, lists and attributes, chained comparisons, ``min``/``max``/``sorted``
with keys, ``math`` mixed with NumPy, int/bool/float32/complex values, 0-d and 0-length arrays.
Each program is checked in grad, value_and_grad, vjp, jvp, hessian and jvp of grad against
central differences at two shapes, or refused in words naming its file, line and construct; the
same programs run on the tape front end (``astgrad.tensor``, ``astgrad.autograd.grad`` with
``create_graph`` and ``retain_graph``), first and second order against central differences; and
the entry points are used as a user would between two calls of one gradient: a closure's cell
rebound, a helper, a global, a function's defaults and keyword defaults rebound; int, bool,
float32, complex, 0-d and 0-length inputs.

What the hunt found: the refusal of a write into an item of a local function's ``*args``
(``def h(*vs): vs[0][0] = w``) named ``'vs_1'``, the copy astgrad makes of the parameter
where it inlines the function; it names ``'vs'`` now (``star_args_tuple_item_written``);
a write into a list or array an object's class holds, which every instance shares
(``s.log.append(1)``, ``s.weights[0] = w`` with ``log``, ``weights`` class attributes),
raised a bare StopIteration when the code ran (the check that the object holds the item
once did not find it among the object's own attributes): refused now in words
(``class_level_*``); the list a property builds each time is followed
(``property_list_appended``). No wrong value was found.

CI runs each program in one mode at one shape (the modes in turn) and every third program
on the tape; with HYPOTHESIS_PROFILE=thorough every program runs in every mode at both
shapes, and every program on the tape."""

import os

import numpy as np
import pytest

import astgrad
import hunt85b_programs as P
from breadth_modes import check
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
SHAPES = (X4, X6)


def _params():
    for k, (name, f) in enumerate(P.CASES):
        for s, x in enumerate(SHAPES):
            for m, mode in enumerate(MODES):
                if THOROUGH or (m == k % len(MODES) and s == (k // len(MODES)) % 2):
                    yield pytest.param(mode, f, x, id=f"{name}-{x.size}-{mode}")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("mode, f, x", list(_params()))
def test_program_in_mode(mode, f, x):
    check(mode, f, (x, 0.8), (0, 1))


@pytest.mark.parametrize("name", sorted(P.REFUSED))
def test_a_refused_program_names_its_line(name):
    holder, offset, words, error = P.REFUSED[name]
    line = getattr(P, holder).__code__.co_firstlineno + offset
    with pytest.raises(getattr(astgrad, error, TypeError), match=rf"hunt85b_programs\.py:{line}: {words}") as caught:
        astgrad.grad(getattr(P, name), wrt=(0, 1))(X4.copy(), 0.8)
    assert not any(f"'{n}'" in str(caught.value) for n in ("vs_1", "d_x", "d_w", "_saved"))
    if error == "TransformError":       # the user's line quoted
        with open(P.__file__) as source:
            assert caught.value.line.strip() == source.read().splitlines()[line - 1].strip()


# ---- the tape front end on the same programs ---------------------------------------------

# what each of these does with a tensor, as in PyTorch or said in docs/tape.md: float(),
# math functions and np.array of a tensor that requires grad raise rather than drop its
# derivative; the rest are PyTorch's own errors
TAPE_REFUSED = {
    "parameter_written_then_closure": r"modified by an inplace operation",       # x ** 2 saved x, then x[0] = w
    "star_assign_unpack": r"would silently drop its derivative",
    "nested_list_comp": r"would silently drop its derivative",
    "genexpr_to_array": r"setting an array element with a sequence\.",
    "math_sin_of_w": r"would silently drop its derivative",
    "math_exp_of_element": r"would silently drop its derivative",
    "math_sqrt_hypot": r"would silently drop its derivative",
    "math_log_pow": r"would silently drop its derivative",
    "math_fsum": r"would silently drop its derivative",
    "math_atan2": r"would silently drop its derivative",
    "math_tanh_erf": r"would silently drop its derivative",
    "math_floor_is_constant": r"would silently drop its derivative",
    "math_copysign_fabs": r"would silently drop its derivative",
    "math_log1p_expm1": r"would silently drop its derivative",
    "math_degrees": r"would silently drop its derivative",
    "int_power_python": r"would silently drop its derivative",
    "float_of_element": r"would silently drop its derivative",
    "zero_d_array_of_w": r"would silently drop its derivative",
    "enumerate_list_append": r"would silently drop its derivative",
    "round_abs_pow_builtins": r"type Tensor doesn't define __round__ method",
    "modulo_and_divmod": r"unsupported operand type\(s\) for divmod\(\): 'Tensor'",
    "tolist_elements": r"outputs must be an astgrad tensor or a sequence of",
    "array_from_scalars": r"would silently drop its derivative",
    "array_from_arrays": r"would silently drop its derivative",
    "math_on_zero_d": r"would silently drop its derivative",
    "zero_d_aug_assign": r"would drop its derivative",
    "zero_d_setitem": r"setting an array element with a sequence\.",
    "comprehension_does_not_leak": r"would silently drop its derivative",
    "walrus_in_comprehension_leaks": r"would silently drop its derivative",
    "copy_module_deepcopy": r"Only Tensors created explicitly by the user \(graph",
    "property_after_in_place_write": r"one of the variables needed for gradient computati",
    "math_sum_over_array_elements": r"would silently drop its derivative",
    "float32_round_trip_of_w": r"would silently drop its derivative",
    "zero_d_array_in_math": r"would silently drop its derivative",
}
# programs whose Python means something else on a tensor, as in PyTorch: t.sort() returns
# (values, indices) and sorts nothing in place, t.item() leaves the graph, a division by a
# zero tensor gives inf (no ZeroDivisionError), isinstance(t, float) is False
TAPE_OTHER_MEANING = {"array_sort_in_place", "zero_d_sum_then_index", "zero_division_caught", "isinstance_branch"}
TAPE_CASES = [(n, f) for n, f in P.CASES if n not in TAPE_REFUSED and n not in TAPE_OTHER_MEANING]


def _tape_grads(f, x, w, create_graph=False):
    xt, wt = astgrad.tensor(x.copy(), requires_grad=True), astgrad.tensor(w, requires_grad=True)
    gx, gw = astgrad.autograd.grad(f(xt, wt), (xt, wt), create_graph=create_graph, allow_unused=True)
    return xt, gx, gw


def _values(g, like):
    return np.zeros_like(like) if g is None else np.asarray(g.detach().numpy())


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("f, x", [pytest.param(f, SHAPES[k // 3 % 2], id=f"{n}-{SHAPES[k // 3 % 2].size}")
                                  for k, (n, f) in enumerate(TAPE_CASES) if THOROUGH or k % 3 == 0])
def test_program_on_the_tape(f, x):
    plain = lambda a, b: f(a.copy(), b)        # noqa: E731 - f may write into its argument
    xt, gx, gw = _tape_grads(f, x, 0.8, create_graph=True)
    want = numerical_grad(plain, (x.copy(), 0.8), wrt=(0, 1))
    assert_close(_values(gx, x), want[0])
    assert_close(float(_values(gw, 0.8)), want[1])
    if gx is None or not gx.requires_grad:
        return
    c = np.linspace(0.5, 1.5, x.size)
    second = astgrad.autograd.grad((gx * astgrad.tensor(c)).sum(), (xt,), allow_unused=True)[0]
    first = lambda a: _values(_tape_grads(f, a, 0.8)[1], a)     # noqa: E731
    assert_close(_values(second, x), numerical_grad(lambda a: np.sum(first(a) * c), (x.copy(),)), 1e-4, 1e-5)


@pytest.mark.parametrize("name", ["nonlocal_accumulator", "while_break", "recursion_power", "closure_factory_call",
                                  "sum_genexpr", "dataclass_call"])
def test_retain_graph_on_the_tape(name):
    """A second gradient through one recording: the same values with retain_graph=True on
    the first, PyTorch's error without it."""
    f = getattr(P, name)
    xt, wt = astgrad.tensor(X4.copy(), requires_grad=True), astgrad.tensor(0.8, requires_grad=True)
    out = f(xt, wt)
    first = astgrad.autograd.grad(out, (xt, wt), retain_graph=True)
    second = astgrad.autograd.grad(out, (xt, wt))
    want = numerical_grad(lambda a, b: f(a.copy(), b), (X4.copy(), 0.8), wrt=(0, 1))
    for got in (first, second):
        assert_close(_values(got[0], X4), want[0])
        assert_close(float(_values(got[1], 0.8)), want[1])
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        astgrad.autograd.grad(out, (xt, wt))


@pytest.mark.parametrize("name", sorted(TAPE_REFUSED))
def test_the_tape_refuses_in_words(name):
    with pytest.raises((RuntimeError, TypeError, ValueError), match=TAPE_REFUSED[name]):
        _tape_grads(getattr(P, name), X4, 0.8, create_graph=True)


def test_every_tape_entry_names_a_followed_program():
    names = {n for n, _ in P.CASES}
    assert set(TAPE_REFUSED) <= names and TAPE_OTHER_MEANING <= names


# ---- entry points used between two calls of one gradient -----------------------------------

def _cell_pair():
    k = 2.0

    def f(v):
        return np.sum(np.sin(v) * k)

    def set_k(value):
        nonlocal k
        k = value
    return f, set_k


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_a_closure_cell_rebound_between_two_calls_is_read_when_it_runs(x):
    f, set_k = _cell_pair()
    gradient = astgrad.grad(f)
    for k in (2.0, -1.0, x * 0.3):
        set_k(k)
        assert_close(gradient(x), numerical_grad(f, (x,)))
        assert_close(astgrad.hessian(f)(x), numerical_hessian(gradient, (x,)), 1e-4, 1e-5)
        assert_close(astgrad.jvp(f, (x,), (x[::-1].copy(),))[1], numerical_jvp(f, (x,), (x[::-1].copy(),)))


def _both(f, x):
    return astgrad.grad(f, wrt=(0, 1))(x, 0.8), numerical_grad(f, (x, 0.8), wrt=(0, 1))


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_helpers_globals_and_defaults_rebound_between_two_calls(x, monkeypatch):
    gradient = astgrad.grad(P.default_arg_used_and_given, wrt=(0, 1))
    gradient(x, 0.8)
    monkeypatch.setattr(P, "_scaled", lambda v, s=3.0: np.sin(v) * s)      # the helper redefined
    got, want = gradient(x, 0.8), numerical_grad(P.default_arg_used_and_given, (x, 0.8), wrt=(0, 1))
    assert_close(got[0], want[0])
    assert_close(got[1], want[1])
    monkeypatch.undo()
    monkeypatch.setattr(P._scaled, "__defaults__", (5.0,))          # its default changed
    got, want = gradient(x, 0.8), numerical_grad(P.default_arg_used_and_given, (x, 0.8), wrt=(0, 1))
    assert_close(got[0], want[0])
    assert_close(got[1], want[1])
    global_read = astgrad.grad(P.global_read, wrt=(0, 1))
    global_read(x, 0.8)
    monkeypatch.setattr(P, "SCALE", x * 2.0)           # a float global rebound to an array
    got, want = global_read(x, 0.8), numerical_grad(P.global_read, (x, 0.8), wrt=(0, 1))
    assert_close(got[0], want[0])
    assert_close(got[1], want[1])
    helper = astgrad.grad(P.global_helper_call, wrt=(0, 1))
    helper(x, 0.8)
    monkeypatch.setitem(P._HELPERS, "sq", np.cos)       # a helper held in a dict replaced
    got, want = helper(x, 0.8), numerical_grad(P.global_helper_call, (x, 0.8), wrt=(0, 1))
    assert_close(got[0], want[0])
    assert_close(got[1], want[1])


def _keyword_default(v, *, s=2.0):
    return np.sum(v ** 2 * s)


def test_keyword_defaults_rebound_between_two_calls(monkeypatch):
    gradient = astgrad.grad(_keyword_default)
    assert_close(gradient(X4), numerical_grad(_keyword_default, (X4,)))
    monkeypatch.setattr(_keyword_default, "__kwdefaults__", {"s": 7.0})
    assert_close(gradient(X4), numerical_grad(_keyword_default, (X4,)))
    assert_close(astgrad.grad(_keyword_default)(X4, s=3.0), numerical_grad(lambda v: _keyword_default(v, s=3.0), (X4,)))


def _square(v):
    return np.sum(v ** 2 * 1.5)


@pytest.mark.parametrize("value, want", [(np.array([1, 2, 3]), np.array([3.0, 6.0, 9.0])),
                                         (np.array([1, 2], dtype=np.int32), np.array([3.0, 6.0])),
                                         (np.array(0.7), np.array(2.1)), (np.zeros(0), np.zeros(0)),
                                         (np.zeros((0, 3)), np.zeros((0, 3))), (2, 6.0)],
                         ids=["int64", "int32", "0-d", "0-length", "0-by-3", "int"])
def test_int_0d_and_empty_inputs(value, want):
    got = astgrad.grad(_square)(value)
    assert np.shape(got) == np.shape(want) and np.asarray(got).dtype == np.float64
    assert_close(got, want, 1e-12, 1e-12)
    h = astgrad.hessian(_square)(value)
    assert np.shape(h) == np.shape(want) * 2
    _, d = astgrad.jvp(_square, (value * 1.0,), (np.ones_like(value * 1.0),))
    assert_close(d, np.sum(want), 1e-12, 1e-12)


def test_float32_input_keeps_its_dtype():
    got = astgrad.grad(_square)(X4.astype(np.float32))
    assert got.dtype == np.float32
    assert_close(got, 3.0 * X4.astype(np.float32).astype(np.float64), 1e-6, 1e-6)


@pytest.mark.parametrize("value, words", [(np.array([True, False]), "is a bool"), (True, "is a bool"),
                                          (1 + 2j, "is complex"), (np.array([1j, 2.0]), "is complex")],
                         ids=["bool array", "bool", "complex", "complex array"])
def test_bool_and_complex_inputs_are_refused_in_words(value, words):
    with pytest.raises(TypeError, match=words):
        astgrad.grad(_square)(value)
