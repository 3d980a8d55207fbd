"""Peer-learning events: setting them up, who may see and book them, the waiting list and attendance."""
