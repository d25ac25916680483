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

bash scripts/rasa-train.sh  # builds .rasa-venv first when needed

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
ky|entry_ban|orusiyaga kiruuge tyiuu salyngan beken kantip bilem
en|greet|Hello
ru|passport_taken|Работодатель забрал мой паспорт и не отдаёт
en|urgent_danger|They locked me in the flat and won't let me leave, help
ru|dont_understand|не понимаю, что вы имеете в виду
ky|dont_know|билбейм, эсимде жок
EOF
)"

echo "rasa-check: messages through $url/model/parse and python -m nlu predict --engine rasa"
CASES="$cases" "$PYTHON" - "$url" <<'PY'
"""Check intents from /model/parse and from our CLI, whose answers must come from Rasa."""

import json
import os
import statistics
import subprocess
import sys
import time

import httpx

url = sys.argv[1]
cases = [line.split("|", 2) for line in os.environ["CASES"].splitlines()]
failures = []

with httpx.Client(base_url=url, timeout=10) as client:
    from_rasa = {}
    for language, expected, text in cases:
        reply = client.post("/model/parse", json={"text": text}).json()
        intent, confidence = reply["intent"]["name"], reply["intent"]["confidence"]
        ranking = reply.get("intent_ranking", [])
        urgent = sum(r["confidence"] for r in ranking if r["name"] == "urgent_danger")
        from_rasa[text] = (intent, confidence, urgent, sum(r["confidence"] for r in ranking))
        verdict = "ok" if intent == expected else "WRONG"
        if intent != expected:
            failures.append(f"/model/parse: {text!r} -> {intent}, expected {expected}")
        print(f"  /model/parse  [{verdict:5}] {language} {intent} ({confidence:.2f}): {text}")
    timings = []
    for i in range(60):
        begin = time.perf_counter()
        client.post("/model/parse", json={"text": cases[i % len(cases)][2]}).raise_for_status()
        timings.append((time.perf_counter() - begin) * 1000)

predict = subprocess.run(
    [sys.executable, "-m", "nlu", "predict", "--engine", "rasa", "--rasa-url", url],
    input="".join(text + "\n" for _, _, text in cases),
    capture_output=True,
    text=True,
    timeout=300,
)
if predict.returncode != 0:
    sys.stderr.write(predict.stderr)
    sys.exit("rasa-check: FAIL: python -m nlu predict --engine rasa exited with an error")
if "nlu.rasa_engine" in predict.stderr:
    sys.stderr.write(predict.stderr)
    failures.append("python -m nlu predict used its fallback parser instead of Rasa")
answers = [json.loads(line) for line in predict.stdout.splitlines()]
if len(answers) != len(cases):
    sys.exit(f"rasa-check: FAIL: predict printed {len(answers)} answers for {len(cases)} messages")
for (language, expected, text), answer in zip(cases, answers, strict=True):
    intent, confidence = answer["intent"], answer["confidence"]
    verdict = "ok" if intent == expected else "WRONG"
    if intent != expected:
        failures.append(f"predict: {text!r} -> {intent}, expected {expected}")
    # Rasa is the ranking step of our pipeline: a one-sentence message keeps Rasa's top intent
    # and confidence unless our safety layer decided (urgency "now"/"weak"/"past"); with no
    # danger sign, urgent_danger leaves Rasa's ranking (its top 10) and the rest is renormalised.
    decided_by_safety = answer.get("urgency", "none") != "none"
    rasa_intent, rasa_confidence, rasa_urgent, ranked = from_rasa[text]
    if rasa_intent != "urgent_danger" and 0 < rasa_urgent < ranked:
        rasa_confidence = rasa_confidence / (ranked - rasa_urgent)
    if not decided_by_safety and (
        intent != rasa_intent or abs(confidence - rasa_confidence) > 0.001
    ):
        failures.append(f"predict: {text!r} answered {intent} {confidence}, not Rasa's answer")
    print(
        f"  nlu predict   [{verdict:5}] {language} {intent} ({confidence:.2f},"
        f" language {answer['language']}): {text}"
    )

timings.sort()
print(
    f"rasa-check: /model/parse latency over {len(timings)} messages:"
    f" median {statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * 0.95)]:.1f} ms"
)
if failures:
    print("\n".join(f"rasa-check: FAIL: {failure}" for failure in failures), file=sys.stderr)
    sys.exit(1)
PY

rss_kb="$(ps -o rss= -p "$server_pid" | tr -d ' ')"
echo "rasa-check: server RSS $((rss_kb / 1024)) MiB"
echo "rasa-check: OK"
