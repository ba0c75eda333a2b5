"""Settings changes: each validates, writes, and records its audit entry in one transaction."""
