"""Registering a brand profile with Google: the Business Communications API (RBM Management
API) client, its wire shapes, and the services that create, verify and launch the agent."""
