"""Print the Python source astgrad generates for a gradient.

Run from the repository root:  python examples/show_source.py
(or, for any function in any file:  python -m astgrad show examples/show_source.py:predict --wrt 0,1)
"""

import inspect

import numpy as np

import astgrad


def predict(w, b, x):
    h = np.tanh(x @ w + b)
    return np.sum(h * h)


def power_sum(x, n):
    total = 0.0
    for i in range(n):
        total = total + x
        x = x * x
    return total


def main():
    dpredict = astgrad.grad(predict, wrt=(0, 1))
    print("# astgrad.grad(predict, wrt=(0, 1)).source")
    print(dpredict.source)

    # The generated code is registered with linecache, so inspect (and tracebacks,
    # and pdb) see the same text.
    assert inspect.getsource(dpredict).strip() == dpredict.source.strip()

    # With a loop, the forward sweep pushes the values it overwrites onto stacks
    # and the reverse sweep pops them back, iteration by iteration.
    print("# astgrad.grad(power_sum).source")
    print(astgrad.grad(power_sum).source)


if __name__ == "__main__":
    main()
