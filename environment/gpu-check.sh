#!/usr/bin/env bash
# The GPU check, in two halves:
#   bash environment/gpu-check.sh prepare   (here, with the .NET SDK) publishes `rsir`, the notebook runner and the
#                                           notebook workbench self-contained for linux-x64 into one folder, without a
#                                           libtorch package or satellite resources, packs it as .device/rsir.tar.xz
#                                           (git-ignored: carry that one file; the data and notebooks travel with the
#                                           tree) and prints what would travel: tracked and untracked files + bundle.
#                                           It fails above 56 MiB (the device tool takes 64 MiB in all).
#   bash environment/gpu-check.sh run       (on the GPU machine, no .NET needed) unpacks it, points it at that
#                                           machine's PyTorch libtorch and runs, each step under its own time limit:
#                                           SMOKE (under two minutes, verdict printed before anything else): the
#                                           self-test on CUDA vs CPU, one epoch on 1,000 Beauty users, one generation
#                                           round, notebook 01; then FULL: the benchmark (epoch, evaluation,
#                                           generation round), base + three RSIR rounds on Beauty, a --tf32 training,
#                                           the 1M-item memory benchmark and the other notebooks headless (quick
#                                           profile); then one table. JSON results and logs land in ${OUT:-.device/out}.
#   DRY_RUN=1 bash environment/gpu-check.sh run   does the same on the CPU with tiny settings, the first notebook
#                                           only and the NuGet cache's CPU libtorch, to check the script itself.
#   SMOKE_ONLY=1 ... run                    stops after the smoke step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
here="$(pwd)"
bundle="$here/.device/rsir.tar.xz"
limit_mib=56
app="$here/.device/rsir"
out="${OUT:-$here/.device/out}"

case "${1:-}" in
prepare)
  rm -rf "$app" "$bundle"
  # One folder, one runtime: the three projects share every assembly they have in common (same versions).
  for project in src/Rsir.Cli/Rsir.Cli.csproj src/Rsir.Notebooks.Runner/Rsir.Notebooks.Runner.csproj src/Rsir.Interactive/Rsir.Interactive.csproj; do
    dotnet publish "$project" -c Release -r linux-x64 --self-contained -p:TorchBackend=external \
      -p:RsirPatchLibStdCxx=true -p:SatelliteResourceLanguages=en -o "$app" -nologo -v quiet
  done
  rm -f "$app"/*.pdb   # symbols only; every file the deps.json files list must stay, or the host refuses to start
  tar cf - -C "$app" . | xz -T2 -9e > "$bundle"
  # What the device tool copies: every tracked file, untracked files git does not ignore, and the carried bundle.
  tree_bytes=$( { git ls-files -z; git ls-files -z --others --exclude-standard; } | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s+0}')
  bundle_bytes=$(stat -c %s "$bundle")
  total=$((tree_bytes + bundle_bytes))
  awk -v t="$tree_bytes" -v b="$bundle_bytes" -v s="$total" -v l="$limit_mib" 'BEGIN {
    printf "gpu-check prepare: working tree %.1f MiB + bundle %.1f MiB = %.1f MiB would travel (limit %d MiB)\n", t/2^20, b/2^20, s/2^20, l }'
  if (( total > limit_mib * 1024 * 1024 )); then
    echo "gpu-check prepare: too large to send; compact results (bash environment/compact-results.sh) or trim the bundle" >&2
    exit 1
  fi
  ;;
run)
  rm -rf "$out/results"   # a rerun starts afresh instead of resuming or refusing the last run's folders
  mkdir -p "$out"
  if [[ ! -x "$app/Rsir.Cli" ]]; then
    [[ -f "$bundle" ]] || { echo "gpu-check: neither $app nor $bundle; run 'prepare' first and carry .device/rsir.tar.xz" >&2; exit 2; }
    mkdir -p "$app" && xz -dc "$bundle" | tar xf - -C "$app"
  fi
  if [[ "${DRY_RUN:-0}" == 1 ]]; then
    export RSIR_LIBTORCH="${RSIR_LIBTORCH:-$(ls -d "$HOME"/.nuget/packages/libtorch-cpu-linux-x64/*/runtimes/linux-x64/native | tail -1)}"
    device=cpu; limit=(--limit-users 1500); epochs=(--max-epochs 2); scale=(--scale-items 100000 --scale-users 20)
    notebooks=(notebooks/02-backbones.ipynb)
  else
    lib="$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
    export RSIR_LIBTORCH="$lib" LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}"
    device=cuda; limit=(); epochs=(); scale=(--scale-items 1000000)
    notebooks=(notebooks/0[2-9]*.ipynb)
  fi
  export RSIR_DATA="$here/data"
  # Each step has a time limit, so that one hung step cannot use up the machine; the table says which timed out.
  step() { local name="$1" limit_s="$2"; shift 2; local t0=$SECONDS; echo "== $name: rsir $*" >&2
           timeout "$limit_s" "$app/Rsir.Cli" "$@" --json > "$out/$name.log" 2> >(tee "$out/$name.err" >&2) \
             || echo "{\"error\": \"$name failed or passed ${limit_s} s\"}" >> "$out/$name.log"
           tail -1 "$out/$name.log" > "$out/$name.json"; echo "{\"seconds\": $((SECONDS - t0))}" > "$out/$name.time"
           echo "== $name: $((SECONDS - t0)) s" >&2; }
  notebook() { local name="$1" limit_s="$2"; shift 2; local t0=$SECONDS; echo "== $name: $*" >&2
           if timeout "$limit_s" "$app/Rsir.Notebooks.Runner" --references "$app" --profile quick "$@" > "$out/$name.log" 2>&1
           then echo "{\"passed\": true, \"count\": $#, \"seconds\": $((SECONDS - t0))}" > "$out/$name.json"
           else echo "{\"passed\": false, \"count\": $#, \"seconds\": $((SECONDS - t0))}" > "$out/$name.json"; fi
           echo "== $name: $((SECONDS - t0)) s" >&2; }

  # SMOKE: the verdict a short GPU session needs, before anything long.
  smoke_start=$SECONDS
  step selftest 60 selftest --device "$device"
  step smoke-train 40 train --dataset beauty --limit-users 1000 --max-epochs 1 --device "$device" --out "$out/results" --name smoke-train
  step smoke-generate 30 bench --dataset beauty --limit-users 1000 --epochs 1 --evaluations 1 --generation --device "$device"
  notebook smoke-notebook 60 notebooks/01-data.ipynb
  python3 - "$out" "$((SECONDS - smoke_start))" <<'PY'
import json, sys, os
out, seconds = sys.argv[1], sys.argv[2]
def load(name):
    try: return json.load(open(os.path.join(out, name + ".json")))
    except Exception as e: return {"error": str(e)}
s, t, g, n = load("selftest"), load("smoke-train"), load("smoke-generate"), load("smoke-notebook")
checks = {"selftest": bool(s.get("passed")), "one epoch (1,000 users)": "error" not in t and bool(t.get("test")),
          "generation round": g.get("seconds_per_generation_round") is not None, "notebook 01": bool(n.get("passed"))}
for c in s.get("checks", []):
    if not c.get("passed"): print(f"  selftest FAIL: {c.get('name')}: {c.get('detail')}")
print(f"SMOKE {'PASS' if all(checks.values()) else 'FAIL'} in {seconds} s: " + ", ".join(f"{k} {'ok' if v else 'FAIL'}" for k, v in checks.items()))
PY
  [[ "${SMOKE_ONLY:-0}" == 1 ]] && exit 0

  # FULL: the figures of the GPU table (limits sum to under eight minutes).
  step bench 60 bench --dataset beauty --device "$device" --generation "${limit[@]}"
  step loop 200 loop --dataset beauty --rounds 3 --device "$device" --out "$out/results" --name loop "${limit[@]}" "${epochs[@]}"
  step tf32 60 train --dataset beauty --device "$device" --tf32 --out "$out/results" --name train-tf32 "${limit[@]}" "${epochs[@]}"
  step scale 60 bench "${scale[@]}" --device "$device"
  notebook notebooks 120 "${notebooks[@]}"
  python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(name):
    try: return json.load(open(os.path.join(out, name + ".json")))
    except Exception as e: return {"error": str(e)}
s, b, l = load("selftest"), load("bench"), load("loop")
f, c, n = load("tf32"), load("scale"), load("notebooks")
base = next((r for r in l.get("rounds", []) if r.get("round") == 0), {})
peak = b.get("device_peak_memory_bytes")
rows = [("device", b.get("device", s.get("device"))),
        ("selftest (device = CPU)", "pass" if s.get("passed") else f"FAIL {s.get('error', '')}"),
        ("seconds per Beauty epoch", b.get("seconds_per_epoch")),
        ("seconds per full evaluation", b.get("seconds_per_eval")),
        ("seconds per generation round (m=5)", b.get("seconds_per_generation_round")),
        ("device peak memory in the benchmark, MiB", None if peak is None else round(peak / 2**20)),
        ("base to early stop: epochs / best / s per epoch / total s", (base.get("epochs"), base.get("best_epoch"), base.get("seconds_per_epoch"), base.get("seconds"))),
        ("base: test R@10 R@20 N@10 N@20", tuple(round(base.get("test", {}).get(k, float("nan")), 4) for k in ("recall@10", "recall@20", "ndcg@10", "ndcg@20")))]
for r in l.get("rounds", []):
    rows.append((f"loop round {r['round']}: R@10 N@10 / s", (round(r["test"]["recall@10"], 4), round(r["test"]["ndcg@10"], 4), round(r["seconds"], 1))))
rows += [("train --tf32: s per epoch / test R@10 N@10", (f.get("seconds_per_epoch"), round(f.get("test", {}).get("recall@10", float("nan")), 4), round(f.get("test", {}).get("ndcg@10", float("nan")), 4))),
         (f"{c.get('scale_items')} items: eval s / peak host MiB / peak device MiB", (c.get("seconds_per_eval"), round(c.get("eval_peak_rss_bytes", 0) / 2**20), round((c.get("eval_device_peak_bytes") or 0) / 2**20))),
         (f"{c.get('scale_items')} items: generation s / peak host MiB / peak device MiB", (c.get("seconds_per_generation_round"), round(c.get("generation_peak_rss_bytes", 0) / 2**20), round((c.get("generation_device_peak_bytes") or 0) / 2**20))),
         (f"notebooks headless ({n.get('count')} + notebook 01 in the smoke step, quick profile)", ("pass" if n.get("passed") else "FAIL (see notebooks.log)", f"{n.get('seconds')} s"))]
w = max(len(k) for k, _ in rows)
for k, v in rows: print(f"{k:<{w}}  {v}")
PY
  ;;
*) echo "usage: bash environment/gpu-check.sh prepare|run  (DRY_RUN=1 for the CPU dry run)" >&2; exit 2 ;;
esac
