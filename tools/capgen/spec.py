"""The interface spec model: loads api/*.xml, validates it and lays out every message.

Everything capgen writes is derived from the `Spec` object built here. Validation fails with
a SpecError located at the offending element (`file:line: message`).
"""

import os
import re

from xmlload import Node, SpecError, parse_file

WORD_BITS = 64
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LEVELS = ("generic", "mode", "arch")


def snake(name):
    """CamelCase to snake_case: SetMCPriority -> set_mc_priority, NBSend -> nb_send."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return s.lower()


def parse_int(node, name, text):
    try:
        return int(text, 0)
    except ValueError:
        raise SpecError(node.where, "'%s' must be an integer, not '%s'" % (name, text))


def description_of(node):
    """A description given as an attribute, a <description> child, or the element's text."""
    desc = node.get("description")
    if desc:
        return " ".join(desc.split())
    for child in node.children:
        if child.tag == "description":
            return child.text
    return node.text


def require_description(node, what):
    desc = description_of(node)
    if not desc:
        raise SpecError(node.where, "%s has no description" % what)
    return desc


def check_ident(node, attr, value):
    if not IDENT.match(value):
        raise SpecError(node.where, "'%s' is not a valid C identifier: '%s'" % (attr, value))
    return value


class Type:
    """A parameter type. kind: int (bits 1..64), cap, bitfield (one word) or struct (words)."""

    def __init__(self, name, kind, bits, kernel, description, where, members=None,
                 bitfield=None):
        self.name = name
        self.kind = kind
        self.bits = bits
        self.kernel = kernel
        self.description = description
        self.where = where
        self.members = members or []
        self.bitfield = bitfield

    @property
    def words(self):
        return (self.bits + WORD_BITS - 1) // WORD_BITS


class Field:
    def __init__(self, name, kernel, bits, shift, description):
        self.name = name
        self.kernel = kernel
        self.bits = bits
        self.shift = shift
        self.description = description

    @property
    def mask(self):
        return (1 << self.bits) - 1


class Bitfield:
    """A one-word bit-packed structure; fields listed from the most significant bit down."""

    def __init__(self, name, kernel, description, fields, where):
        self.name = name
        self.kernel = kernel
        self.description = description
        self.fields = fields
        self.where = where


class Struct:
    def __init__(self, name, kernel, description, members, where):
        self.name = name
        self.kernel = kernel
        self.description = description
        self.members = members
        self.where = where


class Param:
    """One method parameter, with its place in the message once laid out."""

    def __init__(self, name, direction, type_, description, where, length_from=None):
        self.name = name
        self.kname = snake(name)
        self.direction = direction
        self.type = type_
        self.description = description
        self.where = where
        self.length_from = length_from
        self.cap_index = None   # extra capability index, for capability parameters
        self.word = None        # first message word
        self.shift = None       # bit offset inside that word
        self.bits = None        # packed width
        self.alone = False      # an input with its message word to itself (kernel reads it whole)


class Method:
    def __init__(self, iface, name, label, kernel, description, where):
        self.iface = iface
        self.name = name
        self.kname = snake(name)
        self.label = label
        self.number = None
        self.implemented = kernel == "implemented"
        self.description = description
        self.where = where
        self.params = []
        self.errors = []         # (error name, reason)
        self.in_words = 0
        self.out_words = 0
        self.n_caps = 0

    @property
    def inputs(self):
        return [p for p in self.params if p.direction == "in" and p.type.kind != "cap"]

    @property
    def caps(self):
        return [p for p in self.params if p.direction == "in" and p.type.kind == "cap"]

    @property
    def outputs(self):
        return [p for p in self.params if p.direction == "out"]

    @property
    def kernel_label(self):
        return "INV_%s_%s" % (self.iface.prefix.upper(), self.kname.upper())

    @property
    def c_prefix(self):
        return "%s_%s" % (self.iface.prefix, self.kname)

    @property
    def stub_name(self):
        return "%s_%s" % (self.iface.name, self.name)


class Interface:
    def __init__(self, name, prefix, level, description, where):
        self.name = name
        self.prefix = prefix
        self.level = level
        self.description = description
        self.where = where
        self.methods = []


class Simple:
    """A named value with a description (syscalls, constants, errors, objects...)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


class Spec:
    def __init__(self):
        self.files = []
        self.types = {}
        self.bitfields = []
        self.structs = []
        self.constants = []      # Simple(group, user, kernel, value, description)
        self.enums = []          # Simple(name, kernel, description, values=[Simple])
        self.syscalls = []
        self.errors = []
        self.lookup_failures = []
        self.faults = []
        self.objects = []
        self.interfaces = []

    @property
    def methods(self):
        return [m for i in self.interfaces for m in i.methods]

    def constant(self, user_name, default):
        for c in self.constants:
            if c.user == user_name:
                return c.value
        return default

    def error_names(self):
        return [e.name for e in self.errors]


# ----------------------------------------------------------------------------------------
# Loading


def load(path):
    """Load the spec whose entry point is `path` (a file, or a directory with sel4ish.xml)."""
    if os.path.isdir(path):
        path = os.path.join(path, "sel4ish.xml")
    spec = Spec()
    _load_file(spec, path, set())
    _validate(spec)
    return spec


def _load_file(spec, path, seen):
    real = os.path.realpath(path)
    if real in seen:
        return
    seen.add(real)
    spec.files.append(path)
    root = parse_file(path)
    if root.tag != "spec":
        raise SpecError(root.where, "the root element must be <spec>, not <%s>" % root.tag)
    root.check_attrs({"name"})
    for node in root.children:
        handler = TOP_LEVEL.get(node.tag)
        if node.tag == "include":
            node.check_attrs({"file"})
            _load_file(spec, os.path.join(os.path.dirname(path), node.require("file")), seen)
        elif handler is None:
            raise SpecError(node.where, "unknown element <%s>" % node.tag)
        else:
            handler(spec, node)


def _add_type(spec, t):
    if t.name in spec.types:
        raise SpecError(t.where, "duplicate type '%s'" % t.name)
    spec.types[t.name] = t


def _load_types(spec, node):
    node.check_attrs(set())
    for child in node.children:
        name = check_ident(child, "name", child.require("name"))
        desc = require_description(child, "type '%s'" % name)
        if child.tag == "int":
            child.check_attrs({"name", "bits", "kernel", "description"})
            bits = parse_int(child, "bits", child.require("bits"))
            if bits not in (1, 8, 16, 32, 64):
                raise SpecError(child.where, "type '%s': bits must be 1, 8, 16, 32 or 64" % name)
            _add_type(spec, Type(name, "int", bits, child.require("kernel"), desc, child.where))
        elif child.tag == "cap":
            child.check_attrs({"name", "description"})
            _add_type(spec, Type(name, "cap", WORD_BITS, "struct cte *", desc, child.where))
        else:
            raise SpecError(child.where, "unknown element <%s> in <types>" % child.tag)


def _load_bitfield(spec, node):
    node.check_attrs({"name", "kernel", "description"})
    name = check_ident(node, "name", node.require("name"))
    kernel = check_ident(node, "kernel", node.require("kernel"))
    desc = require_description(node, "bitfield '%s'" % name)
    fields, used, seen = [], 0, set()
    for child in node.children:
        if child.tag == "padding":
            child.check_attrs({"bits"})
            used += parse_int(child, "bits", child.require("bits"))
            continue
        if child.tag != "field":
            raise SpecError(child.where, "unknown element <%s> in <bitfield>" % child.tag)
        child.check_attrs({"name", "kernel", "bits", "description"})
        fname = check_ident(child, "name", child.require("name"))
        if fname in seen:
            raise SpecError(child.where, "duplicate field '%s' in bitfield '%s'" % (fname, name))
        seen.add(fname)
        bits = parse_int(child, "bits", child.require("bits"))
        if bits < 1:
            raise SpecError(child.where, "field '%s' must have at least one bit" % fname)
        fdesc = require_description(child, "field '%s'" % fname)
        fields.append([fname, child.require("kernel"), bits, used, fdesc])
        used += bits
    if used != WORD_BITS:
        raise SpecError(node.where, "bitfield '%s' has %d bits, not %d" % (name, used, WORD_BITS))
    # Listed from the top: a field that starts `used` bits from the top has this shift.
    out = [Field(f[0], f[1], f[2], WORD_BITS - f[3] - f[2], f[4]) for f in fields]
    bf = Bitfield(name, kernel, desc, out, node.where)
    spec.bitfields.append(bf)
    _add_type(spec, Type(name + "_t", "bitfield", WORD_BITS, kernel + "_t", desc, node.where,
                         bitfield=bf))


def _load_struct(spec, node):
    node.check_attrs({"name", "kernel", "description"})
    name = check_ident(node, "name", node.require("name"))
    kernel = check_ident(node, "kernel", node.require("kernel"))
    desc = require_description(node, "struct '%s'" % name)
    members = []
    for child in node.children:
        if child.tag != "member":
            raise SpecError(child.where, "unknown element <%s> in <struct>" % child.tag)
        child.check_attrs({"name"})
        member = check_ident(child, "name", child.require("name"))
        if member in members:
            raise SpecError(child.where, "duplicate member '%s'" % member)
        members.append(member)
    if not members:
        raise SpecError(node.where, "struct '%s' has no members" % name)
    st = Struct(name, kernel, desc, members, node.where)
    spec.structs.append(st)
    _add_type(spec, Type(name, "struct", WORD_BITS * len(members), kernel, desc, node.where,
                         members=members))


def _load_constants(spec, node):
    node.check_attrs({"group"})
    group = node.require("group")
    for child in node.children:
        if child.tag != "constant":
            raise SpecError(child.where, "unknown element <%s> in <constants>" % child.tag)
        child.check_attrs({"user", "kernel", "value", "description"})
        user = check_ident(child, "user", child.require("user"))
        kernel = child.get("kernel")
        if kernel:
            check_ident(child, "kernel", kernel)
        value = parse_int(child, "value", child.require("value"))
        desc = require_description(child, "constant '%s'" % user)
        if any(c.user == user for c in spec.constants):
            raise SpecError(child.where, "duplicate constant '%s'" % user)
        spec.constants.append(Simple(group=group, user=user, kernel=kernel, value=value,
                                     text=child.require("value"), description=desc,
                                     where=child.where))


def _load_enum(spec, node):
    node.check_attrs({"name", "kernel", "description"})
    name = check_ident(node, "name", node.require("name"))
    desc = require_description(node, "enum '%s'" % name)
    values = []
    for child in node.children:
        if child.tag != "value":
            raise SpecError(child.where, "unknown element <%s> in <enum>" % child.tag)
        child.check_attrs({"name", "kernel", "value", "description"})
        vname = check_ident(child, "name", child.require("name"))
        if any(v.name == vname for v in values):
            raise SpecError(child.where, "duplicate value '%s'" % vname)
        values.append(Simple(name=vname, kernel=child.get("kernel"),
                             value=parse_int(child, "value", child.require("value")),
                             description=require_description(child, "value '%s'" % vname)))
    spec.enums.append(Simple(name=name, kernel=node.get("kernel"), description=desc,
                             values=values, where=node.where))


def _load_syscalls(spec, node):
    node.check_attrs(set())
    for child in node.children:
        if child.tag != "syscall":
            raise SpecError(child.where, "unknown element <%s> in <syscalls>" % child.tag)
        child.check_attrs({"name", "number", "debug", "description"})
        name = check_ident(child, "name", child.require("name"))
        number = parse_int(child, "number", child.require("number"))
        if number >= 0:
            raise SpecError(child.where, "syscall '%s': numbers are negative" % name)
        for s in spec.syscalls:
            if s.name == name or s.number == number:
                raise SpecError(child.where, "duplicate syscall '%s' (number %d)" % (name, number))
        spec.syscalls.append(Simple(name=name, number=number, debug=child.get("debug") == "true",
                                    description=require_description(child, "syscall " + name),
                                    where=child.where))


def _words_of(node, owner):
    words = []
    next_index = 0
    for child in node.children:
        if child.tag != "word":
            raise SpecError(child.where, "unknown element <%s> in <%s>" % (child.tag, node.tag))
        child.check_attrs({"name", "index", "description"})
        index = parse_int(child, "index", child.get("index", str(next_index)))
        words.append(Simple(name=check_ident(child, "name", child.require("name")), index=index,
                            description=description_of(child)))
        next_index = index + 1
    return words


def _load_errors(spec, node):
    node.check_attrs(set())
    for child in node.children:
        if child.tag != "error":
            raise SpecError(child.where, "unknown element <%s> in <errors>" % child.tag)
        child.check_attrs({"name", "value", "description"})
        name = check_ident(child, "name", child.require("name"))
        value = parse_int(child, "value", child.require("value"))
        if any(e.name == name or e.value == value for e in spec.errors):
            raise SpecError(child.where, "duplicate error '%s'" % name)
        details = []
        for d in child.children:
            if d.tag != "detail":
                raise SpecError(d.where, "unknown element <%s> in <error>" % d.tag)
            d.check_attrs({"name", "kind", "description"})
            kind = d.get("kind", "word")
            if kind not in ("word", "lookup_failure"):
                raise SpecError(d.where, "detail kind must be 'word' or 'lookup_failure'")
            details.append(Simple(name=check_ident(d, "name", d.require("name")), kind=kind,
                                  description=require_description(d, "detail")))
        spec.errors.append(Simple(name=name, value=value, details=details, where=child.where,
                                  description=require_description(child, "error " + name)))


def _load_lookup_failures(spec, node):
    node.check_attrs(set())
    for child in node.children:
        if child.tag != "failure":
            raise SpecError(child.where, "unknown element <%s> in <lookup-failures>" % child.tag)
        child.check_attrs({"name", "value", "description"})
        spec.lookup_failures.append(Simple(
            name=check_ident(child, "name", child.require("name")),
            value=parse_int(child, "value", child.require("value")),
            words=_words_of(child, child),
            description=require_description(child, "lookup failure")))


def _load_faults(spec, node):
    node.check_attrs(set())
    for child in node.children:
        if child.tag != "fault":
            raise SpecError(child.where, "unknown element <%s> in <faults>" % child.tag)
        child.check_attrs({"name", "value", "description"})
        spec.faults.append(Simple(name=check_ident(child, "name", child.require("name")),
                                  value=parse_int(child, "value", child.require("value")),
                                  words=_words_of(child, child),
                                  description=require_description(child, "fault")))


def _load_objects(spec, node):
    node.check_attrs(set())
    for child in node.children:
        if child.tag != "object":
            raise SpecError(child.where, "unknown element <%s> in <objects>" % child.tag)
        child.check_attrs({"name", "kernel", "number", "group", "size", "size_bits",
                           "size_const", "min_bits", "max_bits", "description"})
        name = check_ident(child, "name", child.require("name"))
        size = child.get("size", "fixed")
        if size not in ("fixed", "user", "per_slot"):
            raise SpecError(child.where, "object size must be fixed, user or per_slot")
        group = child.get("group", "api")
        if group not in ("api", "mode", "arch"):
            raise SpecError(child.where, "object group must be api, mode or arch")
        obj = Simple(name=name, kernel=check_ident(child, "kernel", child.require("kernel")),
                     number=parse_int(child, "number", child.require("number")), group=group,
                     size=size, size_const=child.get("size_const"), where=child.where,
                     description=require_description(child, "object " + name))
        obj.size_bits = (parse_int(child, "size_bits", child.require("size_bits"))
                         if size != "user" else None)
        obj.min_bits = parse_int(child, "min_bits", child.get("min_bits", "0"))
        obj.max_bits = parse_int(child, "max_bits", child.get("max_bits", "0"))
        if any(o.name == name or o.number == obj.number for o in spec.objects):
            raise SpecError(child.where, "duplicate object type '%s'" % name)
        spec.objects.append(obj)


def _load_interface(spec, node):
    node.check_attrs({"name", "prefix", "level", "description"})
    name = check_ident(node, "name", node.require("name"))
    prefix = check_ident(node, "prefix", node.require("prefix"))
    if prefix != prefix.lower():
        raise SpecError(node.where, "interface prefix '%s' must be snake_case" % prefix)
    level = node.get("level", "generic")
    if level not in LEVELS:
        raise SpecError(node.where, "interface level must be one of %s" % ", ".join(LEVELS))
    iface = Interface(name, prefix, level, require_description(node, "interface " + name),
                      node.where)
    for child in node.children:
        if child.tag == "description":
            continue
        if child.tag != "method":
            raise SpecError(child.where, "unknown element <%s> in <interface>" % child.tag)
        iface.methods.append(_load_method(spec, iface, child))
    spec.interfaces.append(iface)


def _load_method(spec, iface, node):
    node.check_attrs({"name", "label", "kernel", "description"})
    name = check_ident(node, "name", node.require("name"))
    label = check_ident(node, "label", node.require("label"))
    kernel = node.get("kernel", "implemented")
    if kernel not in ("implemented", "pending"):
        raise SpecError(node.where, "method %s_%s: kernel must be 'implemented' or 'pending'"
                        % (iface.name, name))
    desc = description_of(node) if node.get("description") or any(
        c.tag == "description" for c in node.children) else ""
    if not desc:
        raise SpecError(node.where, "method %s_%s has no description" % (iface.name, name))
    method = Method(iface, name, label, kernel, desc, node.where)
    for child in node.children:
        if child.tag == "description":
            continue
        if child.tag == "param":
            method.params.append(_load_param(method, child))
        elif child.tag == "error":
            child.check_attrs({"name", "description"})
            ename = child.require("name")
            reason = description_of(child)
            if not reason:
                raise SpecError(child.where, "error %s of method %s has no description"
                                % (ename, method.stub_name))
            method.errors.append((ename, reason, child.where))
        else:
            raise SpecError(child.where, "unknown element <%s> in <method>" % child.tag)
    return method


def _load_param(method, node):
    node.check_attrs({"name", "dir", "type", "description", "length_from"})
    name = check_ident(node, "name", node.require("name"))
    direction = node.require("dir")
    if direction not in ("in", "out"):
        raise SpecError(node.where, "parameter '%s' of %s: bad direction '%s' (in or out)"
                        % (name, method.stub_name, direction))
    if any(p.name == name for p in method.params):
        raise SpecError(node.where, "duplicate parameter '%s' in %s" % (name, method.stub_name))
    desc = description_of(node)
    if not desc:
        raise SpecError(node.where, "parameter '%s' of %s has no description"
                        % (name, method.stub_name))
    return Param(name, direction, node.require("type"), desc, node.where, node.get("length_from"))


TOP_LEVEL = {
    "types": _load_types,
    "bitfield": _load_bitfield,
    "struct": _load_struct,
    "constants": _load_constants,
    "enum": _load_enum,
    "syscalls": _load_syscalls,
    "errors": _load_errors,
    "lookup-failures": _load_lookup_failures,
    "faults": _load_faults,
    "objects": _load_objects,
    "interface": _load_interface,
}


# ----------------------------------------------------------------------------------------
# Validation and message layout


def _validate(spec):
    """Resolve types, check names are unique, number the labels and lay out messages."""
    errors = set(spec.error_names())
    max_words = spec.constant("seL4_MsgMaxLength", 120)
    max_caps = spec.constant("seL4_MsgMaxExtraCaps", 3)
    labels, stubs, prefixes = {}, {}, {}
    level_rank = 0
    number = 1
    for iface in spec.interfaces:
        itype = spec.types.get(iface.name)
        if itype is None or itype.kind != "cap":
            raise SpecError(iface.where, "unknown type '%s': an interface must be named after a "
                            "capability type" % iface.name)
        if iface.prefix in prefixes:
            raise SpecError(iface.where, "duplicate interface prefix '%s'" % iface.prefix)
        prefixes[iface.prefix] = iface
        rank = LEVELS.index(iface.level)
        if rank < level_rank:
            raise SpecError(iface.where, "interface %s: level '%s' after a later level"
                            % (iface.name, iface.level))
        level_rank = rank
        for m in iface.methods:
            if m.stub_name in stubs:
                raise SpecError(m.where, "duplicate method %s (first at %s:%d)"
                                % ((m.stub_name,) + stubs[m.stub_name].where))
            stubs[m.stub_name] = m
            if m.label in labels or m.label == "InvalidInvocation":
                raise SpecError(m.where, "duplicate label '%s'" % m.label)
            labels[m.label] = m
            m.number = number
            number += 1
            _resolve_params(spec, m)
            _layout(m, max_words, max_caps)
            for ename, _reason, where in m.errors:
                if ename not in errors:
                    raise SpecError(where, "unknown error '%s' in %s" % (ename, m.stub_name))
            names = [e[0] for e in m.errors]
            if len(set(names)) != len(names):
                raise SpecError(m.where, "method %s lists an error twice" % m.stub_name)
    kernel_labels = {}
    for m in spec.methods:
        if m.kernel_label in kernel_labels:
            raise SpecError(m.where, "duplicate label name %s" % m.kernel_label)
        kernel_labels[m.kernel_label] = m


def _resolve_params(spec, m):
    for p in m.params:
        t = spec.types.get(p.type)
        if t is None:
            raise SpecError(p.where, "unknown type '%s' for parameter '%s' of %s"
                            % (p.type, p.name, m.stub_name))
        p.type = t
        if t.kind == "cap" and p.direction == "out":
            raise SpecError(p.where, "parameter '%s' of %s: a capability cannot be an output"
                            % (p.name, m.stub_name))
        if p.length_from is not None:
            _check_length_from(m, p)


def _check_length_from(m, p):
    if p.type.kind != "struct":
        raise SpecError(p.where, "parameter '%s': length_from needs a struct type" % p.name)
    counts = [q for q in m.params if q.name == p.length_from]
    if not counts or counts[0].direction != "in" or counts[0].type.kind != "int":
        raise SpecError(p.where, "parameter '%s': length_from must name an integer input"
                        % p.name)
    if m.params.index(counts[0]) > m.params.index(p) and p.direction == "in":
        raise SpecError(p.where, "parameter '%s': its length must come before it" % p.name)
    if any(q.name == p.length_from for q in m.outputs):
        raise SpecError(p.where, "parameter '%s': length name clashes with an output" % p.name)


def _pack(params):
    """Place parameters in words as libsel4 does: each aligned to min(its size, a word)."""
    used = 0
    for p in params:
        size = p.type.bits
        align = min(size, WORD_BITS)
        used = (used + align - 1) // align * align
        p.word, p.shift, p.bits = used // WORD_BITS, used % WORD_BITS, size
        used += size
    return (used + WORD_BITS - 1) // WORD_BITS


def _layout(m, max_words, max_caps):
    for i, p in enumerate(m.caps):
        p.cap_index = i
    m.n_caps = len(m.caps)
    if m.n_caps > max_caps:
        raise SpecError(m.caps[max_caps].where, "parameter '%s' does not fit the message: %s "
                        "needs %d extra capabilities, at most %d"
                        % (m.caps[max_caps].name, m.stub_name, m.n_caps, max_caps))
    for direction, params in (("in", m.inputs), ("out", m.outputs)):
        words = _pack(params)
        if words > max_words:
            bad = next(p for p in params if p.word + p.type.words > max_words)
            raise SpecError(bad.where, "parameter '%s' does not fit the message: %s needs %d "
                            "%s words, at most %d" % (bad.name, m.stub_name, words,
                                                      direction + "put", max_words))
        if direction == "in":
            m.in_words = words
            for p in params:
                p.alone = all(o is p or o.word != p.word for o in params)
        else:
            m.out_words = words
