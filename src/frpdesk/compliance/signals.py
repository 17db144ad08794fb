"""Signals of the compliance area."""

from django.dispatch import Signal

# Sent after a check run has committed, with ``run`` (CheckRun) and ``findings`` (the Findings it
# opened): notifications sends the immediate alerts for the critical ones.
findings_opened = Signal()
