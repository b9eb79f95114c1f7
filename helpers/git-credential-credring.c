/* git-credential-credring — git's credential helper protocol over credring.
 *
 *   git config credential.helper credring
 *   git config credential.https://api.example.com.helper "credring --account NAME"
 *
 * A request for an account's API URL is answered with a valid token from
 * the same cache as `credring token`; any other request makes this a
 * storage helper interchangeable with git-credential-libsecret. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include <gio/gio.h>

#include <credring/credring.h>
#include <credring/gitstore.h>
#include <credring/proto.h>

static char *opt_account;
static char *opt_config;

static const GOptionEntry entries[] = {
  { "account", 'a', 0, G_OPTION_ARG_STRING, &opt_account, "Answer for this account only", "NAME" },
  { "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, "Accounts file", "FILE" },
  { NULL },
};

typedef enum { ACTION_GET, ACTION_STORE, ACTION_ERASE } Action;

/* Every message on stderr goes through here: one line, with whatever a
 * file, a server or argv put in it shown, not obeyed.  Messages from the
 * core and the parser are secret-free. */
static void
print_message (const char *prefix, const char *message)
{
  g_autofree char *shown = cr_escape_for_message (message, -1, 1000);

  g_printerr ("git-credential-credring: %s%s\n", prefix, shown);
}

static int
fail (GError *error)
{
  int status = cr_error_exit_status (error);

  print_message ("", error->message);
  g_error_free (error);
  return status;
}

static int
write_answer (const CrCredential *answer)
{
  GString *out = g_string_sized_new (4096);
  GError *error = NULL;
  int status = 0;

  /* The writer refuses values that would inject a protocol line. */
  if (!cr_credential_write (answer, out, &error))
    status = fail (error);
  else if (fwrite (out->str, 1, out->len, stdout) != out->len || fflush (stdout) != 0)
    status = CR_ERROR_FAILED;
  cr_secret_string_free (out);
  return status;
}

static gboolean
is_safe_destination (const CrCredential *request)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *url = NULL;
  g_autoptr (GInetAddress) address = NULL;
  const char *host;

  if (request->protocol != NULL && g_str_equal (request->protocol, "https"))
    return TRUE;
  if (request->protocol == NULL || !g_str_equal (request->protocol, "http") ||
      request->host == NULL)
    return FALSE;
  url = g_strconcat ("http://", request->host, "/", NULL);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  host = uri ? g_uri_get_host (uri) : NULL;
  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* The request is for an account: its token is the credential. */
static int
answer_for_account (Action action, const CrCredential *request, CrAccount *account)
{
  g_autoptr (CrPlugin) plugin = NULL;
  g_autoptr (CrToken) token = NULL;
  g_auto (CrCredential) answer = CR_CREDENTIAL_INIT;
  GError *error = NULL;

  if (action == ACTION_STORE)
    return 0; /* the token is kept already */

  if (action == ACTION_ERASE)
    {
      /* git erases what a server refused: drop the token only if it is ours. */
      const char *refused = request->credential ? request->credential : request->password;

      token = cr_store_lookup_token (account->name, &error);
      if (error != NULL)
        return fail (error);
      if (token != NULL && refused != NULL && cr_secret_equal (token->access_token, refused) &&
          !cr_store_clear_token (account->name, &error))
        return fail (error);
      return 0;
    }

  /* A bearer token goes over plain http only to this machine, whatever the
   * configuration says. */
  if (!is_safe_destination (request))
    {
      g_autofree char *message = g_strdup_printf ("not sending account [%s]'s token over plain %s",
                                                  account->name,
                                                  request->protocol ? "http" : "text");

      print_message ("", message);
      return 0;
    }
  plugin = cr_plugin_load (account->provider, &error);
  if (plugin == NULL || !cr_account_check (account, cr_plugin_get_descriptor (plugin), NULL, &error))
    return fail (error);
  token = cr_cache_get_token (account, plugin, -1, FALSE, &error);
  if (token == NULL)
    return fail (error);

  answer.password_expiry_utc = token->expires_at;
  if ((request->capabilities & CR_CAPABILITY_AUTHTYPE) != 0)
    {
      answer.capabilities = CR_CAPABILITY_AUTHTYPE;
      answer.authtype = g_strdup ("Bearer");
      answer.credential = g_strdup (token->access_token);
      answer.ephemeral = TRUE;
    }
  else
    {
      answer.username = g_strdup (account->username ? account->username : account->client_id);
      answer.password = g_strdup (token->access_token);
    }
  return write_answer (&answer);
}

/* No account answers: keep and serve what git gives, as git's libsecret helper does. */
static int
answer_from_store (Action action, CrCredential *request)
{
  g_auto (CrCredential) answer = CR_CREDENTIAL_INIT;
  GError *error = NULL;

  if (action == ACTION_STORE)
    return cr_git_store_save (request, &error) ? 0 : fail (error);
  if (action == ACTION_ERASE)
    return cr_git_store_erase (request, &error) ? 0 : fail (error);

  if (!cr_git_store_get (request, &error))
    return fail (error);
  if (request->password == NULL)
    return 0;
  answer.username = g_steal_pointer (&request->username);
  answer.password = g_steal_pointer (&request->password);
  answer.password_expiry_utc = request->password_expiry_utc;
  answer.oauth_refresh_token = g_steal_pointer (&request->oauth_refresh_token);
  return write_answer (&answer);
}

static int
run (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("get|store|erase");
  g_auto (CrCredential) request = CR_CREDENTIAL_INIT;
  g_autoptr (CrConfig) config = NULL;
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_auto (GStrv) warnings = NULL;
  GError *error = NULL;
  const char *verb;
  Action action;

  g_option_context_set_summary (context, "git credential helper answering with credring tokens.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &parse_error))
    {
      /* GLib quotes the option as given. */
      print_message ("", parse_error->message);
      return CR_ERROR_CONFIG;
    }
  if (argc < 2)
    {
      g_printerr ("usage: git-credential-credring [--account NAME] get|store|erase\n");
      return CR_ERROR_CONFIG;
    }
  /* git puts the action last, after the options from credential.helper. */
  verb = argv[argc - 1];
  if (g_str_equal (verb, "get"))
    action = ACTION_GET;
  else if (g_str_equal (verb, "store"))
    action = ACTION_STORE;
  else if (g_str_equal (verb, "erase"))
    action = ACTION_ERASE;
  else
    return 0; /* the protocol: unknown actions are ignored */

  if (!cr_credential_read_fd (&request, STDIN_FILENO, &error))
    return fail (error);

  config = cr_config_load (opt_config, &error);
  if (config == NULL)
    return fail (error);
  warnings = cr_config_get_warnings (config);
  for (guint i = 0; warnings[i] != NULL; i++)
    print_message ("warning: ", warnings[i]);
  if (opt_account != NULL)
    {
      account = cr_config_get_account (config, opt_account, &error);
      if (account == NULL)
        return fail (error);
    }
  else
    account = cr_config_match_account (config, request.protocol, request.host, request.path);

  if (account != NULL)
    return answer_for_account (action, &request, account);
  return answer_from_store (action, &request);
}

int
main (int argc, char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  cr_secret_protect_process ();
  /* Unbuffered: stdio's buffer would keep a copy of the token we answer. */
  setvbuf (stdout, NULL, _IONBF, 0);
  /* GLib writes debug messages (G_MESSAGES_DEBUG) to stdout, which is
   * git's protocol: a line it cannot read there loses the answer. */
  g_log_writer_default_set_use_stderr (TRUE);
  status = run (argc, argv);
  cr_store_disconnect ();
  g_free (opt_account);
  g_free (opt_config);
  return status;
}
