#!/usr/bin/env bash
# Times `gioexport download` against curl and aria2c on the same files, served
# by a private nginx over HTTPS on 127.0.0.1, and prints this machine's limits.
#
# The emulator runs in benchmark mode, so `gioexport download` gets its links
# from the emulator and downloads from nginx, which sends each file's MD5 in
# x-amz-meta-md5-hash. curl and aria2c fetch the same links.
#
# Usage: benchmarks/run.sh [--quick] [--rss-flat] [--runs N] [--warmups N]
#                          [--sets LIST] [--build-dir DIR] [--profile DIR]
# See --help. Everything lives in one temporary folder that is removed at exit,
# and nginx and the emulator are stopped on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

usage() {
  cat <<'EOF'
Usage: benchmarks/run.sh [options]

  --quick          smaller sets (4 x 32 MiB, 100 x 256 KiB), 1 warm-up and
                   2 measured runs, limits with 256 MiB dd; under a minute
  --rss-flat       also measure gioexport's peak RSS at concurrency 8 on
                   8 x 64 MiB and 8 x 512 MiB files (writes 4 GiB per run;
                   8 x 16 MiB and 8 x 128 MiB with --quick)
  --runs N         measured runs per tool and set (default 5; 0 with
                   --profile records the profiles only)
  --warmups N      unmeasured runs per tool and set before them (default 1)
  --sets LIST      comma-separated sets: big (16 x 64 MiB), small
                   (400 x 256 KiB) (default big,small)
  --no-limits      skip the openssl speed and dd measurements
  --build-dir DIR  Meson build folder with gioexport and the emulator
                   (default build-bench, configured when missing and then
                   brought up to date with ninja -j1)
  --profile DIR    after the timed runs, record `perf record` (cpu-clock)
                   and callgrind profiles of gioexport into DIR
  --compare LABEL=BINARY
                   also time another gioexport binary at concurrency 8, as
                   tool gioexport-c8@LABEL (repeatable), e.g. a build with a
                   proposed change to the core
  --no-build       use the binaries in the build folder as they are
  --keep DIR       copy the raw samples and logs to DIR before cleaning up
  --out-dir DIR    write the tools' output into a new folder under DIR, on
                   the file system to measure (default: the temporary
                   folder); only that new folder is removed
  --serve SET      set up nginx and the emulator for SET (big or small),
                   print the gioexport and curl commands that download it,
                   and keep serving until interrupted; for profiling by hand
  --help           print this help
EOF
}

quick=false
rss_flat=false
runs=5
warmups=1
sets="big,small"
measure_limits=true
build_dir=build-bench
profile_dir=""
keep_dir=""
out_parent=""
runs_set=false
build=true
serve_set=""
declare -A compare_bins
compare_tools=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --rss-flat) rss_flat=true ;;
    --runs) runs="$2"; runs_set=true; shift ;;
    --warmups) warmups="$2"; shift ;;
    --sets) sets="$2"; shift ;;
    --no-limits) measure_limits=false ;;
    --build-dir) build_dir="$2"; shift ;;
    --profile) profile_dir="$2"; shift ;;
    --keep) keep_dir="$2"; shift ;;
    --out-dir) out_parent="$2"; shift ;;
    --serve) serve_set="$2"; sets="$2"; shift ;;
    --no-build) build=false ;;
    --compare)
      label=${2%%=*}
      binary=${2#*=}
      if [ "$label" = "$2" ] || [ -z "$label" ] || [ ! -x "$binary" ]; then
        echo "run.sh: invalid --compare \"$2\": expected LABEL=path of an executable gioexport" >&2
        exit 2
      fi
      compare_bins[$label]=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
      compare_tools+=("gioexport-c8@$label")
      shift ;;
    --help|-h) usage; exit 0 ;;
    *) echo "run.sh: unknown option \"$1\"; see --help" >&2; exit 2 ;;
  esac
  shift
done
if $quick && ! $runs_set; then
  runs=2
fi
for count in "$runs" "$warmups"; do
  case "$count" in
    ""|*[!0-9]*) echo "run.sh: invalid --runs \"$runs\" or --warmups \"$warmups\": expected whole numbers" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a set_list <<<"$sets"
for name in "${set_list[@]}"; do
  case "$name" in
    big|small) ;;
    *) echo "run.sh: unknown set \"$name\"; expected big or small" >&2; exit 2 ;;
  esac
done
if [ "$runs" -eq 0 ] && [ -z "$profile_dir" ]; then
  echo "run.sh: --runs 0 only makes sense with --profile" >&2
  exit 2
fi

# --- Packages: install only what is missing, like scripts/setup.sh. ---------

install_missing() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The build dependencies come from scripts/setup.sh; these are the tools
# that only the benchmark uses.
packages=(curl aria2 time openssl python3 coreutils libbenchmark-dev)
# Either Debian nginx package provides /usr/sbin/nginx with the SSL module.
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || packages+=(nginx-light)
if [ -n "$profile_dir" ]; then
  packages+=(linux-perf valgrind)
fi
install_missing "${packages[@]}"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

# --- Build. -----------------------------------------------------------------

if $build; then
  scripts/setup.sh
  if [ ! -f "$build_dir/build.ninja" ]; then
    meson setup "$build_dir" -Dbenchmarks=true -Dtests=false >/dev/null
  fi
  # One job unless GIOEXPORT_BENCH_JOBS sets another count, so that building
  # does not crowd out other work on a small shared machine.
  ninja -C "$build_dir" -j "${GIOEXPORT_BENCH_JOBS:-1}" tools/gioexport/gioexport \
    tools/emulator/gioexport-emulator >/dev/null
fi
build_dir=$(cd "$build_dir" && pwd)
gioexport_bin="$build_dir/tools/gioexport/gioexport"
emulator_bin="$build_dir/tools/emulator/gioexport-emulator"
helper="$repo/benchmarks/bench_helper.py"

# --- Work folder and cleanup. -----------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/gioexport-bench.XXXXXX")
out="$work/out"
if [ -n "$out_parent" ]; then
  if [ ! -d "$out_parent" ] || [ ! -w "$out_parent" ]; then
    echo "run.sh: invalid --out-dir \"$out_parent\": expected a writable folder" >&2
    rm -rf "$work"
    exit 2
  fi
  out=$(mktemp -d "$out_parent/gioexport-bench-out.XXXXXX") || { rm -rf "$work"; exit 2; }
fi
nginx_pid=""
emulator_pid=""
stop_emulator() {
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    emulator_pid=""
  fi
}
cleanup() {
  local status=$?
  stop_emulator
  if [ -n "$nginx_pid" ]; then
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  if [ -n "$keep_dir" ] && [ -d "$work" ]; then
    mkdir -p "$keep_dir"
    cp "$work"/samples.tsv "$work"/failures.tsv "$work"/limits.tsv "$work"/nginx/*.log "$keep_dir"/ 2>/dev/null || true
  fi
  rm -rf "$work"
  if [ -n "$out_parent" ]; then
    rm -rf "$out"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '%s\n' "$*" >&2; }

# --- Data sets. -------------------------------------------------------------
# Each set is DIR/<set>/visit/part-NNNNN.csv.gz. The bytes are AES-256-CTR
# output of zeros under a fixed key and IV, so they are incompressible and the
# same on every run. They are not gzip: no tool here decompresses, and only
# the byte count and MD5 matter.

declare -A set_files set_bytes
if $quick; then
  set_files[big]=4;    set_bytes[big]=$((32 * 1024 * 1024))
  set_files[small]=100; set_bytes[small]=$((256 * 1024))
else
  set_files[big]=16;   set_bytes[big]=$((64 * 1024 * 1024))
  set_files[small]=400; set_bytes[small]=$((256 * 1024))
fi
# The RSS sets: eight files each, the large ones eight times the size.
set_files[rss-small]=8; set_bytes[rss-small]=$((64 * 1024 * 1024))
set_files[rss-large]=8; set_bytes[rss-large]=$((512 * 1024 * 1024))
if $quick; then
  set_bytes[rss-small]=$((16 * 1024 * 1024))
  set_bytes[rss-large]=$((128 * 1024 * 1024))
fi
# Profiled under callgrind, which runs gioexport about 50 times slower.
set_files[profile]=4; set_bytes[profile]=$((16 * 1024 * 1024))

if $rss_flat; then
  set_list+=(rss-small rss-large)
fi

data="$work/data"
mkdir -p "$data" "$out" "$work/nginx"
# The file system the tools write to, for the report.
out_fs=$(df --output=fstype,source "$out" 2>/dev/null | tail -n 1 | awk '{ print $1 " on " $2 }')

# Writes `count` files of `size` bytes into data/<set>/visit and their MD5s
# into data/<set>.md5.
generate_set() {
  local name=$1 count=${set_files[$1]} size=${set_bytes[$1]}
  local dir="$data/$name/visit"
  mkdir -p "$dir"
  if [ "${name#rss-}" != "$name" ]; then
    # The RSS sets hold one file under eight names (hard links), so only one
    # copy takes disk space.
    dd if=/dev/zero bs=1M count=$((size / 1048576)) status=none |
      openssl enc -aes-256-ctr -nosalt -K "$(printf '%064d' 7)" -iv "$(printf '%032d' 7)" \
        >"$dir/part-00000.csv.gz"
    local digest i
    digest=$(md5sum <"$dir/part-00000.csv.gz" | cut -d' ' -f1)
    printf '%s  part-00000.csv.gz\n' "$digest" >"$data/$name.md5"
    for ((i = 1; i < count; i++)); do
      ln "$dir/part-00000.csv.gz" "$dir/$(printf 'part-%05d.csv.gz' "$i")"
      printf '%s  part-%05d.csv.gz\n' "$digest" "$i" >>"$data/$name.md5"
    done
  else
    dd if=/dev/zero bs=64K count=$((count * size / 65536)) status=none |
      openssl enc -aes-256-ctr -nosalt -K "$(printf '%064d' 1)" -iv "$(printf '%032d' 1)" |
      split -b "$size" -d -a 5 --additional-suffix=.csv.gz - "$dir/part-"
    (cd "$dir" && md5sum -- *.csv.gz) >"$data/$name.md5"
  fi
}

served_sets=("${set_list[@]}")
[ -n "$profile_dir" ] && served_sets+=(profile)
log "generating data sets: ${served_sets[*]}"
for name in "${served_sets[@]}"; do
  generate_set "$name"
done

# --- TLS certificate: a private CA and a leaf for IP 127.0.0.1. -------------

tls="$work/tls"
mkdir -p "$tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -keyout "$tls/ca.key" -out "$tls/ca.pem" -subj "/CN=gioexport benchmark CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
  >"$tls/server.ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -set_serial 2 -days 2 \
  -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null

# --- nginx. -----------------------------------------------------------------

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# One map entry per served file, so each response carries its own MD5.
for name in "${served_sets[@]}"; do
  while read -r digest file; do
    printf '    /%s/visit/%s %s;\n' "$name" "$file" "$digest"
  done <"$data/$name.md5"
done >"$work/nginx/md5.map"

nginx_port=$(free_port)
nginx_user=""
if [ "$(id -u)" -eq 0 ]; then
  # A master started by root runs its workers as "nobody" unless the config
  # sets `user`, and the workers must stay the current user to read the
  # temporary folder.
  nginx_user="user $(id -un) $(id -gn);"
fi
cat >"$work/nginx/nginx.conf" <<EOF
# Generated by benchmarks/run.sh; removed at exit.
$nginx_user
daemon off;
worker_processes $(nproc);
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 512; }
http {
    default_type application/octet-stream;
    types { }
    client_body_temp_path $work/nginx/client_body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    log_format bench '\$connection \$connection_requests \$status \$body_bytes_sent \$ssl_protocol \$ssl_cipher \$uri';
    access_log $work/nginx/access.log bench;
    # Without "ssl_conf_command Options KTLS" (not set here) nginx reads each
    # file and encrypts it in user space, so sendfile only affects plain HTTP.
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65s;
    keepalive_requests 100000;
    map_hash_max_size 8192;
    map \$uri \$md5 {
        default "";
        include $work/nginx/md5.map;
    }
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $tls/server.pem;
        ssl_certificate_key $tls/server.key;
        ssl_protocols TLSv1.3;
        root $data;
        location / {
            add_header x-amz-meta-md5-hash \$md5 always;
        }
    }
}
EOF
"$nginx_bin" -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
nginx_ready=false
for _ in $(seq 100); do
  if curl -s --cacert "$tls/ca.pem" -o /dev/null "https://127.0.0.1:$nginx_port/"; then
    nginx_ready=true
    break
  fi
  kill -0 "$nginx_pid" 2>/dev/null || break
  sleep 0.1
done
if ! $nginx_ready; then
  cat "$work/nginx/error.log" >&2
  echo "run.sh: nginx did not start on 127.0.0.1:$nginx_port; its error log is above" >&2
  exit 1
fi
nginx_workers=$(pgrep -P "$nginx_pid" | tr '\n' ' ')

# Sum of utime and stime of the nginx master and workers, in clock ticks.
nginx_ticks() {
  local pid total=0
  for pid in $nginx_pid $nginx_workers; do
    # Fields 14 and 15 of /proc/PID/stat; the name field has no spaces here.
    read -r -a stat <"/proc/$pid/stat"
    total=$((total + stat[13] + stat[14]))
  done
  echo "$total"
}
clock_ticks=$(getconf CLK_TCK)

# --- Tool commands. ---------------------------------------------------------

hour=$(TZ=Asia/Shanghai date -d "2 hours ago" +%Y%m%d%H)
gioexport_args=(--base-url "" --ca-file "$tls/ca.pem" --client-id demo-client-id --project demoPrj1
  --ai a1b2c3d4e5f60718 --export-type hour --date "${hour}00" --data-types visit)

start_emulator() {
  local name=$1
  rm -f "$work/emulator.port"
  "$emulator_bin" --port 0 --port-file "$work/emulator.port" \
    --external-objects "$data/$name" --external-base-url "https://127.0.0.1:$nginx_port/$name" \
    >/dev/null 2>"$work/emulator-$name.log" &
  emulator_pid=$!
  for _ in $(seq 100); do [ -s "$work/emulator.port" ] && break; sleep 0.1; done
  if [ ! -s "$work/emulator.port" ]; then
    cat "$work/emulator-$name.log" >&2
    echo "run.sh: the emulator did not start; its log is above" >&2
    exit 1
  fi
  gioexport_args[1]="http://127.0.0.1:$(cat "$work/emulator.port")"
}

# Prints the command line of `tool` as a bash string run by `bash -c`.
tool_command() {
  local tool=$1 q
  case "$tool" in
    gioexport-c4|gioexport-c8|gioexport-c8@*|gioexport-nofsync)
      local binary=$gioexport_bin concurrency=""
      # 8 is the default; the compared builds may predate that default.
      concurrency="--concurrency 8"
      [ "$tool" = gioexport-c4 ] && concurrency="--concurrency 4"
      [ "$tool" = gioexport-nofsync ] && concurrency="--concurrency 8 --no-fsync"
      [ "${tool#gioexport-c8@}" != "$tool" ] && binary=${compare_bins[${tool#gioexport-c8@}]}
      printf -v q '%q ' "$binary" download --quiet --require-md5 "${gioexport_args[@]}" --out "$out"
      echo "GIOEXPORT_SECRET=demo-secret exec $q $concurrency" ;;
    gioexport-links)
      printf -v q '%q ' "$gioexport_bin" links --json "${gioexport_args[@]}"
      echo "GIOEXPORT_SECRET=demo-secret exec $q" ;;
    curl)
      echo "exec curl --parallel --parallel-max 8 --http1.1 -sS --fail --cacert '$tls/ca.pem' -K '$work/curl.cfg'" ;;
    curl+md5sum)
      echo "curl --parallel --parallel-max 8 --http1.1 -sS --fail --cacert '$tls/ca.pem' -K '$work/curl.cfg' &&
            cd '$out' && exec md5sum -c --quiet '$work/md5sum.txt'" ;;
    aria2c|aria2c+md5)
      local input="$work/aria2.txt"
      [ "$tool" = aria2c+md5 ] && input="$work/aria2-md5.txt"
      echo "exec aria2c -j 8 -x 1 -s 1 -i '$input' --ca-certificate='$tls/ca.pem' --check-certificate=true \
            --allow-overwrite=true --auto-file-renaming=false --file-allocation=none \
            --console-log-level=warn --summary-interval=0 --download-result=hide --quiet=true" ;;
  esac
}

# Folder in which `tool` leaves the files.
tool_output() {
  case "$1" in
    gioexport-*) echo "$out/a1b2c3d4e5f60718/hour/$hour/visit" ;;
    *) echo "$out" ;;
  esac
}

# Checks that `tool` left every file of the set with the right content.
verify_output() {
  local tool=$1 name=$2 dir
  [ "$tool" = gioexport-links ] && return 0
  dir=$(tool_output "$tool")
  if ! (cd "$dir" && md5sum -c --quiet "$data/$name.md5") >&2; then
    echo "run.sh: $tool left wrong or missing files for set $name" >&2
    exit 1
  fi
}

samples="$work/samples.tsv"
printf 'set\ttool\tpass\tindex\tfiles\tbytes\twall_s\tuser_s\tsys_s\trss_kib\tserver_s\trequests\tconnections\n' >"$samples"

# Tools that failed on a set, by "set/tool", with the first line of the
# error. A failed tool is skipped for the rest of the set; the others go on.
declare -A failed
failures="$work/failures.tsv"
: >"$failures"

# Runs `tool` once on set `name` and appends one sample. The output folder is
# emptied and `sync` run first, so no run pays for the previous run's
# writeback. Input files stay in the page cache: nginx serves from memory.
measure() {
  local tool=$1 name=$2 pass=$3 index=$4
  [ -n "${failed[$name/$tool]:-}" ] && return 0
  rm -rf "$out"
  mkdir -p "$out"
  sync

  local command log_before ticks_before ticks_after start end
  command=$(tool_command "$tool")
  log_before=$(wc -l <"$work/nginx/access.log")
  ticks_before=$(nginx_ticks)
  start=$EPOCHREALTIME
  local status=0
  /usr/bin/time -f '%U %S %M' -o "$work/time.txt" bash -c "$command" >"$work/tool.out" 2>"$work/tool.err" ||
    status=$?
  end=$EPOCHREALTIME
  if [ "$status" -ne 0 ]; then
    record_failure "$tool" "$name" "$pass" "$index" "$status"
    return 0
  fi
  ticks_after=$(nginx_ticks)

  # Requests and distinct TLS connections that nginx logged for this run.
  local requests connections
  read -r requests connections < <(tail -n +$((log_before + 1)) "$work/nginx/access.log" |
    awk '{ seen[$1] = 1; n++ } END { print n + 0, length(seen) }')
  # Content is checked in the warm-up passes, outside the timed command.
  if [ "$pass" = warmup ]; then
    verify_output "$tool" "$name"
  fi

  local user sys rss wall server
  read -r user sys rss < <(tail -n 1 "$work/time.txt")
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", e - s }')
  server=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$clock_ticks" 'BEGIN { printf "%.2f", t / hz }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$tool" "$pass" "$index" \
    "${set_files[$name]}" "$((set_files[$name] * set_bytes[$name]))" "$wall" "$user" "$sys" "$rss" "$server" \
    "$requests" "$connections" >>"$samples"
  log "  $name $tool $pass $index: ${wall} s, user $user s, sys $sys s, RSS $((rss / 1024)) MiB," \
    "nginx $server s, $requests requests on $connections connections"
  rm -rf "$out"
}

# Marks `tool` as failed on set `name` with the first line of its error.
record_failure() {
  local tool=$1 name=$2 pass=$3 index=$4 status=$5 message
  message=$(cut -c1-200 "$work/tool.err" | sed -n 1p)
  failed[$name/$tool]="exit status $status${message:+: $message}"
  printf '%s\t%s\t%s\n' "$name" "$tool" "${failed[$name/$tool]}" >>"$failures"
  log "  $name $tool $pass $index: FAILED: ${failed[$name/$tool]}"
  rm -rf "$out"
}

# --- Serving only. ----------------------------------------------------------

if [ -n "$serve_set" ]; then
  start_emulator "$serve_set"
  GIOEXPORT_SECRET=demo-secret "$gioexport_bin" links --json --show-links --expire 10080 \
    "${gioexport_args[@]}" >"$work/links-$serve_set.json"
  python3 "$helper" inputs --links "$work/links-$serve_set.json" --sums "$data/$serve_set.md5" \
    --out-dir "$out" --work "$work"
  log "serving set $serve_set; the output folder is $out, emptied by neither command"
  for tool in gioexport-c8 curl+md5sum; do
    printf '%s\n' "$(tool_command "$tool")"
  done
  log "press Ctrl-C (or send SIGTERM to $$) to stop"
  while :; do sleep 3600 & wait $!; done
fi

# --- Runs. ------------------------------------------------------------------

log "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
timed_sets=("${set_list[@]}")
[ $((runs + warmups)) -eq 0 ] && timed_sets=()
for name in "${timed_sets[@]}"; do
  start_emulator "$name"
  GIOEXPORT_SECRET=demo-secret "$gioexport_bin" links --json --show-links --expire 10080 \
    "${gioexport_args[@]}" >"$work/links-$name.json"
  python3 "$helper" inputs --links "$work/links-$name.json" --sums "$data/$name.md5" \
    --out-dir "$out" --work "$work"

  # gioexport-links times the token request and the listing alone: the fixed
  # start-up part of every gioexport download.
  tools=(gioexport-c4 gioexport-c8 gioexport-nofsync "${compare_tools[@]}" gioexport-links curl curl+md5sum aria2c
         aria2c+md5)
  set_runs=$runs
  if [ "${name#rss-}" != "$name" ]; then
    tools=(gioexport-c8 "${compare_tools[@]}")
    $quick && set_runs=1
  fi
  log "set $name: ${set_files[$name]} files of ${set_bytes[$name]} bytes"
  # Tools take turns within each pass, so a change in machine load during the
  # set affects all of them alike. Each pass starts one tool later: on the KVM
  # guest of RESULTS.md, the first tool of a pass, writing right after the
  # previous pass's output was deleted, spent twice the usual system time.
  tool_count=${#tools[@]}
  for ((i = 1; i <= warmups; i++)); do
    for tool in "${tools[@]}"; do measure "$tool" "$name" warmup "$i"; done
  done
  for ((i = 1; i <= set_runs; i++)); do
    for ((j = 0; j < tool_count; j++)); do
      measure "${tools[(i + j) % tool_count]}" "$name" run "$i"
    done
  done
  stop_emulator
done
log "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- Machine limits. --------------------------------------------------------

limits="$work/limits.tsv"
if $measure_limits; then
  log "measuring limits"
  speed_sizes=()
  $quick && speed_sizes=(-bytes 16384)
  openssl speed -seconds 1 "${speed_sizes[@]}" -evp md5 >"$work/speed-md5.txt" 2>/dev/null
  openssl speed -seconds 1 "${speed_sizes[@]}" -evp aes-256-gcm >"$work/speed-aes.txt" 2>/dev/null
  dd_mib=1024
  $quick && dd_mib=256
  # The dd file goes where the tools write, on the same file system. The
  # first dd is not measured. On the KVM guest of RESULTS.md, the first
  # 512 MiB write after a pause ran at 267 MB/s and the next ones at 1.4 to
  # 3.3 GB/s, probably because the host faults in guest pages on first use.
  mkdir -p "$out"
  run_dd() {
    sync
    dd if=/dev/zero of="$out/dd.bin" bs=1M count=$dd_mib "$@" 2>"$work/dd.txt"
    rm -f "$out/dd.bin"
    python3 "$helper" dd "$work/dd.txt"
  }
  run_dd >/dev/null
  cache_rates=() sync_rates=()
  for _ in 1 2 3; do
    cache_rates+=("$(run_dd)")
    sync_rates+=("$(run_dd conv=fdatasync)")
  done
  sync
  median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
  {
    printf 'md5_bps\t%s\n' "$(python3 "$helper" speed "$work/speed-md5.txt")"
    printf 'aes_256_gcm_bps\t%s\n' "$(python3 "$helper" speed "$work/speed-aes.txt")"
    printf 'page_cache_write_bps\t%s\n' "$(median3 "${cache_rates[@]}")"
    printf 'fdatasync_write_bps\t%s\n' "$(median3 "${sync_rates[@]}")"
    printf 'nproc\t%s\n' "$(nproc)"
  } >"$limits"
  dd_spread() { printf '%s\n' "$@" | sort -n | awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 / 1e6 }'; }
fi

# --- Profiles. --------------------------------------------------------------

if [ -n "$profile_dir" ]; then
  mkdir -p "$profile_dir"
  name=${set_list[0]}
  start_emulator "$name"
  log "recording perf (cpu-clock) of gioexport --concurrency 8 on set $name"
  rm -rf "$out"; mkdir -p "$out"; sync
  command=$(tool_command gioexport-c8)
  # DWARF unwinding, because neither gioexport nor Debian's libcrypto keeps
  # frame pointers.
  perf record -e cpu-clock -F 1000 --call-graph dwarf,16384 -o "$profile_dir/perf.data" \
    -- bash -c "$command" >/dev/null 2>"$work/perf.err" || { cat "$work/perf.err" >&2; exit 1; }
  perf report -i "$profile_dir/perf.data" --no-children -g none --sort dso,symbol --stdio \
    >"$work/perf-report.txt" 2>/dev/null
  grep -v '^$' "$work/perf-report.txt" | cut -c1-200 | sed -n '1,80p' >"$profile_dir/perf-top.txt"
  perf script -i "$profile_dir/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null >"$work/perf-script.txt"
  python3 "$helper" perf-categories "$work/perf-script.txt" >"$profile_dir/perf-categories.txt"
  rm -rf "$out" "$work/perf-script.txt"
  stop_emulator

  start_emulator profile
  log "recording callgrind of gioexport --concurrency 8 on set profile"
  mkdir -p "$out"
  printf -v q '%q ' valgrind --tool=callgrind --callgrind-out-file="$profile_dir/callgrind.out" \
    "$gioexport_bin" download --quiet --require-md5 "${gioexport_args[@]}" --out "$out" --concurrency 8
  GIOEXPORT_SECRET=demo-secret bash -c "$q" >/dev/null 2>"$work/callgrind.err" ||
    { cat "$work/callgrind.err" >&2; exit 1; }
  callgrind_annotate --inclusive=no "$profile_dir/callgrind.out" >"$work/callgrind-self.txt" 2>/dev/null
  sed -n '1,70p' "$work/callgrind-self.txt" | cut -c1-220 >"$profile_dir/callgrind-self.txt"
  callgrind_annotate --inclusive=yes "$profile_dir/callgrind.out" >"$work/callgrind-inclusive.txt" 2>/dev/null
  sed -n '1,90p' "$work/callgrind-inclusive.txt" | cut -c1-220 >"$profile_dir/callgrind-inclusive.txt"
  rm -rf "$out"
  stop_emulator
  log "profiles are in $profile_dir"
fi

# --- Report. ----------------------------------------------------------------

echo "## Machine"
echo
echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "- memory: $(free -m | awk '/^Mem:/ { print $2 }') MiB; kernel $(uname -r)"
echo "- output folder $out: ${out_fs:-file system unknown}"
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- gioexport binary $gioexport_bin ($("$gioexport_bin" --version | head -n 1)); repository at $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- src include tools || echo ' with uncommitted changes in src, include or tools')"
for label in "${!compare_bins[@]}"; do
  echo "- compared build $label: ${compare_bins[$label]}"
done
echo "- $(curl --version | head -n 1 | cut -d' ' -f1-2), $(aria2c --version | head -n 1), $("$nginx_bin" -v 2>&1 | cut -d' ' -f3), $(openssl version)"
echo "- TLS as nginx logged it: $(awk '{ print $5, $6 }' "$work/nginx/access.log" | sort | uniq -c | sort -rn | head -n 3 | awk '{ printf "%s %s (%s requests); ", $2, $3, $1 }')"
echo
if $measure_limits; then
  echo "## Limits"
  echo
  echo "- openssl speed -evp md5, 16 KiB blocks: $(awk -F'\t' '$1 == "md5_bps" { printf "%.0f MB/s", $2 / 1e6 }' "$limits")"
  echo "- openssl speed -evp aes-256-gcm, 16 KiB blocks: $(awk -F'\t' '$1 == "aes_256_gcm_bps" { printf "%.0f MB/s", $2 / 1e6 }' "$limits")"
  echo "- dd bs=1M of $dd_mib MiB into the page cache, median of 3 after 1 unmeasured: $(awk -F'\t' '$1 == "page_cache_write_bps" { printf "%.0f MB/s", $2 / 1e6 }' "$limits") (runs: $(dd_spread "${cache_rates[@]}") MB/s)"
  echo "- the same with conv=fdatasync: $(awk -F'\t' '$1 == "fdatasync_write_bps" { printf "%.0f MB/s", $2 / 1e6 }' "$limits") (runs: $(dd_spread "${sync_rates[@]}") MB/s)"
  echo "- nproc: $(nproc)"
  echo
fi
echo "## Results (medians of $runs runs after $warmups warm-up)"
echo
report_args=(--samples "$samples" --failures "$failures")
$measure_limits && report_args+=(--limits "$limits")
python3 "$helper" report "${report_args[@]}"
