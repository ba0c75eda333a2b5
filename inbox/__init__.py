"""The inbox: domain, services, realtime and pages, knowing no provider wire format."""
