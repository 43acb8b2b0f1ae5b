"""Rules for reading attributes of objects (``p.W``, ``self.W``): the derivative of the
object is what was read from it, attribute by attribute (see runtime_objects.py).
``attribute_adjoint`` and ``attribute_tangent`` are linear in their first argument and
each other's transposes."""

from ..runtime_objects import (argument_object_alone, attribute, attributes_but, attribute_adjoint, attribute_tangent,
                               deleted_attribute,
                               check_wrt_path, class_default, field_values, fields_dict, instance, object_tangent,
                               record, record_gradient, replaceable_fields, with_attribute, without_attribute)
from ..runtime import add_derivatives, zeros_like
from .registry import FRESH, adjoint, d, declare, non_differentiable, tangent


@adjoint(attribute)
def attribute_(y, obj, name):
    d[obj] = attribute_adjoint(d[y], obj, name)


@tangent(attribute)
def attribute_(y, obj, name):
    d[y] = attribute_tangent(d[obj], obj, name)


@adjoint(attribute_adjoint)
def attribute_adjoint_(y, g, obj, name):
    d[g] = attribute_tangent(d[y], obj, name)


@tangent(attribute_adjoint)
def attribute_adjoint_(y, g, obj, name):
    d[y] = attribute_adjoint(d[g], obj, name)


@adjoint(attribute_tangent)
def attribute_tangent_(y, g, obj, name):
    d[g] = attribute_adjoint(d[y], obj, name)


@tangent(attribute_tangent)
def attribute_tangent_(y, g, obj, name):
    d[y] = attribute_tangent(d[g], obj, name)


# record(cls, items) builds a namedtuple from a tuple, a dataclass from a dict: the same
# values, so the same derivatives (an AdjointList or an AdjointObject in reverse mode;
# None, an object's zero, becomes the items' zeros, which the items' adjoints read)
@adjoint(record)
def record_(y, cls, items):
    d[items] = add_derivatives(zeros_like(items), d[y])


@tangent(record)
def record_(y, cls, items):
    d[y] = record(cls, d[items])


# a new object (its items are the items': like list_to_tuple, not the container itself)
declare(record, result=FRESH)


# record_gradient(g, like) is g with its missing fields filled with zeros: the same
# values where g has them, so the same derivatives
@adjoint(record_gradient)
def record_gradient_(y, g, like):
    d[g] = d[y]


@tangent(record_gradient)
def record_gradient_(y, g, like):
    d[y] = record_gradient(d[g], like)


# the names of the fields dataclasses.replace / namedtuple._replace pass on: strings
non_differentiable(replaceable_fields)

# the class attribute __init__ reads as self.<name> before storing it: a constant
non_differentiable(class_default)

# a check of the argument a gradient with respect to a path (wrt="p.z") is taken for
non_differentiable(check_wrt_path)
# a check before a method changes the object an argument gives (frontend/normalize/argument_objects.py)
non_differentiable(argument_object_alone)
non_differentiable(attributes_but)


# fields_dict(names, values) builds a replaced dataclass's fields from a list of values;
# field_values(g, names, like) reads them back: linear, and each other's transposes
@adjoint(fields_dict)
def fields_dict_(y, names, values):
    d[values] = field_values(d[y], names, values)


@tangent(fields_dict)
def fields_dict_(y, names, values):
    d[y] = fields_dict(names, d[values])


@adjoint(field_values)
def field_values_(y, g, names, like):
    d[g] = fields_dict(names, d[y])


@tangent(field_values)
def field_values_(y, g, names, like):
    d[y] = field_values(d[g], names, like)


declare(fields_dict, field_values, result=FRESH)


# instance(cls, attributes) builds an object of a user class from the dict of what its
# __init__ stores: the same values, so the same derivatives (an AdjointObject)
@adjoint(instance)
def instance_(y, cls, attributes):
    d[attributes] = d[y]


@tangent(instance)
def instance_(y, cls, attributes):
    d[y] = object_tangent(d[attributes], y)


@adjoint(object_tangent)
def object_tangent_(y, attributes):
    d[attributes] = d[y]


@tangent(object_tangent)
def object_tangent_(y, attributes):
    d[y] = object_tangent(d[attributes])


declare(instance, object_tangent, result=FRESH)


# with_attribute(obj, name, value): the object with one attribute replaced; the
# derivative of that attribute goes to value, of the others back to obj
@adjoint(with_attribute)
def with_attribute_(y, obj, name, value):
    d[obj] = without_attribute(d[y], name)
    d[value] = attribute_tangent(d[y], y, name)


@tangent(with_attribute)
def with_attribute_(y, obj, name, value):
    d[y] = without_attribute(d[obj], name)
    d[y] = attribute_adjoint(d[value], y, name)


# without_attribute(g, name) drops one attribute of a derivative: a projection, its own transpose
@adjoint(without_attribute)
def without_attribute_(y, g, name):
    d[g] = without_attribute(d[y], name)


@tangent(without_attribute)
def without_attribute_(y, g, name):
    d[y] = without_attribute(d[g], name)


# deleted_attribute(obj, name): the object without one attribute; the derivative of the
# others goes back to obj, a projection as without_attribute is
@adjoint(deleted_attribute)
def deleted_attribute_(y, obj, name):
    d[obj] = without_attribute(d[y], name)


@tangent(deleted_attribute)
def deleted_attribute_(y, obj, name):
    d[y] = without_attribute(d[obj], name)


declare(with_attribute, without_attribute, deleted_attribute, result=FRESH)

