#!/usr/bin/env bash
# Stores the large synthetic.tsv and *test_ranks.csv files of committed results gzipped (NAME.gz), so that the working
# tree stays small enough to travel to a GPU machine; every reader opens either form (Runtime/StoredText). Deterministic (gzip -n: no name, no time),
# so re-running it changes nothing. Usage: bash environment/compact-results.sh [folder, default results/committed]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="${1:-results/committed}"
find "$root" \( -name synthetic.tsv -o -name '*test_ranks.csv' \) -size +64k -print0 | while IFS= read -r -d '' file; do
  gzip -9 -n -f "$file"
  echo "compacted $file.gz ($(du -k "$file.gz" | cut -f1) KiB)"
done
