"""Command line: ``python -m astgrad demo``, ``python -m astgrad show FILE.py:FUNC``,
``python -m astgrad export MODULE:FUNC -o FILE.py`` and ``python -m astgrad rules [PATTERN]``."""

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


def load_function(target):
    path, sep, name = target.rpartition(":")
    if not sep or not path or not name:
        raise UsageError(f"{target!r}: expected FILE.py:FUNCTION")
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file")
    module_name = "_astgrad_show_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except astgrad.TransformError as error:        # from an @astgrad.differentiable in the file
        raise UsageError(one_line(error)) from None
    except Exception as error:
        raise UsageError(f"{path}: importing it failed: {type(error).__name__}: {one_line(error)}") from None
    func = getattr(module, name, None)
    if func is None:
        raise UsageError(f"{path}: no function named {name!r}")
    if not callable(func):
        raise UsageError(f"{path}: {name!r} is not a function")
    return func


def show(target, wrt, order=1, mode="reverse"):
    """Print the derivative source: ``order`` times reverse mode (grad of grad ...), or in
    forward mode the jvp function, over ``order - 1`` reverse-mode gradients."""
    from astgrad.caching import forward_derivative
    from astgrad.core.functions import underlying
    from astgrad.core.wrt import normalize_wrt
    from astgrad.highlight import highlighted
    if order < 1:
        raise UsageError(f"--order {order}: the order must be 1 or more")
    func = load_function(target)
    try:
        wrt = parse_wrt(wrt)
        if mode == "forward":
            for _ in range(order - 1):
                func = astgrad.grad(func, wrt)
            indices, _ = normalize_wrt(func, wrt)
            print(highlighted(forward_derivative(underlying(func), indices).source))
            return
        for _ in range(order):
            func = astgrad.grad(func, wrt)
        print(highlighted(func.source))
    except (astgrad.TransformError, ValueError, TypeError) as error:    # unsupported code, bad --wrt
        raise UsageError(one_line(error)) from None


def import_function(target):
    """``package.module:function`` imported (or ``FILE.py:function``, its directory put
    first on sys.path so the exported module can import it by the file's name)."""
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
    except Exception as error:
        raise UsageError(f"{path}: importing it failed: {type(error).__name__}: {one_line(error)}") from None
    func = module
    for part in name.split("."):
        func = getattr(func, part, None)
    if func is None or not callable(func):
        raise UsageError(f"{path}: no function named {name!r}")
    return func


def export(target, wrt, order, mode, output):
    """Write the standalone module holding the derivative to ``output`` (or print it)."""
    from astgrad.exporting import ExportError
    func = import_function(target)
    try:
        text = astgrad.export(func, parse_wrt(wrt), mode=mode, order=order)
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


def main(argv=None):
    parser = Parser(
        prog="python -m astgrad",
        description="astgrad: source-transformation automatic differentiation for Python and NumPy.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("demo", help="differentiate a small NumPy function and print the generated gradient")
    show_parser = commands.add_parser("show", help="print the gradient source astgrad generates for FILE.py:FUNC")
    show_parser.add_argument("target", metavar="FILE.py:FUNC")
    show_parser.add_argument("--wrt", default="0",
                             help="argument(s) to differentiate: an index or name, or a comma-separated "
                                  "list such as 0,1 (default: 0)")
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
    export_parser.add_argument("-o", "--output", metavar="FILE.py", help="where to write it (default: print it)")
    rules_parser = commands.add_parser("rules", help="list the functions astgrad can differentiate, "
                                                     "with their modes and orders")
    rules_parser.add_argument("pattern", nargs="?", metavar="PATTERN",
                              help="keep names containing PATTERN, or matching it if it has * ? [ "
                                   "(e.g. linalg, numpy.fft.*)")
    rules_parser.add_argument("--markdown", action="store_true",
                              help="print docs/rules.md (the page generated from the table)")
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_usage(sys.stderr)
            return 2
        if args.command == "demo":
            demo()
        elif args.command == "rules":
            list_rules(args.pattern, args.markdown)
        elif args.command == "export":
            export(args.target, args.wrt, args.order, args.mode, args.output)
        else:
            show(args.target, args.wrt, args.order, args.mode)
    except UsageError as error:
        print(f"astgrad: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
