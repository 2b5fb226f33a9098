#!/usr/bin/env bash
# pgbench `SELECT 1;` against hostgres and against a PostgreSQL 15 started on the
# same machine in the same run, in the three query modes (simple, extended,
# prepared). Prints each server's median and best tps and the hostgres/PostgreSQL
# ratios per mode; the target is a ratio of at least 1.0 in every mode.
#
# Both servers are measured over the same transport: plain TCP by default, or
# TLS for both with TLS=1 (PostgreSQL then serves hostgres' self-signed
# certificate). hostgres offers TLS out of the box and libpq's default
# sslmode=prefer would take it, so without this one server would be measured
# with encryption and the other without. hostgres runs with its default
# configuration, audit log included (AUDIT=off turns it off).
#
#   benches/pgbench.sh                 # 3 rounds of 5 s per server and mode, -c 4 -j 2, plain TCP
#   TLS=1 benches/pgbench.sh           # both over TLS
#   DURATION=10 ROUNDS=5 CLIENTS=8 THREADS=4 benches/pgbench.sh
#   SERVER_BIN=/path/to/hostgres benches/pgbench.sh   # skip the release build
#
# Needs pgbench, and PostgreSQL 15's initdb/pg_ctl (Debian: postgresql-15; found
# through PG_BINDIR or /usr/lib/postgresql/15/bin). As root, PostgreSQL runs as
# the `postgres` user. Both servers listen on 127.0.0.1 and are stopped on exit.
set -euo pipefail

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-4}
THREADS=${THREADS:-2}
MODES=${MODES:-"simple extended prepared"}
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
REPO=$(cd "$(dirname "$0")/.." && pwd)

for tool in pgbench "$PG_BINDIR/initdb" "$PG_BINDIR/pg_ctl"; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

if [[ -z ${SERVER_BIN:-} ]]; then
    (cd "$REPO" && cargo build --release --quiet -p hostgres-server)
    SERVER_BIN=${CARGO_TARGET_DIR:-$REPO/target}/release/hostgres
fi

WORK=$(mktemp -d /tmp/hostgres-pgbench.XXXXXX)
chmod 755 "$WORK"
HOSTGRES_PID=

cleanup() {
    if [[ -n $HOSTGRES_PID ]]; then
        kill "$HOSTGRES_PID" 2>/dev/null || true
        wait "$HOSTGRES_PID" 2>/dev/null || true
    fi
    if [[ -f $WORK/pg/postmaster.pid ]]; then
        as_pg "$PG_BINDIR/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Runs a command as the PostgreSQL owner: `postgres` when we are root.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# A TCP port nobody listens on.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

# Waits until a server accepts connections on 127.0.0.1:$1.
wait_ready() {
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "no server on port $1" >&2
    cat "$WORK"/*.log >&2 2>/dev/null
    return 1
}

# hostgres, release build, a fresh state directory (where it makes its
# self-signed certificate on start). It runs in a session of its own, as
# pg_ctl starts PostgreSQL: with the kernel's session autogroups, a server
# left in pgbench's session would share pgbench's CPU share instead of
# having its own, and the two servers would not be measured alike.
#
# Its audit log (a line of about 250 bytes per statement, on stderr) goes
# through a pipe to a reader that keeps its last megabyte: hostgres writes
# every line, but a full run's gigabytes are not left for the page cache to
# write back to disk during the later modes, which would take CPU from
# whichever server ran then.
HG_PORT=$(free_port)
HOSTGRES_PASSWORD=bench HOSTGRES_AUDIT__DESTINATION=${AUDIT:-stderr} \
    setsid "$SERVER_BIN" serve --listen "127.0.0.1:$HG_PORT" --state-dir "$WORK/hostgres" \
    >/dev/null 2> >(tail -c 1048576 >"$WORK/hostgres.log") &
HOSTGRES_PID=$!
wait_ready "$HG_PORT"

# PostgreSQL 15, initialised in the work directory, trust authentication.
mkdir "$WORK/pg" "$WORK/sock"
[[ $(id -u) -eq 0 ]] && chown postgres "$WORK/pg" "$WORK/sock"
as_pg "$PG_BINDIR/initdb" -D "$WORK/pg" -U postgres -A trust --no-sync >/dev/null
PG_OPTS="-p $(free_port) -k $WORK/sock -c listen_addresses=127.0.0.1 -c fsync=off"
if [[ ${TLS:-0} == 1 ]]; then
    install -m 600 "$WORK/hostgres/tls/server.crt" "$WORK/pg/server.crt"
    install -m 600 "$WORK/hostgres/tls/server.key" "$WORK/pg/server.key"
    [[ $(id -u) -eq 0 ]] && chown postgres "$WORK/pg/server.crt" "$WORK/pg/server.key"
    PG_OPTS+=" -c ssl=on"
    export PGSSLMODE=require
else
    export PGSSLMODE=disable
fi
PG_PORT=${PG_OPTS#-p }
PG_PORT=${PG_PORT%% *}
as_pg "$PG_BINDIR/pg_ctl" -D "$WORK/pg" -w -l "$WORK/sock/pg.log" -o "$PG_OPTS" start >/dev/null

echo "SELECT 1;" >"$WORK/select1.sql"

# Runs pgbench and prints its tps (excluding connection time).
tps() {
    local port=$1 user=$2 mode=$3
    PGPASSWORD=bench pgbench -h 127.0.0.1 -p "$port" -U "$user" -n \
        -c "$CLIENTS" -j "$THREADS" -T "$DURATION" -M "$mode" -f "$WORK/select1.sql" \
        "$([[ $user == postgres ]] && echo postgres || echo hostgres)" 2>&1 |
        awk '/^tps = / { print $3 }'
}

# The largest of a list of numbers.
best() {
    sort -g | tail -1
}

# The median of a list of numbers.
median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "pgbench -c $CLIENTS -j $THREADS -T $DURATION -f select1.sql, $ROUNDS alternating rounds  ($(nproc) CPUs, sslmode=$PGSSLMODE, hostgres audit ${AUDIT:-on})"
echo "(tps; medians, and the best round of each server: on a small shared machine the kernel's"
echo " placement of client and server threads moves a round's tps by up to 2x for either server)"
printf '%-10s %12s %12s %8s   %12s %12s %8s\n' mode hostgres postgresql ratio 'hg best' 'pg best' ratio
rounds=()
for mode in $MODES; do
    pgs=() hgs=()
    for _ in $(seq 1 "$ROUNDS"); do
        pgs+=("$(tps "$PG_PORT" postgres "$mode")")
        hgs+=("$(tps "$HG_PORT" hostgres "$mode")")
    done
    if [[ " ${pgs[*]} ${hgs[*]} " == *"  "* || -z ${pgs[0]} || -z ${hgs[0]} ]]; then
        echo "$mode: pgbench failed" >&2
        exit 1
    fi
    pg=$(printf '%s\n' "${pgs[@]}" | median)
    hg=$(printf '%s\n' "${hgs[@]}" | median)
    pgb=$(printf '%s\n' "${pgs[@]}" | best)
    hgb=$(printf '%s\n' "${hgs[@]}" | best)
    awk -v m="$mode" -v h="$hg" -v p="$pg" -v hb="$hgb" -v pb="$pgb" \
        'BEGIN { printf "%-10s %12.0f %12.0f %8.2f   %12.0f %12.0f %8.2f\n", m, h, p, h / p, hb, pb, hb / pb }'
    rounds+=("$(printf '%-10s hostgres %s\n%-10s postgresql %s' "$mode" "${hgs[*]}" '' "${pgs[*]}")")
done
echo "rounds, in order:"
printf '%s\n' "${rounds[@]}"
