/* deny-keyctl ERRNO COMMAND [ARGS...]: runs COMMAND under a seccomp filter
 * that fails the kernel keyring's system calls (keyctl, add_key,
 * request_key) with ERRNO (EPERM or ENOSYS), as a container's or a
 * sandbox's filter does; every other call is let through.  For
 * tests/integration/kernel-keyring.sh: credring where no kernel keyring
 * can be used.  Exits 77 (automake's "skipped") where it cannot install
 * the filter, so that a test says so rather than passing. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define FILTER_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FILTER_ARCH AUDIT_ARCH_AARCH64
#endif

#define SKIP 77

int
main (int argc, char **argv)
{
  int error_number;

  if (argc < 3 || (strcmp (argv[1], "EPERM") != 0 && strcmp (argv[1], "ENOSYS") != 0))
    {
      fprintf (stderr, "usage: deny-keyctl EPERM|ENOSYS COMMAND [ARGS...]\n");
      return 2;
    }
  error_number = strcmp (argv[1], "EPERM") == 0 ? EPERM : ENOSYS;
#ifdef FILTER_ARCH
  {
    struct sock_filter filter[] = {
      /* Another architecture's calls have other numbers: refused whole. */
      BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, FILTER_ARCH, 1, 0),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_keyctl, 3, 0),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_add_key, 2, 0),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_request_key, 1, 0),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (error_number & SECCOMP_RET_DATA)),
    };
    struct sock_fprog program = { .len = sizeof filter / sizeof filter[0], .filter = filter };

    /* Needed to install a filter without privileges; harmless with them. */
    if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
      {
        fprintf (stderr, "deny-keyctl: cannot install the seccomp filter: %s\n",
                 strerror (errno));
        return SKIP;
      }
  }
#else
  fprintf (stderr, "deny-keyctl: no seccomp filter for this architecture\n");
  return SKIP;
#endif
  execvp (argv[2], argv + 2);
  fprintf (stderr, "deny-keyctl: %s: %s\n", argv[2], strerror (errno));
  return 127;
}
