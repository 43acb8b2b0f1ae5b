"""``del``: ``del name`` unbinds the name: where no read can follow it (deleted_names.py)
it frees memory only (nothing to run or differentiate), else it is refused; ``del
xs[i]`` of a list item is ``xs.pop(i)``; ``del xs[i:j]`` (any slice) is ``xs = [v for i,
v in enumerate(xs) if i not in gone]``, with ``gone`` the positions the slice names
(``runtime.deleted_positions``, which raises NumPy's and a tuple's errors where ``xs`` is
one); ``del d[key]`` of a dict the function made is ``d = {k: v for k, v in d.items() if
k != key}`` after a KeyError check, so the items left keep their order. Both build the
list or dict anew, which differentiates to any order; a list or dict held by another
name too (``e = d``, in a list, passed to a helper) would not see the new one: that is
refused, and so is ``del obj.a`` on an object astgrad does not follow (on one the function
built and follows, it is ``obj = deleted_attribute(obj, 'a')``, a new object without it,
so that a read of ``obj.a`` after it raises Python's AttributeError), and a
``del`` of a slice of a global or closure variable (rebinding the name would leave the
list outside the function unchanged, and make the name a local one). As
for any argument the function writes into, deleting from a list argument leaves the
caller's list as it was in a call of a gradient."""

import types

import gast

from ... import runtime, runtime_objects
from ...core import methods as M
from ...core import syntax as S
from ...core.ops import is_user_function
from .. import object_layouts as L

# deleting an attribute as object does: from the instance's __dict__ or slot
_PLAIN_DELETES = (object.__delattr__, types.SimpleNamespace.__delattr__)
_ATTRIBUTE_ADVICE = ("astgrad follows del obj.a on an object the function builds itself (obj = Box(x)), "
                     "named nowhere but as obj.attr, obj.method(...) or obj(...); else keep the value in a "
                     "local name instead")
_ADVICE = ("build the new value instead (a list without the items, {k: v for k, v in d.items() "
           "if k != key})")


class DeletionLowering:
    """Normalizer methods for ``del``."""

    def stmt_Delete(self, stmt):
        for target in stmt.targets:
            if isinstance(target, (gast.Tuple, gast.List)):
                self.stmt_Delete(gast.Delete(targets=target.elts))
            elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) \
                    and self.only_dicts(target.value.id):
                self.delete_dict_item(target, stmt)
            elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) \
                    and isinstance(target.slice, gast.Slice):
                self.delete_slice(target, stmt)
            elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                pop = _method(target.value.id, "pop", [target.slice])
                pop.deletes_item = True     # with the errors del raises on an array or a tuple
                self.stmt_Expr(gast.Expr(value=pop))
            elif isinstance(target, gast.Attribute):
                if not self.delete_attribute(target):
                    raise self._refuse("del of an attribute", stmt, _ATTRIBUTE_ADVICE)
            elif not isinstance(target, gast.Name):
                raise self._refuse("del of an item of something other than a name", stmt, _ADVICE)

    def delete_attribute(self, target):
        """``del p.W`` on an object this function built and follows (``owns_object``),
        whose class deletes attributes as ``object`` does: ``p = deleted_attribute(p,
        'W')``. False for any other."""
        owner = target.value
        if not (isinstance(owner, gast.Name) and self.owns_object(owner.id, target.attr)
                and M.static_attribute(self._owned_objects[owner.id], "__delattr__") in _PLAIN_DELETES):
            return False
        self.emit(S.assign(owner.id, self.runtime_call(runtime_objects.deleted_attribute,
                                                       [S.name(owner.id), S.const(target.attr)])))
        layout = self.named_layouts().get(owner.id)
        if layout is not None and layout[0] == L.OBJECT:      # what the object holds now
            kept = tuple((attr, held) for attr, held in layout[2] if attr != target.attr)
            self.named_layouts()[owner.id] = (L.OBJECT, layout[1], kept) + tuple(layout[3:])
        return True

    def refuse_read_after_del(self, tree):
        """Python raises where a read finds a deleted name unbound; the generated code
        would read the old value, so a read that may follow a ``del`` is refused."""
        from .deleted_names import read_after_del     # (loaded with the first del)
        found = read_after_del(tree)
        if found is not None:
            node, name, kind = found
            self.line = node.lineno
            if kind == "outer":
                raise self._refuse(f"del of the global or nonlocal variable '{name}'", node,
                                   "delete it outside the differentiated function")
            what = "a 'del' of" if kind == "del" else "a use of"
            raise self._refuse(f"{what} '{name}' after 'del {name}' or before any binding of it (Python "
                               "raises UnboundLocalError or NameError there, on some path or on all)", node,
                               f"bind '{name}' again before this, or do not delete it")

    def delete_slice(self, target, stmt):
        """``del xs[a:b:c]``: ``xs = [v for i, v in enumerate(xs) if i not in gone]`` with
        ``gone = deleted_positions(xs, a, b, c)``."""
        name = target.value.id
        if name not in self.locals:
            raise self._refuse(f"del of a slice of '{name}', which is not a local name of the function "
                               "(a global or a closure variable): the deletion changes state outside "
                               "the function", stmt, "delete outside the differentiated function, or "
                               f"work on a copy (kept = list({name}))")
        self.refuse_shared(name, "list", stmt)
        bounds = [S.const(None) if part is None else part
                  for part in (target.slice.lower, target.slice.upper, target.slice.step)]
        gone = self.fresh_assign(self.runtime_call(runtime.deleted_positions, [S.name(name)] + bounds), "gone")
        i, v = self.namer.fresh("i"), self.namer.fresh("v")
        kept = gast.ListComp(elt=S.name(v), generators=[gast.comprehension(
            target=gast.Tuple(elts=[S.name(i, store=True), S.name(v, store=True)], ctx=gast.Store()),
            iter=S.call(S.name("enumerate"), [S.name(name)]),
            ifs=[gast.Compare(left=S.name(i), ops=[gast.NotIn()], comparators=[S.name(gone)])], is_async=0)])
        self.assign(S.name(name, store=True), kept)

    def delete_dict_item(self, target, stmt, what="del of items"):
        """``del d[key]`` of a dict made here: the dict without that key, rebound."""
        name = target.value.id
        self.refuse_shared(name, "dict", stmt, what)
        key = self.atom(target.slice, hint="key")
        missing = gast.If(test=gast.Compare(left=S.copy(key), ops=[gast.NotIn()], comparators=[S.name(name)]),
                          body=[gast.Raise(exc=S.call(S.name("KeyError"), [S.copy(key)]), cause=None)], orelse=[])
        k, v = self.namer.fresh("k"), self.namer.fresh("v")
        kept = gast.DictComp(key=S.name(k), value=S.name(v), generators=[gast.comprehension(
            target=gast.Tuple(elts=[S.name(k, store=True), S.name(v, store=True)], ctx=gast.Store()),
            iter=_method(name, "items", []),
            ifs=[gast.Compare(left=S.name(k), ops=[gast.NotEq()], comparators=[S.copy(key)])], is_async=0)])
        for node in (missing, *missing.body):
            node.lineno = self.line
        self.statement(missing)
        self.assign(S.name(name, store=True), kept)

    def refuse_shared(self, name, kind, stmt, what="del of items"):
        """A list or dict that another name, a container or a callee may hold: deleting
        from ``name``'s alone (a new list or dict) would leave it unchanged there."""
        for node in S.walk_nodes(self.source.tree):
            for child in S.child_nodes(node):
                if isinstance(child, gast.Name) and child.id == name and isinstance(child.ctx, gast.Load) \
                        and not self.reads_only(node, child):
                    raise self._refuse(f"{what} of the {kind} '{name}', which another name, a "
                                       "container or a call may hold too", stmt, _ADVICE)

    def reads_only(self, parent, child):
        """Whether ``parent`` only reads ``child`` (an item, a method, its length,
        membership, a loop over it, a library function of it, its return): it keeps no
        reference to it."""
        if isinstance(parent, (gast.Subscript, gast.Attribute)):
            return parent.value is child
        if isinstance(parent, gast.Compare):
            return child is not parent.left
        if isinstance(parent, gast.Call):
            callee = self.resolve_call(parent) if child is not parent.func else None
            return callee is not None and not is_user_function(callee) and not isinstance(callee, type) \
                or callee in (list, tuple, len, sorted)
        return isinstance(parent, gast.Return) or isinstance(parent, (gast.For, gast.comprehension)) \
            and parent.iter is child


def _method(name, method, args):
    func = gast.Attribute(value=S.name(name), attr=method, ctx=gast.Load())
    return gast.Call(func=func, args=list(args), keywords=[])
