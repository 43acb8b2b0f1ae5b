"""Lambdas found in their whole file (an entry of a dict spanning lines, whose statement
does not parse alone): the file is parsed once for each text it has, and an edited file
is read anew, so a lambda defined from the new text is differentiated as it now reads."""

import importlib.util

import numpy as np

import astgrad
from astgrad.frontend import file_lambdas
from fd import assert_close, numerical_grad

PRIORS = '''\
import numpy as np

PRIORS = {{
    "a": lambda z: np.sum(z ** {power}) * 1.5,
    "b": lambda z: np.sum(np.sin(z) * z),
}}
'''


def _load(path, power, name):
    """The module of ``path`` after writing it with ``power`` (its text's size changes
    with ``power``, so ``linecache`` sees the edit whatever the file system's clock)."""
    path.write_text(PRIORS.format(power=power))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _counting_parses(monkeypatch):
    parsed = []
    parse = file_lambdas._parse

    def counted(lines):
        parsed.append(len(lines))
        return parse(lines)
    monkeypatch.setattr(file_lambdas, "_parse", counted)
    return parsed


def test_the_lambdas_of_one_file_come_from_one_parse(tmp_path, monkeypatch):
    parsed = _counting_parses(monkeypatch)
    module = _load(tmp_path / "priors_once.py", 2, "priors_once")
    x = np.array([0.3, -1.2, 2.0])
    for f in module.PRIORS.values():
        assert_close(astgrad.grad(f)(x), numerical_grad(f, x))
    assert len(parsed) == 1


def test_an_edited_files_lambda_is_read_anew(tmp_path, monkeypatch):
    parsed = _counting_parses(monkeypatch)
    path = tmp_path / "priors_edited.py"
    x = np.array([0.3, -1.2, 2.0])
    before = _load(path, 2, "priors_edited").PRIORS["a"]
    assert_close(astgrad.grad(before)(x), 3.0 * x)
    after = _load(path, 3, "priors_edited").PRIORS["a"]
    assert_close(astgrad.grad(after)(x), 4.5 * x ** 2)
    assert_close(astgrad.grad(after)(x), numerical_grad(after, x))
    assert len(parsed) == 2
