"""The eighty-first hunt: the entry points the random campaigns reach less, used as an
outside user would, each against central differences and Python's own value.

- the tape front end (``astgrad.tensor(..., requires_grad=True)``, ``autograd.grad`` with
  ``create_graph``, ``retain_graph``, ``allow_unused``, ``grad_outputs``, ``backward`` and
  ``retain_grad``) on programs with views and in-place writes, compared with
  ``astgrad.grad`` of the same program and, through ``create_graph``, with the gradient of
  its gradient;
- ``jacobian`` and ``hessian`` of functions of several arguments by ``argnums`` (a matrix
  argument too), and by name;
- a ``vjp`` cotangent or a ``jvp`` tangent of the wrong shape or kind: a clear error;
- ``checkpoint=`` on loops, nested loops and a loop with ``continue``;
- ``backend="numba"`` / ``"auto"`` where numba is installed;
- the disk cache, in second processes, across a redefinition of a global the function
  reads (a NumPy function replaced by another, a helper by a lambda);
- ``export`` of a function, the exported module run (reverse, forward, order 2).

What the hunt found:

- a wrong gradient (test_trust_specialized, seed 85, thorough): ``v0 = v1; v1 += x;
  v0 *= v1`` with ``v0`` bound again elsewhere in the function. The check of the write
  ``v1 += x`` asked whether ``v0``, which holds the same array, is read after it, and the
  liveness it asked counted ``v0 *= v1`` as a dead assignment (``v0`` is not read after
  it), forgetting that it writes into the shared array: ``v0`` was neither followed nor
  refused, and the gradient missed the write (``alias_bound_again_after``: -2.87 for
  -10.17). An augmented assignment is never dead now;
- ``checkpoint=`` on a function whose only loop leaves early (``break``, or a ``return``
  inside the loop) said "the function has no for loop over range(...) ... whose derivative
  saves values per iteration", which the function plainly has: the generated code counts
  the steps of a loop that may break (``for k, i in enumerate(steps)``), and the check saw
  no ``range``. It says now that the loop leaves early, so its trip count is known only
  after it has run (``test_checkpoint_of_a_loop_that_leaves_early_says_so``);
- ``create_graph=True`` through an ``@astgrad.differentiable`` function that writes in
  place: its generated gradient, run on the tensors, crashed inside the tape on its own
  ``b /= s`` (the view ``in_place`` returns gave the write float positions: "arrays used
  as indices must be of integer type"), and the gradient's reads of a value before its
  own writes over it were refused at the next gradient with PyTorch's "modified by an
  inplace operation", a rule for the user's operations, not for astgrad's. Where the
  value written over does not require grad (``view_scaled_by_an_element``, a
  ``running_sum_in_place``), the next gradient raised that error still; it follows since
  (test_hunt82.py), and
  ``test_create_graph_through_a_differentiable_function_writing_in_place`` checks the
  second order of all four programs.

The tape follows PyTorch where a program writes into a value an operation saved
(``y = x * 2; z = y ** 2; y[0] = w``): the backward pass raises PyTorch's "modified by an
inplace operation" error, and ``Tensor.sort()`` returns ``(values, indices)`` without
sorting in place; the programs here avoid both, so each runs on arrays and tensors alike."""

import importlib.util
import inspect
import json
import os

import numpy as np
import pytest

import astgrad
import astgrad_source
import fresh_process
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from program_files import load_module

HERE = os.path.dirname(os.path.abspath(__file__))
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
SHAPES = (X4, X6)
tensor = astgrad.tensor
tape_grad = astgrad.autograd.grad


def _value(t):
    return np.asarray(t.detach().numpy())


# programs f(x, w) written once for arrays and tensors (operators, NumPy functions, views)

def view_of_view_written(x, w):
    y = x * 1.0
    v = y[::2]
    u = v[1:]
    u *= w
    v += y[1::2]
    return (y ** 3).sum()


def masked_scale(x, w):
    y = np.sin(x)
    y[y > 0] *= w
    return (y * x).sum()


def fancy_read_then_write(x, w):
    y = x * 1.0
    z = y[np.array([0, 2, 0])] * w
    y[[1, 3]] = z[:2]
    return (y * np.cos(x)).sum()


def where_of_maximum(x, w):
    y = np.maximum(x, 0.1) * w
    y = np.where(x < 0, y ** 2, x)
    return (y * y).sum()


def powers_in_a_loop(x, w):
    s = x.sum() * 0.0
    for i in range(x.shape[0]):
        s = s + x[i] * w ** i
    return s


def stacked_transpose_copy_written(x, w):
    y = np.stack([x, x * w]).T.copy()
    y[:, 1] -= y[:, 0]
    return (y ** 2).sum()


def cumsum_differenced_in_place(x, w):
    y = np.cumsum(x * w)
    y[1:] -= y[:-1].copy()
    return (y ** 2).sum()


def write_through_a_reshape(x, w):
    y = x ** 2
    z = y.reshape(2, -1)
    z[0] *= w
    return (y * x).sum()


def masked_assignment_of_a_number(x, w):
    y = x * 1.0
    y[y < 0] = w
    return (y ** 3).sum()


def transposed_row_added(x, w):
    a = x.reshape(2, -1) * w
    a.T[0] += a[1, :2].sum()
    return (a ** 2).sum()


TAPE_PROGRAMS = [view_of_view_written, masked_scale, fancy_read_then_write, where_of_maximum,
                 powers_in_a_loop, stacked_transpose_copy_written, cumsum_differenced_in_place,
                 write_through_a_reshape, masked_assignment_of_a_number, transposed_row_added]


def _sum_of_gradient(f):
    """x, w -> sum(df/dx) + df/dw, by astgrad's function transforms."""
    gradient = astgrad.grad(f, (0, 1))

    def total(x, w):
        gx, gw = gradient(x, w)
        return np.sum(gx) + gw
    return total


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
@pytest.mark.parametrize("f", TAPE_PROGRAMS, ids=lambda f: f.__name__)
def test_tape_and_transforms_agree_with_differences(f, x):
    w = 0.8
    expected = (numerical_grad(f, (x, w), 0), numerical_grad(f, (x, w), 1))
    xt, wt = tensor(x.copy(), requires_grad=True), tensor(w, requires_grad=True)
    out = f(xt, wt)
    assert float(_value(out)) == pytest.approx(f(x.copy(), w), rel=1e-12)
    gx, gw = tape_grad(out, (xt, wt), create_graph=True)
    assert_close(_value(gx), expected[0], msg="tape, x")
    assert_close(float(_value(gw)), expected[1], msg="tape, w")
    fx, fw = astgrad.grad(f, (0, 1))(x.copy(), w)
    assert_close(fx, expected[0], msg="grad, x")
    assert_close(fw, expected[1], msg="grad, w")
    # the second order through create_graph: the gradient of sum(df/dx) + df/dw
    total = _sum_of_gradient(f)
    hx, = tape_grad(gx.sum() + gw, xt, retain_graph=True)
    hw, = tape_grad(gx.sum() + gw, wt)
    assert_close(_value(hx), numerical_grad(total, (x, w), 0), 1e-4, 1e-5, msg="tape, second order, x")
    assert_close(float(_value(hw)), numerical_grad(total, (x, w), 1), 1e-4, 1e-5, msg="tape, second order, w")
    assert_close(_value(hx), astgrad.grad(total)(x, w), 1e-7, 1e-9, msg="tape vs grad of grad")


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_tape_hessian_vector_product_and_third_order(x):
    def f(x):
        return np.sum(np.tanh(x) ** 2 * x)
    xt = tensor(x.copy(), requires_grad=True)
    g, = tape_grad(f(xt), xt, create_graph=True)
    v = np.linspace(-0.2, 0.5, x.size)
    hv, = tape_grad((g * v).sum(), xt)
    H = astgrad.hessian(f)(x)
    assert_close(H, numerical_hessian(astgrad.grad(f), (x,)), 1e-4, 1e-5)
    assert_close(_value(hv), H @ v)
    s = tensor(0.7, requires_grad=True)
    d1, = tape_grad(np.sin(s) * s ** 2, s, create_graph=True)
    d2, = tape_grad(d1, s, create_graph=True)
    d3, = tape_grad(d2, s)
    second = astgrad.grad(astgrad.grad(lambda s: np.sin(s) * s ** 2))
    assert_close(float(_value(d3)), (second(0.7 + 1e-3) - second(0.7 - 1e-3)) / 2e-3, 1e-5, 1e-6)


def test_tape_backward_accumulates_and_differentiates_its_gradient():
    x = X4
    xt = tensor(x.copy(), requires_grad=True)
    (xt * xt).sum().backward()
    np.sin(xt).sum().backward()
    assert_close(_value(xt.grad), 2 * x + np.cos(x))

    def f(x):
        return np.sum(np.tanh(x) ** 2 * x)
    xt = tensor(x.copy(), requires_grad=True)
    f(xt).backward(create_graph=True)
    h, = tape_grad((xt.grad * xt.grad).sum(), xt)
    squared = lambda x: np.sum(astgrad.grad(f)(x) ** 2)     # noqa: E731
    assert_close(_value(h), numerical_grad(squared, (x,)), 1e-4, 1e-5)


def test_tape_retain_grad_of_a_view_and_grad_outputs():
    x = X4
    xt = tensor(x.copy(), requires_grad=True)
    v = (xt * 2)[1:3]
    v.retain_grad()
    (v ** 2).sum().backward()
    assert_close(_value(v.grad), 4 * x[1:3])
    assert_close(_value(xt.grad), np.array([0.0, 8 * x[1], 8 * x[2], 0.0]))
    seed = np.array([1.0, -2.0, 0.5, 0.3])
    xt = tensor(x.copy(), requires_grad=True)
    g, = tape_grad(np.exp(xt) * xt, xt, grad_outputs=tensor(seed))
    _, pullback = astgrad.vjp(lambda x: np.exp(x) * x, x)
    assert_close(_value(g), pullback(seed)[0])
    assert_close(_value(g), numerical_grad(lambda x: np.exp(x) * x, (x,), seed=seed))


def test_tape_unused_inputs_second_backward_and_wrong_seeds_are_errors():
    xt, zt = tensor(X4.copy(), requires_grad=True), tensor(np.array([3.0]), requires_grad=True)
    out = (xt ** 2).sum()
    with pytest.raises(RuntimeError, match="index 1 appears to not have been used.*allow_unused=True"):
        tape_grad(out, (xt, zt), retain_graph=True)
    gx, gz = tape_grad(out, (xt, zt), allow_unused=True)
    assert gz is None
    assert_close(_value(gx), 2 * X4)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        tape_grad(out, xt)
    y = np.exp(xt) * xt
    with pytest.raises(RuntimeError, match=r"grad_output\[0\] has a shape of astgrad.Size\(\[2\]\).*Size\(\[4\]\)"):
        tape_grad(y, xt, grad_outputs=tensor(np.ones(2)))
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        tape_grad(y, xt)


def _several(A, B, c):
    return np.sum(np.tanh(A @ B) * c) + np.sum(A ** 3) * c ** 2


@pytest.mark.parametrize("rows", [2, 3])
def test_hessian_and_jacobian_by_argnums_of_each_argument(rows):
    rng = np.random.default_rng(rows)
    args = (rng.normal(size=(rows, 3)), rng.normal(size=(3, 2)), 0.6)
    for k, name in enumerate("ABc"):
        H = astgrad.hessian(_several, argnums=k)(*args)
        assert np.shape(H) == np.shape(args[k]) * 2
        expected = numerical_hessian(astgrad.grad(_several, argnums=k), args, wrt=k)
        assert_close(np.reshape(H, np.shape(expected)), expected, 1e-4, 1e-5)
        assert_close(astgrad.hessian(_several, wrt=name)(*args), H, 1e-12, 1e-14)

    def vector(a, b, c):
        return np.concatenate([np.sin(a) * c, b.ravel() ** 2 * a[0]])
    a, b, c = np.linspace(-1, 1, rows), np.linspace(0.2, 0.9, rows).reshape(1, rows), 1.3
    for mode in ("forward", "reverse"):
        for k, arg in enumerate((a, b, c)):
            J = astgrad.jacobian(vector, argnums=k, mode=mode)(a, b, c)
            assert np.shape(J) == (2 * rows,) + np.shape(arg)
            rows_fd = [numerical_grad(vector, (a, b, c), wrt=k, seed=np.eye(2 * rows)[i]) for i in range(2 * rows)]
            assert_close(np.reshape(J, (2 * rows, -1)), np.reshape(rows_fd, (2 * rows, -1)), msg=f"{mode} {k}")


def _outer_sum(x, y):
    return np.outer(x, y).sum(axis=0) * x[0]


def test_a_cotangent_or_tangent_of_the_wrong_shape_or_kind_is_a_clear_error():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0])
    out, pullback = astgrad.vjp(_outer_sum, x, y)
    for wrong, said in [(np.ones(3), r"shape \(3,\)"), (np.ones((2, 1)), r"shape \(2, 1\)"),
                        (1.0, r"shape \(\)"), ([1.0, 2.0], "a list of length 2")]:
        with pytest.raises(ValueError, match=rf"vjp pullback: the cotangent is (of )?{said}, but _outer_sum's "
                                             r"output is of shape \(2,\); they must match"):
            pullback(wrong)
    with pytest.raises(TypeError, match="the cotangent.*is complex"):
        pullback(np.ones(2, dtype=complex))
    seed = np.array([1.0, -2.0])
    got = pullback(seed)
    assert_close(got[0], numerical_grad(_outer_sum, (x, y), 0, seed=seed))
    assert_close(got[1], numerical_grad(_outer_sum, (x, y), 1, seed=seed))

    def pair(x):
        return np.sum(x ** 2), x * 2
    _, pullback = astgrad.vjp(pair, x)
    with pytest.raises(ValueError, match=r"the cotangent\[1\] is of shape \(2,\), but pair's output\[1\] is of shape \(3,\)"):
        pullback((1.0, np.ones(2)))
    with pytest.raises(ValueError, match="the cotangent is a tuple of length 1, but pair's output is a tuple of length 2"):
        pullback((1.0,))
    with pytest.raises(ValueError, match=r"jvp: tangent 0 is of shape \(2, 1\), but primal 0 is of shape \(2,\)"):
        astgrad.jvp(lambda v: np.sum(np.sin(v)), (np.array([1.0, 2.0]),), (np.ones((2, 1)),))


def rnn(h, W, xs):
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h ** 2)


def nested_loops(x, w):
    s = 0.0
    for i in range(3):
        for j in range(len(x)):
            s = s + np.sin(x[j] * w * (i + 1))
    return s


def loop_with_continue(x, w):
    s = x * 1.0
    for i in range(6):
        if i % 2:
            continue
        s = s * w + np.cos(s)
    return np.sum(s ** 2)


@pytest.mark.parametrize("every", [1, 2, 3, "sqrt"])
@pytest.mark.parametrize("steps", [5, 9])
def test_checkpointed_loops(steps, every):
    rng = np.random.default_rng(steps)
    args = (rng.normal(size=3), rng.normal(size=(3, 3)) * 0.5, rng.normal(size=(steps, 3)))
    value, (gh, gW) = astgrad.value_and_grad(rnn, (0, 1), checkpoint=every)(*args)
    assert value == rnn(*args)
    assert_close(gh, numerical_grad(rnn, args, 0))
    assert_close(gW, numerical_grad(rnn, args, 1))
    x = X4 if steps == 5 else X6
    for f in (nested_loops, loop_with_continue):
        got = astgrad.grad(f, (0, 1), checkpoint=every)(x, 0.8)
        assert_close(got[0], numerical_grad(f, (x, 0.8), 0), msg=f.__name__)
        assert_close(got[1], numerical_grad(f, (x, 0.8), 1), msg=f.__name__)


def loop_with_break(x, w):
    s = x * 1.0
    for i in range(10):
        s = s * w + np.cos(s)
        if np.sum(s) > 5.0:
            break
    return np.sum(s ** 2)


def loop_with_return(x, w):
    s = x * 1.0
    for i in range(10):
        s = s * w + np.cos(s)
        if np.sum(s) > 5.0:
            return np.sum(s)
    return np.sum(s ** 2)


@pytest.mark.parametrize("f", [loop_with_break, loop_with_return], ids=lambda f: f.__name__)
def test_checkpoint_of_a_loop_that_leaves_early_says_so(f):
    line = f.__code__.co_firstlineno
    with pytest.raises(astgrad.TransformError, match=rf"test_hunt81\.py:{line}: checkpointing covers for loops "
                                                     r"over range\(\.\.\.\) that run to their end; this "
                                                     r"function's loop leaves early \(a break, or a return "
                                                     r"inside it\).*drop checkpoint="):
        astgrad.grad(f, (0, 1), checkpoint=2)(X4, 0.8)
    for x in (np.array([0.1, 0.2]), np.array([1.5, 2.0, 0.3])):     # without checkpoint=: followed
        got = astgrad.grad(f, (0, 1))(x, 0.8)
        assert_close(got[0], numerical_grad(f, (x, 0.8), 0))
        assert_close(got[1], numerical_grad(f, (x, 0.8), 1))


def indexed_loop(x, w):
    s = 0.0
    for i in range(x.shape[0]):
        s += np.sin(x[i] * w) * x[i]
    return s


def matrix_product(A, x):
    return np.sum((A @ x) ** 2) + np.sum(np.exp(-A))


def where_branches(x, w):
    return np.sum(np.where(x > 0, x * w, -x * w ** 2))


@pytest.mark.parametrize("backend", ["numba", "auto"])
@pytest.mark.parametrize("f, args", [(indexed_loop, (X4, 0.7)), (indexed_loop, (X6, 0.7)),
                                     (matrix_product, (np.arange(6.0).reshape(2, 3) * 0.2 - 0.5, X4[:3])),
                                     (where_branches, (X4, 0.7)), (where_branches, (X6, 0.7))],
                         ids=["loop-4", "loop-6", "matmul", "where-4", "where-6"])
def test_numba_backend(f, args, backend):
    pytest.importorskip("numba")
    value, got = astgrad.value_and_grad(f, (0, 1), backend=backend)(*args)
    assert value == pytest.approx(f(*args), rel=1e-12)
    assert_close(got[0], numerical_grad(f, args, 0))
    assert_close(got[1], numerical_grad(f, args, 1))


_CHILD = """
import json, sys
import numpy as np
import astgrad
sys.path.insert(0, sys.argv[1])
import readsglobal
x = np.array([0.3, -0.7, 1.1])
gx, gw = astgrad.grad(readsglobal.f, (0, 1))(x, 0.8)
hessian = astgrad.hessian(readsglobal.f)(x, 0.8)
print(json.dumps([list(gx), gw, hessian.tolist()]))
"""

_BODY = "\ndef f(x, w):\n    return np.sum(act(x * w) * x)\n"


@pytest.mark.parametrize("first, second", [("act = np.tanh", "act = np.sin"),
                                           ("def act(z):\n    return z ** 2", "act = lambda z: np.cos(z) * z")],
                         ids=["numpy-function", "helper-to-lambda"])
def test_disk_cache_across_a_redefined_global(tmp_path, first, second):
    """A second process reads the gradient from the disk cache; after the module's global
    is redefined, a third process differentiates the function as it reads now."""
    child = tmp_path / "child.py"
    child.write_text(_CHILD)
    module = tmp_path / "readsglobal.py"
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([astgrad_source.path(), HERE]),
                       ASTGRAD_CACHE="1", ASTGRAD_CACHE_DIR=str(tmp_path / "cache"))
    x = np.array([0.3, -0.7, 1.1])
    for definition in (first, first, second):
        module.write_text("import numpy as np\n" + definition + "\n" + _BODY)
        for cached in tmp_path.glob("__pycache__"):
            for stale in cached.iterdir():
                stale.unlink()
        run = fresh_process.run([str(child), str(tmp_path)], src=astgrad_source.path(), env=environment)
        assert run.returncode == 0, run.stderr
        gx, gw, hessian = json.loads(run.stdout)
        spec = importlib.util.spec_from_file_location(f"readsglobal_{id(definition)}", module)
        here = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(here)
        assert_close(np.array(gx), numerical_grad(here.f, (x, 0.8), 0), msg=definition)
        assert_close(gw, numerical_grad(here.f, (x, 0.8), 1), msg=definition)
        assert_close(np.array(hessian), numerical_hessian(astgrad.grad(here.f), (x, 0.8)), 1e-4, 1e-5)


def prefix_recurrence(x, w):
    y = x * 1.0
    for i in range(1, y.shape[0]):
        y[i] += w * y[i - 1]
    return np.sum(y * x)


def signs_in_a_loop(x, w):
    s = 0.0
    for v in x:
        if v > 0:
            s = s + v * w
        else:
            s = s - np.sin(v) * w ** 2
    return s


@pytest.mark.parametrize("f", [prefix_recurrence, signs_in_a_loop], ids=lambda f: f.__name__)
@pytest.mark.parametrize("wrt", [0, 1])
def test_exported_module_runs(tmp_path, f, wrt):
    x = X4 if wrt == 0 else X6
    args = (x, 0.8)
    name = f.__name__
    reverse = load_module(astgrad.export(f, wrt=wrt), tmp_path / f"grad_{name}.py")
    gradient = getattr(reverse, f"grad_{name}")
    assert_close(gradient(x.copy(), 0.8), numerical_grad(f, args, wrt))
    second = load_module(astgrad.export(f, wrt=wrt, order=2), tmp_path / f"grad_grad_{name}.py")
    hessian = numerical_hessian(lambda *a: gradient(*[np.copy(v) for v in a]), args, wrt)
    ones = np.ones(np.shape(args[wrt]))
    expected = np.reshape(hessian, (ones.size, ones.size)) @ ones.ravel()
    got = getattr(second, f"grad_grad_{name}")(x.copy(), 0.8)
    assert_close(np.reshape(got, expected.shape), expected, 1e-4, 1e-5)
    forward = load_module(astgrad.export(f, wrt=wrt, mode="forward"), tmp_path / f"jvp_{name}.py")
    jvp = getattr(forward, f"jvp_{name}")
    keyword = [p.name for p in inspect.signature(jvp).parameters.values() if p.kind == p.KEYWORD_ONLY][0]
    tangent = 0.5 * ones if wrt == 0 else 0.5
    value, derivative = jvp(x.copy(), 0.8, **{keyword: tangent})
    assert value == pytest.approx(f(*args), rel=1e-12)
    tangents = [np.zeros_like(x), 0.0]
    tangents[wrt] = tangent
    assert_close(derivative, numerical_jvp(f, args, tuple(tangents)))


def element_times_element(a, w):
    b = a * 1.0
    b[0] = b[0] * b[-1]
    return np.sum(b ** 2) * w


def normalized_then_differenced(a, w):
    b = np.exp(a * 0.3)
    b /= np.sum(b)
    b[1:] -= w * b[:-1]
    return np.sum(b * a)


def view_scaled_by_an_element(a, w):
    b = a * w
    v = b[1:]
    v *= b[0]
    return np.sum(np.sin(b))


def running_sum_in_place(a, w):
    b = a * 1.0
    for i in range(1, b.shape[0]):
        b[i] += b[i - 1] * w
    return np.sum(b ** 2)


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
@pytest.mark.parametrize("f", [element_times_element, normalized_then_differenced, view_scaled_by_an_element,
                               running_sum_in_place], ids=lambda f: f.__name__)
def test_create_graph_through_a_differentiable_function_writing_in_place(f, x):
    """An @astgrad.differentiable function is one node of the tape, differentiated by its
    generated gradient, which under create_graph=True runs on the tensors. Its writes in
    place were taken for the user's: the gradient's own ``b /= s`` (written through the
    view astgrad's ``in_place`` returns) crashed with NumPy's "arrays used as indices must
    be of integer type" (normalized_then_differenced), and a value the gradient read
    before writing over it was refused at the second order with PyTorch's "modified by an
    inplace operation" (element_times_element)."""
    w = 0.8
    xt, wt = tensor(x.copy(), requires_grad=True), tensor(w, requires_grad=True)
    out = astgrad.differentiable(f)(xt, wt)
    assert f"= {f.__name__}(" in out.grad_fn.source        # one node
    gx, gw = tape_grad(out, (xt, wt), create_graph=True)
    assert_close(_value(gx), numerical_grad(f, (x, w), 0))
    assert_close(float(_value(gw)), numerical_grad(f, (x, w), 1))
    total = _sum_of_gradient(f)
    hx, hw = tape_grad(gx.sum() + gw, (xt, wt))
    assert_close(_value(hx), numerical_grad(total, (x, w), 0), 1e-4, 1e-5)
    assert_close(float(_value(hw)), numerical_grad(total, (x, w), 1), 1e-4, 1e-5)


def alias_bound_twice_sees_a_write(x):
    v0 = np.sin(x)
    v1 = x * 1.0
    v0 = v1
    v1 += x
    v0 *= v1
    return np.sum(v1)


def alias_bound_again_after(x0):
    v1 = np.sum(x0, axis=-1, keepdims=True)
    v0 = v1
    v2 = np.mean(v1)
    v1 += v1 * 0.5 + x0
    v0 *= v1 * 2.0
    v0 = v1[0]
    return np.sum(v1) + np.sum(v2) + np.sum(x0)


@pytest.mark.parametrize("mode", ["grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad"])
def test_an_alias_bound_twice_written_through_after_another_write(mode):
    """test_trust_specialized (seed 85, thorough) drew alias_bound_again_after: ``v0`` is
    ``v1``'s array at ``v1 += ...``, and ``v0 *= ...`` then writes into it; ``v0`` bound
    a second time elsewhere in the function made the check of that first write take
    ``v0`` for a name never read again (``v0 *= e`` counted as a dead assignment, its
    write into the shared array forgotten), so the gradient missed the write: -2.87 for
    -10.17."""
    from breadth_modes import check
    check(mode, alias_bound_twice_sees_a_write, (X4,), (0,))
    check(mode, alias_bound_twice_sees_a_write, (X6,), (0,))
    check(mode, alias_bound_again_after, (np.array([-0.48671618]),), (0,))


def test_the_mark_of_generated_nodes_is_per_thread():
    # nodes astgrad's generated code records under create_graph=True skip PyTorch's check of a
    # saved tensor changed in place since; the mark is per thread, so another thread's own
    # operations meanwhile are still checked as the user's (a shared mark let them through)
    import threading
    from astgrad.tape.program import _generated_code

    outcome = []

    def users_thread():
        x = astgrad.tensor([1.0, 2.0], requires_grad=True)
        z = np.sum(x * x)                       # saves x
        with astgrad.no_grad():
            x -= 1.0                            # bumps x's version
        try:
            astgrad.autograd.grad(z, x)
            outcome.append("no error")
        except RuntimeError as error:
            outcome.append(str(error))

    with _generated_code():
        other = threading.Thread(target=users_thread)
        other.start()
        other.join()
    assert len(outcome) == 1 and "modified by an inplace operation" in outcome[0], outcome
