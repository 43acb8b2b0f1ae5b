"""PyTorch's "modified by an inplace operation" check for gradients recorded with
``create_graph=True``: a tensor the differentiated graph saved (an input, a constant, an
intermediate) and changed in place after the recorded gradient was made is refused when
that gradient is differentiated, by every in-place method the tape has; where PyTorch's
recorded formulas do not read the changed tensor the gradient is computed, as it was
recorded. Values are checked against central finite differences; PyTorch itself, when
installed, runs the same programs side by side."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

SHAPES = [(3,), (2, 3)]
MODIFIED = "modified by an inplace operation"


def _data(shape, seed=0, low=0.2, high=0.8):
    return np.random.default_rng(seed).uniform(low, high, shape)


def _updates(t, shape):
    """Every in-place update of the tape, as ``name -> update(x)`` (float tensors of
    ``shape`` with values in (0.2, 0.8)); ``t`` is astgrad or torch."""
    other = t.tensor(_data(shape, 7), dtype=t.float64)
    rows = (1,) + shape[1:]
    row = t.tensor(_data(rows, 8), dtype=t.float64)
    first = t.tensor([0])
    at_first = t.zeros(rows, dtype=t.int64)
    mask = t.tensor(np.arange(np.prod(shape)).reshape(shape) % 2 == 0)
    unary = ["abs_", "acos_", "acosh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "cos_", "cosh_",
             "deg2rad_", "digamma_", "erf_", "erfc_", "erfinv_", "exp2_", "exp_", "expm1_", "floor_", "frac_",
             "i0_", "lgamma_", "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_",
             "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sign_", "sin_", "sinh_",
             "sqrt_", "square_", "tan_", "tanh_", "trunc_", "zero_"]
    updates = {name: (lambda x, name=name: getattr(x, name)()) for name in unary}
    updates.update({
        "add_": lambda x: x.add_(other, alpha=2.0), "sub_": lambda x: x.sub_(0.5),
        "mul_": lambda x: x.mul_(2.0), "div_": lambda x: x.div_(other),
        "true_divide_": lambda x: x.true_divide_(2.0), "floor_divide_": lambda x: x.floor_divide_(0.3),
        "fmod_": lambda x: x.fmod_(0.3), "remainder_": lambda x: x.remainder_(0.3),
        "pow_": lambda x: x.pow_(2.0), "polygamma_": lambda x: x.polygamma_(1),
        "atan2_": lambda x: x.atan2_(other), "hypot_": lambda x: x.hypot_(other),
        "copysign_": lambda x: x.copysign_(-1.0), "heaviside_": lambda x: x.heaviside_(other),
        "xlogy_": lambda x: x.xlogy_(2.0), "lerp_": lambda x: x.lerp_(other, 0.5),
        "addcmul_": lambda x: x.addcmul_(other, other, value=0.5),
        "addcdiv_": lambda x: x.addcdiv_(other, other + 1.0, value=0.5),
        "clamp_": lambda x: x.clamp_(0.3, 0.6), "clip_": lambda x: x.clip_(max=0.5),
        "clamp_min_": lambda x: x.clamp_min_(0.5), "clamp_max_": lambda x: x.clamp_max_(0.5),
        "fill_": lambda x: x.fill_(1.0), "copy_": lambda x: x.copy_(other),
        "index_add_": lambda x: x.index_add_(0, first, row), "index_copy_": lambda x: x.index_copy_(0, first, row),
        "index_fill_": lambda x: x.index_fill_(0, first, 1.0), "index_put_": lambda x: x.index_put_((first,), row),
        "masked_fill_": lambda x: x.masked_fill_(mask, 1.0), "masked_scatter_": lambda x: x.masked_scatter_(mask, other),
        "scatter_": lambda x: x.scatter_(0, at_first, row), "scatter_add_": lambda x: x.scatter_add_(0, at_first, row),
        "scatter_reduce_": lambda x: x.scatter_reduce_(0, at_first, row, "prod"),
        "setitem": lambda x: x.__setitem__(0, 1.0),
    })
    for name, op in [("iadd", "__iadd__"), ("isub", "__isub__"), ("imul", "__imul__"), ("itruediv", "__itruediv__"),
                     ("imod", "__imod__"), ("ifloordiv", "__ifloordiv__"), ("ipow", "__ipow__")]:
        updates[name] = lambda x, op=op: getattr(x, op)(0.3)
    return updates


UPDATE_NAMES = sorted(_updates(astgrad, (3,)))
NEED_SCIPY = {"erf_", "erfc_", "xlogy_"}     # astgrad computes these with scipy.special


def test_the_table_holds_every_in_place_method_of_the_tape():
    methods = {n for n in dir(astgrad.Tensor) if n.endswith("_") and not n.startswith("__")}
    float_methods = methods - {"detach_", "requires_grad_"}
    assert float_methods <= set(UPDATE_NAMES)


def _gradient_of_gradient(t, where, shape, name):
    """Record the gradient of a program with create_graph=True, update the tensor at
    ``where`` in place with ``name``, then differentiate the recorded gradient."""
    a = t.tensor(_data(shape, 1), requires_grad=True, dtype=t.float64)
    w = t.tensor(_data(shape, 2), dtype=t.float64)
    if where == "constant":             # read by d * w, d depending on a
        y = (a * w).sin().sum()
        target = w
    elif where == "input":              # read by cos(a)
        y = (a.sin() * w).sum()
        target = a
    else:                               # an intermediate: exp saves its output
        h = a.exp()
        y = (h * h * w).sum()
        target = h
    g, = t.autograd.grad(y, a, create_graph=True)
    update = _updates(t, shape)[name]
    if where == "input":                # a leaf that requires grad: an optimizer step
        with t.no_grad():
            update(target)
    else:
        update(target)
    return t.autograd.grad(g.sum(), a)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("where", ["constant", "input", "intermediate"])
@pytest.mark.parametrize("name", UPDATE_NAMES)
def test_a_saved_tensor_changed_after_create_graph_is_refused(name, where, shape):
    if name in NEED_SCIPY:
        pytest.importorskip("scipy")
    with pytest.raises(RuntimeError, match=MODIFIED) as caught:
        _gradient_of_gradient(astgrad, where, shape, name)
    assert "is at version" in str(caught.value) and "expected version 0 instead" in str(caught.value)


@pytest.mark.parametrize("name", ["mul_", "copy_", "setitem", "index_put_", "imul"])
def test_pytorch_refuses_the_same(name):
    torch = pytest.importorskip("torch")
    for where in ("constant", "input", "intermediate"):
        with pytest.raises(RuntimeError, match=MODIFIED):
            _gradient_of_gradient(torch, where, (2, 3), name)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", UPDATE_NAMES)
def test_a_saved_tensor_changed_after_a_retained_backward_is_refused(name, shape):
    if name in NEED_SCIPY:
        pytest.importorskip("scipy")
    a = astgrad.tensor(_data(shape, 1), requires_grad=True, dtype=astgrad.float64)
    w = astgrad.tensor(_data(shape, 2), dtype=astgrad.float64)
    h = a.exp()
    y = (h * w).sum()
    astgrad.autograd.grad(y, a, retain_graph=True)
    _updates(astgrad, shape)[name](w)
    with pytest.raises(RuntimeError, match=MODIFIED):
        astgrad.autograd.grad(y, a)
    v = (h * h).sum()
    astgrad.autograd.grad(v, a, retain_graph=True)
    _updates(astgrad, shape)[name](h)
    with pytest.raises(RuntimeError, match=MODIFIED):
        astgrad.autograd.grad(v, a)


def _second(shape, program, change=None):
    """The gradient of the sum of ``program``'s recorded gradient, after ``change``."""
    a = astgrad.tensor(_data(shape, 1), requires_grad=True, dtype=astgrad.float64)
    w = astgrad.tensor(_data(shape, 2), dtype=astgrad.float64)
    g, = astgrad.autograd.grad(program(astgrad, a, w), a, create_graph=True)
    if change is not None:
        change(a, w)
    return astgrad.autograd.grad(g.sum(), a)[0].numpy()


def _fd_second(shape, gradient):
    """Central differences of the sum of ``gradient(a, w)`` with respect to ``a``."""
    w = _data(shape, 2)
    return numerical_grad(lambda a: np.sum(gradient(a, w)), (_data(shape, 1),), wrt=0)


PROGRAMS = {   # program, its gradient in NumPy
    "sin(a*w)": (lambda t, a, w: (a * w).sin().sum(), lambda a, w: np.cos(a * w) * w),
    "sin(a)*w": (lambda t, a, w: (a.sin() * w).sum(), lambda a, w: np.cos(a) * w),
    "exp(a)^2*w": (lambda t, a, w: (a.exp() * a.exp() * w).sum(), lambda a, w: 2 * np.exp(2 * a) * w),
    "a@w^3": (lambda t, a, w: (a.reshape(-1) @ w.reshape(-1)) ** 3,
              lambda a, w: 3 * np.sum(a * w) ** 2 * w),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_unchanged_tensors_give_the_second_derivative(program, shape):
    forward, gradient = PROGRAMS[program]
    assert_close(_second(shape, forward), _fd_second(shape, gradient), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_a_constant_the_recorded_gradient_does_not_read_may_change(shape):
    # the gradient 2 a w is d * w with d not depending on a, computed when recorded:
    # PyTorch's recorded gradient holds the product, not w, and neither refuses
    def change(a, w):
        w.mul_(2.0)
    got = _second(shape, lambda t, a, w: (a * a * w).sum(), change)
    assert_close(got, _fd_second(shape, lambda a, w: 2 * a * w), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_an_intermediate_no_formula_reads_may_change(shape):
    # t = sin(a) enters the gradient of sum(t * t) only as d * t with d constant: PyTorch's
    # recorded gradient saves the constant, and sin saved a, not t
    a = astgrad.tensor(_data(shape, 1), requires_grad=True, dtype=astgrad.float64)
    s = a.sin()
    g, = astgrad.autograd.grad((s * s).sum(), a, create_graph=True)
    s.mul_(2.0)
    got = astgrad.autograd.grad(g.sum(), a)[0].numpy()
    expected = numerical_grad(lambda x: np.sum(2 * np.sin(x) * np.cos(x)), (_data(shape, 1),), wrt=0)
    assert_close(got, expected, rtol=1e-6, atol=1e-7)


def test_third_order_checks_the_first_graph_too():
    a = astgrad.tensor(_data((3,), 1), requires_grad=True, dtype=astgrad.float64)
    w = astgrad.tensor(_data((3,), 2), dtype=astgrad.float64)
    g, = astgrad.autograd.grad((a * w).sin().sum(), a, create_graph=True)
    gg, = astgrad.autograd.grad(g.sum(), a, create_graph=True)
    w.add_(1.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        astgrad.autograd.grad(gg.sum(), a)


def test_the_error_says_what_changed_and_how_to_keep_it():
    with pytest.raises(RuntimeError) as caught:
        _gradient_of_gradient(astgrad, "intermediate", (3,), "mul_")
    message = str(caught.value)
    assert "[astgrad.DoubleTensor [3]], which is output 0 of Mul, is at version 1; expected version 0" in message
    assert message.endswith("reads that tensor as it was then: change a clone() of it instead, or compute the "
                            "gradient again after the change.")
    with pytest.raises(RuntimeError) as caught:     # found by running the first graph's checks again
        _gradient_of_gradient(astgrad, "intermediate", (3,), "exp_")
    assert caught.value.args[0].count("clone()") == 1


def test_a_clone_changed_instead_keeps_the_recorded_gradient():
    a = astgrad.tensor(_data((2, 3), 1), requires_grad=True, dtype=astgrad.float64)
    w = astgrad.tensor(_data((2, 3), 2), dtype=astgrad.float64)
    g, = astgrad.autograd.grad((a * w).sin().sum(), a, create_graph=True)
    w2 = w.clone()
    w2.mul_(2.0)
    got = astgrad.autograd.grad(g.sum(), a)[0].numpy()
    expected = _fd_second((2, 3), PROGRAMS["sin(a*w)"][1])
    assert_close(got, expected, rtol=1e-6, atol=1e-7)


def test_a_write_through_data_is_not_a_version_change():
    # as PyTorch's: .data writes leave the version alone, and the recorded cos(a) reads
    # the leaf's new values
    a = astgrad.tensor(_data((2, 3), 1), requires_grad=True, dtype=astgrad.float64)
    g, = astgrad.autograd.grad(a.sin().sum(), a, create_graph=True)
    a.data.mul_(2.0)
    got = astgrad.autograd.grad(g.sum(), a)[0].numpy()
    expected = numerical_grad(lambda x: np.sum(np.cos(x)), (2.0 * _data((2, 3), 1),), wrt=0)
    assert_close(got, expected, rtol=1e-6, atol=1e-7)


def test_a_seed_that_requires_grad_makes_every_product_read():
    # grad_outputs=v requiring grad: the recorded gradient is v * w, which reads w
    a = astgrad.tensor(_data((3,), 1), requires_grad=True, dtype=astgrad.float64)
    v = astgrad.tensor(_data((3,), 3), requires_grad=True, dtype=astgrad.float64)
    w = astgrad.tensor(_data((3,), 2), dtype=astgrad.float64)
    g, = astgrad.autograd.grad(a * w, a, grad_outputs=v, create_graph=True)
    got = astgrad.autograd.grad(g.sum(), v, retain_graph=True)[0].numpy()
    assert_close(got, numerical_grad(lambda s: np.sum(s * _data((3,), 2)), (_data((3,), 3),), wrt=0))
    w.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        astgrad.autograd.grad(g.sum(), v)


def test_a_saved_tensor_detached_in_place_after_create_graph_is_refused():
    a = astgrad.tensor(_data((2, 3), 1), requires_grad=True, dtype=astgrad.float64)
    h = a.exp()
    g, = astgrad.autograd.grad((h * h).sum(), a, create_graph=True)
    h.detach_()
    with pytest.raises(RuntimeError, match="Trying to use a saved tensor that has been detached in-place"):
        astgrad.autograd.grad(g.sum(), a)


def test_an_intermediate_no_formula_reads_may_be_detached_in_place():
    a = astgrad.tensor(_data((2, 3), 1), requires_grad=True, dtype=astgrad.float64)
    s = a.sin()
    g, = astgrad.autograd.grad((s * s).sum(), a, create_graph=True)
    s.detach_()
    got = astgrad.autograd.grad(g.sum(), a)[0].numpy()
    expected = numerical_grad(lambda x: np.sum(2 * np.sin(x) * np.cos(x)), (_data((2, 3), 1),), wrt=0)
    assert_close(got, expected, rtol=1e-6, atol=1e-7)
