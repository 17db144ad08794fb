from django.urls import path

from frpdesk.catalog import views

app_name = "catalog"
urlpatterns = [
    path("workloads/<int:pk>/", views.WorkloadDetailPage.as_view(), name="workload-detail"),
    path("skus/", views.SkuListPage.as_view(), name="sku-list"),
    path("skus/<int:pk>/", views.SkuDetailPage.as_view(), name="sku-detail"),
]
for pages in views.CATALOG_PAGES:
    urlpatterns += pages.urls()
