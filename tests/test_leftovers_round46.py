"""What this round's first helpers found and left: a list bound twice in a try body (its
derivative's zeros where the second binding's adjoint ends), ``zip(w.q, xs)`` over an object
iterating itself (the same answer whatever code the disk cache holds for another layout),
``__setitem__`` on an attribute's array (what is followed and what is refused), and
``any``/``all`` over values that carry a derivative (a bool: the branch it chooses is
differentiated). Followed programs are checked against central finite differences in grad,
jvp and hessian (tests/breadth_modes.py)."""

import os
import re
from pathlib import Path

import numpy as np
import pytest

import astgrad
from astgrad import disk_cache
from breadth_modes import check
from fd import assert_close, numerical_grad
from test_messages_round46 import Holder, zip_over_an_attribute

X3 = np.array([0.3, -0.4, 0.9])


# -- a list bound twice in a try body ---------------------------------------------------------

def rebound_then_raising(x, w):
    try:
        ys = [x * w, w]
        if w < 5:
            ys = [w, w * w]
        r = ys[9]
    except IndexError:
        r = 0.0
    return r + x * w


def comprehension_rebound_then_raising(x, w):
    try:
        ys = [v * w for v in x]
        if w < 5:
            ys = [w, w * w]
        r = ys[9]
    except IndexError:
        r = ys[0] * ys[-1]
    return r + np.sum(x) * w


def rebound_to_another_length(x, w):
    try:
        ys = [x[0] * w, w, x[1]]
        if w < 5:
            ys = [w, w * w]
        else:
            ys = [w]
        r = ys[1] * ys[0]
        q = ys[5]
    except IndexError:
        q = 1.0
    return r * q + x[2]


def rebound_in_a_loop(x, w):
    out = 0.0
    for i in range(3):
        try:
            ys = [v * w for v in x]
            if w * i > 0.5:
                ys = [w, w * x[i]]
            r = ys[i + 1] * ys[0]
        except IndexError:
            r = w
        out = out + r
    return out


# -- any / all over values that carry a derivative ---------------------------------------------

def all_used_as_a_number(x, w):
    ok = all(x * w)
    return np.sum(x) * w + ok


def any_of_a_generator_added(x, w):
    return np.sum(x * w) + any(v * w > 0.5 for v in x)


def any_choosing_the_branch(x, w):
    ys = [x[0] * w, x[1] - w]
    if any(ys):
        return ys[0] * ys[1]
    return w


# -- __setitem__ on an attribute's array ---------------------------------------------------------

class Buffer:
    def __init__(self, x):
        self.x = x * 1.0

    def __setitem__(self, i, v):
        self.x[i] = v

    def get(self, i):
        return self.x[i] * 1.0


class ItemBuffer(Buffer):
    def __getitem__(self, i):
        return self.x[i]


def written_then_read_by_a_method(x, w):
    b = Buffer(x)
    b[1] = w * 2.0
    return np.sum(b.x ** 2) + b.get(1) * w


def written_where_an_item_is_handed_out(x, w):
    b = ItemBuffer(x)
    b[1] = w * 2.0
    return np.sum(b.x ** 2)


FOLLOWED = [rebound_then_raising, comprehension_rebound_then_raising, rebound_to_another_length,
            rebound_in_a_loop, all_used_as_a_number, any_of_a_generator_added, any_choosing_the_branch,
            written_then_read_by_a_method]
ARGS = {rebound_then_raising: (0.3, 0.7)}


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed(f, mode):
    check(mode, f, ARGS.get(f, (X3, 0.7)), (0, 1))


def test_a_setitem_beside_an_item_handed_out_is_refused_at_the_write():
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(written_where_an_item_is_handed_out)(X3, 0.7)
    message = str(caught.value)
    assert f"{__file__}:{written_where_an_item_is_handed_out.__code__.co_firstlineno + 2}:" in message
    assert "the call of Buffer.__setitem__" in message and "store a new value in the attribute" in message
    assert_close(astgrad.grad(written_then_read_by_a_method)(X3, 0.7),
                 numerical_grad(written_then_read_by_a_method, (X3, 0.7)))      # the next call works


# -- zip(w.q, xs) where w.q iterates itself: the disk cache keeps code per layout ---------------

class Items:
    def __init__(self, values):
        self.values = values

    def __iter__(self):
        return iter(self.values)


@pytest.fixture
def disk(tmp_path, monkeypatch):
    """The disk cache on, in a directory of its own (the rules now counted as astgrad's)."""
    from astgrad.rules import optional, registry
    monkeypatch.setitem(optional._trusted, "version", registry.VERSION[0])
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path / "cache"))
    yield
    disk_cache.configure_cache(enabled=False)
    disk_cache._settings["directory"] = None


@pytest.mark.parametrize("first, then", [(Holder([1.5, -2.0]), Holder(Items([0.5, 1.5]))),
                                         (Holder(Items([0.5, 1.5])), Holder([1.5, -2.0]))],
                         ids=["list-then-object", "object-then-list"])
def test_zip_over_an_attribute_is_the_same_after_another_layout_was_stored(disk, first, then):
    astgrad.grad(zip_over_an_attribute)(0.9, first)       # stored on disk for first's layout
    astgrad.clear_cache()                                 # the next call looks on disk first
    assert_close(astgrad.grad(zip_over_an_attribute)(0.9, then), numerical_grad(zip_over_an_attribute, (0.9, then)))


# -- the same generated text in every process ----------------------------------------------

def test_the_zeros_ending_a_branch_come_in_the_same_order_in_every_process():
    # The adjoints zeroed at a branch's end were taken in a set's order, which changes with
    # the process's string hashing: hunt19's o01 wrote d_a = 0.0 and d_t = 0.0 swapped
    # under PYTHONHASHSEED=3.
    texts = _printed_under_hash_seeds("import sys; sys.path.insert(0, 'tests'); import astgrad, hunt19_programs as h; "
                                      "print(astgrad.grad(h.o01, wrt=(0, 1)).source)", ("1", "3"))
    assert "d_a = 0.0" in texts[0]
    assert texts[0] == texts[1]


def test_the_checks_of_a_helper_s_copied_items_come_in_the_same_order_in_every_process():
    # The parameters whose copied items a helper writes were found in a set's order, which
    # changed with the process's string hashing (PYTHONHASHSEED 1 against 2). This once showed
    # on array_held_by_self, whose grad_Rows_scaled seemed to copy its d_c as well; it does
    # not (d_c is only read; attribute_adjoint shares d_c alone, not self), so only one argument
    # is checked there now. first_of_either_scaled copies either of two parameters, so each
    # call checks two arguments, in the function and in its derivative.
    texts = _printed_under_hash_seeds(
        "import sys; sys.path.insert(0, 'tests'); import numpy as np, astgrad, test_trust_shallow_copies as T; "
        "x = np.array([0.3, -0.7, 1.1]); h = astgrad.hvp(T.array_of_either_held); h(x, x); print(h.source)",
        ("1", "2"))
    for callee in ("first_of_either_scaled", "grad_first_of_either_scaled"):
        checked = re.findall(rf"items_unshared_by_copy\((\w+), '{callee}'", texts[0])
        assert len(set(checked)) == 2, (callee, checked)
    assert texts[0] == texts[1]


def _printed_under_hash_seeds(code, seeds):
    """What ``python -c code`` prints in a fresh process under each PYTHONHASHSEED of
    ``seeds`` (the disk cache off; the numbers of generated files left out)."""
    import fresh_process
    src = str(Path(__file__).resolve().parents[1] / "src")
    texts = []
    for seed in seeds:
        env = dict(os.environ, PYTHONPATH=src, PYTHONHASHSEED=seed, ASTGRAD_CACHE="0")
        run = fresh_process.run(["-c", code], src=src, env=env, cwd=Path(__file__).resolve().parents[1])
        assert run.returncode == 0, run.stderr
        texts.append(re.sub(r"#\d+>", ">", run.stdout))
    return texts
