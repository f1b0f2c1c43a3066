"""Django's PostgreSQL backend with a health check that costs no round trip while a connection is busy and well."""
