#!/usr/bin/env python3
"""Helpers of benchmarks/run.sh: input files for curl, aria2c and md5sum, the
parsing of `openssl speed` and dd output, and the table of medians.

Units: sizes in bytes, MB = 10^6 bytes, MiB = 2^20 bytes, times in seconds.
"""

import argparse
import json
import math
import re
import statistics
import sys
import urllib.parse
from collections import defaultdict
from pathlib import Path

MIB = 1024 * 1024

# Order of the tools in the table, with the label printed for each.
TOOL_LABELS = {
    "gioexport-c4": "gioexport download --concurrency 4",
    "gioexport-c8": "gioexport download (default, concurrency 8)",
    "gioexport-nofsync": "gioexport download --no-fsync (concurrency 8)",
    "gioexport-links": "gioexport links (token and listing only, no download)",
    "curl": "curl --parallel --parallel-max 8 (no check)",
    "curl+md5sum": "curl --parallel --parallel-max 8, then md5sum -c",
    "aria2c": "aria2c -j 8 (no check)",
    "aria2c+md5": "aria2c -j 8 with checksum=md5=",
}


def read_md5_list(path):
    """Read `md5sum` output into {file name: hex digest}."""
    sums = {}
    for line in Path(path).read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        sums[Path(name.lstrip("*")).name] = digest
    return sums


def command_inputs(args):
    """Write the curl config, the aria2c input files and the md5sum list for
    the links that `gioexport links --json --show-links` printed."""
    listing = json.loads(Path(args.links).read_text())
    urls = listing["links"][args.data_type]
    sums = read_md5_list(args.sums)
    if len(urls) != len(sums):
        sys.exit(f"bench_helper: the listing has {len(urls)} links but {args.sums} "
                 f"has {len(sums)} files; expected the same files")

    work = Path(args.work)
    out_dir = args.out_dir
    curl_lines, aria_plain, aria_md5, md5_lines = [], [], [], []
    for url in urls:
        name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
        if name not in sums:
            sys.exit(f"bench_helper: link for {name} has no MD5 in {args.sums}")
        # curl's config syntax takes double-quoted strings with backslash escapes.
        curl_lines.append(f'url = "{url}"\noutput = "{out_dir}/{name}"\n')
        aria_plain.append(f"{url}\n  dir={out_dir}\n  out={name}\n")
        aria_md5.append(f"{url}\n  dir={out_dir}\n  out={name}\n  checksum=md5={sums[name]}\n")
        md5_lines.append(f"{sums[name]}  {name}\n")

    (work / "curl.cfg").write_text("".join(curl_lines))
    (work / "aria2.txt").write_text("".join(aria_plain))
    (work / "aria2-md5.txt").write_text("".join(aria_md5))
    (work / "md5sum.txt").write_text("".join(md5_lines))


def command_speed(args):
    """Print the bytes per second of the 16384-byte column of `openssl speed`."""
    text = Path(args.file).read_text()
    header = None
    for line in text.splitlines():
        if line.startswith("type") and "bytes" in line:
            header = re.findall(r"(\d+) bytes", line)
            continue
        if header and line.strip() and not line.startswith("type"):
            values = re.findall(r"([\d.]+)k", line)
            if len(values) == len(header):
                column = header.index("16384") if "16384" in header else len(header) - 1
                print(int(float(values[column]) * 1000))
                return
    sys.exit(f"bench_helper: no result table in {args.file}")


def command_dd(args):
    """Print the bytes per second from dd's closing statistics line."""
    text = Path(args.file).read_text()
    match = re.search(r"^(\d+) bytes .* copied, ([\d.,]+) s", text, re.MULTILINE)
    if not match:
        sys.exit(f"bench_helper: no dd statistics in {args.file}")
    seconds = float(match.group(2).replace(",", "."))
    print(int(int(match.group(1)) / seconds))


def read_limits(path):
    limits = {}
    for line in Path(path).read_text().splitlines():
        key, value = line.split("\t")
        limits[key] = float(value)
    return limits


def lower_bounds(limits, total_bytes):
    """Return (client CPU s, server CPU s, wall s, wall s with fdatasync) that
    no client can beat on this machine for `total_bytes` downloaded over TLS,
    hashed with MD5 and written to the page cache.

    Model: each byte costs one AES-256-GCM decrypt on the client, one
    AES-256-GCM encrypt in nginx, one MD5 update and one page-cache write at
    the single-core rates measured above, and the work spreads perfectly over
    all cores. The loopback TCP copies, nginx's file reads and all per-file
    and per-request costs are left out, so the true floor is higher.
    """
    aes = total_bytes / limits["aes_256_gcm_bps"]
    md5 = total_bytes / limits["md5_bps"]
    write = total_bytes / limits["page_cache_write_bps"]
    client = aes + md5 + write
    server = aes
    wall = (client + server) / limits["nproc"]
    durable = max(wall, total_bytes / limits["fdatasync_write_bps"])
    return client, server, wall, durable


def median(values):
    return statistics.median(values) if values else math.nan


def command_report(args):
    """Print the medians of the measured runs as Markdown tables."""
    rows = defaultdict(list)
    set_info = {}
    with open(args.samples) as samples:
        header = samples.readline().rstrip("\n").split("\t")
        for line in samples:
            record = dict(zip(header, line.rstrip("\n").split("\t")))
            set_info[record["set"]] = (int(record["files"]), int(record["bytes"]))
            if record["pass"] == "run":
                rows[(record["set"], record["tool"])].append(record)
    limits = read_limits(args.limits) if args.limits else None
    failures = {}
    if args.failures:
        for line in Path(args.failures).read_text().splitlines():
            set_name, tool, message = line.split("\t", 2)
            failures[(set_name, tool)] = message

    tools = list(TOOL_LABELS)
    for _, tool in list(rows) + list(failures):
        if tool not in tools:
            tools.append(tool)
    for set_name, _ in failures:
        set_info.setdefault(set_name, (0, 0))

    medians = {}
    print("| set | tool | runs | wall s (min-max) | MB/s | client CPU s (user+sys) | server CPU s | peak RSS MiB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for set_name in set_info:
        files, total = set_info[set_name]
        for tool in tools:
            runs = rows.get((set_name, tool))
            if (set_name, tool) in failures:
                print(f"| {set_name} | {tool_label(tool)} | failed: {failures[(set_name, tool)]} "
                      f"| | | | | |")
                continue
            if not runs:
                continue
            walls = [float(r["wall_s"]) for r in runs]
            wall = median(walls)
            cpu = median([float(r["user_s"]) + float(r["sys_s"]) for r in runs])
            server = median([float(r["server_s"]) for r in runs])
            rss = median([int(r["rss_kib"]) / 1024 for r in runs])
            medians[(set_name, tool)] = {"wall": wall, "cpu": cpu, "server": server, "rss": rss}
            label = f"{files} x {total // files / MIB:g} MiB"
            # The listing alone moves no file bytes, so it has no MB/s.
            rate = "-" if tool == "gioexport-links" else f"{total / wall / 1e6:.0f}"
            print(f"| {set_name} ({label}) | {tool_label(tool)} | {len(runs)} | "
                  f"{wall:.3f} ({min(walls):.3f}-{max(walls):.3f}) | "
                  f"{rate} | {cpu:.3f} | {server:.2f} | {rss:.1f} |")

    if limits:
        print()
        print("Lower bounds from the per-byte model (see lower_bounds in bench_helper.py):")
        print()
        print("| set | client CPU s | server CPU s | wall s (page cache) | wall s (with fdatasync) |")
        print("|---|---:|---:|---:|---:|")
        for set_name, (files, total) in set_info.items():
            client, server, wall, durable = lower_bounds(limits, total)
            print(f"| {set_name} | {client:.3f} | {server:.3f} | {wall:.3f} | {durable:.3f} |")

    paired = paired_ratios(rows)
    print_targets(medians, paired, set_info,
                  [tool for tool in tools if tool.startswith("gioexport") and tool != "gioexport-links"])


def paired_ratios(rows):
    """Return, per (set, tool, peer, key), the median over passes of tool / peer.

    Both runs of a pair come from the same pass, under a minute apart, so
    the ratio follows the machine's state when it drifts during a set."""
    def by_pass(runs, key):
        values = {}
        for run in runs:
            if key == "cpu":
                values[run["index"]] = float(run["user_s"]) + float(run["sys_s"])
            else:
                values[run["index"]] = float(run["wall_s"])
        return values

    ratios = {}
    for (set_name, tool), runs in rows.items():
        for peer in ("curl", "curl+md5sum"):
            peer_runs = rows.get((set_name, peer))
            if not peer_runs or tool == peer:
                continue
            for key in ("wall", "cpu"):
                mine, theirs = by_pass(runs, key), by_pass(peer_runs, key)
                pairs = [mine[i] / theirs[i] for i in mine if i in theirs and theirs[i] > 0]
                ratios[(set_name, tool, peer, key)] = median(pairs)
    return ratios


def ratio_line(name, value, limit, unit="x", paired=math.nan):
    """Return a table row. The verdict goes by `value`, the ratio of medians."""
    pair = "-" if math.isnan(paired) else f"{paired:.2f}{unit}"
    if math.isnan(value):
        return f"| {name} | not measured | {pair} | {limit} |"
    verdict = "met" if value <= limit else "missed"
    return f"| {name} | {value:.2f}{unit} | {pair} | <= {limit}{unit} ({verdict}) |"


def tool_label(tool):
    if tool in TOOL_LABELS:
        return TOOL_LABELS[tool]
    base, _, build = tool.partition("@")
    return f"{TOOL_LABELS.get(base, base)}, {build} build"


def print_targets(medians, paired, set_info, gioexport_tools):
    def get(set_name, tool, key):
        return medians.get((set_name, tool), {}).get(key, math.nan)

    def target(name, set_name, tool, peer, key, limit):
        value = get(set_name, tool, key) / get(set_name, peer, key)
        print(ratio_line(name, value, limit, paired=paired.get((set_name, tool, peer, key), math.nan)))

    print()
    print("The verdict goes by the ratio of the medians. The paired column is the")
    print("median, over the passes, of the ratio between the two runs of one pass.")
    print()
    print("| target | measured | paired | limit |")
    print("|---|---:|---:|---:|")
    for tool in gioexport_tools:
        if "big" in set_info:
            target(f"big wall, {tool} / (curl + md5sum)", "big", tool, "curl+md5sum", "wall", 0.6)
            target(f"big client CPU, {tool} / (curl + md5sum)", "big", tool, "curl+md5sum", "cpu", 0.85)
        if "small" in set_info:
            target(f"small wall, {tool} / curl", "small", tool, "curl", "wall", 1.0)
    for tool in gioexport_tools:
        if tool == "gioexport-c4":
            continue
        for set_name in set_info:
            rss = get(set_name, tool, "rss")
            if not math.isnan(rss):
                print(ratio_line(f"peak RSS MiB, {tool}, {set_name}", rss, 20, " MiB"))
        if "rss-small" in set_info and "rss-large" in set_info:
            small = get("rss-small", tool, "rss")
            large = get("rss-large", tool, "rss")
            print(ratio_line(f"peak RSS, rss-large / rss-small files, {tool}", large / small, 1.1))


# Kernel functions that mark what a system call sample was doing, checked in
# this order against every frame of the sample.
KERNEL_CATEGORIES = [
    ("kernel: fsync", ("vfs_fsync_range", "ext4_sync_file", "do_fsync")),
    ("kernel: write() into the page cache", ("ksys_write", "vfs_write")),
    ("kernel: TCP receive", ("tcp_recvmsg", "sock_recvmsg")),
    ("kernel: TCP send", ("tcp_sendmsg",)),
    ("kernel: epoll_wait", ("do_epoll_wait",)),
    ("kernel: futex (thread wake-ups)", ("futex_wait", "futex_wake", "do_futex")),
    ("kernel: open, rename, unlink, mkdir", ("do_sys_openat2", "do_renameat2", "do_unlinkat", "do_mkdirat")),
    ("kernel: page faults", ("exc_page_fault",)),
]


def classify_sample(frames):
    """Name the work of one perf sample from its frames, leaf first. Each
    frame is (symbol, dso)."""
    leaf_symbol = frames[0][0]
    # perf marks inlined functions with the dso "inlined"; the code belongs to
    # the first real object further up.
    leaf_dso = next((dso for _, dso in frames if dso != "inlined"), "inlined")
    symbols = [symbol for symbol, _ in frames]

    def anywhere(*needles):
        return any(needle in symbol for symbol in symbols for needle in needles)

    if leaf_dso == "[kernel.kallsyms]":
        for category, markers in KERNEL_CATEGORIES:
            if anywhere(*markers):
                return category
        return "kernel: other"
    if anywhere("md5_hasher", "EVP_DigestUpdate", "EVP_DigestFinal"):
        return "MD5 (md5_hasher, OpenSSL)"
    if "memmove" in leaf_symbol or "memcpy" in leaf_symbol:
        if anywhere("buffer_body", "basic_parser"):
            return "memcpy: Beast parser, flat_buffer to transfer buffer"
        if anywhere("SSL_read", "ssl3_read"):
            return "memcpy: inside OpenSSL's read path"
        return "memcpy: other"
    if anywhere("SSL_read", "ssl3_read", "tls13_", "EVP_DecryptUpdate", "EVP_CipherUpdate"):
        return "OpenSSL read path (AES-256-GCM decrypt, records)"
    if "pthread_mutex" in leaf_symbol or "lll_" in leaf_symbol:
        return "mutex lock and unlock"
    if leaf_symbol.startswith(("malloc", "free", "cfree", "_int_", "__GI___libc_free", "__GI___libc_malloc",
                               "operator new", "operator delete")):
        return "malloc and free"
    if leaf_symbol.startswith(("__GI___libc_write", "__libc_recvmsg", "__libc_sendmsg", "epoll_wait",
                               "__GI___libc_read", "__GI___fsync", "fdatasync")):
        return "libc system call wrappers"
    if "clock_gettime" in leaf_symbol:
        return "clock_gettime"
    if leaf_dso.endswith(("libcrypto.so.3", "libssl.so.3")):
        return "OpenSSL other (error queue, BIO)"
    if "/gioexport" in leaf_dso or "libstdc++" in leaf_dso:
        return "Asio, Beast and gioexport code"
    return "user: other"


def command_perf_categories(args):
    """Sum `perf script -F comm,tid,ip,sym,dso` samples by kind of work."""
    counts = defaultdict(int)
    frames = []
    total = 0

    def flush():
        nonlocal total
        if frames:
            counts[classify_sample(frames)] += 1
            total += 1
        frames.clear()

    frame_pattern = re.compile(r"^\s+[0-9a-f]+ (.*) \((.*)\)$")
    with open(args.file, errors="replace") as script:
        for line in script:
            line = line.rstrip("\n")
            if not line.strip():
                flush()
                continue
            match = frame_pattern.match(line)
            if match:
                dso = match.group(2)
                frames.append((match.group(1), "/gioexport" if dso.endswith("/gioexport") else dso))
            else:
                flush()
    flush()
    if total == 0:
        sys.exit(f"bench_helper: no samples in {args.file}")
    print(f"{total} samples at {args.frequency} Hz = {total / args.frequency:.2f} CPU s")
    print()
    print("| work | share | CPU s |")
    print("|---|---:|---:|")
    for category, count in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"| {category} | {100 * count / total:.1f}% | {count / args.frequency:.3f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    inputs = sub.add_parser("inputs", help="write curl, aria2c and md5sum inputs")
    inputs.add_argument("--links", required=True, help="output of gioexport links --json --show-links")
    inputs.add_argument("--data-type", default="visit")
    inputs.add_argument("--sums", required=True, help="md5sum list of the served files")
    inputs.add_argument("--out-dir", required=True, help="folder the tools write the files to")
    inputs.add_argument("--work", required=True, help="folder for the generated inputs")
    inputs.set_defaults(run=command_inputs)

    speed = sub.add_parser("speed", help="bytes/s of the 16384-byte column of openssl speed")
    speed.add_argument("file")
    speed.set_defaults(run=command_speed)

    dd = sub.add_parser("dd", help="bytes/s from dd's statistics")
    dd.add_argument("file")
    dd.set_defaults(run=command_dd)

    report = sub.add_parser("report", help="print the medians as Markdown tables")
    report.add_argument("--samples", required=True)
    report.add_argument("--limits")
    report.add_argument("--failures", help="set, tool and error of each tool that failed")
    report.set_defaults(run=command_report)

    categories = sub.add_parser("perf-categories", help="sum perf samples by kind of work")
    categories.add_argument("file", help="output of perf script -F comm,tid,ip,sym,dso")
    categories.add_argument("--frequency", type=float, default=1000, help="perf record -F value in Hz")
    categories.set_defaults(run=command_perf_categories)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
