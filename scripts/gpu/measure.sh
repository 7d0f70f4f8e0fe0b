#!/usr/bin/env bash
# The measurements docs/gpu.md owes, from an unpacked kit (scripts/gpu/pack.sh, receive.sh), into $OUT:
#   inference_<setting>.json   bench inference at batch 1…1024 under each CUDA provider setting, then with the
#                              default settings: float32 frame inputs (float-frames, the bus cost of 8-bit ones),
#                              batches of odd sizes unpadded and padded (odd-unpadded, odd-padded), and contexts sent
#                              every step instead of kept in the pool graph (unpooled; on CPU the other way: pooled),
#                              the half-precision graphs (half; CUDA only), and steps replayed as CUDA graphs (graphs,
#                              and graphs-half on CUDA; on CPU graphs runs the same fixed bindings uncaptured); rows
#                              that pool contexts also step beside the plain graph (--check: matches_plain)
#   serve.json                 bench serve: the whole tick in process, with a throwaway PostgreSQL from the kit
#   serve_graphs.json          the same with Inference:CudaGraphs on
#   eval.json, eval_half.json  with --eval: the default model's eval on this provider (free play under TF32), and
#                              on CUDA its half-precision graph's
# and prints a table of them last.
#   scripts/gpu/measure.sh [--provider cuda|cpu] [--worlds N] [--seconds S] [--batches 1,8,…] [--odd-batches 5,37,…]
#                          [--rows default,graphs,serve,…] [--eval] [--kit DIR]
# --provider cpu with small sizes tries the kit on a machine without a GPU; --rows measures only the rows named
# (settings above, serve, serve-graphs), to fit a short device lease.
set -euo pipefail
cd "$(dirname "$0")/../.."

kit=/tmp/worldweb-kit provider=cuda worlds=2048 seconds=5 eval=false batches=1,8,64,256,1024 odd_batches=5,37,300,1000 rows=all
while [ $# -gt 0 ]; do
  case "$1" in
    --provider) provider=$2; shift 2 ;;
    --worlds) worlds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --batches) batches=$2; shift 2 ;;
    --odd-batches) odd_batches=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --eval) eval=true; shift ;;
    --kit) kit=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
out=${OUT:-$PWD/gpu-results}
mkdir -p "$out"
say() { printf '[gpu measure %s] %s\n' "$(date +%T)" "$*" >&2; }
wanted() { [ "$rows" = all ] || [[ ",$rows," == *",$1,"* ]]; }
tools=$kit/worldweb/tools/worldweb-tools model=$kit/worldweb/models/default
[ -x "$tools" ] || { echo "no kit at $kit: receive every part first (scripts/gpu/receive.sh)" >&2; exit 1; }

if [ "$provider" = cuda ]; then
  # ONNX Runtime's CUDA provider links CUDA 13 and cuDNN 9: those of the machine's PyTorch install.
  LD_LIBRARY_PATH=$(python3 -c 'import nvidia, os; r = os.path.dirname(nvidia.__path__[0]) + "/nvidia"; print(":".join(os.path.join(r, d, "lib") for d in sorted(os.listdir(r)) if os.path.isdir(os.path.join(r, d, "lib"))))')${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export LD_LIBRARY_PATH
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv > "$out/gpu.csv" || true
fi

for setting in default heuristic nhwc no-tf32 float-frames odd-unpadded odd-padded unpooled pooled half graphs graphs-half; do
  wanted "$setting" || continue
  if [ "$provider" != cuda ]; then case "$setting" in heuristic | nhwc | no-tf32 | unpooled | half | graphs-half) continue ;; esac  # CUDA's own
  elif [ "$setting" = pooled ]; then continue; fi  # the default on CUDA
  setting_model=$model setting_batches=$batches
  case "$setting" in
    default) flags=(--check) ;; heuristic) flags=(--conv-search heuristic) ;; nhwc) flags=(--prefer-nhwc) ;; no-tf32) flags=(--no-tf32) ;;
    float-frames) flags=() setting_model=$kit/worldweb/models/default-float ;;
    odd-unpadded) flags=(--batch-padding none) setting_batches=$odd_batches ;;
    odd-padded) flags=(--batch-padding powers-of-two) setting_batches=$odd_batches ;;
    unpooled) flags=(--context-pooling off) ;; pooled) flags=(--context-pooling on --check) ;; half) flags=(--precision half --check) ;;
    graphs) flags=(--context-pooling on --cuda-graphs --check) ;; graphs-half) flags=(--cuda-graphs --precision half --check) ;;
  esac
  say "bench inference ($provider, $setting)"
  "$tools" bench inference --provider "$provider" "${flags[@]}" --model "$setting_model" --batch "$setting_batches" \
    --seconds "$seconds" --json "$out/inference_$setting.json" > "$out/inference_$setting.log" 2>&1 \
    || say "bench inference ($setting) failed: $(tail -3 "$out/inference_$setting.log")"
done

if wanted serve || wanted serve-graphs; then
  say "PostgreSQL from the kit, as nobody (initdb refuses root)"
  pg=/tmp/worldweb-pg password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  port=55440
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  rm -rf "$pg" && mkdir -p "$pg" && echo "$password" > "$pg/password" && chown -R 65534:65534 "$pg"
  as_nobody "$kit/postgres/bin/initdb" -D "$pg/data" -U postgres --pwfile="$pg/password" --auth=scram-sha-256 -E UTF8 --locale=C > "$pg/initdb.log"
  as_nobody "$kit/postgres/bin/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg -c max_connections=200" start > /dev/null
  trap 'as_nobody "$kit/postgres/bin/pg_ctl" -D "$pg/data" -m fast -w stop > /dev/null' EXIT

  for serve in serve serve-graphs; do
    wanted "$serve" || continue
    graphs=false; [ "$serve" = serve-graphs ] && graphs=true
    say "bench serve ($provider, up to $worlds worlds, CUDA graphs $graphs)"
    ConnectionStrings__WorldWeb="Host=127.0.0.1;Port=$port;Database=worldweb_bench;Username=postgres;Password=$password" \
    Models__Packages__0=$model Inference__CudaGraphs=$graphs "$kit/worldweb/server/WorldWeb.Server" bench serve --provider "$provider" \
      --worlds "$worlds" --seconds "$seconds" --json "$out/${serve/-/_}.json" --contentRoot "$kit/worldweb/server" > "$out/$serve.log" 2>&1 \
      || say "bench serve ($serve) failed: $(grep -v '^ ' "$out/$serve.log" | tail -3)"
  done
fi

if $eval; then
  say "eval ($provider)"
  "$tools" eval --model "$model" --seeds 1001,1002 --provider "$provider" --json "$out/eval.json" > "$out/eval.log" 2>&1 \
    || say "eval failed: $(tail -3 "$out/eval.log")"
  if [ "$provider" = cuda ]; then
    say "eval ($provider, half precision)"
    "$tools" eval --model "$model" --seeds 1001,1002 --provider "$provider" --precision half --json "$out/eval_half.json" \
      > "$out/eval_half.log" 2>&1 || say "eval (half) failed: $(tail -3 "$out/eval_half.log")"
  fi
fi

python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
for path in sorted(glob.glob(os.path.join(out, "inference_*.json"))):
    report = json.load(open(path))
    cells = "  ".join(f"b{r['batch']}" + (f" (run as {r['stepped_rows']})" if r.get("stepped_rows", r["batch"]) != r["batch"] else "")
                      + f" {r['frames_per_s']:.0f}/s p50 {r['p50_ms']} ms"
                      + (f" [{r['matches_plain']['identical_bytes']:.2%} as plain]" if r.get("matches_plain") else "") for r in report["results"])
    print(f"{os.path.basename(path)[10:-5]:>12} ({report['execution_provider']}, {report.get('precision', 'float')}, "
          f"{report['model_version']}, contexts "
          f"{report.get('contexts', 'sent every step')}): {cells}")
for name in ("serve", "serve_graphs"):
    if os.path.exists(os.path.join(out, f"{name}.json")):
        s = json.load(open(os.path.join(out, f"{name}.json")))
        parts = " ".join(f"{k} {v['p50']}" for k, v in s["tick_ms"]["parts"].items())
        print(f"{name} ({s['execution_provider']}, contexts {s.get('contexts')}): max_worlds_at_fps {s['max_worlds_at_fps']}; at {s['worlds']}: "
              f"{s['fps_per_world']['mean']} fps/world, tick p50 {s['tick_ms']['p50']} ms ({parts})")
for name in ("eval", "eval_half"):
    if os.path.exists(os.path.join(out, f"{name}.json")):
        e = json.load(open(os.path.join(out, f"{name}.json")))
        print(f"{name} ({e['execution_provider']}, {e.get('precision', 'float')}): loop {e['loop_psnr_memory']} vs "
              f"{e['loop_psnr_no_memory']} dB, revisit {e['revisit_psnr']}, free play (last window: realism dB, sharpness, "
              f"grid) {[(w[-1]['realism_db'], w[-1]['sharpness'], w[-1]['grid_energy']) for w in e['free_play'].values()]}")
PY
