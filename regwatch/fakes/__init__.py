"""Local fakes of official services: same protocol, on 127.0.0.1, serving recorded states."""
