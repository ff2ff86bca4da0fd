#include "processors/exec_network_filter.h"

#include <gtest/gtest.h>
#include <linux/io_uring.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace s3proc {
namespace {

// Runs `body` in a child process (the filter cannot be removed once installed) and returns its
// exit code: DenyNetwork's errno + 100 when it failed, else what `body` returned; 255 when the
// child died of a signal.
int UnderFilter(int (*body)()) {
  const pid_t child = ::fork();
  if (child == 0) {
    const int error = DenyNetwork();
    ::_exit(error != 0 ? 100 + error : body());
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

// 0 when socket(family) fails with EACCES, else the family's number.
int RefusedFamilies() {
  for (int family : {AF_INET, AF_INET6, AF_PACKET, AF_NETLINK, AF_VSOCK, AF_RDS, AF_TIPC}) {
    for (int type : {SOCK_STREAM, SOCK_DGRAM, SOCK_RAW}) {
      if (::socket(family, type, 0) >= 0 || errno != EACCES) return family;
    }
  }
  return 0;
}

TEST(DenyNetworkTest, OnlyUnixSocketsOpen) {
  EXPECT_EQ(UnderFilter(RefusedFamilies), 0) << "this family opened, or failed otherwise";
  EXPECT_EQ(UnderFilter([] {
              int pair[2];
              return ::socket(AF_UNIX, SOCK_STREAM, 0) >= 0 &&
                             ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0
                         ? 0
                         : 1;
            }),
            0);
}

// The domain is an int: the upper half of the register is not a way around the check.
TEST(DenyNetworkTest, TheDomainsUpperBitsDoNotHide) {
  EXPECT_EQ(UnderFilter([] {
              const long domain = (1L << 32) | AF_INET;
              return ::syscall(__NR_socket, domain, SOCK_STREAM, 0) < 0 && errno == EACCES ? 0 : 1;
            }),
            0);
}

// io_uring can open sockets (IORING_OP_SOCKET) without socket(2): it is refused as on a kernel
// without it.
TEST(DenyNetworkTest, IoUringIsRefused) {
  EXPECT_EQ(UnderFilter([] {
              io_uring_params params{};
              return ::syscall(__NR_io_uring_setup, 1, &params) < 0 && errno == ENOSYS ? 0 : 1;
            }),
            0);
}

#if defined(__x86_64__)
// An i386 system call from this process (int $0x80), as a 32-bit program makes them: returns
// the kernel's answer (-errno on failure).
long I386Syscall(long number, long a = 0, long b = 0) {
  long result = number;
  asm volatile("int $0x80"
               : "+a"(result)
               : "b"(a), "c"(b)
               : "memory", "cc", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
  return result;
}
constexpr long kI386Getpid = 20;
constexpr long kI386Socketcall = 102;  // socketcall(SYS_SOCKET, args): socket(2) under another
                                       // number, which the filter does not look into

// A 32-bit system call would dodge the check on socket's number: every one is refused.
TEST(DenyNetworkTest, ThirtyTwoBitSystemCallsAreRefused) {
  const int unfiltered = [] {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(I386Syscall(kI386Getpid) == ::getpid() ? 0 : 1);
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
  }();
  if (unfiltered != 0) GTEST_SKIP() << "this kernel runs no i386 system calls";
  EXPECT_EQ(UnderFilter([] { return I386Syscall(kI386Getpid) == -ENOSYS ? 0 : 1; }), 0);
  EXPECT_EQ(UnderFilter([] {
              const unsigned args[3] = {AF_INET, SOCK_STREAM, 0};
              const long result = I386Syscall(kI386Socketcall, 1,
                                              static_cast<long>(reinterpret_cast<uintptr_t>(args)));
              return result == -ENOSYS ? 0 : 1;
            }),
            0);
}
#endif

}  // namespace
}  // namespace s3proc
