# shellcheck shell=bash
# The Ansible test host: a Debian 12 in a folder of its own, behind a veth pair in a network
# namespace of its own, reached over SSH as a cloud image is. Two kinds (TH_INIT):
#
#   TH_INIT=bash (default)  a bare minbase + openssh-server + sudo; its PID 1 is a small bash
#                           (own PID and mount namespaces) running sshd only. No python3, no
#                           systemd: the cron-mode test converges it from nothing.
#   TH_INIT=systemd         minbase + systemd, dbus, openssh-server, python3, sudo, booted for
#                           real by systemd-nspawn: systemd is its PID 1, units start, restart and
#                           stop, `systemd-analyze security` works, and so do the sandboxing
#                           options (ProtectSystem=strict, PrivateTmp=, PrivateDevices=,
#                           ProtectHome=, SystemCallFilter=, RestrictAddressFamilies=,
#                           CapabilityBoundingSet=, DynamicUser=, ProtectKernel*=, ...; checked by
#                           tests/systemd_host_smoke). Unlike a real machine, what rests on the
#                           host's cgroups is accepted but not enforced: MemoryMax=, TasksMax=,
#                           CPUQuota=, IPAddressDeny= (this machine delegates no cgroup to it).
#
# Contract (callers: tests/run, tests/systemd_host_smoke). Source this file, then:
#   - hold /run/lock/s3proc-ansible-test.lock (flock) while a test host exists: the addresses
#     are fixed, and th_reap_stale treats every other s3proc-ansible-* host as a dead run's;
#   - set TH_INIT (bash | systemd) and TH_HTTP_PORT (the port the caller serves "$(th_mirror_dir)"
#     at as /apt/, on $TH_HOST_ADDR: the host's only package source);
#   - th_cache_rootfs, then th_cache_mirror PACKAGE...: build once, reuse (see the cache below);
#     th_role_debian_packages VARS_FILE lists what the role installs; th_rootfs_tarball and
#     th_mirror_dir name the TH_INIT host's cached image and mirror;
#   - th_up RUN_DIR        a fresh host from the cache, in RUN_DIR/root. Returns when sshd answers
#                          on $TH_GUEST_ADDR with the run's key (and, for systemd, when
#                          `systemctl is-system-running` says running: degraded is a failure
#                          that lists the failed units). Sets TH_RUN, TH_INIT_PID. For systemd
#                          it makes RUN_DIR 0755, and fails (saying where) unless every folder
#                          above it lets others through: the host's non-root services need that.
#   - th_ssh CMD...        runs CMD as $TH_USER (passwordless sudo) on the host;
#     th_authorize_key PUB lets another key in;
#   - th_down              stops every process of the host (systemd: an orderly poweroff, bounded,
#                          then SIGKILL), removes its network namespace and veth, unmounts and
#                          deletes RUN_DIR/root. Afterwards no process names RUN_DIR, nothing is
#                          mounted below it. Call it from the caller's EXIT trap; it is safe to
#                          call when th_up failed half way.
#   - th_wait_for SECONDS WHAT CMD...  the bounded wait on a condition every step here uses.
# th_up first calls th_reap_stale: the host (processes, systemd-nspawn, network) of a run that
# was killed before its th_down is removed, so the addresses are free again.
#
# Everything it creates is under $TH_RUN (per run) or $TH_CACHE (reused across runs and clones):
#   $TH_CACHE/rootfs-bookworm.tar     (bash) pristine minbase + openssh-server + sudo + ec2-user
#   $TH_CACHE/mirror-bookworm/        (bash) a flat apt repository with every .deb the role may
#                                     install (and their dependencies), so the test host never
#                                     needs the internet: it only ever talks to $TH_HOST_ADDR.
#   $TH_CACHE/rootfs-systemd-bookworm-HASH.tar, mirror-systemd-bookworm-HASH/
#                                     (systemd) the same pair for the systemd host. HASH covers
#                                     what defines the image (suite, packages, masked units, the
#                                     build functions' text, TH_SYSTEMD_IMAGE_VERSION): change any
#                                     and the next run builds a new one; a stale one is never used.
#                                     Its mirror is resolved against that image (so the versions
#                                     it holds fit the image's own python3 and libraries).
#   $TH_RUN/root                      this run's copy of the root file system
#   $TH_RUN/id_ed25519, known_hosts   this run's SSH client key and the host's key
#   $TH_RUN/console.log               (systemd) the boot and shutdown messages
#
# Isolation: the bash host's processes run in a new PID namespace (PID 1 is a small bash that
# reaps orphans; killing it kills every process of the host) and a new mount namespace (its
# /proc, /dev, /sys exist only there and vanish with it), inside network namespace $TH_NETNS.
# The systemd host gets the same from systemd-nspawn (--register=no --keep-unit: this machine's
# PID 1 is not systemd, so there is no machined to register with). Only 10.213.77.1 (host side)
# and 10.213.77.2 (test host) are ever used.

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
TH_INIT=${TH_INIT:-bash}
# The systemd host's image (see th_build_systemd_rootfs); bump the version to force a rebuild
# for a reason none of the rest captures (say, a new Debian point release wanted).
TH_SYSTEMD_IMAGE_VERSION=1
# As a Debian cloud image has them: libnss-systemd resolves DynamicUser= names (getpwuid() of a
# service's user works), libpam-systemd gives SSH logins a logind session.
TH_SYSTEMD_PACKAGES=(systemd systemd-sysv dbus libnss-systemd libpam-systemd openssh-server python3
  sudo ca-certificates)
# Units masked in the systemd host: none fails in the container (it boots to `running` without
# masks), but these would act on their own in the middle of a test:
#   apt-daily.timer, apt-daily-upgrade.timer  apt runs of their own would hold the dpkg lock
#                                             while the role installs packages;
#   fstrim.timer, e2scrub_all.timer, e2scrub_reap.service
#                                             block-device and LVM maintenance: a container has
#                                             neither, so they can only do nothing or fail.
TH_SYSTEMD_MASKED=(apt-daily.timer apt-daily-upgrade.timer fstrim.timer e2scrub_all.timer
  e2scrub_reap.service)

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

# th_cache_rootfs: debootstraps the pristine root file system of the TH_INIT host once.
th_cache_rootfs() {
  if [[ $TH_INIT == systemd ]]; then
    th_cache_tarball "$(th_rootfs_tarball)" th_build_systemd_rootfs
  else
    th_cache_tarball "$(th_rootfs_tarball)" th_build_bash_rootfs
  fi
}

# th_rootfs_tarball, th_mirror_dir: the cached image and apt repository of the TH_INIT host.
th_rootfs_tarball() {
  if [[ $TH_INIT == systemd ]]; then
    printf '%s/rootfs-systemd-%s-%s.tar\n' "$TH_CACHE" "$TH_SUITE" "$(th_systemd_image_hash)"
  else
    printf '%s/rootfs-%s.tar\n' "$TH_CACHE" "$TH_SUITE"
  fi
}
th_mirror_dir() {
  if [[ $TH_INIT == systemd ]]; then
    printf '%s/mirror-systemd-%s-%s\n' "$TH_CACHE" "$TH_SUITE" "$(th_systemd_image_hash)"
  else
    printf '%s/mirror-%s\n' "$TH_CACHE" "$TH_SUITE"
  fi
}

# The systemd image's content key: everything that decides what the image holds. `declare -f`
# prints the functions' code without their comments, so a comment edit does not rebuild it.
th_systemd_image_hash() {
  {
    printf '%s\n' "$TH_SYSTEMD_IMAGE_VERSION" "$TH_SUITE" "${TH_SYSTEMD_PACKAGES[@]}" -- \
      "${TH_SYSTEMD_MASKED[@]}"
    declare -f th_build_systemd_rootfs th_debootstrap th_make_cloud_like
  } | sha256sum | cut -c1-16
}

# th_cache_tarball TARBALL BUILD_FUNCTION: unless TARBALL exists, runs BUILD_FUNCTION DIR on an
# empty DIR and packs DIR into TARBALL (atomically: an interrupted build leaves no tarball).
th_cache_tarball() {
  local tarball=$1 build_function=$2
  [[ -f $tarball ]] && return 0
  mkdir -p "$TH_CACHE"
  local build=$TH_CACHE/build-rootfs.$$ t0=$SECONDS
  th_log "building $tarball (once; a minute or a few)"
  if ! "$build_function" "$build"; then
    th_safe_rm "$build"
    return 1
  fi
  th_safe_rm_mounts_only "$build"
  tar --numeric-owner -C "$build" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  th_safe_rm "$build"
  th_log "built $tarball in $((SECONDS - t0)) s"
}

# th_debootstrap DIR PACKAGE...: a minbase Debian with these packages (and their dependencies).
th_debootstrap() {
  local build=$1 packages
  shift
  packages=$(IFS=,; printf '%s' "$*")
  # debootstrap mounts /proc and /sys inside the target while it runs; on failure they may stay
  # (th_cache_tarball unmounts them).
  debootstrap --variant=minbase --include="$packages" "$TH_SUITE" "$build" "$TH_MIRROR_URL" \
    >"$TH_CACHE/debootstrap.log" 2>&1 && return 0
  th_log "debootstrap failed, see $TH_CACHE/debootstrap.log"
  return 1
}

# th_make_cloud_like DIR: like a cloud image: a login user with passwordless sudo, no SSH host
# keys (th_up makes the run's own), no apt lists or packages left in the image.
th_make_cloud_like() {
  local build=$1
  chroot "$build" /usr/sbin/useradd --create-home --shell /bin/bash "$TH_USER" &&
    printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$TH_USER" >"$build/etc/sudoers.d/90-cloud-init-users" &&
    chmod 0440 "$build/etc/sudoers.d/90-cloud-init-users" &&
    rm -f "$build"/etc/ssh/ssh_host_* &&
    chroot "$build" /usr/bin/apt-get clean &&
    rm -rf "$build"/var/lib/apt/lists/*
}

# The bash host: sshd and sudo, and no Python (the role bootstraps it).
th_build_bash_rootfs() {
  th_debootstrap "$1" openssh-server sudo ca-certificates && th_make_cloud_like "$1"
}

# The systemd host: a booting Debian with sshd enabled (openssh-server's postinst enables it).
th_build_systemd_rootfs() {
  local build=$1
  th_debootstrap "$build" "${TH_SYSTEMD_PACKAGES[@]}" && th_make_cloud_like "$build" || return 1
  systemctl --root="$build" mask "${TH_SYSTEMD_MASKED[@]}" >>"$TH_CACHE/debootstrap.log" 2>&1 &&
    # Each run writes a machine ID of its own (th_up); dbus reads the same one.
    : >"$build/etc/machine-id" &&
    ln -sf /etc/machine-id "$build/var/lib/dbus/machine-id"
}

th_safe_rm_mounts_only() {
  local m
  while read -r m; do
    if [[ -n $m ]]; then umount -R -l -- "$m" 2>/dev/null || true; fi
  done < <(findmnt -rn -o TARGET | grep -F -- "$1" | sort -r)
  th_assert_unmounted "$1"
}

# th_role_debian_packages VARS_FILE: the package names the role may install on Debian, read
# from the role's vars/Debian.yml, plus the raw bootstrap's python3 and python3-apt: the apt
# mirror must hold them all.
th_role_debian_packages() {
  python3 - "$1" <<'EOF'
import sys, yaml
v = yaml.safe_load(open(sys.argv[1]))
names = {"python3", "python3-apt"}
for key, value in v.items():
    if key.endswith("_packages"):
        names.update(value)
    elif key.endswith("_package"):
        names.add(value)
print(" ".join(sorted(names)))
EOF
}

# th_cache_mirror PACKAGE...: makes sure the flat apt repository holds these packages and all
# their dependencies as seen from the pristine root file system. Downloads with the root file
# system's own apt (host network), only when the package list changed.
th_cache_mirror() {
  local mirror
  mirror=$(th_mirror_dir)
  local want
  want=$(printf '%s\n' "$@" | sort -u)
  if [[ -f $mirror/Packages.gz && "$(cat "$mirror/packages.list" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  th_log "filling the apt mirror $mirror (only when the role's package list changes)"
  local build=$TH_CACHE/build-mirror.$$
  mkdir -p "$build" "$mirror"
  tar --numeric-owner -C "$build" -xf "$(th_rootfs_tarball)"
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

# th_up RUN_DIR: extracts a fresh host, wires its network and starts it (TH_INIT): sshd under a
# bash PID 1, or a booting systemd. Sets TH_RUN and TH_INIT_PID (the process th_down stops).
th_up() {
  TH_RUN=$1
  th_prepare_root "$TH_RUN/root"
  th_reap_stale
  th_net_up
  if [[ $TH_INIT == systemd ]]; then
    th_boot_systemd "$TH_RUN/root"
  else
    th_start_bash_init "$TH_RUN/root"
  fi
}

# th_prepare_root ROOT: this run's copy of the image, with the run's SSH keys and apt source.
th_prepare_root() {
  local root=$1
  mkdir -p "$root"
  tar --numeric-owner -C "$root" -xf "$(th_rootfs_tarball)"

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
}

# th_net_up: network namespace $TH_NETNS, its veth holding $TH_GUEST_ADDR, $TH_HOST_ADDR outside.
th_net_up() {
  ip netns add "$TH_NETNS"
  ip link add "$TH_VETH_HOST" type veth peer name "$TH_VETH_GUEST"
  ip link set "$TH_VETH_GUEST" netns "$TH_NETNS"
  ip addr add "$TH_HOST_ADDR/30" dev "$TH_VETH_HOST"
  ip link set "$TH_VETH_HOST" up
  ip -n "$TH_NETNS" addr add "$TH_GUEST_ADDR/30" dev "$TH_VETH_GUEST"
  ip -n "$TH_NETNS" link set "$TH_VETH_GUEST" up
  ip -n "$TH_NETNS" link set lo up
}

# th_start_bash_init ROOT: the bash host: a small PID 1 that mounts the API file systems and
# starts sshd; returns when sshd answers.
th_start_bash_init() {
  local root=$1
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
  th_without_inherited_fds ip netns exec "$TH_NETNS" unshare --mount --uts --pid --fork \
    --kill-child -- /bin/bash "$TH_RUN/init.sh" </dev/null >"$TH_RUN/init.log" 2>&1 &
  TH_INIT_PID=$!
  th_wait_sshd "$TH_RUN/init.log" "$TH_RUN/sshd.log"
}

# th_boot_systemd ROOT: boots ROOT with systemd-nspawn inside $TH_NETNS; returns when sshd
# answers and systemd says the boot is done and nothing failed.
th_boot_systemd() {
  local root=$1
  # Services that drop privileges (dbus) must reach the root: every folder on its path must be
  # traversable, and mktemp -d makes the run's folder 0700.
  chmod 0755 "$TH_RUN" "$root"
  th_assert_traversable "$root" || return 1
  tr -d - </proc/sys/kernel/random/uuid >"$root/etc/machine-id"
  # --register=no --keep-unit: no machined and no systemd PID 1 on this machine to ask for a
  # scope. The machine name is the network namespace's, so a stale one is found by it. SIGTERM
  # to systemd-nspawn becomes SIGRTMIN+3 to the container's systemd: an orderly poweroff.
  th_without_inherited_fds systemd-nspawn --quiet --directory="$root" --boot --machine="$TH_NETNS" \
    --register=no --keep-unit --network-namespace-path="/run/netns/$TH_NETNS" \
    --resolv-conf=off --timezone=off --link-journal=no --console=read-only \
    </dev/null >"$TH_RUN/console.log" 2>&1 &
  TH_INIT_PID=$!
  th_wait_sshd "$TH_RUN/console.log" && th_wait_system_running
}

# th_without_inherited_fds CMD...: execs CMD with only stdin, stdout and stderr open. The test
# host outlives its caller when the caller is SIGKILLed; it must not keep the caller's files open
# then: the caller's lock (tests/run's flock) would stay held, and the next run, which would
# reap this host, would wait for it in vain.
th_without_inherited_fds() {
  local fd
  for fd in /proc/self/fd/*; do
    fd=${fd##*/}
    if ((fd > 2)); then exec {fd}>&-; fi
  done
  exec "$@"
}

# th_assert_traversable PATH: fails unless every folder from / to PATH lets others through.
th_assert_traversable() {
  local dir=$1
  while [[ -n $dir && $dir != / ]]; do
    if [[ $(($(stat -c '0%a' "$dir") & 01)) -eq 0 ]]; then
      th_log "$dir is not traversable by other users (mode $(stat -c %a "$dir")): the systemd" \
        "host's services cannot reach their root below it"
      return 1
    fi
    dir=$(dirname "$dir")
  done
}

# th_wait_sshd LOG...: waits (bounded) until sshd on the test host answers, and records its
# host key in $TH_RUN/known_hosts; on failure (or when the host's PID 1 ends) prints the LOGs.
th_wait_sshd() {
  local i
  for ((i = 0; i < 60; i++)); do
    if ssh-keyscan -T 2 -t ed25519 "$TH_GUEST_ADDR" >"$TH_RUN/known_hosts" 2>/dev/null &&
       [[ -s $TH_RUN/known_hosts ]]; then
      th_log "test host up: ssh $TH_USER@$TH_GUEST_ADDR (netns $TH_NETNS, root $TH_RUN/root)"
      return 0
    fi
    kill -0 "$TH_INIT_PID" 2>/dev/null || { th_log "the test host's PID 1 ended"; break; }
    sleep 0.5
  done
  th_log "sshd did not answer on $TH_GUEST_ADDR:22"; cat "$@" >&2 || true
  return 1
}

# th_wait_system_running: waits (bounded) until the systemd host's boot is done; fails unless
# its state is then "running" (degraded: a unit failed; the failed units are listed).
th_wait_system_running() {
  local state
  state=$(th_ssh timeout 120 systemctl is-system-running --wait) || true
  if [[ $state == running ]]; then
    th_log "systemd on the test host: running"
    return 0
  fi
  th_log "systemd on the test host is '${state:-unreachable}', not running; failed units:"
  th_ssh systemctl --failed --no-pager --no-legend >&2 || true
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
    # A systemd host's systemd-nspawn runs outside the namespace; its command line names it.
    pids="$(ip netns pids "$ns" 2>/dev/null || true) $(th_nspawn_pids "$ns")"
    # shellcheck disable=SC2086
    [[ -z ${pids// /} ]] || kill -9 $pids 2>/dev/null || true
    th_wait_for 5 "the processes of $ns to end" th_netns_empty "$ns" || true
    th_wait_for 5 "the systemd-nspawn of $ns to end" th_no_nspawn "$ns" || true
    ip netns del "$ns" || true
    ip link del "s3pa${ns#s3proc-ansible-}h" 2>/dev/null || true
  done
}

# th_nspawn_pids NETNS: the systemd-nspawn processes that run a systemd host in NETNS.
th_nspawn_pids() {
  pgrep -f -- "(^|/)systemd-nspawn .*--network-namespace-path=/run/netns/$1( |\$)" || true
}
th_no_nspawn() { [[ -z $(th_nspawn_pids "$1") ]]; }
th_pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# th_poweroff_systemd: an orderly shutdown of the systemd host (its units stop as on a real
# machine), bounded; then SIGKILL, which ends systemd-nspawn and with it the container.
th_poweroff_systemd() {
  kill -TERM "$TH_INIT_PID" 2>/dev/null || true # systemd-nspawn: SIGRTMIN+3 to the container
  if ! th_wait_for 30 "the systemd host to power off" th_pid_gone "$TH_INIT_PID"; then
    kill -KILL "$TH_INIT_PID" 2>/dev/null || true
  fi
  wait "$TH_INIT_PID" 2>/dev/null || true
}

# th_down: stops every process of the test host, removes the network, then the files.
th_down() {
  if [[ $TH_INIT == systemd && -n $TH_INIT_PID ]] && kill -0 "$TH_INIT_PID" 2>/dev/null; then
    th_poweroff_systemd
  elif [[ -n $TH_INIT_PID ]] && kill -0 "$TH_INIT_PID" 2>/dev/null; then
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
