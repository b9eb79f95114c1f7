#!/usr/bin/env python3
"""The shape of core/, checked (TAP): what issue #10 asks anyone reading
the tree to be able to check.

- no folder of core/ includes a header of a folder that includes it back
  (directly or round a longer circle), nor does any file include a file
  that includes it back;
- the biggest folder holds at most a third of core/'s lines;
- every folder says what it is for (README.md);
- no function in core/, helpers/ or plugins/ is over 60 lines unless the
  comment above it says why it is long.
"""
import os
import re
import sys

top = os.environ.get("abs_top_srcdir") or os.path.join(os.path.dirname(__file__), "..")
core = os.path.join(top, "core")
results = []


def check(ok, what, diag=""):
    results.append((ok, what, diag))


def sources(root, exts=(".c", ".h")):
    for dirpath, _, names in os.walk(root):
        for name in sorted(names):
            if name.endswith(exts):
                yield os.path.join(dirpath, name)


include = re.compile(r'^\s*#\s*include\s+"([a-z-]+)/([a-z-]+\.h)"', re.M)
folders = sorted(d for d in os.listdir(core)
                 if os.path.isdir(os.path.join(core, d)) and not d.startswith("."))
edges = {}       # folder -> folders it includes
file_edges = {}  # file -> files it includes
lines = {}
for folder in folders:
    edges[folder] = set()
    lines[folder] = 0
    for path in sources(os.path.join(core, folder)):
        text = open(path, encoding="utf-8", errors="replace").read()
        lines[folder] += text.count("\n")
        rel = os.path.relpath(path, core)
        file_edges[rel] = set()
        for other, header in include.findall(text):
            if other != folder:
                edges[folder].add(other)
            file_edges[rel].add(f"{other}/{header}")


def circles(graph):
    """Every node that can reach itself, with one way round."""
    found = []
    for start in sorted(graph):
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    found.append(" -> ".join(path + [start]))
                    stack = []
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    return found


# A file's header stands for the file: x.c and x.h are one unit.
units = {}
for f, targets in file_edges.items():
    unit = f[:-2]
    units.setdefault(unit, set()).update(t[:-2] for t in targets if t[:-2] != unit)
folder_circles = circles(edges)
check(not folder_circles, "no folder of core/ includes one that includes it back",
      "; ".join(folder_circles))
file_circles = circles(units)
check(not file_circles, "no file of core/ includes one that includes it back",
      "; ".join(file_circles))

total = sum(lines.values())
biggest = max(lines, key=lines.get)
check(lines[biggest] * 3 <= total,
      f"the biggest folder ({biggest}, {lines[biggest]} lines) holds at most a third of core/ ({total})",
      ", ".join(f"{f} {n}" for f, n in sorted(lines.items())))

for folder in folders:
    check(os.path.exists(os.path.join(core, folder, "README.md")),
          f"core/{folder}/ says what it is for (README.md)")

# Functions: a line "{" alone at the start of a line opens one (GNU style).
long_ones = []
for root in ("core", "helpers", "plugins"):
    for path in sources(os.path.join(top, root), (".c",)):
        text = open(path, encoding="utf-8", errors="replace").read().split("\n")
        i = 0
        while i < len(text):
            if text[i] != "{":
                i += 1
                continue
            depth, k = 0, i
            while k < len(text):
                depth += text[k].count("{") - text[k].count("}")
                if depth == 0:
                    break
                k += 1
            if k - i + 1 > 60:
                # The comment block just above the function's head.
                j = i - 1
                while j > 0 and text[j].strip() and not text[j].rstrip().endswith("*/"):
                    j -= 1
                comment = []
                while j >= 0 and text[j].strip() and not text[j].lstrip().startswith("/*"):
                    comment.append(text[j])
                    j -= 1
                if j >= 0:
                    comment.append(text[j])
                if not re.search(r"\blong\b", " ".join(comment), re.I):
                    long_ones.append(f"{os.path.relpath(path, top)}:{i + 1} ({k - i + 1} lines)")
            i = k + 1
check(not long_ones, "no function over 60 lines without a comment saying why it is long",
      ", ".join(long_ones))

print(f"1..{len(results)}")
for n, (ok, what, diag) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {n} - {what}")
    if diag:
        print(f"# {diag}")
