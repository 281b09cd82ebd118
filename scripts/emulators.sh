# Sourced by demo.sh and bench.sh: starts the emulators the tests use, outside the tests.
# Needs EMULATOR_DIR (a scratch folder) and PY (the venv's python) to be set.

# serve FD VAR NAME CMD...: starts CMD, which prints its port and then serves until its stdin
# closes, with that stdin a fifo held open on file descriptor FD (closing FD stops it); waits
# for the port and sets VAR to http://127.0.0.1:PORT.
serve() {
  local fd="$1" var="$2" name="$3" pid
  shift 3
  mkfifo "$EMULATOR_DIR/$name.stdin"
  "$@" < "$EMULATOR_DIR/$name.stdin" > "$EMULATOR_DIR/$name.port" 2>/dev/null &
  pid=$!
  eval "exec $fd> \"\$EMULATOR_DIR/$name.stdin\""
  until [ -s "$EMULATOR_DIR/$name.port" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "$name did not start" >&2; return 1; }
    sleep 0.1
  done
  printf -v "$var" 'http://127.0.0.1:%s' "$(cat "$EMULATOR_DIR/$name.port")"
}

# Stops every emulator `serve` started (on file descriptors 3 to 5) and waits for them;
# cognito_local.py stops its node server when its stdin closes.
stop_emulators() {
  exec 3>&- 4>&- 5>&-
  wait 2>/dev/null || true
}

# A loopback redirect URI on a port nobody listens on now.
free_redirect_uri() {
  echo "http://127.0.0.1:$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')/callback"
}
