"""Rendering: every report in every format (text, markdown, JSON, CSV, HTML).

Owns :mod:`.report` and the Jinja templates in ``templates/``. Pure functions from the
library's dataclasses to text; nothing here computes a plan or reads a file.

May import anything in planner except :mod:`planner.cli`.
"""
