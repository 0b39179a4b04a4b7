"""Complaint-handling toolkit: the Excel register, legal deadlines, letters and reports."""

__version__ = "0.1.0"
