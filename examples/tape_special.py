"""PyTorch's special functions on the tape: the log of the Beta function, its gradient
(digamma differences) and its Hessian (trigamma), with torch.special's names and no SciPy.

astgrad.special mirrors torch.special (gammaln, digamma, polygamma, erfinv, logit, ...);
the same functions are tensor methods, as in PyTorch. Run from the repository root:
python examples/tape_special.py
"""

import astgrad
from astgrad import special

a = astgrad.tensor([2.0, 3.5], requires_grad=True)
log_beta = special.gammaln(a).sum() - special.gammaln(a.sum())     # log B(a0, a1)

(g,) = astgrad.autograd.grad(log_beta, a, create_graph=True)
print(g)        # digamma(a) - digamma(a0 + a1)
print(special.digamma(a) - special.digamma(a.sum()))

(row,) = astgrad.autograd.grad(g[0], a)
print(row)      # the Hessian's first row: trigamma(a0) - trigamma(a0 + a1), then -trigamma(a0 + a1)

p = astgrad.tensor([0.2, 0.9], requires_grad=True)
print(astgrad.autograd.grad(special.logit(p).sum(), p))     # 1 / (p (1 - p))
