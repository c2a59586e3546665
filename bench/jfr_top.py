"""Aggregates a JFR recording's execution samples: the share of samples in each generated kernel
(named by its IR op from `seqc build --dump-ir`) and the top frames.

usage: jfr_top.py RECORDING.jfr DUMP_IR.txt
"""
import collections
import re
import subprocess
import sys


def ops(dump):
    """Kernel method name (f0, f1, ... forward; b0, b1, ... backward) to the op's line in the dump."""
    names, section, k = {}, None, 0
    for line in open(dump):
        if line.startswith("forward "):
            section, k = "f", 0
        elif line.startswith("backward"):
            section, k = "b", 0
        elif section and line.startswith("  "):
            label = re.search(r"= ([\w+]+)\(", line)
            names[f"{section}{k}"] = (label.group(1) if label else "?") + "  " + line.strip().split(" = ")[0]
            k += 1
    return names


def main():
    recording, dump = sys.argv[1], sys.argv[2]
    names = ops(dump)
    text = subprocess.run(["jfr", "print", "--stack-depth", "12", "--events", "jdk.ExecutionSample", recording],
                          check=True, capture_output=True, text=True).stdout
    kernels, tops, total = collections.Counter(), collections.Counter(), 0
    for event in text.split("jdk.ExecutionSample {")[1:]:
        frames = [f.strip() for f in event.split("stackTrace = [", 1)[-1].split("]", 1)[0].splitlines() if f.strip()]
        frames = [re.sub(r"\(.*", "", f) for f in frames if f != "..."]
        if not frames:
            continue
        total += 1
        tops[frames[0]] += 1
        gen = next((f for f in frames if f.startswith("seq.gen.")), None)
        if gen:
            method = gen.rsplit(".", 1)[-1]
            kernels[f"{method:>4}  {names.get(method, method)}"] += 1
        else:
            kernels["(outside generated kernels) " + frames[0]] += 1
    outside = sum(n for k, n in kernels.items() if k.startswith("(outside"))
    print(f"{total} samples; {100 * outside / max(1, total):.1f}% outside the generated kernels")
    print("\nby generated kernel (its IR op):")
    for k, n in kernels.most_common(15):
        print(f"  {100 * n / total:5.1f}%  {k}")
    print("\ntop frames:")
    for k, n in tops.most_common(10):
        print(f"  {100 * n / total:5.1f}%  {k}")


if __name__ == "__main__":
    main()
