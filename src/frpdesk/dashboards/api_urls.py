"""The dashboards API (see ``dashboards/api.py``), under ``/api/``."""

from django.urls import path

from frpdesk.dashboards.api import PortfolioDashboardView, ProgramDashboardView

urlpatterns = [
    path("dashboards/program/", ProgramDashboardView.as_view(), name="api-dashboard-program"),
    path("dashboards/portfolio/", PortfolioDashboardView.as_view(), name="api-dashboard-portfolio"),
]
