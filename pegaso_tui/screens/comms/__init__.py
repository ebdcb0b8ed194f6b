"""The masks of seed 004's communications: saved searches, models, schedules, Non disturbare,
Registro invii."""
