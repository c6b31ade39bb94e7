#!/usr/bin/env bash
# What a durable send costs Postgres, without our server: pgbench drives the send functions
# straight, one send per transaction vs ten. Prints transactions/s and the CPU seconds every
# Postgres process used (backends included). Local Postgres only; drops its database at the end.
#
#   bash bench/pgbench/run.sh [seconds]      (docs/BENCHMARKS.md › Where the time goes)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-10}
pg=(-h 127.0.0.1 -U postgres)
db=chatsockets_pgbench_$$
pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench | tail -1)
tick=$(getconf CLK_TCK)
pg_cpu() { # utime + stime + children's, of every process of the postgres user
  local s=0 p f
  for p in $(pgrep -u postgres); do
    read -r -a f <"/proc/$p/stat" 2>/dev/null || continue
    s=$((s + f[13] + f[14] + f[15] + f[16]))
  done
  echo "$s"
}
psql "${pg[@]}" -qc "create database $db"
trap 'psql "${pg[@]}" -qc "drop database if exists $db with (force)"' EXIT
for f in "$here"/../../drizzle/0*.sql; do psql "${pg[@]}" -d "$db" -q -v ON_ERROR_STOP=1 -f "$f"; done
psql "${pg[@]}" -d "$db" -q -v ON_ERROR_STOP=1 -f "$here/setup.sql"
for script in single batch10; do
  before=$(pg_cpu)
  out=$("$pgbench" "${pg[@]}" -n -f "$here/$script.sql" -c "$([ $script = single ] && echo 16 || echo 4)" -j 2 -T "$secs" "$db" 2>&1)
  after=$(pg_cpu)
  tx=$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
  per=$([ $script = single ] && echo 1 || echo 10)
  echo "$script: $(echo "$out" | grep -o 'tps = [0-9.]*') ; sends/s $((tx * per / secs)) ; Postgres CPU $(echo "scale=2; ($after - $before) / $tick" | bc) s ; per send $(echo "scale=3; ($after - $before) * 1000 / $tick / ($tx * $per)" | bc) ms"
done
