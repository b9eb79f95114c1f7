/* git-credential-credring — git's credential helper protocol over credring.
 *
 *   git config credential.helper credring
 *   git config credential.https://api.example.com.helper "credring --account NAME"
 *
 * A request for an account's API URL is answered with a valid token from
 * the same cache as `credring token`; any other request makes this a
 * storage helper interchangeable with git-credential-libsecret. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include <credring/credring.h>
#include <credring/gitstore.h>
#include <credring/proto.h>

static char *opt_account;
static char *opt_config;
static gboolean opt_version;

static const GOptionEntry entries[] = {
  { "account", 'a', 0, G_OPTION_ARG_STRING, &opt_account, "Answer for this account only", "NAME" },
  { "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, "Accounts file, which must exist (default: as credring's)", "FILE" },
  { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, "Print the version", NULL },
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
write_answer (const CrGitCredential *answer)
{
  GString *out = g_string_sized_new (4096);
  GError *error = NULL;
  int status = 0;

  /* The writer refuses values that would inject a protocol line. */
  if (!cr_git_credential_write (answer, out, &error))
    status = fail (error);
  else if (fwrite (out->str, 1, out->len, stdout) != out->len || fflush (stdout) != 0)
    status = CR_ERROR_FAILED;
  cr_secret_string_free (out);
  return status;
}

static void
print_warnings (GPtrArray *warnings)
{
  for (guint i = 0; i < warnings->len; i++)
    print_message ("warning: ", g_ptr_array_index (warnings, i));
}

/* The request is for an account, resolved against @provider:
 * its token is the credential. */
static int
answer_for_account (Action action, const CrGitCredential *request, CrAccount *account,
                    CrProvider *provider)
{
  g_autoptr (CrToken) token = NULL;
  g_auto (CrGitCredential) answer = CR_GIT_CREDENTIAL_INIT;
  /* Git's own rule for its prompts: GIT_TERMINAL_PROMPT=0 means that no
   * person is there to sign in, so none is started (git-config(1)). */
  const char *prompt = g_getenv ("GIT_TERMINAL_PROMPT");
  CrTokenOptions options = {
    .min_valid = -1,
    .signin = g_strcmp0 (prompt, "0") == 0 ? CR_SIGNIN_NEVER : CR_SIGNIN_IF_SOMEONE_ANSWERS,
    .ask_service = TRUE,
  };
  GError *error = NULL;

  if (action == ACTION_STORE)
    return 0; /* the token is kept already */

  if (action == ACTION_ERASE)
    {
      /* git erases what a server refused: the token goes only if it is
       * ours, and through the cache, under the account's lock. */
      const char *refused = request->credential ? request->credential : request->password;

      return cr_cache_forget_token_if (account, refused, &error) ? 0 : fail (error);
    }

  /* A bearer token goes over plain http only to this machine, whatever the
   * configuration says. */
  if (!cr_git_credential_is_safe_for_token (request))
    {
      /* --account answers any request, whatever its protocol (smtp, ...). */
      g_autofree char *message =
        g_strdup_printf ("not sending account [%s]'s token over %s "
                         "(https only; http only to this machine)",
                         account->name,
                         request->protocol ? request->protocol : "an unnamed protocol");

      print_message ("", message);
      return 0;
    }
  token = cr_cache_get_token_with (account, provider, &options, &error);
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
answer_from_store (Action action, CrGitCredential *request)
{
  g_auto (CrGitCredential) answer = CR_GIT_CREDENTIAL_INIT;
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

/* The options and the action git asks for.  FALSE when there is nothing
 * more to do, *@status saying how it ended (an unknown action is no error:
 * the protocol says to ignore it). */
static gboolean
parse_command_line (int argc, char **argv, Action *action, int *status)
{
  static const char usage[] =
    "git-credential-credring [--account NAME] [--config FILE] get|store|erase";
  g_autoptr (GOptionContext) context = g_option_context_new ("get|store|erase");
  g_autoptr (GError) parse_error = NULL;
  const char *verb;

  *status = CR_ERROR_CONFIG;
  g_option_context_set_summary (context, "git credential helper answering with credring tokens.");
  g_option_context_add_main_entries (context, entries, NULL);
  /* GOption takes "--version=no" as --version: a flag given a value is
   * refused, as credring refuses it. */
  for (int i = 1; i < argc && !g_str_equal (argv[i], "--"); i++)
    if (g_str_has_prefix (argv[i], "--version="))
      {
        g_autofree char *shown = cr_escape_for_message (argv[i] + strlen ("--version="), -1, 40);

        g_printerr ("git-credential-credring: --version takes no value (not '%s')\n", shown);
        return FALSE;
      }
  if (!g_option_context_parse (context, &argc, &argv, &parse_error))
    {
      /* GLib quotes the option as given. */
      print_message ("", parse_error->message);
      return FALSE;
    }
  if (opt_version)
    {
      printf ("git-credential-credring %s\n", PACKAGE_VERSION);
      *status = fflush (stdout) == 0 && !ferror (stdout) ? 0 : CR_ERROR_FAILED;
      return FALSE;
    }
  if (argc < 2)
    {
      g_printerr ("usage: %s\n", usage);
      return FALSE;
    }
  /* git puts the action last, after the words of credential.helper: one
   * more ("credring placeos" for "credring --account placeos") is a
   * mistake that would let another account answer. */
  if (argc > 2)
    {
      g_autofree char *shown = cr_escape_for_message (argv[1], -1, 40);

      g_printerr ("git-credential-credring: too many arguments: '%s' (usage: %s)\n", shown, usage);
      return FALSE;
    }
  verb = argv[1];
  *status = 0;
  if (g_str_equal (verb, "get"))
    *action = ACTION_GET;
  else if (g_str_equal (verb, "store"))
    *action = ACTION_STORE;
  else if (g_str_equal (verb, "erase"))
    *action = ACTION_ERASE;
  else
    return FALSE;
  return TRUE;
}

static int
run (int argc, char **argv)
{
  g_auto (CrGitCredential) request = CR_GIT_CREDENTIAL_INIT;
  g_autoptr (CrConfig) config = NULL;
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;
  g_auto (GStrv) warnings = NULL;
  g_autoptr (GPtrArray) account_warnings = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  Action action;
  int status;

  if (!parse_command_line (argc, argv, &action, &status))
    return status;
  if (!cr_git_credential_read_fd (&request, STDIN_FILENO, &error))
    return fail (error);

  /* A file named on the command line must be there, as for credring. */
  config = opt_config ? cr_config_load_file (opt_config, &error) : cr_config_load (NULL, &error);
  if (config == NULL)
    return fail (error);
  warnings = cr_config_get_warnings (config);
  for (guint i = 0; warnings[i] != NULL; i++)
    print_message ("warning: ", warnings[i]);
  if (opt_account != NULL)
    account = cr_config_open_account (config, opt_account, &provider, account_warnings, &error);
  else
    account = cr_config_match_account (config, request.protocol, request.host, request.path,
                                       &provider, account_warnings, &error);
  print_warnings (account_warnings);
  if (error != NULL)
    return fail (error);

  if (account != NULL)
    return answer_for_account (action, &request, account, provider);
  return answer_from_store (action, &request);
}

int
main (int argc, char **argv)
{
  int status;

  cr_secret_prepare_front_end ();
  status = run (argc, argv);
  cr_store_disconnect ();
  g_free (opt_account);
  g_free (opt_config);
  return status;
}
