// without_close_range PROGRAM [ARGS...]: runs PROGRAM with close_range(2) failing with ENOSYS, as
// on a kernel older than 5.9 (Amazon Linux 2's 4.14). A seccomp filter, inherited by PROGRAM
// and everything it spawns, answers that one system call; all others pass. Used by the dist
// tests to make the static s3proc's posix_spawn take glibc's fallback for closing descriptors.
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_close_range
#define __NR_close_range 436  // the same number on x86_64 and aarch64
#endif

#if defined(__x86_64__)
#define AUDIT_ARCH_THIS AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_THIS AUDIT_ARCH_AARCH64
#else
#error "unsupported architecture"
#endif

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PROGRAM [ARGS...]\n", argv[0]);
    return 2;
  }
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_THIS, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_close_range, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
    fprintf(stderr, "without_close_range: seccomp: %s\n", strerror(errno));
    return 2;
  }
  // Prove the filter is in force before handing over.
  if (syscall(__NR_close_range, 1000, 1000, 0) != -1 || errno != ENOSYS) {
    fprintf(stderr, "without_close_range: close_range still works; the filter is not in force\n");
    return 2;
  }
  execvp(argv[1], argv + 1);
  fprintf(stderr, "without_close_range: exec %s: %s\n", argv[1], strerror(errno));
  return 127;
}
