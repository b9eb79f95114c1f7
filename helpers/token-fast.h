/* `credring token ACCOUNT` served by a running credring-service, in the
 * credring executable itself (token-fast.c). */
#ifndef CREDRING_TOKEN_FAST_H
#define CREDRING_TOKEN_FAST_H

#include <glib.h>

G_BEGIN_DECLS

/* 0 when the token was printed, else -1, with nothing printed: the CLI
 * then does its usual work. */
int token_fast (int argc, char **argv);

G_END_DECLS

#endif /* CREDRING_TOKEN_FAST_H */
