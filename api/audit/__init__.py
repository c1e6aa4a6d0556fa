"""The audit log of registration access: who did what, when; no contact details."""
