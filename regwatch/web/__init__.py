"""The web pages and JSON API of `regwatch serve`: `regwatch.web.app.create_app`."""
