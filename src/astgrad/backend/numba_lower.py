"""Lowering of generated source for numba: the same code, in the forms numba compiles.

The numba backend compiles a copy of the generated text; ``.source`` keeps showing the
Python text. The copy differs only where numba needs it:

- keyword-only parameters (the seed ``*, d_y=1.0``) become ordinary parameters with the
  same defaults (numba does not bind keyword-only parameters);
- ``for i in reversed(range(...))`` becomes a ``range`` with a negative step;
- ``np.sum(a, axis=k, keepdims=True)`` and ``np.mean(a, axis=k)`` call ``sum_over`` and
  ``mean_over`` (numba's ``np.sum`` has no ``keepdims``, its ``np.mean`` no ``axis``), and
  an index written ``np.s_[:, ::-1]`` is the tuple of ``slice`` calls it stands for;
- a temporary saved by value before a loop overwrites it, and started as a constant so
  that the first save has one, is saved after each assignment instead (see
  ``numba_saved_values``);
- ``a @ b`` calls ``matmul`` and ``d += matmul_adjoint_left(...)`` adds in place through
  ``add_matmul_adjoint_left`` (loops for small operands, see ``numba_helpers``);
- a temporary ``t_k`` first set to a constant only so that a loop can save its shape
  before overwriting it (``t_k = 0.0`` ... ``t_k_stack.append(shape_of(t_k)); t_k = ...``)
  saves the shape after the assignment instead, and the reverse sweep checks the saved
  shape (``require_shape``) where it restored it. numba gives every variable one type, so a
  value that is a float before the loop and an array in it cannot be compiled; the check
  makes sure the one shape the compiled adjoint uses is every iteration's shape.

Works on the stdlib ``ast`` of the emitted text (comments are not needed by numba).
"""

import ast

from .numba_saved_values import move_value_saves

SHAPE_READERS = {"unbroadcast", "unreduce", "broadcast_like", "shape_of"}


def lower(text, numpy_names=("np", "numpy")):
    """The numba form of generated source ``text``: (lowered text, function name).
    ``numpy_names``: the names NumPy has in the code's namespace."""
    module, name = lower_tree(text, numpy_names)
    return ast.unparse(module), name


def lower_tree(text, numpy_names=("np", "numpy")):
    """``lower`` as a syntax tree (module, function name) whose statements keep their line
    numbers in ``text`` (so numba's errors point into the generated code)."""
    module = ast.parse(text)
    fn = module.body[0]
    _NumpyCalls(frozenset(numpy_names)).visit(fn)
    _positional_seeds(fn.args)
    _lower_blocks(fn)
    move_value_saves(fn)
    _reversed_ranges(fn)
    _MatmulCalls().visit(fn)
    ast.fix_missing_locations(module)
    return module, fn.name


class _MatmulCalls(ast.NodeTransformer):
    """``a @ b`` -> ``matmul(a, b)`` (small matrix-vector products run as loops), and
    ``d += matmul_adjoint_left(g, x, y)`` -> ``d = add_matmul_adjoint_left(d, g, x, y)``
    (the outer product added in place, with no array in between)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.MatMult):
            return ast.Call(ast.Name("matmul", ast.Load()), [node.left, node.right], [])
        return node

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name) \
                and _is_call(node.value, "matmul_adjoint_left") and len(node.value.args) == 3:
            call = ast.Call(ast.Name("add_matmul_adjoint_left", ast.Load()),
                            [ast.Name(node.target.id, ast.Load()), *node.value.args], [])
            return ast.Assign([ast.Name(node.target.id, ast.Store())], call)
        return node


class _NumpyCalls(ast.NodeTransformer):
    """``np.sum``/``np.mean`` along an axis -> ``sum_over``/``mean_over``; ``np.s_[i]`` -> ``i``."""

    REDUCTIONS = {"sum": "sum_over", "mean": "mean_over"}

    def __init__(self, numpy_names):
        self.numpy_names = numpy_names

    def _numpy(self, node, names):
        return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id in self.numpy_names and node.attr in names

    def visit_Call(self, node):
        self.generic_visit(node)
        if not self._numpy(node.func, self.REDUCTIONS) or not (len(node.args) > 1 or node.keywords):
            return node
        given = dict(zip(("a", "axis", "dtype", "out", "keepdims"), node.args))
        given.update((k.arg, k.value) for k in node.keywords if k.arg is not None)
        if set(given) - {"a", "axis", "keepdims"} or any(k.arg is None for k in node.keywords) \
                or len(node.args) > 2:
            return node         # numba says what it cannot type
        args = [given["a"], given.get("axis", ast.Constant(None)), given.get("keepdims", ast.Constant(False))]
        return ast.Call(ast.Name(self.REDUCTIONS[node.func.attr], ast.Load()), args, [])

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if self._numpy(node.value, {"s_"}) and isinstance(node.ctx, ast.Load):
            return _index_value(node.slice)
        return node


def _index_value(index):
    """The value an index expression stands for: ``::-1`` -> ``slice(None, None, -1)``."""
    if isinstance(index, ast.Slice):
        parts = [part if part is not None else ast.Constant(None)
                 for part in (index.lower, index.upper, index.step)]
        return ast.Call(ast.Name("slice", ast.Load()), parts, [])
    if isinstance(index, ast.Tuple):
        return ast.Tuple([_index_value(element) for element in index.elts], ast.Load())
    return index


def _positional_seeds(args):
    if any(default is None for default in args.kw_defaults):
        raise ValueError("a keyword-only parameter without a default")
    args.args.extend(args.kwonlyargs)
    args.defaults.extend(args.kw_defaults)
    args.kwonlyargs, args.kw_defaults = [], []


def _reversed_ranges(fn):
    for node in ast.walk(fn):
        if isinstance(node, ast.For) and _is_call(node.iter, "reversed") and len(node.iter.args) == 1 \
                and _is_call(node.iter.args[0], "range") and not node.iter.args[0].keywords:
            node.iter = _backwards(node.iter.args[0].args)


def _backwards(range_args):
    """``range(...)`` running over ``range(*range_args)`` from its last value down."""
    if len(range_args) == 1:
        return ast.parse(f"range({ast.unparse(range_args[0])} - 1, -1, -1)", mode="eval").body
    start, stop = (ast.unparse(a) for a in range_args[:2])
    step = ast.unparse(range_args[2]) if len(range_args) == 3 else "1"
    text = f"range(range_last({start}, {stop}, {step}), {start} - {step}, -{step})"
    return ast.parse(text, mode="eval").body


def _is_call(node, name):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _shape_push(stmt):
    """``X`` if ``stmt`` is ``X_stack.append(shape_of(X))``."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return None
    call = stmt.value
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "append"
            and isinstance(call.func.value, ast.Name) and len(call.args) == 1
            and _is_call(call.args[0], "shape_of") and len(call.args[0].args) == 1
            and isinstance(call.args[0].args[0], ast.Name)):
        return None
    name = call.args[0].args[0].id
    return name if call.func.value.id == name + "_stack" else None


def _blocks(fn):
    for node in ast.walk(fn):
        for field in ("body", "orelse"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block


def _lower_blocks(fn):
    for block in list(_blocks(fn)):
        for position, stmt in enumerate(list(block)):
            name = _shape_push(stmt)
            if name is not None:
                _move_shape_save(fn, block, stmt, name)


def _assigns(stmt, name):
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
        and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name


def _move_shape_save(fn, block, push, name):
    """Save ``name``'s shape after its assignment, if its constant start value is never
    read as a value (see the module docstring); else leave the code as it is."""
    start = block.index(push)
    after = next((i for i in range(start + 1, len(block)) if _assigns(block[i], name)), None)
    if after is None or any(_reads_value(stmt, name) for stmt in block[:after] if stmt is not push):
        return
    inits = [stmt for stmt in fn.body if _assigns(stmt, name) and isinstance(stmt.value, ast.Constant)]
    if len(inits) != 1 or not _only_shape_reads_elsewhere(fn, block, after, name):
        return
    fn.body.remove(inits[0])
    block.remove(push)
    block.insert(block.index(block[after - 1]) + 1, push)
    for node in ast.walk(fn):
        for field in ("body", "orelse"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list):
                stmts[:] = [_checked_pop(stmt, name) for stmt in stmts]


def _checked_pop(stmt, name):
    """``X = X_stack.pop()`` -> ``require_shape(X, X_stack.pop())``."""
    if _assigns(stmt, name) and isinstance(stmt.value, ast.Call) \
            and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "pop" \
            and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id == name + "_stack":
        return ast.Expr(ast.Call(ast.Name("require_shape", ast.Load()),
                                 [ast.Name(name, ast.Load()), stmt.value], []))
    return stmt


def _reads_value(stmt, name):
    """True if ``stmt`` reads ``name`` other than for its shape."""
    shape_args = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SHAPE_READERS:
            position = 0 if node.func.id == "shape_of" else 1
            if len(node.args) > position and isinstance(node.args[position], ast.Name):
                shape_args.add(id(node.args[position]))
    return any(isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
               and id(node) not in shape_args for node in ast.walk(stmt))


def _only_shape_reads_elsewhere(fn, block, after, name):
    """``name`` is read as a value only in ``block`` after its assignment there."""
    inside = {id(node) for stmt in block[after:] for node in ast.walk(stmt)}
    for stmt in ast.walk(fn):
        if isinstance(stmt, ast.stmt) and not isinstance(stmt, (ast.For, ast.While, ast.If, ast.With,
                                                               ast.FunctionDef)):
            if id(stmt) not in inside and _reads_value(stmt, name):
                return False
    return True
