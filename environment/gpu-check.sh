#!/usr/bin/env bash
# The GPU check, in two halves:
#   bash environment/gpu-check.sh prepare   (here, with the .NET SDK) publishes `rsir` self-contained for linux-x64
#                                           without a libtorch package, into .device/ (git-ignored; carry it).
#   bash environment/gpu-check.sh run       (on the GPU machine, no .NET needed) points the tool at that machine's
#                                           PyTorch libtorch and runs: selftest (every backbone, evaluator, judge and
#                                           generator on CUDA vs CPU), the benchmark (epoch, evaluation, generation
#                                           round), a full Beauty SASRec training to early stop and one RSIR round,
#                                           the same training with --tf32, and the 1M-item memory benchmark;
#                                           then prints one table. JSON results land in ${OUT:-.device/out}.
#   DRY_RUN=1 bash environment/gpu-check.sh run   does the same on the CPU with tiny settings and the NuGet cache's
#                                           CPU libtorch, to check the script itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
here="$(pwd)"
app="$here/.device/rsir"
out="${OUT:-$here/.device/out}"

case "${1:-}" in
prepare)
  rm -rf "$app"
  dotnet publish src/Rsir.Cli/Rsir.Cli.csproj -c Release -r linux-x64 --self-contained -p:TorchBackend=external \
    -p:RsirPatchLibStdCxx=true -o "$app" -nologo -v quiet
  mkdir -p "$app/data" && cp data/*.txt "$app/data/" && cp global.json "$app/"   # the catalog finds data/ beside global.json
  du -sh "$app"
  ;;
run)
  rm -rf "$out/results"   # a rerun starts afresh instead of resuming or refusing the last run's folders
  mkdir -p "$out"
  if [[ "${DRY_RUN:-0}" == 1 ]]; then
    export RSIR_LIBTORCH="${RSIR_LIBTORCH:-$(ls -d "$HOME"/.nuget/packages/libtorch-cpu-linux-x64/*/runtimes/linux-x64/native | tail -1)}"
    device=cpu; limit=(--limit-users 1500); epochs=(--max-epochs 2); scale=(--scale-items 100000 --scale-users 20)
  else
    lib="$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
    export RSIR_LIBTORCH="$lib" LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}"
    device=cuda; limit=(); epochs=(); scale=(--scale-items 1000000)
  fi
  export RSIR_DATA="$app/data"
  rsir() { "$app/Rsir.Cli" "$@"; }
  step() { local name="$1"; shift; local t0=$SECONDS; echo "== $name: rsir $*" >&2
           rsir "$@" --json > "$out/$name.log" 2> >(tee "$out/$name.err" >&2) || echo "{\"error\": \"$name failed\"}" >> "$out/$name.log"
           tail -1 "$out/$name.log" > "$out/$name.json"; echo "== $name: $((SECONDS - t0)) s" >&2; }
  step selftest selftest --device "$device"
  step bench bench --dataset beauty --device "$device" --generation "${limit[@]}"
  step train train --dataset beauty --device "$device" --out "$out/results" --name train "${limit[@]}" "${epochs[@]}"
  step loop loop --dataset beauty --rounds 1 --device "$device" --out "$out/results" --name loop "${limit[@]}" "${epochs[@]}"
  step tf32 train --dataset beauty --device "$device" --tf32 --out "$out/results" --name train-tf32 "${limit[@]}" "${epochs[@]}"
  step scale bench "${scale[@]}" --device "$device"
  python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(name):
    try: return json.load(open(os.path.join(out, name + ".json")))
    except Exception as e: return {"error": str(e)}
s, b, t, l = load("selftest"), load("bench"), load("train"), load("loop")
f, c = load("tf32"), load("scale")
rows = [("device", b.get("device", s.get("device"))),
        ("selftest (CUDA = CPU)", "pass" if s.get("passed") else f"FAIL {s.get('error', '')}"),
        ("seconds per Beauty epoch", b.get("seconds_per_epoch")),
        ("seconds per full evaluation", b.get("seconds_per_eval")),
        ("seconds per generation round (m=5)", b.get("seconds_per_generation_round")),
        ("train: epochs / best / s per epoch / total s", (t.get("epochs_run"), t.get("best_epoch"), t.get("seconds_per_epoch"), t.get("total_seconds"))),
        ("train: test R@10 R@20 N@10 N@20", tuple(round(t.get("test", {}).get(k, float("nan")), 4) for k in ("recall@10", "recall@20", "ndcg@10", "ndcg@20")))]
for r in l.get("rounds", []):
    rows.append((f"loop round {r['round']}: R@10 N@10 / s", (round(r["test"]["recall@10"], 4), round(r["test"]["ndcg@10"], 4), round(r["seconds"], 1))))
rows += [("train --tf32: s per epoch / test R@10 N@10", (f.get("seconds_per_epoch"), round(f.get("test", {}).get("recall@10", float("nan")), 4), round(f.get("test", {}).get("ndcg@10", float("nan")), 4))),
         (f"{c.get('scale_items')} items: eval s / peak MiB", (c.get("seconds_per_eval"), round(c.get("eval_peak_rss_bytes", 0) / 2**20))),
         (f"{c.get('scale_items')} items: generation s / peak MiB", (c.get("seconds_per_generation_round"), round(c.get("generation_peak_rss_bytes", 0) / 2**20)))]
w = max(len(k) for k, _ in rows)
for k, v in rows: print(f"{k:<{w}}  {v}")
PY
  ;;
*) echo "usage: bash environment/gpu-check.sh prepare|run  (DRY_RUN=1 for the CPU dry run)" >&2; exit 2 ;;
esac
