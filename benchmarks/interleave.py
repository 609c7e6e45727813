#!/usr/bin/env python3
"""Time gioexport builds and curl in turn on a set that `run.sh --serve` serves.

`benchmarks/run.sh --serve small > serve.txt` prints the gioexport and curl
commands for the set and keeps nginx and the emulator running. This script
reads those commands and runs each configuration once per round, in turn,
so a drift in the machine's state reaches all of them alike:

    benchmarks/interleave.py serve.txt --rounds 11 curl \\
        base=/path/to/old/gioexport new=build-bench/tools/gioexport/gioexport \\
        nosync=build-bench/tools/gioexport/gioexport:LD_PRELOAD=/tmp/nosync.so

A configuration is `curl` (curl alone) or LABEL=BINARY, optionally followed
by `:NAME=VALUE` environment settings. The output folder is emptied and
`sync` run before every run. It prints, per configuration, the median wall
time, user and system CPU time and peak RSS, every wall time, and the median
of the per-round ratios to curl.
"""

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time


def read_serve_output(path):
    """Return the gioexport argument list and the curl config path from run.sh --serve output."""
    text = open(path).read()
    gioexport = re.search(r"^GIOEXPORT_SECRET=\S+ exec (.*)$", text, re.MULTILINE)
    curl = re.search(r"-K '([^']+)'", text)
    if not gioexport or not curl:
        sys.exit(f"interleave.py: {path} does not contain the commands of run.sh --serve")
    return shlex.split(gioexport.group(1)), curl.group(1)


def parse_config(text):
    """Return (label, binary, environment) for `text`; binary is None for curl."""
    if text == "curl":
        return "curl", None, {}
    label, sep, rest = text.partition("=")
    if not sep or not rest:
        sys.exit(f"interleave.py: invalid configuration \"{text}\": expected curl or LABEL=BINARY[:NAME=VALUE...]")
    binary, *settings = rest.split(":")
    env = {}
    for setting in settings:
        name, sep, value = setting.partition("=")
        if not sep:
            sys.exit(f"interleave.py: invalid environment setting \"{setting}\": expected NAME=VALUE")
        env[name] = value
    return label, binary, env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("serve_output", help="the standard output of run.sh --serve")
    parser.add_argument("configs", nargs="+", help="curl, or LABEL=BINARY[:NAME=VALUE...]")
    parser.add_argument("--rounds", type=int, default=9, help="runs of each configuration (default 9)")
    parser.add_argument("--out-root", help="write the output into DIR/out instead of the served folder")
    args = parser.parse_args()

    gioexport_args, curl_config = read_serve_output(args.serve_output)
    served_out = gioexport_args[gioexport_args.index("--out") + 1]
    out = os.path.join(args.out_root, "out") if args.out_root else served_out
    gioexport_args[gioexport_args.index("--out") + 1] = out
    config_copy = curl_config + ".interleave"
    with open(curl_config) as source, open(config_copy, "w") as copy:
        copy.write(source.read().replace(served_out + "/", out + "/"))
    curl_command = ["curl", "--parallel", "--parallel-max", "8", "--http1.1", "-sS", "--fail",
                    "-K", config_copy]
    ca_file = gioexport_args[gioexport_args.index("--ca-file") + 1]
    curl_command[-2:-2] = ["--cacert", ca_file]

    configs = [parse_config(text) for text in args.configs]
    samples = {label: [] for label, _, _ in configs}
    for _ in range(args.rounds):
        for label, binary, extra_env in configs:
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(out)
            subprocess.run(["sync"], check=True)
            env = dict(os.environ, GIOEXPORT_SECRET="demo-secret", **extra_env)
            command = curl_command if binary is None else [binary] + gioexport_args[1:]
            started = time.perf_counter()
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
            errors = process.stderr.read().decode(errors="replace")
            if status != 0:
                sys.exit(f"interleave.py: {label} failed with status {status}: {errors[-500:]}")
            samples[label].append((wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024))
    shutil.rmtree(out, ignore_errors=True)
    os.remove(config_copy)

    curl_walls = [sample[0] for sample in samples.get("curl", [])]
    for label, runs in samples.items():
        walls = [run[0] for run in runs]
        line = (f"{label:12s} wall {statistics.median(walls):.3f} s"
                f"  user {statistics.median(run[1] for run in runs):.2f} s"
                f"  sys {statistics.median(run[2] for run in runs):.2f} s"
                f"  RSS {statistics.median(run[3] for run in runs):.1f} MiB")
        if curl_walls and label != "curl":
            ratios = [mine / theirs for mine, theirs in zip(walls, curl_walls)]
            line += f"  paired / curl {statistics.median(ratios):.2f}x"
        print(line)
        print("             walls " + " ".join(f"{wall:.3f}" for wall in walls))


if __name__ == "__main__":
    main()
