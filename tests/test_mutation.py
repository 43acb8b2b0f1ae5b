"""analysis/mutation.py: the one answer to "which objects does this code change in place"."""

import numpy as np

from astgrad.analysis.mutation import ChangeKind, in_place_changes, names_changed_in_place
from astgrad.core import walk
from astgrad.caching import prepare


def _core_body(fn):
    _, tree, _, _ = prepare(fn)
    return tree.body


def changes_everything(x, y, xs, z):
    y[0] = x
    xs.append(x)
    z += x
    np.random.shuffle(x)     # (np.copyto, np.putmask are element writes: array_writes.py, flat_writes.py)
    if x[0] > 0:
        for i in range(2):
            np.multiply(x, 2.0, out=y)
    return x


def test_each_kind_of_in_place_change_is_named():
    changes = [(c.name, c.kind) for c in in_place_changes(walk.walk_statements(_core_body(changes_everything)))]
    # the front end turns out=y into y[...] = ..., an element assignment in the nested loop;
    # the argument y written by element is written through its copy y_1 = copy_argument(y),
    # and the argument xs appended to through its copy xs_1 (the caller's list stays as it was)
    assert changes == [("y_1", ChangeKind.ELEMENT), ("xs_1", ChangeKind.METHOD), ("z", ChangeKind.AUGMENTED),
                       ("x", ChangeKind.ARGUMENT), ("y_1", ChangeKind.ELEMENT)]


def test_names_changed_in_place_reaches_nested_blocks():
    body = _core_body(changes_everything)
    assert names_changed_in_place(body) == {"x", "y_1", "xs_1", "z"}
    assert names_changed_in_place(body, augmented=False) == {"x", "y_1", "xs_1"}


def test_method_change_says_which_method():
    change = next(c for c in in_place_changes(walk.walk_statements(_core_body(changes_everything)))
                  if c.kind is ChangeKind.METHOD)
    assert change.what == "the method call .append()"


def rebinds_only(x, y):
    z = x * y
    z = z + 1.0
    return z


def test_rebinding_is_not_an_in_place_change():
    assert names_changed_in_place(_core_body(rebinds_only)) == set()
