/* libcredring — OAuth2 bearer tokens for REST APIs, kept in the Secret Service.
 *
 * What a front end does to print a token for the account "ants-prod":
 *
 *   g_autoptr(GError) error = NULL;
 *   g_autoptr(CrProvider) provider = NULL;
 *   g_autoptr(CrConfig) config = cr_config_load_account_only (NULL, FALSE, "ants-prod", &error);
 *   g_autoptr(CrAccount) account =
 *     config ? cr_config_open_account (config, "ants-prod", &provider, NULL, &error) : NULL;
 *   g_autoptr(CrToken) token =
 *     account ? cr_cache_get_token (account, provider, -1, FALSE, &error) : NULL;
 *   if (token == NULL)
 *     return cr_error_exit_status (error);   // error->message is one line, secret-free
 *   puts (token->access_token);
 *
 * A program with a main loop (GTK) asks the same in a worker thread, so
 * that the loop never waits on a keyring prompt, the account's lock, the
 * provider or a person signing in; the callback runs in the caller's
 * thread (its thread-default main context):
 *
 *   static void
 *   on_token (GObject *source, GAsyncResult *result, gpointer user_data)
 *   {
 *     g_autoptr(GError) error = NULL;
 *     g_autoptr(CrToken) token = cr_token_get_finish (result, &error);
 *
 *     if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
 *       return;                                // user_data may be gone
 *     if (token == NULL)
 *       show_error (user_data, error->message); // error->code: CR_ERROR_*
 *     else
 *       use_token (user_data, token->access_token);
 *   }
 *
 *   cr_token_get_async (account, provider, NULL, cancellable, on_token, window);
 *   // account and provider may be freed now; g_cancellable_cancel() when
 *   // the window closes (examples/desktop/token-async.c is a whole program)
 *
 * Errors are GErrors in the CR_ERROR domain; their codes are the CLI's exit
 * statuses.  The library never logs: it reports through GError, and traces
 * through g_debug() in the "credring" log domain, which never carries a
 * secret.  Every string marked "secret" below is wiped before it is freed;
 * free such strings with cr_secret_free().
 */
#ifndef CREDRING_H
#define CREDRING_H

#include <glib.h>
#include <gio/gio.h>
#include <credring/plugin.h>

G_BEGIN_DECLS

#define CR_EXPORT __attribute__((visibility ("default")))

/* ---- errors (error.c) -------------------------------------------------- */

#define CR_ERROR (cr_error_quark ())

/* Part of the ABI and of the CLI contract: never renumbered. */
typedef enum {
  CR_ERROR_FAILED = 1,   /* anything else */
  CR_ERROR_CONFIG = 2,   /* usage or configuration error */
  CR_ERROR_REJECTED = 3, /* the provider rejected the credentials */
  CR_ERROR_NETWORK = 4,  /* network, TLS or server error */
  CR_ERROR_KEYRING = 5,  /* Secret Service unavailable or locked */
} CrErrorCode;

/* The domain of credring's errors (CR_ERROR). */
CR_EXPORT GQuark cr_error_quark (void);
/* The exit status for @error: its code in the CR_ERROR domain, else 1. */
CR_EXPORT int cr_error_exit_status (const GError *error);
/* @text (@len bytes, or -1) made safe to print on one line: invalid UTF-8
 * replaced, control and format characters and line and paragraph
 * separators escaped (\xNN, \uNNNN), cut after @max_chars characters
 * (G_MAXSIZE: never).  Never pass a secret. */
CR_EXPORT char *cr_escape_for_message (const char *text, gssize len, gsize max_chars);

/* ---- host names (base/host.c) ------------------------------------------- */

/* TRUE for "localhost" (any case) and loopback addresses, IPv6 with or
 * without brackets: the only hosts plain http may reach with a secret or
 * a token. */
CR_EXPORT gboolean cr_host_is_loopback (const char *host);

/* ---- secret memory (secret.c) ------------------------------------------ */

/* Overwrites @len bytes in a way the compiler may not optimise away. */
CR_EXPORT void cr_secret_wipe (void *data, size_t len);
/* Wipes a NUL-terminated string up to its terminator, then g_free()s it.  NULL is fine. */
CR_EXPORT void cr_secret_free (char *secret);
/* Wipes @len bytes at @data (which may hold NULs), then g_free()s it.  NULL is fine. */
CR_EXPORT void cr_secret_free_sized (void *data, size_t len);
/* cr_secret_free (*@secret), then *@secret = NULL: what cr_autosecret calls. */
CR_EXPORT void cr_secret_freep (char **secret);
/* Wipes the whole allocation of @string, then frees it.  NULL is fine. */
CR_EXPORT void cr_secret_string_free (GString *string);
/* Declares a char * that is wiped and freed when it goes out of scope. */
#define cr_autosecret __attribute__((cleanup (cr_secret_freep)))

/* Makes the process undumpable (no core file, no ptrace by peers) while it
 * holds secrets. */
CR_EXPORT void cr_secret_protect_process (void);
/* What a program that prints tokens does first: descriptors 0-2 open (on
 * /dev/null where the caller closed them, so that no file opened later
 * takes their place), the user's locale, no
 * core dump or ptrace (cr_secret_protect_process()), stdout unbuffered
 * (stdio's buffer would keep a copy of what is printed), GLib's debug
 * messages on stderr (stdout is the token, JSON or git's protocol), and
 * g_printerr() transliterating to ASCII in a locale that is not UTF-8
 * (GLib's quotes read as quotes in the C locale, not as '?'). */
CR_EXPORT void cr_secret_prepare_front_end (void);

/* ---- accounts.conf (config.c) ------------------------------------------ */

typedef struct _CrConfig CrConfig;
typedef struct _CrProvider CrProvider;

/* One group of accounts.conf.  Read-only for callers. */
typedef struct {
  char *name;
  char *config_path;
  char *provider;
  char *token_url;  /* nullable: the provider's default */
  char *host;       /* nullable: fills {host} */
  char *client_id;
  char *username;   /* nullable: password grant only */
  char *ca_file;    /* nullable: extra trust anchor */
  char **urls;      /* API URLs the token is for; nullable */
  int timeout;      /* total seconds for a token request */
  gint64 min_valid; /* seconds, or -1 for the default policy */
  char *endpoint;   /* the token URL, checked; NULL until cr_account_resolve() */
  GHashTable *values; /* every key of the group -> its value (provider params) */
  GHashTable *lines;  /* every key -> GINT_TO_POINTER (line number in the file) */
  /* Set by cr_account_resolve(), from the account's keys and its provider: */
  CrGrantType grant;         /* the grant it uses (grant =, else the provider's default) */
  CrClientAuth client_auth;  /* client_auth =, else the provider's */
  char *scope;               /* nullable: the scope the sign-in grants ask for */
  char *authorization_endpoint; /* nullable: where the browser signs in */
  char *device_endpoint;     /* nullable: the device authorization endpoint */
  char *revocation_endpoint; /* nullable */
  char *redirect_uri;        /* nullable: the one the account registered (redirect_uri =) */
  char *issuer;              /* nullable: the authorization server's (RFC 8414), checked in redirects */
  int signin_timeout;        /* seconds a person has to sign in */
  int secret_command_timeout; /* seconds secret_command or password_command may take */
} CrAccount;

/* TRUE for the grants that need a person (the browser, a code). */
CR_EXPORT gboolean cr_grant_needs_person (CrGrantType grant);

/* Loads @path, or $CREDRING_CONFIG, or $XDG_CONFIG_HOME/credring/accounts.conf.
 * A missing file is an empty configuration.  A syntax error is CR_ERROR_CONFIG. */
CR_EXPORT CrConfig *cr_config_load (const char *path, GError **error);
/* The accounts file read when none is named: $CREDRING_CONFIG, else
 * $XDG_CONFIG_HOME/credring/accounts.conf. */
CR_EXPORT char *cr_config_default_path (void);
/* Loads @path, a file someone named (credring --config FILE): the same,
 * except that a missing file is CR_ERROR_CONFIG ("PATH: No such file or
 * directory"), not an empty configuration. */
CR_EXPORT CrConfig *cr_config_load_file (const char *path, GError **error);
/* What cr_config_load() (or, @must_exist, cr_config_load_file()) does for
 * a program that needs only @account: the file is read and checked whole
 * (owner, mode, size), but only that account's group is parsed, so that a
 * file of many accounts costs little more than one.  A syntax error in
 * another group goes unseen here (cr_config_load() sees it); the
 * configuration holds @account alone. */
CR_EXPORT CrConfig *cr_config_load_account_only (const char *path, gboolean must_exist,
                                                 const char *account, GError **error);
/* The file @config was read from (whether it existed or not), as named or
 * as cr_config_default_path() made it; valid as long as @config. */
CR_EXPORT const char *cr_config_get_path (CrConfig *config);
/* Warnings about the file itself (e.g. group- or world-readable), one line
 * each; free with g_strfreev(). */
CR_EXPORT char **cr_config_get_warnings (CrConfig *config);
/* The account names in file order; free with g_strfreev(). */
CR_EXPORT char **cr_config_list_accounts (CrConfig *config);
/* CR_ERROR_CONFIG when the account does not exist or misses a common key. */
CR_EXPORT CrAccount *cr_config_get_account (CrConfig *config, const char *name, GError **error);
/* Free @config or @account (NULL is fine).  Accounts taken from a
 * configuration are their own: either may be freed first. */
CR_EXPORT void cr_config_free (CrConfig *config);
CR_EXPORT void cr_account_free (CrAccount *account);

/* Checks @account against what @provider needs, once, and fills in its
 * endpoint (the token URL its requests go to): required keys (a missing
 * one is CR_ERROR_CONFIG naming the account, the key, and a key that looks
 * like a typo of it), the token URL (https; http only to this machine),
 * what the provider's client authentication allows.  Unknown keys and
 * values that hold a would-be trailing comment are appended to @warnings
 * (nullable) as "FILE:LINE: ..." lines.  Everything that takes an account
 * afterwards (requests, the cache) takes it resolved. */
CR_EXPORT gboolean cr_account_resolve (CrAccount *account, const CrPluginDescriptor *provider,
                                       GPtrArray *warnings, GError **error);

/* The account @name of @config with its provider loaded into *@provider
 * and resolved against it: what a front end does before anything else.
 * A provider that leaves its endpoints to its issuer is completed first:
 * from the discovery cache ($XDG_CACHE_HOME/credring/discovery/) when it
 * is fresh, else by fetching the issuer's metadata with the account's
 * ca_file and timeout (CR_ERROR_NETWORK when that fails or the server
 * answers wrongly, CR_ERROR_CONFIG when its answer does not suit the
 * provider).
 * The provider's own warnings (a provider file shadowed by a plugin) and
 * the account's are appended to @warnings (nullable). */
CR_EXPORT CrAccount *cr_config_open_account (CrConfig *config, const char *name,
                                             CrProvider **provider, GPtrArray *warnings,
                                             GError **error);

/* The account keys @provider needs (@required: provider, client_id, host
 * or token_url, username, its required parameters) or may take (its other
 * parameters, token_url, url, ca_file, timeout, min_valid), in that order.
 * The rules of cr_account_resolve(), for showing; an endpoint the
 * provider's issuer tells (cr_provider_needs_discovery()) is not required.
 * Free with g_strfreev(). */
CR_EXPORT char **cr_provider_account_keys (const CrPluginDescriptor *provider,
                                           gboolean required);

/* ---- provider loader (loader.c) ---------------------------------------- */

/* Where a provider came from. */
typedef enum {
  CR_PROVIDER_KIND_PLUGIN = 1, /* a plugin, NAME.so */
  CR_PROVIDER_KIND_FILE = 2,     /* a provider file, NAME.conf (doc/writing-a-provider.md) */
} CrProviderKind;

/* Loads the provider NAME: the plugin NAME.so from the plugin directories
 * (cr_plugin_dirs()), else the provider file NAME.conf from the provider
 * file directories (cr_provider_file_dirs()), and validates it.  A plugin
 * wins over a provider file of the same name, which is then named in the
 * plugin's warnings.  Failures are CR_ERROR_CONFIG with a message naming
 * the file and the reason. */
CR_EXPORT CrProvider *cr_provider_load (const char *name, GError **error);
/* Loads every provider found, plugins and provider files; those that fail
 * are skipped and their errors' messages appended to @failures (nullable),
 * as are provider files that a plugin of the same name overrides.  Sorted
 * by name. */
CR_EXPORT GPtrArray *cr_provider_load_all (GPtrArray *failures);
/* The descriptor, valid as long as @provider.  Its fields of ABI minors newer
 * than the plugin was built for read as zero/NULL. */
CR_EXPORT const CrPluginDescriptor *cr_provider_get_descriptor (CrProvider *provider);
/* The file it was loaded from. */
CR_EXPORT const char *cr_provider_get_path (CrProvider *provider);
/* Whether it is a plugin or a provider file. */
CR_EXPORT CrProviderKind cr_provider_get_kind (CrProvider *provider);
/* Things worth telling about how it was found, one line each (NULL-terminated, may be empty). */
CR_EXPORT const char *const *cr_provider_get_warnings (CrProvider *provider);
/* TRUE while @provider waits for its issuer's metadata (RFC 8414): it names
 * an issuer and leaves out its token URL, an endpoint of a grant it
 * offers, or (a provider file) its grants or client authentication.  The
 * descriptor's values there are not final until an account resolved
 * against it (cr_config_open_account()) has discovered them, from the
 * discovery cache or the issuer. */
CR_EXPORT gboolean cr_provider_needs_discovery (CrProvider *provider);
/* Another reference to @provider, for code that keeps it beyond its
 * caller's (cr_token_get_async() does); returns @provider. */
CR_EXPORT CrProvider *cr_provider_ref (CrProvider *provider);
/* Drops a reference: the last one unloads the provider. */
CR_EXPORT void cr_provider_free (CrProvider *provider);
/* Directories searched for plugins, in order: $CREDRING_PLUGIN_DIR (a
 * colon list) when set, else the compiled-in one.  Free with g_strfreev(). */
CR_EXPORT char **cr_plugin_dirs (void);
/* Directories searched for provider files, in order:
 * $XDG_CONFIG_HOME/credring/providers, then $CREDRING_PROVIDER_DIR (a colon
 * list) when set, else $(datadir)/credring/providers.  Free with g_strfreev(). */
CR_EXPORT char **cr_provider_file_dirs (void);

/* ---- names of the descriptor's enums (provider/names.c) ----------------- */

/* The names of the grant, the client authentication and the body format,
 * for showing a provider as `credring providers --describe` does; each
 * enum has one table, which provider files, requests and JSON read too.
 * _to_string(): the name provider files, JSON and the wire use
 * ("client_credentials", "basic-raw", "json"), NULL for a value this core
 * does not know.  _describe(): the words for people ("client
 * credentials", "HTTP Basic"), "(unknown)" for a value it does not know. */
CR_EXPORT const char *cr_grant_to_string (CrGrantType grant);
CR_EXPORT const char *cr_grant_describe (CrGrantType grant);
CR_EXPORT const char *cr_client_auth_to_string (CrClientAuth auth);
CR_EXPORT const char *cr_client_auth_describe (CrClientAuth auth);
CR_EXPORT const char *cr_body_format_to_string (CrBodyFormat format);
CR_EXPORT const char *cr_body_format_describe (CrBodyFormat format);
/* Every grant @provider offers, as CR_GRANT_BIT()s: its grant set, or
 * (0, before ABI 1.2) its one grant. */
CR_EXPORT unsigned int cr_provider_grant_set (const CrPluginDescriptor *provider);

/* ---- token endpoint (endpoint.c) --------------------------------------- */

/* The secrets a request needs: client_secret always, password for the password grant. */
typedef struct {
  const char *client_secret;
  const char *password;
} CrClientSecrets;

/* ---- a token endpoint's answer ------------------------------------------ */

/* The longest access token credring takes, in bytes (it is ASCII): far more
 * than a big JWT (~8 KiB), and what every output carries, git's protocol
 * included (CR_PROTO_MAX_LINE leaves room for it).  An answer with a longer
 * one is CR_ERROR_NETWORK, like any answer that is not a valid token, and
 * nothing is cached. */
#define CR_TOKEN_MAX_BYTES (64 * 1024)



/* ---- tokens (token.c, response.c) -------------------------------------- */

typedef struct {
  char *access_token; /* secret; printable ASCII */
  char *token_type;   /* "Bearer" as the provider spelled it */
  gint64 issued_at;   /* unix seconds */
  gint64 expires_at;  /* unix seconds */
  char *fingerprint;  /* nullable: the account settings it was issued for (cache.c) */
  /* secret, nullable: the refresh token that came with it (RFC 6749 §5.1).
   * Kept apart in the keyring, never in the cached token's item. */
  char *refresh_token;
} CrToken;

/* Wipes the access and refresh tokens, then frees @token.  NULL is fine. */
CR_EXPORT void cr_token_free (CrToken *token);
/* TRUE when @token has at least @min_valid (-1: the default) seconds left at @now. */
CR_EXPORT gboolean cr_token_is_fresh (const CrToken *token, gint64 now, gint64 min_valid);


/* ---- the token request (request.c) ------------------------------------- */

/* What the secrets are replaced by in a masked request. */
#define CR_REQUEST_MASK "********"

/* A token request, as credring sends it (a POST). */
typedef struct {
  char *url;
  const char *content_type;
  /* "Name: value" lines in the order sent: Content-Type, Accept,
   * User-Agent, then the plugin's own (add_headers).  None is secret. */
  char **headers;
  char *authorization; /* secret; "Basic ..." when the client authenticates so, else NULL */
  char *body;          /* secret; NUL-terminated */
  gsize body_len;
  gboolean masked;     /* every secret in it is CR_REQUEST_MASK */
} CrRequest;

/* The same request with every secret (client secret, password, the Basic
 * credentials) shown as CR_REQUEST_MASK, built without any secret: what
 * `credring token --dry-run` shows. */
CR_EXPORT CrRequest *cr_request_build_masked (const CrPluginDescriptor *provider,
                                              const CrAccount *account, GError **error);
/* A masked request as text: the request line (method and URL), the
 * headers credring sets (curl adds Host and Content-Length), an empty
 * line and the body.  NULL for a request that is not masked. */
CR_EXPORT char *cr_request_format (const CrRequest *request);
/* Wipes the secrets (authorization, body), then frees @request.  NULL is fine. */
CR_EXPORT void cr_request_free (CrRequest *request);

/* ---- keyring (store.c) ------------------------------------------------- */

typedef enum {
  CR_SECRET_CLIENT_SECRET,
  CR_SECRET_PASSWORD,
  CR_SECRET_REFRESH_TOKEN, /* from the provider; in the default collection, like the others */
} CrSecretKind;

/* "client secret", "password", "refresh token": for people. */
CR_EXPORT const char *cr_secret_kind_describe (CrSecretKind kind);

/* Secret; NULL without an error when not stored. */
CR_EXPORT char *cr_store_lookup_secret (const char *account, CrSecretKind kind, GError **error);
/* Drops the connection to the Secret Service; for a clean exit. */
CR_EXPORT void cr_store_disconnect (void);

/* ---- where an account's secrets come from (cache/secrets.c) ------------ */

/* The first of these that has the secret is where it comes from: only the
 * keyring is filled by `credring login`; the others are read, never stored. */
typedef enum {
  CR_SECRET_SOURCE_KEYRING,
  /* $CREDENTIALS_DIRECTORY/credring.ACCOUNT.KIND (KIND client_secret,
   * password or refresh_token): LoadCredential= in a systemd service */
  CR_SECRET_SOURCE_SYSTEMD_CREDENTIAL,
  /* the account's secret_command (client secret) or password_command */
  CR_SECRET_SOURCE_COMMAND,
} CrSecretSource;

/* Where @kind of @account comes from: a systemd credential when there is
 * one for it, else its command key when it has one, else the keyring.
 * Nothing is read or run. */
CR_EXPORT CrSecretSource cr_secret_source_of (const CrAccount *account, CrSecretKind kind);
/* "keyring", "systemd credential", "secret_command", "password_command". */
CR_EXPORT const char *cr_secret_source_describe (CrSecretSource source, CrSecretKind kind);
/* Secret: @kind of @account from where it comes (cr_secret_source_of());
 * NULL without an error when it comes from the keyring and none is stored
 * there.  A credential or a command that fails is CR_ERROR_KEYRING, one
 * line naming the account and the file or key, never the secret. */
CR_EXPORT char *cr_secret_load (const CrAccount *account, CrSecretKind kind, GError **error);

/* Where a secret or a token is kept.  Without a Secret Service (no session
 * bus, or none on it: learnt from the first keyring call, and for the
 * rest of the process) credring keeps both in the kernel keyring, until
 * reboot; a Secret Service that is there but locked is CR_ERROR_KEYRING
 * as ever.  Without either, CR_ERROR_KEYRING naming the ways out: never a
 * plain file. */
typedef enum {
  CR_SECRET_STORE_NONE = 0, /* not stored */
  CR_SECRET_STORE_SECRET_SERVICE = 1,
  CR_SECRET_STORE_KERNEL = 2, /* the kernel keyring (core/keyring/kernel.h) */
} CrSecretStore;

/* "Secret Service", "kernel keyring (until reboot)": for people; NULL for
 * CR_SECRET_STORE_NONE. */
CR_EXPORT const char *cr_secret_store_describe (CrSecretStore store);
/* "secret-service", "kernel": for JSON; NULL for CR_SECRET_STORE_NONE. */
CR_EXPORT const char *cr_secret_store_to_string (CrSecretStore store);

/* ---- obtaining a token (cache.c, lock.c) ------------------------------- */

/* Fetches a new token with @credentials; stores nothing.  The account's
 * ca_file is read first, as accounts.conf is: one that is not a regular
 * file of at most 1 MiB of text is CR_ERROR_CONFIG, and nothing is sent.
 * The HTTP side lives in a module loaded on first use
 * ($CREDRING_FETCH_MODULE, else the installed one), so that programs that
 * only read the cache never load libcurl and its dependencies. */
CR_EXPORT CrToken *cr_token_fetch (const CrAccount *account, const CrPluginDescriptor *provider,
                                   const CrClientSecrets *credentials, GError **error);

/* Stores @credentials as @account's secrets and @token (fetched with them;
 * NULL: none) as its cached token, replacing what was there, under the
 * account's lock so that no fetch with the old secrets lands afterwards. */
CR_EXPORT gboolean cr_cache_store_login (const CrAccount *account,
                                         const CrPluginDescriptor *provider,
                                         const CrClientSecrets *credentials, const CrToken *token,
                                         GError **error);
/* Drops @account's cached token, and with @secrets_too its secrets first, under
 * its lock: secrets in a locked keyring are an error that leaves the token too. */
CR_EXPORT gboolean cr_cache_forget (const CrAccount *account, gboolean secrets_too,
                                    GError **error);
/* Drops @account's cached token if it is @refused (compared in constant
 * time; NULL: nothing is dropped), under its lock, as cr_cache_forget()
 * does: what git's erase does with a token a server refused.  TRUE also
 * when the cached token is another, or none. */
CR_EXPORT gboolean cr_cache_forget_token_if (const CrAccount *account, const char *refused,
                                             GError **error);

/* A token with at least @min_valid (-1: the account's or the default)
 * seconds left: the cached one when it qualifies and @force_refresh is
 * FALSE, else a new one fetched with the stored secrets under the account's
 * lock and stored (ca_file read, as for cr_token_fetch(), before the lock
 * is taken).  The cache-hit path does one keyring lookup and no HTTP. */
CR_EXPORT CrToken *cr_cache_get_token (const CrAccount *account, CrProvider *provider,
                                       gint64 min_valid, gboolean force_refresh,
                                       GError **error);

/* ---- signing a person in (cache.c, signin/) ------------------------------ */

/* Whether a token request may start a sign-in when the account needs a
 * person (its grant signs one in and no refresh token serves). */
typedef enum {
  /* Never: CR_ERROR_REJECTED, naming 'credring login ACCOUNT', at once. */
  CR_SIGNIN_NEVER = 0,
  /* When someone can answer: a terminal on stderr, or for the browser a
   * desktop session (DISPLAY or WAYLAND_DISPLAY); else as NEVER. */
  CR_SIGNIN_IF_SOMEONE_ANSWERS = 1,
  /* The person asked for it (credring login). */
  CR_SIGNIN_ALWAYS = 2,
} CrSigninPolicy;

typedef enum {
  /* The account's grant; the device flow instead of the browser when
   * there is no desktop session and the provider has a device endpoint. */
  CR_SIGNIN_METHOD_DEFAULT = 0,
  CR_SIGNIN_METHOD_BROWSER = 1,
  CR_SIGNIN_METHOD_DEVICE = 2,
} CrSigninMethod;

typedef struct {
  gint64 min_valid;          /* -1: the account's or the default */
  gboolean force_refresh;    /* a new token even if the cached one is fresh */
  CrSigninPolicy signin;
  CrSigninMethod method;
  /* The browser is not opened: the URL is printed on stderr, and the
   * redirected URL is taken from stdin too (for a browser on another
   * machine, e.g. over SSH). */
  gboolean no_browser;
  /* What the person must see to sign in (the URL, the code), one line at
   * a time, none secret.  NULL: stderr. */
  void (*tell) (const char *line, gpointer user_data);
  gpointer tell_data;
  /* Before the keyring, ask a running credring-service of this user for
   * the cached token: one local round trip instead of a Secret Service
   * session.  It answers only a token it knows the keyring still holds
   * for these settings; none running, or none to serve, costs one failed
   * connect() and the call goes on as without.  For short-lived
   * processes (the CLI, git's helper); a program that stays should call
   * the service over D-Bus instead. */
  gboolean ask_service;
} CrTokenOptions;

/* cr_cache_get_token() with @options (NULL: the defaults, no sign-in).
 * Before any grant that needs a person or a stored password, a stored
 * refresh token is used (a rotated one stored before the token is handed
 * out); one the provider refuses is dropped.  A sign-in runs under the
 * account's lock, so that processes asking at once cause one.  A
 * GCancellable the calling thread made current (g_cancellable_push_current(),
 * as cr_token_get_async() does) ends the long waits (the lock, a person's
 * sign-in) once cancelled: G_IO_ERROR_CANCELLED, the one error outside
 * CR_ERROR. */
CR_EXPORT CrToken *cr_cache_get_token_with (const CrAccount *account, CrProvider *provider,
                                            const CrTokenOptions *options, GError **error);

/* `credring login` for an account whose grant signs a person in: stores
 * @client_secret (nullable: a public client, or keep the stored one), runs
 * the sign-in (@options' method, no_browser), and stores the refresh token
 * and the token it brings, all under the account's lock.  Cancellation
 * as for cr_cache_get_token_with(). */
CR_EXPORT CrToken *cr_cache_signin (const CrAccount *account, CrProvider *provider,
                                    const char *client_secret, const CrTokenOptions *options,
                                    GError **error);

/* What became of the refresh token at logout --all. */
typedef enum {
  CR_REVOCATION_NOTHING_STORED = 0, /* none was stored */
  CR_REVOCATION_DONE = 1,           /* revoked at the provider (RFC 7009) */
  CR_REVOCATION_NO_ENDPOINT = 2,    /* the provider has no revocation endpoint */
  CR_REVOCATION_FAILED = 3,         /* the revocation failed: *revocation_error says why */
} CrRevocation;

/* logout --all: under the account's lock, held once, revokes the stored
 * refresh token at the provider, then drops the account's secrets (the
 * refresh token among them) and its cached token, whatever the
 * revocation's fate (*@revocation, and *@revocation_error when it
 * failed).  @provider is NULL when it did not load or resolve, for the
 * reason @provider_error gives: a refresh token stored is then not
 * revoked, and that is CR_REVOCATION_FAILED with that reason; so is one
 * issued under other settings of the account (CR_ERROR_CONFIG), which is
 * never sent under these.  Secrets in a locked keyring are an error that
 * leaves everything in place. */
CR_EXPORT gboolean cr_cache_forget_all (const CrAccount *account, CrProvider *provider,
                                        const GError *provider_error, CrRevocation *revocation,
                                        GError **revocation_error, GError **error);

/* ---- what is known of an account (cache/state.c) ----------------------- */

/* What `credring status` and credring-service show of an account, without
 * asking its provider: never a secret or a token. */
typedef struct {
  const char *name;        /* not owned */
  char *provider;          /* NULL: the account does not read */
  char *problem;           /* the account or its provider cannot be used: why */
  CrGrantType grant;       /* the grant it uses, once it resolved (else 0) */
  int client_secret;       /* 1 stored, 0 not, -1 unknown */
  int password;            /* 1 stored, 0 not, -1 not needed or unknown */
  int refresh_token;       /* 1 stored, 0 not, -1 unknown */
  /* Where each comes from: not the keyring means 1 above, without a
   * command having been run or a credential read. */
  CrSecretSource client_secret_source, password_source, refresh_token_source;
  gboolean public_client;  /* client_auth none: no client secret at all */
  gboolean has_token;
  gint64 expires_at;
  gboolean other_settings; /* the cached token was issued under other settings */
  gboolean will_refresh;   /* the next token request fetches a new one */
  /* Where each is kept; CR_SECRET_STORE_NONE when not stored or unknown. */
  CrSecretStore client_secret_store;
  CrSecretStore password_store;
  CrSecretStore refresh_token_store;
  CrSecretStore token_store;
} CrAccountState;

/* Fills @state (zeroed by the caller) for account @name of @config at
 * @now, and @warnings with what cr_config_open_account() warns about.
 * An account that does not resolve, or whose provider does not load, has
 * its problem said and its secrets shown all the same.  FALSE only for a
 * keyring failure (CR_ERROR_KEYRING). */
CR_EXPORT gboolean cr_account_state_collect (CrConfig *config, const char *name, gint64 now,
                                             CrAccountState *state, GPtrArray *warnings,
                                             GError **error);
/* Frees what cr_account_state_collect() put in @state (provider,
 * problem); @state itself is the caller's. */
CR_EXPORT void cr_account_state_clear (CrAccountState *state);

/* ---- asynchronously, for programs with a main loop (cache/async.c) ----- */

/* cr_cache_get_token_with() in a worker thread (GTask): @callback runs in
 * the thread-default main context of the thread that called, where
 * cr_token_get_finish() gives the token (free with cr_token_free()) or
 * the error.  Calls may overlap, in one process and across processes: the
 * account's lock still makes one provider request of them.  Each call
 * holds one of GLib's shared worker threads (GTask's pool) while it
 * waits, on the lock, the provider or a person signing in.
 *
 * What is kept, so that the caller may free its own as soon as this
 * returns: a copy of @account (resolved against @provider, as
 * cr_config_open_account() leaves it) and of @options (NULL: the
 * defaults, no sign-in), and a reference to @provider (cr_provider_ref());
 * the worker only reads them.  @options->tell runs in the caller's main
 * context too, never in the worker, and never after @callback or once
 * @cancellable is cancelled, so @options->tell_data need only live until
 * @callback has run.  With tell NULL, the lines go to stderr from the
 * worker, as the CLI writes them.
 *
 * Errors are in the CR_ERROR domain, as for the synchronous call, except
 * cancellation: G_IO_ERROR_CANCELLED.  Cancelled before the worker starts,
 * the call touches neither the keyring nor the network.  Cancelled while
 * it runs, @callback gets G_IO_ERROR_CANCELLED at once; the worker stops
 * at its next wait (for the account's lock, between a sign-in's polls,
 * within half a second while waiting for the browser's redirect), freeing
 * the lock, and finishes only what cannot be interrupted (the keyring, an
 * HTTP request under way); its answer is dropped, but what it stored
 * stays: a token it fetched is cached and serves the next call. */
CR_EXPORT void cr_token_get_async (const CrAccount *account, CrProvider *provider,
                                   const CrTokenOptions *options, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
/* In @callback: the token, or NULL and the error. */
CR_EXPORT CrToken *cr_token_get_finish (GAsyncResult *result, GError **error);

/* cr_cache_signin() in a worker thread, for an account whose grant signs a
 * person in (else CR_ERROR_CONFIG, naming `credring login`): the browser
 * or a code (@options' method and no_browser; NULL: the defaults), its
 * lines through @options->tell.  @client_secret (nullable: a public
 * client, or keep the stored one) is copied, wiped when the call ends, and
 * stored once the sign-in has worked.  Everything else is as for
 * cr_token_get_async(); finish with cr_login_finish(). */
CR_EXPORT void cr_login_async (const CrAccount *account, CrProvider *provider,
                               const char *client_secret, const CrTokenOptions *options,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
/* In @callback: the token the sign-in brought, or NULL and the error. */
CR_EXPORT CrToken *cr_login_finish (GAsyncResult *result, GError **error);

/* ---- which account a URL belongs to (match.c) -------------------------- */

/* The first account, in file order, one of whose URLs matches, opened as
 * cr_config_open_account() does: resolved, its provider in *@provider,
 * its warnings appended to @warnings (nullable).  NULL without an error
 * when none matches.  Only an account without url and token_url has its
 * provider loaded to tell its URL, and each provider is loaded at most
 * once.  An account that cannot tell its URLs (it does not read, its
 * provider does not load) is skipped with a line in @warnings naming it
 * and why.  The account that matches answers or fails: when it does not
 * resolve, or its provider does not load, that is the error
 * (CR_ERROR_CONFIG), and no account after it is tried. */
CR_EXPORT CrAccount *cr_config_match_account (CrConfig *config, const char *protocol,
                                              const char *host, const char *path,
                                              CrProvider **provider, GPtrArray *warnings,
                                              GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrConfig, cr_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrAccount, cr_account_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrProvider, cr_provider_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrRequest, cr_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrToken, cr_token_free)

G_END_DECLS

#endif /* CREDRING_H */
