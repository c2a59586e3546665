"""Trains several benchmark processes in turns, one epoch each, so that their epochs are measured minutes
closer together than one whole run after another: this machine's speed drifts by up to 2-3x within
minutes (model 4's epoch took 0.21 s and 0.10 s half an hour apart, same jar and flags), which made the
ratio of two separate runs worth little. Epoch k of every process runs before epoch k + 1 of any, in an
order that rotates by one each epoch; while one process trains, the others wait for their turn.

usage: lockstep.py EPOCHS SPEC
SPEC: a file of lines "OUT<TAB>ERR<TAB>TIME<TAB>WARM<TAB>COMMAND ARGS..." (COMMAND split as a shell would):
each process runs under /usr/bin/time -f "%M %e" -o TIME with SEQ_BENCH_LOCKSTEP=1, stdout copied to OUT,
stderr to ERR. A process first trains WARM epochs on its own, one process after another (the JIT's
warm-up: HotSpot goes on compiling for seconds, on the processors the trainer's threads need), without
the gap between them, then EPOCHS epochs in turns. Each must print a line starting with "epoch " when an
epoch ends, wait for a line on its standard input before each epoch starts (SeqBench.java and
torch_models.py do), and may print "unavailable ..." and exit instead. Exits 1 if any process fails.
"""
import os
import shlex
import subprocess
import sys
import time


def main():
    epochs, spec = int(sys.argv[1]), sys.argv[2]
    env = dict(os.environ, SEQ_BENCH_LOCKSTEP="1")
    runs = []
    with open(spec) as f:
        for line in f:
            if not line.strip():
                continue
            out, err, timing, warm, command = line.rstrip("\n").split("\t")
            proc = subprocess.Popen(["/usr/bin/time", "-f", "%M %e", "-o", timing] + shlex.split(command),
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(err, "w"), text=True, env=env)
            runs.append({"proc": proc, "out": open(out, "w"), "live": True, "warm": int(warm)})
    for run in runs:
        for k in range(run["warm"]):
            if run["live"]:
                turn(run, gap=k == 0)
    for epoch in range(epochs):
        order = runs[epoch % len(runs):] + runs[:epoch % len(runs)]
        for run in order:
            if run["live"]:
                turn(run)
    failed = False
    for run in runs:
        proc = run["proc"]
        try:
            proc.stdin.close()
        except BrokenPipeError:
            pass
        # Whatever it printed after its last epoch, or before it ended early ("unavailable ...").
        run["out"].write(proc.stdout.read())
        run["out"].close()
        if proc.wait() != 0:
            failed = True
    sys.exit(1 if failed else 0)


# Seconds between one process's epoch and the next one's: PyTorch's OpenMP and OpenBLAS threads spin for
# a while after their work before they sleep, and the Seq trainer's epochs that came right after them ran
# up to 2x slower (model 4: 0.095-0.136 s against 0.060-0.065 s, about half its epochs).
GAP = 0.2


def turn(run, gap=True):
    """Lets one process train one epoch: a line on its stdin, then its output up to its epoch line."""
    proc = run["proc"]
    if gap:
        time.sleep(GAP)
    try:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    except BrokenPipeError:
        run["live"] = False
        return
    while True:
        line = proc.stdout.readline()
        if not line:
            run["live"] = False
            return
        run["out"].write(line)
        run["out"].flush()
        if line.startswith("epoch "):
            return
        if line.startswith("unavailable"):
            run["live"] = False
            return


if __name__ == "__main__":
    main()
