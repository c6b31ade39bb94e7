#!/usr/bin/env bash
# What a durable send costs Postgres, without our server: pgbench drives send_messages()
# straight. Three runs: a lone send (one client, one send per transaction: issue #16's "lone
# durable send"), 16 clients with one send each, and 4 clients with ten sends per transaction.
# CPU is read from /proc for this database's backends and the WAL writer only, so other users
# of the same Postgres do not count. Local Postgres only; drops its database at the end.
#
#   bash bench/pgbench/run.sh [seconds]      (docs/BENCHMARKS.md › A lone send)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-10}
pg=(-h 127.0.0.1 -U postgres)
db=chatsockets_pgbench_$$
pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench | tail -1)
tick=$(getconf CLK_TCK)
cpu_of() { # utime + stime of the given pids
  local s=0 p f
  for p in "$@"; do
    read -r -a f <"/proc/$p/stat" 2>/dev/null || continue
    s=$((s + f[13] + f[14]))
  done
  echo "$s"
}
psql "${pg[@]}" -qc "create database $db"
trap 'psql "${pg[@]}" -qc "drop database if exists $db with (force)"' EXIT
for f in "$here"/../../drizzle/0*.sql; do psql "${pg[@]}" -d "$db" -q -v ON_ERROR_STOP=1 -f "$f"; done
psql "${pg[@]}" -d "$db" -q -v ON_ERROR_STOP=1 -f "$here/setup.sql"
walwriter=$(pgrep -u postgres -f 'postgres: .*walwriter' || true)
for run in "lone single 1" "concurrent single 16" "batched batch10 4"; do
  read -r name script clients <<<"$run"
  per=$([ "$script" = single ] && echo 1 || echo 10)
  psql "${pg[@]}" -d "$db" -qc "checkpoint"
  "$pgbench" "${pg[@]}" -n -M prepared -f "$here/$script.sql" -c "$clients" -j 2 -T $((secs + 2)) "$db" >"/tmp/$db.out" 2>&1 &
  bench=$!
  sleep 1
  backends=$(psql "${pg[@]}" -d "$db" -Atc "select pid from pg_stat_activity where datname = '$db' and application_name = 'pgbench'")
  n0=$(psql "${pg[@]}" -d "$db" -Atc "select sum(last_seq) from chats")
  c0=$(cpu_of $backends $walwriter)
  sleep "$secs"
  c1=$(cpu_of $backends $walwriter)
  n1=$(psql "${pg[@]}" -d "$db" -Atc "select sum(last_seq) from chats")
  wait "$bench"
  sends=$((n1 - n0))
  echo "$name ($clients clients, $per per transaction): sends/s $((sends / secs)) ; Postgres CPU $(echo "scale=2; ($c1 - $c0) / $tick" | bc) s ; per send $(echo "scale=3; ($c1 - $c0) * 1000 / $tick / $sends" | bc) ms"
done
