#pragma once

namespace s3proc {

// Takes the network away from the calling process and everything it will start: a seccomp
// filter (inherited across fork and exec, and never removable) under which socket(2) opens only
// AF_UNIX sockets (any other family fails with EACCES: no TCP, UDP, raw, packet or netlink
// socket, so no instance metadata service, no S3, nothing remote), io_uring_setup(2) fails with
// ENOSYS (io_uring can open sockets of its own), and so do the system calls of another ABI than
// s3proc's own (i386 and x32 on x86_64, arm32 on aarch64, whose socket calls the filter would
// otherwise not see). Sets no_new_privs first, as the kernel requires, so no setuid program or
// file capability can lift it either.
//
// For the exec command, between fork and exec: async-signal-safe, allocates nothing (the filter
// is a constant). Returns 0, or the errno of the refusal: EINVAL from a kernel built without
// seccomp filters or from an emulator (qemu-user refuses them), EPERM, EACCES...
int DenyNetwork();

}  // namespace s3proc
