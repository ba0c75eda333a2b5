"""Read side: each module answers one dashboard section from the roll-up tables (plus a
few indexed live queries), for one Scope (workspace, local date range, filters)."""
