"""The staff workspace: server-rendered pages under /staff on top of the staff and registration services."""
