"""The claims database: models, sessions, the repository (all queries) and demo seed."""
