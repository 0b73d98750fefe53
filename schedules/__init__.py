"""When regwatch looks at each register: the schedule file, the daemon and its jobs."""
