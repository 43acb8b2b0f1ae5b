"""Transforms pickle by reference and work in processes started with "spawn".

grad / value_and_grad / vjp's pullback / jacobian / hessian / hvp objects, derivatives
of derivatives and @differentiable functions pickle as the user's function (module and
qualified name) plus the transform's options; the generated code is never in the
pickle. Functions that cannot be found by name give a PicklingError that says to define
them at module level. cloudpickle (Dask) pickles everything, lambdas included.
"""

import concurrent.futures
import copy
import io
import json
import multiprocessing
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import astgrad
import pickling_targets as targets
from fd import assert_close, numerical_grad, numerical_jvp
import fresh_process

ROOT = Path(__file__).resolve().parent.parent
SPAWN = multiprocessing.get_context("spawn")

RNG = np.random.default_rng(7)
W = RNG.normal(size=3)
X = RNG.normal(size=(4, 3))
V = RNG.normal(size=3)
SCALE = RNG.normal(size=3)


def roundtrip(obj, protocol=pickle.DEFAULT_PROTOCOL):
    return pickle.loads(pickle.dumps(obj, protocol=protocol))


def globals_in(payload):
    """The module-level names a pickle refers to (what unpickling imports)."""
    names = set()

    class Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            names.add(f"{module}.{name}")
            return super().find_class(module, name)

    Recorder(io.BytesIO(payload)).load()
    return names


def hessian_vector_by_fd(f, args, position, v, eps=1e-5):
    """H v of scalar f at args by central differences of the fd gradient."""
    def shifted(sign):
        moved = list(args)
        moved[position] = args[position] + sign * eps * v
        return numerical_grad(f, tuple(moved), wrt=position)
    return (shifted(+1) - shifted(-1)) / (2 * eps)


# -- what gets pickled ----------------------------------------------------------------------

TRANSFORMS = {
    "grad": lambda: astgrad.grad(targets.loss),
    "grad wrt name": lambda: astgrad.grad(targets.two_args, wrt="y"),
    "grad wrt tuple": lambda: astgrad.grad(targets.two_args, wrt=(1, 0)),
    "grad preserve_result": lambda: astgrad.grad(targets.loss, preserve_result=True),
    "value_and_grad": lambda: astgrad.value_and_grad(targets.loss, wrt=1),
    "grad of grad": lambda: astgrad.grad(astgrad.grad(targets.scalar_pair, wrt="y"), wrt="x"),
    "grad of differentiable": lambda: astgrad.grad(targets.smooth),
    "jacobian": lambda: astgrad.jacobian(targets.vector_map),
    "jacobian reverse": lambda: astgrad.jacobian(targets.vector_map, wrt="x", mode="reverse"),
    "jacobian of grad": lambda: astgrad.jacobian(astgrad.grad(targets.loss)),
    "hessian": lambda: astgrad.hessian(targets.loss, wrt="w"),
    "hvp": lambda: astgrad.hvp(targets.loss),
    "pullback": lambda: astgrad.vjp(targets.vector_map, W, SCALE)[1],
    "differentiable": lambda: targets.smooth,
    "grad of static method": lambda: astgrad.grad(targets.Shapes.area),
    "differentiable in a class": lambda: targets.Shapes.volume,
}

# the arguments each is called with
ARGUMENTS = {
    "grad": (W, X), "grad wrt name": (W, SCALE), "grad wrt tuple": (W, SCALE),
    "grad preserve_result": (W, X), "value_and_grad": (W, X), "grad of grad": (0.7, 1.3),
    "grad of differentiable": (W,), "jacobian": (W, SCALE), "jacobian reverse": (W, SCALE),
    "jacobian of grad": (W, X), "hessian": (W, X), "hvp": (W, X, V), "pullback": (V,),
    "differentiable": (W,), "grad of static method": (W,), "differentiable in a class": (W,),
}


def assert_same_values(actual, expected):
    if isinstance(expected, tuple):
        assert isinstance(actual, tuple) and len(actual) == len(expected)
        for a, e in zip(actual, expected):
            assert_same_values(a, e)
    else:
        np.testing.assert_array_equal(actual, expected)


@pytest.mark.parametrize("name", TRANSFORMS)
@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickles_and_computes_the_same_in_this_process(name, protocol):
    transform = TRANSFORMS[name]()
    restored = roundtrip(transform, protocol)
    assert repr(restored) == repr(transform)
    assert restored.__name__ == transform.__name__
    assert_same_values(restored(*ARGUMENTS[name]), transform(*ARGUMENTS[name]))


@pytest.mark.parametrize("name", TRANSFORMS)
def test_the_pickle_names_the_function_not_generated_code(name):
    payload = pickle.dumps(TRANSFORMS[name]())
    names = globals_in(payload)
    # only astgrad's transform classes, the user's functions, and NumPy for array values
    allowed_modules = ("astgrad.api.", "pickling_targets.", "numpy.", "_codecs.", "copyreg.")
    assert names and all(n.startswith(allowed_modules) for n in names), names
    assert any(n.startswith("pickling_targets.") for n in names), names
    assert b"def " not in payload and b"<astgrad" not in payload


def test_a_differentiable_function_unpickles_as_itself():
    assert roundtrip(targets.smooth) is targets.smooth
    assert roundtrip(targets.Shapes.volume) is targets.Shapes.volume
    assert globals_in(pickle.dumps(targets.smooth)) == {"pickling_targets.smooth"}


def test_copies_are_the_transform_itself():
    for make in TRANSFORMS.values():
        transform = make()
        assert copy.copy(transform) is transform
        assert copy.deepcopy([transform])[0] is transform
    unreachable = astgrad.grad(targets.square)          # copying never pickles
    assert copy.deepcopy(unreachable) is unreachable


def test_the_classes_keep_the_function_names():
    assert astgrad.jacobian(targets.vector_map).__name__ == "jacobian_vector_map"
    assert astgrad.hessian(targets.loss).__name__ == "hessian_loss"
    assert astgrad.hvp(targets.loss).__name__ == "hvp_loss"
    assert "loss" in repr(astgrad.hessian(targets.loss))
    assert "mode 'reverse'" in repr(astgrad.jacobian(targets.vector_map, mode="reverse"))


# -- in a fresh process ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spawn_pool():
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=SPAWN) as pool:
        yield pool


def in_child(pool, transform, *args):
    pid, value = pool.submit(targets.call, transform, *args).result(timeout=120)
    assert pid != os.getpid()
    return value


def test_the_spawned_process_imports_the_targets_from_the_parents_path(spawn_pool):
    child_path = spawn_pool.submit(targets.child_sys_path).result(timeout=120)
    assert str(Path(targets.__file__).parent) in child_path


def test_grad_in_a_spawned_process_matches_finite_differences(spawn_pool):
    g = in_child(spawn_pool, astgrad.grad(targets.loss), W, X)
    assert_close(g, numerical_grad(targets.loss, (W, X), wrt=0))
    value, gx = in_child(spawn_pool, astgrad.value_and_grad(targets.loss, wrt="x"), W, X)
    assert_close(value, targets.loss(W, X))
    assert_close(gx, numerical_grad(targets.loss, (W, X), wrt=1))
    gy, gx = in_child(spawn_pool, astgrad.grad(targets.two_args, wrt=("y", "x")), W, SCALE)
    assert_close(gy, numerical_grad(targets.two_args, (W, SCALE), wrt=1))
    assert_close(gx, numerical_grad(targets.two_args, (W, SCALE), wrt=0))


def test_second_order_in_a_spawned_process(spawn_pool):
    x, y = 0.7, 1.3
    mixed = in_child(spawn_pool, astgrad.grad(astgrad.grad(targets.scalar_pair, wrt="y"), wrt="x"), x, y)
    assert_close(mixed, 3 * x ** 2 + np.cos(x * y) - x * y * np.sin(x * y))
    d_dy = lambda x, y: numerical_grad(targets.scalar_pair, (x, y), wrt=1)  # noqa: E731
    assert_close(mixed, numerical_grad(d_dy, (x, y), wrt=0, eps=1e-4), rtol=1e-4, atol=1e-5)
    hess = in_child(spawn_pool, astgrad.hessian(targets.loss), W, X)
    for i, e in enumerate(np.eye(3)):
        assert_close(hess[:, i], hessian_vector_by_fd(targets.loss, [W, X], 0, e), rtol=1e-4, atol=1e-5)
    hv = in_child(spawn_pool, astgrad.hvp(targets.loss), W, X, V)
    assert_close(hv, hess @ V)
    jac_of_grad = in_child(spawn_pool, astgrad.jacobian(astgrad.grad(targets.loss)), W, X)
    assert_close(jac_of_grad, hess)


def test_jacobian_and_pullback_in_a_spawned_process(spawn_pool):
    for mode in ("forward", "reverse", "auto"):
        jac = in_child(spawn_pool, astgrad.jacobian(targets.vector_map, mode=mode), W, SCALE)
        for i, e in enumerate(np.eye(3)):
            assert_close(jac[:, i], numerical_jvp(targets.vector_map, (W, SCALE), (e, np.zeros(3))))
    out, pullback = astgrad.vjp(targets.vector_map, W, SCALE)
    gw, gs = in_child(spawn_pool, pullback, V)
    _, tangent = astgrad.jvp(targets.vector_map, (W, SCALE), (V, SCALE))
    # <V, J (V, SCALE)> = <J^T V, (V, SCALE)>: reverse against forward mode
    assert_close(np.dot(V, tangent), np.dot(gw, V) + np.dot(gs, SCALE))
    assert_close(gw, numerical_grad(lambda w: np.dot(V, targets.vector_map(w, SCALE)), (W,)))


def test_differentiable_functions_in_a_spawned_process(spawn_pool):
    assert_close(in_child(spawn_pool, targets.smooth, W), targets.smooth(W))
    assert_close(in_child(spawn_pool, astgrad.grad(targets.smooth), W),
                 numerical_grad(targets.smooth, (W,)))
    assert_close(in_child(spawn_pool, astgrad.grad(targets.Shapes.volume), W),
                 numerical_grad(targets.Shapes.volume, (W,)))


def test_multiprocessing_pool_map_with_spawn():
    gradient = astgrad.grad(targets.loss)
    batches = [X[:2], X[2:], X]
    with SPAWN.Pool(1) as pool:
        results = pool.starmap(gradient, [(W, batch) for batch in batches])
    for batch, result in zip(batches, results):
        assert_close(result, numerical_grad(targets.loss, (W, batch)))


# -- functions pickle cannot find by name -------------------------------------------------

def nested_function():
    def inner(x):
        return np.sum(x * x)
    return inner


UNREACHABLE = {
    "a lambda": (targets.square, "is a lambda"),
    "a nested function": (targets.cube, "is defined inside another function"),
    "a function nested in a test": (nested_function(), "is defined inside another function"),
}


@pytest.mark.parametrize("what", UNREACHABLE)
@pytest.mark.parametrize("transform", [
    astgrad.grad, astgrad.value_and_grad, astgrad.jacobian, astgrad.hessian, astgrad.hvp,
    lambda f: astgrad.grad(astgrad.grad(f)), lambda f: astgrad.hessian(astgrad.grad(f)),
    astgrad.differentiable, lambda f: astgrad.vjp(f, W)[1],
], ids=["grad", "value_and_grad", "jacobian", "hessian", "hvp", "grad of grad",
        "hessian of grad", "differentiable", "pullback"])
def test_unreachable_functions_give_a_clear_pickling_error(what, transform):
    function, reason = UNREACHABLE[what]
    made = transform(function)
    with pytest.raises(pickle.PicklingError) as info:
        pickle.dumps(made)
    message = str(info.value)
    assert reason in message and "module level" in message, message
    assert function.__qualname__ in message, message


def test_a_rebound_module_attribute_gives_a_clear_pickling_error(monkeypatch):
    gradient = astgrad.grad(targets.rebound)
    monkeypatch.setattr(targets, "rebound", lambda x: np.sum(x))
    with pytest.raises(pickle.PicklingError, match=r"pickling_targets\.rebound is now another object"):
        pickle.dumps(gradient)
    with pytest.raises(pickle.PicklingError, match="module level"):
        pickle.dumps(gradient)


def test_a_rebound_differentiable_gives_a_clear_pickling_error(monkeypatch):
    original = targets.smooth
    monkeypatch.setattr(targets, "smooth", astgrad.differentiable(original.__wrapped__))
    for transform in (original, astgrad.grad(original)):
        with pytest.raises(pickle.PicklingError, match=r"pickling_targets\.smooth is now another object"):
            pickle.dumps(transform)


def test_the_error_reaches_a_process_pool_as_a_pickling_error(spawn_pool):
    future = spawn_pool.submit(targets.call, astgrad.grad(targets.square), W)
    with pytest.raises(pickle.PicklingError, match="module level"):
        future.result(timeout=120)


# -- cloudpickle (Dask's serializer) ------------------------------------------------------

def test_cloudpickle_pickles_every_transform():
    cloudpickle = pytest.importorskip("cloudpickle")
    local = nested_function()
    by_value = [
        (astgrad.grad(targets.square), (W,)), (astgrad.grad(local), (W,)),
        (astgrad.grad(lambda x: np.sum(np.sin(x))), (W,)),
        (astgrad.grad(astgrad.grad(targets.cube)), (0.7,)), (astgrad.differentiable(local), (W,)),
        (astgrad.jacobian(targets.square), (W,)), (astgrad.hessian(local), (W,)),
        (astgrad.hvp(targets.cube), (W, V)), (astgrad.vjp(targets.square, W)[1], (1.5,)),
    ]
    by_reference = [(make(), ARGUMENTS[name]) for name, make in TRANSFORMS.items()]
    for transform, args in by_value + by_reference:
        restored = pickle.loads(cloudpickle.dumps(transform))
        assert repr(restored) == repr(transform)
        assert_same_values(restored(*args), transform(*args))


def test_cloudpickle_payloads_work_in_a_spawned_process(spawn_pool):
    cloudpickle = pytest.importorskip("cloudpickle")
    for transform, expected in [
        (astgrad.grad(targets.square), 2 * W),
        (astgrad.grad(nested_function()), 2 * W),
        (astgrad.hessian(targets.cube), np.diag(6 * W)),
        (astgrad.grad(targets.loss), numerical_grad(targets.loss, (W, X))),
    ]:
        args = (W, X) if transform.function is targets.loss else (W,)
        result = spawn_pool.submit(targets.loads_and_call, cloudpickle.dumps(transform), *args)
        assert_close(result.result(timeout=120), expected)


# -- the example ---------------------------------------------------------------------------

def test_the_process_pool_example_runs():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    result = fresh_process.run(["examples/process_pool.py"], src=str(ROOT / "src"), cwd=ROOT, env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "matches the gradient computed here" in result.stdout, result.stdout
    assert "PicklingError" in result.stdout, result.stdout


def test_cloudpickle_sends_main_functions_by_value_to_a_process_without_the_script(tmp_path):
    pytest.importorskip("cloudpickle")
    script = tmp_path / "make_payload.py"
    script.write_text(
        "import sys\nimport cloudpickle\nimport numpy as np\nimport astgrad\n\n"
        "def f(x):\n    return np.sum(np.sin(x) * x)\n\n"
        "sys.stdout.buffer.write(cloudpickle.dumps(astgrad.grad(f)))\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    made = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, timeout=120)
    assert made.returncode == 0, made.stderr.decode()
    assert "__main__.f" not in globals_in(made.stdout)      # a worker has no such __main__.f
    script.unlink()                                         # nor the script's source
    load = ("import pickle, sys\nimport numpy as np\n"
            "g = pickle.loads(sys.stdin.buffer.read())\nprint(g(np.array([0.5, 1.0, -2.0])).tolist())")
    used = subprocess.run([sys.executable, "-c", load], input=made.stdout, env=env,
                          capture_output=True, timeout=120)
    assert used.returncode == 0, used.stderr.decode()
    x = np.array([0.5, 1.0, -2.0])
    assert_close(np.array(json.loads(used.stdout)), np.sin(x) + x * np.cos(x))


def test_the_pure_python_pickler_pickles_by_reference_too():
    restored = pickle.loads(pickle._dumps(astgrad.grad(targets.loss)))
    assert_close(restored(W, X), numerical_grad(targets.loss, (W, X)))
    with pytest.raises(pickle.PicklingError, match="module level"):
        pickle._dumps(astgrad.jacobian(targets.square))


def test_a_function_sent_by_value_carries_its_source_and_it_is_checked():
    """cloudpickle 3.1+ sends a function's code without its file; astgrad sends the source
    along, and the receiving side still checks it against the code it runs."""
    cloudpickle = pytest.importorskip("cloudpickle")
    assert_close(pickle.loads(cloudpickle.dumps(astgrad.hessian(targets.cube)))(W), np.diag(6 * W))
    received = pickle.loads(cloudpickle.dumps(astgrad.grad(targets.cube))).function
    assert received.__code__.co_filename != targets.cube.__code__.co_filename   # sent without its file
    filename, lines, first_line = received.__astgrad_source__
    received.__astgrad_source__ = (filename, [line.replace("x * x * x", "x * x") for line in lines],
                                   first_line)
    with pytest.raises(astgrad.TransformError, match="does not compile to the code"):
        astgrad.grad(received)(W)
