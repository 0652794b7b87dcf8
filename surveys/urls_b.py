"""SURVEYS-B's URLs (results, sampling, knowledge tests), included at the end of surveys.urls."""

from django.urls import path

from . import views_knowledge, views_results

urlpatterns = [
    path("ket-qua/", views_results.results_view, name="results"),
    path("chon-mau/", views_results.sampling_view, name="sampling"),
    path("kiem-tra/", views_knowledge.test_list, name="knowledge_list"),
    path("kiem-tra/tong-hop/", views_knowledge.tests_overview, name="knowledge_overview"),
    path("kiem-tra/<uuid:public_id>/bat-dau/", views_knowledge.test_start, name="knowledge_start"),
    path(
        "kiem-tra/<uuid:public_id>/ket-qua/", views_knowledge.test_results, name="knowledge_results"
    ),
    path("kiem-tra/bai/<uuid:public_id>/", views_knowledge.attempt_view, name="knowledge_attempt"),
    path(
        "kiem-tra/bai/<uuid:public_id>/luu/<int:question_id>/",
        views_knowledge.attempt_autosave,
        name="knowledge_autosave",
    ),
]
