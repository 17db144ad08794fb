"""Pages of the engagements area, under /engagements/ (names ``engagements:…``)."""

from django.urls import path

from frpdesk.engagements import views

app_name = "engagements"
urlpatterns = [
    path("", views.EngagementListPage.as_view(), name="list"),
    path("pipeline/", views.PipelinePage.as_view(), name="pipeline"),
    path("my-work/", views.MyWorkPage.as_view(), name="my-work"),
    path("new/", views.EngagementCreatePage.as_view(), name="create"),
    path("<int:pk>/", views.EngagementDetailPage.as_view(), name="detail"),
    path("<int:pk>/team/", views.TeamPage.as_view(), name="team"),
    path("<int:pk>/workloads/new/", views.AddWorkloadPage.as_view(), name="workload-add"),
    path("<int:pk>/notes/new/", views.StatusNotePage.as_view(), name="note-create"),
    path("<int:pk>/move/", views.MoveAction.as_view(), name="move"),
    path("<int:pk>/close/", views.CloseAction.as_view(), name="close"),
    path("workloads/<int:pk>/status/", views.WorkloadStatusPage.as_view(), name="workload-status"),
    path("workloads/<int:pk>/route/", views.RoutingPage.as_view(), name="workload-route"),
    path(
        "workloads/<int:pk>/association/",
        views.AssociationPage.as_view(),
        name="workload-association",
    ),
    path(
        "workloads/<int:pk>/routing-note.txt",
        views.RoutingNoteDownload.as_view(),
        name="routing-note",
    ),
    path("checklist/<int:pk>/edit/", views.ChecklistItemPage.as_view(), name="checklist-edit"),
    path("checklist/<int:pk>/done/", views.ChecklistDoneAction.as_view(), name="checklist-done"),
]
