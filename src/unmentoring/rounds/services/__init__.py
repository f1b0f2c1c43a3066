"""Writes for rounds, by concern: ``lifecycle`` (schedule, notice, draw, nudge, check-in requests, close,
silence), ``rematch`` (new matches mid-round), ``checkins`` (members' answers)."""
