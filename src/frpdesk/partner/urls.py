from django.urls import path

from frpdesk.partner import views

app_name = "partner"
urlpatterns = [
    path("", views.ProfilePage.as_view(), name="profile"),
    path("edit/", views.ProfileEditPage.as_view(), name="profile-edit"),
    path("contacts/", views.ContactsEditPage.as_view(), name="contacts-edit"),
    path(
        "referral-profile/", views.ReferralProfileEditPage.as_view(), name="referral-profile-edit"
    ),
    path("memberships/new/", views.MembershipCreatePage.as_view(), name="membership-create"),
    path("memberships/<int:pk>/", views.MembershipEditPage.as_view(), name="membership-edit"),
    path(
        "memberships/<int:pk>/delete/",
        views.MembershipDeletePage.as_view(),
        name="membership-delete",
    ),
    path("endorsements/new/", views.EndorsementCreatePage.as_view(), name="endorsement-create"),
    path("endorsements/<int:pk>/", views.EndorsementEditPage.as_view(), name="endorsement-edit"),
    path(
        "endorsements/<int:pk>/delete/",
        views.EndorsementDeletePage.as_view(),
        name="endorsement-delete",
    ),
]
