#!/usr/bin/env bash
# On the GPU machine: keeps the carried part of the kit (scripts/gpu/pack.sh) in /tmp/worldweb-kit/parts; once every
# part that .gpu/parts/kit.sha256 lists is there and checks out, unpacks the kit into /tmp/worldweb-kit.
#   scripts/gpu/receive.sh .gpu/parts/kit.tar.xz.NN     (the call carries that part and .gpu/parts/kit.sha256)
set -euo pipefail
cd "$(dirname "$0")/../.."

KIT=/tmp/worldweb-kit
part=${1:?usage: scripts/gpu/receive.sh .gpu/parts/kit.tar.xz.NN}
for f in "$part" .gpu/parts/kit.sha256; do
  [ -f "$f" ] || { echo "no $f here: name it in the call's carry" >&2; exit 1; }
done
mkdir -p "$KIT/parts"
cp "$part" .gpu/parts/kit.sha256 "$KIT/parts/"
held=$(cd "$KIT/parts" && ls kit.tar.xz.* | wc -l)
listed=$(wc -l < .gpu/parts/kit.sha256)
echo "received $(basename "$part"): $held of $listed parts"
if [ "$held" -eq "$listed" ]; then
  (cd "$KIT/parts" && sha256sum --quiet -c kit.sha256)
  cat "$KIT/parts"/kit.tar.xz.* | xz -d | tar -C "$KIT" -xf -
  rm -rf "$KIT/parts"
  echo "unpacked the kit into $KIT ($(du -sh "$KIT" | cut -f1))"
fi
