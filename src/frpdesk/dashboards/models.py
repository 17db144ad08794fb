"""Dashboards and reports own no data: they read every other area's figures."""
