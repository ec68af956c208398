"""Use cases: receive a message, register and route an appeal, change status, reply, rate, seed."""
