"""What programmes announce to the apps above it, which it cannot import."""

from django.dispatch import Signal

# Sent inside the leaving transaction with ``membership`` and ``now``: rounds tells the rest of any
# group the member leaves behind in a round still running.
membership_left = Signal()
