"""Branchwork: the project package and the shared kernel (organisations, roles, engines)."""

from branchwork.celery import app as celery_app

__all__ = ("celery_app",)
