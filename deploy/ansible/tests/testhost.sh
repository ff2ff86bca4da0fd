# shellcheck shell=bash
# The Ansible test host: a bare Debian 12 in a folder of its own, behind a veth pair in a network
# namespace of its own, with its own PID and mount namespaces, running sshd as its only service.
#
# Sourced by tests/run. Everything it creates is under $TH_RUN (per run) or $TH_CACHE (reused):
#   $TH_CACHE/rootfs-bookworm.tar     pristine minbase + openssh-server + sudo + user ec2-user
#   $TH_CACHE/mirror-bookworm/        a flat apt repository with every .deb the role may install
#                                     (and their dependencies), so the test host never needs the
#                                     internet: it only ever talks to $TH_HOST_ADDR.
#   $TH_RUN/root                      this run's copy of the root file system
#   $TH_RUN/id_ed25519, known_hosts   this run's SSH client key and the host's key
#
# Isolation: the test host's processes run in a new PID namespace (PID 1 is a small bash that
# reaps orphans; killing it kills every process of the host) and a new mount namespace (its
# /proc, /dev, /sys exist only there and vanish with it), inside network namespace $TH_NETNS.
# Only 10.213.77.1 (host side) and 10.213.77.2 (test host) are ever used.

TH_CACHE=${S3PROC_TEST_CACHE:-/var/cache/s3proc-test}
TH_SUITE=bookworm
TH_MIRROR_URL=${S3PROC_TEST_DEBIAN_MIRROR:-http://deb.debian.org/debian}
TH_HOST_ADDR=10.213.77.1
TH_GUEST_ADDR=10.213.77.2
TH_USER=ec2-user
TH_NETNS=s3proc-ansible-$$
TH_VETH_HOST=s3pa$$h
TH_VETH_GUEST=s3pa$$g
TH_INIT_PID=

th_log() { printf '[testhost] %s\n' "$*" >&2; }

# th_wait_for SECONDS WHAT CMD...: runs CMD every 0.2 s until it succeeds; fails (saying WHAT it
# waited for) when SECONDS pass first. Every wait in these tests is on its condition, bounded.
th_wait_for() {
  local seconds=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      th_log "gave up after ${seconds}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

# th_assert_unmounted DIR: fails unless nothing is mounted at or below DIR (host's view).
th_assert_unmounted() {
  local dir=$1
  if findmnt -rn -o TARGET | grep -qF -- "$dir"; then
    th_log "refusing to delete $dir: still mounted:"
    findmnt -rn -o TARGET | grep -F -- "$dir" >&2
    return 1
  fi
}

th_unmounted() { ! findmnt -rn -o TARGET | grep -qF -- "$1"; }

# th_safe_rm DIR: unmounts anything below DIR, waits (bounded) until nothing is, then deletes it.
th_safe_rm() {
  local dir=$1
  [[ -n $dir && $dir != / && -e $dir ]] || return 0
  local m
  while read -r m; do
    if [[ -n $m ]]; then umount -R -l -- "$m" 2>/dev/null || true; fi
  done < <(findmnt -rn -o TARGET | grep -F -- "$dir" | sort -r)
  # A lazy unmount may take a moment to leave the mount table.
  th_wait_for 10 "$dir to be unmounted" th_unmounted "$dir" || true
  th_assert_unmounted "$dir" || return 1
  rm -rf --one-file-system -- "$dir"
}

# th_cache_rootfs: debootstraps the pristine root file system once.
th_cache_rootfs() {
  local tarball=$TH_CACHE/rootfs-$TH_SUITE.tar
  [[ -f $tarball ]] && return 0
  mkdir -p "$TH_CACHE"
  local build=$TH_CACHE/build-rootfs.$$
  th_log "building $tarball with debootstrap (once; a few minutes)"
  # debootstrap mounts /proc and /sys inside the target while it runs; on failure they may stay.
  if ! debootstrap --variant=minbase --include=openssh-server,sudo,ca-certificates \
        "$TH_SUITE" "$build" "$TH_MIRROR_URL" >"$TH_CACHE/debootstrap.log" 2>&1; then
    th_log "debootstrap failed, see $TH_CACHE/debootstrap.log"
    th_safe_rm "$build"
    return 1
  fi
  # Like a cloud image: a login user with passwordless sudo, sshd, and no Python.
  chroot "$build" /usr/sbin/useradd --create-home --shell /bin/bash "$TH_USER"
  printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$TH_USER" >"$build/etc/sudoers.d/90-cloud-init-users"
  chmod 0440 "$build/etc/sudoers.d/90-cloud-init-users"
  rm -f "$build"/etc/ssh/ssh_host_*
  chroot "$build" /usr/bin/apt-get clean
  rm -rf "$build"/var/lib/apt/lists/*
  th_safe_rm_mounts_only "$build"
  tar --numeric-owner -C "$build" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  th_safe_rm "$build"
}

th_safe_rm_mounts_only() {
  local m
  while read -r m; do
    if [[ -n $m ]]; then umount -R -l -- "$m" 2>/dev/null || true; fi
  done < <(findmnt -rn -o TARGET | grep -F -- "$1" | sort -r)
  th_assert_unmounted "$1"
}

# th_cache_mirror PACKAGE...: makes sure the flat apt repository holds these packages and all
# their dependencies as seen from the pristine root file system. Downloads with the root file
# system's own apt (host network), only when the package list changed.
th_cache_mirror() {
  local mirror=$TH_CACHE/mirror-$TH_SUITE
  local want
  want=$(printf '%s\n' "$@" | sort -u)
  if [[ -f $mirror/Packages.gz && "$(cat "$mirror/packages.list" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  th_log "filling the apt mirror $mirror (only when the role's package list changes)"
  local build=$TH_CACHE/build-mirror.$$
  mkdir -p "$build" "$mirror"
  tar --numeric-owner -C "$build" -xf "$TH_CACHE/rootfs-$TH_SUITE.tar"
  cp /etc/resolv.conf "$build/etc/resolv.conf"
  local rc=0
  # shellcheck disable=SC2086 # $want is a list of package names
  chroot "$build" /usr/bin/apt-get update -qq >"$TH_CACHE/mirror.log" 2>&1 &&
    chroot "$build" /usr/bin/env DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get install -y -qq \
      --download-only $want >>"$TH_CACHE/mirror.log" 2>&1 || rc=$?
  if ((rc == 0)); then
    cp -n "$build"/var/cache/apt/archives/*.deb "$mirror"/ 2>/dev/null || true
    (cd "$mirror" && dpkg-scanpackages --multiversion . 2>/dev/null | gzip -9n >Packages.gz)
    printf '%s\n' "$want" >"$mirror/packages.list"
  else
    th_log "apt download failed, see $TH_CACHE/mirror.log"
  fi
  th_safe_rm "$build"
  return $rc
}

# th_up RUN_DIR: extracts a fresh host, wires its network and starts sshd in it. Sets TH_INIT_PID.
th_up() {
  TH_RUN=$1
  local root=$TH_RUN/root
  mkdir -p "$root"
  tar --numeric-owner -C "$root" -xf "$TH_CACHE/rootfs-$TH_SUITE.tar"

  # The host's only package source is the test's mirror on the host side of the veth.
  rm -f "$root"/etc/apt/sources.list.d/*
  printf 'deb [trusted=yes] http://%s:%s/apt ./\n' "$TH_HOST_ADDR" "$TH_HTTP_PORT" \
    >"$root/etc/apt/sources.list"
  printf 'nameserver 127.0.0.1\n' >"$root/etc/resolv.conf"
  printf 's3proc-testhost\n' >"$root/etc/hostname"
  printf '127.0.0.1 localhost\n127.0.1.1 s3proc-testhost\n' >"$root/etc/hosts"

  ssh-keygen -q -t ed25519 -N '' -C "s3proc-ansible-test" -f "$TH_RUN/id_ed25519"
  install -d -m 0700 -o 1000 -g 1000 "$root/home/$TH_USER/.ssh"
  install -m 0600 -o 1000 -g 1000 "$TH_RUN/id_ed25519.pub" "$root/home/$TH_USER/.ssh/authorized_keys"
  chroot "$root" /usr/bin/ssh-keygen -A >/dev/null

  th_reap_stale
  ip netns add "$TH_NETNS"
  ip link add "$TH_VETH_HOST" type veth peer name "$TH_VETH_GUEST"
  ip link set "$TH_VETH_GUEST" netns "$TH_NETNS"
  ip addr add "$TH_HOST_ADDR/30" dev "$TH_VETH_HOST"
  ip link set "$TH_VETH_HOST" up
  ip -n "$TH_NETNS" addr add "$TH_GUEST_ADDR/30" dev "$TH_VETH_GUEST"
  ip -n "$TH_NETNS" link set "$TH_VETH_GUEST" up
  ip -n "$TH_NETNS" link set lo up

  cat >"$TH_RUN/init.sh" <<EOF
# PID 1 of the test host (new PID + mount namespace, inside netns $TH_NETNS).
set -e
R=$root
mount --make-rprivate /
hostname s3proc-testhost
mount -t proc proc "\$R/proc"
mount -t sysfs -o ro sysfs "\$R/sys"
mount -t tmpfs -o mode=0755,nosuid dev "\$R/dev"
for n in null zero full random urandom tty; do
  touch "\$R/dev/\$n"; mount --bind "/dev/\$n" "\$R/dev/\$n"
done
mkdir -p "\$R/dev/pts" "\$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "\$R/dev/pts"
ln -s pts/ptmx "\$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "\$R/dev/shm"
ln -s /proc/self/fd "\$R/dev/fd"
mount -t tmpfs -o mode=0755,nosuid,nodev run "\$R/run"
mkdir -p "\$R/run/sshd" "\$R/run/lock"
chroot "\$R" /usr/sbin/sshd -D -e -o ListenAddress=$TH_GUEST_ADDR -o UseDNS=no \
  >"$TH_RUN/sshd.log" 2>&1 &
set +e
# Reap whatever gets re-parented here (daemons started by the playbook) until killed.
while true; do wait; sleep 1; done
EOF
  ip netns exec "$TH_NETNS" unshare --mount --uts --pid --fork --kill-child -- \
    /bin/bash "$TH_RUN/init.sh" </dev/null >"$TH_RUN/init.log" 2>&1 &
  TH_INIT_PID=$!

  local i
  for ((i = 0; i < 60; i++)); do
    if ssh-keyscan -T 2 -t ed25519 "$TH_GUEST_ADDR" >"$TH_RUN/known_hosts" 2>/dev/null &&
       [[ -s $TH_RUN/known_hosts ]]; then
      th_log "test host up: ssh $TH_USER@$TH_GUEST_ADDR (netns $TH_NETNS, root $root)"
      return 0
    fi
    sleep 0.5
  done
  th_log "sshd did not answer on $TH_GUEST_ADDR:22"; cat "$TH_RUN/init.log" "$TH_RUN/sshd.log" >&2 || true
  return 1
}

# th_authorize_key PUBLIC_KEY_FILE: lets that key in as $TH_USER too (the key pair Terraform
# attached to "the instance", when the test host stands in for one). Works on a running host:
# sshd reads authorized_keys at each login.
th_authorize_key() {
  cat -- "$1" >>"$TH_RUN/root/home/$TH_USER/.ssh/authorized_keys"
}

# th_ssh CMD...: runs a command on the test host as the test user.
th_ssh() {
  ssh -i "$TH_RUN/id_ed25519" -o UserKnownHostsFile="$TH_RUN/known_hosts" -o BatchMode=yes \
    -o StrictHostKeyChecking=yes "$TH_USER@$TH_GUEST_ADDR" "$@"
}

th_netns_empty() { [[ -z $(ip netns pids "${1:-$TH_NETNS}" 2>/dev/null || true) ]]; }

# th_reap_stale: removes the network of test hosts whose run was killed before it could tear them
# down (SIGKILL, a machine shutting down a session): their veth would still hold $TH_HOST_ADDR,
# and this run's test host would be unreachable. Call it under tests/run's lock, which every run
# holds while its test host exists: any other s3proc-ansible-* namespace then belongs to a dead run.
th_reap_stale() {
  local ns pids
  for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^s3proc-ansible-[0-9]+$/ {print $1}'); do
    [[ $ns == "$TH_NETNS" ]] && continue
    th_log "removing the test host network $ns left by a run that was killed"
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [[ -z $pids ]] || kill -9 $pids 2>/dev/null || true
    th_wait_for 5 "the processes of $ns to end" th_netns_empty "$ns" || true
    ip netns del "$ns" || true
    ip link del "s3pa${ns#s3proc-ansible-}h" 2>/dev/null || true
  done
}

# th_down: stops every process of the test host, removes the network, then the files.
th_down() {
  if [[ -n $TH_INIT_PID ]] && kill -0 "$TH_INIT_PID" 2>/dev/null; then
    # unshare ignores SIGTERM while it waits; SIGKILL it, and --kill-child takes the test host's
    # PID 1 with it, and the kernel then every process of that PID namespace.
    kill -KILL "$TH_INIT_PID" 2>/dev/null || true
    wait "$TH_INIT_PID" 2>/dev/null || true
  fi
  if ip netns list 2>/dev/null | grep -qw "$TH_NETNS"; then
    local pids
    # The kernel takes a moment to finish off a PID namespace's processes.
    if ! th_wait_for 5 "the processes of $TH_NETNS to end" th_netns_empty; then
      pids=$(ip netns pids "$TH_NETNS" 2>/dev/null || true)
      th_log "killing leftover processes in $TH_NETNS: $pids"
      # shellcheck disable=SC2086
      kill -9 $pids 2>/dev/null || true
      th_wait_for 5 "the killed processes of $TH_NETNS to end" th_netns_empty || true
    fi
    ip netns del "$TH_NETNS" || true
  fi
  ip link del "$TH_VETH_HOST" 2>/dev/null || true
  if [[ -n ${TH_RUN:-} && -d $TH_RUN ]]; then
    th_safe_rm "$TH_RUN/root" || return 1
  fi
}
