"""Health checks for a load balancer or an orchestrator: is the process
alive, and is it ready to serve (database, schema, keys)."""
