# Environment shared by the Makefile's targets; sourced, not executed.
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$(pwd)"
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL=2
export TF_ENABLE_ONEDNN_OPTS=0
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PATH="$(pwd)/.venv/bin:$PATH"
# The WeChat channel's credentials (credentials.yml); empty = not configured.
export WECHAT_APP_ID="${WECHAT_APP_ID-}" WECHAT_APP_SECRET="${WECHAT_APP_SECRET-}"
export WECHAT_TOKEN="${WECHAT_TOKEN-}" WECHAT_AES_KEY="${WECHAT_AES_KEY-}"
