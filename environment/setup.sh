#!/usr/bin/env bash
# Prepares a fresh clone: checks the .NET SDK, restores and builds everything (Release, linux-x64 so the native
# libtorch sits next to TorchSharp.dll), and checks that TorchSharp loads by reading the embedded Beauty dataset.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK is missing. Install .NET SDK 10 (https://dot.net) and run this again." >&2
  exit 1
fi
sdk="$(dotnet --version 2>/dev/null || true)"
case "$sdk" in
  10.*) ;;
  *) echo "setup: found .NET SDK '$sdk'; this project needs SDK 10 (global.json)." >&2; exit 1 ;;
esac

echo "setup: building (Release) with .NET SDK $sdk …"
dotnet build Rsir.sln -c Release -nologo -v quiet -clp:ErrorsOnly
echo "setup: checking that TorchSharp loads …"
./rsir data stats --dataset beauty >/dev/null 2>/tmp/rsir-setup-check.log || { cat /tmp/rsir-setup-check.log >&2; exit 1; }
echo "setup: ready. Try: ./rsir train --dataset beauty"
