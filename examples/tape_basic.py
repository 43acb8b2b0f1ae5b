"""The first example of the torch.autograd.grad tutorial, with only the import changed.

Operations on astgrad tensors are recorded; astgrad.autograd.grad emits the recording
as a Python function and differentiates it with the same source transformer as
astgrad.grad. Run from the repository root:  python examples/tape_basic.py
"""

import astgrad

x = astgrad.tensor(2.0, requires_grad=True)
y = astgrad.tensor(3.0, requires_grad=True)
z = x * y
grads = astgrad.autograd.grad(outputs=z, inputs=(x, y))
print(grads)                      # prints: (tensor(3.), tensor(2.))

# To see the generated code:
#   print(z.grad_fn.source)                          # the recorded program
#   print(astgrad.autograd.last_adjoint_source())    # its generated adjoint
