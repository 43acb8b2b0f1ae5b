"""Parse stage: a Python function becomes a gast FunctionDef plus what its names mean.

Every error raised later can point at the user's file and line because this module
keeps the file name, the line offset and the source lines of the function.
"""

import ast
import builtins
import copy
import dis
import inspect
import itertools
import linecache
import re
import sys
import textwrap
import threading
import types
from contextlib import contextmanager

import gast

from ..core import generated_text
from ..core import syntax as S
from ..core.read_log import current_log, note_read
from ..core.methods import static_attribute
from ..core.missing import MISSING
from .changing_getters import changing_getter
from ..errors import TransformError
from ..rules.optional import load_imported
from . import block_lines, written_in
from .gast_convert import ast_to_gast
from .explicit_supers import as_zero_argument
from .named_base_inits import as_super_call
from ..core.first_use import imported_when_called

# modules only some functions need, loaded with the first call of these (core/first_use.py)
_reworded = imported_when_called("astgrad.frontend.moved_list_words", "reworded")
_file_lambdas = imported_when_called("astgrad.frontend.file_lambdas", "lambdas")


class FunctionSource:
    """A function's syntax tree, where it came from, and how to resolve its free names."""

    def __init__(self, fn, tree, filename, first_line, lines):
        self.fn = fn
        self.tree = tree                # gast.FunctionDef, decorators removed
        self.filename = filename
        self.first_line = first_line    # file line number of the tree's line 1
        self.lines = lines              # the dedented source lines
        self.globals = getattr(fn, "__globals__", {})
        self.closure = _closure_values(fn)
        # what generation depended on: (name path, the objects its parts meant), so the
        # generated code can be checked against the names' bindings when it is used
        self.dependencies = []
        self._recorded = set()          # the dependencies recorded by resolve_path, as (path, ids)
        # what each name path meant when generation first read it: read once, so that the
        # rule chosen, the object the code holds and the guard are the same object even
        # where another thread rebinds the name meanwhile (its guard then fails after)
        self._read = {}
        # names astgrad binds to another function's scope (normalize/foreign.py): their
        # meaning is astgrad's own, so only the attributes read off them are dependencies
        self.scopes = {}
        # name path -> (the number of the read log open then, len(scopes), its object, the
        # objects of its parts): a path asked again under the same log (np.sin, at each call)
        self._resolved = {}
        # the lines of methods written into the function, and the names astgrad made up
        # for what the user spelled otherwise (written_in.py): errors name what the user wrote
        self.written_marks, self.written_lines, self.made_names = {}, {}, {}
        # the names astgrad made for the arguments a local functools.partial holds -> its name
        self.partial_arguments = {}
        # mark -> a list moved out of a list of objects that is not followed where the nodes
        # carrying the mark use it (moved_list_words.py)
        self.moved_list_notes = {}
        # file line -> the words of a refusal of a change to an object there (the same module)
        self.moved_list_lines = {}

    @property
    def name(self):
        return self.tree.name

    def file_line(self, node):
        """The line number in the user's file of ``node`` (or None)."""
        lineno = getattr(node, "lineno", None)
        return None if lineno is None else lineno + self.first_line - 1

    def place(self, node):
        """``"file:line"`` of ``node`` for a check made when the code runs: the user's line
        that ``node``'s line was generated from, in code astgrad generated (a derivative
        differentiated again), else its own; in a method written in, the method's line."""
        written = written_in.written_line(self, node)
        if written is not None:
            return f"{written.filename}:{written.line}"
        line = self.file_line(node)
        found = generated_text.origin(self.filename, line) if line is not None else None
        return "%s:%s" % (found or (self.filename, line))

    def origins(self, line_origins):
        """``line_origins`` ({line: a line number of this source's tree}, see
        ``emit.line_origins``) with each number as (file name, line in that file)."""
        return {line: (self.filename, lineno + self.first_line - 1) for line, lineno in line_origins.items()}

    def line_text(self, node):
        lineno = getattr(node, "lineno", None)
        if lineno is None:
            return None
        if not 1 <= lineno <= len(self.lines):
            # a statement of a helper of this file inlined here (its lines counted in this file)
            return linecache.getline(self.filename, self.file_line(node)).rstrip("\n") or None \
                if self.lines and self.filename else None
        return self.lines[lineno - 1].rstrip("\n")

    def error(self, message, node=None, construct=None):
        """A TransformError located at ``node`` in the user's file. In code astgrad
        generated (a derivative being differentiated again) it names the user's line
        that code was generated from, and quotes the generated line after it."""
        message = _reworded(self, message, node, construct)
        message, written = written_in.spelled_names(self, message), written_in.written_line(self, node)
        if written is not None:
            return TransformError(written_in.in_method(written, message), written.filename, written.line,
                                  written.text, construct)
        line = self.file_line(node)
        found = generated_text.origin(self.filename, line) if line is not None else None
        if found is None:
            return TransformError(message, self.filename, line, self.line_text(node), construct)
        filename, user_line = found
        text = linecache.getline(filename, user_line).rstrip("\n") or None
        quoted = self.line_text(node).strip()
        # the generated line is quoted where it is in the user's words (names astgrad made
        # up, t_3 or cond, would say nothing to the user)
        where = f"the derivative astgrad generated for it has `{quoted}`, where" if _names(quoted) <= _names(text or "") \
            else "in the derivative astgrad generated for it,"
        return TransformError(f"this line cannot be differentiated twice: {where} {message}", filename, user_line, text,
                              construct)

    def copy(self):
        """A copy to generate from, as this source is after normalization: what
        generating adds to (the dependencies, the scopes) is its own, and its closure
        variables are read again (the cells of those the code reads hold the same values
        while the copy is used: see prepared.py)."""
        copied = copy.copy(self)
        copied.dependencies = list(self.dependencies)
        copied._recorded = set(self._recorded)
        copied._read = dict(self._read)        # what the normalization copied was made for
        copied.scopes = dict(self.scopes)
        copied._resolved = {}
        copied.closure = _closure_values(self.fn)
        return copied

    def resolve(self, identifier):
        """The object a free name refers to, or MISSING if it is unbound now."""
        if identifier in self.scopes:
            return self.scopes[identifier]
        obj = self._read.get((identifier,), _UNREAD)
        if obj is _UNREAD:
            obj = self._read[(identifier,)] = self._lookup(identifier)
        note_read(self.fn, (identifier,), (obj,))
        return obj

    def _lookup(self, identifier):
        if identifier in self.closure:
            return self.closure[identifier]
        if identifier in self.globals:
            return self.globals[identifier]
        builtin_scope = self.globals.get("__builtins__", builtins)
        if isinstance(builtin_scope, dict):
            return builtin_scope.get(identifier, MISSING)
        return getattr(builtin_scope, identifier, MISSING)

    def resolve_path(self, parts, depend=True):
        """Resolve ``['np', 'linalg', 'norm']``; MISSING if any part is unbound.

        With ``depend``, generation depends on what the path means now (which rule,
        which callee): the meaning is recorded so a later rebinding is noticed."""
        key, log = tuple(parts), current_log()
        found = self._resolved.get(key)
        if found is None or found[0] != log or found[1] != len(self.scopes):
            obj, chain = self._walk_path(parts)
            found = self._resolved[key] = [log, len(self.scopes), obj, chain, False]    # noted in this log
            # rules of an optional library (SciPy) the code may call: its module is loaded
            # once the path reaches its function, so a path read again has nothing to add
            load_imported()
        obj, chain = found[2], found[3]
        if depend and not found[4]:     # a path read again (the normalizer asks at every use) adds nothing
            found[4] = True
            root = ScopeRoot(parts[0]) if parts[0] in self.scopes else parts[0]
            entry = ((root,) + tuple(parts[1:len(chain)]), tuple(chain))
            seen = (entry[0], tuple(map(id, chain)))    # the list holds the objects: ids stay theirs
            if seen not in self._recorded:
                self._recorded.add(seen)
                self.dependencies.append(entry)
        return obj

    def _walk_path(self, parts):
        """(the object ``parts`` means, the objects of its parts read), noted in the
        open read log."""
        obj = self.resolve(parts[0])
        chain = [obj]
        for length in range(2, len(parts) + 1):
            if obj is MISSING:
                break
            part = parts[length - 1]
            if _rebinding_property(obj, part):
                obj = MISSING       # not read, and not guarded (a guard would run the getter)
                break
            changing = changing_getter(obj, part) is not None
            obj = self._attribute(obj, tuple(parts[:length]), changing)
            if changing and not callable(obj):
                break       # a value: not guarded (each guard would run the getter again)
            chain.append(obj)
        if len(chain) > 1 and parts[0] not in self.scopes:
            note_read(self.fn, tuple(parts[:len(chain)]), tuple(chain))
        return obj, tuple(chain)

    def _attribute(self, owner, path, changing=False):
        """``owner.<path[-1]>`` (``owner``: what ``path[:-1]`` means), as first read; read
        with ``owner``'s attributes put back where its getter changes them (``changing``)."""
        if path[0] in self.scopes:          # astgrad's own scope: its attributes are read as they are
            return _attribute_of(owner, path[-1], changing)
        obj = self._read.get(path, _UNREAD)
        if obj is _UNREAD:
            obj = self._read[path] = _attribute_of(owner, path[-1], changing)
        return obj


_UNREAD = object()      # a name path generation has not read yet


def _names(text):
    """The names a line of Python reads or binds (and its words: a superset is fine)."""
    return set(_NAME.findall(text))


_NAME = re.compile(r"[A-Za-z_]\w*")


def _attribute_of(obj, name, changing):
    return _read_putting_back(obj, name) if changing else getattr(obj, name, MISSING)


def _rebinding_property(obj, name):
    """Whether ``obj.name`` runs a property getter that rebinds a global: reading it here,
    while generating code, would rebind it (the read is refused: callee_writes.py)."""
    found = static_attribute(type(obj), name) if not isinstance(obj, (type, types.ModuleType)) else None
    if not isinstance(found, property) or not isinstance(found.fget, types.FunctionType):
        return False
    from .normalize.callee_writes import rebinding
    return rebinding(found.fget) is not None


def _read_putting_back(obj, name):
    """``obj.name`` read by a getter that changes ``obj`` (a counter, a lazy cache), with
    the attributes put back after: generating code changes nothing the call will see (the
    getter runs where the code reads it)."""
    kept = dict(vars(obj))
    try:
        return getattr(obj, name, MISSING)
    finally:
        vars(obj).clear()
        vars(obj).update(kept)


class ScopeRoot:
    """The root of a dependency path that is a name bound to another function's scope
    (see FunctionSource.scopes): no guard checks the root itself, and such code is not
    stored on disk (the root is not a name of the user's)."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


# the attribute holding the source of a function sent by value (see ship_source)
SHIPPED_SOURCE = "__astgrad_source__"

def _closure_values(fn):
    code = getattr(fn, "__code__", None)
    if code is None or not fn.__closure__:
        return {}
    values = {}
    for var, cell in zip(code.co_freevars, fn.__closure__):
        try:
            values[var] = cell.cell_contents
        except ValueError:      # an empty cell: the variable is not assigned yet
            pass
    return values


def parse_function(fn):
    """Parse ``fn`` (a def or a lambda) into a FunctionSource.

    The source is found from the code object the function runs (not from what a
    ``functools.wraps`` decorator says it wraps), and it is checked against that code:
    a file edited since the function was defined is refused, never read as it is now.
    An ``__init__`` calling a base class's by its name first (``Base.__init__(self,
    data)``) reads ``super().__init__(data)`` (named_base_inits.py), and ``super(Cls,
    self)`` in a method of ``Cls`` reads ``super()`` (explicit_supers.py).
    """
    if not inspect.isfunction(fn):
        raise TypeError(
            f"astgrad differentiates Python functions; got {type(fn).__name__} {fn!r}. "
            "Wrap it in a def (or a lambda) that calls it.")
    specializes = getattr(fn, "__astgrad_specializes__", None)
    if specializes is not None:
        # a function made for one call shape (frontend/varargs.py) or for the function
        # values it is given (frontend/function_args.py):
        # its own code, rewritten, at its own lines
        original, rewrite = specializes
        source = parse_function(original)
        source.tree = rewrite(source.tree)      # parsed for this call alone: no copy needed
        source.fn = fn
        source.closure = _closure_values(fn)        # a made function may hold more cells
        return source
    code = fn.__code__
    # plain: the standard library's tree the gast one is converted from
    filename, source, first_line, plain = _read_source(fn)
    if plain is None:
        # getsource of a lambda returns the whole statement, which may be a fragment.
        if code.co_name != "<lambda>":
            raise TransformError(f"cannot parse the source of {fn.__qualname__}", filename) from None
        source = "(\n" + source.strip() + "\n)"
        try:
            plain = ast.parse(source)
            first_line -= 1
        except SyntaxError:     # a lambda inside a statement spanning lines (a for header)
            node, lines = _lambda_in_file(fn, filename)
            return FunctionSource(fn, _lambda_as_def(node), filename, 1, lines)
    module = ast_to_gast(plain)         # as gast.parse does, parsing once
    node = _generated_definition(code, module)
    if node is None:
        node = _running_definition(fn, module, source, filename, first_line, plain)
    lines = source.splitlines(True)
    if code.co_name == "<lambda>":
        tree = _lambda_as_def(node)
    else:
        tree = node
    tree.decorator_list = []
    tree = as_zero_argument(fn, tree)
    if code.co_name == "__init__":
        tree = as_super_call(fn, tree)
    return FunctionSource(fn, tree, filename, first_line, lines)


_sharing = threading.local()     # .parses: id(fn) -> (fn, its code, its FunctionSource), within parses_shared


@contextmanager
def parses_shared():
    """Within it (on this thread), ``parsed_for_reading`` parses each function once: the
    normalization of one function asks the same few questions of each callee's source
    (does it call itself, write outside, hand a list on, ...), each of which read it."""
    outer = getattr(_sharing, "parses", None)
    if outer is None:
        _sharing.parses = {}
    try:
        yield
    finally:
        if outer is None:
            _sharing.parses = None


def parsed_for_reading(fn):
    """``parse_function(fn)``, shared with the other readers within ``parses_shared``:
    for analyses that only read the tree, never change it."""
    parses = getattr(_sharing, "parses", None)
    if parses is None:
        return parse_function(fn)
    found = parses.get(id(fn))
    if found is None or found[0] is not fn or found[1] is not fn.__code__:
        found = parses[id(fn)] = (fn, fn.__code__, parse_function(fn))
    return found[2]


def parsed_to_change(fn):
    """``parse_function(fn)``, for a normalization that changes its tree. Within
    ``parses_shared`` (a callee prepared while its caller is normalized, whose questions
    about the callee read its source too), one parse serves both: the readers get a copy
    of this parse, or this is a copy of theirs (a copy costs a quarter of a parse), a
    source of its own either way, as parsing gives."""
    parses = getattr(_sharing, "parses", None)
    if parses is None:
        return parse_function(fn)
    found = parses.get(id(fn))
    if found is not None and found[0] is fn and found[1] is fn.__code__:
        return _fresh_copy(found[2])
    source = parse_function(fn)
    parses[id(fn)] = (fn, fn.__code__, _fresh_copy(source))
    return source


def _fresh_copy(source):
    """A FunctionSource as parsing gave ``source``: its tree copied, nothing resolved yet."""
    return FunctionSource(source.fn, S.copy(source.tree), source.filename, source.first_line, source.lines)


def _read_source(fn):
    """(file name, ``fn``'s source dedented, its first line, the source parsed, or None
    where it does not parse). A function nested in a block may dedent to code that still
    begins indented continuation lines; parsing as a whole block is what inspect gives
    us. The def's lines are first found by indentation (block_lines.py); where they do
    not parse, they are those ``inspect`` finds."""
    filename, lines, first_line, by_indentation = _source_lines(fn)
    while True:
        source = textwrap.dedent("".join(lines))
        try:
            return filename, source, first_line, ast.parse(source)
        except SyntaxError:
            if not by_indentation:
                return filename, source, first_line, None
            filename, lines, first_line, by_indentation = _source_lines(fn, by_indentation=False)


def _source_lines(fn, by_indentation=True):
    """``fn``'s file name, source lines, first line number, and whether the lines were
    found by indentation. A function that cloudpickle
    sent by value has lost its file (its code says ``<dynamic-code>``) and carries the
    source it was sent with (pickling.py); either way the caller checks the text against
    the code the function runs."""
    code = fn.__code__
    try:
        _known_module_file(fn)
        found = block_lines.getsourcelines(code, generated_text.text_lines(code)) if by_indentation else None
        if found is not None:
            return (code.co_filename,) + found + (True,)
        lines, first_line = inspect.getsourcelines(code)
        return code.co_filename, lines, first_line, False
    except (OSError, TypeError) as exc:
        shipped = getattr(fn, SHIPPED_SOURCE, None)
        if shipped is not None:
            return tuple(shipped) + (False,)
        raise TransformError(
            f"cannot read the source of {fn.__qualname__} ({exc}); astgrad transforms "
            "source code, so define the function in a file (not in an interactive "
            "prompt or with exec)", code.co_filename) from None


def _known_module_file(fn):
    """Tell ``inspect`` the module of ``fn``'s file where ``fn``'s module was loaded from
    that file: asked for a code object's source, ``inspect`` otherwise looks the file up
    among every module loaded, taking the real path of each (once per module, but the
    first time in a process that cost more than parsing a long function)."""
    module = sys.modules.get(getattr(fn, "__module__", None) or "")
    filename = getattr(module, "__file__", None)
    if filename and filename == fn.__code__.co_filename and filename not in inspect.modulesbyfile:
        inspect.modulesbyfile[filename] = module.__name__


def ship_source(fn):
    """Attach ``fn``'s source to it, for a pickler that sends functions by value without
    their files (cloudpickle); a function whose source cannot be read is left alone."""
    if not inspect.isfunction(fn) or SHIPPED_SOURCE in fn.__dict__:
        return
    try:
        lines, first_line = inspect.getsourcelines(fn.__code__)
    except (OSError, TypeError):
        return
    setattr(fn, SHIPPED_SOURCE, (fn.__code__.co_filename, lines, first_line))


def _lambda_in_file(fn, filename):
    """(the gast node of lambda ``fn``, its file's lines), found in its whole file (parsed
    once for each text it has): where the lambda's lines do not parse alone."""
    code = fn.__code__
    qualname = getattr(code, "co_qualname", fn.__qualname__)
    try:
        lines, candidates = _file_lambdas(filename, code.co_firstlineno)
    except SyntaxError:
        raise TransformError(f"cannot parse the source of {fn.__qualname__}", filename) from None
    for plain in candidates:
        if _compiles_to(copy.deepcopy(plain), fn, qualname):     # the kept node stays as parsed
            return ast_to_gast(plain), lines
    raise _not_running_error(fn, filename, code.co_firstlineno)


def _generated_definition(code, module):
    """The def of code astgrad compiled from this very text (a derivative's derivative),
    which needs no check against the code; else None."""
    if not generated_text.is_compiled_here(code) or len(module.body) != 1:
        return None
    node = module.body[0]
    return node if isinstance(node, gast.FunctionDef) and node.name == code.co_name else None


def _running_definition(fn, module, text, filename, first_line, parsed=None):
    """The def or lambda node in ``module`` whose compiled code is ``fn.__code__``
    (``parsed``: the standard library's tree of ``text``, if at hand, which is changed)."""
    code = fn.__code__
    qualname = getattr(code, "co_qualname", fn.__qualname__)
    candidates = _definitions(module, gast, code.co_name)
    for position, node in enumerate(candidates):
        # _compiled_alone changes the tree it compiles: each candidate from its own parse
        tree = parsed if position == 0 and parsed is not None else ast.parse(text)
        plain = next(itertools.islice(_definitions(tree, ast, code.co_name), position, None), None)
        if plain is None:
            break
        if _compiles_to(plain, fn, qualname):
            return node
    raise _not_running_error(fn, filename, first_line)


def _compiles_to(plain, fn, qualname):
    """Whether ``plain`` (a stdlib def or lambda, changed) compiles to the code ``fn`` runs."""
    code = fn.__code__
    found = _compiled_alone(plain, code, qualname, _imported_names(fn))
    if found is None:
        return False
    return (_same_instructions(found, code)
            or code_fingerprint(found, _scope_qualname(code, qualname)) == code_fingerprint(code, qualname))


def _not_running_error(fn, filename, first_line):
    code = fn.__code__
    what = "lambda" if code.co_name == "<lambda>" else f"def {code.co_name}"
    wrapped = getattr(fn, "__wrapped__", None)
    hint = (f" ({fn.__qualname__} has a __wrapped__ attribute: it is a decorator's wrapper, and "
            "its code is the wrapper's, not the function it wraps)") if wrapped is not None else ""
    if _rewritten_by_pytest(code):
        raise TransformError(
            f"{fn.__qualname__} has an assert statement in a module whose asserts pytest rewrote (a test file), "
            f"and the code it runs is not what its source compiles to when its asserts are rewritten as this "
            f"pytest does (another pytest version or an option such as enable_assertion_pass_hook rewrote "
            f"them otherwise, or the file was edited since); define it in a module pytest does not "
            f"rewrite (a helper module the test imports), or put PYTEST_DONT_REWRITE in the test module's "
            f"docstring", filename, first_line, construct="source")
    raise TransformError(
        f"the source of {fn.__qualname__} found at {filename}:{code.co_firstlineno} ({what}) does "
        f"not compile to the code that {fn.__qualname__} runs{hint}: the file was probably edited "
        "after the function was defined. Reload the module (importlib.reload) or re-run the "
        "definition so the code and its source agree", filename, first_line, construct="source")


def _rewritten_by_pytest(code):
    """Whether ``code`` (or code nested in it) runs an assert pytest's assertion rewriting wrote."""
    todo = [code]
    while todo:
        code = todo.pop()
        if "@pytest_ar" in code.co_names:
            return True
        todo.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
    return False


def _definitions(module, syntax, name):
    """The defs called ``name`` (or every lambda) in ``module``, in walk order, found as
    they are asked for (the def sought is most often the first: the rest is not walked)."""
    if name == "<lambda>":
        return (node for node in S.walk_nodes(module) if isinstance(node, syntax.Lambda))
    return (node for node in S.walk_nodes(module)
            if isinstance(node, (syntax.FunctionDef, syntax.AsyncFunctionDef)) and node.name == name)


_FINGERPRINT_FLAGS = (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS | inspect.CO_GENERATOR
                      | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR)


def _scope_qualname(code, qualname):
    """The qualified name ``_compiled_alone`` compiles the code of ``qualname`` under."""
    parts = qualname.split(".")
    in_class = len(parts) >= 2 and parts[-2].isidentifier()
    if _own_name_global(code, in_class):
        return code.co_name         # declared global in the scope: no enclosing prefix
    return "__astgrad_scope__.<locals>." + (f"{parts[-2]}." if in_class else "") + code.co_name


def _own_name_global(code, in_class):
    """Whether ``_compiled_alone`` declares the def's own name global in its scope."""
    return not in_class and code.co_name not in code.co_freevars and code.co_name.isidentifier()


def _imported_names(fn):
    """The global names ``fn``'s code (and the code nested in it) reads that hold a module
    now: most likely bound by an import, which 3.11 compiles a method call on differently."""
    names, todo = set(), [fn.__code__]
    while todo:
        code = todo.pop()
        names.update(code.co_names)
        todo.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
    scope = getattr(fn, "__globals__", {})
    # (pytest's rewritten asserts read the module under '@py_builtins', no name an import binds)
    return sorted(name for name in names if isinstance(scope.get(name), types.ModuleType) and name.isidentifier())


def _compiled_alone(node, code, qualname, imported=()):
    """The code of ``node`` (a stdlib ast def or lambda, changed in place) compiled in a scope like the
    one ``code`` (called ``qualname``) was compiled in: at the same line, its free variables
    bound by an enclosing function, inside a class when its qualified name says so
    (private names are mangled there), and with the global names ``imported`` imported
    (so the code can be the very code of the def compiled in its module, see
    _same_instructions). None if it does not compile."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
    if code.co_firstlineno != first and any(isinstance(c, types.CodeType) for c in code.co_consts):
        # code objects compare their lines: those of the code nested in it must agree (a
        # class body stores its line); without any, the lines play no part in the check
        _shift_lines(node, code.co_firstlineno - first)
    if isinstance(node, ast.Lambda):
        node = ast.copy_location(ast.Expr(value=node), node)
    else:
        node.decorator_list = []
    qualname = qualname.split(".")
    in_class = len(qualname) >= 2 and qualname[-2].isidentifier()     # not <locals>, <listcomp>
    if in_class:
        owner = ast.parse(f"class {qualname[-2]}:\n    pass\n").body[0]
        owner.body = [node]
        node = owner
    free = [name for name in code.co_freevars if name != "__class__"]
    scope = ast.parse("def __astgrad_scope__():\n    pass\n").body[0]
    # a module-level def's own name is a global in its body (a recursive call, also from a
    # comprehension or generator expression in it), not a cell of the enclosing scope
    own = ast.parse(f"global {code.co_name}").body if _own_name_global(code, in_class) else []
    if in_class and qualname[-2] not in code.co_freevars and qualname[-2] != code.co_name:
        # the class's name read in the method (super(C, s) in a lambda) is a global, as in its
        # module, not a cell of the scope the class statement here binds it in
        own += ast.parse(f"global {qualname[-2]}").body
    scope.body = own + [ast.parse(f"{name} = None").body[0] for name in free] + [node]
    imports = [ast.parse(f"import {name}").body[0] for name in imported]
    module = ast.Module(body=imports + [scope], type_ignores=[])     # every statement parsed has its lines
    if _rewritten_by_pytest(code) and not _rewrite_asserts_as_pytest(module, code.co_filename):
        return None
    try:
        compiled = compile(module, code.co_filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    # module -> __astgrad_scope__ -> [class body ->] the function
    return _code_named(compiled, code.co_name, depth=3 if in_class else 2)


def _rewrite_asserts_as_pytest(module, filename):
    """Rewrite the asserts of ``module`` (changed in place) as pytest's assertion rewriting
    did those of a test file, whose functions then run that code; False where pytest
    cannot be imported. Only the check compiles the rewritten text: the derivative is made
    from the source as written, an assert in it runs as Python runs one."""
    try:
        from _pytest.assertion.rewrite import rewrite_asserts
    except ImportError:
        return False
    rewrite_asserts(module, b"", filename)
    return True


def _shift_lines(tree, offset):
    """``ast.increment_lineno(tree, offset)`` for a def or lambda (no type-ignore comments
    in it), walking the tree without a generator per node."""
    for node in S.walk_nodes(tree):
        positions = node.__dict__
        if "lineno" in node._attributes:
            positions["lineno"] = positions.get("lineno", 0) + offset
        if "end_lineno" in node._attributes and positions.get("end_lineno") is not None:
            positions["end_lineno"] += offset


def _code_named(code, name, depth):
    """The first code object called ``name`` exactly ``depth`` levels below ``code``."""
    level = [code]
    for _ in range(depth):
        level = [c for parent in level for c in parent.co_consts if isinstance(c, types.CodeType)]
    return next((candidate for candidate in level if candidate.co_name == name), None)


# Instructions that differ between a function compiled in its module, as a closure, and
# the same text compiled alone, without changing what it computes (3.11 calls a method of
# an imported module with LOAD_ATTR, of any other name with LOAD_METHOD).
_LAYOUT_ONLY = {"RESUME", "NOP", "CACHE", "EXTENDED_ARG", "COPY_FREE_VARS", "MAKE_CELL", "PUSH_NULL"}
_NAMED = {"LOAD_METHOD": "LOAD_ATTR",
          "LOAD_GLOBAL": "LOAD_NAMED", "LOAD_DEREF": "LOAD_NAMED", "LOAD_NAME": "LOAD_NAMED",
          "LOAD_CLASSDEREF": "LOAD_NAMED", "LOAD_FROM_DICT_OR_DEREF": "LOAD_NAMED",
          "LOAD_FROM_DICT_OR_GLOBALS": "LOAD_NAMED",
          "STORE_GLOBAL": "STORE_NAMED", "STORE_DEREF": "STORE_NAMED", "STORE_NAME": "STORE_NAMED",
          "DELETE_GLOBAL": "DELETE_NAMED", "DELETE_DEREF": "DELETE_NAMED", "DELETE_NAME": "DELETE_NAMED"}
_JUMPS = set(dis.hasjrel) | set(dis.hasjabs) | set(getattr(dis, "hasjump", ()))


def _same_instructions(found, code):
    """Whether ``found`` has ``code``'s very instructions, names and constants (each
    constant of the same type: ``1`` is not ``1.0``), so their fingerprints agree without
    disassembling either (the usual case, a def at module level: disassembling took a
    third of parsing a long function); where they differ, the fingerprints decide."""
    return (found.co_code == code.co_code and found.co_names == code.co_names
            and found.co_varnames == code.co_varnames and found.co_freevars == code.co_freevars
            and found.co_cellvars == code.co_cellvars and found.co_argcount == code.co_argcount
            and found.co_posonlyargcount == code.co_posonlyargcount
            and found.co_kwonlyargcount == code.co_kwonlyargcount
            and found.co_flags & _FINGERPRINT_FLAGS == code.co_flags & _FINGERPRINT_FLAGS
            and _constants_key(found.co_consts) == _constants_key(code.co_consts))


def _constants_key(values):
    """Constants compared by type and value (``0.0 == -0.0 == False`` in Python); a
    code object by its own equality, which compares its constants that way too."""
    return tuple(value if isinstance(value, types.CodeType)
                 else (type(value), _constants_key(value)) if type(value) is tuple
                 else (type(value), repr(value)) for value in values)


def code_fingerprint(code, qualname=None):
    """What a code object computes, without its line numbers or where its free names live
    (a closure cell or a global): its signature and its instructions with their arguments.
    ``qualname``, the function's qualified name, is replaced by a placeholder in the names
    of the classes and functions it defines (they depend on where it was compiled)."""
    instructions = list(dis.get_instructions(code))
    kept_before = {}
    kept = 0
    for instruction in instructions:
        kept_before[instruction.offset] = kept
        if instruction.opname not in _LAYOUT_ONLY:
            kept += 1
    body = []
    for instruction in instructions:
        opname = instruction.opname
        if opname in _LAYOUT_ONLY:
            continue
        argval = instruction.argval
        if instruction.opcode in _JUMPS:
            argval = ("jump", kept_before.get(argval, argval))
        else:
            argval = _value_key(argval, qualname)
        body.append((_NAMED.get(opname, opname), argval))
    flags = code.co_flags & _FINGERPRINT_FLAGS
    params = code.co_argcount + code.co_kwonlyargcount
    return (code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount,
            code.co_varnames[:params], flags, tuple(body))


def _value_key(value, qualname):
    if isinstance(value, types.CodeType):
        return ("code", code_fingerprint(value, qualname))
    if isinstance(value, tuple):
        return ("tuple", tuple(_value_key(v, qualname) for v in value))
    if isinstance(value, frozenset):
        return ("frozenset", tuple(sorted(repr(_value_key(v, qualname)) for v in value)))
    if isinstance(value, str) and qualname and value.startswith(qualname + ".<locals>."):
        value = "<function>" + value[len(qualname):]
    return (type(value).__name__, repr(value))


def _lambda_as_def(lam):
    body = gast.Return(value=lam.body)
    body.lineno = getattr(lam, "lineno", 1)
    tree = gast.FunctionDef(name="lambda_", args=lam.args, body=[body], decorator_list=[],
                            returns=None, type_comment=None, type_params=[])
    tree.lineno = body.lineno
    return tree
