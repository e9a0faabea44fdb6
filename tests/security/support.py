"""What the attacks of the security tests send."""

# What the issue reached anonymously: Rasa's whole HTTP API.
API_CALLS = [
    ("GET", "/conversations/x1/tracker"),
    ("POST", "/conversations/x1/tracker/events"),
    ("PUT", "/conversations/x1/tracker/events"),
    ("GET", "/conversations/x1/story"),
    ("POST", "/conversations/x1/execute"),
    ("POST", "/conversations/x1/trigger_intent"),
    ("POST", "/conversations/x1/predict"),
    ("POST", "/conversations/x1/messages"),
    ("PUT", "/model"),
    ("POST", "/model/parse"),
    ("GET", "/status"),
    ("GET", "/domain"),
    ("GET", "/version"),
    ("GET", "/"),
]
VERIFIED_AS_WANG_QIANG = [
    {"event": "slot", "name": "identity_verified", "value": True},
    {"event": "slot", "name": "customer_id", "value": 3},
]
WANG_QIANG = "王强"
