#!/usr/bin/env bash
# This kind of machine starts PostgreSQL (127.0.0.1:5432) and NATS with JetStream (127.0.0.1:4222)
# before each session. If one is down (a stopped service, a restarted machine), start it with the
# machine's own command; if it cannot be started, say so and let the tests fail under CI=true.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

wait_port() {
  for _ in $(seq 1 50); do port_open "$1" && return 0; sleep 0.2; done
  return 1
}

if ! port_open 5432; then
  echo "PostgreSQL is not listening on 5432; trying to start it"
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  wait_port 5432 || echo "WARNING: PostgreSQL still unreachable; its tests will fail"
fi

if ! port_open 4222; then
  echo "NATS is not listening on 4222; trying to start it"
  if [ -x /usr/sbin/nats-server ]; then
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  fi
  wait_port 4222 || echo "WARNING: NATS still unreachable; its tests will fail"
fi
exit 0
