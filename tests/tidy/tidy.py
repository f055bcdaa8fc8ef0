#!/usr/bin/env python3
"""The project's mechanical rules (docs/architecture.md), checked over the tree.

  python3 tests/tidy/tidy.py [REPO_ROOT]      exit 0 when clean, 1 with one line per finding
  python3 tests/tidy/tidy.py --self-test       the checks find what they must, on planted lines

Checks:
  layers   every #include "m/x.hpp" in sim/<module>/ names the module itself or
           a module it may use (the layer table below, transitively); public
           headers (include/kafkasim/) are split into the vocabulary, which every
           module may include, and the API, which only `api` and the modules
           above it may include. The link lines in CMakeLists.txt must be
           exactly the table, so the build enforces the same thing.
  paths    no "../" in any include: a relative path would step around the
           per-module include roots.
  width    no line longer than .clang-format's ColumnLimit, string literals
           aside: a line may run over only by the text of literals, which
           clang-format cannot break (expected error messages, JSON cases).
  links    every relative link in README.md and the other Markdown files of the
           repository resolves to a file or folder in it.
  banned   rand/srand, std::random_device, <random> engines and distributions
           (their algorithms differ between standard libraries), the wall clock
           and sleeping outside sim/cli, and std::unordered_* containers in
           sim/ (their iteration order is unspecified; a lookup-only use is
           allowed with a `tidy: unordered lookup only` comment on the line).
"""
import pathlib
import re
import sys

# The layer table (docs/architecture.md): module -> the modules it links.
LAYERS = {
    "core": [],
    "env": ["core"],
    "kafka": ["core"],
    "cluster": ["env", "kafka"],
    "monitor": ["kafka"],
    "api": ["core"],
    "scenario": ["api"],
    "runner": ["cluster", "monitor", "scenario"],
    "report": ["monitor", "api"],
    "cli": ["runner", "report", "scenario"],
}
VOCABULARY = {"ids.hpp", "time.hpp", "distribution.hpp", "workload.hpp", "events.hpp", "settings.hpp"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
BANNED = [
    (re.compile(r"(?<![\w:.])s?rand\s*\("), "rand()/srand(): use core/rng.hpp"),
    (re.compile(r"std::random_device"), "std::random_device: every draw comes from the seed"),
    (re.compile(r"#\s*include\s*<random>"), "<random>: distributions differ between standard libraries"),
    (re.compile(r"std::(mt19937|minstd_rand|default_random_engine|\w+_distribution)\b"),
     "a <random> engine or distribution: use core/rng.hpp"),
]
WALL_CLOCK = [
    (re.compile(r"std::chrono::(system_clock|steady_clock|high_resolution_clock)"), "the wall clock"),
    (re.compile(r"\b(gettimeofday|clock_gettime)\s*\("), "the wall clock"),
    (re.compile(r"(?<![\w.])time\s*\(\s*(nullptr|NULL|0)?\s*\)"), "the wall clock"),
    (re.compile(r"sleep_for|sleep_until|\busleep\s*\("), "sleeping"),
]
UNORDERED = re.compile(r"std::unordered_(map|set|multimap|multiset)\b")
UNORDERED_OK = "tidy: unordered lookup only"


def reachable(module):
    seen, todo = set(), list(LAYERS[module])
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(LAYERS[m])
    return seen


def column_limit(root):
    m = re.search(r"^ColumnLimit:\s*(\d+)", (root / ".clang-format").read_text(), re.M)
    return int(m.group(1)) if m else 80


def code_lines(lines, keep_comments=False):
    """Each line with the contents of string and character literals (raw
    strings too, across lines) left out, and its comments too unless
    keep_comments: what the width and banned-call checks read."""
    out, state, raw_end = [], "code", ""
    for line in lines:
        buf, i = [], 0
        while i < len(line):
            c = line[i]
            if state == "raw":
                end = line.find(raw_end, i)
                if end < 0:
                    i = len(line)
                    continue
                buf.append(raw_end)
                i, state = end + len(raw_end), "code"
            elif state == "block":
                end = line.find("*/", i)
                stop = len(line) if end < 0 else end + 2
                if keep_comments:
                    buf.append(line[i:stop])
                i, state = stop, ("block" if end < 0 else "code")
            elif line.startswith("//", i):
                if keep_comments:
                    buf.append(line[i:])
                break
            elif line.startswith("/*", i):
                if keep_comments:
                    buf.append("/*")
                i, state = i + 2, "block"
            elif c == "R" and i + 1 < len(line) and line[i + 1] == '"' and (i == 0 or not line[i - 1].isalnum()):
                paren = line.find("(", i + 2)
                raw_end = ")" + line[i + 2:paren] + '"'
                buf.append('R"')
                i, state = paren + 1, "raw"
            elif c in "\"'":
                j = i + 1
                while j < len(line) and line[j] != c:
                    j += 2 if line[j] == "\\" else 1
                buf.append(c + c)
                i = j + 1
            else:
                buf.append(c)
                i += 1
        out.append("".join(buf))
    return out


def check_link_lines(root, findings):
    """CMakeLists.txt's ks_module(NAME DEPS ...) lines against LAYERS."""
    text = (root / "CMakeLists.txt").read_text()
    seen = {}
    for m in re.finditer(r"^ks_module\((\w+)\s+DEPS([^)]*)\)", text, re.M):
        deps = [d[3:] for d in m.group(2).split() if d.startswith("ks_") and d != "ks_vocabulary"]
        seen[m.group(1)] = deps
    for module, deps in LAYERS.items():
        if module not in seen:
            findings.append(f"CMakeLists.txt: no ks_module({module} ...) line")
        elif sorted(seen[module]) != sorted(deps):
            findings.append(f"CMakeLists.txt: ks_module({module}) links {sorted(seen[module])}, "
                            f"the layer table says {sorted(deps)}")
    for module in seen:
        if module not in LAYERS:
            findings.append(f"CMakeLists.txt: module {module} is not in the layer table (tests/tidy/tidy.py)")


def check_includes(rel, lines, findings):
    parts = rel.parts
    module = parts[1] if parts[0] == "sim" and len(parts) > 2 else None
    public = parts[0] == "include"
    if module is not None and module not in LAYERS:
        findings.append(f"{rel}: sim/{module}/ is not a module of the layer table")
        return
    allowed = ({module} | reachable(module)) if module else set()
    for n, line in enumerate(lines, 1):
        m = INCLUDE.match(line)
        if not m:
            continue
        target = m.group(1)
        if "../" in target or target.startswith(".."):
            findings.append(f"{rel}:{n}: relative include \"{target}\": name the module (\"m/x.hpp\")")
            continue
        if "/" not in target:
            continue
        head, name = target.split("/", 1)
        if head == "kafkasim":
            if name in VOCABULARY:
                continue
            if public and pathlib.PurePath(rel).name in VOCABULARY:
                findings.append(f"{rel}:{n}: a vocabulary header includes the API header {target}")
            elif module and "api" not in allowed:
                findings.append(f"{rel}:{n}: sim/{module} may not include the API header {target} "
                                f"(only api and the modules above it)")
        elif module and head in LAYERS and head not in allowed:
            findings.append(f"{rel}:{n}: sim/{module} may not include {target} "
                            f"(it may use {', '.join(sorted(allowed - {module})) or 'no other module'})")


def self_test():
    """Each check finds a planted violation and passes its clean twin."""
    cases = [
        ("sim/kafka/x.cpp", '#include "env/disk.hpp"', "may not include env/disk.hpp"),
        ("sim/kafka/x.cpp", '#include "core/rng.hpp"', None),
        ("sim/kafka/x.cpp", '#include "kafkasim/scenario.hpp"', "may not include the API header"),
        ("sim/kafka/x.cpp", '#include "kafkasim/ids.hpp"', None),
        ("sim/report/x.cpp", '#include "kafkasim/scenario.hpp"', None),
        ("sim/report/x.cpp", '#include "kafka/log.hpp"', None),
        ("sim/report/x.cpp", '#include "runner/chaos.hpp"', "may not include runner/chaos.hpp"),
        ("sim/monitor/x.cpp", '#include "cluster/cluster.hpp"', "may not include cluster/cluster.hpp"),
        ("include/kafkasim/ids.hpp", '#include "kafkasim/scenario.hpp"', "vocabulary header includes the API"),
        ("sim/kafka/x.cpp", '#include "../env/disk.hpp"', "relative include"),
        ("tests/kafka/x.cpp", '#include "../support/mini_cluster.hpp"', "relative include"),
    ]
    failures = 0
    for rel, line, expect in cases:
        findings = []
        check_includes(pathlib.PurePath(rel), [line], findings)
        ok = (expect is None and not findings) or (expect is not None and any(expect in f for f in findings))
        if not ok:
            failures += 1
            print(f"self-test: {rel}: {line!r}: expected {expect or 'no finding'}, got {findings}")
    code_cases = [
        ("int a = rand();", True), ('const char* s = "rand()";', False), ("// rand()", False),
        ("std::random_device d;", True), ("std::uniform_int_distribution<int> d;", True),
        ("auto t = std::chrono::steady_clock::now();", True), ("std::unordered_map<int, int> m;", True),
        ("std::unordered_map<int, int> m;  // tidy: unordered lookup only", False), ("Rng::stream(seed, x);", False),
    ]
    for line, bad in code_cases:
        code = code_lines([line])[0]
        hit = any(rx.search(code) for rx, _ in BANNED + WALL_CLOCK) or (
            UNORDERED.search(code) is not None and UNORDERED_OK not in line)
        if hit != bad:
            failures += 1
            print(f"self-test: {line!r}: expected {'a finding' if bad else 'none'}")
    width = code_lines(['    x = R"(' + "j" * 200, ')" + y;'], True)
    if len(width[0]) > 120 or width[1] != ')" + y;':
        failures += 1
        print(f"self-test: raw string literal not left out of the width: {width}")
    print(f"tidy self-test: {len(cases) + len(code_cases) + 1} cases, {failures} failure(s)")
    return 1 if failures else 0


MD_LINK = re.compile(r"\]\(([^)\s]+)\)")


def check_links(root, findings):
    """Relative Markdown links resolve inside the repository."""
    for md in sorted(root.rglob("*.md")):
        rel = md.relative_to(root)
        if rel.parts[0] in ("build", ".git") or rel.parts[0].startswith("build-"):
            continue
        in_code = False
        for n, line in enumerate(md.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("```"):
                in_code = not in_code
                continue
            if in_code:
                continue
            for target in MD_LINK.findall(line):
                if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                    continue  # a URL or an anchor in the same page
                path = target.split("#", 1)[0]
                resolved = (md.parent / path).resolve()
                if not resolved.exists():
                    findings.append(f"{rel}:{n}: link to {target}: no such file in the repository")
                elif root.resolve() not in resolved.parents and resolved != root.resolve():
                    findings.append(f"{rel}:{n}: link to {target} leaves the repository")


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    limit = column_limit(root)
    findings = []
    check_link_lines(root, findings)
    check_links(root, findings)
    files = sorted(p for d in ("sim", "include", "tests", "bench") for p in (root / d).rglob("*")
                   if p.suffix in (".cpp", ".hpp") and "probe" not in p.relative_to(root).parts)
    for path in files:
        rel = path.relative_to(root)
        lines = path.read_text(encoding="utf-8").splitlines()
        check_includes(rel, lines, findings)
        in_sim = rel.parts[0] in ("sim", "include")
        for n, (line, code, shown) in enumerate(zip(lines, code_lines(lines), code_lines(lines, True)), 1):
            if len(line) > limit and len(shown) > limit:
                findings.append(f"{rel}:{n}: {len(line)} columns, over the ColumnLimit of {limit}")
            for rx, why in BANNED:
                if rx.search(code):
                    findings.append(f"{rel}:{n}: {why}")
            if in_sim and rel.parts[:2] != ("sim", "cli"):
                for rx, why in WALL_CLOCK:
                    if rx.search(code):
                        findings.append(f"{rel}:{n}: {why} inside the simulator (only sim/cli may use it)")
                if UNORDERED.search(code) and UNORDERED_OK not in line:
                    findings.append(f"{rel}:{n}: std::unordered_* in the simulator: iteration order is "
                                    f"unspecified (mark a lookup-only use with '{UNORDERED_OK}')")
    for f in findings:
        print(f)
    print(f"tidy: {len(files)} files, {len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
