#!/usr/bin/env python3
"""Summarizes a JFR recording's execution samples: the hottest methods by self time, and by inclusive
time for our own code (io.nubicustos), per thread group. Usage: jfr-hot.py FILE [thread-substring]"""
import collections, json, subprocess, sys

path = sys.argv[1]
thread_filter = sys.argv[2] if len(sys.argv) > 2 else None
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", path],
                     capture_output=True, text=True, check=True).stdout
events = json.loads(out)["recording"]["events"]
self_time, inclusive, threads = collections.Counter(), collections.Counter(), collections.Counter()
total = 0
for e in events:
    thread = (e["values"].get("sampledThread") or {}).get("javaName") or "?"
    if thread_filter and thread_filter not in thread:
        continue
    frames = (e["values"].get("stackTrace") or {}).get("frames") or []
    if not frames:
        continue
    total += 1
    group = thread.rstrip("0123456789-").rstrip("-")
    threads[group] += 1
    name = lambda f: f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
    self_time[name(frames[0])] += 1
    seen = set()
    for f in frames:
        n = name(f)
        if n.startswith("io.nubicustos") and n not in seen:
            seen.add(n)
            inclusive[n] += 1
print(f"{total} samples")
print("\nthreads:")
for t, c in threads.most_common(12):
    print(f"  {100*c/total:5.1f}%  {t}")
print("\nself time:")
for m, c in self_time.most_common(25):
    print(f"  {100*c/total:5.1f}%  {m}")
print("\ninclusive, our code:")
for m, c in inclusive.most_common(25):
    print(f"  {100*c/total:5.1f}%  {m}")
