"""Faults: several processes at once, a killed import, the database going away. These tests
run the app as production does, in subprocesses over a database and an index of their own."""
