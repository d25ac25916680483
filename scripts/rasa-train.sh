#!/usr/bin/env bash
# Train the Rasa NLU model from nlu/data/{ky,ru,en}/nlu.yml into nlu/rasa/models/sapar-nlu.tar.gz.
# Builds .rasa-venv first when needed. Rasa's component cache (kept inside .rasa-venv) makes a
# retrain on unchanged data and config quick.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/rasa-venv.sh

shopt -s nullglob
data_files=(nlu/data/*/nlu.yml)
shopt -u nullglob
if [[ ${#data_files[@]} -eq 0 ]]; then
    echo "rasa-train: no training data (expected nlu/data/{ky,ru,en}/nlu.yml)" >&2
    exit 1
fi
echo "rasa-train: training on ${data_files[*]}"

export RASA_TELEMETRY_ENABLED=false
export RASA_CACHE_DIRECTORY="$PWD/.rasa-venv/cache"
export TF_CPP_MIN_LOG_LEVEL=2
export SQLALCHEMY_SILENCE_UBER_WARNING=1

started=$SECONDS
.rasa-venv/bin/rasa train nlu \
    --config nlu/rasa/config.yml \
    --domain nlu/rasa/domain.yml \
    --nlu nlu/data \
    --out nlu/rasa/models \
    --fixed-model-name sapar-nlu
echo "rasa-train: model nlu/rasa/models/sapar-nlu.tar.gz ready in $((SECONDS - started)) s"
