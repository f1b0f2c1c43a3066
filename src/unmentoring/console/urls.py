from django.urls import path

from unmentoring.console import views

app_name = "console"
urlpatterns = [
    path("console/", views.home, name="home"),
    path("console/reports/<int:pk>/", views.report, name="report"),
    path("console/programmes/new/", views.programme_new, name="programme-new"),
    path("console/programmes/<slug:slug>/settings/", views.programme_settings, name="programme-settings"),
    path("console/programmes/<slug:slug>/", views.programme, name="programme"),
    path("console/programmes/<slug:slug>/organisers/", views.organisers, name="organisers"),
    path("console/programmes/<slug:slug>/organisers/<int:pk>/remove/", views.organiser_remove_view,
         name="organiser-remove"),
    path("console/programmes/<slug:slug>/audit/", views.audit, name="audit"),
    path("console/programmes/<slug:slug>/rounds/", views.rounds, name="rounds"),
    path("console/programmes/<slug:slug>/reports/", views.reports, name="reports"),
    path("console/programmes/<slug:slug>/rounds/<int:number>/", views.round_detail, name="round"),
    path("console/programmes/<slug:slug>/rounds/<int:number>/preview/", views.round_preview, name="round-preview"),
    path("console/programmes/<slug:slug>/rounds/<int:number>/resend-intro/", views.intro_resend_view, name="intro-resend"),
    path("console/programmes/<slug:slug>/rounds/<int:number>/draw/", views.round_draw_now_view, name="round-draw"),
    path("console/programmes/<slug:slug>/rounds/<int:number>/cancel/", views.round_cancel_view, name="round-cancel"),
    path("console/programmes/<slug:slug>/rounds/<int:number>/latecomers/", views.latecomers_draw_view,
         name="latecomers-draw"),
    path("console/programmes/<slug:slug>/rounds/<int:number>/move/<int:pk>/", views.member_move_view, name="member-move"),
    path("console/programmes/<slug:slug>/members/", views.members, name="members"),
    path("console/programmes/<slug:slug>/members/<int:pk>/", views.member, name="member"),
    path("console/programmes/<slug:slug>/members/import/", views.people_import, name="import-people"),
    path("console/programmes/<slug:slug>/members/invite/", views.invite, name="invite"),
    path("console/programmes/<slug:slug>/members/import-history/", views.history_import, name="import-history"),
    path("console/programmes/<slug:slug>/announce/", views.announce, name="announce"),
    path("console/programmes/<slug:slug>/insights/", views.insights, name="insights"),
    path("console/programmes/<slug:slug>/insights/network/", views.network_map, name="network"),
    path("console/programmes/<slug:slug>/insights/network.csv", views.network_csv, name="network-csv"),
    path("console/programmes/<slug:slug>/insights/<slug:section>.csv", views.insights_csv, name="insights-csv"),
    path("console/programmes/<slug:slug>/open-data/<slug:name>.csv", views.open_data_download, name="open-data"),
    path("console/programmes/<slug:slug>/export/", views.exports, name="exports"),
    path("console/programmes/<slug:slug>/export/<str:table>.<str:fmt>", views.export, name="export"),
]
