"""The demo workspace `make run` seeds, built on the domain and the dashboards, outside both."""
