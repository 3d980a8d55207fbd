"""Email: queueing it in the outbox, delivering it, and the links it carries."""
