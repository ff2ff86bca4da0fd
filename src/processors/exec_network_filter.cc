#include "processors/exec_network_filter.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>

namespace s3proc {
namespace {

#if defined(__x86_64__)
constexpr unsigned kNativeArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kNativeArch = AUDIT_ARCH_AARCH64;
#else
#error "exec_network_filter: add this architecture's AUDIT_ARCH_* and check its socket calls"
#endif

// The low half of socket(2)'s first argument, the domain (an int: the kernel ignores the rest).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "args[0]'s low half comes first");
constexpr unsigned kDomainOffset = offsetof(seccomp_data, args[0]);
// x32 system calls carry this bit on x86_64; no native number comes near it on either
// architecture, so one check serves both.
constexpr unsigned kX32SyscallBit = 0x40000000;

constexpr unsigned Errno(int error) { return SECCOMP_RET_ERRNO | (error & SECCOMP_RET_DATA); }

// Not const only because sock_fprog points to a mutable array: never written.
// Read top-down; a jump's two numbers are how many instructions to skip when true, when false.
sock_filter kFilter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kNativeArch, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, Errno(ENOSYS)),  // a 32-bit ABI: its socketcall(2) too
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, kX32SyscallBit, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, Errno(ENOSYS)),  // x32
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, Errno(ENOSYS)),  // as on a kernel without io_uring
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),  // every other call
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kDomainOffset),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, Errno(EACCES)),  // as a denying firewall or a sandbox answers
};

sock_fprog kProgram = {sizeof kFilter / sizeof kFilter[0], kFilter};

}  // namespace

int DenyNetwork() {
  // prctl rather than seccomp(2): a systemd unit's SystemCallFilter=@system-service allows
  // prctl but not seccomp.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &kProgram, 0, 0) != 0) return errno;
  return 0;
}

}  // namespace s3proc
