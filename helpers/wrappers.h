/* Handing an account's token to the tools people use, never through argv:
 * a command's environment (credring exec), curl's configuration read from
 * a private pipe (credring curl), and forgetting a token an API refused (token
 * --refused-token-stdin: what the HTTPie plugin in contrib/ calls).
 *
 *   // credring exec ACCOUNT [--env NAME] -- COMMAND ARGS...
 *   if (!wrappers_check_env_name (opt_env, &error))
 *     return fail (error);                        // a usage error, exit 2
 *   ...load the account and its provider...
 *   return wrappers_exec (account, provider, opt_env, command_line);  // only on failure
 *
 *   // credring curl ACCOUNT -- CURL_ARGS...
 *   return wrappers_curl (account, provider, curl_args);
 *
 * The tokens are fetched as `credring token` fetches them: the cached one
 * while it has the account's margin left (min_valid), else a new one; a
 * sign-in only where someone can answer it.  Each function that returns an
 * exit status has said why on stderr ("credring: ..."), once, with what
 * came from elsewhere escaped; none ever prints a token. */
#ifndef CREDRING_WRAPPERS_H
#define CREDRING_WRAPPERS_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* The variable `credring exec` puts the token in without --env. */
#define WRAPPERS_DEFAULT_ENV "CREDRING_TOKEN"
/* What it sets besides: always "Bearer", and the token's expiry (RFC 3339, UTC). */
#define WRAPPERS_ENV_TYPE "CREDRING_TOKEN_TYPE"
#define WRAPPERS_ENV_EXPIRES_AT "CREDRING_TOKEN_EXPIRES_AT"

/* TRUE for NULL (the default) and a portable environment variable name
 * ([A-Za-z_][A-Za-z0-9_]*, at most 128 characters) that is not one of the
 * names exec sets besides; else CR_ERROR_CONFIG. */
gboolean wrappers_check_env_name (const char *name, GError **error);

/* Puts a valid token in @env_name (NULL: WRAPPERS_DEFAULT_ENV), its type
 * and expiry in WRAPPERS_ENV_TYPE and WRAPPERS_ENV_EXPIRES_AT, and
 * replaces this process with @command (execvp: PATH searched, no shell),
 * so that the exit status is the command's.  Returns only on failure:
 * credring's status when no token could be had (and @command is not
 * run), 127 when @command is not found, 126 when it cannot be run, as a
 * shell says. */
int wrappers_exec (const CrAccount *account, CrProvider *provider, const char *env_name,
                   char **command);

/* Runs the `curl` found on PATH with @curl_args and the token as an
 * "Authorization: Bearer" header in a configuration curl reads from a
 * private pipe (-K /dev/fd/N), its stdin and stderr the caller's.  When
 * the API answers 401, the token is dropped from the cache (if it is
 * still the cached one, as git's erase does), a new one fetched and the
 * request made once more; the first answer's output is held back and
 * dropped, so that stdout is the second answer's.  The status of each
 * answer is read from the headers curl dumps into another private pipe
 * (-D /dev/fd/M: curl 7.88 has no --write-out to a file).  Not retried
 * when the arguments read stdin or a pipe (a body is read once), nor when
 * output had already been passed on.
 * Returns curl's exit status (128+N when killed by signal N); credring's
 * own when no token could be had (curl is not run); 3 (CR_ERROR_REJECTED)
 * when the last answer is still 401, with a line naming the account and
 * quoting the start of the API's answer; 2 for --next or -: (the header
 * would go with the first set of URLs only); 127/126 when curl cannot be
 * run. */
int wrappers_curl (const CrAccount *account, CrProvider *provider, char **curl_args);

/* Reads one token from stdin (a trailing newline allowed) and drops
 * @account's cached token if it is that one (cr_cache_forget_token_if()):
 * what an API refused, so that the next token is a new one.  A missing,
 * empty or oversized token is CR_ERROR_CONFIG. */
gboolean wrappers_forget_refused_token (const CrAccount *account, GError **error);

G_END_DECLS

#endif /* CREDRING_WRAPPERS_H */
