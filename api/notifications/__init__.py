"""E-mail notifications about new registrations (SMTP from configuration)."""
