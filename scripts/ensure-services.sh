#!/usr/bin/env bash
# Starts the local servers the tests talk to, when they are not running; fails loudly when one cannot start.
set -euo pipefail

wait_for_port() {  # host port name
  for _ in $(seq 1 60); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "error: $3 does not answer on $1:$2" >&2
  return 1
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

if ! port_open 127.0.0.1 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
wait_for_port 127.0.0.1 5432 PostgreSQL

# --- RabbitMQ: the broker of the broker-mode tests (tests/e2e/test_broker_kill.py, tests/integration/test_broker.py)
command -v rabbitmq-server >/dev/null || { echo "error: rabbitmq-server is not installed" >&2; exit 1; }
if ! rabbitmqctl -q status >/dev/null 2>&1; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached
elif ! port_open 127.0.0.1 5672; then
  echo "starting the RabbitMQ application (the node is up, the app was stopped)"
  rabbitmqctl -q start_app || true
fi
# await_startup waits for the node (and its apps) to be up, at most the timeout; fails if it is not.
if ! rabbitmqctl -q --timeout 120 await_startup >/dev/null 2>&1 || ! rabbitmqctl -q status >/dev/null 2>&1; then
  echo "error: RabbitMQ did not start (rabbitmqctl status fails; see /var/log/rabbitmq)" >&2
  exit 1
fi
wait_for_port 127.0.0.1 5672 RabbitMQ

# --- e-mail channel tests: they start their own private dovecot (IMAP) from a temp config; only the package is needed
# --- browser tests: Debian's chromium, driven by Playwright with executable_path (no browser download)
missing=()
command -v dovecot >/dev/null || missing+=(dovecot-imapd)
command -v chromium >/dev/null || missing+=(chromium fonts-dejavu-core)
# --- PDF reports: WeasyPrint lays out text with Pango (Debian libraries) and DejaVu fonts (Cyrillic)
ldconfig -p | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
# WeasyPrint subsets embedded fonts with HarfBuzz; without the library it warns (an error under the suite's filters)
ldconfig -p | grep -q libharfbuzz-subset || missing+=(libharfbuzz-subset0)
if ((${#missing[@]})); then
  echo "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
command -v chromium >/dev/null || { echo "error: chromium is not installed" >&2; exit 1; }
