from django.db.utils import OperationalError
from django.shortcuts import render
from django_tasks_db.utils import is_locked_database_exception

RETRY_AFTER_SECONDS = 30


class DatabaseBusyMiddleware:
    """A request that cannot get the database's write lock in time (SQLite: "database is locked") is told
    to come back shortly: 503 with Retry-After, not a 500. Nothing was written: its transaction rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and is_locked_database_exception(exception):
            response = render(request, "503.html", {"retry_after_seconds": RETRY_AFTER_SECONDS}, status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return None
