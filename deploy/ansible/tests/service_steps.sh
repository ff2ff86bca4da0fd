# shellcheck shell=bash
# The steps of tests/run in service mode (S3PROC_ANSIBLE_RUN_MODE=service): the role converged
# with s3proc_run_mode=service on a test host booted with systemd, then what an operator relies
# on, checked from outside over SSH and S3. Sourced by tests/run, after its own functions.
#
# The exec route's command sleeps 3 s before it upper-cases its input, so that an object can be
# caught in flight (its download is in downloads/ while the command sleeps) when the service is
# stopped.

SERVICE_EXEC_COMMAND='["/bin/sh", "-c", "sleep 3; tr a-z A-Z"]'

# The role's variables for service mode, added to the inventory's group: poll input/ every
# second, route CSV to the csv processor and *.txt to exec.
add_service_vars() {
  python3 - "$RUN/inventory.yml" "$SERVICE_EXEC_COMMAND" <<'EOF'
import json, sys, yaml
path, exec_command = sys.argv[1], json.loads(sys.argv[2])
inventory = yaml.safe_load(open(path))
group = inventory.get("s3proc") or inventory["all"]["children"]["s3proc"]
group.setdefault("vars", {}).update({
    "s3proc_run_mode": "service",
    "s3proc_poll_seconds": 1,
    "s3proc_stop_timeout_seconds": 60,
    "s3proc_routes": [{"glob": "**.csv", "processor": "csv"},
                      {"glob": "**.txt", "processor": "exec"}],
    "s3proc_exec_command": exec_command,
})
with open(path, "w") as f:
    yaml.safe_dump(inventory, f, sort_keys=False)
EOF
}

unit_property() { th_ssh systemctl show -p "$1" --value s3proc.service; }
service_pid_changed() {
  local pid
  pid=$(unit_property MainPID) && [[ $pid != 0 && $pid != "$1" ]]
}
service_active() { [[ $(unit_property ActiveState) == active ]]; }

# wait_for_key PREFIX NAME: waits (bounded) until a key under PREFIX contains NAME; prints it.
wait_for_key() {
  local prefix=$1 name=$2 t=$SECONDS key=""
  while ((SECONDS - t < E2E_TIMEOUT)); do
    key=$(keys_under "$prefix" | tr '\t' '\n' | grep -F -- "$name" | head -n 1 || true)
    if [[ -n $key && $key != None ]]; then
      echo "$key"
      return 0
    fi
    sleep 0.5
  done
  echo "no key with $name under $prefix after ${E2E_TIMEOUT}s" >&2
  th_ssh sudo journalctl -u s3proc.service --no-pager -n 30 >&2 || true
  return 1
}

do_service_running() {
  th_wait_for 30 "s3proc.service to be active" service_active
  echo "s3proc.service: $(unit_property ActiveState), pid $(unit_property MainPID), user $(unit_property User)"
  [[ $(unit_property User) == s3proc ]]
  th_ssh test ! -e /etc/cron.d/s3proc
  echo "no cron job in service mode"
  # The AWS files: root's, readable by the service; none in the service user's home.
  local owner
  owner=$(th_ssh sudo stat -c "'%U:%G %a'" /etc/s3proc/aws-credentials)
  echo "/etc/s3proc/aws-credentials: $owner"
  [[ $owner == "root:s3proc 640" ]]
  th_ssh sudo test ! -e /var/lib/s3proc/.aws
  [[ $(unit_property Environment) == *AWS_SHARED_CREDENTIALS_FILE=/etc/s3proc/aws-credentials* ]]
}

# JSON, a malformed JSON, a CSV (csv route) and a text file (exec route), processed by the service.
do_service_e2e() {
  local id key f
  id=svc-$(date +%s)
  printf '{"order": 42}\n' >"$RUN/$id-good.json"
  printf '{"order": \n' >"$RUN/$id-bad.json"
  printf 'id,qty\n1,2\n3,4\n' >"$RUN/$id-rows.csv"
  printf 'hello service\n' >"$RUN/$id-words.txt"
  for f in good.json bad.json rows.csv words.txt; do
    s3 s3 cp --quiet "$RUN/$id-$f" "s3://$BUCKET/input/$id-$f"
  done
  key=$(wait_for_key output/ "$id-good")
  echo "json: $key"
  key=$(wait_for_key errors/ "$id-bad")
  echo "malformed json: $key"
  key=$(wait_for_key output/ "$id-rows")
  s3 s3 cp --quiet "s3://$BUCKET/$key" "$RUN/rows.out"
  echo "csv route: $key: $(tr '\n' ' ' <"$RUN/rows.out")"
  grep -q '"qty"' "$RUN/rows.out"
  key=$(wait_for_key output/ "$id-words")
  s3 s3 cp --quiet "s3://$BUCKET/$key" "$RUN/words.out"
  echo "exec route: $key: $(cat "$RUN/words.out")"
  grep -qx 'HELLO SERVICE' "$RUN/words.out"
}

do_service_kill_restarts() {
  local pid
  pid=$(unit_property MainPID)
  th_ssh sudo systemctl kill -s KILL s3proc.service
  th_wait_for 60 "systemd to restart s3proc after SIGKILL (pid was $pid)" service_pid_changed "$pid"
  th_wait_for 30 "s3proc.service to be active again" service_active
  echo "killed pid $pid; restarted as pid $(unit_property MainPID), restarts $(unit_property NRestarts)"
}

downloads_hold() { th_ssh "sudo find /var/lib/s3proc/downloads -type f -name '*$1*' | grep -q ."; }

# An object caught in flight (its exec command sleeping) when the service is stopped: the stop
# waits for it, its output is stored, its input deleted, and the service exits cleanly.
do_service_stop_finishes() {
  local id key
  id=stop-$(date +%s)
  printf 'in flight\n' >"$RUN/$id.txt"
  s3 s3 cp --quiet "$RUN/$id.txt" "s3://$BUCKET/input/$id.txt"
  th_wait_for 60 "input/$id.txt to be in processing (in downloads/)" downloads_hold "$id"
  th_ssh sudo systemctl stop s3proc.service
  echo "stopped: Result=$(unit_property Result) ExecMainStatus=$(unit_property ExecMainStatus)"
  [[ $(unit_property Result) == success && $(unit_property ExecMainStatus) == 0 ]]
  key=$(keys_under output/ | tr '\t' '\n' | grep -F "$id" || true)
  echo "output of the object in flight: ${key:-(nothing)}; input/ left: $(keys_under "input/$id")"
  [[ -n $key ]]
  [[ $(keys_under "input/$id") == None ]]
  th_ssh sudo journalctl -u s3proc.service --no-pager -n 20 | grep -F 'stopped by a signal'
  th_ssh sudo systemctl start s3proc.service
  th_wait_for 30 "s3proc.service to be active again" service_active
}

do_service_security() {
  th_ssh systemd-analyze security s3proc.service --no-pager >"$LOG_DIR/systemd-analyze-security.log"
  local line level
  line=$(grep 'Overall exposure level' "$LOG_DIR/systemd-analyze-security.log")
  echo "$line"
  level=$(sed -E 's/.*: ([0-9.]+) .*/\1/' <<<"$line")
  python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 3.0 else 1)" "$level" ||
    { grep -E '^✗' "$LOG_DIR/systemd-analyze-security.log"; return 1; }
}

# A misspelt setting in s3proc_extra_config fails the play at the template's validate, with
# s3proc's own message; the live configuration and the running service are left as they were.
do_service_bad_config() {
  local before after rc=0
  before=$(th_ssh sudo sha256sum /etc/s3proc/s3proc.toml)
  (cd "$ANSIBLE_DIR" &&
    ANSIBLE_SSH_CONTROL_PATH_DIR=$RUN/cp ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 \
      ansible-playbook -i "$RUN/inventory.yml" site.yml \
      -e '{"s3proc_extra_config": {"concurency": 4}}') >"$LOG_DIR/bad-config.log" 2>&1 || rc=$?
  if ((rc == 0)); then
    echo "the play with a misspelt setting passed"
    return 1
  fi
  grep -F "did you mean 'concurrency'" "$LOG_DIR/bad-config.log" | head -n 1
  after=$(th_ssh sudo sha256sum /etc/s3proc/s3proc.toml)
  [[ $before == "$after" ]] || { echo "the live configuration changed"; return 1; }
  service_active
  echo "the play failed at validate (exit $rc); the configuration and the service are unchanged"
}

do_switch_to_cron() {
  playbook switch-to-cron site.yml -e s3proc_run_mode=cron
  th_ssh test ! -e /etc/systemd/system/s3proc.service
  [[ $(unit_property LoadState) == not-found ]]
  th_ssh "grep -F -e 's3proc run --config' /etc/cron.d/s3proc"
  echo "unit removed, cron job installed"
}

do_absent() {
  playbook absent site.yml -e s3proc_state=absent -e s3proc_purge_work_dir=true
  local left
  # shellcheck disable=SC2016 # expanded on the host
  left=$(th_ssh 'for p in /usr/local/bin/s3proc /etc/s3proc /opt/s3proc /var/lib/s3proc \
    /var/log/s3proc /etc/cron.d/s3proc /etc/logrotate.d/s3proc \
    /etc/systemd/system/s3proc.service; do [ -e "$p" ] && echo "$p"; done
    getent passwd s3proc; getent group s3proc; true')
  [[ -z $left ]] || { echo "left behind: $left"; return 1; }
  echo "nothing of s3proc is left on the host"
  playbook absent-again site.yml -e s3proc_state=absent -e s3proc_purge_work_dir=true
  [[ $LAST_RECAP == *" changed=0 "* ]] || { echo "removing again changed something"; return 1; }
}
