#!/usr/bin/env bash
# One Assay eval as a Slurm job array (docs/scale.md).
#
#   scripts/slurm/eval-array.sh --shards 4 --run-id RUN --out DIR [--sbatch "EXTRA SBATCH FLAGS"] \
#       -- qa --dataset data.jsonl --model openai/gpt-4o-mini
#
# SQLite shards (default): array task i runs `assay eval … --shard i/N` into DIR/shard-i.db; a merge job
# submitted with --dependency=afterok:<array job> joins them into DIR/merged.db (run RUN).
#
#   … --db postgres://user@host/assay -- qa …
#
# Shared PostgreSQL: every array task works on the same run RUN in that database (the store hands out
# units without overlap), so no --shard and no merge job.
#
# Environment: ASSAY (the command, default "assay"; e.g. "npx assay" or "node dist/src/cli/main.js").
# Everything after -- is passed to `assay eval`. sbatch exports the environment (API keys included).
set -euo pipefail
ASSAY=${ASSAY:-assay}

die() {
  echo "eval-array.sh: $*" >&2
  exit 2
}

# `assay eval` exits 1 when some samples failed: the run is complete (errors are data; the merged run
# keeps them, and `assay retry-errors` redoes them), so the merge must still run. Other codes fail.
run_eval() {
  local code=0
  # shellcheck disable=SC2086
  $ASSAY eval "$@" || code=$?
  if [ "$code" -eq 1 ]; then
    echo "eval-array.sh: some samples failed (kept in the run; see assay export / retry-errors)" >&2
    return 0
  fi
  return "$code"
}

mode=submit
case "${1:-}" in
  shard | merge | worker)
    mode=$1
    shift
    ;;
esac

if [ "$mode" = shard ]; then
  # Array task: shard SLURM_ARRAY_TASK_ID of N into its own database.
  shards=$1 run_id=$2 out=$3
  shift 3
  i=${SLURM_ARRAY_TASK_ID:?not an array task}
  run_eval "$@" --shard "$i/$shards" --run-id "$run_id" --db "$out/shard-$i.db" --progress plain
  exit
fi
if [ "$mode" = worker ]; then
  # Array task on a shared PostgreSQL run: every worker takes units of the same run.
  run_id=$1 db=$2
  shift 2
  run_eval "$@" --run-id "$run_id" --db "$db" --progress plain
  exit
fi
if [ "$mode" = merge ]; then
  shards=$1 run_id=$2 out=$3
  dbs=()
  for i in $(seq 1 "$shards"); do dbs+=("$out/shard-$i.db"); done
  $ASSAY merge "${dbs[@]}" --run-id "$run_id" --into "$out/merged.db"
  exit
fi

shards=4 run_id="" out="" db="" extra=""
while [ $# -gt 0 ]; do
  case "$1" in
    --shards) shards=$2; shift 2 ;;
    --run-id) run_id=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --sbatch) extra=$2; shift 2 ;;
    --) shift; break ;;
    *) die "unknown option $1 (eval arguments go after --)" ;;
  esac
done
[ -n "$run_id" ] || die "give --run-id (all shards and the merged run share it)"
[ $# -gt 0 ] || die "give the eval after --, e.g. -- qa --dataset data.jsonl --model openai/gpt-4o-mini"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "--shards must be a positive integer"
self=$(realpath "$0")

if [ -n "$db" ]; then
  # shellcheck disable=SC2086
  job=$(sbatch --parsable --array="1-$shards" --job-name="assay-$run_id" $extra "$self" worker "$run_id" "$db" "$@")
  echo "array job ${job%%;*}: $shards workers on run $run_id in the shared database"
  exit
fi

[ -n "$out" ] || die "give --out DIR (a folder every node can write: one shard database per task)"
mkdir -p "$out"
out=$(realpath "$out")
# shellcheck disable=SC2086
job=$(sbatch --parsable --array="1-$shards" --job-name="assay-$run_id" \
  --output="$out/slurm-%A_%a.out" $extra "$self" shard "$shards" "$run_id" "$out" "$@")
job=${job%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable --dependency="afterok:$job" --job-name="assay-$run_id-merge" \
  --output="$out/slurm-merge-%j.out" $extra "$self" merge "$shards" "$run_id" "$out")
echo "array job $job ($shards shards → $out/shard-*.db), merge job ${merge%%;*} → $out/merged.db"
