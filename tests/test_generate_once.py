"""A gradient's code is generated once: ``grad(f)`` checks ``f`` (the front half of a
generation: parse, normalize, transform, where every refusal is raised) and keeps that
half; the first call finishes it for the arguments' kinds (optimize, emit, compile)."""

import concurrent.futures
import os
import threading

import gast
import numpy as np
import pytest

import astgrad
from astgrad import caching, pipeline, prepared
from astgrad.analysis import purity
from astgrad.core import anno
from astgrad import d
from astgrad.rules import rule_reads
from fd import assert_close, numerical_grad
import fresh_process


@pytest.fixture
def counted(monkeypatch):
    """{"front": [...], "back": [...]}: the functions each half of a generation ran for."""
    counts = {"front": [], "back": []}
    front, back = pipeline.front, pipeline.back

    def counting_front(fn, key, callees):
        counts["front"].append(fn.__name__)
        return front(fn, key, callees)

    def counting_back(made, key):
        counts["back"].append(made.label.split(" of ", 1)[1])
        return back(made, key)
    monkeypatch.setattr(pipeline, "front", counting_front)
    monkeypatch.setattr(pipeline, "back", counting_back)
    return counts


@pytest.fixture
def parsed(monkeypatch):
    """[...]: the functions parsed and normalized, in order."""
    names = []
    prepare = pipeline.prepare

    def counting_prepare(fn, callees):
        names.append(fn.__name__)
        return prepare(fn, callees)
    monkeypatch.setattr(pipeline, "prepare", counting_prepare)
    return names


def once_a(x, y):
    t = np.sin(x) * y
    return np.sum(t * t + x)


def test_grad_checks_and_the_first_call_generates_once(counted):
    x, y = np.linspace(0.1, 0.9, 4), np.linspace(-1.0, 1.0, 4)
    g = astgrad.grad(once_a)
    assert counted == {"front": ["once_a"], "back": []}
    assert g.__name__ == "grad_once_a"
    assert_close(g(x, y), numerical_grad(lambda v: once_a(v, y), x))
    assert counted == {"front": ["once_a"], "back": ["once_a"]}
    g(x, y)
    astgrad.grad(once_a)(x, y)              # checked and generated already: nothing new
    assert counted == {"front": ["once_a"], "back": ["once_a"]}


def once_b(x, y):
    return np.sum(np.tanh(x * y) * x)


def test_another_kind_of_arguments_and_the_general_code_are_generated_when_needed(counted):
    x, y = np.linspace(0.1, 0.9, 3), np.linspace(-1.0, 1.0, 3)
    g = astgrad.grad(once_b)
    assert_close(g(x, y), numerical_grad(lambda v: once_b(v, y), x))
    assert_close(g(0.4, 1.5), numerical_grad(lambda v: once_b(v, 1.5), 0.4))
    assert counted["back"] == ["once_b", "once_b"] and counted["front"] == ["once_b", "once_b"]
    general = g.source_for([0.1, 0.2], [1.0, 2.0])  # lists: no version of their own, the general code
    assert "unbroadcast" in general and "grad_once_b" in general


def noisy(x, n=1):
    if n > 0:           # a helper calling itself stays a call (one drawing numbers is inlined otherwise)
        return noisy(x, n - 1)
    return x * np.random.normal()


def calls_noisy(x):
    return np.sum(noisy(x) * x)


def test_refusals_in_the_transform_are_still_raised_at_grad(counted):
    # refused while the adjoint sweep writes the call's contribution: the last step of the check
    with pytest.raises(astgrad.TransformError, match="the helper noisy calls numpy.random.normal"):
        astgrad.grad(calls_noisy)
    with pytest.raises(astgrad.TransformError, match="the helper noisy calls numpy.random.normal"):
        astgrad.differentiable(calls_noisy)
    # the helper's own derivative is made while checking; the caller's code is not
    assert counted["front"].count("calls_noisy") == 2 and "calls_noisy" not in counted["back"]


SQUASH = np.sin


def uses_global(x):
    return np.sum(SQUASH(x) * x)


def test_a_rebinding_between_grad_and_the_first_call_is_followed(counted, monkeypatch):
    x = np.linspace(-0.8, 0.8, 5)
    g = astgrad.grad(uses_global)
    monkeypatch.setitem(globals(), "SQUASH", np.tanh)
    assert_close(g(x), numerical_grad(uses_global, x))
    assert_close(g(x), (1.0 - np.tanh(x) ** 2) * x + np.tanh(x))
    assert counted["front"] == ["uses_global", "uses_global"]   # the checked half was stale


def once_c(x):
    return np.sum(np.exp(-x * x) * np.cos(x))


def test_a_failed_specialized_generation_falls_back_to_the_general_code(counted, monkeypatch):
    back = pipeline.back
    failures = []

    def failing_once(made, key):
        if not failures:
            failures.append(key)
            raise RuntimeError("interrupted")
        return back(made, key)
    monkeypatch.setattr(pipeline, "back", failing_once)
    x = np.linspace(-1.0, 1.0, 4)
    g = astgrad.grad(once_c)
    assert_close(g(x), numerical_grad(once_c, x))
    assert len(failures) == 1 and failures[0][3][0] == "kinds"
    assert not caching._flights and not caching._in_progress
    # the checked half went to the failed generation; the general code was generated anew
    assert counted == {"front": ["once_c", "once_c"], "back": ["once_c"]}
    assert "unbroadcast" in g.source or "unreduce" in g.source


def once_d(x, y):
    u = np.sin(x) + y * x
    return np.sum(u * np.cos(u))


def test_concurrent_first_calls_generate_once(counted):
    x, y = np.linspace(0.1, 0.9, 6), np.linspace(-1.0, 1.0, 6)
    start = threading.Barrier(6)
    shared = astgrad.grad(once_d)

    def first_call(own):
        start.wait()
        g = astgrad.grad(once_d) if own else shared
        return g(x, y)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        results = list(pool.map(first_call, [True, False] * 3, timeout=120))
    expected = numerical_grad(lambda v: once_d(v, y), x)
    for result in results:
        assert_close(result, expected)
    assert counted == {"front": ["once_d"], "back": ["once_d"]}
    assert not caching._flights and not caching._waiting and not caching._in_progress


def once_e(x):
    return np.sum(x ** 3)


def test_the_decorator_checks_and_generates_at_the_first_use(counted):
    decorated = astgrad.differentiable(once_e)
    assert counted == {"front": ["once_e"], "back": []}
    x = np.linspace(-1.0, 1.0, 3)
    assert_close(astgrad.grad(decorated)(x), 3 * x ** 2)
    assert counted == {"front": ["once_e"], "back": ["once_e"]}


def make_scaled_loss(scale):
    def scaled_loss(w):
        return np.sum(np.sin(w) * w) * scale
    return scaled_loss


def test_closures_of_one_factory_share_the_check_and_the_code(counted):
    w = np.linspace(-1.0, 1.0, 5)
    for scale in (1.0, 2.0, 3.0):
        loss = make_scaled_loss(scale)
        assert_close(astgrad.grad(loss)(w), scale * (np.cos(w) * w + np.sin(w)))
    assert counted == {"front": ["scaled_loss"], "back": ["make_scaled_loss.<locals>.scaled_loss"]}


def make_activated_loss(activation):
    def activated_loss(w):
        return np.sum(activation(w) * w)
    return activated_loss


def test_closures_of_one_factory_take_the_proof_with_the_code(parsed):
    """The code without the value made for one closure is taken for an equal one (the
    proof made before it holds for the same source and names, as for code from the disk
    cache): the later closures are not parsed again for a proof. One with another
    activation is proven and made anew."""
    w = np.linspace(-1.0, 1.0, 5)
    for activation, derivative in ((np.sin, np.cos), (np.sin, np.cos), (np.tanh, lambda v: 1.0 - np.tanh(v) ** 2)):
        g = astgrad.grad(make_activated_loss(activation))
        assert_close(g(w), derivative(w) * w + activation(w))
        assert getattr(g._versions.for_signature(g._versions.signatures()[0]), "__astgrad_gradient_only__", False)
    assert parsed == ["activated_loss", "activated_loss"]


def real_output(x, y):
    return np.sum(np.sin(x) * y)


def test_the_first_call_proves_the_output_real_without_parsing_again(parsed):
    """The proof that the output is a real number (for code without the value) reads
    the normalized function grad(f) kept, instead of parsing the function again."""
    x, y = np.linspace(0.1, 0.9, 3), np.linspace(-1.0, 1.0, 3)
    g = astgrad.grad(real_output)
    assert parsed == ["real_output"]
    assert_close(g(x, y), numerical_grad(lambda v: real_output(v, y), x))
    assert parsed == ["real_output"]
    assert g.source_for(x, y).rstrip().endswith("return d_x")     # the version without the value ran


def kept_for_the_proof(x, y):
    return np.sum(np.cos(x) * y + x)


def test_the_check_keeps_the_normalization_for_the_proof_without_copying_it():
    """grad(f) keeps, for the first call's proof, the normalized function parsing kept
    for the function's next generations (which nothing changes), not a copy of its own."""
    x, y = np.linspace(0.1, 0.9, 3), np.linspace(-1.0, 1.0, 3)
    g = astgrad.grad(kept_for_the_proof)
    checked = [entry for key, entry in caching._cache.get(kept_for_the_proof).items() if key[0] == "checked"]
    assert [entry.front.normalized for entry in checked] == [prepared.pristine(kept_for_the_proof)]
    assert checked[0].front.normalized is not None
    assert_close(g(x, y), -np.sin(x) * y + 1.0)
    assert g.source_for(x, y).rstrip().endswith("return d_x")     # proven with it: no value


def product(x, y):
    return np.sin(x) @ y        # a number for two vectors, a vector for a matrix and a vector


def seeded_helper(v):
    rng = np.random.default_rng(0)
    s = np.sin(v) * rng.normal()
    return s + v


def noisy_helper(v):
    return np.cos(v) + np.random.normal()


def _tree_and_annotations(tree):
    """``tree`` as text, with the annotations of each node (by identity): what an
    analysis that only reads it must leave as it was."""
    return gast.dump(tree), [(key, id(value)) for node in gast.walk(tree)
                             for key, value in anno.annotations(node).items()]


def test_the_impurity_search_reads_the_kept_normalization_without_copying_or_changing_it(monkeypatch):
    """The search for a draw or a clock read in a function (of its callees too) reads
    the normalized tree kept for the function's next generations: no copy, and the tree
    is as it was, so that the next generation copies what parsing made."""
    copies = []
    copied = prepared._copied
    monkeypatch.setattr(prepared, "_copied", lambda made: copies.append(made[1].name) or copied(made))
    kept = {}
    for helper, impure in ((seeded_helper, False), (noisy_helper, True)):
        caching.prepare(helper)            # parsed and normalized, kept for its next generations
        kept[helper] = prepared.pristine(helper), _tree_and_annotations(prepared.pristine(helper))
        copies[:] = []
        source, tree = caching.read_prepared(helper)
        assert tree is kept[helper][0] and source.filename == helper.__code__.co_filename
        assert (purity.first_impure_call(helper, caching.read_prepared) is not None) == impure
        assert copies == [] and _tree_and_annotations(prepared.pristine(helper)) == kept[helper][1]
    x, y = np.linspace(0.1, 0.9, 3), np.linspace(-1.0, 1.0, 3)
    g = astgrad.grad(lambda v, w: np.sum(seeded_helper(v) * w))
    slope = np.random.default_rng(0).normal()
    assert_close(g(x, y), (np.cos(x) * slope + 1.0) * y)
    tree, before = kept[seeded_helper]
    assert prepared.pristine(seeded_helper) is tree and _tree_and_annotations(tree) == before


def test_each_further_kind_of_arguments_parses_the_function_once(parsed, counted):
    """A call with a further kind of arguments (the front half grad(f) kept is finished
    already) makes one front half, for the proof and the code together: the proof's front
    half is the one the code is finished from; and the function is parsed and normalized
    once for all of them (its normalization is kept and copied)."""
    x, y = np.linspace(0.1, 0.9, 3), np.linspace(-1.0, 1.0, 3)
    g = astgrad.grad(product)
    assert_close(g(x, y), np.cos(x) * y)
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    assert_close(g(x32, y32), np.cos(x32) * y32, rtol=1e-5)
    assert [getattr(g._versions.for_signature(signature), "__astgrad_gradient_only__", False)
            for signature in g._versions.signatures()] == [True, True]       # proven: no value
    with pytest.raises(ValueError, match="scalar"):         # not proven: the output is checked
        g(np.ones((2, 3)), y)
    assert parsed == ["product"]
    assert counted["front"] == ["product"] * 3
    assert counted["back"] == ["product"] * 3


activation = np.sin


def activated(x):
    return np.sum(activation(x) * x)


def test_a_rebinding_proves_and_generates_from_one_parse(parsed, monkeypatch):
    """After a rebinding of a name the code depends on, the proof for the new meaning and
    the code made for it come from one parse of the function."""
    x = np.linspace(-1.0, 1.0, 4)
    g = astgrad.grad(activated)
    assert_close(g(x), np.cos(x) * x + np.sin(x))
    monkeypatch.setitem(globals(), "activation", np.tanh)
    assert_close(g(x), (1.0 - np.tanh(x) ** 2) * x + np.tanh(x))
    assert getattr(g._versions.for_signature(g._versions.signatures()[0]), "__astgrad_gradient_only__", False)
    assert parsed == ["activated", "activated"]


def stopped_sqrt(x):
    return astgrad.stop_gradient(np.sqrt(x))    # no derivative, until a rule gives it one


def scaled_by_stopped_sqrt(x):
    return stopped_sqrt(x) * x


def sine_times(x):
    return np.sin(x) * x


def called_by_nothing(x):
    return x


def test_a_rule_registered_later_makes_stale_only_the_code_that_looked_it_up(counted):
    """Code depends on the rules it looked up, found or not: a rule for another function
    regenerates nothing, a rule for a function the code looked into regenerates it."""
    x = 0.7
    scaled, sine = astgrad.grad(scaled_by_stopped_sqrt), astgrad.grad(sine_times)
    assert_close(scaled(x), np.sqrt(x))         # the stopped factor is a constant
    assert_close(sine(x), np.cos(x) * x + np.sin(x))
    made = {half: list(names) for half, names in counted.items()}

    @astgrad.adjoint(called_by_nothing)
    def identity(y, v):
        d[v] = d[y]
    assert_close(scaled(x), np.sqrt(x))
    assert_close(sine(x), np.cos(x) * x + np.sin(x))
    assert counted == made, "a rule no code looked up made code stale"

    @astgrad.adjoint(stopped_sqrt)
    def sqrt_adjoint(y, v):
        d[v] = d[y] / (2 * y)
    assert_close(scaled(x), numerical_grad(scaled_by_stopped_sqrt, (x,)))
    assert_close(sine(x), np.cos(x) * x + np.sin(x))
    assert counted == {half: names + ["scaled_by_stopped_sqrt"] for half, names in made.items()}


def test_a_generation_notes_only_the_rule_lookups_of_its_own_thread():
    """Each generation's log of rule-table lookups holds its own thread's: a generation
    running at the same time on another thread adds none of its keys (which would make
    code stale for a rule it never read), and a thread keeps nothing once its logs end."""
    table, seen = rule_reads.Table(), {}
    opened, looked_up = threading.Event(), threading.Event()

    def other_generation():
        with rule_reads.logging_lookups() as keys:
            opened.set()
            looked_up.wait(10)
            table.get("the other's key")
        seen["other"] = keys
    other = threading.Thread(target=other_generation)
    other.start()
    opened.wait(10)
    with rule_reads.logging_lookups() as keys:
        table.get("this key")
        looked_up.set()
        other.join(10)
    assert keys == {"this key"} and seen["other"] == {"the other's key"}
    assert rule_reads._thread.noted is None


SCIPY_IMPORTED_LATER = """
import sys
import numpy as np
import astgrad
from astgrad import pipeline

made = []
front = pipeline.front
pipeline.front = lambda fn, key, callees: made.append(fn.__name__) or front(fn, key, callees)


def f(x):
    return np.sum(np.tanh(x) * x) + np.sum(np.abs(np.fft.rfft(x)) ** 2)    # complex values: no SciPy either


g = astgrad.grad(f)
x = np.linspace(0.1, 1.0, 4)
first = g(x)
assert "scipy" not in sys.modules
import scipy.special


def h(x):
    return np.sum(scipy.special.expit(x))


assert np.allclose(astgrad.grad(h)(x), scipy.special.expit(x) * (1.0 - scipy.special.expit(x)))     # SciPy's rules are registered now
assert np.array_equal(g(x), first)
print(made)
"""


def test_importing_scipy_later_leaves_code_made_before_in_use(tmp_path):
    """SciPy's rules are registered once a program has imported SciPy: code made before,
    which looked up none of them, is still used (a new process: this one has SciPy's).
    Code made before imports no SciPy itself, complex values from numpy.fft included."""
    pytest.importorskip("scipy")
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    env = dict(os.environ, PYTHONPATH=src, ASTGRAD_CACHE="0")
    program = tmp_path / "scipy_later.py"
    program.write_text(SCIPY_IMPORTED_LATER)
    run = fresh_process.run([str(program)], src=src, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["['f',", "'h']"]
