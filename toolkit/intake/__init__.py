"""Intake: reading and qualifying e-mails, recording new complaints, and the typed prompts."""
