"""Dashboard metrics: each module defines one concept once, in code (docs/METRICS.md
repeats the rules in words). Roll-ups and live queries both import these definitions."""
