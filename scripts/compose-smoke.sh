#!/usr/bin/env bash
# Smoke test of the docker compose deployment, for a machine with Docker: starts the stack, checks
# Palaver, Kurento and coturn together, and takes the stack down again unless --keep is given.
#
#   mvn -B package -DskipTests && scripts/compose-smoke.sh [--keep]
#
# Uses PALAVER_PUBLIC_IP, PALAVER_SECRET and PALAVER_TURN_SECRET from the environment or .env;
# when unset, it takes this machine's primary IPv4 address and throwaway secrets.
# SMOKE_TIMEOUT (seconds, default 180) bounds the wait for readiness.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=false
for arg in "$@"; do
    case "$arg" in
        --keep) keep=true ;;
        -h | --help)
            sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "unknown argument: $arg (use --keep or --help)" >&2
            exit 2
            ;;
    esac
done

base=https://127.0.0.1:8181
timeout=${SMOKE_TIMEOUT:-180}
failures=0
checks=0

pass() {
    checks=$((checks + 1))
    printf 'PASS %s\n' "$*"
}
fail() {
    checks=$((checks + 1))
    failures=$((failures + 1))
    printf 'FAIL %s\n' "$*"
}
note() { printf '     %s\n' "$*"; }

if docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
    compose=(docker-compose)
else
    echo "FAIL neither 'docker compose' nor 'docker-compose' is installed"
    exit 1
fi
if ! docker info >/dev/null 2>&1; then
    echo "FAIL no Docker engine answers (docker info): this test needs a machine with Docker"
    exit 1
fi
if ! command -v curl >/dev/null 2>&1; then
    echo "FAIL curl is needed"
    exit 1
fi
for built in target/palaver.war target/payara-micro.jar; do
    if [ ! -f "$built" ]; then
        echo "FAIL $built is missing: run mvn -B package -DskipTests first"
        exit 1
    fi
done

# A value in the environment or in .env wins; otherwise a stand-in good enough for this machine.
configured() {
    [ -n "${!1:-}" ] || { [ -f .env ] && grep -Eq "^[[:space:]]*(export[[:space:]]+)?$1=." .env; }
}
random_secret() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
if ! configured PALAVER_PUBLIC_IP; then
    PALAVER_PUBLIC_IP=$(ip -4 route get 192.0.2.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
    if [ -z "$PALAVER_PUBLIC_IP" ]; then
        echo "FAIL set PALAVER_PUBLIC_IP to this machine's intranet IPv4 address"
        exit 1
    fi
    export PALAVER_PUBLIC_IP
    note "PALAVER_PUBLIC_IP not set: using $PALAVER_PUBLIC_IP"
fi
for secret in PALAVER_SECRET PALAVER_TURN_SECRET; do
    if ! configured "$secret"; then
        printf -v "$secret" '%s' "$(random_secret)"
        export "${secret?}"
        note "$secret not set: using a throwaway value"
    fi
done

work=$(mktemp -d)
finish() {
    exit_status=$?
    if [ "$failures" -gt 0 ] || [ "$exit_status" -ne 0 ]; then
        note "last log lines of each service:"
        "${compose[@]}" logs --no-color --tail=40 2>&1 | sed 's/^/     | /' || true
    fi
    if [ "$keep" = true ]; then
        note "--keep: the stack is still running (docker compose down stops it)"
    else
        if "${compose[@]}" down -v >/dev/null 2>&1; then
            note "stack taken down"
        else
            note "docker compose down failed"
        fi
    fi
    rm -rf "$work"
}
trap finish EXIT

# The HTTP status of a request; the body goes to $work/body.
http() {
    curl -ks --max-time 10 -o "$work/body" -w '%{http_code}' "$@" || true
}
json_string() {
    sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$work/body" | head -n 1
}
container_health() {
    docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' \
        "$("${compose[@]}" ps -q "$1")" 2>/dev/null || echo missing
}

echo "== starting the stack"
if "${compose[@]}" up -d; then
    pass "docker compose up -d"
else
    fail "docker compose up -d"
    exit 1
fi

echo "== waiting up to ${timeout}s for Palaver's readiness"
deadline=$((SECONDS + timeout))
ready=""
until [ "$ready" = 200 ] || [ "$SECONDS" -ge "$deadline" ]; do
    sleep 3
    ready=$(http "$base/health/ready")
done
if [ "$ready" = 200 ]; then
    pass "GET /health/ready answers 200 over HTTPS after $((SECONDS + timeout - deadline))s"
else
    fail "GET /health/ready did not answer 200 within ${timeout}s (last: ${ready:-no answer})"
    exit 1
fi
if grep -q '"media-server"' "$work/body" && grep -q '"kurento"' "$work/body" && ! grep -q '"DOWN"' "$work/body"; then
    pass "readiness includes the media server, UP in kurento mode"
else
    fail "readiness does not show the media server UP in kurento mode: $(tr -d '\n' <"$work/body")"
fi

for service in kms palaver; do
    health=$(container_health "$service")
    until [ "$health" = healthy ] || [ "$SECONDS" -ge "$deadline" ]; do
        sleep 2
        health=$(container_health "$service")
    done
    if [ "$health" = healthy ]; then
        pass "compose healthcheck of $service: healthy"
    else
        fail "compose healthcheck of $service: $health"
    fi
done

echo "== HTTPS certificate"
# Payara Micro's built-in s1as certificate, whose private key is in every payara-micro.jar.
builtin=8C:9D:5E:C6:40:81:8D:EB:0D:30:07:AC:3A:C7:84:F7:6D:E5:CC:9E:C5:EA:3C:7B:2B:CC:3D:15:E4:4E:2B:CA
if command -v openssl >/dev/null 2>&1; then
    served=$(openssl s_client -connect 127.0.0.1:8181 </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>/dev/null \
        | sed 's/.*=//')
    logged=$("${compose[@]}" logs --no-color palaver 2>/dev/null | grep -o 'SHA-256 fingerprint: [0-9A-F:]*' | tail -n 1 | sed 's/.*: //')
    if [ -z "$served" ]; then
        fail "no certificate read from port 8181"
    elif [ "$served" = "$builtin" ]; then
        fail "port 8181 serves Payara's built-in s1as certificate"
    elif [ "$served" != "$logged" ]; then
        fail "port 8181 serves $served, the log printed ${logged:-no fingerprint}"
    else
        pass "port 8181 serves this installation's own certificate, SHA-256 $served as logged"
    fi
else
    note "openssl missing: served certificate not checked"
fi

echo "== rooms"
status=$(http -X POST "$base/api/rooms")
id=$(json_string id)
url=$(json_string url)
if [ "$status" = 201 ] && [ -n "$id" ] && [[ "$url" =~ ^https?://[^/]+/room/${id}$ ]]; then
    pass "POST /api/rooms: 201, id $id, url $url"
else
    fail "POST /api/rooms: status $status, body $(tr -d '\n' <"$work/body")"
fi
if [ -n "$id" ]; then
    status=$(http "$base/api/rooms/$id")
    if [ "$status" = 200 ] && grep -Eq '"media"[[:space:]]*:[[:space:]]*"kurento"' "$work/body"; then
        pass "GET /api/rooms/$id: 200, \"media\":\"kurento\""
    else
        fail "GET /api/rooms/$id: status $status, body $(tr -d '\n' <"$work/body")"
    fi
    status=$(http "$base/room/$id")
    if [ "$status" = 200 ]; then
        pass "GET /room/$id: 200"
    else
        fail "GET /room/$id: status $status"
    fi
fi

echo "== Kurento"
# The same path Palaver takes: a WebSocket handshake to ws://kms:8888/kurento from its container.
handshake='exec 3<>/dev/tcp/kms/8888 &&
printf "GET /kurento HTTP/1.1\r\nHost: kms:8888\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c21va2UtdGVzdC1ub25jZQ==\r\n\r\n" >&3 &&
timeout 5 head -n 1 <&3'
answer=$("${compose[@]}" exec -T palaver bash -c "$handshake" 2>&1 | tr -d '\r' || true)
if [[ "$answer" == *" 101 "* ]]; then
    pass "Kurento JSON-RPC answers a WebSocket handshake inside the compose network ($answer)"
else
    fail "Kurento JSON-RPC handshake from the palaver container: ${answer:-no answer}"
fi
published=$(docker port "$("${compose[@]}" ps -q kms)" 2>/dev/null || true)
if grep -q '^8888/' <<<"$published"; then
    fail "Kurento's JSON-RPC port 8888 is published on the host: $(grep '^8888/' <<<"$published" | tr '\n' ' ')"
else
    pass "Kurento's JSON-RPC port 8888 is not published on the host"
fi

echo "== TURN"
status=$(http "$base/api/ice-servers")
user=$(json_string username)
credential=$(json_string credential)
if [ "$status" = 200 ] && grep -q 'turn:' "$work/body" && [ -n "$user" ] && [ -n "$credential" ]; then
    pass "GET /api/ice-servers: TURN URLs with short-lived credentials"
else
    fail "GET /api/ice-servers: status $status, body $(tr -d '\n' <"$work/body")"
fi
if [ -n "$user" ] && [ -n "$credential" ]; then
    # Two allocations with Palaver's credentials, each given the other's relay address (that is
    # PALAVER_PUBLIC_IP) as peer: proves the shared secret and that PALAVER_PUBLIC_IP, where
    # browsers reach Kurento, is an allowed peer. Media through the relay needs a real browser.
    set +e
    relay=$("${compose[@]}" exec -T coturn timeout 60 turnutils_uclient -u "$user" -w "$credential" \
        -y -n 1 -m 1 -l 120 127.0.0.1 2>&1)
    relay_status=$?
    set -e
    if [ "$relay_status" -eq 126 ] || [ "$relay_status" -eq 127 ]; then
        note "SKIP turnutils_uclient is not in the coturn image: TURN allocation not tried"
    elif [ "$relay_status" -ne 0 ] || grep -q 'ERROR' <<<"$relay"; then
        fail "TURN allocation with Palaver's credentials: $(grep -m 3 -E 'ERROR|error' <<<"$relay" | tr '\n' ' ')"
    else
        pass "coturn accepts Palaver's TURN credentials and permits PALAVER_PUBLIC_IP as peer"
    fi
fi

echo
if [ "$failures" -eq 0 ]; then
    echo "PASS all $checks checks"
else
    echo "FAIL $failures of $checks checks"
    exit 1
fi
