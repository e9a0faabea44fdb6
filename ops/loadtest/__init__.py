"""Simulated customers who report accidents over REST, for load and integrity runs.

`customers` seeds test-only policyholders (never the demo data) and says what
each one will report; `client` plays them concurrently with asyncio + httpx.
`python -m ops.loadtest --help` runs them against any deployment.
"""
