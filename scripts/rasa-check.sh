#!/usr/bin/env bash
# End-to-end check of the Rasa path: build .rasa-venv if needed, train on nlu/data, serve the
# model on a free local port, then send messages through /model/parse and through
# `python -m nlu predict --engine rasa`, and fail unless they get the expected intents.
# Also prints the server's load time, memory (RSS) and per-parse latency.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${SAPAR_PYTHON:-.venv/bin/python}"
WAIT_SECONDS="${RASA_CHECK_WAIT:-120}"

fail() {
    echo "rasa-check: FAIL: $*" >&2
    exit 1
}

[[ -x "$PYTHON" ]] || fail "no Python for Sapar at $PYTHON (set SAPAR_PYTHON)"
for lang in ky ru en; do
    [[ -s "nlu/data/$lang/nlu.yml" ]] || fail "training data nlu/data/$lang/nlu.yml is missing"
done

bash scripts/rasa-venv.sh
bash scripts/rasa-train.sh

command -v curl >/dev/null || fail "curl is needed to poll the server's /status"
port="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
server_log="$(mktemp -t rasa-check-server.XXXXXX.log)"
server_pid=""

stop_server() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -f "$server_log"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

echo "rasa-check: starting the Rasa server on $url"
started="$(date +%s.%N)"
RASA_PORT="$port" bash scripts/rasa-serve.sh >"$server_log" 2>&1 &
server_pid=$!

deadline=$((SECONDS + WAIT_SECONDS))
until curl -fsS "$url/status" >/dev/null 2>&1; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        tail -n 30 "$server_log" >&2
        fail "the Rasa server exited before answering /status"
    fi
    if ((SECONDS >= deadline)); then
        tail -n 30 "$server_log" >&2
        fail "the Rasa server did not answer $url/status within $WAIT_SECONDS s"
    fi
    sleep 1
done
load_seconds="$("$PYTHON" -c "import time; print(f'{time.time() - $started:.1f}')")"
echo "rasa-check: server ready after $load_seconds s (process start to /status)"

# Expected intents: language|intent|message. Entry-ban questions in every language, in Cyrillic
# and Latin-typed, plus a few other intents the dialogue depends on.
cases="$(
    cat <<'EOF'
en|entry_ban|Am I banned from entering Russia? How can I check?
ru|entry_ban|Как проверить, есть ли у меня запрет на въезд в Россию?
ru|entry_ban|kak proverit zapret na vezd v rossiyu
ky|entry_ban|Орусияга кирүүгө тыюу салынганын кантип текшерем?
en|greet|Hello
ru|passport_taken|Работодатель забрал мой паспорт и не отдаёт
EOF
)"

echo "rasa-check: messages through $url/model/parse"
CASES="$cases" "$PYTHON" - "$url" <<'PY'
import os
import statistics
import sys
import time

import httpx

url = sys.argv[1]
failures = 0
with httpx.Client(base_url=url, timeout=10) as client:
    for line in os.environ["CASES"].splitlines():
        language, expected, text = line.split("|", 2)
        reply = client.post("/model/parse", json={"text": text}).json()
        got, confidence = reply["intent"]["name"], reply["intent"]["confidence"]
        verdict = "ok" if got == expected else "WRONG"
        failures += got != expected
        print(f"  [{verdict:5}] {language} {got} ({confidence:.2f}) expected {expected}: {text}")
    texts = [line.split("|", 2)[2] for line in os.environ["CASES"].splitlines()]
    timings = []
    for i in range(60):
        begin = time.perf_counter()
        client.post("/model/parse", json={"text": texts[i % len(texts)]}).raise_for_status()
        timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    print(
        f"  latency over {len(timings)} parses: median {statistics.median(timings):.1f} ms,"
        f" p95 {timings[int(len(timings) * 0.95)]:.1f} ms"
    )
if failures:
    sys.exit(f"rasa-check: FAIL: {failures} message(s) got the wrong intent from /model/parse")
PY

rss_kb="$(ps -o rss= -p "$server_pid" | tr -d ' ')"
echo "rasa-check: server RSS $((rss_kb / 1024)) MiB"

echo "rasa-check: messages through python -m nlu predict --engine rasa"
predict_failures=0
while IFS='|' read -r language expected text; do
    got="$(RASA_URL="$url" "$PYTHON" -m nlu predict --engine rasa --rasa-url "$url" \
        --lang "$language" --format intent "$text")" ||
        fail "python -m nlu predict --engine rasa failed"
    if [[ "$got" == "$expected" ]]; then
        echo "  [ok   ] $language $got: $text"
    else
        echo "  [WRONG] $language $got expected $expected: $text"
        predict_failures=$((predict_failures + 1))
    fi
done <<<"$cases"
((predict_failures == 0)) ||
    fail "$predict_failures message(s) got the wrong intent through python -m nlu predict"

echo "rasa-check: OK"
