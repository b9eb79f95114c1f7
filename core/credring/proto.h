/* credring/proto.h — the git credential helper protocol (git-credential(1),
 * gitcredentials(7)): reading what git sends a helper, writing the answer.
 *
 * What git-credential-credring does with a "get" request:
 *
 *   g_auto(CrGitCredential) request = CR_GIT_CREDENTIAL_INIT;
 *   g_autoptr(GError) error = NULL;
 *   if (!cr_git_credential_read_fd (&request, STDIN_FILENO, &error))
 *     {
 *       g_printerr ("git-credential-credring: %s\n", error->message);  // one line, secret-free
 *       return 2;
 *     }
 *   // ... look up request.protocol, request.host, request.path ...
 *
 *   g_auto(CrGitCredential) answer = CR_GIT_CREDENTIAL_INIT;
 *   answer.username = g_strdup ("oauth2");
 *   answer.password = g_strdup (token->access_token);  // wiped by cr_git_credential_clear()
 *   answer.password_expiry_utc = token->expires_at;
 *   GString *out = g_string_new (NULL);
 *   if (!cr_git_credential_write (&answer, out, &error))   // nothing written on failure
 *     ...;
 *   fwrite (out->str, 1, out->len, stdout);
 *   cr_secret_string_free (out);                       // @out holds the password
 *
 * Reading and writing are asymmetric on purpose, as in git: the reader ignores
 * keys it does not know (newer peers send them), and is strict about the ones
 * it does; the writer refuses any value that could inject a protocol line.
 *
 * Errors are GErrors in the CR_ERROR domain with code CR_ERROR_CONFIG (bad
 * input or a value that cannot be written); a failed read(2) is a
 * G_FILE_ERROR.  Messages are one line, quote untrusted bytes escaped as \xNN,
 * and never quote a secret.
 *
 */
#ifndef CREDRING_PROTO_H
#define CREDRING_PROTO_H

#include <glib.h>

#include <credring/credring.h>

G_BEGIN_DECLS

/* The most bytes in one line, its newline included.  git itself has no
 * limit; ours leaves room for any key before the longest token credring
 * takes, so every token it serves can be written, and read back when git
 * returns it with store or erase. */
#define CR_PROTO_MAX_LINE (CR_TOKEN_MAX_BYTES + 64)
/* The most bytes cr_git_credential_read_fd() accepts. */
#define CR_PROTO_MAX_INPUT (1024 * 1024)
/* The most entries a multi-valued key (wwwauth[], state[], capability[]) may hold. */
#define CR_PROTO_MAX_VALUES 64

/* Values of CrGitCredential.capabilities.  Other capabilities are ignored. */
typedef enum {
  CR_CAPABILITY_AUTHTYPE = 1 << 0, /* authtype, credential and ephemeral are understood */
  CR_CAPABILITY_STATE = 1 << 1,    /* state[] and continue are understood */
} CrCapability;

/* One request or answer.  Every field is optional: NULL, 0 or FALSE means
 * "not given".  The strings are owned by the struct and freed by
 * cr_git_credential_clear(); those marked secret are wiped first.  Lists are
 * NULL-terminated, NULL when empty, and never hold an empty string. */
typedef struct {
  guint capabilities;          /* CrCapability bits, from capability[] */
  char *protocol;              /* "https" */
  char *host;                  /* "example.com", "example.com:8443", "[::1]:8080" */
  char *path;                  /* without leading slash */
  char *username;
  char *password;              /* secret */
  gint64 password_expiry_utc;  /* unix seconds; 0: not given */
  char *oauth_refresh_token;   /* secret */
  char *authtype;              /* "Bearer": pre-encoded credential scheme */
  char *credential;            /* secret; goes with authtype */
  gboolean ephemeral;          /* the credential is good for this request only */
  gboolean multistage;         /* the "continue" key: more rounds follow */
  char **wwwauth;              /* WWW-Authenticate header values, in order */
  char **state;                /* opaque helper state, in order */
} CrGitCredential;

#define CR_GIT_CREDENTIAL_INIT { 0 }

/* Parses @len bytes of @data, which need not be NUL-terminated, as the
 * key=value lines of the protocol.  Input ends at an empty line (what follows
 * it is not looked at) or at the end of @data; the last line may lack its
 * newline.  A "url=" line is split into protocol, host, path, username and
 * password as git does.
 *
 * Unknown keys are ignored.  A line over CR_PROTO_MAX_LINE bytes is
 * CR_ERROR_FAILED, naming the line (a limit of credring's: git has none).
 * CR_ERROR_CONFIG, naming the line, for: a NUL or CR byte, a line without '=', a
 * single-valued key given twice (also through url=), more than
 * CR_PROTO_MAX_VALUES entries in a list, an unparsable url=, a bad number or
 * boolean.  An empty value for a list key ("wwwauth[]=") empties that list.
 *
 * On success the previous contents of @credential are cleared and replaced;
 * on failure @credential is left untouched. */
CR_EXPORT gboolean cr_git_credential_parse (CrGitCredential *credential, const char *data,
                                        gsize len, GError **error);

/* Reads @fd up to an empty line or end-of-file and parses what it read as
 * cr_git_credential_parse() does.  It may read past the empty line.  More than
 * CR_PROTO_MAX_INPUT bytes is CR_ERROR_FAILED; a read failure is a
 * G_FILE_ERROR.  The bytes read are wiped before they are freed.  @fd is not
 * closed. */
CR_EXPORT gboolean cr_git_credential_read_fd (CrGitCredential *credential, int fd, GError **error);

/* Appends the given fields of @credential to @out as protocol lines, in a
 * fixed order: capability[] first, then authtype, credential, ephemeral,
 * protocol, host, path, username, password, oauth_refresh_token,
 * password_expiry_utc, wwwauth[], continue, state[].  No terminating empty
 * line.  Fields are written as they are: leaving out what the peer has no
 * capability for is the caller's choice.
 *
 * CR_ERROR_CONFIG, with nothing appended, when a value holds a newline, CR or
 * NUL, a list holds an empty string (it would read back as a reset), or the
 * expiry is negative; CR_ERROR_FAILED when a line would exceed
 * CR_PROTO_MAX_LINE.  On success @out holds the secrets too: wipe it when
 * done.  @out grows at most once. */
CR_EXPORT gboolean cr_git_credential_write (const CrGitCredential *credential, GString *out,
                                        GError **error);

/* TRUE when a bearer token may answer @request: its protocol is https, or
 * http to this machine (cr_host_is_loopback() of its host, any port), in
 * any case of the scheme (RFC 3986 §3.1).  A token sent over plain http
 * elsewhere could be read on the way. */
CR_EXPORT gboolean cr_git_credential_is_safe_for_token (const CrGitCredential *request);


/* Wipes and frees password, credential and oauth_refresh_token and sets them
 * to NULL; the other fields stay. */
CR_EXPORT void cr_git_credential_clear_secrets (CrGitCredential *credential);

/* Wipes the secrets, frees everything and resets @credential to
 * CR_GIT_CREDENTIAL_INIT.  Safe to call more than once. */
CR_EXPORT void cr_git_credential_clear (CrGitCredential *credential);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CrGitCredential, cr_git_credential_clear)

G_END_DECLS

#endif /* CREDRING_PROTO_H */
