"""Helpers shared by the tests: real registers, letters, mail files and killed writers."""
