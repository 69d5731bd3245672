"""Kernel outputs: syscall, label, error and object enums, structures, and invocation decoders.

Files (under <out>/gen/): syscall.h, invocation_label.h, errors.h, object_types.h,
constants.h, structures.h, decode.h, decode.c. The kernel puts <out> on its include path.
"""

from cgen import BANNER, c_int, comment, extract, header, insert, mask_literal
from spec import snake

KERNEL_FILES = ["syscall.h", "invocation_label.h", "errors.h", "object_types.h", "constants.h",
                "structures.h", "decode.h", "decode.c"]


def generate(spec):
    """Return {relative path: text} for every kernel file."""
    return {
        "gen/syscall.h": syscall_h(spec),
        "gen/invocation_label.h": invocation_label_h(spec),
        "gen/errors.h": errors_h(spec),
        "gen/object_types.h": object_types_h(spec),
        "gen/constants.h": constants_h(spec),
        "gen/structures.h": structures_h(spec),
        "gen/decode.h": decode_h(spec),
        "gen/decode.c": decode_c(spec),
    }


def syscall_h(spec):
    out = header("System call numbers (rdx at the syscall instruction).")
    out += "enum syscall {\n"
    for s in spec.syscalls:
        out += "    SYS_%s = %d,\n" % (snake(s.name).upper(), s.number)
    out += "};\n\n"
    numbers = [s.number for s in spec.syscalls]
    out += "#define SYSCALL_MIN (%d)\n#define SYSCALL_MAX (%d)\n" % (min(numbers), max(numbers))
    return out


def invocation_label_h(spec):
    out = header("Invocation labels: one flat numbering, in the order of the spec.")
    out += "enum invocation_label {\n    INV_INVALID = 0,\n"
    for m in spec.methods:
        out += "    %s = %d,\n" % (m.kernel_label, m.number)
    out += "    N_INVOCATION_LABELS = %d\n};\n" % (len(spec.methods) + 1)
    return out


def errors_h(spec):
    out = header("Errors returned by invocations, lookup failure types and fault types.")
    out += "enum {\n"
    for e in spec.errors:
        out += "    %s = %d,\n" % (e.name, e.value)
    out += "    seL4_NumErrors = %d\n};\n\n" % (max(e.value for e in spec.errors) + 1)
    if spec.lookup_failures:
        out += "enum {\n"
        for f in spec.lookup_failures:
            out += "    %s = %d,\n" % (f.name, f.value)
        out += "};\n\n"
    for f in spec.faults:
        out += "#define seL4_Fault_%s %d\n" % (f.name, f.value)
    for f in spec.faults:
        if f.words:
            out += "\nenum {\n"
            for w in f.words:
                out += "    seL4_%s_%s = %d,\n" % (f.name, w.name, w.index)
            out += "    seL4_%s_Length = %d\n};\n" % (f.name, max(w.index for w in f.words) + 1)
    return out


def object_types_h(spec):
    out = header("Kernel object types (the Untyped Retype `type` argument) and their sizes.")
    out += "enum object_type {\n"
    for o in spec.objects:
        out += "    %s = %d,\n" % (o.kernel, o.number)
    out += "    OBJ_TYPE_COUNT = %d\n};\n\n" % (max(o.number for o in spec.objects) + 1)
    for o in spec.objects:
        if o.size == "fixed":
            out += "#define %s_SIZE_BITS %d\n" % (o.kernel, o.size_bits)
        elif o.size == "per_slot":
            out += "#define %s_SLOT_BITS %d\n" % (o.kernel, o.size_bits)
        else:
            out += "#define %s_MIN_BITS %d\n#define %s_MAX_BITS %d\n" % (
                o.kernel, o.min_bits, o.kernel, o.max_bits)
    return out


def constants_h(spec):
    out = header("Named constants of the ABI (kernel names).")
    for c in spec.constants:
        if c.kernel:
            out += "#define %s %s\n" % (c.kernel, c_int(c.value))
    for e in spec.enums:
        if not e.kernel:
            continue
        out += "\nenum %s {\n" % e.kernel
        for v in e.values:
            if v.kernel:
                out += "    %s = %s,\n" % (v.kernel, c_int(v.value))
        out += "};\n"
    return out


def structures_h(spec):
    out = header("Bit-packed structures (one word) and multi-word structures, kernel side.",
                 ["<types.h>"])
    for bf in spec.bitfields:
        k = bf.kernel
        out += comment(bf.description)
        out += "typedef struct %s {\n" % k
        for f in bf.fields:
            out += "    word_t %s; /* %d bits */\n" % (f.kernel, f.bits)
        out += "} %s_t;\n\n" % k
        out += "static inline %s_t %s_unpack(word_t w)\n{\n    %s_t s;\n" % (k, k, k)
        for f in bf.fields:
            out += "    s.%s = %s;\n" % (f.kernel, extract("w", f.shift, f.bits))
        out += "    return s;\n}\n\n"
        out += "static inline word_t %s_pack(%s_t s)\n{\n    return " % (k, k)
        parts = [insert("s.%s" % f.kernel, f.shift, f.bits, "word_t") for f in bf.fields]
        out += " |\n           ".join(parts) + ";\n}\n\n"
    for st in spec.structs:
        up = st.kernel.upper()
        out += comment(st.description)
        out += "#define %s_WORDS %d\n" % (up, len(st.members))
        out += "enum %s_index {\n" % st.kernel
        for i, m in enumerate(st.members):
            out += "    %s_%s = %d,\n" % (up, m.upper(), i)
        out += "};\n\n"
    return out


# ----------------------------------------------------------------------------------------
# Decoders


def whole_word(q):
    """True for an integer parameter that has its message word to itself. The kernel then
    reads the whole word, as seL4 does (getSyscallArg), so a value too large for the user-side
    type is seen and refused by the handler's range checks instead of being silently cut."""
    return q.type.kind == "int" and q.type.kernel != "bool" and q.alone


def field_decl(p):
    t = p.type
    if t.kind == "cap":
        return "struct cte *%s;" % p.kname
    if t.kind == "struct":
        return "word_t %s[%d];" % (p.kname, len(t.members))
    if whole_word(p):
        return "word_t %s;" % p.kname
    return "%s %s;" % (t.kernel, p.kname)


def decode_h(spec):
    out = header("Typed arguments, unpackers, dispatchers and handler prototypes for every "
                 "invocation. The hand-written <object>_decode_<method>() handlers receive the "
                 "unpacked arguments and never read message registers themselves.",
                 ["<types.h>", "<api/invocation.h>", "<gen/errors.h>",
                  "<gen/invocation_label.h>", "<gen/structures.h>"])
    for iface in spec.interfaces:
        out += "/* ---- %s (%s) ---- */\n\n" % (iface.name, iface.prefix)
        for m in iface.methods:
            out += method_decls(m)
        out += "bool %s_has_label(word_t label);\n" % iface.prefix
        out += comment("Decode and perform an invocation of a %s capability: unpacks the "
                       "arguments and calls the handler, or returns seL4_IllegalOperation for "
                       "labels of other objects and methods not implemented yet." % iface.name)
        out += "exception_t %s_dispatch(struct cte *slot, const invocation_t *inv);\n\n" \
               % iface.prefix
    out += "/* Name of an invocation label, for debug messages (\"?\" if unknown). */\n"
    out += "const char *invocation_label_name(word_t label);\n"
    return out


def method_decls(m):
    p = m.c_prefix
    state = "implemented" if m.implemented else "pending: returns seL4_IllegalOperation"
    out = "/* %s, label %d (%s). */\n" % (m.stub_name, m.number, state)
    out += "typedef struct %s_args {\n" % p
    fields = m.caps + m.inputs
    if not fields:
        out += "    word_t none; /* no arguments */\n"
    for q in m.params:
        if q in fields:
            out += "    %s\n" % field_decl(q)
    out += "} %s_args_t;\n\n" % p
    out += "exception_t %s_unpack(const invocation_t *inv, %s_args_t *out);\n" % (p, p)
    out += "exception_t %s_decode_%s(struct cte *slot, const invocation_t *inv,\n" % (
        m.iface.prefix, m.kname)
    out += "    %s const %s_args_t *args);\n" % (" " * len(m.iface.prefix), p)
    if m.outputs:
        out += "\ntypedef struct %s_result {\n" % p
        for q in m.outputs:
            out += "    %s\n" % field_decl(q)
            if q.length_from:
                out += "    word_t %s; /* words of %s to send */\n" % (
                    snake(q.length_from), q.kname)
        out += "} %s_result_t;\n\n" % p
        out += "/* Write the results as the reply message (registers and length). */\n"
        out += "void %s_reply(const %s_result_t *r);\n" % (p, p)
    return out + "\n"


def decode_c(spec):
    out = BANNER + comment("Invocation decoders: length and capability checks, unpacking and "
                           "per-object dispatch.")
    out += "#include <gen/decode.h>\n\n"
    for iface in spec.interfaces:
        for m in iface.methods:
            out += unpack_fn(m)
            if m.outputs:
                out += reply_fn(m)
        out += has_label_fn(iface) + dispatch_fn(iface)
    out += label_names_fn(spec)
    return out


def _checks(m, words):
    conds = []
    if words:
        conds.append("inv->length < %d" % words)
    if m.n_caps:
        conds.append("inv->extra_caps < %d" % m.n_caps)
    return conds


def _fixed_words(m):
    """Words needed before any length_from struct (or all of them if there is none)."""
    for p in m.inputs:
        if p.length_from:
            return p.word
    return m.in_words


def unpack_fn(m):
    p = m.c_prefix
    out = "exception_t %s_unpack(const invocation_t *inv, %s_args_t *out)\n{\n" % (p, p)
    out += "    %s_args_t a;\n" % p
    fixed = _fixed_words(m)
    conds = _checks(m, fixed)
    if conds:
        out += "\n    if (%s) {\n        return seL4_TruncatedMessage;\n    }\n" % " || ".join(conds)
    word_vars = sorted({q.word for q in m.inputs if q.type.kind != "struct"})
    for w in word_vars:
        out += "    word_t w%d = invocation_get_mr(inv, %d);\n" % (w, w)
    if not m.inputs and not m.caps:
        out += "    (void)inv;\n    a.none = 0;\n"
    for q in m.caps:
        out += "    a.%s = inv->caps[%d];\n" % (q.kname, q.cap_index)
    for q in m.inputs:
        out += unpack_param(q)
    out += "    *out = a;\n    return seL4_NoError;\n}\n\n"
    return out


def unpack_param(q):
    t = q.type
    src = "w%d" % q.word if t.kind != "struct" else None
    if t.kind == "bitfield":
        return "    a.%s = %s_unpack(%s);\n" % (q.kname, t.bitfield.kernel, src)
    if t.kind == "struct":
        return unpack_struct(q)
    if t.kernel == "bool":
        return "    a.%s = %s != 0;\n" % (q.kname, extract(src, q.shift, q.bits))
    if q.bits == 64 or whole_word(q):
        return "    a.%s = %s;\n" % (q.kname, src)
    return "    a.%s = (%s)%s;\n" % (q.kname, t.kernel, extract(src, q.shift, q.bits))


def unpack_struct(q):
    n = len(q.type.members)
    out = ""
    if q.length_from:
        out += "    {\n"
        out += "        word_t want = a.%s;\n" % snake(q.length_from)
        out += "        if (inv->length - %d < want) {\n" % q.word
        out += "            return seL4_TruncatedMessage;\n        }\n"
        out += "        word_t n = want < %d ? want : %d;\n" % (n, n)
    else:
        out += "    {\n        word_t n = %d;\n" % n
    out += "        for (word_t i = 0; i < %d; i++) {\n" % n
    out += "            a.%s[i] = i < n ? invocation_get_mr(inv, (unsigned)(%d + i)) : 0;\n" % (
        q.kname, q.word)
    out += "        }\n    }\n"
    return out


def reply_fn(m):
    p = m.c_prefix
    out = "void %s_reply(const %s_result_t *r)\n{\n" % (p, p)
    words = {}
    length = "%d" % m.out_words
    for q in m.outputs:
        if q.type.kind == "struct":
            n = len(q.type.members)
            if q.length_from:
                cnt = "r->%s" % snake(q.length_from)
                out += "    word_t n = %s < %d ? %s : %d;\n" % (cnt, n, cnt, n)
                length = "%d + n" % q.word if q.word else "n"
            else:
                out += "    word_t n = %d;\n" % n
            out += "    for (word_t i = 0; i < n; i++) {\n"
            out += "        invocation_set_reply_mr((unsigned)(%d + i), r->%s[i]);\n" % (
                q.word, q.kname)
            out += "    }\n"
            continue
        if q.type.kind == "bitfield":
            expr = "%s_pack(r->%s)" % (q.type.bitfield.kernel, q.kname)
        else:
            expr = "r->%s" % q.kname
        words.setdefault(q.word, []).append(insert(expr, q.shift, q.bits, "word_t"))
    for w in sorted(words):
        out += "    invocation_set_reply_mr(%d, %s);\n" % (w, " | ".join(words[w]))
    out += "    invocation_set_reply_length(%s);\n}\n\n" % length
    return out


def has_label_fn(iface):
    out = "bool %s_has_label(word_t label)\n{\n    switch (label) {\n" % iface.prefix
    for m in iface.methods:
        out += "    case %s:\n" % m.kernel_label
    if iface.methods:
        out += "        return true;\n"
    out += "    default:\n        return false;\n    }\n}\n\n"
    return out


def dispatch_fn(iface):
    out = "exception_t %s_dispatch(struct cte *slot, const invocation_t *inv)\n{\n" % iface.prefix
    out += "    (void)slot;\n    switch (inv->label) {\n"
    for m in iface.methods:
        out += "    case %s: {\n" % m.kernel_label
        if not m.implemented:
            out += "        /* Not implemented by the kernel yet (kernel=\"pending\"). */\n"
            out += "        return seL4_IllegalOperation;\n    }\n"
            continue
        out += "        %s_args_t args;\n" % m.c_prefix
        out += "        exception_t err = %s_unpack(inv, &args);\n" % m.c_prefix
        out += "        if (err != seL4_NoError) {\n            return err;\n        }\n"
        out += "        return %s_decode_%s(slot, inv, &args);\n    }\n" % (iface.prefix, m.kname)
    out += "    default:\n        return seL4_IllegalOperation;\n    }\n}\n\n"
    return out


def label_names_fn(spec):
    out = "const char *invocation_label_name(word_t label)\n{\n"
    out += "    static const char *const names[N_INVOCATION_LABELS] = {\n"
    out += "        \"InvalidInvocation\",\n"
    for m in spec.methods:
        out += "        \"%s\",\n" % m.stub_name
    out += "    };\n    return label < N_INVOCATION_LABELS ? names[label] : \"?\";\n}\n"
    return out
