"""A small recurrent network trained with an astgrad-generated gradient (BPTT).

The task: read a sequence of T=20 input vectors (4 features each) and predict the
total of the first feature over the sequence, scaled: sum_t x_t[0] / sqrt(T).
The network is a tanh RNN with 16 hidden units and a linear read-out of the last
hidden state:

    h_0 = 0,   h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b),   prediction = h_T @ w_out

The loss function is ordinary NumPy code with a Python `for` loop over time steps.
astgrad.grad turns it into a gradient function (backpropagation through time,
generated as Python source), and gradient descent with momentum (and the gradient
norm clipped at 1, as usual for RNNs) trains the network on 512 sequences.

Run from the repository root:  python examples/rnn.py
"""

import numpy as np

import astgrad

T, INPUTS, HIDDEN, BATCH = 20, 4, 16, 512
CLIP = 1.0


def rnn_loss(Wx, Wh, b, w_out, xs, targets):
    """Mean squared error of the RNN's predictions; xs has shape (T, batch, INPUTS)."""
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for x in xs:                                   # one time step per iteration
        h = np.tanh(x @ Wx + h @ Wh + b)
    prediction = h @ w_out
    return np.mean((prediction - targets) ** 2)


def make_data(rng, batch):
    xs = rng.normal(size=(T, batch, INPUTS))
    targets = np.sum(xs[:, :, 0], axis=0) / np.sqrt(T)
    return xs, targets


def main():
    rng = np.random.default_rng(0)
    xs, targets = make_data(rng, BATCH)
    params = [rng.normal(size=(INPUTS, HIDDEN)) * 0.3,      # Wx
              rng.normal(size=(HIDDEN, HIDDEN)) * 0.1,      # Wh
              np.zeros(HIDDEN),                             # b
              rng.normal(size=HIDDEN) * 0.3]                # w_out

    # Gradient with respect to the four weights (arguments 0 to 3), and the loss value.
    loss_and_grads = astgrad.value_and_grad(rnn_loss, wrt=("Wx", "Wh", "b", "w_out"))

    print(f"generated gradient: {len(loss_and_grads.source.splitlines())} lines of Python "
          "(print loss_and_grads.source to read it)")

    learning_rate, momentum = 0.02, 0.9
    velocity = [np.zeros_like(p) for p in params]
    first_loss = None
    for step in range(201):
        loss, grads = loss_and_grads(*params, xs, targets)
        if first_loss is None:
            first_loss = loss
        if step % 20 == 0:
            print(f"step {step:3d}  loss {loss:.4f}")
        norm = np.sqrt(sum(np.sum(g * g) for g in grads))
        scale = min(1.0, CLIP / norm)       # clip the gradient norm: RNNs' gradients can spike
        for v, p, g in zip(velocity, params, grads):
            v *= momentum
            v -= learning_rate * scale * g
            p += v

    test_xs, test_targets = make_data(np.random.default_rng(1), 256)
    final_loss = rnn_loss(*params, xs, targets)
    print(f"final     loss {final_loss:.4f}  (first {first_loss:.4f}); "
          f"on new sequences {rnn_loss(*params, test_xs, test_targets):.4f}")
    assert final_loss < 0.5 * first_loss, (first_loss, final_loss)


if __name__ == "__main__":
    main()
