#!/usr/bin/env bash
# Smoke test of the running compose stack through its proxy: live, ready, sign-up, sign-in,
# a signed-in read on each instance, sign-out. Run after `docker compose up --wait`.
set -euo pipefail
base=${BASE_URL:-http://127.0.0.1:8080}
name="smoke$(date +%s)"
password="correct horse battery"

expect() { # expect STATUS METHOD PATH [BODY] [TOKEN]
    local status=$1 method=$2 path=$3 body=${4:-} token=${5:-} args=()
    [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data "$body")
    [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
    local got
    got=$(curl -sS -o /tmp/smoke-body -w '%{http_code}' -X "$method" "${args[@]}" "$base$path")
    if [[ $got != "$status" ]]; then
        echo "FAIL $method $path: $got (wanted $status)"; cat /tmp/smoke-body; echo; exit 1
    fi
    echo "ok   $method $path $got"
}

expect 200 GET /health/live
expect 200 GET /health/ready
expect 201 POST /api/v1/auth/register "{\"username\":\"$name\",\"email\":\"$name@example.com\",\"password\":\"$password\"}"
expect 200 POST /api/v1/auth/login "{\"username\":\"$name\",\"password\":\"$password\"}"
token=$(python3 -c 'import json; print(json.load(open("/tmp/smoke-body"))["data"]["access_token"])')
# Round-robin: consecutive reads land on both instances.
for _ in 1 2 3 4; do expect 200 GET /api/v1/users/me "" "$token"; done
expect 200 POST /api/v1/auth/logout "" "$token"
for _ in 1 2; do expect 401 GET /api/v1/users/me "" "$token"; done
echo "smoke test passed"
