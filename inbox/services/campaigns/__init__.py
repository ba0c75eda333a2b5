"""Campaigns: a plan (`plan`) that expands, chunk by chunk, into one ordinary outbound
message per recipient (`expansion`), each recipient judged once (`recipients`), and the
controls that start and stop it (`control`). The outbox is the only send path."""
