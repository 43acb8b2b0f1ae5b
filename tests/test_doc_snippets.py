"""Every Python block in README.md and docs/ runs, and shows what it really prints.

The conventions are in tests/doc_snippets.py and docs/contributing.md ("Examples in
the docs"). A block that fails names the page and line.
"""

from pathlib import Path

import importlib.util
import sys
import warnings

import pytest

from doc_snippets import PageRunner, matches, normalize, page_blocks

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# Pages whose examples use an optional extra: skipped where it is not installed.
REQUIRES = {"scipy.md": ["scipy"], "scaling.md": ["dask", "distributed"], "optimisation.md": ["scipy"]}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_snippets(page, tmp_path):
    for module in REQUIRES.get(page.name, ()):
        pytest.importorskip(module)
    blocks = page_blocks(page)
    PageRunner(page, tmp_path).run(blocks)


def test_the_docs_have_python_examples():
    counts = {page.name: len(page_blocks(page)) for page in PAGES}
    assert counts["README.md"] >= 1 and counts["api.md"] >= 20
    assert sum(1 for page in PAGES for block in page_blocks(page) if block.output) >= 5


def test_the_matcher_is_strict_where_it_should_be():
    assert matches(normalize("x = 1.0000001"), normalize("x = 1.0"))
    assert not matches(normalize("x = 1.1"), normalize("x = 1.0"))
    assert not matches(normalize("grad_f"), normalize("grad_g"))
    assert matches(normalize("a\n...\nd"), normalize("a\nb\nc\nd"))
    assert matches(normalize("f.py:3: ... line"), normalize("f.py:3: bad line"))
    assert not matches(normalize("a\nb"), normalize("a"))
    assert matches(normalize("np.float64(2.5)"), normalize("2.5"))


def _table_rows(text):
    return [line for line in text.splitlines() if line.startswith("| `")]


def test_the_non_differentiable_points_table_is_measured():
    """The astgrad column is what astgrad returns; the peers' columns are checked too
    where JAX, autograd and PyTorch are all installed."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import nondiff_points
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    rows = _table_rows((ROOT / "docs" / "non-differentiable.md").read_text(encoding="utf-8"))
    assert len(rows) == len(nondiff_points.POINTS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = nondiff_points.astgrad_values()
        for row, (label, _, _), value in zip(rows, nondiff_points.POINTS, ours):
            assert row.startswith(f"| {label} | {value} |"), (row, value)
        if all(importlib.util.find_spec(name) for name in ("jax", "autograd", "torch")):
            assert rows == _table_rows(nondiff_points.table())
