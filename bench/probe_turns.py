"""The FMA peak probe as one of the processes bench/lockstep.py takes turns between: for each line on its
standard input it runs the probe once (COMMAND ARGS..., which prints its GFLOP/s first) and prints
"epoch K SECONDS GFLOPS", or "unavailable probe failed: ..." and ends if the probe fails. A share of the peak then compares an epoch of ours with a probe run seconds away,
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
        run = subprocess.run(command, capture_output=True, text=True)
        try:
            gflops = float(run.stdout.split()[0])
        except (IndexError, ValueError):
            gflops = None
        if run.returncode != 0 or gflops is None:
            # As a trainer that cannot run says so (bench/lockstep.py stops giving it turns); the share of the
            # peak then falls back to the probe run before the models.
            why = (run.stderr.strip().splitlines() or [f"exit status {run.returncode}, output {run.stdout.strip()!r}"])[-1]
            print(f"unavailable probe failed: {why}", flush=True)
            return
        print(f"epoch {k} {time.monotonic() - began:.6f} {gflops}", flush=True)


if __name__ == "__main__":
    main()
