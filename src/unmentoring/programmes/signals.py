"""What programmes announce to the apps above it, which it cannot import."""

from django.dispatch import Signal

# Sent inside the leaving transaction with ``membership`` and ``now``: rounds tells the rest of any
# group the member leaves behind in a round still running.
membership_left = Signal()

# Sent inside the saving transaction with ``programme``: a schedule setting changed, so rounds retimes the
# round it has scheduled, if its notice has not gone out yet.
programme_schedule_changed = Signal()
