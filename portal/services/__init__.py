"""Domain operations. They take a session and plain data, check the rule,
change state, write the audit entry and any outbox message, and flush.
They never commit: the caller's request or command does."""
