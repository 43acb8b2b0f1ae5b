"""Elementwise statements fused into one loop, for the numba backend.

Generated code for array functions is a run of statements such as ``t = np.sin(x)``,
``t_1 = t ** 2``, ``d_x = d_x + d_t * np.cos(x)``: each one a pass over the arrays and a
new temporary array. On large arrays the temporaries cost more than the arithmetic (a
fresh array is new memory for the operating system to map). ``fuse(text, scope)``
replaces each run of two or more such statements in the function's top-level body
(names, numbers, ``+ - * / **``, unary minus, NumPy's one-argument elementwise
functions, and ``unreduce``/``broadcast_like``/``unbroadcast`` of a value to another's
shape) by a call of a kernel, ``(d_x, t_4) = fused_1(x, t_4, d_y)``, whose results are
the run's names read after it. A statement that needs no name of the run's and none
that the run assigns (``y = np.sum(t_4)``) moves past it first, so that runs join.

numba compiles the kernel for the types of its arguments. When every array argument is
C-contiguous float64 with the same number of dimensions and the run's statements are
elementwise for these types, the kernel checks at run time that the arrays have one
shape and then computes everything in one loop over the elements, storing only its
results (LLVM vectorizes the loop: see ``numba_vector_math``); otherwise, and for
arrays of different shapes, it runs the original statements (``numba_fusion_loop``
writes the loop).
Imports numba: only ``numba_backend`` imports this module, when it compiles.
"""

import ast
import itertools
import types as types_module

import numpy
from numba.extending import overload

from .numba_fusion_loop import NAMESPACE, SHAPE_HELPERS, fused_branch

UNARY = frozenset({"sin", "cos", "tan", "exp", "log", "expm1", "log1p", "tanh", "sinh", "cosh",
                   "sqrt", "arctan", "abs", "absolute", "negative", "square"})
_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
MIN_RUN = 2
_counter = itertools.count(1)


def fuse(text, scope):
    """``text`` (lowered generated code) with its runs of elementwise statements replaced
    by calls of kernels, which are added to ``scope`` (see the module docstring)."""
    return ast.unparse(fuse_tree(ast.parse(text), scope))


def fuse_tree(module, scope):
    """``fuse`` on the syntax tree of the lowered code (changed in place and returned);
    a kernel's call keeps the line number of the run's first statement."""
    fn = module.body[0]
    numpy_names = {name for name, value in scope.items()
                   if isinstance(value, types_module.ModuleType) and value.__name__ == "numpy"}
    elementwise = _Elementwise(numpy_names, scope)
    _sink_independent(fn.body, elementwise)
    local = _names(fn, True) | {arg.arg for arg in fn.args.args}
    body, position = [], 0
    while position < len(fn.body):
        end = position
        while end < len(fn.body) and elementwise.statement(fn.body[end]):
            end += 1
        run = fn.body[position:end]
        call = _kernel_call(run, fn.body[end:], local, scope) if len(run) >= MIN_RUN else None
        body.extend([call] if call is not None else run)
        body.extend(fn.body[end:end + 1])
        position = end + 1
    fn.body = body
    ast.fix_missing_locations(module)
    return module


class _Elementwise:
    """Which statements and expressions are elementwise (at the level of the text)."""

    def __init__(self, numpy_names, scope):
        self.numpy_names = numpy_names
        from . import numba_helpers
        self.helpers = {name for name in SHAPE_HELPERS
                        if scope.get(name) is getattr(numba_helpers, name, None)}

    def statement(self, stmt):
        return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], ast.Name) and self.expression(stmt.value)

    def expression(self, node):
        if isinstance(node, ast.Name):
            return True
        if isinstance(node, ast.Constant):
            return type(node.value) in (int, float)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, (ast.USub, ast.UAdd)) and self.expression(node.operand)
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, _OPS) and self.expression(node.left) and self.expression(node.right)
        if isinstance(node, ast.Call) and not node.keywords:
            return self.numpy_call(node) or self.shape_helper(node)
        return False

    def numpy_call(self, node):
        func = node.func
        return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
            and func.value.id in self.numpy_names and func.attr in UNARY and len(node.args) == 1 \
            and self.expression(node.args[0])

    def shape_helper(self, node):
        return isinstance(node.func, ast.Name) and node.func.id in self.helpers and len(node.args) == 2 \
            and self.expression(node.args[0]) and isinstance(node.args[1], ast.Name)

    def movable(self, stmt):
        """An assignment whose only calls are NumPy functions (no effect but its targets)."""
        if not (isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets)):
            return False
        return all(isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                   and node.func.value.id in self.numpy_names
                   for node in ast.walk(stmt.value) if isinstance(node, ast.Call))


def _names(node, store):
    context = ast.Store if store else ast.Load
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, context)}


def _sink_independent(body, elementwise):
    """Move each movable non-elementwise statement down past the elementwise statements
    after it that neither read what it assigns nor assign what it reads or assigns."""
    for index in range(len(body) - 2, -1, -1):
        stmt = body[index]
        if elementwise.statement(stmt) or not elementwise.movable(stmt):
            continue
        reads, writes = _names(stmt, False), _names(stmt, True)
        spot = index
        while spot + 1 < len(body) and elementwise.statement(body[spot + 1]) \
                and not _names(body[spot + 1], False) & writes \
                and not _names(body[spot + 1], True) & (reads | writes):
            spot += 1
        if spot != index:
            body.insert(spot, body.pop(index))


def _kernel_call(run, rest, local, scope):
    """``(outputs) = fused_k(inputs)`` for ``run``, with the kernel added to ``scope``;
    None when nothing the run computes is read after it. ``local``: the function's
    local names (any other name is a global)."""
    later = set().union(*(_all_names(stmt) for stmt in rest)) if rest else set()
    assigned, inputs = [], []
    for stmt in run:
        for name in _ordered_loads(stmt.value):
            if name not in assigned and name not in inputs and name in local:
                inputs.append(name)
        target = stmt.targets[0].id
        if target not in assigned:
            assigned.append(target)
    outputs = [name for name in assigned if name in later]
    if not outputs:
        return None
    name = f"fused_{next(_counter)}"
    scope[name] = _kernel(name, run, inputs, outputs, scope)
    call = ast.parse(f"({', '.join(outputs)},) = {name}({', '.join(inputs)})").body[0]
    for node in ast.walk(call):
        ast.copy_location(node, run[0])
    return call


def _all_names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _ordered_loads(node):
    loads = [n for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    return [n.id for n in sorted(loads, key=lambda n: (n.lineno, n.col_offset))]


def _kernel(name, run, inputs, outputs, scope):
    """The stand-in function numba calls for one run; its overload writes the kernel for
    the argument types (``kernel_source``)."""
    parameters = ", ".join(inputs)
    namespace = {"build__": lambda arg_types: _build(name, run, inputs, outputs, arg_types, scope)}
    exec(f"def {name}({parameters}):\n    raise NotImplementedError\n"
         f"def typed({parameters}):\n    return build__(({parameters}{',' if inputs else ''}))\n", namespace)
    overload(namespace[name])(namespace["typed"])
    return namespace[name]


def _build(name, run, inputs, outputs, arg_types, scope):
    text = kernel_source(run, inputs, outputs, list(arg_types), scope)
    namespace = dict(scope, numpy__=numpy, **NAMESPACE)
    exec(compile(text, f"<astgrad numba {name}>", "exec"), namespace)
    return namespace["kernel"]


def kernel_source(run, inputs, outputs, arg_types, scope):
    """The kernel's text for arguments of ``arg_types``: the fused loop where the types
    allow it, with the original statements for any other case."""
    original = "\n".join(f"    {ast.unparse(stmt)}" for stmt in run)
    header = f"def kernel({', '.join(inputs)}):\n"
    result = f"    return ({', '.join(outputs)},)\n"
    branch = fused_branch(run, inputs, outputs, dict(zip(inputs, arg_types)), scope)
    return header + (branch or "") + original + "\n" + result
