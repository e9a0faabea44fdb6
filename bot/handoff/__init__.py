"""Human handoff (转人工) rules, plain Python without Rasa: queue, office hours, display."""
