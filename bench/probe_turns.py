"""The FMA peak probe as one of the processes bench/lockstep.py takes turns between: for each line on its
standard input it runs the probe once (COMMAND ARGS..., which prints its GFLOP/s first) and prints
"epoch K SECONDS GFLOPS". A share of the peak then compares an epoch of ours with a probe run seconds away,
not with one run minutes before on a machine whose speed drifts by 2-3x within minutes.

usage: probe_turns.py COMMAND ARGS...
"""
import subprocess
import sys
import time


def main():
    command = sys.argv[1:]
    if not command:
        sys.exit("usage: probe_turns.py COMMAND ARGS...")
    k = 0
    for _ in sys.stdin:
        k += 1
        began = time.monotonic()
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
        print(f"epoch {k} {time.monotonic() - began:.6f} {float(out[0])}", flush=True)


if __name__ == "__main__":
    main()
