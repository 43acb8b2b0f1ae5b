"""The eighty-eighth hunt's programs on the last round's other forms: ``super(Cls, s)`` in a
lambda or a local def (a subclass overriding, a method rebound), mixins whose step returns
self (chained, in a loop, a subclass writing), arrays a method returns used inside
expressions (``np.sum(p.step(x))`` beside reads of the attribute, twice in one expression,
in a condition), a NumPy scalar times a sequence-like object, ufunc methods given ``out``
(by position, as None, through a view or a name bound to the method). Each program is
``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float ``w``."""
import numpy as np


class Base:
    def val(self, x):
        return x * 2.0


class ThroughALambda(Base):
    def val(self, x):
        f = lambda s: super(ThroughALambda, s).val(x) * x      # noqa: E731
        return f(self) + x


class Deeper(ThroughALambda):
    def val(self, x):
        return super().val(x) * 3.0


def sl_lambda(x, w):
    return np.sum(ThroughALambda().val(x * w))


def sl_lambda_subclass(x, w):
    m = Deeper()
    return np.sum(m.val(x) * w)


class BaseWriting:
    def __init__(self, d):
        self.d = d

    def val(self, x):
        self.d[0] = self.d[0] * x[1]
        return self.d * x


class LambdaOverWriting(BaseWriting):
    def val(self, x):
        g = lambda s: super(LambdaOverWriting, s).val(x)       # noqa: E731
        return g(self) + 1.0


def sl_lambda_base_writes(x, w):
    buf = x * 1.0
    m = LambdaOverWriting(buf)
    s = np.sum(m.val(x * w))
    return s + np.sum(buf * x)


class LambdaOtherClass(Base):
    def val(self, x):
        g = lambda s: super(Base, s).val(x) if hasattr(super(Base, s), "val") else x * 5.0    # noqa: E731
        return g(self)


def sl_lambda_skipping_to_object(x, w):
    return np.sum(LambdaOtherClass().val(x) * w)


class LambdaTwice(Base):
    def val(self, x):
        g = lambda s, k: super(LambdaTwice, s).val(x) * k      # noqa: E731
        return g(self, 2.0) + g(self, x)


def sl_lambda_called_twice(x, w):
    return np.sum(LambdaTwice().val(x) * w)


class LambdaInLoop(Base):
    def val(self, x):
        s = 0.0
        for k in range(2):
            s = s + (lambda o: super(LambdaInLoop, o).val(x * k))(self)
        return s


def sl_lambda_in_loop(x, w):
    return np.sum(LambdaInLoop().val(x) * w)


class Acc:
    def __init__(self, d):
        self.d = d

    def bump(self, c):
        self.d[0] += c * self.d[-1]


class ChainableSteps:
    def step_all(self, c):
        for it in self.items:
            it.bump(c)
        return self


class ChainedNet(ChainableSteps):
    def __init__(self, a, b):
        self.items = [Acc(a), Acc(b)]

    def loss(self):
        return sum(np.sum(it.d ** 2) for it in self.items)


def mx_chained_call(x, w):
    n = ChainedNet(x * 1.0, np.sin(x))
    return n.step_all(w).loss()


def mx_chained_twice(x, w):
    n = ChainedNet(x * 1.0, np.sin(x))
    n.step_all(w).step_all(x[0])
    return n.loss()


def mx_returned_bound(x, w):
    n = ChainedNet(x * 1.0, np.sin(x))
    m = n.step_all(w)
    m.step_all(w)
    return n.loss()


def mx_shared_array(x, w):
    d = x * 1.0
    n = ChainedNet(d, d)
    n.step_all(w)
    return n.loss() + np.sum(d * x)


def mx_caller_array(x, w):
    d = x * 1.0
    n = ChainedNet(d, np.cos(x))
    n.step_all(w)
    return np.sum(d * x)


class WritingNet(ChainedNet):
    def step_all(self, c):
        super().step_all(c)
        self.items[1].d[2] = self.items[1].d[2] * c
        return self


def mx_subclass_writes_more(x, w):
    n = WritingNet(x * 1.0, np.sin(x))
    n.step_all(w)
    return n.loss()


def mx_in_loop_chained(x, w):
    n = ChainedNet(x * 1.0, np.sin(x))
    for k in range(2):
        n = n.step_all(x[k])
    return n.loss() * w


class Returning:
    def __init__(self, d):
        self.d = d

    def step(self, x):
        self.d = self.d * 1.0
        self.d[0] += x
        return self.d


def re_twice_in_one_expression(x, w):
    p = Returning(x * 1.0)
    return np.sum(p.step(w) * p.step(x[1]))


def re_attribute_before_call(x, w):
    p = Returning(x * 1.0)
    return np.sum(p.d * p.step(w))


def re_attribute_after_call(x, w):
    p = Returning(x * 1.0)
    return np.sum(p.step(w) * p.d)


def re_in_condition(x, w):
    p = Returning(x * 1.0)
    s = np.sum(p.step(w)) if x[0] > 0 else 0.0
    return s + np.sum(p.d * x)


def re_in_short_circuit(x, w):
    p = Returning(x * 1.0)
    ok = x[0] > 5.0 and np.sum(p.step(w)) > 0
    return np.sum(p.d * x) + w * ok


def re_returned_then_written(x, w):
    p = Returning(x * 1.0)
    r = np.sin(p.step(w))
    p.d[1] = p.d[1] * w
    return np.sum(r) + np.sum(p.d * x)


def re_returned_alias_written(x, w):
    p = Returning(x * 1.0)
    r = p.step(w)
    r[2] = r[2] * w
    return np.sum(p.d * x)


def re_in_list_display(x, w):
    p = Returning(x * 1.0)
    vs = [p.step(w), p.d]
    vs[0][1] = 9.0
    return np.sum(vs[1] * x)


def re_as_argument_of_helper(x, w):
    p = Returning(x * 1.0)
    return np.sum(_scaled(p.step(w), p.d))


def _scaled(a, b):
    return a * b * 2.0


def re_in_loop_accumulated(x, w):
    p = Returning(x * 1.0)
    s = 0.0
    for k in range(3):
        s += np.sum(p.step(w * k) * x)
    return s


def re_with_float32(x, w):
    p = Returning(x * 1.0)
    return float(np.sum(p.step(w).astype(np.float64) * x))


class Seq:
    def __init__(self, d):
        self.d = d

    def __len__(self):
        return len(self.d)

    def __getitem__(self, k):
        return self.d[k]

    def __rmul__(self, v):
        return self.d * v * 2.0


def ns_float64_left(x, w):
    s = Seq(x * 1.0)
    return np.sum(np.float64(w) * s)


def ns_python_float_left(x, w):
    s = Seq(x * 1.0)
    return np.sum(float(w) * s)


def ns_item_left(x, w):
    s = Seq(x * w)
    return np.sum(x[0] * s)


def ns_zero_d_left(x, w):
    s = Seq(x * w)
    return np.sum(np.array(2.0) * s)


def ns_sum_left(x, w):
    s = Seq(x * 1.0)
    return np.sum(np.sum(x) * s) * w


def ns_int_left(x, w):
    s = Seq(x * w)
    return np.sum(3 * s)


def ns_float32_left(x, w):
    s = Seq(x * w)
    return np.sum(np.float32(2.0) * s)


def uo_reduce_out_pos(x, w):
    o = np.zeros(())
    np.add.reduce(x * w, 0, None, o)
    return float(o) * x[0]


def uo_accumulate_out_none(x, w):
    r = np.multiply.accumulate(x * w, 0, None, None)
    return np.sum(r)


def uo_reduce_named_method(x, w):
    o = np.zeros(())
    red = np.add.reduce
    red(x * w, 0, None, o)
    return float(o) * x[1]


def uo_out_view(x, w):
    buf = np.zeros(x.size + 1)
    np.multiply.accumulate(x * w, 0, None, buf[1:])
    return np.sum(buf * buf)


def uo_outer_out_kw(x, w):
    o = np.zeros((x.size, x.size))
    np.multiply.outer(x, x * w, out=o)
    return np.sum(o)


def uo_out_tuple_pos(x, w):
    o = np.zeros(())
    np.add.reduce(x * w, 0, None, (o,))
    return float(o) * x[2]


def uo_at_alias(x, w):
    buf = x * 1.0
    v = buf[1:]
    np.multiply.at(v, [0], w)
    return np.sum(buf * x)


def uo_maximum_reduce_out(x, w):
    o = np.zeros(())
    np.maximum.reduce(x * w, 0, None, o)
    return float(o)


def uo_ufunc_call_out_pos(x, w):
    o = np.empty_like(x)
    np.multiply(x, w, o)
    return np.sum(o * x)


def uo_ufunc_call_out_pos_alias(x, w):
    buf = x * 1.0
    np.multiply(buf, w, buf)
    return np.sum(buf * x)


def uo_reduce_where_out(x, w):
    o = np.zeros(())
    np.add.reduce(x * w, axis=0, out=o, where=x > 0)
    return float(o) * x[0]


CASES = [(name, f) for name, f in list(globals().items())
         if name.startswith(("sl_", "mx_", "re_", "ns_", "uo_")) and callable(f)]
