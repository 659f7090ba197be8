"""Temporary: the old name of blocks.py, kept only so the term-request modules that still import it work on
this branch. Those modules belong to another change; the merge re-points them to `.blocks` and deletes this."""

from .blocks import *  # noqa: F403
