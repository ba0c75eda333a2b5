"""Privacy services: retention, a contact's export and erasure, their stored media."""
