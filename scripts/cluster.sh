#!/usr/bin/env bash
# make cluster / make cluster-stop: the scale-out set on loopback.
#
#   scripts/cluster.sh start    install PostgreSQL, Redis and nginx from Debian's
#                               packages where missing, then start two PostgreSQL
#                               servers (tracker store, claims database), Redis (lock
#                               store), two action servers, two Rasa servers and nginx
#                               in front of both pairs; data and logs under var/cluster/
#   scripts/cluster.sh stop     stop all of it (the data stays for the next start)
#   scripts/cluster.sh status   which parts are running
#
# Everything runs as the current user on 127.0.0.1; the ports are in
# ops/cluster.py (CLUSTER_* variables override them). Idempotent: a second start
# reuses what already runs.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "cluster.sh: $*" >&2; }

# Debian packages the cluster needs, by the program each provides.
declare -A PACKAGES=([nginx]=nginx [redis-server]=redis-server)

install_servers() {
    local missing=() program
    for program in "${!PACKAGES[@]}"; do
        command -v "$program" >/dev/null || [ -x "/usr/sbin/$program" ] \
            || missing+=("${PACKAGES[$program]}")
    done
    [ ${#missing[@]} -eq 0 ] && return
    if [ "$(id -u)" -ne 0 ]; then
        say "missing ${missing[*]}; installing needs root: apt-get install ${missing[*]}"
        exit 1
    fi
    say "installing ${missing[*]} from Debian's packages"
    # The packages would start system-wide services on ports 80 and 6379; the
    # cluster runs its own, so forbid service starts while installing.
    local policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod +x "$policy"
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get -o DPkg::Lock::Timeout=600 update >&2
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
        --no-install-recommends "${missing[@]}" >&2
}

case "${1:-start}" in
    start)
        install_servers
        scripts/setup-venv.sh >&2
        source scripts/env.sh
        model=${BOT_MODEL:-$(python scripts/train_if_needed.py | tail -n 1)}
        exec python -m ops.cluster start --model "$model"
        ;;
    stop|status)
        source scripts/env.sh
        exec python -m ops.cluster "$1"
        ;;
    install)
        install_servers
        ;;
    *)
        echo "usage: $0 [start|stop|status|install]" >&2
        exit 2
        ;;
esac
