"""The fused loop of a kernel of ``numba_fusion``, for the numba types of its arguments.

``fused_branch`` gives the text of an ``if`` that runs a run of elementwise statements
as one loop over the elements, or None when the types do not allow it. It allows it
when every array argument is C-contiguous float64 with the same number of dimensions
(at run time the ``if`` checks that they have one shape), the other arguments are
numbers, and each statement is elementwise for these types: a value of an array's shape
(``array-valued``) or a number. Statements with a number's value run once before the
loop (they must assign a name only once); each array-valued one runs per element, on
the elements of the arrays (``x__e``). Results that are arrays are written into new
arrays, the others returned as they are. Division and ``**`` on elements follow
NumPy (inf or nan, no exception), as they do on whole arrays.
"""

import ast

import numba
from numba import types

SHAPE_HELPERS = frozenset({"unreduce", "broadcast_like", "unbroadcast"})


@numba.njit(error_model="numpy")
def divide(a, b):
    """``a / b`` with NumPy's semantics (the fused loop's elementwise division)."""
    return a / b


@numba.njit(error_model="numpy")
def power(a, b):
    """``a ** b`` with NumPy's semantics (the fused loop's elementwise power)."""
    return a ** b


def _array_argument(t):
    return isinstance(t, types.Array) and t.dtype == types.float64 and t.layout == "C" and t.ndim >= 1 \
        and t.mutable and t.aligned


def _number_argument(t):
    return isinstance(t, (types.Float, types.Integer))


def fused_branch(run, inputs, outputs, arg_types, scope):
    """The ``if`` running ``run`` as one loop (see the module docstring), or None."""
    arrays = [name for name in inputs if _array_argument(arg_types[name])]
    if not arrays or len({arg_types[name].ndim for name in arrays}) != 1 \
            or not all(_number_argument(arg_types[name]) for name in inputs if name not in arrays):
        return None
    kinds = {name: name in arrays for name in inputs}
    before, per_element, assigned = [], [], set()
    for stmt in run:
        target = stmt.targets[0].id
        kind = _Kinds(kinds, arg_types, scope).of(stmt.value)
        if kind is None or (target in kinds and kinds[target] != kind) \
                or (not kind and (target in assigned or target in inputs)):
            return None
        kinds[target] = kind
        assigned.add(target)
        (per_element if kind else before).append(stmt)
    return _branch_text(arrays, inputs, outputs, kinds, before, per_element, scope)


class _Kinds:
    """Whether an expression is array-valued (True), a number (False), or not
    elementwise for these types (None)."""

    def __init__(self, kinds, arg_types, scope):
        self.kinds, self.arg_types, self.scope = kinds, arg_types, scope

    def of(self, node):
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.Constant):
            return False
        if isinstance(node, ast.UnaryOp):
            return self.of(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = self.of(node.left), self.of(node.right)
            return None if left is None or right is None else left or right
        if isinstance(node.func, ast.Attribute):                   # a NumPy function
            return self.of(node.args[0])
        return self.shape_helper(node.func.id, *node.args)

    def name(self, name):
        if name in self.kinds:
            return self.kinds[name]
        value = self.scope.get(name)
        return False if type(value) in (int, float) else None

    def shape_helper(self, helper, value, like):
        value_kind, like_kind = self.of(value), self.name(like.id)
        if value_kind is None or like_kind is None:
            return None
        if helper == "unbroadcast":
            return like_kind if value_kind == like_kind else None
        if value_kind and not like_kind:
            return None
        if not value_kind and not (isinstance(value, ast.Name)
                                   and isinstance(self.arg_types.get(value.id), types.Float)):
            return None                 # a number spread over an array: a float argument only
        return like_kind


class _Elements(ast.NodeTransformer):
    """Names of the run -> their element's name; shape helpers -> the value's element;
    ``/`` and ``**`` -> NumPy's semantics."""

    def __init__(self, local):
        self.local = local

    def visit_Name(self, node):
        return ast.Name(f"{node.id}__e", node.ctx) if node.id in self.local else node

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id in SHAPE_HELPERS:
            return self.visit(node.args[0])
        node.args = [self.visit(arg) for arg in node.args]
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        helper = {ast.Div: "divide__", ast.Pow: "power__"}.get(type(node.op))
        if helper is None:
            return node
        return ast.Call(ast.Name(helper, ast.Load()), [node.left, node.right], [])


def _branch_text(arrays, inputs, outputs, kinds, before, per_element, scope):
    local = set(inputs) | set(kinds)
    elements = _Elements(local)
    first = arrays[0]
    check = " and ".join(f"{name}.shape == {first}.shape" for name in arrays[1:]) or "True"
    lines = [f"if {check}:"]
    lines += [f"    {name}__flat = {name}.reshape(-1)" for name in arrays]
    lines += [f"    {name}__e = {name}" for name in inputs if name not in arrays]
    lines += [f"    {ast.unparse(elements.visit(_copy(stmt)))}" for stmt in before]
    results = [name for name in outputs if kinds[name]]
    for name in results:
        lines += [f"    {name}__out = numpy__.empty({first}.shape)", f"    {name}__to = {name}__out.reshape(-1)"]
    lines.append(f"    for i__ in range({first}__flat.size):")
    lines += [f"        {name}__e = {name}__flat[i__]" for name in arrays]
    lines += [f"        {ast.unparse(elements.visit(_copy(stmt)))}" for stmt in per_element]
    lines += [f"        {name}__to[i__] = {name}__e" for name in results]
    returned = [f"{name}__out" if kinds[name] else f"{name}__e" for name in outputs]
    lines.append(f"    return ({', '.join(returned)},)")
    return "".join(f"    {line}\n" for line in lines)


def _copy(stmt):
    return ast.parse(ast.unparse(stmt)).body[0]


NAMESPACE = {"divide__": divide, "power__": power}
