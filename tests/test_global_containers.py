"""Global containers changed in place by a helper the differentiated function calls: a
list item, a dict value, an array element, a closure's list, an object's attributes (by a
property getter). Each derivative sees the container as one plain call of the function
sees it, and leaves it as one plain call does, also the transforms that run the code more
than once (vjp, jacobian, hessian, a jacobian of a gradient). Where the derivative would
read the memory again after the change (a whole array read before a helper changes it,
a module global rebound through a local alias or a computed setattr, an attribute read
before a getter changes it), the code is refused at the line, and nothing has run."""

import sys

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian

X = np.array([0.3, 0.7])
V = np.array([0.4, -1.3])

BOX = [1.0]
CFG = {"k": 1.0}
W = np.array([1.0, 1.0])
K = 1.0
NAME = "a"
STATS = {"calls": 0}
ROWS = [np.array([1.0, 1.0])]


class Counted:
    """A property whose getter changes the object: the second read sees a = 3."""

    def __init__(self):
        self.a, self.n = 1.0, 0

    @property
    def scale(self):
        self.n += 1
        self.a = 3.0 if self.n > 1 else 1.0
        return self.a


OBJ = Counted()


def reset():
    global K
    BOX[0], CFG["k"], W[:], K, STATS["calls"], ROWS[0][:] = 1.0, 1.0, 1.0, 1.0, 0, 1.0
    OBJ.a, OBJ.n = 1.0, 0


def state():
    return list(BOX), dict(CFG), W.tolist(), K, dict(vars(OBJ)), dict(STATS), ROWS[0].tolist()


def set_list():
    BOX[0] = 3.0


def bump_list():
    BOX[0] += 1.0


def set_dict():
    CFG["k"] = 3.0


def set_element():
    W[0] = 3.0


def made_with_a_cell():
    cell = [1.0]

    def set_cell():
        cell[0] = 3.0

    def through_a_closure(x):
        y = np.sum(np.sin(x) * cell[0])
        set_cell()
        return y + np.sum(x ** 2 * cell[0])
    return through_a_closure, cell


through_a_closure, CELL = made_with_a_cell()


def list_item(x):
    y = np.sum(np.sin(x) * BOX[0])
    set_list()
    return y + np.sum(x ** 2 * BOX[0])


def list_item_bumped(x):
    y = np.sum(np.sin(x) * BOX[0])
    bump_list()
    return y + np.sum(x ** 2 * BOX[0])


def dict_value(x):
    y = np.sum(np.sin(x) * CFG["k"])
    set_dict()
    return y + np.sum(x ** 2 * CFG["k"])


def array_element(x):
    y = np.sum(np.sin(x) * W[0])
    set_element()
    return y + np.sum(x ** 2 * W[0])


def array_read_after_the_change(x):
    set_element()
    return np.sum(np.sin(x) * W) + np.sum(x ** 2 * W)


def box_of():
    return BOX


def set_through_a_returned_list():
    box_of()[0] = 3.0


def list_changed_through_what_a_helper_returns(x):
    y = np.sum(np.sin(x) * BOX[0])
    set_through_a_returned_list()
    return y + np.sum(x ** 2 * BOX[0])


def count_call():
    STATS["calls"] += 1


def array_read_then_counted(x):
    y = np.sum(np.sin(x) * W)
    count_call()        # changes memory W is not part of: followed
    return y + np.sum(x ** 2 * W) * (STATS["calls"] + 1.0)


def property_read_first(x):
    s = OBJ.scale
    return np.sum(np.sin(x) * OBJ.a) * s + np.sum(x ** 2) * s


FOLLOWED = [list_item, list_item_bumped, dict_value, array_element, through_a_closure,
            array_read_after_the_change, array_read_then_counted, list_changed_through_what_a_helper_returns,
            property_read_first]


def _plain(f):
    def run(x):
        reset()
        CELL[0] = 1.0
        return f(x)
    return run


def _modes(f):
    """(name, what the transform gives) for each transform, each run from the reset state."""
    def vjp():
        _, pullback = astgrad.vjp(f, X.copy())
        return pullback(1.0)[0]
    return [("grad", lambda: astgrad.grad(f)(X.copy())),
            ("value_and_grad", lambda: astgrad.value_and_grad(f)(X.copy())[1]),
            ("jvp", lambda: astgrad.jvp(f, (X.copy(),), (V,))[1]),
            ("vjp", vjp),
            ("hessian", lambda: astgrad.hessian(f)(X.copy())),
            ("jacobian of grad", lambda: astgrad.jacobian(astgrad.grad(f))(X.copy())),
            ("grad of grad", lambda: astgrad.grad(astgrad.grad(f))(0.6))]


_SECOND_ORDER = ("hessian", "jacobian of grad", "grad of grad")


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_a_container_changed_by_a_helper_is_seen_as_one_call_sees_it(f):
    plain = _plain(f)
    plain(X.copy())
    after = state(), list(CELL)
    gradient = numerical_grad(plain, (X.copy(),))
    hessian = numerical_hessian(lambda x: numerical_grad(plain, (x,), eps=1e-4), (X.copy(),), eps=1e-4)
    scalar = numerical_hessian(lambda s: numerical_grad(plain, (s,), eps=1e-4), (0.6,), eps=1e-4).reshape(())
    want = {"grad": gradient, "value_and_grad": gradient, "jvp": gradient @ V, "vjp": gradient,
            "hessian": hessian, "jacobian of grad": hessian, "grad of grad": scalar}
    for mode, run in _modes(f):
        plain(X.copy())     # puts everything back (the result is not used)
        reset()
        CELL[0] = 1.0
        if f is property_read_first and mode in _SECOND_ORDER:
            # the getter changes its object: its derivative's code is refused, naming the read
            # (the user's line, quoted as written: not the derivative's, with its OBJ_1 for OBJ)
            with pytest.raises(astgrad.TransformError, match=r"test_global_containers.py:\d+: this line cannot be "
                                                             r"differentiated twice: (?s:.*)\n\s*s = OBJ.scale$"):
                run()
            continue
        got = run()
        assert_close(got, want[mode], rtol=1e-5, atol=1e-5, msg=f"{mode} of {f.__name__}")
        if mode != "grad of grad":      # (at another point: its state is checked by its own value)
            assert (state(), list(CELL)) == after, f"{mode} of {f.__name__} left the globals otherwise"


# -- refused: the derivative would read the memory again after the change --------------------

def add_one():
    W[0] += 1


def copy_into():
    np.copyto(W, np.array([3.0, 2.0]))


def fill():
    W.fill(3.0)


def write_all():
    W[...] = 3.0


def add_out():
    np.add(W, 1, out=W)


def through_sys_modules():
    module = sys.modules[__name__]
    module.K = 3.0


def through_an_import():
    import test_global_containers as module
    module.K = 3.0


def computed_setattr():
    setattr(OBJ, NAME + "", 3.0)


def array_then(change):
    """The function reading W whole, then calling ``change``."""
    def array_read_then_changed(x):
        y = np.sum(np.sin(x) * W)
        change()
        return y + np.sum(x ** 2 * W)
    return array_read_then_changed


def fill_row():
    ROWS[0].fill(3.0)


def alias_then_fill(x):
    w = W
    y = np.sum(np.sin(x) * w)
    fill()
    return y + np.sum(x ** 2 * W)


def row_then_fill(x):
    r = ROWS[0]
    y = np.sum(np.sin(x) * r)
    fill_row()
    return y + np.sum(x ** 2 * r)


def module_alias(x):
    y = np.sum(np.sin(x) * K)
    through_sys_modules()
    return y + np.sum(x ** 2 * K)


def imported_alias(x):
    y = np.sum(np.sin(x) * K)
    through_an_import()
    return y + np.sum(x ** 2 * K)


def attribute_then_setattr(x):
    y = np.sum(np.sin(x) * OBJ.a)
    computed_setattr()
    return y + np.sum(x ** 2 * OBJ.a)


def attribute_then_property(x):
    y = np.sum(np.sin(x) * OBJ.a)
    s = OBJ.scale
    return y + np.sum(x ** 2 * OBJ.a) * s


def property_again_on_the_line(x):
    s = OBJ.scale
    return np.sum(np.sin(x) * OBJ.a) * s + np.sum(x ** 2) * OBJ.scale


_CHANGED = "changes in place memory a global holds"
REFUSED = [(array_then(change), "change()", f"the call of {change.__name__} {_CHANGED}", "W.copy()")
           for change in (add_one, copy_into, fill, write_all, add_out)] + [
    (alias_then_fill, "fill()", f"the call of fill {_CHANGED}", "W.copy()"),
    (row_then_fill, "fill_row()", f"the call of fill_row {_CHANGED}", "ROWS[0].copy()"),
    (module_alias, "y = np.sum(np.sin(x) * K)", "through_sys_modules may rebind", "pass K in as an argument"),
    (imported_alias, "y = np.sum(np.sin(x) * K)", "through_an_import may rebind", "pass K in as an argument"),
    (attribute_then_setattr, "y = np.sum(np.sin(x) * OBJ.a)", "computed_setattr rebinds",
     "pass OBJ.a in as an argument"),
    (attribute_then_property, "y = np.sum(np.sin(x) * OBJ.a)", "getter Counted.scale changes OBJ.a",
     "Read the property first"),
    (property_again_on_the_line, "return np.sum(np.sin(x) * OBJ.a) * s + np.sum(x ** 2) * OBJ.scale",
     "getter Counted.scale changes OBJ.a", "Read the property first"),
]


@pytest.mark.parametrize("f, line, what, advice", REFUSED, ids=["add_one", "copyto", "fill", "ellipsis", "out=", "alias", "row", "sys_modules", "import_as", "setattr", "property",
                              "property_on_the_line"])
def test_a_read_the_derivative_would_repeat_after_the_change_is_refused(f, line, what, advice):
    reset()
    untouched = state()
    f(X.copy())
    assert state() != untouched         # (a call changes them)
    # grad and hessian refuse before any code runs
    for transform in (astgrad.grad, astgrad.hessian):
        reset()
        with pytest.raises(astgrad.TransformError) as info:
            transform(f)(X.copy())
        message = str(info.value)
        assert "test_global_containers.py:" in message and line in message, message
        assert what in message and advice in message, message
        assert state() == untouched, f"{transform.__name__} left the globals otherwise"
    reset()
    assert_close(astgrad.grad(list_item)(X.copy()), numerical_grad(_plain(list_item), (X.copy(),)))


class Lazy:
    """Properties computed once and kept (a lazy cache): their getters change the object."""

    def __init__(self):
        self._act, self._w = None, None

    @property
    def act(self):
        if self._act is None:
            self._act = np.tanh
        return self._act

    @property
    def w(self):
        if self._w is None:
            self._w = np.array([1.0, 2.0])
        return self._w


LAZY = Lazy()


def through_lazy_properties(x):
    return np.sum(LAZY.act(x) * LAZY.w)


def test_properties_caching_what_they_compute_are_followed():
    plain = numerical_grad(through_lazy_properties, (X.copy(),))
    LAZY._act = LAZY._w = None
    assert_close(astgrad.grad(through_lazy_properties)(X.copy()), plain)
    assert LAZY._act is np.tanh and LAZY._w is not None         # as one call leaves them
    hessian = numerical_hessian(lambda x: numerical_grad(through_lazy_properties, (x,), eps=1e-4), (X.copy(),),
                                eps=1e-4)
    assert_close(astgrad.hessian(through_lazy_properties)(X.copy()), hessian, atol=1e-5)
