#!/usr/bin/env python3
"""Scatter N changes over a tree, deterministically, and undo them.

    scatter-changes.py TREE N [--seed S]     # make the changes
    scatter-changes.py TREE N [--seed S] --undo

The changes cycle through four kinds on files chosen at random (seeded): append one byte
(modified), create a file beside it (added), move it out of the tree (removed; kept in
TREE.stash so that --undo can put it back), rename it in place (moved). --undo restores the
tree's entries (sizes and names; the modified files keep their new mtime and ctime)."""
import os
import random
import sys


def files(tree):
    for d, _, names in os.walk(tree):
        for n in sorted(names):
            yield os.path.join(d, n)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tree, n = args[0].rstrip("/"), int(args[1])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    undo = "--undo" in sys.argv
    stash = tree + ".stash"
    chosen = random.Random(seed).sample(sorted(p for p in files(tree) if not p.endswith((".moved", ".new"))), n) \
        if not undo else None
    if undo:
        log = open(tree + ".changes").read().split("\n")
        for line in reversed([l for l in log if l]):
            kind, path = line.split(" ", 1)
            if kind == "modified":
                os.truncate(path, os.path.getsize(path) - 1)
            elif kind == "added":
                os.unlink(path + ".new")
            elif kind == "removed":
                os.rename(os.path.join(stash, path.replace("/", "%")), path)
            elif kind == "moved":
                os.rename(path + ".moved", path)
        os.unlink(tree + ".changes")
        os.rmdir(stash)
        print("undone")
        return
    os.makedirs(stash, exist_ok=True)
    with open(tree + ".changes", "w") as log:
        for k, path in enumerate(chosen):
            kind = ("modified", "added", "removed", "moved")[k % 4]
            if kind == "modified":
                with open(path, "ab") as f:
                    f.write(b"+")
            elif kind == "added":
                open(path + ".new", "wb").close()
            elif kind == "removed":
                os.rename(path, os.path.join(stash, path.replace("/", "%")))
            else:
                os.rename(path, path + ".moved")
            log.write(kind + " " + path + "\n")
    print(n, "changes in", tree, "(undo with --undo)")


main()
