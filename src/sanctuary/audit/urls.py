from django.urls import path

from sanctuary.audit import views

urlpatterns = [path("audit/", views.audit_log, name="audit_log")]
