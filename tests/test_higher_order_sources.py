"""The code higher-order derivatives emit, as text: each order of a loop function has its
source, and docs/how-it-works.md's table of their sizes is what is generated now.

Split from test_higher_order.py (a program campaign, run on one Python: .ci/campaigns.txt)
because the text is written partly by the standard library's ``ast.unparse``, which
differs between Pythons: these run on every Python.
"""

import pathlib
import re

from astgrad.caching import forward_derivative
from test_higher_order import chain, power_loop, source_lines, ten_lines


def test_every_order_has_source():
    for order, derivative in enumerate(chain(ten_lines, 4), start=1):
        assert isinstance(derivative.source, str), order
        assert derivative.source.startswith("def " + "grad_" * order + "ten_lines("), order
        assert "for " in derivative.source, order
    # forward mode over each order (order k + 1 code) of a smaller loop function
    for order, derivative in enumerate(chain(power_loop, 3), start=1):
        tangent = forward_derivative(derivative, (0,))
        assert isinstance(tangent.source, str) and tangent.source.startswith("def "), order



SIZES_PAGE = pathlib.Path(__file__).resolve().parent.parent / "docs" / "how-it-works.md"


def test_the_sizes_the_docs_state_are_those_generated_now():
    """docs/how-it-works.md's table of the general code generated for ten_lines, order by
    order, and the sentences drawn from it, read off the page and compared with the code now."""
    page = SIZES_PAGE.read_text()
    rows = re.findall(r"^\| (\d) \| [^|]* \| (\d+) \| (\d+) \| ([\d.]+|--) \| (\d+|--)", page, re.M)
    assert [int(row[0]) for row in rows] == [1, 2, 3, 4], rows
    lines, code, ratios, forward = [], [], [], []
    below = ten_lines
    for order, derivative in enumerate(chain(ten_lines, 4), start=1):
        general = derivative.plain.source       # .source before the first call (after it: specialized)
        lines.append(len(general.splitlines()))
        code.append(source_lines(general))
        ratios.append(f"{lines[-1] / lines[-2]:.1f}" if order > 1 else "--")
        forward.append(str(len(forward_derivative(below, (0,)).source.splitlines())) if order < 4 else "--")
        below = derivative
    assert rows == [(str(k), str(n), str(len(c)), r, f)
                    for k, n, c, r, f in zip(range(1, 5), lines, code, ratios, forward)]
    growth = re.search(r"Each order is about ([\d.]+) to ([\d.]+) times .*\norder 4 is (\d+) times order 1", page)
    assert growth.groups() == (min(ratios[1:]), max(ratios[1:]), str(round(lines[3] / lines[0])))
    stacks = [f"{sum('_stack' in line for line in lines_of)} of {len(lines_of)}" for lines_of in code[:3]]
    said = re.search(r"push to or pop from a stack are (\d+ of \d+) at order 1, (\d+ of \d+) at order 2 and\s+"
                     r"(\d+ of \d+) at order 3", page)
    assert list(said.groups()) == stacks
