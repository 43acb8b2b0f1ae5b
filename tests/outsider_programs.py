"""Ordinary numerical Python as outsiders write it, not aimed at astgrad: small functions
ported as written from public examples (autograd's examples/, credited per program) and
textbook numerical recipes in their everyday style (classes, dataclasses, dict configs,
comprehensions, early returns, while loops with a tolerance, try/except, math mixed with
numpy, float32 and int data). Every entry of CASES is (name, f, args, wrt): astgrad must
give Python's derivative, or refuse. Used by tests/test_outsider_programs.py."""

import dataclasses
import itertools
import math
from functools import partial

import numpy as np
from numpy.linalg import solve

import astgrad
from program_cases import case_table
try:
    from scipy import special, stats
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal as mvn
    from scipy.stats import norm
except ImportError:         # SciPy is optional: the programs that call it are skipped
    special = stats = logsumexp = mvn = norm = None

X3 = np.array([0.3, -0.4, 0.9])
X4 = np.array([0.25, 0.5, -0.75, 1.2])
X6 = np.array([0.4, -0.2, 0.7, 0.1, -0.5, 0.3])
M33 = np.array([[1.2, 0.3, -0.2], [0.1, 0.9, 0.4], [-0.3, 0.2, 1.1]])
DATA = np.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]])
TARGETS = np.array([True, True, False, True])
CASES, case = case_table((X3, 0.8))


# -- autograd's examples, ported as written (github.com/HIPS/autograd, examples/) ---------

def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)  # Output ranges from 0 to 1.


def logistic_predictions(weights, inputs):
    return sigmoid(np.dot(inputs, weights))


# HIPS/autograd examples/logistic_regression.py (inputs and targets globals there too)
@case("a01 logistic regression training loss", args=(X3,), wrt=(0,))
def training_loss(weights):
    preds = logistic_predictions(weights, DATA)
    label_probabilities = preds * TARGETS + (1 - preds) * (1 - TARGETS)
    return -np.sum(np.log(label_probabilities))


# HIPS/autograd examples/rosenbrock.py
@case("a02 rosenbrock", args=(np.array([0.3, 0.7]),), wrt=(0,))
def rosenbrock(x):
    return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2


def neural_net_predict(params, inputs):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1, keepdims=True)


# HIPS/autograd examples/neural_net.py (params a list of (W, b), built from a flat vector)
@case("a03 MLP log posterior over a list of (W, b) tuples", args=(np.linspace(-0.5, 0.6, 3 * 4 + 4 + 4 * 2 + 2), 0.1))
def mlp_log_posterior(flat, L2_reg):
    sizes = [3, 4, 2]
    params = []
    start = 0
    for m, n in zip(sizes[:-1], sizes[1:]):
        W = flat[start:start + m * n].reshape(m, n)
        start += m * n
        b = flat[start:start + n]
        start += n
        params.append((W, b))
    log_prior = -L2_reg * np.dot(flat, flat)
    targets = np.eye(2)[[0, 1, 1, 0]]
    log_lik = np.sum(neural_net_predict(params, DATA) * targets)
    return log_prior + log_lik


def concat_and_multiply(weights, *args):
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)


SEQ = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]]])


# HIPS/autograd examples/rnn.py: rnn_predict and rnn_log_likelihood
@case("a04 RNN log likelihood with nested helpers and a params dict",
      args=(np.linspace(-0.4, 0.5, 6 * 3), np.linspace(0.3, -0.3, 4 * 2)))
def rnn_log_likelihood(change, predict):
    params = {"init hiddens": np.zeros((1, 3)), "change": change.reshape(6, 3), "predict": predict.reshape(4, 2)}
    inputs = targets = SEQ

    def update_rnn(input, hiddens):
        return np.tanh(concat_and_multiply(params["change"], input, hiddens))

    def hiddens_to_output_probs(hiddens):
        output = concat_and_multiply(params["predict"], hiddens)
        return output - logsumexp(output, axis=1, keepdims=True)  # Normalize log-probs.

    num_sequences = inputs.shape[1]
    hiddens = np.repeat(params["init hiddens"], num_sequences, axis=0)
    output = [hiddens_to_output_probs(hiddens)]
    for input in inputs:  # Iterate over time steps.
        hiddens = update_rnn(input, hiddens)
        output.append(hiddens_to_output_probs(hiddens))
    logprobs = output[1:]
    loglik = 0.0
    num_time_steps, num_examples, _ = inputs.shape
    for t in range(num_time_steps):
        loglik += np.sum(logprobs[t] * targets[t])
    return loglik / (num_time_steps * num_examples)


# HIPS/autograd examples/lstm.py: update_lstm
@case("a05 LSTM cell over a sequence", args=(np.linspace(-0.5, 0.5, 4 * 6 * 3), np.array([0.1, -0.2, 0.3])))
def lstm_last_hidden(w, h0):
    gates = w.reshape(4, 6, 3)
    params = {"change": gates[0], "forget": gates[1], "ingate": gates[2], "outgate": gates[3]}
    hiddens = np.repeat(h0[None, :], 2, axis=0)
    cells = np.zeros((2, 3))
    for input in SEQ:
        change = np.tanh(concat_and_multiply(params["change"], input, hiddens))
        forget = sigmoid(concat_and_multiply(params["forget"], input, hiddens))
        ingate = sigmoid(concat_and_multiply(params["ingate"], input, hiddens))
        outgate = sigmoid(concat_and_multiply(params["outgate"], input, hiddens))
        cells = cells * forget + ingate * change
        hiddens = outgate * np.tanh(cells)
    return np.sum(hiddens ** 2)


def rbf_covariance(kernel_params, x, xp):
    output_scale = np.exp(kernel_params[0])
    lengthscales = np.exp(kernel_params[1:])
    diffs = np.expand_dims(x / lengthscales, 1) - np.expand_dims(xp / lengthscales, 0)
    return output_scale * np.exp(-0.5 * np.sum(diffs**2, axis=2))


GP_X = np.array([[-1.0], [-0.3], [0.2], [0.9], [1.5]])
GP_Y = np.array([0.3, -0.1, 0.4, 0.8, 0.2])


# HIPS/autograd examples/gaussian_process.py: log_marginal_likelihood (mvn.logpdf)
@case("a06 GP log marginal likelihood with stats.multivariate_normal",
      args=(np.array([0.1, -0.5, 0.2, -0.1]),), wrt=(0,))
def gp_log_marginal_likelihood(params):
    mean = params[0]
    cov_params = params[2:]
    noise_scale = np.exp(params[1]) + 0.0001
    cov_y_y = rbf_covariance(cov_params, GP_X, GP_X) + noise_scale * np.eye(len(GP_Y))
    prior_mean = mean * np.ones(len(GP_Y))
    return stats.multivariate_normal.logpdf(GP_Y, prior_mean, cov_y_y)


# the same likelihood as the textbook writes it (Rasmussen & Williams, algorithm 2.1)
@case("a07 GP marginal likelihood by Cholesky, solve_triangular-free",
      args=(np.array([0.1, -0.5, 0.2, -0.1]),), wrt=(0,))
def gp_nll_cholesky(params):
    K = rbf_covariance(params[2:], GP_X, GP_X) + (np.exp(params[1]) + 1e-4) * np.eye(len(GP_Y))
    L = np.linalg.cholesky(K)
    r = GP_Y - params[0]
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, r))
    return 0.5 * r @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * len(r) * np.log(2 * np.pi)


PIN = np.array([[0.2, 0.5], [-0.4, 0.1], [1.1, -0.3], [0.0, 0.9], [-0.8, -0.6]])


# HIPS/autograd examples/gmm.py: gmm_log_likelihood (zip over the unpacked params)
@case("a08 GMM log likelihood over zip(*unpack(params))",
      args=(np.array([0.2, -0.1]), np.array([0.3, -0.2, -0.5, 0.4])))
def gmm_log_likelihood(log_props, means):
    params = {"log proportions": log_props, "means": means.reshape(2, 2),
              "lower triangles": np.zeros((2, 2, 2)) + np.eye(2)}

    def log_normalize(x):
        return x - logsumexp(x)

    def unpack_gmm_params(params):
        normalized_log_proportions = log_normalize(params["log proportions"])
        return normalized_log_proportions, params["means"], params["lower triangles"]

    cluster_lls = []
    for log_proportion, mean, cov_sqrt in zip(*unpack_gmm_params(params)):
        cov = np.dot(cov_sqrt.T, cov_sqrt)
        cluster_lls.append(log_proportion + stats.multivariate_normal.logpdf(PIN, mean, cov))
    return np.sum(logsumexp(np.vstack(cluster_lls), axis=0))


EPS_SAMPLES = np.array([[0.3, -1.1], [1.4, 0.2], [-0.6, 0.8], [0.1, -0.3]])


# HIPS/autograd examples/black_box_svi.py with fixed noise in place of rs.randn
@case("a09 black-box SVI objective, closures made by a factory", args=(np.array([0.2, -0.3, -0.5, -0.1]),), wrt=(0,))
def bbsvi_objective(params):
    D = 2

    def log_density(x, t):
        mu, log_sigma = x[:, 0], x[:, 1]
        sigma_density = stats.norm.logpdf(log_sigma, 0, 1.35)
        mu_density = stats.norm.logpdf(mu, 0, np.exp(log_sigma))
        return sigma_density + mu_density

    def unpack_params(params):
        mean, log_std = params[:D], params[D:]
        return mean, log_std

    def gaussian_entropy(log_std):
        return 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)

    mean, log_std = unpack_params(params)
    samples = EPS_SAMPLES * np.exp(log_std) + mean
    lower_bound = gaussian_entropy(log_std) + np.mean(log_density(samples, 0))
    return -lower_bound


# HIPS/autograd examples/hmm_em.py: log_partition_function (tuple unpacked, int data)
@case("a10 HMM log partition function, a loop over int observations",
      args=(np.log(np.array([0.6, 0.4])), np.log(np.array([[0.7, 0.3], [0.2, 0.8]]))))
def hmm_log_partition(log_pi, log_A):
    log_B = np.log(np.array([[0.5, 0.4, 0.1], [0.1, 0.3, 0.6]]))
    natural_params = (log_pi, log_A, log_B)
    data = [0, 2, 1, 2]
    log_pi, log_A, log_B = natural_params
    log_alpha = log_pi
    for y in data:
        log_alpha = logsumexp(log_alpha[:, None] + log_A, axis=0) + log_B[:, y]
    return logsumexp(log_alpha)


# HIPS/autograd examples/negative_binomial_maxlike.py: negbin_loglike
@case("a11 negative binomial log likelihood with gammaln", args=(2.5, 0.3))
def negbin_loglike(r, p):
    x = np.array([0, 3, 1, 4, 2, 7])
    return np.sum(special.gammaln(r + x) - special.gammaln(r) - special.gammaln(x + 1)
                  + x * np.log(p) + r * np.log(1 - p))


# HIPS/autograd examples/fluidsim/fluidsim.py: project (Gauss-Seidel with np.roll, -=)
@case("a12 fluid projection with np.roll and in-place -=",
      args=(np.linspace(-0.3, 0.4, 16).reshape(4, 4), np.linspace(0.2, -0.1, 16).reshape(4, 4)))
def fluid_project(vx, vy):
    p = np.zeros(vx.shape)
    h = 1.0 / vx.shape[0]
    div = -0.5 * h * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0)
                      + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))
    for k in range(10):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)
             + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)) / 4.0
    vx -= 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)) / h
    vy -= 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1)) / h
    return np.sum(vx ** 2) + np.sum(vx * vy)


# HIPS/autograd examples/fluidsim/fluidsim.py: advect (floor, astype(int), fancy indexing)
@case("a13 fluid advection: bilinear interpolation by integer index arrays",
      args=(np.linspace(0.1, 1.0, 16).reshape(4, 4), np.full((4, 4), 0.3) + np.eye(4) * 0.1))
def advect(f, vx):
    vy = 0.5 * vx.T
    rows, cols = f.shape
    cell_ys, cell_xs = np.meshgrid(np.arange(rows), np.arange(cols))
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()
    left_ix = np.floor(center_xs).astype(int)
    top_ix = np.floor(center_ys).astype(int)
    rw = center_xs - left_ix
    bw = center_ys - top_ix
    left_ix = np.mod(left_ix, rows)
    right_ix = np.mod(left_ix + 1, rows)
    top_ix = np.mod(top_ix, cols)
    bot_ix = np.mod(top_ix + 1, cols)
    flat_f = (1 - rw) * ((1 - bw) * f[left_ix, top_ix] + bw * f[left_ix, bot_ix]) + rw * (
        (1 - bw) * f[right_ix, top_ix] + bw * f[right_ix, bot_ix])
    return np.sum(np.reshape(flat_f, (rows, cols)) ** 2)


# HIPS/autograd examples/fixed_points.py, the fixed point as a plain while loop
@case("a14 sqrt by a fixed-point while loop with a tolerance", args=(2.0,), wrt=(0,))
def fixed_point_sqrt(a):
    x = 10.0
    x_prev = x + 1.0
    while np.abs(x - x_prev) > 1e-10:
        x_prev = x
        x = 0.5 * (x + a / x)
    return x


# HIPS/autograd examples/mixture_variational_inference.py: diag_gaussian_log_density
@case("a15 diagonal Gaussian log density, np.shape(params)[0] // 2", args=(np.array([0.1, -0.2, -0.4, 0.3]),), wrt=(0,))
def variational_log_density_gaussian(params):
    D = np.shape(params)[0] // 2
    mean, log_std = params[:D], params[D:]
    return np.sum(np.sum(stats.norm.logpdf(EPS_SAMPLES, mean, np.exp(log_std)), axis=-1))


# HIPS/autograd examples/ica.py: logprob with stats.t
@case("a16 ICA log likelihood with stats.t.logpdf", args=(np.linspace(-0.5, 0.6, 6), 0.7))
def ica_logprob(w, noise_std):
    weights = np.reshape(w, (3, 2))
    latents = EPS_SAMPLES.T
    preds = np.dot(weights, latents).T
    observed = np.ones((4, 3)) * 0.2
    return np.sum(stats.t.logpdf(preds, 2.4, observed, noise_std))


# The examples below keep their helpers, factories and globals; the data are small arrays
# in place of downloads, FixedNoise stands in for npr.RandomState (the same draws every
# call, so finite differences see one function), and helpers two examples define
# differently carry the example's name as a prefix.

class FixedNoise:
    """In place of ``npr.RandomState(0)``: ``randn`` and ``rand`` give fixed draws."""

    def randn(self, *shape):
        return np.cos(np.arange(1.0, 1.0 + np.prod(shape)) * 2.3).reshape(shape)

    def rand(self, *shape):
        return 0.5 + 0.5 * np.sin(np.arange(1.0, 1.0 + np.prod(shape)) * 1.7).reshape(shape)


def layers_from_flat(flat, layer_sizes):
    """The list of (weights, biases) tuples ``init_random_params`` builds, read from a vector."""
    params = []
    for m, n in itertools.pairwise(layer_sizes):
        params.append((flat[:m * n].reshape(m, n), flat[m * n:m * n + n]))
        flat = flat[(m + 1) * n:]
    return params


# HIPS/autograd examples/black_box_svi.py: black_box_variational_inference, as written
def black_box_variational_inference(logprob, D, num_samples):
    """Implements http://arxiv.org/abs/1401.0118, and uses the
    local reparameterization trick from http://arxiv.org/abs/1506.02557"""

    def unpack_params(params):
        # Variational dist is a diagonal Gaussian.
        mean, log_std = params[:D], params[D:]
        return mean, log_std

    def gaussian_entropy(log_std):
        return 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)

    rs = FixedNoise()

    def variational_objective(params, t):
        """Provides a stochastic estimate of the variational lower bound."""
        mean, log_std = unpack_params(params)
        samples = rs.randn(num_samples, D) * np.exp(log_std) + mean
        lower_bound = gaussian_entropy(log_std) + np.mean(logprob(samples, t))
        return -lower_bound

    def gradient(params, t):        # autograd's grad(variational_objective)
        return astgrad.grad(variational_objective)(params, t)

    return variational_objective, gradient, unpack_params


# HIPS/autograd examples/bayesian_neural_net.py: make_nn_funs (a generator of layers,
# einsum over weight samples) under black-box SVI
def make_nn_funs(layer_sizes, L2_reg, noise_variance, nonlinearity=np.tanh):
    """These functions implement a standard multi-layer perceptron,
    vectorized over both training examples and weight samples."""
    shapes = list(itertools.pairwise(layer_sizes))
    num_weights = sum((m + 1) * n for m, n in shapes)

    def unpack_layers(weights):
        num_weight_sets = len(weights)
        for m, n in shapes:
            yield (
                weights[:, : m * n].reshape((num_weight_sets, m, n)),
                weights[:, m * n : m * n + n].reshape((num_weight_sets, 1, n)),
            )
            weights = weights[:, (m + 1) * n :]

    def predictions(weights, inputs):
        """weights is shape (num_weight_samples x num_weights)
        inputs  is shape (num_datapoints x D)"""
        inputs = np.expand_dims(inputs, 0)
        for W, b in unpack_layers(weights):
            outputs = np.einsum("mnd,mdo->mno", inputs, W) + b
            inputs = nonlinearity(outputs)
        return outputs

    def logprob(weights, inputs, targets):
        log_prior = -L2_reg * np.sum(weights**2, axis=1)
        preds = predictions(weights, inputs)
        log_lik = -np.sum((preds - targets) ** 2, axis=1)[:, 0] / noise_variance
        return log_prior + log_lik

    return num_weights, predictions, logprob


BNN_INPUTS = np.array([[-1.0], [-0.6], [0.5], [0.9]])
BNN_TARGETS = np.cos(4.0 * BNN_INPUTS + 4.0)
rbf = lambda x: np.exp(-(x**2))  # noqa: E731 - as the example writes it
num_weights, bnn_predictions, bnn_logprob = make_nn_funs(
    layer_sizes=[1, 3, 1], L2_reg=0.1, noise_variance=0.01, nonlinearity=rbf)
log_posterior = lambda weights, t: bnn_logprob(weights, BNN_INPUTS, BNN_TARGETS)  # noqa: E731
bnn_objective, bnn_gradient, bnn_unpack_params = black_box_variational_inference(
    log_posterior, num_weights, num_samples=3)
case("a17 Bayesian neural net: SVI objective over a generator of einsum layers",
     args=(np.concatenate([np.linspace(-0.8, 0.9, num_weights), np.linspace(-1.5, -0.5, num_weights)]), 0),
     wrt=(0,))(bnn_objective)


# HIPS/autograd examples/gaussian_process.py: make_gp_funs, as written (rbf_covariance above)
def make_gp_funs(cov_func, num_cov_params):
    """Functions that perform Gaussian process regression.
    cov_func has signature (cov_params, x, x')"""

    def unpack_kernel_params(params):
        mean = params[0]
        cov_params = params[2:]
        noise_scale = np.exp(params[1]) + 0.0001
        return mean, cov_params, noise_scale

    def predict(params, x, y, xstar):
        """Returns the predictive mean and covariance at locations xstar,
        of the latent function value f (without observation noise)."""
        mean, cov_params, noise_scale = unpack_kernel_params(params)
        cov_f_f = cov_func(cov_params, xstar, xstar)
        cov_y_f = cov_func(cov_params, x, xstar)
        cov_y_y = cov_func(cov_params, x, x) + noise_scale * np.eye(len(y))
        pred_mean = mean + np.dot(solve(cov_y_y, cov_y_f).T, y - mean)
        pred_cov = cov_f_f - np.dot(solve(cov_y_y, cov_y_f).T, cov_y_f)
        return pred_mean, pred_cov

    def log_marginal_likelihood(params, x, y):
        mean, cov_params, noise_scale = unpack_kernel_params(params)
        cov_y_y = cov_func(cov_params, x, x) + noise_scale * np.eye(len(y))
        prior_mean = mean * np.ones(len(y))
        return mvn.logpdf(y, prior_mean, cov_y_y)

    return num_cov_params + 2, predict, log_marginal_likelihood


# HIPS/autograd examples/bayesian_optimization.py
def expected_new_max(mean, std, max_so_far):
    return (
        max_so_far
        - (mean - max_so_far) * norm.cdf(mean, max_so_far, std)
        + std * norm.pdf(mean, max_so_far, std)
    )


def defaultmax(x, default=-np.inf):
    if x.size == 0:
        return default
    return np.max(x)


def bayesian_optimization_step(X, y, model_params, D=1):
    """The body of bayesian_optimize's loop: the GP objective and the acquisition function."""
    num_params, predict, log_marginal_likelihood = make_gp_funs(rbf_covariance, num_cov_params=D + 1)
    log_hyperprior = lambda params: np.sum(norm.logpdf(params, 0.0, 100.0))  # noqa: E731
    objective = lambda params: -log_marginal_likelihood(params, X, y) - log_hyperprior(params)  # noqa: E731

    def predict_func(xstar, model_params=model_params, X=X, y=y):
        mean, cov = predict(model_params, X, y, xstar)
        return mean, np.sqrt(np.diag(cov))

    def acquisition_function(xstar, y=y):
        xstar = np.atleast_2d(xstar)  # To work around a bug in scipy.minimize
        mean, std = predict_func(xstar)
        return expected_new_max(mean, std, defaultmax(y))

    return objective, lambda x: -acquisition_function(x)


BO_X = np.array([[0.55], [0.2], [0.9]])
BO_Y = np.sum(BO_X * np.sin(10.0 * BO_X) + BO_X, axis=1) - 1
bo_objective, bo_negative_acquisition = bayesian_optimization_step(BO_X, BO_Y, np.array([0.1, -1.0, 0.2, -1.2]))
case("a18 Bayesian optimization: GP hyperparameters under a norm.logpdf hyperprior",
     args=(np.array([0.1, -1.0, 0.2, -1.2]),), wrt=(0,))(bo_objective)
case("a19 Bayesian optimization: expected new max through the GP's predictive",
     args=(np.array([0.4]),), wrt=(0,))(bo_negative_acquisition)


# HIPS/autograd examples/deep_gaussian_process.py: build_deep_gp reads the script's
# globals n_data, X and y (here DGP_N_DATA, DGP_X, DGP_Y)
def build_deep_gp(input_dimension, hidden_dimension, covariance_function):
    # GP going from input to hidden
    num_params_layer1, predict_layer1, log_marginal_likelihood_layer1 = make_gp_funs(
        covariance_function, num_cov_params=input_dimension + 1
    )

    # GP going from hidden to output
    num_params_layer2, predict_layer2, log_marginal_likelihood_layer2 = make_gp_funs(
        covariance_function, num_cov_params=hidden_dimension + 1
    )

    num_hidden_params = hidden_dimension * DGP_N_DATA
    total_num_params = num_params_layer1 + num_params_layer2 + num_hidden_params

    def unpack_all_params(all_params):
        layer1_params = all_params[:num_params_layer1]
        layer2_params = all_params[num_params_layer1 : num_params_layer1 + num_params_layer2]
        hiddens = all_params[num_params_layer1 + num_params_layer2 :]
        return layer1_params, layer2_params, hiddens

    def log_marginal_likelihood(all_params):
        layer1_params, layer2_params, h = unpack_all_params(all_params)
        return log_marginal_likelihood_layer1(layer1_params, DGP_X, h) + log_marginal_likelihood_layer2(
            layer2_params, np.atleast_2d(h).T, DGP_Y
        )

    return total_num_params, log_marginal_likelihood, unpack_all_params


DGP_N_DATA = 4
DGP_X = np.linspace(-2, 2, num=DGP_N_DATA).reshape((DGP_N_DATA, 1))
DGP_Y = np.sign(DGP_X[:, 0]) + np.array([0.05, -0.1, 0.08, 0.02])
dgp_num_params, dgp_log_marginal_likelihood, _ = build_deep_gp(1, 1, rbf_covariance)
case("a20 deep GP: two make_gp_funs likelihoods sharing the hidden values",
     args=(0.1 * np.cos(np.arange(dgp_num_params) * 1.3),), wrt=(0,))(lambda params: -dgp_log_marginal_likelihood(params))


# HIPS/autograd examples/data.py: make_pinwheel, given FixedNoise
def make_pinwheel(radial_std, tangential_std, num_classes, num_per_class, rate, rs=None):
    """Based on code by Ryan P. Adams."""
    rs = rs if rs is not None else FixedNoise()
    rads = np.linspace(0, 2 * np.pi, num_classes, endpoint=False)

    features = rs.randn(num_classes * num_per_class, 2) * np.array([radial_std, tangential_std])
    features[:, 0] += 1
    labels = np.repeat(np.arange(num_classes), num_per_class)

    angles = rads[labels] + rate * np.exp(features[:, 0])
    rotations = np.stack([np.cos(angles), -np.sin(angles), np.sin(angles), np.cos(angles)])
    rotations = np.reshape(rotations.T, (-1, 2, 2))

    return np.einsum("ti,tij->tj", features, rotations)


# HIPS/autograd examples/gplvm.py: the script's body, a function here
def make_gplvm_objective():
    data_dimension = 2  # Normally the data dimension would be much higher.
    latent_dimension = 2

    # Build model and objective function.
    params_per_gp, predict, log_marginal_likelihood = make_gp_funs(
        rbf_covariance, num_cov_params=latent_dimension + 1
    )
    total_gp_params = data_dimension * params_per_gp

    data = make_pinwheel(radial_std=0.3, tangential_std=0.05, num_classes=3, num_per_class=2, rate=0.4)
    datalen = data.shape[0]

    num_latent_params = datalen * latent_dimension

    def unpack_params(params):
        gp_params = np.reshape(params[:total_gp_params], (data_dimension, params_per_gp))
        latents = np.reshape(params[total_gp_params:], (datalen, latent_dimension))
        return gp_params, latents

    def objective(params):
        gp_params, latents = unpack_params(params)
        gp_likelihood = sum(
            [log_marginal_likelihood(gp_params[i], latents, data[:, i]) for i in range(data_dimension)]
        )
        latent_prior_likelihood = np.sum(norm.logpdf(latents))
        return -gp_likelihood - latent_prior_likelihood

    return objective, total_gp_params + num_latent_params


gplvm_objective, gplvm_num_params = make_gplvm_objective()
case("a21 GPLVM: sum of a list comprehension of GP likelihoods, latents under norm.logpdf",
     args=(0.3 * np.sin(np.arange(gplvm_num_params) * 0.9 + 0.2),), wrt=(0,))(gplvm_objective)


# HIPS/autograd examples/generative_adversarial_net.py (its neural_net_predict: gan_ prefix)
def logsigmoid(x):
    return x - np.logaddexp(0, x)


def batch_normalize(activations):
    mbmean = np.mean(activations, axis=0, keepdims=True)
    return (activations - mbmean) / (np.std(activations, axis=0, keepdims=True) + 1)


def gan_neural_net_predict(params, inputs):
    """Params is a list of (weights, bias) tuples.
    inputs is an (N x D) matrix."""
    inpW, inpb = params[0]
    inputs = relu(np.dot(inputs, inpW) + inpb)
    for W, b in params[1:-1]:
        outputs = batch_normalize(np.dot(inputs, W) + b)
        inputs = relu(outputs)
    outW, outb = params[-1]
    outputs = np.dot(inputs, outW) + outb
    return outputs


def generate_from_noise(gen_params, num_samples, noise_dim, rs):
    noise = rs.rand(num_samples, noise_dim)
    samples = gan_neural_net_predict(gen_params, noise)
    return sigmoid(samples)


def gan_objective(gen_params, dsc_params, real_data, num_samples, noise_dim, rs):
    fake_data = generate_from_noise(gen_params, num_samples, noise_dim, rs)
    logprobs_fake = logsigmoid(gan_neural_net_predict(dsc_params, fake_data))
    logprobs_real = logsigmoid(gan_neural_net_predict(dsc_params, real_data))
    return np.mean(logprobs_real) - np.mean(logprobs_fake)


GAN_REAL = np.array([[0.9, 0.1, 0.8], [0.2, 0.7, 0.6], [0.5, 0.4, 0.1], [0.3, 0.95, 0.35]])


@case("a22 GAN objective: batch-normalized relu nets on fixed noise",
      args=(np.linspace(-0.9, 0.8, 2 * 3 + 3 + 3 * 3 + 3 + 3 * 3 + 3) * np.tile([1.0, -0.7, 0.4], 11),
            np.linspace(0.7, -0.6, 3 * 3 + 3 + 3 * 3 + 3 + 3 * 1 + 1) * np.tile([1.0, 0.6, -0.8], 10)[:28]))
def gan_objective_of_vectors(gen_flat, dsc_flat):
    gen_params = layers_from_flat(gen_flat, [2, 3, 3, 3])
    dsc_params = layers_from_flat(dsc_flat, [3, 3, 3, 1])
    return gan_objective(gen_params, dsc_params, GAN_REAL, 4, 2, FixedNoise())


# HIPS/autograd examples/natural_gradient_black_box_svi.py: its log_density under
# black_box_variational_inference, and the natural gradient it preconditions
NG_OBS_DIM = 3
NG_Y = np.array([0.4, -1.1, 0.7])


def ng_log_density(x, t):
    mu, log_sigma = x[:, :NG_OBS_DIM], x[:, NG_OBS_DIM:]
    sigma_density = np.sum(norm.logpdf(log_sigma, 0, 1.35), axis=1)
    mu_density = np.sum(norm.logpdf(NG_Y, mu, np.exp(log_sigma)), axis=1)
    return sigma_density + mu_density


ng_objective, ng_gradient, ng_unpack_params = black_box_variational_inference(
    ng_log_density, NG_OBS_DIM * 2, num_samples=4)
case("a23 natural-gradient SVI objective: a log density over sliced samples",
     args=(np.concatenate([np.linspace(-1.0, 0.5, 6), np.linspace(-0.8, -0.2, 6)]), 0), wrt=(0,))(ng_objective)


# HIPS/autograd examples/neural_net_regression.py (autograd.misc.flatten: the flatten below)
def flatten(params):
    """autograd.misc.flatten of a list of (weights, biases) tuples: the vector (the function
    rebuilding the list, which the example does not use, is left out)."""
    return np.concatenate([np.concatenate([np.ravel(W), np.ravel(b)]) for W, b in params]), None


def nn_predict(params, inputs, nonlinearity=np.tanh):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = nonlinearity(outputs)
    return outputs


def log_gaussian(params, scale):
    flat_params, _ = flatten(params)
    return np.sum(norm.logpdf(flat_params, 0, scale))


def nnr_logprob(weights, inputs, targets, noise_scale=0.1):
    predictions = nn_predict(weights, inputs)
    return np.sum(norm.logpdf(predictions, targets, noise_scale))


NNR_INPUTS = np.array([-1.5, -0.9, 0.4, 1.0, 1.6])[:, np.newaxis]
NNR_TARGETS = np.cos(2.0 * NNR_INPUTS + 4.0) / 2.0


@case("a24 neural net regression: norm.logpdf of predictions and of the flattened weights",
      args=(np.linspace(-0.6, 0.7, 2 * 4 + 5 * 4 + 5) * np.tile([1.0, -0.5, 0.8], 11), 0), wrt=(0,))
def nnr_objective_of_vector(flat, t):
    weights = layers_from_flat(flat, [1, 4, 4, 1])
    weight_prior_variance = 10.0

    def objective(weights, t):
        return -nnr_logprob(weights, NNR_INPUTS, NNR_TARGETS) - log_gaussian(weights, weight_prior_variance)
    return objective(weights, t)


# HIPS/autograd examples/sinusoid.py: the Taylor series with a print and a tolerance break
# (the example plots grad(fun) and grad(grad(fun)))
@case("a25 sine by its Taylor series, print and break on a tolerance", args=(2.3,), wrt=(0,))
def taylor_sine(x):
    currterm = x
    ans = currterm
    for i in range(1000):
        print(i, end=" ")
        currterm = -currterm * x**2 / ((2 * i + 3) * (2 * i + 2))
        ans = ans + currterm
        if np.abs(currterm) < 0.2:
            break  # (Very generous tolerance!)

    return ans


# HIPS/autograd examples/tanh.py: it plots egrad(tanh) to egrad(egrad(egrad(egrad(tanh))))
# (all four: tests/test_outsider_programs.py)
def tanh(x):
    return (1.0 - np.exp(-2 * x)) / (1.0 + np.exp(-(2 * x)))


def egrad(fun):
    """autograd's elementwise_grad of a function applied elementwise: the gradient of the
    sum of its values."""
    return astgrad.grad(lambda x: np.sum(fun(x)))


egrad_tanh = egrad(tanh)
case("a26 egrad(tanh), tanh written with exp, summed", args=(np.linspace(-2.0, 2.0, 5),),
     wrt=(0,))(lambda x: np.sum(egrad_tanh(x)))


# HIPS/autograd examples/variational_autoencoder.py (its neural_net_predict: vae_ prefix)
def diag_gaussian_log_density(x, mu, log_std):
    return np.sum(norm.logpdf(x, mu, np.exp(log_std)), axis=-1)


def unpack_gaussian_params(params):
    # Params of a diagonal Gaussian.
    D = np.shape(params)[-1] // 2
    mean, log_std = params[:, :D], params[:, D:]
    return mean, log_std


def sample_diag_gaussian(mean, log_std, rs):
    return rs.randn(*mean.shape) * np.exp(log_std) + mean


def bernoulli_log_density(targets, unnormalized_logprobs):
    # unnormalized_logprobs are in R
    # Targets must be -1 or 1
    label_probabilities = -np.logaddexp(0, -unnormalized_logprobs * targets)
    return np.sum(label_probabilities, axis=-1)  # Sum across pixels.


def vae_neural_net_predict(params, inputs):
    """Params is a list of (weights, bias) tuples.
    inputs is an (N x D) matrix.
    Applies batch normalization to every layer but the last."""
    for W, b in params[:-1]:
        outputs = batch_normalize(np.dot(inputs, W) + b)  # linear transformation
        inputs = relu(outputs)  # nonlinear transformation
    outW, outb = params[-1]
    outputs = np.dot(inputs, outW) + outb
    return outputs


def nn_predict_gaussian(params, inputs):
    # Returns means and diagonal variances
    return unpack_gaussian_params(vae_neural_net_predict(params, inputs))


def p_images_given_latents(gen_params, images, latents):
    preds = vae_neural_net_predict(gen_params, latents)
    return bernoulli_log_density(images, preds)


def vae_lower_bound(gen_params, rec_params, data, rs):
    # We use a simple Monte Carlo estimate of the KL
    # divergence from the prior.
    q_means, q_log_stds = nn_predict_gaussian(rec_params, data)
    latents = sample_diag_gaussian(q_means, q_log_stds, rs)
    q_latents = diag_gaussian_log_density(latents, q_means, q_log_stds)
    p_latents = diag_gaussian_log_density(latents, 0, 0)
    likelihood = p_images_given_latents(gen_params, data, latents)
    return np.mean(p_latents + likelihood - q_latents)


VAE_IMAGES = np.array([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0], [1.0, 1.0, -1.0], [-1.0, 1.0, 1.0]])


@case("a27 VAE lower bound: rs.randn(*mean.shape), logaddexp, norm.logpdf with int arguments",
      args=(np.linspace(-0.8, 0.9, 1 * 3 + 3 + 3 * 3 + 3) * np.tile([1.0, -0.6, 0.5], 6),
            np.linspace(0.6, -0.7, 3 * 3 + 3 + 3 * 2 + 2) * np.tile([1.0, 0.7, -0.9, 0.4], 5)))
def vae_objective_of_vectors(gen_flat, rec_flat):
    gen_params = layers_from_flat(gen_flat, [1, 3, 3])
    rec_params = layers_from_flat(rec_flat, [3, 3, 2])
    return -vae_lower_bound(gen_params, rec_params, VAE_IMAGES, FixedNoise()) / 3


# HIPS/autograd examples/fluidsim/fluidsim.py, its objective as written at 4 x 4 cells and
# two time steps (project and advect: fluidsim_ prefix; a12 and a13 above take them apart)
def fluidsim_project(vx, vy):
    """Project the velocity field to be approximately mass-conserving,
    using a few iterations of Gauss-Seidel."""
    p = np.zeros(vx.shape)
    h = 1.0 / vx.shape[0]
    div = (
        -0.5
        * h
        * (
            np.roll(vx, -1, axis=0)
            - np.roll(vx, 1, axis=0)
            + np.roll(vy, -1, axis=1)
            - np.roll(vy, 1, axis=1)
        )
    )

    for k in range(10):
        p = (
            div
            + np.roll(p, 1, axis=0)
            + np.roll(p, -1, axis=0)
            + np.roll(p, 1, axis=1)
            + np.roll(p, -1, axis=1)
        ) / 4.0

    vx -= 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)) / h
    vy -= 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1)) / h
    return vx, vy


def fluidsim_advect(f, vx, vy):
    """Move field f according to x and y velocities (u and v)
    using an implicit Euler integrator."""
    rows, cols = f.shape
    cell_ys, cell_xs = np.meshgrid(np.arange(rows), np.arange(cols))
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()

    # Compute indices of source cells.
    left_ix = np.floor(center_xs).astype(int)
    top_ix = np.floor(center_ys).astype(int)
    rw = center_xs - left_ix  # Relative weight of right-hand cells.
    bw = center_ys - top_ix  # Relative weight of bottom cells.
    left_ix = np.mod(left_ix, rows)  # Wrap around edges of simulation.
    right_ix = np.mod(left_ix + 1, rows)
    top_ix = np.mod(top_ix, cols)
    bot_ix = np.mod(top_ix + 1, cols)

    # A linearly-weighted sum of the 4 surrounding cells.
    flat_f = (1 - rw) * ((1 - bw) * f[left_ix, top_ix] + bw * f[left_ix, bot_ix]) + rw * (
        (1 - bw) * f[right_ix, top_ix] + bw * f[right_ix, bot_ix]
    )
    return np.reshape(flat_f, (rows, cols))


def fluidsim_simulate(vx, vy, smoke, num_time_steps, ax=None, render=False):
    print("Running simulation...")
    for t in range(num_time_steps):
        if ax:
            fluidsim_plot_matrix(ax, smoke, t, render)
        vx_updated = fluidsim_advect(vx, vx, vy)
        vy_updated = fluidsim_advect(vy, vx, vy)
        vx, vy = fluidsim_project(vx_updated, vy_updated)
        smoke = fluidsim_advect(smoke, vx, vy)
    if ax:
        fluidsim_plot_matrix(ax, smoke, num_time_steps, render)
    return smoke


def fluidsim_plot_matrix(ax, mat, t, render=False):
    if render:
        ax.figure.savefig(f"step{t:03d}.png")


FLUIDSIM_INIT_SMOKE = np.array([[0.0, 0.2, 0.9, 0.1], [0.3, 1.0, 0.6, 0.0], [0.1, 0.5, 0.8, 0.2], [0.0, 0.1, 0.3, 0.0]])
FLUIDSIM_TARGET = FLUIDSIM_INIT_SMOKE[::-1].T


@case("a28 fluid simulation: distance of the advected smoke from a target image",
      args=(0.3 * np.sin(np.arange(2 * 4 * 4) * 0.7 + 0.2),), wrt=(0,))
def fluidsim_objective(params):
    simulation_timesteps = 2
    target = FLUIDSIM_TARGET
    init_smoke = FLUIDSIM_INIT_SMOKE
    rows, cols = target.shape

    def distance_from_target_image(smoke):
        return np.mean((target - smoke) ** 2)

    def convert_param_vector_to_matrices(params):
        vx = np.reshape(params[: (rows * cols)], (rows, cols))
        vy = np.reshape(params[(rows * cols) :], (rows, cols))
        return vx, vy

    init_vx, init_vy = convert_param_vector_to_matrices(params)
    final_smoke = fluidsim_simulate(init_vx, init_vy, init_smoke, simulation_timesteps)
    return distance_from_target_image(final_smoke)


# HIPS/autograd examples/fluidsim/wing.py at 4 x 4 cells, one time step (its project and
# advect: wing_ prefix; the plotting is what ax.imshow keeps of it)
rows, cols = 4, 4


def occlude(f, occlusion):
    return f * (1 - occlusion)


def wing_project(vx, vy, occlusion):
    """Project the velocity field to be approximately mass-conserving,
    using a few iterations of Gauss-Seidel."""
    p = np.zeros(vx.shape)
    div = -0.5 * (
        np.roll(vx, -1, axis=1) - np.roll(vx, 1, axis=1) + np.roll(vy, -1, axis=0) - np.roll(vy, 1, axis=0)
    )
    div = make_continuous(div, occlusion)

    for k in range(50):
        p = (
            div
            + np.roll(p, 1, axis=1)
            + np.roll(p, -1, axis=1)
            + np.roll(p, 1, axis=0)
            + np.roll(p, -1, axis=0)
        ) / 4.0
        p = make_continuous(p, occlusion)

    vx = vx - 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1))
    vy = vy - 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0))

    vx = occlude(vx, occlusion)
    vy = occlude(vy, occlusion)
    return vx, vy


def wing_advect(f, vx, vy):
    """Move field f according to x and y velocities (u and v)
    using an implicit Euler integrator."""
    rows, cols = f.shape
    cell_xs, cell_ys = np.meshgrid(np.arange(cols), np.arange(rows))
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()

    # Compute indices of source cells.
    left_ix = np.floor(center_ys).astype(int)
    top_ix = np.floor(center_xs).astype(int)
    rw = center_ys - left_ix  # Relative weight of right-hand cells.
    bw = center_xs - top_ix  # Relative weight of bottom cells.
    left_ix = np.mod(left_ix, rows)  # Wrap around edges of simulation.
    right_ix = np.mod(left_ix + 1, rows)
    top_ix = np.mod(top_ix, cols)
    bot_ix = np.mod(top_ix + 1, cols)

    # A linearly-weighted sum of the 4 surrounding cells.
    flat_f = (1 - rw) * ((1 - bw) * f[left_ix, top_ix] + bw * f[left_ix, bot_ix]) + rw * (
        (1 - bw) * f[right_ix, top_ix] + bw * f[right_ix, bot_ix]
    )
    return np.reshape(flat_f, (rows, cols))


def make_continuous(f, occlusion):
    non_occluded = 1 - occlusion
    num = (
        np.roll(f, 1, axis=0) * np.roll(non_occluded, 1, axis=0)
        + np.roll(f, -1, axis=0) * np.roll(non_occluded, -1, axis=0)
        + np.roll(f, 1, axis=1) * np.roll(non_occluded, 1, axis=1)
        + np.roll(f, -1, axis=1) * np.roll(non_occluded, -1, axis=1)
    )
    den = (
        np.roll(non_occluded, 1, axis=0)
        + np.roll(non_occluded, -1, axis=0)
        + np.roll(non_occluded, 1, axis=1)
        + np.roll(non_occluded, -1, axis=1)
    )
    return f * non_occluded + (1 - non_occluded) * num / (den + 0.001)


def wing_simulate(vx, vy, num_time_steps, occlusion, ax=None, render=False):
    occlusion = sigmoid(occlusion)

    # Disallow occlusion outside a certain area.
    mask = np.zeros((rows, cols))
    mask[1:3, 1:3] = 1.0
    occlusion = occlusion * mask

    # Initialize smoke bands.
    red_smoke = np.zeros((rows, cols))
    red_smoke[rows // 4 : rows // 2] = 1
    blue_smoke = np.zeros((rows, cols))
    blue_smoke[rows // 2 : 3 * rows // 4] = 1

    print("Running simulation...")
    vx, vy = wing_project(vx, vy, occlusion)
    for t in range(num_time_steps):
        plot_matrix(ax, red_smoke, occlusion, blue_smoke, t, render)
        vx_updated = wing_advect(vx, vx, vy)
        vy_updated = wing_advect(vy, vx, vy)
        vx, vy = wing_project(vx_updated, vy_updated, occlusion)
        red_smoke = wing_advect(red_smoke, vx, vy)
        red_smoke = occlude(red_smoke, occlusion)
        blue_smoke = wing_advect(blue_smoke, vx, vy)
        blue_smoke = occlude(blue_smoke, occlusion)
    plot_matrix(ax, red_smoke, occlusion, blue_smoke, num_time_steps, render)
    return vx, vy


def plot_matrix(ax, r, g, b, t, render=False):
    if ax:
        ax.imshow(np.concatenate((r[..., np.newaxis], g[..., np.newaxis], b[..., np.newaxis]), axis=2))
        if render:
            ax.figure.savefig(f"step{t:03d}.png", bbox_inches="tight")


init_vx = np.ones((rows, cols))
init_vy = np.zeros((rows, cols))


def drag(vx):
    return np.mean(init_vx - vx)


def lift(vy):
    return np.mean(vy - init_vy)


@case("a29 wing: lift over drag of a fluid simulation around a sigmoid occlusion",
      args=(np.where(np.arange(rows * cols) % 3 == 0, 0.0, -1.0) + 0.1 * np.sin(np.arange(rows * cols)),), wrt=(0,))
def wing_objective(params):
    simulation_timesteps = 1
    cur_occlusion = np.reshape(params, (rows, cols))
    final_vx, final_vy = wing_simulate(init_vx, init_vy, simulation_timesteps, cur_occlusion)
    return -lift(final_vy) / drag(final_vx)


# HIPS/autograd examples/convnet.py without conv_layer (it calls autograd's own
# scipy.signal.convolve, whose dot_axes SciPy does not have): the weights parser, layers
# as classes keyed in a dict by the layer objects, and the loss
class WeightsParser:
    """A helper class to index into a parameter vector."""

    def __init__(self):
        self.idxs_and_shapes = {}
        self.N = 0

    def add_weights(self, name, shape):
        start = self.N
        self.N += np.prod(shape)
        self.idxs_and_shapes[name] = (slice(start, self.N), shape)

    def get(self, vect, name):
        idxs, shape = self.idxs_and_shapes[name]
        return np.reshape(vect[idxs], shape)


def convnet_logsumexp(X, axis, keepdims=False):
    max_X = np.max(X)
    return max_X + np.log(np.sum(np.exp(X - max_X), axis=axis, keepdims=keepdims))


def convnet_make_nn_funs(input_shape, layer_specs, L2_reg):
    parser = WeightsParser()
    cur_shape = input_shape
    for layer in layer_specs:
        N_weights, cur_shape = layer.build_weights_dict(cur_shape)
        parser.add_weights(layer, (N_weights,))

    def predictions(W_vect, inputs):
        """Outputs normalized log-probabilities.
        shape of inputs : [data, color, y, x]"""
        cur_units = inputs
        for layer in layer_specs:
            cur_weights = parser.get(W_vect, layer)
            cur_units = layer.forward_pass(cur_units, cur_weights)
        return cur_units

    def loss(W_vect, X, T):
        log_prior = -L2_reg * np.dot(W_vect, W_vect)
        log_lik = np.sum(predictions(W_vect, X) * T)
        return -log_prior - log_lik

    return parser.N, predictions, loss


class maxpool_layer:
    def __init__(self, pool_shape):
        self.pool_shape = pool_shape

    def build_weights_dict(self, input_shape):
        # input_shape dimensions: [color, y, x]
        output_shape = list(input_shape)
        for i in [0, 1]:
            assert input_shape[i + 1] % self.pool_shape[i] == 0, "maxpool shape should tile input exactly"
            output_shape[i + 1] = input_shape[i + 1] / self.pool_shape[i]
        return 0, output_shape

    def forward_pass(self, inputs, param_vector):
        new_shape = inputs.shape[:2]
        for i in [0, 1]:
            pool_width = self.pool_shape[i]
            img_width = inputs.shape[i + 2]
            new_shape += (img_width // pool_width, pool_width)
        result = inputs.reshape(new_shape)
        return np.max(np.max(result, axis=3), axis=4)


class full_layer:
    def __init__(self, size):
        self.size = size

    def build_weights_dict(self, input_shape):
        # Input shape is anything (all flattened)
        input_size = np.prod(input_shape, dtype=int)
        self.parser = WeightsParser()
        self.parser.add_weights("params", (input_size, self.size))
        self.parser.add_weights("biases", (self.size,))
        return self.parser.N, (self.size,)

    def forward_pass(self, inputs, param_vector):
        params = self.parser.get(param_vector, "params")
        biases = self.parser.get(param_vector, "biases")
        if inputs.ndim > 2:
            inputs = inputs.reshape((inputs.shape[0], np.prod(inputs.shape[1:])))
        return self.nonlinearity(np.dot(inputs[:, :], params) + biases)


class tanh_layer(full_layer):
    def nonlinearity(self, x):
        return np.tanh(x)


class softmax_layer(full_layer):
    def nonlinearity(self, x):
        return x - convnet_logsumexp(x, axis=1, keepdims=True)


CONVNET_IMAGES = np.sin(np.arange(3 * 1 * 4 * 4) * 0.77).reshape(3, 1, 4, 4)
CONVNET_LABELS = np.eye(3)[[0, 2, 1]]
CONVNET_LAYERS = [maxpool_layer((2, 2)), tanh_layer(3), softmax_layer(3)]
convnet_num_weights, convnet_predictions, convnet_loss = convnet_make_nn_funs((1, 4, 4), CONVNET_LAYERS, L2_reg=1.0)
case("a30 LeNet-style net without convolutions: layer classes, a parser dict keyed by layers",
     args=(0.3 * np.cos(np.arange(convnet_num_weights) * 1.1), CONVNET_IMAGES, CONVNET_LABELS),
     wrt=(0,))(convnet_loss)

# the same loss given make_nn_funs's closure variables, the layers and the weights parser,
# as arguments (astgrad follows the methods of objects given as arguments)
CONVNET_PARSER = WeightsParser()
for layer in CONVNET_LAYERS:
    CONVNET_PARSER.add_weights(layer, (layer.parser.N if hasattr(layer, "parser") else 0,))


@case("a31 the LeNet-style loss given its layer objects and weights parser",
      args=(0.3 * np.cos(np.arange(convnet_num_weights) * 1.1), CONVNET_IMAGES, CONVNET_LABELS,
            CONVNET_LAYERS, CONVNET_PARSER), wrt=(0,))
def convnet_loss_given_layers(W_vect, X, T, layer_specs, parser):
    L2_reg = 1.0
    cur_units = X
    for layer in layer_specs:
        cur_weights = parser.get(W_vect, layer)
        cur_units = layer.forward_pass(cur_units, cur_weights)
    log_prior = -L2_reg * np.dot(W_vect, W_vect)
    log_lik = np.sum(cur_units * T)
    return -log_prior - log_lik


# -- textbook numerical recipes -----------------------------------------------------------

@case("n01 Horner's rule over a list of coefficients", args=(0.7, np.array([1.0, -2.0, 0.5, 3.0])), wrt=(0, 1))
def horner(x, coeffs):
    result = 0.0
    for c in coeffs:
        result = result * x + c
    return result


@case("n02 Horner with reversed() and a Python list", args=(X3, 0.8))
def horner_reversed(x, w):
    coeffs = [1.0, w, -0.5, w ** 2]
    out = np.zeros_like(x)
    for c in reversed(coeffs):
        out = out * x + c
    return np.sum(out)


@case("n03 Newton's method for a root inside the function, a for loop with break", args=(2.0, 0.5))
def newton_root(a, w):
    x = 1.0
    for _ in range(50):
        fx = x ** 3 - a * x - w
        dfx = 3 * x ** 2 - a
        step = fx / dfx
        x = x - step
        if abs(step) < 1e-12:
            break
    return x


@case("n04 stable softmax: subtract the max", args=(X4, 2.0))
def softmax_loss(z, temp):
    z = z / temp
    z = z - np.max(z)
    e = np.exp(z)
    p = e / e.sum()
    return -np.log(p[2])


@case("n05 logsumexp by hand with keepdims and a max shift", args=(np.linspace(-1, 2, 12).reshape(3, 4), 0.5))
def logsumexp_by_hand(a, w):
    a = a * w
    amax = np.max(a, axis=1, keepdims=True)
    out = amax + np.log(np.sum(np.exp(a - amax), axis=1, keepdims=True))
    return np.sum(out.squeeze())


@case("n06 softplus, the overflow-safe piecewise form with np.where", args=(np.array([-30.0, -1.0, 0.5, 25.0]), 1.5))
def softplus(x, beta):
    z = beta * x
    return np.sum(np.where(z > 20, z, np.log1p(np.exp(np.minimum(z, 20)))) / beta)


@case("n07 Huber loss, piecewise by np.where on abs", args=(np.array([0.3, -2.0, 1.5, -0.1]), 1.0))
def huber(r, delta):
    a = np.abs(r)
    quad = 0.5 * r ** 2
    lin = delta * (a - 0.5 * delta)
    return np.mean(np.where(a <= delta, quad, lin))


@case("n08 piecewise scalar function with if/elif/else and early returns", args=(0.7, 1.3))
def piecewise(x, w):
    if x < 0:
        return -x * w
    elif x < 1:
        return x ** 2 * w
    else:
        return (2 * x - 1) * w


@case("n09 Kalman filter predict and update steps over measurements",
      args=(np.array([0.0, 1.0]), 0.5))
def kalman_nll(x0, q):
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = q * np.eye(2)
    R = np.array([[0.3]])
    x = x0
    P = np.eye(2)
    nll = 0.0
    for z in [1.1, 2.3, 2.9, 4.2]:
        x = F @ x
        P = F @ P @ F.T + Q
        y = z - H @ x
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        x = x + K @ y
        P = (np.eye(2) - K @ H) @ P
        nll += 0.5 * (np.log(np.linalg.det(S)) + y @ np.linalg.solve(S, y))
    return nll


@case("n10 1-D finite element stiffness assembly with A[i, j] += and solve",
      args=(np.array([1.0, 1.5, 0.8, 1.2]), 0.7))
def fem_1d(k, load):
    n = len(k) + 1
    A = np.zeros((n, n))
    for e in range(len(k)):
        ke = k[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
        for a in range(2):
            for b in range(2):
                A[e + a, e + b] += ke[a, b]
    A[0, :] = 0.0
    A[0, 0] = 1.0
    f = np.full(n, load)
    f[0] = 0.0
    u = np.linalg.solve(A, f)
    return u[-1]


@case("n11 FE assembly with an index list and np.ix_", args=(np.array([1.0, 1.5, 0.8, 1.2]), 0.7))
def fem_ix(k, load):
    n = len(k) + 1
    K = np.zeros((n, n))
    for e in range(len(k)):
        dofs = [e, e + 1]
        K[np.ix_(dofs, dofs)] += k[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
    K = K[1:, 1:]
    u = np.linalg.solve(K, load * np.ones(n - 1))
    return 0.5 * u @ K @ u


@case("n12 weighted histogram by np.bincount", args=(np.array([0.5, 1.5, 0.2, 0.9, 2.0, 0.1]), 0.3))
def weighted_hist(w, s):
    bins = np.array([0, 2, 1, 0, 2, 1])
    h = np.bincount(bins, weights=w * s, minlength=3)
    return np.sum(h ** 2)


@case("n13 np.add.at scatter-add into a zeros array", args=(np.array([0.5, 1.5, 0.2, 0.9, 2.0, 0.1]), 0.3))
def scatter_add(w, s):
    idx = np.array([0, 2, 1, 0, 2, 1])
    out = np.zeros(3)
    np.add.at(out, idx, w * s)
    return np.sum(out ** 3)


@case("n14 sorting-based loss: trimmed mean of squared residuals", args=(np.array([0.3, -2.0, 1.5, -0.1, 0.7]), 0.2))
def trimmed_loss(r, b):
    sq = np.sort((r - b) ** 2)
    return np.mean(sq[:-1])


@case("n15 median via np.median and quantile-ish by argsort", args=(np.array([0.3, -2.0, 1.5, -0.1, 0.7]), 0.2))
def sorted_losses(r, b):
    order = np.argsort(r)
    ranked = r[order]
    return np.median(r * b) + np.sum(ranked * np.arange(len(r)))


@case("n16 eigh-based loss: the sum of the two largest eigenvalues", args=(M33, 0.5))
def eig_top2(m, w):
    s = 0.5 * (m + m.T) + w * np.eye(3)
    vals, vecs = np.linalg.eigh(s)
    return vals[-1] + vals[-2] + np.sum(vecs[:, -1] ** 2)


@case("n17 inverse and log-determinant of a covariance", args=(M33, 0.5))
def inv_logdet(m, w):
    c = m @ m.T + w * np.eye(3)
    sign, logdet = np.linalg.slogdet(c)
    return np.trace(np.linalg.inv(c)) + logdet


@case("n18 least squares via lstsq", args=(np.array([0.5, -0.2]), 0.4))
def lstsq_fit(theta, w):
    A = np.column_stack([np.ones(4), np.array([0.1, 0.4, 0.7, 1.0])])
    y = A @ theta + w * np.array([0.2, -0.1, 0.05, 0.3])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    return np.sum(coef ** 2)


@case("n19 trapezoidal rule written as a loop over intervals", args=(1.3, 0.4))
def trapz_loop(a, b):
    n = 20
    h = (math.pi - 0.0) / n
    total = 0.0
    for i in range(n):
        x0 = i * h
        x1 = x0 + h
        total += 0.5 * h * (np.sin(a * x0) * np.exp(-b * x0) + np.sin(a * x1) * np.exp(-b * x1))
    return total


@case("n20 Simpson's rule with np.linspace and slicing", args=(1.3, 0.4))
def simpson(a, b):
    x = np.linspace(0.0, 2.0, 21)
    y = np.exp(-a * x ** 2) * np.cos(b * x)
    h = x[1] - x[0]
    return h / 3 * (y[0] + y[-1] + 4 * np.sum(y[1:-1:2]) + 2 * np.sum(y[2:-1:2]))


@case("n21 RK4 integrator of a damped oscillator, a loop updating a tuple", args=(np.array([1.0, 0.0]), 0.3))
def rk4(y0, damping):
    def f(t, y):
        return np.array([y[1], -y[0] - damping * y[1]])
    t, y, h = 0.0, y0, 0.1
    for _ in range(20):
        k1 = f(t, y)
        k2 = f(t + h / 2, y + h / 2 * k1)
        k3 = f(t + h / 2, y + h / 2 * k2)
        k4 = f(t + h, y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += h
    return y[0]


@case("n22 forward Euler storing the trajectory in a preallocated array", args=(np.array([1.0, 0.5]), 0.3))
def euler_traj(y0, k):
    n = 30
    ys = np.zeros((n + 1, 2))
    ys[0] = y0
    dt = 0.05
    for i in range(n):
        x, v = ys[i]
        ys[i + 1] = ys[i] + dt * np.array([v, -k * x])
    return np.sum(ys[:, 0] ** 2) * dt


@case("n23 Lennard-Jones energy, double loop over pairs with continue",
      args=(np.array([[0.0, 0.0], [1.1, 0.1], [0.2, 1.2], [1.3, 1.0]]), 1.0))
def lennard_jones(pos, eps):
    energy = 0.0
    n = len(pos)
    for i in range(n):
        for j in range(n):
            if j <= i:
                continue
            r = np.linalg.norm(pos[i] - pos[j])
            sr6 = (1.0 / r) ** 6
            energy += 4 * eps * (sr6 ** 2 - sr6)
    return energy


@case("n24 spring network energy with pdist-like broadcasting and triu indices",
      args=(np.array([[0.0, 0.0], [1.1, 0.1], [0.2, 1.2], [1.3, 1.0]]), 1.0))
def spring_energy(pos, k):
    d = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(d ** 2, axis=-1) + 1e-12)
    iu = np.triu_indices(len(pos), k=1)
    return 0.5 * k * np.sum((r[iu] - 1.0) ** 2)


@case("n25 gravitational potential with math.sqrt on components", args=(np.array([0.3, 1.2, -0.4]), 2.0))
def gravity(p, m):
    G = 1.0
    bodies = [(np.array([0.0, 0.0, 0.0]), 1.0), (np.array([1.0, 1.0, 0.0]), 0.5)]
    u = 0.0
    for q, mq in bodies:
        dx, dy, dz = p - q
        r = math.sqrt(dx * dx + dy * dy + dz * dz)
        u -= G * m * mq / r
    return u


@case("n26 Gauss-Seidel sweeps for a linear system", args=(np.array([1.0, 2.0, 0.5]), 4.0))
def gauss_seidel(b, diag):
    A = np.array([[diag, -1.0, 0.0], [-1.0, diag, -1.0], [0.0, -1.0, diag]])
    x = np.zeros(3)
    for sweep in range(25):
        for i in range(3):
            s = 0.0
            for j in range(3):
                if j != i:
                    s += A[i, j] * x[j]
            x[i] = (b[i] - s) / A[i, i]
    return np.dot(x, x)


@case("n27 power iteration with a while loop on a tolerance", args=(M33, 0.5))
def power_iteration(m, w):
    A = m @ m.T + w * np.eye(3)
    v = np.ones(3) / np.sqrt(3)
    lam = 0.0
    while True:
        u = A @ v
        new = np.linalg.norm(u)
        v = u / new
        if abs(new - lam) < 1e-12:
            break
        lam = new
    return new


# -- layers, losses and models as tutorials write them (JAX, PyTorch-to-NumPy style) --------

def relu(x):
    return np.maximum(0, x)


def layer_norm(x, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps)


@case("l01 layer norm then a relu MLP, params as a list of dicts",
      args=(np.linspace(-0.6, 0.7, 3 * 4), np.linspace(0.4, -0.2, 4)))
def mlp_dict_layers(w1, w2):
    params = [{"w": w1.reshape(3, 4), "b": np.zeros(4)}, {"w": w2.reshape(4, 1), "b": np.array([0.1])}]
    h = DATA
    for i, layer in enumerate(params):
        h = h @ layer["w"] + layer["b"]
        if i < len(params) - 1:
            h = relu(layer_norm(h))
    return np.mean((h.ravel() - np.array([1.0, 0.0, 0.5, -0.5])) ** 2)


def scaled_dot_product_attention(q, k, v, mask=None):
    d_k = q.shape[-1]
    scores = q @ k.swapaxes(-2, -1) / math.sqrt(d_k)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v


@case("l02 scaled dot-product attention with a causal mask",
      args=(np.linspace(-0.5, 0.5, 12).reshape(4, 3), np.linspace(0.3, -0.6, 12).reshape(4, 3)))
def attention_loss(q, k):
    v = DATA
    mask = np.tril(np.ones((4, 4), dtype=bool))
    out = scaled_dot_product_attention(q, k, v, mask=mask)
    return np.sum(out ** 2)


@case("l03 multi-head attention by reshape and transpose",
      args=(np.linspace(-0.5, 0.5, 16).reshape(4, 4), np.linspace(0.2, -0.3, 16).reshape(4, 4)))
def multi_head(x, wq):
    n_heads, d = 2, 4
    q = (x @ wq).reshape(4, n_heads, d // n_heads).transpose(1, 0, 2)
    k = x.reshape(4, n_heads, d // n_heads).transpose(1, 0, 2)
    out = scaled_dot_product_attention(q, k, k)
    return np.sum(out.transpose(1, 0, 2).reshape(4, d) * x)


@case("l04 cross-entropy with integer labels via fancy indexing",
      args=(np.linspace(-1, 1, 12).reshape(4, 3), 1.2))
def cross_entropy(logits, scale):
    labels = np.array([0, 2, 1, 2])
    z = logits * scale
    z = z - z.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(labels)), labels].mean()


@case("l05 binary cross-entropy with np.clip on probabilities", args=(X4, 0.7))
def bce(z, w):
    y = np.array([1, 0, 1, 1])
    p = 1 / (1 + np.exp(-z * w))
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


@case("l06 hinge loss and L2 penalty, a sum over zip(X, y)", args=(X3, 0.1))
def svm_loss(w, lam):
    ys = [1, -1, -1, 1]
    loss = 0.0
    for x, y in zip(DATA, ys):
        loss += max(0.0, 1 - y * np.dot(w, x))
    return loss / len(ys) + lam * np.dot(w, w)


@case("l07 1-D convolution by a loop over the valid positions", args=(X6, np.array([0.25, 0.5, 0.25])))
def conv1d(x, kernel):
    k = len(kernel)
    out = []
    for i in range(len(x) - k + 1):
        out.append(np.sum(x[i:i + k] * kernel))
    return np.sum(np.tanh(np.array(out)))


@case("l08 2-D convolution with np.lib.stride_tricks-free im2col by list comprehension",
      args=(np.linspace(-1, 1, 25).reshape(5, 5), np.array([[0.1, -0.2], [0.3, 0.05]])))
def conv2d(img, k):
    kh, kw = k.shape
    H, W = img.shape
    patches = np.array([img[i:i + kh, j:j + kw].ravel() for i in range(H - kh + 1) for j in range(W - kw + 1)])
    out = patches @ k.ravel()
    return np.sum(relu(out) ** 2)


@case("l09 max pooling by reshape and max", args=(np.linspace(-1, 1, 16).reshape(4, 4) + np.eye(4) * 0.3, 0.5))
def maxpool(img, w):
    pooled = (img * w).reshape(2, 2, 2, 2).max(axis=(1, 3))
    return np.sum(pooled ** 2)


@case("l10 batch norm in training mode with running stats kept in a dict",
      args=(np.linspace(-1, 2, 12).reshape(4, 3), 0.9))
def batchnorm(x, gamma):
    state = {"mean": np.zeros(3), "var": np.ones(3)}
    momentum = 0.1
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    state["mean"] = (1 - momentum) * state["mean"] + momentum * mu
    state["var"] = (1 - momentum) * state["var"] + momentum * var
    xhat = (x - mu) / np.sqrt(var + 1e-5)
    return np.sum((gamma * xhat + 0.1) ** 3) + np.sum(state["mean"])


@case("l11 GRU cell unrolled over time with np.split of the gates",
      args=(np.linspace(-0.4, 0.4, 5 * 9), np.array([0.1, -0.1, 0.2])))
def gru(w, h):
    W = w.reshape(5, 9)
    for x in SEQ[:, 0, :]:
        xh = np.concatenate([x, h])
        z, r, _ = np.split(xh @ W, 3)
        z = sigmoid(z)
        r = sigmoid(r)
        n = np.tanh(np.concatenate([x, r * h]) @ W[:, 6:])
        h = (1 - z) * n + z * h
    return np.sum(h)


@case("l12 softmax classifier accuracy-free loss with one-hot made by np.eye", args=(np.linspace(-0.3, 0.3, 9), 0.05))
def softmax_regression(w, reg):
    W = w.reshape(3, 3)
    y = np.eye(3)[[0, 1, 2, 1]]
    logits = DATA @ W
    logits -= logits.max(axis=1)[:, None]
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return -np.sum(y * np.log(p)) / len(y) + reg * np.sum(W * W)


@case("l13 cosine similarity loss with np.linalg.norm and axis", args=(np.linspace(-0.5, 1, 12).reshape(4, 3), 0.2))
def cosine_loss(a, b):
    c = DATA + b
    num = np.sum(a * c, axis=1)
    den = np.linalg.norm(a, axis=1) * np.linalg.norm(c, axis=1)
    return np.mean(1 - num / den)


@case("l14 triplet loss with np.maximum on distances", args=(np.linspace(-0.5, 1, 12).reshape(4, 3), 0.5))
def triplet(emb, margin):
    anchor, pos, neg = emb[0], emb[1], emb[2:]
    dp = np.sum((anchor - pos) ** 2)
    dn = np.sum((anchor - neg) ** 2, axis=1)
    return np.sum(np.maximum(dp - dn + margin, 0.0))


@case("l15 Adam optimiser steps inside the objective, a dict of moments", args=(np.array([0.3, 0.7]), 0.05))
def adam_unrolled(x, lr):
    def grad_rosen(x):
        return np.array([-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200 * (x[1] - x[0] ** 2)])
    m = {"m": np.zeros(2), "v": np.zeros(2)}
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, 6):
        g = grad_rosen(x)
        m["m"] = b1 * m["m"] + (1 - b1) * g
        m["v"] = b2 * m["v"] + (1 - b2) * g ** 2
        mhat = m["m"] / (1 - b1 ** t)
        vhat = m["v"] / (1 - b2 ** t)
        x = x - lr * mhat / (np.sqrt(vhat) + eps)
    return rosenbrock(x)


@case("l16 gradient descent with momentum in a plain loop, Python floats", args=(1.5, 0.1))
def momentum_descent(x, lr):
    v = 0.0
    for _ in range(10):
        g = 2 * x + math.cos(x)
        v = 0.9 * v - lr * g
        x = x + v
    return x ** 2 + math.sin(x)


@case("l17 dropout-free VAE ELBO with the reparameterisation trick",
      args=(np.array([0.1, -0.3]), np.array([-0.5, -0.2])))
def vae_elbo(mu, log_var):
    eps = np.array([0.4, -0.9])
    z = mu + np.exp(0.5 * log_var) * eps
    x_hat = sigmoid(z @ np.array([[0.5, -0.3, 0.2], [0.1, 0.4, -0.6]]))
    x = np.array([1.0, 0.0, 1.0])
    rec = np.sum(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat))
    kl = -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var))
    return -(rec - kl)


@case("l18 focal loss written with np.power", args=(X4, 2.0))
def focal(z, gamma):
    y = np.array([1, 0, 1, 0])
    p = sigmoid(z)
    pt = np.where(y == 1, p, 1 - p)
    return -np.sum(np.power(1 - pt, gamma) * np.log(pt))


@case("l19 mixture of Gaussians log likelihood written with loops and math.pi",
      args=(np.array([-0.5, 1.0]), np.array([0.2, -0.1])))
def mog_loglik(means, log_sigmas):
    data = [0.3, -0.7, 1.4, 0.1, 2.0]
    weights = [0.4, 0.6]
    total = 0.0
    for x in data:
        p = 0.0
        for k in range(len(weights)):
            s = np.exp(log_sigmas[k])
            p += weights[k] / (s * math.sqrt(2 * math.pi)) * np.exp(-0.5 * ((x - means[k]) / s) ** 2)
        total += np.log(p)
    return total


@case("l20 EM-style responsibilities then expected complete log likelihood",
      args=(np.array([-0.5, 1.0]), np.array([0.3, 0.7])))
def em_q(means, pis):
    x = np.array([0.3, -0.7, 1.4, 0.1, 2.0])
    log_r = np.log(pis)[None, :] - 0.5 * (x[:, None] - means[None, :]) ** 2
    r = np.exp(log_r - logsumexp(log_r, axis=1, keepdims=True))
    return np.sum(r * log_r)


# -- ordinary Python around the numerics ----------------------------------------------------

class Polynomial:
    def __init__(self, coeffs):
        self.coeffs = list(coeffs)

    def __call__(self, x):
        return sum(c * x ** i for i, c in enumerate(self.coeffs))

    def derivative(self):
        return Polynomial([i * c for i, c in enumerate(self.coeffs)][1:])


@case("p01 a Polynomial class with __call__ and a derivative method", args=(0.7, 1.3))
def poly_class(x, w):
    p = Polynomial([1.0, w, -0.5, 0.25 * w])
    return p(x) + p.derivative()(x) ** 2


@dataclasses.dataclass
class Config:
    lr: float = 0.1
    steps: int = 5
    l2: float = 0.01


@case("p02 a dataclass config steering an unrolled descent", args=(X3, 0.8))
def dataclass_config(x, w):
    cfg = Config(lr=0.05, steps=4)
    for _ in range(cfg.steps):
        x = x - cfg.lr * (2 * (x - w) + cfg.l2 * x)
    return np.sum(x ** 2)


@dataclasses.dataclass
class Particle:
    pos: np.ndarray
    mass: float

    def kinetic(self, v):
        return 0.5 * self.mass * np.dot(v, v)


@case("p03 dataclass instances built in a list comprehension", args=(X3, 0.8))
def particles(x, w):
    ps = [Particle(pos=x * k, mass=w + k) for k in range(1, 4)]
    return sum(p.kinetic(p.pos) for p in ps)


@case("p04 a dict config with .get and defaults", args=(X3, 0.8))
def dict_config(x, w):
    config = {"activation": "tanh", "scale": w}
    act = {"tanh": np.tanh, "relu": relu, "sigmoid": sigmoid}[config.get("activation", "relu")]
    return np.sum(act(x * config["scale"]) * config.get("gain", 2.0))


@case("p05 try/except ValueError around a solve that cannot fail here", args=(M33, 0.5))
def try_solve(m, w):
    b = np.array([1.0, 2.0, 3.0])
    try:
        x = np.linalg.solve(m + w * np.eye(3), b)
    except np.linalg.LinAlgError:
        x = np.linalg.lstsq(m, b, rcond=None)[0]
    return np.sum(x ** 2)


def safe_log(v):
    if v <= 0:
        raise ValueError("log of a non-positive number")
    return math.log(v)


@case("p06 try/except ValueError with a math.log helper", args=(1.7, 0.3))
def try_value_error(a, b):
    try:
        out = safe_log(a - b)
    except ValueError:
        out = 0.0
    return out * a


@case("p07 float32 data against float64 parameters", args=(X3, 0.8))
def float32_data(x, w):
    data = DATA.astype(np.float32)
    return float(np.sum((data @ x - w) ** 2))


@case("p08 int inputs in the data and an int exponent", args=(X3, 0.8))
def int_inputs(x, w):
    counts = np.array([3, 1, 2])
    n = 2
    return np.sum(counts * x ** n) * w + sum(counts) * w


@case("p09 a Python float result via float() and math functions", args=(0.7, 1.2))
def python_floats(a, b):
    s = math.sin(a) * math.exp(-b)
    t = float(np.tanh(a * b))
    return s + t ** 2 + math.hypot(a, b)


@case("p10 a list built with append, then np.array and np.stack", args=(X3, 0.8))
def list_building(x, w):
    rows = []
    for i in range(3):
        rows.append(x * (i + 1) * w)
    a = np.array(rows)
    b = np.stack(rows, axis=1)
    return np.sum(a * b)


@case("p11 a dict comprehension and sum over its values", args=(X3, 0.8))
def dict_comprehension(x, w):
    feats = {f"f{i}": x[i] * w for i in range(len(x))}
    return sum(v ** 2 for v in feats.values()) + feats["f1"]


@case("p12 zip over names and values building a dict, then sorted keys", args=(X3, 0.8))
def zip_names(x, w):
    names = ["c", "a", "b"]
    d = dict(zip(names, x * w))
    return sum(d[k] * i for i, k in enumerate(sorted(d)))


@case("p13 early return inside a loop", args=(X4, 0.5))
def early_return(x, w):
    total = 0.0
    for i, v in enumerate(x):
        total += v * w
        if total > 10.0:
            return total
    return total * total


@case("p14 while loop with a counter and a tolerance on a float", args=(0.5, 0.8))
def while_tolerance(x, w):
    term = 1.0
    total = 1.0
    n = 1
    while abs(term) > 1e-14:
        term *= x * w / n
        total += term
        n += 1
    return total


@case("p15 generator expression inside sum() with a condition", args=(X4, 0.5))
def genexpr_filter(x, w):
    return sum(v * w for v in x if v > 0) + sum(v ** 2 for v in x)


@case("p16 map and lambda over the rows", args=(np.linspace(-1, 1, 12).reshape(4, 3), 0.5))
def map_lambda(a, w):
    norms = list(map(lambda r: np.sqrt(np.sum(r ** 2) + w), a))
    return sum(norms)


@case("p17 *args helper and **kwargs passing", args=(X3, 0.8))
def star_args(x, w):
    def combine(*terms, scale=1.0, **kw):
        return scale * sum(np.sum(t) for t in terms) + kw.get("bias", 0.0)
    opts = {"scale": w, "bias": 0.5}
    return combine(x, x ** 2, x * w, **opts)


@case("p18 a class holding weights with a forward method and a loss method", args=(np.linspace(-0.5, 0.5, 6), 0.3))
def class_model(w, b):
    class Linear:
        def __init__(self, W, b):
            self.W = W
            self.b = b

        def forward(self, x):
            return x @ self.W + self.b

        def loss(self, x, y):
            return np.mean((self.forward(x) - y) ** 2)

    model = Linear(w.reshape(3, 2), b)
    return model.loss(DATA, np.ones((4, 2)))


@case("p19 a global class instance's method used read-only", args=(X3, 0.8))
def global_poly(x, w):
    return np.sum(SQUARE_POLY(x) * w)


SQUARE_POLY = Polynomial([0.5, -1.0, 2.0])


@case("p20 functools.partial of a helper", args=(X3, 0.8))
def partial_helper(x, w):
    def weighted(x, y, alpha):
        return alpha * np.sum(x * y)
    f = partial(weighted, alpha=w)
    return f(x, x)


@case("p21 tuple unpacking in the loop header over enumerate(zip())", args=(X3, 0.8))
def enumerate_zip(x, w):
    ys = [0.1, 0.2, 0.3]
    acc = 0.0
    for i, (a, b) in enumerate(zip(x, ys)):
        acc += (i + 1) * (a - b * w) ** 2
    return acc


@case("p22 x[x > 0] boolean mask and np.nonzero", args=(X4, 0.5))
def boolean_mask(x, w):
    pos = x[x > 0]
    idx = np.nonzero(x < 0)[0]
    return np.sum(pos ** 2) * w + np.sum(x[idx]) * w


@case("p23 in-place operators on a copy of the input", args=(X3, 0.8))
def inplace_copy(x, w):
    y = x.copy()
    y *= w
    y += 1.0
    y[0] /= 2.0
    y **= 2
    return y.sum()


@case("p24 np.clip, np.abs and np.sign in a robust loss", args=(X4, 0.5))
def robust(x, w):
    r = np.clip(x * w, -0.3, 0.3)
    return np.sum(np.abs(r) + np.sign(x) * r ** 2)


@case("p25 reading shape and len to size buffers, np.empty then fill", args=(X3, 0.8))
def empty_fill(x, w):
    n = x.shape[0]
    out = np.empty(n)
    for i in range(len(x)):
        out[i] = x[i] * w + i
    return np.dot(out, out)


@case("p26 math and numpy mixed on scalars from the array", args=(X3, 0.8))
def math_numpy_mix(x, w):
    a = x[0]
    b = x[1]
    return math.exp(a) * np.cos(b) + math.atan2(a, w) + np.sqrt(a ** 2 + b ** 2)


@case("p27 np.float32 parameters cast back up", args=(X3, 0.8))
def float32_round_trip(x, w):
    y = np.asarray(x, dtype=np.float64)
    return np.sum(np.exp(y * w))


@case("p28 string switch with if/elif on a mode argument", args=(X3, 0.8, "l2"), wrt=(0, 1))
def mode_switch(x, w, norm):
    if norm == "l1":
        pen = np.sum(np.abs(x))
    elif norm == "l2":
        pen = np.sum(x ** 2)
    else:
        raise ValueError(f"unknown norm {norm}")
    return pen * w + np.prod(x)


@case("p29 assert on the input shape, then isinstance on a scalar", args=(X3, 0.8))
def assert_isinstance(x, w):
    assert x.ndim == 1, "expected a vector"
    scale = w if isinstance(w, float) else float(w)
    return np.sum(x * scale) ** 2


@case("p30 nested functions closing over a loop variable via default argument", args=(X3, 0.8))
def closures_default(x, w):
    fs = [lambda v, k=k: v ** k for k in range(1, 4)]
    return sum(np.sum(f(x)) * w for f in fs)


# -- library calls numerical code reaches for ----------------------------------------------

@case("q01 np.polyval and np.polyder of a fitted polynomial", args=(np.array([0.5, -1.0, 2.0]), 0.7))
def polyval(c, x):
    return np.polyval(c, x) * np.polyval(np.polyder(c), x)


@case("q02 np.piecewise with lambdas", args=(np.array([-1.0, 0.3, 0.8, 2.0]), 1.5))
def piecewise_np(x, w):
    y = np.piecewise(x, [x < 0, (x >= 0) & (x < 1), x >= 1], [lambda t: -t, lambda t: t ** 2, lambda t: 2 * t - 1])
    return np.sum(y * w)


@case("q03 np.select on conditions", args=(np.array([-1.0, 0.3, 0.8, 2.0]), 1.5))
def select_np(x, w):
    y = np.select([x < 0, x < 1], [-x * w, x ** 2], default=2 * x - 1)
    return np.sum(y)


@case("q04 np.interp of a lookup table", args=(np.array([0.2, 1.3, 2.7]), 0.5))
def interp_table(x, w):
    xp = np.array([0.0, 1.0, 2.0, 3.0])
    fp = np.array([0.0, 0.8, 0.9, 0.1])
    return np.sum(np.interp(x * (1 + w), xp, fp) ** 2)


@case("q05 cumsum, diff and a total-variation penalty", args=(X6, 0.5))
def total_variation(x, w):
    c = np.cumsum(x)
    return np.sum(np.diff(c) ** 2) + w * np.sum(np.sqrt(np.diff(x) ** 2 + 1e-6))


@case("q06 einsum for a batched quadratic form", args=(np.linspace(-1, 1, 12).reshape(4, 3), 0.5))
def einsum_quad(x, w):
    A = M33 @ M33.T + w * np.eye(3)
    return np.einsum("ni,ij,nj->", x, A, x)


@case("q07 np.outer, np.kron and np.trace", args=(X3, 0.8))
def outer_kron(x, w):
    o = np.outer(x, x) * w
    k = np.kron(o, np.eye(2))
    return np.trace(k @ k)


@case("q08 sorted() with a key lambda, then the top-2 sum", args=(X4, 0.5))
def sorted_key(x, w):
    vals = sorted([v * w for v in x], key=lambda v: -v)
    return vals[0] + vals[1]


@case("q09 max() over a list with key= picks the best item", args=(X4, 0.5))
def max_key(x, w):
    pairs = [(i, x[i] * w) for i in range(len(x))]
    best = max(pairs, key=lambda p: p[1])
    return best[1] * x[best[0]]


@case("q10 list.sort() in place and min() over a generator", args=(X4, 0.5))
def list_sort(x, w):
    vals = [v * w + 1.0 for v in x]
    vals.sort()
    return vals[-1] - min(v ** 2 for v in vals)


@case("q11 np.linalg.norm with ord and axis, np.linalg.matrix_power", args=(M33, 0.5))
def norms(m, w):
    return np.linalg.norm(m, ord="fro") + np.linalg.norm(m * w, ord=2, axis=0).sum() \
        + np.trace(np.linalg.matrix_power(m, 3))


@case("q12 np.triu, np.tril and the diagonal of a Cholesky factor", args=(M33, 0.5))
def tri_parts(m, w):
    L = np.tril(m) + w * np.eye(3)
    U = np.triu(m, k=1)
    S = L @ L.T
    return np.sum(np.log(np.diag(np.linalg.cholesky(S)))) + np.sum(U ** 2)


@case("q13 x.astype(float) and np.float64 scalars from the data", args=(X3, 0.8))
def astype_float(x, w):
    y = (x * w).astype(float)
    n = np.float64(len(x))
    return np.sum(y ** 2) / n


@case("q14 abs(), round() of a constant and divmod on ints around float math", args=(X4, 0.5))
def builtins_mix(x, w):
    q, r = divmod(7, 3)
    scale = round(2.6)
    return sum(abs(v) * w for v in x) * q + r * scale * np.sum(x)


@case("q15 scipy.special expit and xlogy in a logistic objective", args=(X3, 0.8))
def special_logistic(w, b):
    z = DATA @ w + b
    p = special.expit(z)
    y = TARGETS.astype(float)
    return -np.sum(special.xlogy(y, p) + special.xlogy(1 - y, 1 - p))


@case("q16 Poisson regression log likelihood with gammaln of int counts", args=(X3, 0.1))
def poisson_ll(w, b):
    counts = np.array([2, 0, 5, 1])
    eta = DATA @ w + b
    return np.sum(counts * eta - np.exp(eta) - special.gammaln(counts + 1))


@case("q17 stats.norm.cdf in a probit likelihood", args=(X3, 0.1))
def probit(w, b):
    p = stats.norm.cdf(DATA @ w + b)
    return np.sum(np.where(TARGETS, np.log(p), np.log1p(-p)))


@case("q18 an energy with np.vectorize-free element loop over np.ndindex",
      args=(np.linspace(-1, 1, 9).reshape(3, 3), 0.3))
def ising_like(s, J):
    E = 0.0
    for i, j in np.ndindex(s.shape):
        E -= J * s[i, j] * (s[(i + 1) % 3, j] + s[i, (j + 1) % 3])
    return E


@case("q19 a tridiagonal Laplacian with np.diag offsets and a solve", args=(np.array([1.0, 2.0, 0.5, 1.5]), 2.5))
def laplacian_solve(f, d):
    n = len(f)
    A = np.diag(np.full(n, d)) + np.diag(-np.ones(n - 1), 1) + np.diag(-np.ones(n - 1), -1)
    u = np.linalg.solve(A, f)
    return u @ f


@case("q20 Gaussian kernel density estimate with np.newaxis", args=(np.array([-0.5, 0.2, 1.1]), 0.4))
def kde(points, bw):
    grid = np.linspace(-2, 2, 9)
    diffs = (grid[:, np.newaxis] - points[np.newaxis, :]) / bw
    dens = np.exp(-0.5 * diffs ** 2).sum(axis=1) / (len(points) * bw * np.sqrt(2 * np.pi))
    return np.sum(dens * np.log(dens + 1e-12))


@case("q21 the scipy-cookbook smoothing window by np.convolve", args=(X6, 0.5))
def smooth(x, w):
    window = np.hanning(3)
    s = np.r_[x[2:0:-1], x, x[-2:-4:-1]]
    y = np.convolve(window / window.sum(), s * w, mode="valid")
    return np.sum(y ** 2)


@case("q22 np.meshgrid energy on a grid", args=(0.7, 1.3))
def meshgrid_energy(a, b):
    xs, ys = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    z = np.exp(-(a * xs ** 2 + b * ys ** 2))
    return np.trapz(np.trapz(z, dx=0.5, axis=1), dx=2 / 3) if hasattr(np, "trapz") else np.sum(z)


@case("q23 np.concatenate of parameter pieces then np.split back", args=(X3, np.array([0.5, -0.5])))
def concat_split(a, b):
    theta = np.concatenate([a, b])
    p, q = np.split(theta, [3])
    return np.sum(p ** 2) * np.sum(q) + theta @ theta


# -- more everyday shapes of code --------------------------------------------------------------

@case("r01 GP negative log likelihood with scipy.linalg cho_factor/cho_solve",
      args=(np.array([0.1, -0.5, 0.2, -0.1]),), wrt=(0,))
def gp_cho(params):
    import scipy.linalg
    K = rbf_covariance(params[2:], GP_X, GP_X) + (np.exp(params[1]) + 1e-4) * np.eye(len(GP_Y))
    c, low = scipy.linalg.cho_factor(K, lower=True)
    r = GP_Y - params[0]
    alpha = scipy.linalg.cho_solve((c, low), r)
    return 0.5 * r @ alpha + np.sum(np.log(np.diag(c)))


@case("r02 solve_triangular on a Cholesky factor", args=(np.array([0.1, -0.5, 0.2, -0.1]),), wrt=(0,))
def gp_tri(params):
    from scipy.linalg import solve_triangular
    K = rbf_covariance(params[2:], GP_X, GP_X) + (np.exp(params[1]) + 1e-4) * np.eye(len(GP_Y))
    L = np.linalg.cholesky(K)
    z = solve_triangular(L, GP_Y - params[0], lower=True)
    return 0.5 * z @ z + np.log(np.diag(L)).sum()


@case("r03 nuclear norm by the singular values", args=(M33, 0.5))
def nuclear(m, w):
    s = np.linalg.svd(m + w * np.eye(3), compute_uv=False)
    return np.sum(s) + np.max(s)


@case("r04 building an array from scalars and a float", args=(X3, 0.8))
def array_from_scalars(x, w):
    a = np.array([x[0], x[1] ** 2, w])
    b = np.hstack([x, [w]])
    return a @ x + np.sum(b ** 2)


@case("r05 leaky relu and np.maximum.accumulate-free running max via a loop", args=(X6, 0.1))
def leaky_running(x, alpha):
    y = np.where(x > 0, x, alpha * x)
    best = y[0]
    out = 0.0
    for v in y:
        if v > best:
            best = v
        out += best
    return out


@case("r06 reversed slices and np.flip", args=(X6, 0.5))
def flips(x, w):
    return np.sum(x[::-1] * np.arange(6)) + np.sum(np.flip(x) * x) * w


@case("r07 {**defaults, **overrides} config merge", args=(X3, 0.8))
def dict_merge(x, w):
    defaults = {"scale": 1.0, "shift": 0.0}
    cfg = {**defaults, "scale": w}
    return np.sum((x * cfg["scale"] + cfg["shift"]) ** 2)


def rec_power(x, n):
    if n == 0:
        return 1.0
    half = rec_power(x, n // 2)
    if n % 2 == 0:
        return half * half
    return half * half * x


@case("r08 recursive fast power", args=(1.1, 0.8))
def recursive_power(x, w):
    return rec_power(x, 5) * w + rec_power(w, 3)


@case("r09 functools.reduce over the layers", args=(X3, 0.8))
def reduce_layers(x, w):
    from functools import reduce
    mats = [M33 * w, M33.T, np.eye(3) * w]
    y = reduce(lambda acc, m: np.tanh(m @ acc), mats, x)
    return np.sum(y)


@case("r10 itertools.product over a grid of pairs", args=(X3, 0.8))
def product_pairs(x, w):
    import itertools
    s = 0.0
    for i, j in itertools.product(range(3), repeat=2):
        s += x[i] * x[j] * (w if i == j else 0.5)
    return s


@case("r11 a fixed-noise default_rng made inside the function", args=(X3, 0.8))
def fixed_rng(x, w):
    rng = np.random.default_rng(0)
    eps = rng.standard_normal(3)
    return np.sum((x + w * eps) ** 2)


@case("r12 np.std with ddof=1 and np.var", args=(X6, 0.5))
def std_ddof(x, w):
    return np.std(x * w, ddof=1) + np.var(x) * w


@case("r13 x.item() and float(x @ y) into Python math", args=(X3, 0.8))
def item_float(x, w):
    a = x[0].item()
    b = float(x @ x)
    return a * w + b * w ** 2


@case("r14 x.reshape(-1, 1) and x[:, None] broadcasting into a kernel matrix", args=(X4, 0.7))
def kernel_matrix(x, ell):
    d = x.reshape(-1, 1) - x[None, :]
    K = np.exp(-d ** 2 / (2 * ell ** 2))
    return np.sum(K @ x)


@case("r15 Python sum() over a list of arrays, zip(*pairs) to transpose", args=(X3, 0.8))
def sum_list_arrays(x, w):
    pairs = [(x * k, w * k) for k in range(1, 4)]
    arrays, scales = zip(*pairs)
    total = sum(arrays)
    return np.sum(total * sum(scales))


@case("r16 adaptive-step ODE loop with while t < T", args=(np.array([1.0, 0.0]), 0.3))
def adaptive_ode(y, c):
    t, T, h = 0.0, 1.0, 0.1
    while t < T:
        h = min(h, T - t)
        dy = np.array([y[1], -y[0] - c * y[1] ** 3])
        y = y + h * dy
        t += h
        h *= 1.1
    return y @ y


@case("r17 a class with @property and __getitem__", args=(X3, 0.8))
def property_getitem(x, w):
    class Params:
        def __init__(self, v, s):
            self.v = v
            self.s = s

        @property
        def scaled(self):
            return self.v * self.s

        def __getitem__(self, i):
            return self.v[i]

    p = Params(x, w)
    return np.sum(p.scaled ** 2) + p[1] * p[2]


@case("r18 a NamedTuple of parameters unpacked by field", args=(X3, 0.8))
def namedtuple_params(x, w):
    from typing import NamedTuple

    class Theta(NamedTuple):
        mu: np.ndarray
        tau: float

    th = Theta(mu=x, tau=w)
    return np.sum((DATA - th.mu) ** 2) * th.tau


@case("r19 a loop over sorted(params.items()) of a params dict", args=(X3, 0.8))
def params_items(x, w):
    params = {"b": x[1:] * w, "a": x[:1]}
    total = 0.0
    for name, value in sorted(params.items()):
        total = total + np.sum(value ** 2) * len(name)
    return total


@case("r20 implicit equation solved by Newton steps on an array", args=(np.array([0.5, 1.0, 2.0]), 0.3))
def implicit_newton(a, w):
    y = np.ones_like(a)
    for _ in range(30):
        f = y + w * np.tanh(y) - a
        df = 1 + w * (1 - np.tanh(y) ** 2)
        y = y - f / df
    return np.sum(y ** 2)


@case("r21 np.sqrt(np.maximum(d2, eps)) pairwise distances", args=(np.linspace(-1, 1, 8).reshape(4, 2), 0.5))
def pairwise_safe(p, w):
    d2 = np.sum((p[:, None, :] - p[None, :, :]) ** 2, axis=-1)
    d = np.sqrt(np.maximum(d2, 1e-12))
    return np.sum(np.exp(-d / w))


@case("r22 max(0, .) and min(., 1) builtins on floats", args=(0.3, 0.8))
def builtin_clamps(a, w):
    return max(0.0, a - 0.1) * min(w, 1.0) + max(a, w) ** 2


@case("r23 a float32 parameter vector made inside the function is cast back", args=(X3, 0.8))
def float32_cast(x, w):
    data = np.asarray([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
    y = data.astype(np.float64) @ x
    return float(np.sum(np.tanh(y * w)))


@case("r24 int arguments as a count and a Python int power", args=(X3, 0.8, 3), wrt=(0, 1))
def int_argument(x, w, n):
    acc = np.zeros_like(x)
    for k in range(n):
        acc = acc + x ** k * w ** (n - k)
    return np.sum(acc)


@case("r25 log-likelihood of a Student-t written with math.lgamma constants", args=(X4, 0.6))
def student_t_ll(x, log_scale):
    nu = 4.0
    c = math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
    s = np.exp(log_scale)
    z = x / s
    return np.sum(c - log_scale - (nu + 1) / 2 * np.log1p(z ** 2 / nu))
