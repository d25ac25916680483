"""Read YAML with libyaml's parser when PyYAML has it (about ten times faster), else PyYAML's
own: the same safe subset and the same data either way."""

from __future__ import annotations

from typing import Any

import yaml

# PyYAML built without libyaml has no CSafeLoader; the pure-Python one reads the same documents
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Parse one YAML document with the safe loader (raises yaml.YAMLError when invalid)."""
    return yaml.load(text, Loader=SafeLoader)


SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def safe_dump(data: Any, **options: Any) -> str:
    """Write data as YAML with the safe dumper (options as for yaml.safe_dump)."""
    return yaml.dump(data, Dumper=SafeDumper, **options)
