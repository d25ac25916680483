"""Log lines: one line per event in either format, tracebacks included; JSON when asked."""

from __future__ import annotations

import json
import logging

import pytest

from bot.ops.logs import JsonFormatter, OneLineFormatter, install
from bot.settings import SettingsError, load_settings


def record_with_traceback() -> logging.LogRecord:
    """Return an ERROR record carrying a multi-line traceback."""
    try:
        raise RuntimeError("relay failed\nsecond line")
    except RuntimeError:
        import sys

        return logging.LogRecord("hotline.relay", logging.ERROR, __file__, 1,
                                 "relay for case %s failed", ("K7-QMXD",), sys.exc_info())


def test_text_lines_fold_the_traceback_into_one_line() -> None:
    line = OneLineFormatter().format(record_with_traceback())
    assert "\n" not in line
    assert "relay for case K7-QMXD failed" in line and "Traceback" in line


def test_json_lines_are_one_object_each() -> None:
    line = JsonFormatter().format(record_with_traceback())
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "hotline.relay"
    assert entry["message"] == "relay for case K7-QMXD failed"
    assert "RuntimeError" in entry["error"]


def test_install_twice_keeps_one_handler(capsys: pytest.CaptureFixture[str]) -> None:
    install("INFO", "json")
    install("INFO", "json")
    logging.getLogger("sapar.test").info("ready")
    lines = [line for line in capsys.readouterr().err.splitlines() if "ready" in line]
    assert len(lines) == 1 and json.loads(lines[0])["message"] == "ready"
    install("INFO", "text")


def test_log_format_setting_is_validated(tmp_path) -> None:
    env = {"SAPAR_DATA_DIR": str(tmp_path)}
    assert load_settings({**env, "SAPAR_LOG_FORMAT": "json"}, env_file=None).log_format == "json"
    assert load_settings(env, env_file=None).log_format == "text"
    with pytest.raises(SettingsError, match="SAPAR_LOG_FORMAT"):
        load_settings({**env, "SAPAR_LOG_FORMAT": "xml"}, env_file=None)
