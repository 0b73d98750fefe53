"""regwatch: a monitor of official registers of "undesirable" organisations."""
