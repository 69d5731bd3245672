"""libsel4ish outputs: generated headers under <out>/sel4/gen/ that <sel4/sel4.h> includes.

constants.h: syscall numbers, errors, object types and sizes, constants, enums, faults;
structures.h: bit-packed structures with libsel4's accessors, and plain structures;
invocation.h: libsel4's invocation label enums;
client.h: one seL4_<Object>_<Method>() stub per method, result structs, error details.
"""

from cgen import BANNER, c_int, comment, extract, header, insert

USER_FILES = ["constants.h", "structures.h", "invocation.h", "client.h"]
FORCE_LONG = "0x7fffffffffffffffll"


def generate(spec):
    return {
        "sel4/gen/constants.h": constants_h(spec),
        "sel4/gen/structures.h": structures_h(spec),
        "sel4/gen/invocation.h": invocation_h(spec),
        "sel4/gen/client.h": client_h(spec),
    }


def enum_block(typedef, values, pad=True, doc=None):
    """A typedef'd enum; `pad` forces it to word size as libsel4's enums are."""
    out = comment(doc) if doc else ""
    out += "typedef enum {\n"
    for name, value, desc in values:
        out += "    %s = %s,%s\n" % (name, c_int(value), (" /* %s */" % desc) if desc else "")
    if pad:
        out += "    _enum_pad_%s = %s\n" % (typedef, FORCE_LONG)
    return out + "} %s;\n\n" % typedef


def constants_h(spec):
    out = header("Numbers of the ABI: system calls, errors, object types and sizes, "
                 "constants, initial capabilities, fault message layouts.",
                 ["<sel4/simple_types.h>"])
    out += enum_block("seL4_Syscall_ID", [("seL4_Sys%s" % s.name, s.number, None)
                                         for s in spec.syscalls], doc="System call numbers.")
    errs = [(e.name, e.value, None) for e in spec.errors]
    errs.append(("seL4_NumErrors", max(e.value for e in spec.errors) + 1, None))
    out += enum_block("seL4_Error", errs, doc="Errors returned by invocations.")
    if spec.lookup_failures:
        out += enum_block("seL4_LookupFailureType", [(f.name, f.value, None)
                                                     for f in spec.lookup_failures],
                          doc="Lookup failure types (FailedLookup details, cap faults).")
    out += objects_block(spec)
    out += constants_block(spec)
    for e in spec.enums:
        out += enum_block(e.name, [(v.name, v.value, None) for v in e.values],
                          doc=e.description)
    out += faults_block(spec)
    return out


def objects_block(spec):
    out = ""
    if not spec.objects:
        return out
    vals = [(o.name, o.number, None) for o in spec.objects]
    groups = {}
    for o in spec.objects:
        groups[o.group] = max(groups.get(o.group, -1), o.number)
    last = -1
    for g, cname in (("api", "seL4_NonArchObjectTypeCount"), ("mode", "seL4_ModeObjectTypeCount"),
                     ("arch", "seL4_ObjectTypeCount")):
        last = max(last, groups.get(g, last))
        vals.append((cname, last + 1, None))
    out += enum_block("seL4_ObjectType", vals, doc="Object types: the type argument of "
                      "seL4_Untyped_Retype.")
    out += "typedef seL4_Word api_object_t;\ntypedef seL4_Word object_t;\n\n"
    out += "/* Object sizes (log2 bytes). */\n"
    for o in spec.objects:
        if o.size_const:
            out += "#define %s %d\n" % (o.size_const, o.size_bits)
    return out + "\n"


def constants_block(spec):
    out = ""
    group = None
    for c in spec.constants:
        if c.group != group:
            out += "\n/* %s */\n" % c.group
            group = c.group
        out += "#define %s %s\n" % (c.user, c_int(c.value))
    return out + "\n"


def faults_block(spec):
    if not spec.faults:
        return ""
    out = enum_block("seL4_FaultType", [("seL4_Fault_%s" % f.name, f.value, None)
                                        for f in spec.faults],
                     doc="Fault types: the label of a fault message.")
    for f in spec.faults:
        if not f.words:
            continue
        out += "/* Message registers of a %s message. */\nenum {\n" % f.name
        for w in f.words:
            out += "    seL4_%s_%s = %d,\n" % (f.name, w.name, w.index)
        out += "    seL4_%s_Length = %d\n};\n\n" % (f.name, max(w.index for w in f.words) + 1)
    return out


# ----------------------------------------------------------------------------------------


def structures_h(spec):
    out = header("Bit-packed structures with libsel4's constructors and accessors, and plain "
                 "structures.", ["<sel4/simple_types.h>"])
    out += "/* Capability types: all are capability pointers. */\n"
    for t in spec.types.values():
        if t.kind == "cap" and t.name != "seL4_CPtr":
            out += "typedef seL4_CPtr %s;\n" % t.name
    out += "\n"
    for bf in spec.bitfields:
        out += bitfield_c(bf)
    for st in spec.structs:
        out += comment(st.description)
        out += "typedef struct %s_ {\n" % st.name
        for m in st.members:
            out += "    seL4_Word %s;\n" % m
        out += "} %s;\n\n" % st.name
    return out


def bitfield_c(bf):
    n = bf.name
    t = n + "_t"
    out = comment(bf.description)
    out += "typedef struct %s {\n    seL4_Uint64 words[1];\n} %s;\n\n" % (n, t)
    args = ", ".join("seL4_Uint64 %s" % f.name for f in bf.fields)
    out += "static inline %s %s_new(%s)\n{\n    %s v;\n" % (t, n, args, t)
    parts = [insert(f.name, f.shift, f.bits) for f in bf.fields]
    out += "    v.words[0] = " + " |\n                 ".join(parts) + ";\n"
    out += "    return v;\n}\n\n"
    for f in bf.fields:
        get = extract("v.words[0]", f.shift, f.bits)
        pget = extract("p->words[0]", f.shift, f.bits)
        clear = "~(%s << %d)" % ("0x%xull" % f.mask, f.shift)
        put = insert("x", f.shift, f.bits)
        out += "static inline seL4_Uint64 %s_get_%s(%s v)\n{\n    return %s;\n}\n\n" % (
            n, f.name, t, get)
        out += ("static inline %s %s_set_%s(%s v, seL4_Uint64 x)\n{\n"
                "    v.words[0] = (v.words[0] & %s) | %s;\n    return v;\n}\n\n") % (
            t, n, f.name, t, clear, put)
        out += "static inline seL4_Uint64 %s_ptr_get_%s(const %s *p)\n{\n    return %s;\n}\n\n" \
            % (n, f.name, t, pget)
        out += ("static inline void %s_ptr_set_%s(%s *p, seL4_Uint64 x)\n{\n"
                "    p->words[0] = (p->words[0] & %s) | %s;\n}\n\n") % (
            n, f.name, t, clear, put)
    return out


# ----------------------------------------------------------------------------------------


def invocation_h(spec):
    out = header("Invocation labels under libsel4's names (the label of a call to a kernel "
                 "object).")
    enums = (("generic", "invocation_label", "InvalidInvocation", "nInvocationLabels"),
             ("mode", "sel4_arch_invocation_label", None, "nSeL4ArchInvocationLabels"),
             ("arch", "arch_invocation_label", None, "nArchInvocationLabels"))
    prev_count = None
    for level, tag, first, count in enums:
        methods = [m for m in spec.methods if m.iface.level == level]
        out += "enum %s {\n" % tag
        if first:
            out += "    %s = 0,\n" % first
        for i, m in enumerate(methods):
            if i == 0 and prev_count:
                out += "    %s = %s, /* %d */\n" % (m.label, prev_count, m.number)
            else:
                out += "    %s, /* %d */\n" % (m.label, m.number)
        if not methods and prev_count:
            out += "    %s = %s\n};\n\n" % (count, prev_count)
        else:
            out += "    %s\n};\n\n" % count
        prev_count = count
    return out


# ----------------------------------------------------------------------------------------


def c_type(t):
    return t.name


def stub_params(m):
    params = ["%s _service" % m.iface.name]
    for p in m.params:
        if p.direction == "in":
            if p.type.kind == "struct":
                params.append("%s *%s" % (p.type.name, p.name))
            else:
                params.append("%s %s" % (p.type.name, p.name))
    for p in m.outputs:
        if p.type.kind == "struct":
            params.append("%s *%s" % (p.type.name, p.name))
    return ", ".join(params)


def result_struct(m):
    """libsel4 returns a struct when an output is not passed by reference."""
    by_value = [p for p in m.outputs if p.type.kind != "struct"]
    if not by_value:
        return None
    out = "typedef struct %s {\n    int error;\n" % m.stub_name
    for p in by_value:
        out += "    %s %s;\n" % (p.type.name, p.name)
    return out + "} %s_t;\n\n" % m.stub_name


def marshal_words(m):
    """C expressions for each input word, in order."""
    words = [[] for _ in range(m.in_words)]
    for p in m.inputs:
        t = p.type
        if t.kind == "struct":
            for i, member in enumerate(t.members):
                words[p.word + i].append("%s->%s" % (p.name, member))
        elif t.kind == "bitfield":
            words[p.word].append("%s.words[0]" % p.name)
        elif p.bits == 64:
            words[p.word].append("(seL4_Word)%s" % p.name)
        else:
            words[p.word].append(insert(p.name, p.shift, p.bits))
    return [" | ".join(w) if w else "0" for w in words]


def stub(m, fast):
    rs = result_struct(m)
    ret = "%s_t" % m.stub_name if rs else "seL4_Error"
    out = rs or ""
    out += comment("%s (label %s): %s" % (m.stub_name, m.label, m.description))
    out += "static inline %s %s(%s)\n{\n" % (ret, m.stub_name, stub_params(m))
    out += "    %s result;\n" % ret
    out += "    seL4_MessageInfo_t tag = seL4_MessageInfo_new(%s, 0, %d, %d);\n" % (
        m.label, m.n_caps, m.in_words)
    out += "    seL4_MessageInfo_t output_tag;\n"
    words = marshal_words(m)
    for i in range(fast):
        out += "    seL4_Word mr%d = %s;\n" % (i, words[i] if i < len(words) else "0")
    for q in m.caps:
        out += "    seL4_SetCap(%d, %s);\n" % (q.cap_index, q.name)
    for i in range(fast, len(words)):
        out += "    seL4_SetMR(%d, %s);\n" % (i, words[i])
    out += "    output_tag = seL4_CallWithMRs(_service, tag, %s);\n" % ", ".join(
        "&mr%d" % i for i in range(fast))
    target = "result.error" if rs else "result"
    cast = "(int)" if rs else "(seL4_Error)"
    out += "    %s = %sseL4_MessageInfo_get_label(output_tag);\n" % (target, cast)
    out += "    if (%s != seL4_NoError) {\n" % target
    for i in range(fast):
        out += "        seL4_SetMR(%d, mr%d);\n" % (i, i)
    out += "        seL4ish_SaveErrorTag(output_tag);\n"
    out += "        return result;\n    }\n"
    out += unmarshal(m, fast)
    out += "    return result;\n}\n\n"
    return out


def unmarshal(m, fast):
    out = ""

    def word(i):
        return "mr%d" % i if i < fast else "seL4_GetMR(%d)" % i

    for p in m.outputs:
        t = p.type
        if t.kind == "struct":
            for i, member in enumerate(t.members):
                out += "    %s->%s = %s;\n" % (p.name, member, word(p.word + i))
        elif t.kind == "bitfield":
            out += "    result.%s.words[0] = %s;\n" % (p.name, word(p.word))
        else:
            out += "    result.%s = (%s)%s;\n" % (p.name, t.name,
                                                  extract(word(p.word), p.shift, p.bits))
    return out


def error_detail(spec):
    """seL4_ErrorDetail_t and seL4_GetErrorDetail(): the details of the last failed stub."""
    fields = []
    for e in spec.errors:
        for d in e.details:
            names = [d.name] if d.kind == "word" else ["lookup_type"] + [
                w.name for f in spec.lookup_failures for w in f.words]
            for n in names:
                if n not in fields:
                    fields.append(n)
    out = comment("The details the kernel sent with the error of the last invocation stub that "
                  "failed in this thread (sel4ish extension). Fields that do not apply to the "
                  "error are 0. `words` says how many detail words the error carries.")
    out += "typedef struct seL4_ErrorDetail {\n    seL4_Error error;\n"
    for f in fields:
        out += "    seL4_Word %s;\n" % f
    out += "} seL4_ErrorDetail_t;\n\n"
    out += comment("Read the error details of the last stub that returned an error in this "
                   "thread. Valid until the thread's message registers are overwritten (the "
                   "next IPC or invocation).")
    out += "static inline seL4_ErrorDetail_t seL4_GetErrorDetail(void)\n{\n"
    out += "    seL4_ErrorDetail_t d = {0};\n"
    out += "    d.error = (seL4_Error)seL4_MessageInfo_get_label(seL4ish_SavedErrorTag());\n"
    out += "    switch (d.error) {\n"
    for e in spec.errors:
        if not e.details:
            continue
        out += "    case %s:\n" % e.name
        for i, d in enumerate(e.details):
            if d.kind == "word":
                out += "        d.%s = seL4_GetMR(%d);\n" % (d.name, i)
            else:
                out += "        d.lookup_type = seL4_GetMR(%d);\n" % i
                out += "        switch (d.lookup_type) {\n"
                for f in spec.lookup_failures:
                    if not f.words:
                        continue
                    out += "        case %s:\n" % f.name
                    for j, w in enumerate(f.words):
                        out += "            d.%s = seL4_GetMR(%d);\n" % (w.name, i + 1 + j)
                    out += "            break;\n"
                out += "        default:\n            break;\n        }\n"
        out += "        break;\n"
    out += "    default:\n        break;\n    }\n    return d;\n}\n\n"
    out += "/* The name of an error code, e.g. \"seL4_RangeError\". */\n"
    out += "static inline const char *seL4_ErrorName(seL4_Word error)\n{\n    switch (error) {\n"
    for e in spec.errors:
        out += "    case %s:\n        return \"%s\";\n" % (e.name, e.name)
    out += "    default:\n        return \"?\";\n    }\n}\n\n"
    return out


def client_h(spec):
    out = header("Invocation stubs: one seL4_<Object>_<Method>() per method, with libsel4's "
                 "names, argument order and result structures.",
                 ["<sel4/simple_types.h>", "<sel4/gen/constants.h>",
                  "<sel4/gen/structures.h>", "<sel4/gen/invocation.h>"])
    out += comment("Provided by <sel4/functions.h> and <sel4/syscalls.h>, which <sel4/sel4.h> "
                   "includes first.")
    out += "#ifndef SEL4ISH_CLIENT_PREREQUISITES\n"
    out += "#error \"include <sel4/sel4.h> instead of <sel4/gen/client.h>\"\n#endif\n\n"
    out += error_detail(spec)
    fast = spec.constant("seL4_FastMessageRegisters", 4)
    for iface in spec.interfaces:
        out += "/* ---- %s ---- */\n\n" % iface.name
        for m in iface.methods:
            out += stub(m, fast)
    return out
