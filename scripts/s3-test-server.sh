#!/usr/bin/env bash
# A throwaway single-node Ceph RGW (a real S3 server) on 127.0.0.1 for tests.
#
#   bash scripts/s3-test-server.sh start [--objectstore memstore|bluestore] [--size BYTES]
#   bash scripts/s3-test-server.sh env | status | stop
#
# `start` prints `export HOIST_TEST_S3_...=...` lines on stdout (all else goes to stderr), so
# `eval "$(bash scripts/s3-test-server.sh start)"` works. One mon, one OSD, one radosgw, no mgr,
# auth off, all state in ${HOIST_S3_TEST_DIR:-/tmp/hoist-s3-test}. `stop` kills only the daemons
# this script started. Starts in about 1 s (memstore) or 4-5 s (bluestore).
set -euo pipefail

STATE_DIR=$(realpath -m -- "${HOIST_S3_TEST_DIR:-/tmp/hoist-s3-test}")
CONF=$STATE_DIR/ceph.conf
MARKER=$STATE_DIR/.hoist-s3-test # proves the directory is ours before we rm -rf it
ACCESS_KEY=hoisttestaccesskey
SECRET_KEY=hoisttestsecretkey0123456789abcdef
REGION=us-east-1
TOOLS=(ceph-mon ceph-osd radosgw radosgw-admin ceph-authtool monmaptool ceph curl)
APT_PACKAGES=(ceph-mon ceph-osd radosgw ceph-common curl)

log() { printf 's3-test-server: %s\n' "$*" >&2; }
fail() { log "error: $*"; exit 1; }
tails() { # last lines of the given log files, for error messages
  local f
  for f in "$@"; do [[ -s $f ]] && { echo "--- tail of $f:"; tail -n 25 "$f"; }; done >&2 || true
}

[[ $STATE_DIR != / && $STATE_DIR != "${HOME:-/}" ]] || fail "refusing to use $STATE_DIR as the state dir"

# True if the PID in pid file $1 is alive and was started with our conf (guards against PID reuse;
# a zombie has an empty cmdline, so it counts as gone).
pid_ours() {
  local pid; pid=$(cat "$1" 2>/dev/null) && [[ $pid =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "-c $CONF "
}

is_running() { [[ -f $STATE_DIR/env ]] && pid_ours "$STATE_DIR/mon.pid" && pid_ours "$STATE_DIR/osd.pid" && pid_ours "$STATE_DIR/rgw.pid"; }

# Stop one daemon: signal, wait up to 5 s, then SIGKILL.
stop_one() {
  local pidfile=$STATE_DIR/$1.pid sig=$2 i
  pid_ours "$pidfile" || return 0
  kill "-$sig" "$(cat "$pidfile")" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do pid_ours "$pidfile" || return 0; sleep 0.1; done
  log "$1 did not exit after SIG$sig, sending SIGKILL"
  kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
  for ((i = 0; i < 20; i++)); do pid_ours "$pidfile" || return 0; sleep 0.1; done
}

stop_daemons() {
  local osd_sig=TERM
  # A memstore OSD holds everything in RAM and a clean stop first dumps it all to disk: just kill it.
  grep -qx 'osd objectstore = memstore' "$CONF" 2>/dev/null && osd_sig=KILL
  # rgw's clean shutdown joins its lifecycle thread, which sleeps 5 s at a time, so SIGTERM costs
  # about 5 s on every stop; nothing of its state is kept (the dir is removed next), so kill it.
  stop_one rgw KILL
  stop_one osd "$osd_sig"
  stop_one mon TERM
}

# Stop leftovers and remove the state dir, but only if this script created it.
wipe_state() {
  [[ -e $STATE_DIR ]] || return 0
  [[ -f $MARKER || -z $(ls -A "$STATE_DIR") ]] || fail "$STATE_DIR was not created by this script; not touching it"
  stop_daemons
  rm -rf -- "$STATE_DIR"
}

# Start a daemon in the background in its own session (so a Ctrl-C in the caller's terminal does
# not hit it); stdout/stderr go to a file so `$(... start)` does not wait for the daemon to exit,
# and fd 9 (our lock) is closed so the daemon does not hold the lock forever.
spawn() {
  local name=$1; shift
  setsid "$@" -c "$CONF" -f </dev/null >>"$STATE_DIR/log/$name.out" 2>&1 9>&- &
  echo $! >"$STATE_DIR/$name.pid"
  disown # no "Killed" job notice if we stop it ourselves on failure
}

port_free() { ! (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Serialize start/stop between concurrent callers (e.g. parallel test runs). Locking the parent
# directory leaves no lock file behind and survives the state dir being removed.
mkdir -p "$(dirname "$STATE_DIR")"
exec 9<"$(dirname "$STATE_DIR")"
flock 9

cmd=${1:-}; shift || true
case $cmd in
  env) is_running || fail "not running (state dir $STATE_DIR)"; cat "$STATE_DIR/env"; exit 0 ;;
  status)
    is_running || { log "not running"; exit 1; }
    log "running: $(grep -o 'http://[^ ]*' "$STATE_DIR/env")"; exit 0 ;;
  stop) [[ -e $STATE_DIR ]] || { log "not running"; exit 0; }; wipe_state; log "stopped"; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start [--objectstore memstore|bluestore] [--size BYTES] | env | status | stop" >&2; exit 2 ;;
esac

OBJECTSTORE=memstore
SIZE=$((8 * 1024 * 1024 * 1024))
while (($#)); do
  case $1 in
    --objectstore) OBJECTSTORE=${2:?--objectstore needs a value}; shift 2 ;;
    --size) SIZE=${2:?--size needs a value}; shift 2 ;;
    *) fail "unknown option: $1" ;;
  esac
done
[[ $OBJECTSTORE == memstore || $OBJECTSTORE == bluestore ]] || fail "--objectstore must be memstore or bluestore"
[[ $SIZE =~ ^[0-9]+$ ]] || fail "--size must be a number of bytes"
[[ $OBJECTSTORE == memstore ]] || ((SIZE >= 1 << 30)) || fail "bluestore needs --size of at least 1 GiB (1073741824)"

if is_running; then log "already running ($STATE_DIR)"; cat "$STATE_DIR/env"; exit 0; fi

# Install Ceph when missing (only as root on Debian/Ubuntu; otherwise say what is needed).
missing=(); for t in "${TOOLS[@]}"; do command -v "$t" >/dev/null || missing+=("$t"); done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null &&
     grep -Eqi '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release 2>/dev/null; then
    log "installing ${APT_PACKAGES[*]} (missing: ${missing[*]})"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${APT_PACKAGES[@]}" >&2
  else
    fail "missing ${missing[*]}. Install the packages: ${APT_PACKAGES[*]} (Debian/Ubuntu: sudo apt-get install ${APT_PACKAGES[*]})"
  fi
fi

wipe_state # leftovers of a crashed or half-started run
mkdir -p "$STATE_DIR"/{log,run,crash,mon,osd,rgw}
touch "$MARKER"

# From here on, any failure stops what we started (logs stay in $STATE_DIR for inspection).
started=0
trap '(( started )) || { stop_daemons; log "start failed; logs are in $STATE_DIR/log"; }' EXIT
export CEPH_CONF=$CONF # for ceph and radosgw-admin

# Ports: rgw on 7480 unless taken; mon and the OSD's messenger in a block of free private ports.
RGW_PORT=7480
while ! port_free "$RGW_PORT"; do ((RGW_PORT++ < 7580)) || fail "no free port in 7480-7580"; done
MON_PORT=
for base in $(seq 17100 100 19900); do
  ok=1; for ((p = base; p <= base + 20; p++)); do port_free "$p" || { ok=0; break; }; done
  ((ok)) && { MON_PORT=$base; break; }
done
[[ -n $MON_PORT ]] || fail "no block of 21 free ports found in 17100-19920"

FSID=$(</proc/sys/kernel/random/uuid)
OSD_UUID=$(</proc/sys/kernel/random/uuid)
# memstore: all data in RAM, but RAM is used only for data actually stored (RSS ~1.6x of it).
# bluestore: data in a sparse file of SIZE bytes in the state dir.
STORE_CONF="memstore device bytes = $SIZE"
[[ $OBJECTSTORE == memstore ]] ||
  STORE_CONF=$'bluestore block create = true\nbluestore block size = '$SIZE$'\nbluestore fsck on mkfs = false'

cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$MON_PORT]
public addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr1 = false
ms bind port min = $((MON_PORT + 1))
ms bind port max = $((MON_PORT + 20))
auth cluster required = none
auth service required = none
auth client required = none
keyring = $STATE_DIR/keyring
run dir = $STATE_DIR/run
admin socket = \$run_dir/\$cluster-\$name.\$pid.asok
log file = $STATE_DIR/log/\$cluster-\$name.log
crash dir = $STATE_DIR/crash
mon data = $STATE_DIR/mon
osd data = $STATE_DIR/osd
mon allow pool size one = true
mon warn on pool no redundancy = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pg autoscale mode = off
# rgw creates about 7 pools; without this their PGs exceed the per-OSD limit and rgw hangs.
mon max pg per osd = 1000
# One host, one OSD: replicate across OSDs, not hosts.
osd crush chooseleaf type = 0

[mon]
# rgw's first start makes about 20 map changes; the default paxos batching (1 s each) made
# rgw start take 11 s instead of 0.5 s.
paxos propose interval = 0.01
paxos min wait = 0.001

[osd]
osd objectstore = $OBJECTSTORE
$STORE_CONF

[client]
# With auth off the client cannot negotiate the default "secure" mode with the mon and
# radosgw hangs at startup; crc works.
ms mon client mode = crc
# rgw starts while the OSD is still booting; an op sent before the OSD is up waits for the next
# objecter tick to re-request the osdmap (default every 5 s), which made 1 start in 2 take 5.6 s.
objecter tick interval = 0.2
rgw data = $STATE_DIR/rgw
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
# One lifecycle "day" lasts 10 s, so expiry rules can be tested for real.
rgw lc debug interval = 10
rgw enable lc threads = true
rgw gc obj min wait = 30
rgw gc processor period = 30
EOF

T0=${EPOCHREALTIME/[.,]/} L=$STATE_DIR/log
log "starting Ceph ($OBJECTSTORE, $SIZE bytes) in $STATE_DIR"

# mon. mkfs insists on a keyring even with auth off.
ceph-authtool --create-keyring "$STATE_DIR/keyring" --gen-key -n mon. >/dev/null
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$STATE_DIR/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$STATE_DIR/monmap" >>"$L/mkfs.out" 2>&1 ||
  { tails "$L/mkfs.out" "$L/ceph-mon.a.log"; fail "ceph-mon --mkfs failed"; }
spawn mon ceph-mon -i a

# OSD. `ceph osd new` is also our wait for the mon to answer.
timeout 60 ceph --connect-timeout 55 osd new "$OSD_UUID" >"$STATE_DIR/osd-id" 2>>"$L/mkfs.out" ||
  { tails "$L/mkfs.out" "$L/mon.out" "$L/ceph-mon.a.log"; fail "the mon did not answer within 60 s"; }
OSD_ID=$(<"$STATE_DIR/osd-id")
ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >>"$L/mkfs.out" 2>&1 ||
  { tails "$L/mkfs.out" "$L/ceph-osd.$OSD_ID.log"; fail "ceph-osd --mkfs failed"; }
spawn osd ceph-osd -i "$OSD_ID"

# rgw. Its HTTP port opens only once it has created its pools, i.e. once the OSD serves I/O.
spawn rgw radosgw -n client.rgw.a
ENDPOINT=http://127.0.0.1:$RGW_PORT
# wait_http SECONDS EXPECTED_CODE CURL_ARGS...: poll until curl returns the HTTP code.
wait_http() {
  local deadline=$((SECONDS + $1)) want=$2 code; shift 2
  while ((SECONDS < deadline)); do
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$@" "$ENDPOINT/") || true
    [[ $code == "$want" ]] && return 0
    pid_ours "$STATE_DIR/rgw.pid" || return 1
    sleep 0.1
  done
  return 1
}
wait_http 90 200 ||
  { tails "$L/rgw.out" "$L/ceph-client.rgw.a.log" "$L/ceph-osd.$OSD_ID.log"; fail "radosgw did not answer 200 on $ENDPOINT within 90 s"; }

# Test user with fixed keys, then wait until a signed request is accepted (not 403).
radosgw-admin user create --uid=hoist-test --display-name="Hoist tests" \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null 2>>"$L/mkfs.out" ||
  { tails "$L/mkfs.out"; fail "radosgw-admin user create failed"; }
# curl 7.88 (Debian 12) does not add x-amz-content-sha256 by itself and RGW rejects the signature
# without it (SignatureDoesNotMatch), hence the explicit header.
wait_http 30 200 --aws-sigv4 "aws:amz:$REGION:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' ||
  { tails "$L/ceph-client.rgw.a.log"; fail "signed ListBuckets did not return 200 within 30 s"; }

cat >"$STATE_DIR/env" <<EOF
export HOIST_TEST_S3_ENDPOINT=$ENDPOINT
export HOIST_TEST_S3_REGION=$REGION
export HOIST_TEST_S3_ACCESS_KEY_ID=$ACCESS_KEY
export HOIST_TEST_S3_SECRET_ACCESS_KEY=$SECRET_KEY
export HOIST_TEST_S3_PATH_STYLE=1
export HOIST_TEST_S3_RGW_DIR=$(printf %q "$STATE_DIR")
EOF
started=1
log "ready on $ENDPOINT after $(((${EPOCHREALTIME/[.,]/} - T0) / 1000)) ms (stop with: bash $0 stop)"
cat "$STATE_DIR/env"
