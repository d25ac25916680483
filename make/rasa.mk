# Rasa NLU path (included from the root Makefile). Rasa lives in .rasa-venv/, apart from .venv/.
.PHONY: rasa-venv rasa-train rasa-serve rasa-check

rasa-venv:  ## Build .rasa-venv with Rasa 3.6.21 (skips when already built)
	bash scripts/rasa-venv.sh

rasa-train:  ## Train nlu/rasa/models/sapar-nlu.tar.gz from nlu/data
	bash scripts/rasa-train.sh

rasa-serve:  ## Serve the model on 127.0.0.1, port RASA_PORT (default 5005)
	bash scripts/rasa-serve.sh

# rasa-check also runs `python -m nlu predict --engine rasa`, which needs the main .venv and
# model: `setup` when included from the root Makefile (which defines INSTALLED).
rasa-check: $(if $(INSTALLED),setup)  ## Build, train, serve and check the Rasa path end to end
	bash scripts/rasa-check.sh
