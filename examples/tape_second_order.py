"""The tutorial's second-order example, with only the import changed.

create_graph=True runs the generated adjoint on tensors, so the gradients are
recorded too and can be differentiated again. grad_a and grad_t share recorded
nodes, so the first of the two second-order calls passes retain_graph=True: as in
PyTorch, a call without it frees what it ran through, and the next call through
those nodes raises "Trying to backward through the graph a second time".
Run from the repository root:  python examples/tape_second_order.py
"""

import astgrad

a = astgrad.tensor(1.0, requires_grad=True)
t = astgrad.tensor(2.0, requires_grad=True)
b = a + 2 * t
c = a * t + t ** 2
d = b**2 + 3 * c
grad_a, grad_t = astgrad.autograd.grad(outputs=d, inputs=(a, t), create_graph=True)
second_order_grad_a = astgrad.autograd.grad(grad_a, a, retain_graph=True)[0]
second_order_grad_t = astgrad.autograd.grad(grad_t, t)[0]
print(second_order_grad_a, second_order_grad_t)   # prints: tensor(2.) tensor(14.)
