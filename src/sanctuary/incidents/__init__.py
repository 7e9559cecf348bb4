"""Incidents: reports, cases and the surge detector that watches their daily counts."""
