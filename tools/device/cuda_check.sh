#!/usr/bin/env bash
# The first call on a lent GPU machine (tools/device/README.md): the CUDA paths of every chapter and the speeds.
#
#   run(command="bash tools/device/cuda_check.sh", carry=[".whl"], timeout_s=330)
#
# 1. installs the carried wheels (python tools/device/kit.py wheels made them) into /tmp/site;
# 2. benchmarks/cuda_speed.py: CycleGAN 256² bs-1, DCGAN bs-128 and Inception throughput (BENCH_S seconds);
# 3. every chapter's reduced tier on CUDA, the notebooks `make test` executes, six chapters at once, on the
#    procedural stand-ins (no data travels), results under /tmp (SMOKE_S seconds).
# Everything worth reading comes back in $OUT: gpu.txt, speed.json, speed.log, smoke.log, smoke_logs.tgz
# (each chapter's pytest log, failures with their tracebacks, the results folders without images), summary.txt.
# A chapter still running at SMOKE_S is stopped with SIGINT (its log says how far it got).
# Set COMPILE=1 to add the torch.compile / CUDA-graph variants (their compilation takes minutes).
# On a CPU machine it runs as a rehearsal: OUT=/tmp/out SKIP_WHEELS=1 BENCH_ARGS="--img 64 --ngf 8" bash ...
set -u
OUT=${OUT:-/tmp/genrep-device-out}
BENCH_S=${BENCH_S:-80}
SMOKE_S=${SMOKE_S:-190}
JOBS=${JOBS:-6}
mkdir -p "$OUT"
cd "$(dirname "$0")/../.." || exit 2
t0=$(date +%s)
say() { echo "[$(($(date +%s) - t0)) s] $*" | tee -a "$OUT/summary.txt"; }

if [ -z "${SKIP_WHEELS:-}" ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    || { say "wheel install failed"; exit 3; }
  export PYTHONPATH=/tmp/site:$PWD/lib${PYTHONPATH:+:$PYTHONPATH}
  PY=python3
else
  PY=${PY:-python3}
fi
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg
say "python $($PY -c 'import sys, torch; print(sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda, "gpu", torch.cuda.is_available())')"
(nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv 2>&1 || echo "no nvidia-smi") >"$OUT/gpu.txt"

say "benchmarks (at most ${BENCH_S} s)"
timeout -k 10 "$BENCH_S" $PY benchmarks/cuda_speed.py --seconds 6 --budget-s $((BENCH_S - 25)) \
  ${COMPILE:+--compile} ${BENCH_ARGS:-} --json "$OUT/speed.json" >"$OUT/speed.log" 2>&1
say "benchmarks exit $? ($(grep -c steps/s "$OUT/speed.log") variants timed)"
grep -E "steps/s|FAILED" "$OUT/speed.log" | tee -a "$OUT/summary.txt"

say "reduced tiers on the device, stand-in data, ${JOBS} chapters at once (at most ${SMOKE_S} s)"
export GENREP_DATA=/tmp/genrep-nodata GENREP_DATA_SOURCE=/tmp/genrep-nodata
mkdir -p "$GENREP_DATA"
timeout -s INT -k 15 "$SMOKE_S" $PY -m genrep test-notebooks --out /tmp/genrep-nbdevice --jobs "$JOBS" >"$OUT/smoke.log" 2>&1
rc=$?
say "reduced tiers exit $rc"
grep -E "^==== |^=+ .* in " "$OUT/smoke.log" | tee -a "$OUT/summary.txt"
grep -h -E "^(FAILED|ERROR) " /tmp/genrep-nbdevice/*.log 2>/dev/null | tee -a "$OUT/summary.txt"
for log in /tmp/genrep-nbdevice/*.log; do
  [ -f "$log" ] && ! grep -q "^==== $(basename "$log" .log):" "$OUT/smoke.log" && say "unfinished: $(basename "$log" .log)"
done
tar czf "$OUT/smoke_logs.tgz" -C /tmp/genrep-nbdevice --exclude='*.pt' --exclude='*.npz' --exclude='*.png' \
  $(cd /tmp/genrep-nbdevice && ls -d *.log results 2>/dev/null) 2>/dev/null
say "done"
