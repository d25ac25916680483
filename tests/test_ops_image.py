"""The container image without a Docker daemon: hadolint, and its build and entry steps run.

The Dockerfile's build stage copies the sources and runs `deploy/image.sh build`; its entry
point is `sapar-entry entry` (the same script). These tests copy what the Dockerfile copies,
run the same build step into a fresh venv, and start the bot through the same entry step
against the fake Bot API. What they cannot show: the base image, the non-root user, the
read-only root filesystem and the volume, which only Docker applies.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench.fake_bot_api import FakeBotApi
from tests.auxil.telegram import sent_to, settings_env, text_update

pytestmark = pytest.mark.slow  # see pyproject.toml: `pytest -m 'not slow'`

PROJECT = Path(__file__).resolve().parents[1]
DOCKERFILE = PROJECT / "Dockerfile"
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "model", "models")


def build_stage_copies() -> list[str]:
    """Return the sources the Dockerfile's build stage copies."""
    stage = DOCKERFILE.read_text().split("\nFROM ")[1]
    sources: list[str] = []
    for line in stage.splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            sources.extend(line.split()[1:-1])
    return sources


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_and_units_use_the_one_script() -> None:
    text = DOCKERFILE.read_text()
    assert "RUN sh deploy/image.sh build /opt/sapar" in text
    assert 'ENTRYPOINT ["/opt/sapar/bin/sapar-entry", "entry"]' in text
    assert re.search(r"^USER \d+:\d+$", text, re.M), "a numeric non-root user"
    unit = (PROJECT / "deploy" / "sapar.service").read_text()
    assert "ExecStart=/opt/sapar/bin/sapar-entry entry telegram" in unit
    assert "RestartPreventExitStatus=78" in unit and "Restart=on-failure" in unit
    compose = yaml.safe_load((PROJECT / "compose.yaml").read_text())
    sapar = compose["services"]["sapar"]
    assert sapar["read_only"] is True and sapar["volumes"] == ["sapar-data:/data"]
    assert sapar["restart"].startswith("on-failure:")
    assert compose["services"]["rasa"]["profiles"] == ["rasa"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_units_verify(tmp_path: Path) -> None:
    for name in ("sapar.service", "sapar-backup.service", "sapar-backup.timer"):
        text = (PROJECT / "deploy" / name).read_text()
        # the binaries exist only once installed: verify the units with a stand-in
        text = re.sub(r"/opt/sapar/bin/\S+", "/bin/true", text)
        (tmp_path / name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", *sorted(
        str(p) for p in tmp_path.iterdir())], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy what the Dockerfile copies and run its build step into a fresh venv."""
    root = tmp_path_factory.mktemp("image")
    src = root / "src"
    for source in build_stage_copies():
        origin, target = PROJECT / source, src / source
        target.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=SKIPPED)
        else:
            shutil.copy2(origin, target)
    prefix = root / "opt-sapar"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    result = subprocess.run(["sh", "deploy/image.sh", "build", str(prefix)], cwd=src,
                            env={**env, "PYTHON": sys.executable, "PIP_NO_CACHE_DIR": "0"},
                            capture_output=True, text=True, check=False, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    shutil.rmtree(src)  # the image's final stage has no sources either
    return prefix


def entry_env(api: FakeBotApi, data: Path, **extra: str) -> dict[str, str]:
    """The container's environment: no project venv on the path, no sources."""
    path = os.environ.get("PATH", "")
    clean = {k: v for k, v in os.environ.items()
             if k not in ("VIRTUAL_ENV", "PYTHONPATH") and not k.startswith("SAPAR_")}
    return {**clean, "PATH": path, **settings_env(api, data, **extra)}


def test_the_built_venv_holds_the_model_and_catalogs(image: Path) -> None:
    site = next(image.glob("lib/python*/site-packages"))
    assert (site / "nlu" / "model" / "intent.pkl").is_file()
    assert sorted(p.parent.parent.name for p in site.glob("content/*/LC_MESSAGES/sapar.mo")) == [
        "en", "ky", "ru"]
    assert not (site / "bot" / "__init__.py").is_symlink()


def test_entry_checks_then_serves_and_stops_cleanly(image: Path, tmp_path: Path) -> None:
    entry = image / "bin" / "sapar-entry"
    workdir = tmp_path / "data"
    workdir.mkdir()
    with FakeBotApi() as api:
        env = entry_env(api, workdir, OPERATOR_CHAT_ID="-1001234567890")
        migrate = subprocess.run([str(entry), "entry", "migrate"], cwd=workdir, env=env,
                                 capture_output=True, text=True, check=False, timeout=120)
        assert migrate.returncode == 0, migrate.stderr
        check = subprocess.run([str(entry), "entry", "check"], cwd=workdir, env=env,
                               capture_output=True, text=True, check=False, timeout=300)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "ok   operators' chat" in check.stdout
        bot = subprocess.Popen([str(entry), "entry"], cwd=workdir, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            api.push_update(text_update(8801, "/start en"))
            api.wait_for(lambda calls: len(sent_to(calls, 8801)) >= 2, timeout=120)
        finally:
            bot.send_signal(signal.SIGTERM)
            out, err = bot.communicate(timeout=60)
        assert bot.returncode == 0, err[-3000:]
        assert "database ready" in out  # the entry migrated before starting
        bad = subprocess.run([str(entry), "entry"], cwd=workdir, check=False, timeout=120,
                             env={**env, "OPERATOR_CHAT_ID": "12345"}, capture_output=True,
                             text=True)
    assert bad.returncode == 78 and "OPERATOR_CHAT_ID" in bad.stderr
