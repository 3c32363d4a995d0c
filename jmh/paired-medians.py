#!/usr/bin/env python3
"""Rounds of two alternated commands, one round a line "A_SECONDS B_SECONDS" on stdin:

    paired-medians.py NAME_A NAME_B [NOTE]

prints each command's times, their medians and the median of the rounds' ratios B / A (taken
round by round: the two ran one after the other), then NOTE."""
import statistics
import sys

a_name, b_name = sys.argv[1], sys.argv[2]
note = sys.argv[3] if len(sys.argv) > 3 else ""
r = [tuple(map(float, line.split())) for line in sys.stdin]
width = max(len(a_name), len(b_name))
print(a_name.ljust(width), " ".join(f"{a:.2f}" for a, _ in r))
print(b_name.ljust(width), " ".join(f"{b:.2f}" for _, b in r))
print(f"median {a_name} {statistics.median(a for a, _ in r):.2f} s, {b_name} {statistics.median(b for _, b in r):.2f} s, "
      f"{b_name} / {a_name} {statistics.median(b / a for a, b in r):.3f} (median of {len(r)} rounds)"
      + (f"; {note}" if note else ""))
