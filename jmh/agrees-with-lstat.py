#!/usr/bin/env python3
"""Checks `fsnap scan ROOT --json` against os.lstat, field by field, entry by entry.

    ./fsnap scan ROOT --json | python3 jmh/agrees-with-lstat.py ROOT

Every entry under ROOT must appear exactly once, and every field must equal what os.lstat says.
Prints the number of entries checked; exits 1 with the first differences otherwise.
"""
import base64, json, os, stat, sys

root = os.fsencode(sys.argv[1])
types = {stat.S_IFREG: "file", stat.S_IFDIR: "dir", stat.S_IFLNK: "symlink", stat.S_IFIFO: "fifo",
         stat.S_IFSOCK: "socket", stat.S_IFCHR: "char", stat.S_IFBLK: "block"}
seen, problems = set(), []
for line in sys.stdin:
    e = json.loads(line)
    rel = base64.b64decode(e["path_b64"]) if "path_b64" in e else os.fsencode(e["path"])
    if rel in seen:
        problems.append(f"{rel!r}: listed twice")
    seen.add(rel)
    st = os.lstat(root if rel == b"." else os.path.join(root, rel))
    want = {"type": types.get(stat.S_IFMT(st.st_mode), "unknown"), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
            "ctime_ns": st.st_ctime_ns, "ino": st.st_ino, "dev": st.st_dev, "mode": st.st_mode,
            "uid": st.st_uid, "gid": st.st_gid, "nlink": st.st_nlink}
    for k, v in want.items():
        if e.get(k) != v:
            problems.append(f"{rel!r}: {k} is {e.get(k)}, lstat says {v}")
    if stat.S_ISLNK(st.st_mode):
        target = base64.b64decode(e["target_b64"]) if "target_b64" in e else os.fsencode(e.get("target", ""))
        if target != os.readlink(os.path.join(root, rel)):
            problems.append(f"{rel!r}: target differs")
expected = {b"."}
for d, dirs, files in os.walk(root):
    for n in dirs + files:
        expected.add(os.path.relpath(os.path.join(d, n), root))
missing, extra = expected - seen, seen - expected
problems += [f"{p!r}: missing from the scan" for p in sorted(missing)[:10]]
problems += [f"{p!r}: not under the root" for p in sorted(extra)[:10]]
if problems:
    print("\n".join(problems[:20]), file=sys.stderr)
    print(f"{len(problems)} differences", file=sys.stderr)
    sys.exit(1)
print(f"{len(seen)} entries agree with os.lstat on every field")
