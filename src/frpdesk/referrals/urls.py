from django.urls import path

from frpdesk.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.ReferralListPage.as_view(), name="list"),
    path("import/", views.referral_import, name="import"),
    path("new/", views.ReferralCreatePage.as_view(), name="create"),
    path("<int:pk>/", views.ReferralDetailPage.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ReferralEditPage.as_view(), name="edit"),
    path("<int:pk>/accept/", views.AcceptPage.as_view(), name="accept"),
    path("<int:pk>/decline/", views.DeclineView.as_view(), name="decline"),
    path("<int:pk>/respond/", views.FirstResponseView.as_view(), name="respond"),
    path("<int:pk>/notes/", views.NoteView.as_view(), name="note"),
]
