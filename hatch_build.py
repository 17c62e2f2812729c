"""Hatchling build hook for the source release: leave out ``.gitignore``, which hatchling
adds to every sdist (a git file a user of the release has no use for)."""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class SourceRelease(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        included = build_data.get("force_include", {})
        for source in [s for s, name in included.items() if name == ".gitignore"]:
            del included[source]
