#!/usr/bin/env bash
# The GPU check, in two halves:
#   bash environment/gpu-check.sh prepare   (here, with the .NET SDK) publishes `rsir`, the notebook runner and the
#                                           notebook workbench self-contained for linux-x64 into one folder, without a
#                                           libtorch package, and packs it as .device/rsir.tgz (git-ignored; about
#                                           55 MB: carry that one file; the data and notebooks travel with the tree).
#   bash environment/gpu-check.sh run       (on the GPU machine, no .NET needed) unpacks it, points it at that
#                                           machine's PyTorch libtorch and runs: selftest (every backbone, evaluator,
#                                           judge and generator on CUDA vs CPU), the benchmark (epoch, evaluation,
#                                           generation round), base + one RSIR round on Beauty (the base is a full
#                                           SASRec training to early stop), the same training with --tf32, the
#                                           1M-item memory benchmark and the notebooks headless (quick profile);
#                                           then prints one table. JSON results and logs land in ${OUT:-.device/out}.
#   DRY_RUN=1 bash environment/gpu-check.sh run   does the same on the CPU with tiny settings, the first notebook
#                                           only and the NuGet cache's CPU libtorch, to check the script itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
here="$(pwd)"
bundle="$here/.device/rsir.tgz"
app="$here/.device/rsir"
out="${OUT:-$here/.device/out}"

case "${1:-}" in
prepare)
  rm -rf "$app" "$bundle"
  # One folder, one runtime: the three projects share every assembly they have in common (same versions).
  for project in src/Rsir.Cli/Rsir.Cli.csproj src/Rsir.Notebooks.Runner/Rsir.Notebooks.Runner.csproj src/Rsir.Interactive/Rsir.Interactive.csproj; do
    dotnet publish "$project" -c Release -r linux-x64 --self-contained -p:TorchBackend=external \
      -p:RsirPatchLibStdCxx=true -o "$app" -nologo -v quiet
  done
  tar czf "$bundle" -C "$app" .
  du -sh "$app" "$bundle"
  ;;
run)
  rm -rf "$out/results"   # a rerun starts afresh instead of resuming or refusing the last run's folders
  mkdir -p "$out"
  if [[ ! -x "$app/Rsir.Cli" ]]; then
    [[ -f "$bundle" ]] || { echo "gpu-check: neither $app nor $bundle; run 'prepare' first and carry .device/rsir.tgz" >&2; exit 2; }
    mkdir -p "$app" && tar xzf "$bundle" -C "$app"
  fi
  if [[ "${DRY_RUN:-0}" == 1 ]]; then
    export RSIR_LIBTORCH="${RSIR_LIBTORCH:-$(ls -d "$HOME"/.nuget/packages/libtorch-cpu-linux-x64/*/runtimes/linux-x64/native | tail -1)}"
    device=cpu; limit=(--limit-users 1500); epochs=(--max-epochs 2); scale=(--scale-items 100000 --scale-users 20)
    notebooks=(notebooks/01-data.ipynb)
  else
    lib="$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
    export RSIR_LIBTORCH="$lib" LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}"
    device=cuda; limit=(); epochs=(); scale=(--scale-items 1000000)
    notebooks=(notebooks/0*.ipynb)
  fi
  export RSIR_DATA="$here/data"
  # Each step has a time limit, so that one hung step cannot use up the machine; the table says which timed out.
  step() { local name="$1" limit_s="$2"; shift 2; local t0=$SECONDS; echo "== $name: rsir $*" >&2
           timeout "$limit_s" "$app/Rsir.Cli" "$@" --json > "$out/$name.log" 2> >(tee "$out/$name.err" >&2) \
             || echo "{\"error\": \"$name failed or passed ${limit_s} s\"}" >> "$out/$name.log"
           tail -1 "$out/$name.log" > "$out/$name.json"; echo "{\"seconds\": $((SECONDS - t0))}" > "$out/$name.time"
           echo "== $name: $((SECONDS - t0)) s" >&2; }
  step selftest 120 selftest --device "$device"
  step bench 120 bench --dataset beauty --device "$device" --generation "${limit[@]}"
  step loop 240 loop --dataset beauty --rounds 1 --device "$device" --out "$out/results" --name loop "${limit[@]}" "${epochs[@]}"
  step tf32 150 train --dataset beauty --device "$device" --tf32 --out "$out/results" --name train-tf32 "${limit[@]}" "${epochs[@]}"
  step scale 120 bench "${scale[@]}" --device "$device"
  t0=$SECONDS; echo "== notebooks: ${notebooks[*]}" >&2
  if timeout 300 "$app/Rsir.Notebooks.Runner" --references "$app" --profile quick "${notebooks[@]}" > "$out/notebooks.log" 2>&1
  then echo "{\"passed\": true, \"count\": ${#notebooks[@]}, \"seconds\": $((SECONDS - t0))}" > "$out/notebooks.json"
  else echo "{\"passed\": false, \"count\": ${#notebooks[@]}, \"seconds\": $((SECONDS - t0))}" > "$out/notebooks.json"; fi
  echo "== notebooks: $((SECONDS - t0)) s" >&2
  python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(name):
    try: return json.load(open(os.path.join(out, name + ".json")))
    except Exception as e: return {"error": str(e)}
s, b, l = load("selftest"), load("bench"), load("loop")
f, c, n = load("tf32"), load("scale"), load("notebooks")
base = next((r for r in l.get("rounds", []) if r.get("round") == 0), {})
rows = [("device", b.get("device", s.get("device"))),
        ("selftest (CUDA = CPU)", "pass" if s.get("passed") else f"FAIL {s.get('error', '')}"),
        ("seconds per Beauty epoch", b.get("seconds_per_epoch")),
        ("seconds per full evaluation", b.get("seconds_per_eval")),
        ("seconds per generation round (m=5)", b.get("seconds_per_generation_round")),
        ("base to early stop: epochs / best / s per epoch / total s", (base.get("epochs"), base.get("best_epoch"), base.get("seconds_per_epoch"), base.get("seconds"))),
        ("base: test R@10 R@20 N@10 N@20", tuple(round(base.get("test", {}).get(k, float("nan")), 4) for k in ("recall@10", "recall@20", "ndcg@10", "ndcg@20")))]
for r in l.get("rounds", []):
    rows.append((f"loop round {r['round']}: R@10 N@10 / s", (round(r["test"]["recall@10"], 4), round(r["test"]["ndcg@10"], 4), round(r["seconds"], 1))))
rows += [("train --tf32: s per epoch / test R@10 N@10", (f.get("seconds_per_epoch"), round(f.get("test", {}).get("recall@10", float("nan")), 4), round(f.get("test", {}).get("ndcg@10", float("nan")), 4))),
         (f"{c.get('scale_items')} items: eval s / peak MiB", (c.get("seconds_per_eval"), round(c.get("eval_peak_rss_bytes", 0) / 2**20))),
         (f"{c.get('scale_items')} items: generation s / peak MiB", (c.get("seconds_per_generation_round"), round(c.get("generation_peak_rss_bytes", 0) / 2**20))),
         (f"notebooks headless ({n.get('count')}, quick profile)", ("pass" if n.get("passed") else "FAIL (see notebooks.log)", f"{n.get('seconds')} s"))]
w = max(len(k) for k, _ in rows)
for k, v in rows: print(f"{k:<{w}}  {v}")
PY
  ;;
*) echo "usage: bash environment/gpu-check.sh prepare|run  (DRY_RUN=1 for the CPU dry run)" >&2; exit 2 ;;
esac
