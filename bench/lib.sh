# Shared by the bench/*_load.sh scripts (sourced, not run): the cores, wrk's figures, a dictra
# server started on a fresh database, and nginx serving a static JSON body for scale.
#
# A script sets `work` (a scratch directory) and `bench_name`, sources this file, and calls
# `bench_require wrk nginx ...` first. `bench_cleanup` (installed as the EXIT trap) stops what is
# still running and removes `work`.

server_cpu=1
client_cpu=0
if [[ $(nproc) -lt 2 ]]; then server_cpu=0; fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

bench_cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap bench_cleanup EXIT

# bench_require TOOL...: stops with the package to install when a tool is missing.
bench_require() {
  local tool
  for tool in "$@"; do
    case $tool in
      nginx) [[ -x $nginx_bin ]] || { echo "$bench_name: nginx is missing (apt-get install nginx-light)"; exit 1; } ;;
      *) command -v "$tool" >/dev/null || { echo "$bench_name: $tool is missing (apt-get install $tool)"; exit 1; } ;;
    esac
  done
}

# wrk's requests/second and 99th percentile, read from its output on stdin.
rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '$1 == "99%" {print $2}'; }

# start_dictra ARGS...: `dictra serve ARGS` pinned to the server core on a fresh SQLite file in
# `work`; sets `port` once it listens. stop_dictra ends it.
start_dictra() {
  rm -f "$work"/bench.db*
  taskset -c $server_cpu "$dictra" serve "$@" --db "sqlite:$work/bench.db" > "$work/dictra.log" 2>&1 &
  dictra_pid=$!
  for _ in $(seq 100); do grep -q '"listening"' "$work/dictra.log" 2>/dev/null && break; sleep 0.1; done
  port=$(grep -o '"port":[0-9]*' "$work/dictra.log" | head -1 | cut -d: -f2)
}
stop_dictra() { kill "$dictra_pid"; wait "$dictra_pid" 2>/dev/null || true; }

# nginx_start [WORKERS]: nginx serving {"status":"ok"} at http://127.0.0.1:18089/health, no
# access log; one worker pinned to the server core (default), or WORKERS unpinned. Checks for a
# 200 first: nginx's worker runs as an unprivileged user and must be able to read the file
# (mktemp -d is 0700), or every answer is a 403 and the comparison means nothing.
nginx_start() {
  local workers=${1:-1}
  printf '{"status":"ok"}' > "$work/health.json"
  chmod 0755 "$work"; chmod 0644 "$work/health.json"
  cat > "$work/nginx.conf" <<CONF
worker_processes $workers;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  server { listen 127.0.0.1:18089; location = /health { alias $work/health.json; } }
}
CONF
  if [[ $workers == 1 ]]; then
    taskset -c $server_cpu "$nginx_bin" -c "$work/nginx.conf" -p "$work"
  else
    "$nginx_bin" -c "$work/nginx.conf" -p "$work"
  fi
  sleep 0.3
  curl -sf -o /dev/null http://127.0.0.1:18089/health \
    || { echo "nginx does not answer 200 on /health: see $work/nginx-error.log"; exit 1; }
}
nginx_stop() { kill "$(cat "$work/nginx.pid")"; rm -f "$work/nginx.pid"; sleep 0.3; }

# A wrk script that pauses DELAY_MS between a connection's requests (for latency at a set rate).
write_delay_script() {
  printf 'local d = tonumber(os.getenv("DELAY_MS") or "0")\nif d > 0 then function delay() return d end end\n' \
    > "$work/delay.lua"
}
