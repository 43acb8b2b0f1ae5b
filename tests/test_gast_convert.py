"""frontend/gast_convert.py gives the very tree ``gast.ast_to_gast`` gives (fields, node
classes, line and column numbers), for every construct of the language and for real
modules, on the Python version the tests run under."""

import ast
import glob
import os
import sys
import textwrap

import gast
import pytest

from astgrad.frontend.gast_convert import ast_to_gast

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src", "astgrad")

CONSTRUCTS = textwrap.dedent('''
    import numpy as np, os.path as p
    from math import sin as s, cos
    from . import sibling
    X: int = 3
    Y: "list[int]"

    @decorator(1)
    class C(Base, metaclass=M):
        """doc"""
        attr = 1

        def method(self, a, /, b=2, *args, c, d=4, **kwargs) -> float:
            global X
            return super().method(a) + self.attr

    async def co(x):
        async with lock as held, other:
            pass
        async for item in source():
            await item
        return [i async for i in gen()]

    def f(x, y=1.0, *, z=None):
        def inner():
            nonlocal x
            x += 1
        lam = lambda a, *b, k=1, **c: a + k
        t = (1, 2.5, 3j, "s", b"b", None, True, ..., f"{x!r:>{y}} {z}")
        u = [a for a in range(3) if a for b in range(a)] + {k: v for k, v in {}.items()}.keys()
        v = {a for a in x} | {1, 2}
        w = (g for g in x)
        a, *rest = x[1:2, ::3, ...]
        x[0] += -y ** 2 // 3 % 4 @ z
        del x[0], t
        if (n := len(x)) > 1 and not y or y is not None:
            pass
        elif x in y:
            raise ValueError("e") from None
        else:
            assert x, "message"
        while x < 3 <= y:
            x = x if y else -x
            break
        else:
            pass
        for i, (j, k) in enumerate(zip(x, y)):
            continue
        try:
            pass
        except (TypeError, ValueError) as error:
            print(error, sep="")
        except Exception:
            pass
        else:
            pass
        finally:
            pass
        with open(p) as handle, other() as (a, b):
            yield handle
        yield from x
        match x:
            case [1, *others] if others:
                pass
            case {"k": v, **more}:
                pass
            case C(a, b=c) | None:
                pass
            case str() as text:
                pass
            case _:
                pass
        return x
''')


def _same(text):
    expected = gast.ast_to_gast(ast.parse(text))
    got = ast_to_gast(ast.parse(text))
    assert gast.dump(got, include_attributes=True) == gast.dump(expected, include_attributes=True)
    assert [type(n) for n in gast.walk(got)] == [type(n) for n in gast.walk(expected)]


def test_every_construct_converts_as_gast_does():
    _same(CONSTRUCTS)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameters are Python 3.12 syntax")
def test_type_parameters_convert_as_gast_does():
    _same("type Pair[T] = tuple[T, T]\ndef first[T, *Ts, **P](x: T) -> T:\n    return x\n"
          "class Box[T]:\n    pass\n")


def test_astgrads_own_modules_convert_as_gast_does():
    files = sorted(glob.glob(os.path.join(SRC, "**", "*.py"), recursive=True))
    assert len(files) > 50
    for path in files[::10]:        # a sample: every module takes a while to dump twice
        with open(path, encoding="utf-8") as handle:
            _same(handle.read())


def test_the_nodes_are_new_and_independent():
    plain = ast.parse("a = b + b\n")
    tree = ast_to_gast(plain)
    names = [n for n in gast.walk(tree) if isinstance(n, gast.Name)]
    assert len({id(n.ctx) for n in names}) == len(names)       # no context shared between names
    assert all(type(n) is getattr(gast, type(n).__name__) for n in gast.walk(tree))     # gast's classes
    names[0].id = "c"
    assert plain.body[0].targets[0].id == "a"


def test_what_another_tool_stored_on_the_parsers_nodes_is_not_copied():
    """The parser shares one node for each context and operator among all its trees, and a
    tool that marks the nodes it walks marks those (pyflakes stores its parent node on
    them on Python 3.10). Copied into the converted tree, the mark tied every tree astgrad
    kept to the tool's whole tree: each copy of a kept tree copied that one too, and a
    test process grew by gigabytes. Only fields and locations are copied."""
    plain = ast.parse("y = obj.a[i] + x * 2\n")
    kinds = (ast.expr_context, ast.operator, ast.Name, ast.Attribute)
    marked = list({id(n): n for n in ast.walk(plain) if isinstance(n, kinds)}.values())    # Load: one, shared
    foreign = ast.parse("z = 1\n")
    try:
        for node in marked:
            node._tool_parent = foreign
        tree = ast_to_gast(plain)
    finally:
        for node in marked:
            del node._tool_parent
    assert all("_tool_parent" not in vars(n) for n in gast.walk(tree))
    _same("y = obj.a[i] + x * 2\n")
