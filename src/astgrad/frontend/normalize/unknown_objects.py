"""Values that may be objects of a class astgrad does not know when it generates the code.

A comparison reading one may run a comparison method of a user class (``__lt__``
returning a number), which the code cannot follow where it does not know the class;
comparison_methods.py then checks, when the code runs, what the comparison gave.

Such a value comes into the function from a parameter holding objects no layout
describes (a dict of them, a list of objects and numbers: ``__astgrad_holding__``,
function_args.py), or from a call of the user's code kept as a call (``pair =
make(x)``, a method of an object, a function value); an item or an attribute of it,
what unpacking or a loop over it binds, and what a builtin gives back from it
(``max(pair)``) may be one too. The names bound from such values are found once per
function, to a fixed point. A parameter whose objects a layout describes is followed
(object_layouts.py), and values computed by NumPy or by operators on numbers are not
objects: neither needs the check."""

import gast

from ...core import ops
from ...core import syntax as S
from .. import object_layouts as L


class UnknownObjectValues:
    """Normalizer methods telling which values may be objects of an unknown class."""

    def may_be_unknown_object(self, expr):
        """Whether ``expr`` (as written) may read an object whose class the code does not
        know (see the module docstring)."""
        return not isinstance(expr, gast.Constant) and self._reads_unknown(expr, self._unknown_object_names())

    def _unknown_object_names(self):
        """The names of the function that may hold such objects (cached)."""
        names = self.__dict__.get("_unknown_names")
        if names is not None:
            return names
        names = set(getattr(self.source.fn, "__astgrad_holding__", ()))
        bindings = list(_bindings(self.source.tree))
        grown = True
        while grown:
            grown = False
            for targets, value in bindings:
                if not targets <= names and self._reads_unknown(value, names):
                    names |= targets
                    grown = True
        self._unknown_names = names
        return names

    def _reads_unknown(self, expr, names):
        return any(isinstance(n, gast.Name) and n.id in names or isinstance(n, gast.Call) and self._user_call(n)
                   for n in S.walk_nodes(expr))

    def _user_call(self, call):
        """Whether ``call`` runs code of the user's kept as a call, which may give back
        any object: a function of theirs, a class comparing with code of its own, a
        function value, a method of an object the code follows."""
        func = call.func
        callee = self.resolve_call(call)
        if callee is not None:
            return ops.is_user_function(callee) or isinstance(callee, type) and L.compares_with_own_code(callee) \
                or any(self._followed(a) for a in call.args)        # max(objs), sorted(objs), next(iter(objs))
        if isinstance(func, gast.Name):
            return True             # a local function, a function value
        if isinstance(func, gast.Attribute):
            layout = self.layout(func.value) if isinstance(func.value, (gast.Name, gast.Attribute)) else None
            return layout is not None and layout[0] == L.OBJECT
        return isinstance(func, (gast.Call, gast.Subscript))       # fs[0](x), make()(x)


    def _followed(self, expr):
        """Whether ``expr`` reads an object or a list of objects whose layout the code
        knows, which a library function may give back with its class unknown."""
        return isinstance(expr, (gast.Name, gast.Attribute, gast.Subscript)) and self.layout(expr) is not None


def _bindings(tree):
    """(the names a binding binds, the value it binds them from) for each binding in
    ``tree``: assignments, ``for`` loops and comprehensions, ``with ... as``, ``:=``."""
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Assign):
            yield _stored(node.targets), node.value
        elif isinstance(node, (gast.AugAssign, gast.AnnAssign)) and node.value is not None:
            yield _stored([node.target]), node.value
        elif isinstance(node, (gast.For, gast.comprehension)):
            yield _stored([node.target]), node.iter
        elif isinstance(node, gast.withitem) and node.optional_vars is not None:
            yield _stored([node.optional_vars]), node.context_expr
        elif isinstance(node, gast.NamedExpr):
            yield _stored([node.target]), node.value


def _stored(targets):
    return {n.id for target in targets for n in S.walk_nodes(target) if isinstance(n, gast.Name)}
