"""Tests of tools/bench.py: parsing the BENCH lines, the JSON, the table, the SVG, the budget,
and whole runs through tools/run.py against the fake QEMU (tools/tests/fake_qemu.py).

Run: python3 -m unittest discover -s tools/tests -v
"""

import json
import os
import shlex
import stat
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(os.path.dirname(HERE), "bench.py")
FAKE_QEMU = os.path.join(HERE, "fake_qemu.py")

sys.path.insert(0, os.path.dirname(HERE))
import bench  # noqa: E402  (tools/bench.py)

SVG_NS = "{http://www.w3.org/2000/svg}"


def bench_line(name, median, lo=None, hi=None, count=128, kind="ipc", overhead=21):
    lo = median if lo is None else lo
    hi = median if hi is None else hi
    return ("BENCH " + json.dumps({"name": name, "kind": kind, "median": median, "min": lo,
                                   "max": hi, "count": count, "overhead": overhead}))


SERIAL = [
    "sel4ish kernel (release build) booting",
    bench_line("Overhead: Call, length 0", 21, kind="overhead", overhead=0) + "\r",
    bench_line("Call, length 0, same address space", 120, 118, 900),
    "some other line",
    bench_line("Send, length 0, low to high priority, different address spaces", 700),
    bench_line("Untyped_Retype, 1 Endpoint", 1200, kind="object", overhead=12),
    "BENCH DONE 4",
    "debug halt requested by thread 'rootserver'",
]


class ParseTest(unittest.TestCase):
    def test_figures_in_order_with_unit(self):
        figures = bench.parse_serial(SERIAL)
        self.assertEqual([f["name"] for f in figures],
                         ["Overhead: Call, length 0", "Call, length 0, same address space",
                          "Send, length 0, low to high priority, different address spaces",
                          "Untyped_Retype, 1 Endpoint"])
        f = figures[1]
        self.assertEqual(list(f)[:6], ["name", "unit", "median", "min", "max", "count"])
        self.assertEqual((f["unit"], f["median"], f["min"], f["max"], f["count"]),
                         ("instructions", 120, 118, 900, 128))
        self.assertEqual(f["kind"], "ipc")

    def test_cycles_under_kvm(self):
        figures = bench.parse_serial(SERIAL, bench.UNIT_CYCLES)
        self.assertTrue(all(f["unit"] == "cycles" for f in figures))

    def test_error_line(self):
        with self.assertRaisesRegex(bench.BenchError, "process create"):
            bench.parse_serial(SERIAL[:2] + ["BENCH ERROR process create: 10"])

    def test_missing_or_wrong_done(self):
        with self.assertRaisesRegex(bench.BenchError, "did not finish"):
            bench.parse_serial(SERIAL[:3])
        with self.assertRaisesRegex(bench.BenchError, "BENCH DONE 5"):
            bench.parse_serial(SERIAL[:6] + ["BENCH DONE 5"])
        with self.assertRaisesRegex(bench.BenchError, "malformed"):
            bench.parse_serial(["BENCH DONE many"])

    def test_malformed_figures(self):
        bad = [
            ('BENCH {"name": "x", "median": 1, "min": 1, "max": 1', "malformed"),
            ('BENCH [1, 2]', "not an object"),
            ('BENCH {"name": "x", "median": 1, "min": 1, "count": 1}', "'max'"),
            ('BENCH {"name": "x", "median": 1.5, "min": 1, "max": 2, "count": 1}',
             "non-integer"),
            ('BENCH {"name": "x", "median": 3, "min": 1, "max": 2, "count": 1}', "inconsistent"),
            ('BENCH {"name": "", "median": 1, "min": 1, "max": 1, "count": 1}', "bad name"),
        ]
        for line, message in bad:
            with self.subTest(line=line):
                with self.assertRaisesRegex(bench.BenchError, message):
                    bench.parse_serial([line, "BENCH DONE 1"])

    def test_duplicate_name(self):
        line = bench_line("a", 1)
        with self.assertRaisesRegex(bench.BenchError, "twice"):
            bench.parse_serial([line, line, "BENCH DONE 2"])


class OutputTest(unittest.TestCase):
    def setUp(self):
        self.figures = bench.parse_serial(SERIAL)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_goal_is_six_tenths_rounded_down(self):
        self.assertEqual([bench.goal(v) for v in bench.SEL4_INSTRUCTIONS.values()],
                         [126, 127, 143, 508, 487, 450])

    def test_json_is_a_list_of_figures(self):
        path = os.path.join(self.tmp.name, "r.json")
        bench.write_json(path, self.figures)
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        self.assertEqual(data, self.figures)
        for obj in data:
            for key in ("name", "unit", "median", "min", "max", "count"):
                self.assertIn(key, obj)

    def test_table_has_sel4_goal_and_budget(self):
        budget = {"figures": {"Call, length 0, same address space": 125}}
        table = bench.format_table(self.figures, budget).splitlines()
        self.assertIn("instructions", table[0])
        self.assertEqual(table[1].split()[-3:], ["seL4", "goal", "budget"])
        row = next(r for r in table if r.startswith("Call, length 0, same address space"))
        self.assertTrue(row.endswith("211  <= 126     125"), row)
        send = next(r for r in table if r.startswith("Send"))
        self.assertIn("750  <= 450", send)

    def test_table_in_cycles_has_no_sel4_columns(self):
        figures = bench.parse_serial(SERIAL, bench.UNIT_CYCLES)
        table = bench.format_table(figures)
        self.assertIn("cycles", table.splitlines()[0])
        self.assertNotIn("seL4", table)

    def test_markdown_headline_table(self):
        md = bench.format_markdown(self.figures).splitlines()
        self.assertEqual(len(md), 2 + len(bench.HEADLINE) + 1 + 2 + 1)
        self.assertIn("| Call, length 0, same address space | 120 | 211 | <= 126 |", md)
        self.assertIn("| Call, length 0, different address spaces | - | 212 | <= 127 |", md)
        self.assertEqual(md[-1], "| Untyped_Retype, 1 Endpoint | 1200 | 1200 | 1200 |")

    def test_svg(self):
        figures = self.figures + bench.parse_serial(
            [bench_line("a <b> & \"c\"", 5), "BENCH DONE 1"])
        root = ET.fromstring(bench.render_svg(figures))
        self.assertEqual(root.tag, SVG_NS + "svg")
        bars = [r for r in root.iter(SVG_NS + "rect") if r.get("class") == "bar"]
        self.assertEqual(len(bars), len(figures))
        texts = [t.text for t in root.iter(SVG_NS + "text")]
        self.assertIn("a <b> & \"c\"", texts)
        self.assertIn("Call, length 0, same address space", texts)
        # seL4 (red) and goal (green) marks on the two headline figures.
        marks = [ln for ln in root.iter(SVG_NS + "line")
                 if ln.get("stroke") in ("#c0392b", "#27ae60")]
        self.assertEqual(len(marks), 4)
        for bar in bars:
            self.assertGreaterEqual(float(bar.get("width")), 0)

    def test_svg_in_cycles_has_no_sel4_marks(self):
        root = ET.fromstring(bench.render_svg(bench.parse_serial(SERIAL, bench.UNIT_CYCLES)))
        marks = [ln for ln in root.iter(SVG_NS + "line") if ln.get("stroke") == "#c0392b"]
        self.assertEqual(marks, [])


class BudgetTest(unittest.TestCase):
    def setUp(self):
        self.figures = bench.parse_serial(SERIAL)
        self.budget = {"margin_percent": 0, "other_toolchain_margin_percent": 10,
                       "toolchain": {"cc": "clang 14", "qemu": "QEMU 7.2"},
                       "figures": {"Call, length 0, same address space": 120,
                                   "Send, length 0, low to high priority, different address "
                                   "spaces": 650,
                                   "Untyped_Retype, 1 Endpoint": 1300}}

    def test_over_under_and_equal(self):
        failures, notes, margin = bench.check_budget(self.figures, self.budget)
        self.assertEqual(margin, 0)
        self.assertEqual(len(failures), 1)
        self.assertIn("Send", failures[0])
        self.assertIn("700 > budget 650", failures[0])
        self.assertEqual(notes, ["Untyped_Retype, 1 Endpoint: 1200 < budget 1300"])

    def test_missing_figure_fails(self):
        self.budget["figures"]["Yield"] = 10
        failures, _, _ = bench.check_budget(self.figures, self.budget)
        self.assertIn("Yield: not measured (budget 10)", failures)

    def test_other_toolchain_gets_the_margin(self):
        same = {"cc": "clang 14", "qemu": "QEMU 7.2"}
        other = {"cc": "clang 16", "qemu": "QEMU 7.2"}
        self.assertEqual(bench.check_budget(self.figures, self.budget, same)[2], 0)
        failures, _, margin = bench.check_budget(self.figures, self.budget, other)
        self.assertEqual(margin, 10)
        self.assertEqual(failures, [])  # 700 <= 650 * 1.10
        unknown = {"cc": None, "qemu": None}
        self.assertEqual(bench.check_budget(self.figures, self.budget, unknown)[2], 0)

    def test_update_keeps_policy_and_skips_overheads(self):
        new = bench.updated_budget(self.budget, self.figures, "abc1234",
                                   {"cc": "clang 15", "qemu": "QEMU 8"})
        self.assertEqual(new["measured_on"], "abc1234")
        self.assertEqual(new["toolchain"], {"cc": "clang 15", "qemu": "QEMU 8"})
        self.assertEqual(new["margin_percent"], 0)
        self.assertEqual(new["figures"], {
            "Call, length 0, same address space": 120,
            "Send, length 0, low to high priority, different address spaces": 700,
            "Untyped_Retype, 1 Endpoint": 1200})
        self.assertIn("Send, length 0, low to high priority, different address spaces",
                      self.budget["figures"])  # the old budget is left alone


class EndToEndTest(unittest.TestCase):
    """bench.py -> run.py -> the fake QEMU, which prints a fixture as the serial output."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.addCleanup(self.tmp.cleanup)
        self.qemu = os.path.join(self.dir, "qemu-system-x86_64")
        with open(self.qemu, "w") as f:
            f.write(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} "
                    f"{shlex.quote(FAKE_QEMU)} \"$@\"\n")
        os.chmod(self.qemu, os.stat(self.qemu).st_mode | stat.S_IXUSR)
        for name in ("kernel.elf", "benchmark.elf"):
            open(os.path.join(self.dir, name), "w").close()
        self.out = os.path.join(self.dir, "out")
        self.argv_file = os.path.join(self.dir, "argv.json")

    def run_bench(self, serial, *extra, status=33):
        fixture = os.path.join(self.dir, "serial.txt")
        with open(fixture, "w", encoding="utf-8") as f:
            f.write("\n".join(serial) + "\n")
        env = dict(os.environ, FAKE_QEMU_OUTPUT=fixture, FAKE_QEMU_EXIT=str(status),
                   FAKE_QEMU_ARGV=self.argv_file)
        cmd = [sys.executable, BENCH, "--kernel", os.path.join(self.dir, "kernel.elf"),
               "--module", os.path.join(self.dir, "benchmark.elf"), "--out-dir", self.out,
               "--qemu", self.qemu, "--timeout", "30", "--cc", "", *extra]
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=env, timeout=120, check=False)

    def qemu_argv(self):
        with open(self.argv_file, encoding="utf-8") as f:
            return json.load(f)

    def write_budget(self, figures):
        path = os.path.join(self.dir, "budget.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"margin_percent": 0, "figures": figures}, f)
        return path

    def test_writes_json_svg_and_table(self):
        r = self.run_bench(SERIAL, "--runs", "2")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("Call, length 0, same address space", r.stdout)
        self.assertIn("4 figures (2 identical runs", r.stdout)
        with open(os.path.join(self.out, "bench-results.json"), encoding="utf-8") as f:
            self.assertEqual(len(json.load(f)), 4)
        ET.parse(os.path.join(self.out, "bench-results.svg"))
        argv = " ".join(self.qemu_argv())
        self.assertIn("-icount shift=0", argv)
        self.assertIn("-accel tcg", argv)

    def test_kvm_runs_kvm_and_reports_cycles(self):
        r = self.run_bench(SERIAL, "--kvm")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("-accel kvm", " ".join(self.qemu_argv()))
        self.assertNotIn("-icount", self.qemu_argv())
        with open(os.path.join(self.out, "bench-results.json"), encoding="utf-8") as f:
            self.assertEqual({f["unit"] for f in json.load(f)}, {"cycles"})

    def test_check_fails_over_budget(self):
        over = self.write_budget({"Call, length 0, same address space": 119})
        r = self.run_bench(SERIAL, "--budget", over, "--check")
        self.assertEqual(r.returncode, bench.EXIT_OVER_BUDGET, r.stdout)
        self.assertIn("OVER BUDGET: Call, length 0, same address space: 120 > budget 119",
                      r.stdout)
        ok = self.write_budget({"Call, length 0, same address space": 121})
        r = self.run_bench(SERIAL, "--budget", ok, "--check")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("below budget", r.stdout)

    def test_update_budget(self):
        path = self.write_budget({})
        r = self.run_bench(SERIAL, "--budget", path, "--update-budget")
        self.assertEqual(r.returncode, 0, r.stdout)
        with open(path, encoding="utf-8") as f:
            self.assertEqual(len(json.load(f)["figures"]), 3)

    def test_benchmark_error_fails(self):
        r = self.run_bench(SERIAL[:2] + ["BENCH ERROR process create: 3"])
        self.assertEqual(r.returncode, bench.EXIT_RUN_FAILED, r.stdout)
        self.assertIn("BENCH ERROR process create: 3", r.stdout)

    def test_boot_failure_fails(self):
        r = self.run_bench(SERIAL, status=35)
        self.assertEqual(r.returncode, bench.EXIT_RUN_FAILED, r.stdout)
        self.assertIn("run.py failed", r.stdout)

    def test_usage(self):
        r = self.run_bench(SERIAL, "--check")
        self.assertEqual(r.returncode, bench.EXIT_USAGE)
        self.assertIn("--check and --update-budget need --budget", r.stdout)


if __name__ == "__main__":
    unittest.main()
