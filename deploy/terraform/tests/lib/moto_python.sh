# shellcheck shell=bash
# Sourced by tests/apply and tests/least_privilege: sets MOTO_PYTHON to a python3 that has moto
# and boto3 (Debian's python3 has boto3 but no moto; the image's Python 3.11 has both), or says
# SKIP (exit 77) locally and fails in CI when there is none.
#   S3PROC_MOTO_PYTHON=/path/to/python3 picks one explicitly.
find_moto_python() {
  local candidates=() p
  [[ -n "${S3PROC_MOTO_PYTHON:-}" ]] && candidates+=("$S3PROC_MOTO_PYTHON")
  for p in python3 /usr/local/bin/python3 /root/.pyenv/versions/3.11*/bin/python3 \
    "$HOME"/.pyenv/versions/*/bin/python3 /usr/bin/python3; do
    candidates+=("$p")
  done
  for p in "${candidates[@]}"; do
    if command -v "$p" >/dev/null 2>&1 &&
      "$p" -c 'import moto, boto3, werkzeug' >/dev/null 2>&1; then
      # shellcheck disable=SC2034  # read by the script that sources this file
      MOTO_PYTHON="$(command -v "$p")"
      return 0
    fi
  done
  local why="no python3 with moto and boto3 found (tried ${candidates[*]}); set S3PROC_MOTO_PYTHON"
  if [[ "${CI:-}" == true || "${CI:-}" == 1 ]]; then
    echo "FAILED: $why (CI=true: a missing prerequisite is a failure, not a skip)" >&2
    exit 1
  fi
  echo "SKIP: $why"
  exit 77
}
