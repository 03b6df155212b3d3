#!/usr/bin/env bash
# Builds another commit of this repository beside it, for `npm run bench -- --before DIR/dist`:
# the bench then runs that commit's pipeline and this one's in the same run, on the same records.
#   scripts/build-before.sh <commit> [dir]      (default dir: .cache/before-<commit>)
set -euo pipefail
rev=${1:?usage: scripts/build-before.sh <commit> [dir]}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir=${2:-$root/.cache/before-$rev}
if [[ ! -d $dir ]]; then
  git -C "$root" worktree add --detach "$dir" "$rev" >&2
fi
cd "$dir"
npm ci --no-audit --no-fund >&2
npm run --silent build >&2
echo "$dir/dist"
