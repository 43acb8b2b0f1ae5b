"""The eighty-sixth hunt's programs on a try whose body binds a name to a shape-changing
value (``b = x.reshape(2, -1)``, ``np.stack``, ``np.outer``, ``np.diag``, ...) and then
raises before the name is used: the adjoint of the binding runs (the statement completed)
while the name's derivative was never set. CASES as in hunt86_containers.py."""

import numpy as np


def tb_00(x, w):
    try:
        b = x.reshape(2, -1)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_01(x, w):
    try:
        b = np.reshape(x, (2, -1))
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_02(x, w):
    try:
        b = x.ravel()
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_03(x, w):
    try:
        b = x.flatten()
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_04(x, w):
    try:
        b = np.transpose(x.reshape(2,-1), (1, 0))
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_05(x, w):
    try:
        b = np.swapaxes(x.reshape(2,-1), 0, 1)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_06(x, w):
    try:
        b = np.expand_dims(x, 0)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_07(x, w):
    try:
        b = np.squeeze(x[None])
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_08(x, w):
    try:
        b = np.moveaxis(x.reshape(2,-1), 0, 1)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_09(x, w):
    try:
        b = np.concatenate([x, x])
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_10(x, w):
    try:
        b = np.stack([x, x])
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_11(x, w):
    try:
        b = x[None]
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_12(x, w):
    try:
        b = np.broadcast_to(x, (2, x.size))
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_13(x, w):
    try:
        b = np.tile(x, 2)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_14(x, w):
    try:
        b = np.repeat(x, 2)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_15(x, w):
    try:
        b = np.sort(x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_16(x, w):
    try:
        b = np.cumsum(x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_17(x, w):
    try:
        b = np.outer(x, x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_18(x, w):
    try:
        b = x @ x
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_19(x, w):
    try:
        b = np.diag(x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_20(x, w):
    try:
        b = np.atleast_2d(x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_21(x, w):
    try:
        b = x.T
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_22(x, w):
    try:
        b = np.flip(x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_23(x, w):
    try:
        b = np.roll(x, 1)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_24(x, w):
    try:
        b = np.pad(x, 1)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_25(x, w):
    try:
        b = np.split(x, 2)[0]
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_26(x, w):
    try:
        b = x.sum(keepdims=True)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_27(x, w):
    try:
        b = np.where(x > 0, x, 0.0)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_28(x, w):
    try:
        b = np.hstack([x, x])
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_29(x, w):
    try:
        b = np.kron(x, x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_30(x, w):
    try:
        b = np.einsum('i,j->ij', x, x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_31(x, w):
    try:
        b = np.linalg.norm(x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_32(x, w):
    try:
        b = np.mean(x.reshape(2,-1), axis=0)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_33(x, w):
    try:
        b = np.max(x.reshape(2,-1), axis=0)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_34(x, w):
    try:
        b = x.astype(float)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_35(x, w):
    try:
        b = np.real(x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_36(x, w):
    try:
        b = x.copy()
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_37(x, w):
    try:
        b = np.clip(x, -1, 1)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_38(x, w):
    try:
        b = np.triu(np.outer(x,x))
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_39(x, w):
    try:
        b = np.dot(x.reshape(2,-1), np.ones(x.size // 2))
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_40(x, w):
    try:
        b = np.vstack([x, x])
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_41(x, w):
    try:
        b = np.column_stack([x, x])
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_42(x, w):
    try:
        b = np.append(x, 1.0)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_43(x, w):
    try:
        b = np.insert(x, 1, 0.0)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_44(x, w):
    try:
        b = np.delete(x, 1)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_45(x, w):
    try:
        b = np.take(x, [0, 1])
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_46(x, w):
    try:
        b = x[[0, 2]]
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_47(x, w):
    try:
        b = x[x > 0]
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_48(x, w):
    try:
        b = np.cross(x[:3], x[1:4])
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_49(x, w):
    try:
        b = np.convolve(x, x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_50(x, w):
    try:
        b = np.diff(x)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_51(x, w):
    try:
        b = np.prod(x.reshape(2,-1), axis=0)
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_52(x, w):
    try:
        b = np.linalg.inv(np.outer(x[:2], x[:2]) + np.eye(2))
        if w > 0:
            raise ValueError("no")
        p = b
    except ValueError:
        p = x * w
    return np.sum(p ** 2)



def tb_reshape_used_in_the_except(x, w):
    try:
        b = x.reshape(2, -1)
        c = b * w
        if w > 0:
            raise ValueError("no")
        p = c
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_raise_after_two(x, w):
    try:
        b = np.outer(x, x)
        c = np.diag(b) * w
        if w > 0:
            raise ValueError("no")
        p = c
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def reset():
    pass


CASES = [(name, f) for name, f in list(globals().items()) if callable(f) and name.startswith("tb_")]
