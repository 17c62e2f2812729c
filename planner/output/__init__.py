"""Rendering: every report in every format (text, markdown, JSON, CSV, HTML).

Owns :mod:`.report` and the Jinja templates in ``templates/`` (pure functions from the
library's dataclasses to text; nothing here computes a plan or reads a user's file), and
:mod:`.progress`, the progress a long command writes on stderr.

May import anything in planner except :mod:`planner.cli`.
"""
