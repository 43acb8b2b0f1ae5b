"""Command line: ``python -m astgrad demo``, ``python -m astgrad show FILE.py:FUNC`` (or
``FILE.py:Class.method``), ``python -m astgrad export MODULE:FUNC -o FILE.py``,
``python -m astgrad rules [PATTERN]`` and ``--version``.

A user error (a bad argument, a missing file or function, code astgrad refuses) is one
line on stderr and exit code 2."""

import argparse
import importlib.util
import inspect
import os
import sys

import numpy as np

import astgrad


class UsageError(Exception):
    """A problem with the command line or its inputs: reported in one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see python -m astgrad --help)")


def one_line(error):
    """A TransformError (file:line: reason, then the quoted line) or any other error, in one line."""
    if isinstance(error, astgrad.TransformError) and error.line:
        return f"{str(error).splitlines()[0]} -- `{error.line.strip()}`"
    return " ".join(str(error).split())


def demo():
    from astgrad.demo import loss

    w = np.array([0.5, -0.25, 1.0])
    x = np.array([[1.0, 2.0, 0.5], [-1.0, 0.0, 2.0]])
    dloss_dw = astgrad.grad(loss)
    with np.printoptions(precision=6, suppress=True):
        print("# The function (astgrad/demo.py):")
        print(inspect.getsource(loss))
        print(f"# At w = {w} and x = {x.tolist()}:")
        print(f"loss(w, x)   = {loss(w, x):.6f}")
        print(f"d loss / d w = {dloss_dw(w, x)}")
        print()
        print("# The gradient astgrad generated, astgrad.grad(loss).source:")
        print(dloss_dw.source)


def parse_wrt(text):
    """'0' -> 0, 'w' -> 'w', '0,1' or 'w,x' -> a tuple."""
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise UsageError(f"--wrt {text!r}: expected an int, a parameter name, or a comma-separated list of them")
    parsed = tuple(int(item) if item.lstrip("-").isdigit() else item for item in items)
    return parsed[0] if len(parsed) == 1 else parsed


def shift(wrt, skip, func):
    """--wrt indices of a method count its arguments after self, as a bound method's do:
    they become those parameters' names, so messages name what the user wrote."""
    if not skip:
        return wrt
    if isinstance(wrt, tuple):
        return tuple(shift(item, skip, func) for item in wrt)
    if not isinstance(wrt, int):
        return wrt
    names = list(inspect.signature(func).parameters)[skip:]
    if not 0 <= wrt < len(names):
        raise UsageError(f"--wrt {wrt}: {func.__qualname__} takes {len(names)} argument(s) after self "
                         f"({', '.join(names)}); count from 0")
    return names[wrt]


def load_function(target):
    """The function FILE.py:NAME names (NAME may be Class.method), imported as Python would
    run the file, and the number of leading parameters (self) its --wrt indices skip."""
    path, sep, name = target.rpartition(":")
    if not sep or not path or not name:
        raise UsageError(f"{target!r}: expected FILE.py:FUNCTION or FILE.py:Class.method")
    if os.path.isdir(path):
        raise UsageError(f"{path}: is a directory; give a Python file and a function in it, "
                         f"such as {os.path.join(path, 'model.py')}:loss")
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file")
    return find_function(path, import_file(path), name)


def find_function(path, module, name):
    """The function ``name`` (or ``Class.method``) of ``module`` (imported from ``path``),
    and the number of leading parameters (self) its --wrt indices skip."""
    found = module
    for depth, part in enumerate(name.split(".")):
        if not hasattr(found, part):
            raise UsageError(missing(path, module, name.split(".")[:depth], part))
        found = getattr(found, part)
    if inspect.isclass(found):
        methods = public_functions(found)
        example = f", such as {path}:{name}.{methods[0]}" if methods else ""
        raise UsageError(f"{path}: {name} is a class; name one of its methods{example}")
    if not callable(found) or inspect.ismodule(found):
        raise UsageError(f"{path}: {name} is not a function ({describe(found)})")
    takes_self = "." in name and inspect.isfunction(found) and \
        list(inspect.signature(found).parameters)[:1] == ["self"]
    return found, int(takes_self)


def import_file(path):
    """Import ``path`` as a module named after the file (as ``import`` would name it), with
    its folder on sys.path so its own imports work."""
    stem = os.path.splitext(os.path.basename(path))[0]
    module_name = stem if stem.isidentifier() and stem not in sys.modules else f"{stem}_"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path}: cannot be imported as a Python module (is it a .py file?)")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        spec.loader.exec_module(module)
    except astgrad.TransformError as error:        # from an @astgrad.differentiable in the file
        raise UsageError(one_line(error)) from None
    except Exception as error:
        raise UsageError(f"{path}: importing it failed: {type(error).__name__}: {one_line(error)}") from None
    return module


def public_functions(namespace):
    """The functions defined in a module or a class (not imported ones), by name."""
    module = getattr(namespace, "__name__", None) if inspect.ismodule(namespace) else namespace.__module__
    return [name for name, value in vars(namespace).items()
            if inspect.isfunction(getattr(value, "__func__", value)) and not name.startswith("__")
            and getattr(value, "__module__", module) == module]


def missing(path, module, found_parts, part):
    """The message for a name the file does not define: what it does define."""
    owner = module
    for item in found_parts:
        owner = getattr(owner, item)
    if found_parts:
        where, names = f"class {'.'.join(found_parts)} has no method {part!r}", public_functions(owner)
    else:
        where = f"no function named {part!r}"
        names = public_functions(module) + [name for name, value in vars(module).items()
                                            if inspect.isclass(value) and value.__module__ == module.__name__]
    listed = f" (it defines: {', '.join(names)})" if names else ""
    return f"{path}: {where}{listed}"


def describe(value):
    if inspect.ismodule(value):
        return f"the module {value.__name__}"
    return f"a value of type {type(value).__name__}"


def show(target, wrt, order=1, mode="reverse"):
    """Print the derivative source: ``order`` times reverse mode (grad of grad ...), or in
    forward mode the jvp function, over ``order - 1`` reverse-mode gradients."""
    from astgrad.specialize import forward_for_non_lists
    from astgrad.core.functions import underlying
    from astgrad.core.wrt import normalize_wrt
    from astgrad.highlight import highlighted
    if order < 1:
        raise UsageError(f"--order {order}: the order must be 1 or more")
    func, skip = load_function(target)
    try:
        wrt = shift(parse_wrt(wrt), skip, func)
        if mode == "forward":
            for _ in range(order - 1):
                func = astgrad.grad(func, wrt)
            indices, _ = normalize_wrt(func, wrt)
            print(highlighted(forward_for_non_lists(underlying(func), indices).source))
            return
        for _ in range(order):
            func = astgrad.grad(func, wrt)
        print(highlighted(func.source))
    except (astgrad.TransformError, ValueError, TypeError) as error:    # unsupported code, bad --wrt
        raise UsageError(one_line(error)) from None


def import_function(target):
    """``package.module:function`` (or ``:Class.method``) imported, or ``FILE.py:function``,
    its directory put first on sys.path so the exported module can import it by the file's
    name; and the number of leading parameters (self) its --wrt indices skip."""
    path, sep, name = target.rpartition(":")
    if not sep or not path or not name:
        raise UsageError(f"{target!r}: expected MODULE:FUNCTION (or FILE.py:FUNCTION)")
    if path.endswith(".py"):
        if not os.path.isfile(path):
            raise UsageError(f"{path}: no such file")
        sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
        path = os.path.splitext(os.path.basename(path))[0]
    sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(path)
    except astgrad.TransformError as error:
        raise UsageError(one_line(error)) from None
    except ModuleNotFoundError as error:
        if error.name != path.partition(".")[0] and error.name != path:
            raise UsageError(f"{path}: importing it failed: ModuleNotFoundError: {one_line(error)}") from None
        raise UsageError(f"{path}: no module of that name (run from the folder holding it, put that folder "
                         "on PYTHONPATH, or give FILE.py:FUNCTION)") from None
    except Exception as error:
        raise UsageError(f"{path}: importing it failed: {type(error).__name__}: {one_line(error)}") from None
    return find_function(path, module, name)


def export(target, wrt, order, mode, output, has_aux=False):
    """Write the standalone module holding the derivative to ``output`` (or print it);
    ``has_aux``: the function returns (value, aux), the exported one (derivative, aux)."""
    from astgrad.exporting import ExportError
    func, skip = import_function(target)
    try:
        text = astgrad.export(func, shift(parse_wrt(wrt), skip, func), mode=mode, order=order, has_aux=has_aux)
    except (astgrad.TransformError, ExportError, ValueError, TypeError) as error:
        raise UsageError(one_line(error)) from None
    if output is None or output == "-":
        print(text, end="")
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageError(f"{output}: cannot write it: {error.strerror}") from None


def list_rules(pattern, as_markdown):
    """Print the public functions with rules: a table, or docs/rules.md with --markdown."""
    from astgrad.rules import listing
    entries = listing.rules(pattern)
    if as_markdown:
        print(listing.markdown(entries), end="")
    elif not entries:
        raise UsageError(f"no supported function matches {pattern!r}")
    else:
        print(listing.table(entries))


EXAMPLES = """examples:
  python -m astgrad demo
  python -m astgrad show model.py:loss --wrt w
  python -m astgrad show model.py:Model.apply --order 2
  python -m astgrad rules linalg
"""


def build_parser():
    parser = Parser(
        prog="python -m astgrad", epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="astgrad: source-transformation automatic differentiation for Python and NumPy.")
    parser.add_argument("--version", action="version", version=f"astgrad {astgrad.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("demo", help="differentiate a small NumPy function and print the generated gradient")
    show_parser = commands.add_parser(
        "show", help="print the gradient source astgrad generates for FILE.py:FUNC or FILE.py:Class.method")
    show_parser.add_argument("target", metavar="FILE.py:FUNC")
    show_parser.add_argument("--wrt", default="0",
                             help="argument(s) to differentiate: an index or name, or a comma-separated "
                                  "list such as 0,1 (default: 0; a method's indices count after self)")
    show_parser.add_argument("--order", type=int, default=1,
                             help="derivative order: 2 prints the gradient of the gradient, and so on "
                                  "(default: 1)")
    show_parser.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                             help="reverse: the gradient function; forward: the jvp function "
                                  "(default: reverse)")
    export_parser = commands.add_parser("export", help="write a standalone module (NumPy only) holding "
                                                       "the derivative of MODULE:FUNC")
    export_parser.add_argument("target", metavar="MODULE:FUNC")
    export_parser.add_argument("--wrt", default="0", help="argument(s) to differentiate, as for show (default: 0)")
    export_parser.add_argument("--order", type=int, default=1, help="derivative order (default: 1)")
    export_parser.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                               help="reverse: the gradient function; forward: the jvp function")
    export_parser.add_argument("--has-aux", action="store_true",
                               help="FUNC returns (value, aux): differentiate the value, and return "
                                    "(derivative, aux) as astgrad.grad(f, has_aux=True) does")
    export_parser.add_argument("-o", "--output", metavar="FILE.py", help="where to write it (default: print it)")
    rules_parser = commands.add_parser("rules", help="list the functions astgrad can differentiate, "
                                                     "with their modes and orders")
    rules_parser.add_argument("pattern", nargs="?", metavar="PATTERN",
                              help="keep names containing PATTERN, or matching it if it has * ? [ "
                                   "(e.g. linalg, numpy.fft.*)")
    rules_parser.add_argument("--markdown", action="store_true",
                              help="print docs/rules.md (the page generated from the table)")
    return parser


def main(argv=None):
    """Run the command line; 0 on success, 2 on a user error (reported in one line)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
        elif args.command == "demo":
            demo()
        elif args.command == "rules":
            list_rules(args.pattern, args.markdown)
        elif args.command == "export":
            export(args.target, args.wrt, args.order, args.mode, args.output, args.has_aux)
        else:
            show(args.target, args.wrt, args.order, args.mode)
    except UsageError as error:
        print(f"astgrad: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
