#!/usr/bin/env bash
# Runs the notebooks under Jupyter itself: nbclient drives the .NET Interactive kernel (".net-csharp"), exactly as
# JupyterLab or `jupyter nbconvert --execute` would. The in-process runner (src/Rsir.Notebooks.Runner) is the faster,
# dependency-free way; this script checks that the notebooks also work in a real Jupyter kernel.
#
#   notebooks/run-with-jupyter.sh [--write-outputs | --out-dir DIR] [NOTEBOOK.ipynb ...]
#
# Default: every notebooks/*.ipynb, outputs discarded. RSIR_PROFILE (quick | paper) passes through to the kernel.
# Needs, once (Debian/Ubuntu):
#   apt-get install python3-nbclient jupyter-client jupyter-core
#   dotnet tool install -g Microsoft.dotnet-interactive && dotnet interactive jupyter install
# and the workbench built: dotnet build -c Release (at the repository root).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
export PATH="$PATH:$HOME/.dotnet/tools"
export RSIR_PROFILE="${RSIR_PROFILE:-quick}"

mode=check out_dir=""
notebooks=()
while (($#)); do
  case "$1" in
    --write-outputs) mode=write ;;
    --out-dir) shift; mode=copy; out_dir="${1:?--out-dir needs a folder}" ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) notebooks+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")") ;;
  esac
  shift
done
if ((${#notebooks[@]} == 0)); then
  notebooks=("$here"/*.ipynb)
fi

# Debian's python3 has the packages above; a python3 earlier on PATH (pyenv, conda) may not.
python=""
for candidate in "${PYTHON:-}" /usr/bin/python3 python3; do
  if [[ -n "$candidate" ]] && "$candidate" -c 'import nbclient, nbformat' 2>/dev/null; then python="$candidate"; break; fi
done
if [[ -z "$python" ]]; then
  echo "nbclient is not installed: apt-get install python3-nbclient jupyter-client jupyter-core (or pip install nbclient)" >&2
  exit 2
fi
kernels="$(jupyter kernelspec list 2>/dev/null || true)"
if [[ "$kernels" != *".net-csharp"* ]]; then
  echo "The .NET (C#) Jupyter kernel is not installed:" >&2
  echo "  dotnet tool install -g Microsoft.dotnet-interactive && dotnet interactive jupyter install" >&2
  exit 2
fi
if [[ ! -f "$root/src/Rsir.Interactive/bin/Release/net10.0/linux-x64/Rsir.Interactive.dll" ]]; then
  echo "The workbench is not built: run 'dotnet build -c Release' in $root first." >&2
  exit 2
fi
[[ "$mode" == copy ]] && mkdir -p "$out_dir" && out_dir="$(cd "$out_dir" && pwd)"

"$python" - "$mode" "$out_dir" "${notebooks[@]}" <<'PY'
import os, subprocess, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

mode, out_dir, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
print(f"profile {os.environ.get('RSIR_PROFILE')}, kernel .net-csharp, nbclient")
for path in paths:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=".net-csharp", timeout=3600, startup_timeout=120,
                            resources={"metadata": {"path": os.path.dirname(path)}})
    start = time.time()
    try:
        client.execute(stdout=subprocess.DEVNULL)   # the kernel's own web-host log lines
    except CellExecutionError as error:
        failed = next((i for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"
                       and any(o.get("output_type") == "error" for o in c.get("outputs", []))), "?")
        print(f"{os.path.basename(path)}: FAILED at cell {failed} after {time.time() - start:.0f} s\n{error}", file=sys.stderr)
        sys.exit(1)
    print(f"{os.path.basename(path)}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells passed in {time.time() - start:.0f} s")
    if mode == "write":
        nbformat.write(nb, path)
    elif mode == "copy":
        nbformat.write(nb, os.path.join(out_dir, os.path.basename(path)))
PY
