"""History has no models of its own: django-auditlog's LogEntry records every change."""
