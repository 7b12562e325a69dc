"""Opinion groups: who votes alike, what every group agrees with, what divides them (after Pol.is)."""
