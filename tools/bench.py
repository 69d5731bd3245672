#!/usr/bin/env python3
"""Run the sel4ish benchmark and report its figures.

Boots the benchmark root task (bench/, benchmark.elf) with the release kernel through
tools/run.py, under QEMU TCG with -icount shift=0 (--icount), where the TSC advances once per
executed instruction: every figure is an exact instruction count, the same on every machine and
in every run. The root task prints one line per figure on the serial line:

  BENCH {"name": "...", "kind": "ipc", "median": 211, "min": 211, "max": 230,
         "count": 128, "overhead": 21}
  BENCH DONE <number of figures>          (or BENCH ERROR <what>: <value>)

This script parses them and writes, in --out-dir:
  bench-results.json   a list of objects: name, unit, median, min, max, count (and kind,
                       the overhead subtracted)
  bench-results.svg    a bar chart of the medians (minimum to maximum as a line), with seL4's
                       figure and the goal (0.6 x seL4) marked where the issue gives them
  bench-serial.log     the serial output
and prints a table, with seL4's published numbers and the goal for the six headline figures
and, with --budget, each figure's budget.

--check fails (exit status 1) when a figure's median exceeds its budget in the --budget file
(bench/budget.json), or a budgeted figure is missing; --update-budget rewrites the budget file
from this run. --runs N boots N times and fails unless every run gives the same figures.
--kvm runs under KVM instead: the figures are then cycles, labelled as such, never compared
with seL4's instruction counts or with the budget.

Only the Python 3 standard library is used.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import xml.sax.saxutils

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "run.py")

EXIT_OK = 0
EXIT_OVER_BUDGET = 1   # --check: a figure above its budget, or missing
EXIT_RUN_FAILED = 2    # the benchmark did not run to its end (boot, BENCH ERROR, bad output)
EXIT_NOT_DETERMINISTIC = 3  # --runs: two runs disagreed
EXIT_USAGE = 5

# seL4's own figures, measured by its sel4bench the same way (release build, fastpath on,
# x86-64, non-MCS, QEMU -cpu max -icount shift=0), from the issue (issue 6), in instructions.
# The goal for sel4ish is 0.6 x seL4, rounded down.
SEL4_INSTRUCTIONS = {
    "Call, length 0, same address space": 211,
    "Call, length 0, different address spaces": 212,
    "ReplyRecv, length 0, different address spaces": 239,
    "Call, length 10 (slowpath), different address spaces": 848,
    "ReplyRecv, length 10 (slowpath), different address spaces": 812,
    "Send, length 0, low to high priority, different address spaces": 750,
}
HEADLINE = list(SEL4_INSTRUCTIONS)

REQUIRED_FIELDS = ("name", "median", "min", "max", "count")

UNIT_INSTRUCTIONS = "instructions"
UNIT_CYCLES = "cycles"


def goal(sel4):
    """The goal for sel4ish: 0.6 x seL4's figure, rounded down (integer arithmetic)."""
    return sel4 * 6 // 10


class BenchError(Exception):
    """The benchmark did not produce a complete, well-formed set of figures."""


class NotDeterministic(Exception):
    """Two runs of --runs gave different figures."""


# --------------------------------------------------------------------------
# Parsing the serial output


def parse_serial(lines, unit=UNIT_INSTRUCTIONS):
    """Returns the figures of the BENCH lines in lines, in order, as dicts with name, unit,
    median, min, max, count (plus the root task's other fields). Raises BenchError on a
    BENCH ERROR line, a malformed BENCH line, a duplicate name, or a missing or inconsistent
    BENCH DONE line."""
    figures, names, done = [], set(), None
    for raw in lines:
        line = raw.replace("\r", "").strip()
        if not line.startswith("BENCH "):
            continue
        rest = line[len("BENCH "):]
        if rest.startswith("ERROR"):
            raise BenchError(f"the benchmark failed: {line}")
        if rest.startswith("DONE"):
            try:
                done = int(rest.split()[1])
            except (IndexError, ValueError):
                raise BenchError(f"malformed line: {line}") from None
            continue
        figure = parse_figure(rest, line)
        if figure["name"] in names:
            raise BenchError(f"figure reported twice: {figure['name']}")
        names.add(figure["name"])
        figure["unit"] = unit
        figures.append(figure)
    if done is None:
        raise BenchError("no 'BENCH DONE' line: the benchmark did not finish")
    if done != len(figures):
        raise BenchError(f"'BENCH DONE {done}' but {len(figures)} figures were reported")
    return [ordered(f) for f in figures]


def parse_figure(text, line):
    try:
        figure = json.loads(text)
    except json.JSONDecodeError as e:
        raise BenchError(f"malformed BENCH line ({e.msg}): {line}") from None
    if not isinstance(figure, dict):
        raise BenchError(f"malformed BENCH line (not an object): {line}")
    for field in REQUIRED_FIELDS:
        if field not in figure:
            raise BenchError(f"BENCH line without '{field}': {line}")
    if not isinstance(figure["name"], str) or not figure["name"]:
        raise BenchError(f"BENCH line with a bad name: {line}")
    for field in REQUIRED_FIELDS[1:]:
        if not isinstance(figure[field], int) or isinstance(figure[field], bool):
            raise BenchError(f"BENCH line with a non-integer '{field}': {line}")
    if not figure["min"] <= figure["median"] <= figure["max"] or figure["count"] < 1:
        raise BenchError(f"BENCH line with inconsistent statistics: {line}")
    return figure


def ordered(figure):
    """The figure with its fields in a fixed order: name, unit, median, min, max, count, rest."""
    keys = ["name", "unit", "median", "min", "max", "count"]
    out = {k: figure[k] for k in keys}
    for k in sorted(figure):
        if k not in out:
            out[k] = figure[k]
    return out


# --------------------------------------------------------------------------
# The budget


def load_budget(path):
    with open(path, encoding="utf-8") as f:
        budget = json.load(f)
    if not isinstance(budget.get("figures"), dict):
        raise ValueError(f"{path}: no 'figures' object")
    return budget


def toolchain_versions(cc, qemu):
    """First lines of `cc --version` and `qemu --version` (None for one that cannot run)."""
    def first_line(cmd):
        try:
            out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True, timeout=30, check=False).stdout
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.splitlines()[0].strip() if out.strip() else None
    return {"cc": first_line([cc, "--version"]) if cc else None,
            "qemu": first_line([qemu, "--version"]) if qemu else None}


def check_budget(figures, budget, toolchain=None):
    """Compares medians with the budget. Returns (failures, notes, margin_percent): failures
    lists figures above budget (or missing), notes those below it. The margin is
    budget['margin_percent'] when toolchain matches budget['toolchain'] (or either is
    unknown), else budget['other_toolchain_margin_percent']."""
    margin = budget.get("margin_percent", 0)
    recorded = budget.get("toolchain")
    if toolchain and recorded and any(toolchain.get(k) and recorded.get(k)
                                      and toolchain[k] != recorded[k] for k in recorded):
        margin = budget.get("other_toolchain_margin_percent", margin)
    by_name = {f["name"]: f for f in figures}
    failures, notes = [], []
    for name, limit in budget["figures"].items():
        figure = by_name.get(name)
        if figure is None:
            failures.append(f"{name}: not measured (budget {limit})")
            continue
        allowed = limit * (100 + margin) // 100
        if figure["median"] > allowed:
            extra = f" + {margin}%" if margin else ""
            failures.append(f"{name}: {figure['median']} > budget {limit}{extra}")
        elif figure["median"] < limit:
            notes.append(f"{name}: {figure['median']} < budget {limit}")
    return failures, notes, margin


def updated_budget(budget, figures, commit=None, toolchain=None):
    """The budget with every non-overhead figure's median as its new limit."""
    new = dict(budget or {})
    new.setdefault("margin_percent", 0)
    new.setdefault("other_toolchain_margin_percent", 10)
    new["unit"] = UNIT_INSTRUCTIONS
    if commit:
        new["measured_on"] = commit
    if toolchain:
        new["toolchain"] = toolchain
    new["figures"] = {f["name"]: f["median"] for f in figures if f.get("kind") != "overhead"}
    return new


# --------------------------------------------------------------------------
# Output: table, JSON, SVG


def format_table(figures, budget=None):
    """A text table of the figures; seL4's figure and the goal for the headline ones (only for
    instruction counts), the budget when given."""
    instructions = figures and figures[0]["unit"] == UNIT_INSTRUCTIONS
    limits = (budget or {}).get("figures", {})
    head = ["figure", "median", "min", "max", "count"]
    if instructions:
        head += ["seL4", "goal"]
    if limits:
        head.append("budget")
    rows = []
    for f in figures:
        row = [f["name"], str(f["median"]), str(f["min"]), str(f["max"]), str(f["count"])]
        if instructions:
            sel4 = SEL4_INSTRUCTIONS.get(f["name"])
            row += [str(sel4) if sel4 else "", f"<= {goal(sel4)}" if sel4 else ""]
        if limits:
            row.append(str(limits.get(f["name"], "")))
        rows.append(row)
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]

    def line(cells):
        return "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                         for i, c in enumerate(cells)).rstrip()
    unit = figures[0]["unit"] if figures else UNIT_INSTRUCTIONS
    out = [f"sel4ish benchmark ({unit}; one-way figures, overhead subtracted)",
           line(head), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def format_markdown(figures):
    """The README's two Markdown tables: the headline figures beside seL4's and the goal, then
    every other figure but the overheads (median, minimum, maximum)."""
    by_name = {f["name"]: f for f in figures}
    out = ["| one-way figure | sel4ish | seL4 | goal (0.6 x seL4) |", "|---|---|---|---|"]
    for name in HEADLINE:
        f = by_name.get(name)
        out.append(f"| {name} | {f['median'] if f else '-'} | {SEL4_INSTRUCTIONS[name]} | "
                   f"<= {goal(SEL4_INSTRUCTIONS[name])} |")
    out += ["", "| figure | median | min | max |", "|---|---|---|---|"]
    for f in figures:
        if f["name"] not in SEL4_INSTRUCTIONS and f.get("kind") != "overhead":
            out.append(f"| {f['name']} | {f['median']} | {f['min']} | {f['max']} |")
    return "\n".join(out)


def write_json(path, figures):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(figures, f, indent=2)
        f.write("\n")


SVG_WIDTH = 960
SVG_LABEL_WIDTH = 470
SVG_ROW = 22
SVG_BAR = 14
SVG_SECTION_GAP = 34
SECTIONS = (("ipc", "IPC, scheduling and faults"), ("object", "Untyped_Retype and CNode_Revoke"),
            ("overhead", "Overheads (timestamps and the no-op step; subtracted)"))


def svg_escape(text):
    return xml.sax.saxutils.escape(text, {'"': "&quot;"})


def render_svg(figures, title="sel4ish benchmark"):
    """A horizontal bar chart of the medians, one section (with its own linear scale) per kind
    of figure; a thin line spans minimum to maximum; seL4's figure (red) and the goal (green)
    are marked on the headline figures measured in instructions."""
    unit = figures[0]["unit"] if figures else UNIT_INSTRUCTIONS
    plot_x, plot_w = SVG_LABEL_WIDTH + 10, SVG_WIDTH - SVG_LABEL_WIDTH - 80
    parts, y = [], 56
    for kind, heading in SECTIONS:
        rows = [f for f in figures if f.get("kind", "ipc") == kind]
        if not rows:
            continue
        scale_max = max(max(f["median"] for f in rows), 1)
        if unit == UNIT_INSTRUCTIONS:
            scale_max = max([scale_max] + [SEL4_INSTRUCTIONS.get(f["name"], 0) for f in rows])
        parts.append(f'<text x="10" y="{y}" class="section">{svg_escape(heading)}</text>')
        y += 10
        for f in rows:
            parts.append(svg_row(f, y, plot_x, plot_w, scale_max, unit))
            y += SVG_ROW
        y += SVG_SECTION_GAP
    legend = (f'<text x="10" y="40" class="note">median {svg_escape(unit)} per figure (bar), '
              "minimum to maximum (line)")
    if unit == UNIT_INSTRUCTIONS:
        legend += (', seL4 (<tspan fill="#c0392b">red mark</tspan>), goal 0.6 x seL4 '
                   '(<tspan fill="#27ae60">green mark</tspan>)')
    legend += "</text>"
    height = y
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_WIDTH}" height="{height}" '
        f'viewBox="0 0 {SVG_WIDTH} {height}" font-family="sans-serif" font-size="12">',
        "<style>.section{font-weight:bold;font-size:14px}.note{fill:#555}"
        ".label{fill:#222}.value{fill:#222;font-size:11px}</style>",
        f'<rect width="{SVG_WIDTH}" height="{height}" fill="white"/>',
        f'<text x="10" y="22" class="section">{svg_escape(title)} ({svg_escape(unit)})</text>',
        legend,
        *parts,
        "</svg>",
        ""])


def svg_row(f, y, plot_x, plot_w, scale_max, unit):
    def x(v):
        return plot_x + plot_w * min(v, scale_max) / scale_max
    mid = y + SVG_BAR / 2
    out = [f'<g><title>{svg_escape(f["name"])}: median {f["median"]}, min {f["min"]}, '
           f'max {f["max"]}, count {f["count"]}</title>',
           f'<text x="{plot_x - 8}" y="{mid + 4:.1f}" text-anchor="end" class="label">'
           f'{svg_escape(f["name"])}</text>',
           f'<rect class="bar" x="{plot_x}" y="{y}" width="{x(f["median"]) - plot_x:.1f}" '
           f'height="{SVG_BAR}" fill="#4a79c4"/>',
           f'<line x1="{x(f["min"]):.1f}" y1="{mid:.1f}" x2="{x(f["max"]):.1f}" y2="{mid:.1f}" '
           'stroke="#1b2f52" stroke-width="1.5"/>']
    sel4 = SEL4_INSTRUCTIONS.get(f["name"]) if unit == UNIT_INSTRUCTIONS else None
    if sel4:
        for value, colour in ((sel4, "#c0392b"), (goal(sel4), "#27ae60")):
            out.append(f'<line x1="{x(value):.1f}" y1="{y - 2}" x2="{x(value):.1f}" '
                       f'y2="{y + SVG_BAR + 2}" stroke="{colour}" stroke-width="3"/>')
    out.append(f'<text x="{x(max(f["median"], f["max"])) + 4:.1f}" y="{mid + 4:.1f}" '
               f'class="value">{f["median"]}</text></g>')
    return "\n".join(out)


# --------------------------------------------------------------------------
# Running the benchmark


def runner_command(args, log):
    cmd = [sys.executable, args.runner, "--kernel", args.kernel, "--module", args.module,
           "--timeout", str(args.timeout), "--log", log, "--quiet", "--qemu", args.qemu,
           "--expect", "BENCH DONE"]
    cmd.append("--kvm" if args.kvm else "--icount")
    return cmd


def run_once(args, log):
    """Boots the benchmark once; returns its figures. Raises BenchError when it fails."""
    cmd = runner_command(args, log)
    if os.path.exists(log):
        os.remove(log)  # never read an earlier run's output
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          check=False)
    lines = []
    if os.path.exists(log):
        with open(log, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    if not args.quiet:
        for line in lines:
            if not line.startswith("BENCH "):
                print(line)
    try:
        figures = parse_serial(lines, UNIT_CYCLES if args.kvm else UNIT_INSTRUCTIONS)
    except BenchError:
        if proc.returncode != 0:
            sys.stdout.write(proc.stdout)
        raise
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout)
        raise BenchError(f"tools/run.py failed with exit status {proc.returncode}")
    return figures


def git_commit():
    """The checkout's commit (`git log -1 --format=%h`), marked when what is measured (the
    kernel, libsel4ish, the interface spec) differs from it in the work tree; None outside a
    git checkout."""
    def git(*argv):
        try:
            return subprocess.run(["git", "-C", os.path.dirname(HERE), *argv],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                  timeout=30, check=False).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""
    commit = git("log", "-1", "--format=%h")
    if not commit:
        return None
    dirty = git("status", "--porcelain", "--", "kernel", "libsel4ish", "api")
    return f"{commit} with uncommitted changes" if dirty else commit


class Parser(argparse.ArgumentParser):
    """Usage errors exit with EXIT_USAGE (argparse's own 2 is EXIT_RUN_FAILED here)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser():
    p = Parser(
        prog="bench.py", description="Run the sel4ish benchmark under QEMU and report it.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit status: 0 ok, 1 over budget (--check), 2 the benchmark failed, "
               "3 runs disagreed (--runs), 5 usage")
    p.add_argument("--kernel", required=True, help="the release kernel ELF")
    p.add_argument("--module", required=True, help="the benchmark root task (benchmark.elf)")
    p.add_argument("--out-dir", default=".", help="where the results go (default: .)")
    p.add_argument("--budget", metavar="FILE", help="the budget (bench/budget.json)")
    p.add_argument("--check", action="store_true",
                   help="fail when a figure exceeds its budget (needs --budget)")
    p.add_argument("--update-budget", action="store_true",
                   help="rewrite the --budget file with this run's medians")
    p.add_argument("--runs", type=int, default=1,
                   help="boot this many times; fail unless all give the same figures")
    p.add_argument("--kvm", action="store_true",
                   help="run under KVM: cycles, not instruction counts (never on kvm-pvm)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per boot (default 120)")
    p.add_argument("--runner", default=RUNNER, help="tools/run.py")
    p.add_argument("--qemu", default="qemu-system-x86_64", help="the QEMU binary")
    p.add_argument("--cc", default="clang", help="the compiler the images were built with "
                   "(its version is compared with the budget's)")
    p.add_argument("--markdown", action="store_true",
                   help="also print the headline figures as the README's Markdown table")
    p.add_argument("--quiet", action="store_true", help="do not echo the boot messages")
    return p


def parse_args(argv):
    parser = build_parser()
    args = parser.parse_args(argv)
    if (args.check or args.update_budget) and not args.budget:
        parser.error("--check and --update-budget need --budget")
    if args.kvm and (args.check or args.update_budget):
        parser.error("--kvm measures cycles: the budget is in instructions")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def run_all(args):
    """Boots args.runs times; returns the figures (identical in every run) and seconds taken."""
    start = time.monotonic()
    first = None
    for i in range(args.runs):
        log = os.path.join(args.out_dir, "bench-serial.log" if i == 0
                           else f"bench-serial.{i}.log")
        figures = run_once(args, log)
        if first is None:
            first = figures
        elif figures != first:
            diff = [f["name"] for f, g in zip(first, figures) if f != g]
            raise NotDeterministic(f"run {i + 1} differs from run 1: "
                                   f"{', '.join(diff) or 'the list of figures'}")
    return first, time.monotonic() - start


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.kvm:
        print("bench: --kvm: the figures are cycles of this machine's KVM guest; on a kvm-pvm "
              "host (the project's build machines) they mean nothing (DESIGN.md section 8)")
    os.makedirs(args.out_dir, exist_ok=True)
    try:
        budget = load_budget(args.budget) if args.budget else None
    except (OSError, ValueError) as e:
        print(f"bench: cannot read the budget: {e}")
        return EXIT_USAGE
    try:
        figures, seconds = run_all(args)
    except BenchError as e:
        print(f"bench: {e}")
        return EXIT_RUN_FAILED
    except NotDeterministic as e:
        print(f"bench: not deterministic: {e}")
        return EXIT_NOT_DETERMINISTIC

    json_path = os.path.join(args.out_dir, "bench-results.json")
    svg_path = os.path.join(args.out_dir, "bench-results.svg")
    write_json(json_path, figures)
    with open(svg_path, "w", encoding="utf-8") as f:
        f.write(render_svg(figures))
    print(format_table(figures, budget))
    if args.markdown:
        print()
        print(format_markdown(figures))
    runs = f"{args.runs} identical runs, " if args.runs > 1 else ""
    print(f"bench: {len(figures)} figures ({runs}{seconds:.1f} s); wrote {json_path} and "
          f"{svg_path}")
    return report_budget(args, figures, budget)


def report_budget(args, figures, budget):
    if budget is None or args.kvm:
        return EXIT_OK
    toolchain = toolchain_versions(args.cc, args.qemu)
    if args.update_budget:
        new = updated_budget(budget, figures, git_commit(), toolchain)
        with open(args.budget, "w", encoding="utf-8") as f:
            json.dump(new, f, indent=2)
            f.write("\n")
        print(f"bench: wrote {len(new['figures'])} budgets to {args.budget}")
        return EXIT_OK
    failures, notes, margin = check_budget(figures, budget, toolchain)
    if margin != budget.get("margin_percent", 0):
        print(f"bench: the toolchain differs from the budget's ({budget.get('toolchain')}): "
              f"allowing {margin}% above each budget")
    for n in notes:
        print(f"bench: below budget (lower it: tools/bench.py ... --update-budget): {n}")
    for fail in failures:
        print(f"bench: OVER BUDGET: {fail}")
    if failures and args.check:
        return EXIT_OVER_BUDGET
    if args.check:
        print(f"bench: all {len(budget['figures'])} budgeted figures within budget")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
