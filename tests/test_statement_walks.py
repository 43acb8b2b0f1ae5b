"""The walks that find a function's statements without walking its expressions give the
statements ``gast.walk`` gives, in its order (which decides which assignment a refusal
names where several bind the same name): held_methods' assignments of a name, in every
kind of block (``if``/``else``, loops, ``try``/``except``/``finally``, ``with``, ``match``,
a nested ``def`` and ``class``)."""

import textwrap

import gast

from astgrad.modes.held_methods import _assigns_binding

_SOURCE = textwrap.dedent("""
    def f(xs, a, k):
        app = xs.append
        if k:
            app = a.sort
            for i in range(3):
                app = xs.pop
            else:
                app = xs.copy
        else:
            while k:
                app = a.fill
        try:
            with open("p") as h:
                app = h.write
        except ValueError:
            app = a.clip
        finally:
            app = a.put
        match k:
            case 1:
                app = a.sum
        def g():
            app = a.min
        class C:
            app = a.max
        app, other = a.mean, a.std
        app = g()
        app(k)
""")


def test_assignments_of_a_name_in_gast_walk_order():
    fn = gast.parse(_SOURCE).body[0]
    expected = [node for node in gast.walk(fn) if isinstance(node, gast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], gast.Name) and node.targets[0].id == "app"]
    found = _assigns_binding(fn, "app")
    assert len(expected) == 12
    assert [id(node) for node in found] == [id(node) for node in expected]
    assert _assigns_binding(fn, "other") == []
