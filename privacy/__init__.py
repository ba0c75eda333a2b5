"""A contact's data and how long it is kept: export and erasure of one contact, the
retention purge, and the stored media both delete. The pages are members' data page."""
