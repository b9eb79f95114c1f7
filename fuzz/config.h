/* The configure results the fuzz harnesses need, so that build-aux/fuzz.sh
 * builds without a configured tree.  Debian 12 (glibc 2.36) has these. */
#ifndef CR_FUZZ_CONFIG_H
#define CR_FUZZ_CONFIG_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#define HAVE_EXPLICIT_BZERO 1
#define HAVE_SECURE_GETENV 1
#define HAVE_SYS_PRCTL_H 1

/* What request.c puts in its User-Agent. */
#define PACKAGE_NAME "credring"
#define PACKAGE_VERSION "fuzz"

#endif /* CR_FUZZ_CONFIG_H */
