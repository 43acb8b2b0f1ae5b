"""The eighty-ninth hunt's programs on rebinding between calls: a helper redefined, a global
rebound, a method patched on the class or the object, a global array, a class attribute, an
instance attribute shadowing the class's, a closure's list, a global list and dict changed,
after the gradient was first called (``CHANGES``: what changes, for monkeypatch). Each program
is ``f(x, w)`` of a float array ``x`` and a float ``w``."""
import numpy as np


def helper(v):
    return v * 2.0


def rb_helper_redefined(x, w):
    return np.sum(helper(x) * w)


K = 2.0


def rb_global_rebound(x, w):
    return np.sum(x * K) * w


class M:
    def val(self, v):
        return v * 2.0


OBJ = M()


def rb_method_patched_on_class(x, w):
    return np.sum(OBJ.val(x)) * w


def rb_method_patched_on_instance(x, w):
    return np.sum(OBJ.val(x)) * w


def rb_local_object_class_patched(x, w):
    m = M()
    return np.sum(m.val(x)) * w


ARR = np.array([1.0, 2.0, 3.0, 4.0])


def rb_global_array_changed(x, w):
    return np.sum(x * ARR) * w


class Cfg:
    scale = 2.0


def rb_class_attr_changed(x, w):
    return np.sum(x * Cfg.scale) * w


class Inst:
    k = 2.0

    def val(self, v):
        return v * self.k


INST = Inst()


def rb_instance_shadows_class(x, w):
    return np.sum(INST.val(x)) * w


def make_closure():
    c = [2.0]

    def f(v):
        return v * c[0]
    return f, c


CLO, CELL = make_closure()


def rb_closure_list_changed(x, w):
    return np.sum(CLO(x)) * w


LIST = [1.0, 2.0]


def rb_global_list_appended(x, w):
    s = 0.0
    for c in LIST:
        s = s + np.sum(x * c)
    return s * w


DICT = {"a": 1.0}


def rb_global_dict_changed(x, w):
    return np.sum(x * DICT["a"]) * w


def _new_helper(v):
    return np.sin(v)


def _new_val(self, v):
    return v ** 3


def _inst_val(v):
    return np.cos(v)


def change(name):
    """Make the change the program ``name`` is about; return what undoes it."""
    g = globals()
    owner, key, value = {
        "rb_helper_redefined": (g, "helper", _new_helper),
        "rb_global_rebound": (g, "K", 5.0),
        "rb_method_patched_on_class": (M, "val", _new_val),
        "rb_local_object_class_patched": (M, "val", _new_val),
        "rb_method_patched_on_instance": (OBJ, "val", _inst_val),
        "rb_global_array_changed": (ARR, 1, 7.0),
        "rb_class_attr_changed": (Cfg, "scale", 3.0),
        "rb_instance_shadows_class": (INST, "k", 4.0),
        "rb_closure_list_changed": (CELL, 0, 6.0),
        "rb_global_list_appended": (LIST, None, 3.0),
        "rb_global_dict_changed": (DICT, "a", 9.0),
    }[name]
    if key is None:
        owner.append(value)
        return owner.pop
    if isinstance(owner, (dict, list, np.ndarray)):
        kept = owner[key]
        owner[key] = value
        return lambda: owner.__setitem__(key, kept)
    had = key in vars(owner)
    kept = vars(owner).get(key)
    setattr(owner, key, value)
    return (lambda: setattr(owner, key, kept)) if had else (lambda: delattr(owner, key))


CASES = [(k, v) for k, v in list(globals().items()) if k.startswith("rb_")]
