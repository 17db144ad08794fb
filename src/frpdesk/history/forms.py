"""History is read-only: there is nothing to edit."""
