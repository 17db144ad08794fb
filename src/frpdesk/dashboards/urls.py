"""Pages of the dashboards area (names ``dashboards:…``), under ``/dashboards/``."""

from django.urls import path

from frpdesk.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("program/", views.ProgramDashboard.as_view(), name="program"),
    path("portfolio/", views.PortfolioDashboard.as_view(), name="portfolio"),
    path("reports/", views.ReportsPage.as_view(), name="reports"),
    *(
        path(
            f"reports/{kind}.{file_format}",
            views.ReportDownload.as_view(kind=kind, file_format=file_format),
            name=f"{kind}-{file_format}",
        )
        for kind in ("compliance", "portfolio")
        for file_format in ("pdf", "xlsx")
    ),
]
