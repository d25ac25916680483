#!/usr/bin/env bash
# Serve the trained Rasa NLU model on 127.0.0.1:${RASA_PORT:-5005} (HTTP API: /status,
# /model/parse). nlu/rasa_engine.py talks to it; nothing else in Sapar imports Rasa.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -x .rasa-venv/bin/rasa ]]; then
    echo "rasa-serve: .rasa-venv is missing; run scripts/rasa-venv.sh (make rasa-venv)" >&2
    exit 1
fi
if ! compgen -G "nlu/rasa/models/*.tar.gz" >/dev/null; then
    echo "rasa-serve: no model in nlu/rasa/models; run scripts/rasa-train.sh (make rasa-train)" >&2
    exit 1
fi

export RASA_TELEMETRY_ENABLED=false
# Rasa logs every message's text at DEBUG level (processor.message.parse): stay at INFO.
export LOG_LEVEL=INFO
export TF_CPP_MIN_LOG_LEVEL=2
export SQLALCHEMY_SILENCE_UBER_WARNING=1
exec .rasa-venv/bin/rasa run --enable-api --port "${RASA_PORT:-5005}" -i 127.0.0.1 \
    --model nlu/rasa/models
