"""Turns the raw outputs of bench/run into one Markdown table (printed), and with --write-docs puts
it into docs/performance.md between the markers <!-- bench:begin --> and <!-- bench:end -->.

usage: report.py RESULTS_DIR [--write-docs docs/performance.md]
"""
import math
import re
import statistics
import sys
from pathlib import Path

TITLES = {
    "model1": "1 · stacked LSTM, x [b, 40, 1]",
    "model4": "4 · Conv1D + 2 × LSTM(64), T = 64",
    "model5": "5 · Conv1D(100, 10) over 128 × 9",
    "large": "large · 2 × LSTM(256), x [b, 100, 32]",
}
# The targets: Seq's samples/s over PyTorch's, and for the large model a share of the peak.
TARGETS = {"model1": 10.0, "model4": 5.0, "model5": 1.5, "large": 1.0}
PEAK_TARGET = 0.30
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def read(path):
    return Path(path).read_text().strip()


def epochs(path):
    """(seconds, allocated bytes, GC count) of each epoch; torch's lines carry only the seconds."""
    rows = []
    for line in read(path).splitlines():
        f = line.split()
        if f and f[0] == "epoch":
            alloc = int(f[3]) if len(f) > 5 and f[3].isdigit() else None
            gcs = int(f[4]) if alloc is not None else None
            rows.append((float(f[2]), alloc, gcs))
    return rows


def steady(rows):
    """The epochs after the first, which carries the JIT's or PyTorch's warm-up."""
    return rows[1:] if len(rows) > 1 else rows


def paired(ours, torch):
    """Per epoch k after the first, PyTorch's epoch time over ours (the epochs ran in turns, next to each
    other, see bench/lockstep.py): the median, and the 25th and 75th percentiles."""
    ratios = sorted(t[0] / o[0] for o, t in zip(steady(ours), steady(torch)))
    q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
    return statistics.median(ratios), q[0], q[2]


def turns_share(path, ours, gflop_per_epoch):
    """Per epoch after the first, our GFLOP/s over the FMA probe's GFLOP/s in the same turn (bench/probe_turns.py):
    the median and the 25th and 75th percentiles; None without the probe's turns."""
    if not Path(path).exists():
        return None
    probes = []
    for line in read(path).splitlines():
        f = line.split()
        if len(f) >= 4 and f[0] == "epoch":
            probes.append(float(f[3]))
    shares = sorted(gflop_per_epoch / o[0] / p for o, p in zip(steady(ours), steady(probes)))
    if not shares:
        return None
    q = statistics.quantiles(shares, n=4) if len(shares) > 1 else [shares[0]] * 3
    return statistics.median(shares), q[0], q[2]


def rss_mb(path):
    return int(read(path).splitlines()[-1].split()[0]) / 1024


def fmt(v, digits=3):
    if v is None:
        return "–"
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.{max(0, digits - 1 - int(math.floor(math.log10(abs(v)))))}f}"


def size(nbytes):
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{nbytes:.0f} B"


def main():
    out = Path(sys.argv[1])
    docs = Path(sys.argv[sys.argv.index("--write-docs") + 1]) if "--write-docs" in sys.argv else None
    machine = dict(line.split(" ", 1) for line in read(out / "machine.txt").splitlines())
    probes = []
    if (out / "probe.txt").exists():
        for line in read(out / "probe.txt").splitlines():
            kind, threads, gflops, bits = line.split()
            probes.append((kind, int(threads), float(gflops), int(bits)))
    peak = max(probes, key=lambda p: p[2]) if probes else None
    peak_gflops = peak[2] if peak else None

    lines = []
    rows = []
    gaps = []
    for spec in read(out / "models.txt").splitlines():
        name, n, batch, ep, torch_ep, _, warm = spec.split()
        n, batch = int(n), int(batch)
        steps = math.ceil(n / batch)
        text = read(out / f"flops_{name}.txt")
        flops = int(re.search(r"flops per sample \(forward\+backward\): (\d+)", text).group(1))
        torch = {}
        for t in (1, 2):
            rs = epochs(out / f"torch_{name}_t{t}.out")
            torch[t] = (n / statistics.median(e[0] for e in steady(rs)), rss_mb(out / f"torch_{name}_t{t}.time"))
        best = max(torch, key=lambda t: torch[t][0])
        torch_rate, torch_rss = torch[best]
        title = f"{TITLES[name]}; {n:,} samples, batch {batch}; {fmt(flops / 1e6)} MFLOP/sample"
        pct = lambda g: f"{fmt(100 * g / peak_gflops, 2)}%" if peak_gflops else "–"
        theirs = epochs(out / f"torch_{name}_t{best}.out")  # PyTorch's epochs, its faster thread count
        rates = {}
        spread = {}
        cold = None
        for device in ("jvm", "opencl"):
            tag = "" if device == "jvm" else f"{device}_"
            text = read(out / f"seq_{tag}{name}.out")
            label = title if device == "jvm" else ""
            if text.startswith("unavailable") or not epochs(out / f"seq_{tag}{name}.out"):
                rows.append([label, device, "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", text.split(" ", 1)[-1][:60]])
                continue
            ours = epochs(out / f"seq_{tag}{name}.out")
            if device == "jvm":
                # From a cold start: our first epochs, the warm-up ones included, against as many of PyTorch's
                # (all of its epochs, the first included).
                cold = sum(e[0] for e in theirs) / sum(e[0] for e in ours[:len(theirs)])
                ours = ours[int(warm):]  # the epochs taken in turns with PyTorch, after the warm-up ones
            rate = n / statistics.median(e[0] for e in steady(ours))
            rates[device] = rate
            if device == "jvm":
                in_turns = turns_share(out / f"probe_turns_{name}.out", ours, flops * n / 1e9)
            # On the JVM, taken in turns with PyTorch: the median of the epochs' own ratios; OpenCL ran on its own.
            spread[device] = paired(ours, theirs) if device == "jvm" else (rate / torch_rate, None, None)
            alloc = statistics.median(e[1] for e in steady(ours)) / steps
            gcs = sum(e[2] for e in steady(ours))
            gf = flops * rate / 1e9
            first = read(out / f"first_{tag}{name}.txt")
            first = f"{float(first):.2f} s" if first != "n/a" else "n/a"
            launch = re.search(r"^launches (\d+) (\d+)", text, re.M)
            per_batch = fmt(int(launch.group(1)) / int(launch.group(2))) if launch else "–"
            rows.append([label, device, fmt(rate), f"{fmt(spread[device][0])}×", fmt(gf), pct(gf), f"{rss_mb(out / f'seq_{tag}{name}.time'):.0f} MB",
                         first, f"{size(alloc)} ({gcs} GCs)", per_batch if device == "opencl" else "–"])
        tgf = flops * torch_rate / 1e9
        rows.append(["", f"PyTorch CPU, {best} thread{'s' if best > 1 else ''}", fmt(torch_rate), "1×", fmt(tgf), pct(tgf),
                     f"{torch_rss:.0f} MB", "–", "–", "–"])
        device = max(spread, key=lambda d: spread[d][0])
        ratio, low, high = spread[device]
        gf = flops * rates[device] / 1e9
        gaps.append((name, ratio, low, high, gf, torch, best, device, cold, len(theirs), in_turns if device == "jvm" else None))

    header = ["model", "device", "samples/s", "ours ÷ PyTorch", "GFLOP/s", "% of peak", "peak RSS", "first batch",
              "allocated per step (GCs), steady state", "OpenCL launches per step"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        lines.append("| " + " | ".join(r) + " |")
    lines.append("")
    lines.append("| model | target (ours ÷ PyTorch) | measured (our faster device) | epochs' ratios, 25th–75th percentile | short by | "
                 "from a cold start: first N epochs, jvm | PyTorch 1 thread, samples/s | 2 threads |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for name, ratio, low, high, gf, torch, best, device, cold_ratio, n_cold, in_turns in gaps:
        target = TARGETS[name]
        quartiles = f"{fmt(low)}–{fmt(high)}×" if low is not None else "–"
        short = f"{fmt(target / ratio)}×" if ratio < target else "met"
        cold_text = f"{fmt(cold_ratio)}× (N = {n_cold})" if cold_ratio else "–"
        lines.append(f"| {name} | ≥ {target:g}× | {fmt(ratio)}× ({device}) | {quartiles} | {short} | {cold_text} | {fmt(torch[1][0])} | {fmt(torch[2][0])} |")
        if name == "large" and in_turns:
            share, s_low, s_high = in_turns
            short = f"{fmt(PEAK_TARGET / share)}×" if share < PEAK_TARGET else "met"
            lines.append(f"| large | ≥ {100 * PEAK_TARGET:.0f}% of peak | {fmt(100 * share, 2)}% ({device}; of the probe in turns) | "
                         f"{fmt(100 * s_low, 2)}–{fmt(100 * s_high, 2)}% | {short} | | | |")
        elif name == "large" and peak_gflops:
            share = gf / peak_gflops
            short = f"{fmt(PEAK_TARGET / share)}×" if share < PEAK_TARGET else "met"
            lines.append(f"| large | ≥ {100 * PEAK_TARGET:.0f}% of peak | {fmt(100 * share, 2)}% ({device}) | | {short} | | | |")
    lines.append("")
    epochs_text = ", ".join(f"{spec.split()[0]} {spec.split()[3]}" for spec in read(out / "models.txt").splitlines())
    turns_text = ", ".join(f"{line.split()[0]} {line.split()[3]} after {line.split()[4]} warm-up epochs of ours"
                           for line in read(out / "turns.txt").splitlines())
    lines.append(f"samples/s: samples per epoch over the median epoch time, the first epoch (PyTorch's warm-up) left out. "
                 f"The Seq trainer on the JVM first trained alone for its warm-up epochs (HotSpot compiles for about five "
                 f"seconds; see bench/run), then it and PyTorch with 1 and 2 threads took turns, an epoch each (`bench/lockstep.py`; "
                 f"epochs: {turns_text}), and ours ÷ PyTorch on the JVM is the median over epochs of PyTorch's epoch time over ours "
                 f"(PyTorch with its faster thread count). From a cold start: the time of PyTorch's N epochs (its first "
                 f"included) over our first N (the first and the warm-up ones included; the JVM's start and the Vector "
                 f"API's warm-up before the first epoch not), what a short run gets. OpenCL ran on its own afterwards "
                 f"({epochs_text} epochs), its ratio against PyTorch's median. "
                 "GFLOP/s: the compiler's count (`seqc build --flops`) times samples/s, for both. "
                 "First batch: `java -jar MODEL.jar fit` on one batch, from process start to exit. "
                 "Allocation: bytes the training thread allocated per step, and collections, in the timed epochs. "
                 "% of peak: GFLOP/s over the run's best FMA probe (below), measured before the models"
                 + ("; the large model's target row instead takes, epoch by epoch, our GFLOP/s over a two-thread probe "
                    "run in the same turns (`bench/probe_turns.py`), its median and 25th–75th percentiles."
                    if any(g[-1] for g in gaps if g[0] == "large") else "."))
    checks = [float(line.split()[-1]) for path in sorted(out.glob("crosscheck_*.txt"))
              for line in read(path).splitlines()]
    if checks:
        worst = max(checks)
        lines.append("")
        lines.append(f"Like with like (`bench/crosscheck.py`): from the first batch's weights, each jar's predictions "
                     f"and loss gradients, on each device that ran, match its PyTorch model's (run in float64) to a "
                     f"relative error of at most "
                     f"{worst:.1e} in {len(checks)} comparisons (a tensor on a device each).")
    lines.append("")
    kinds = {"c": "C", "java": "Java Vector API"}
    probe_text = "; ".join(f"{kinds.get(k, k)}, {t} thread{'s' if t > 1 else ''}: {g:.0f} GFLOP/s ({b}-bit)" for k, t, g, b in probes)
    lines.append(f"Peak: {peak_gflops:.0f} GFLOP/s, the best FMA probe ({probe_text})." if peak else "Peak: no probe ran.")
    lines.append(f"Machine: {machine.get('cpu')}, {machine.get('cores')} cores, {machine.get('memory_gib')} GiB; "
                 f"{machine.get('java')}; PyTorch {machine.get('torch')} (Python {machine.get('python')}). "
                 f"Load average {machine.get('load_before')} before, {machine.get('load_after')} after; "
                 f"{machine.get('date')}; the run took {machine.get('seconds')} s.")
    table = "\n".join(lines)
    print(table)
    if docs:
        block = f"{BEGIN}\n{table}\n{END}"
        text = docs.read_text() if docs.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
        if BEGIN not in text or END not in text:
            sys.exit(f"report.py: {docs} has no {BEGIN} ... {END} block to replace")
        start, end = text.index(BEGIN), text.index(END) + len(END)
        docs.write_text(text[:start] + block + text[end:])
        print(f"\nwrote the table into {docs}", file=sys.stderr)


if __name__ == "__main__":
    main()
