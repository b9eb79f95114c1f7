/* credring doctor: one line per check of what credring needs, each saying
 * ok or what is wrong and what fixes it.  Never a secret: secrets are only
 * said to be found, and where; the token URL is asked without any. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include <credring/credring.h>

#include "doctor.h"
#include "json-output.h"
#include "keyring/health.h"
#include "token/probe.h"

/* Farther apart than this, tokens look expired early or valid late. */
#define MAX_CLOCK_SKEW_SECONDS 60

typedef enum {
  VERDICT_OK,
  VERDICT_PROBLEM,
  VERDICT_NOT_NEEDED, /* passes: another way serves (no Secret Service, say) */
} Verdict;

typedef struct {
  char *check;   /* "session bus", "account [x]: token URL" */
  Verdict verdict;
  char *detail;  /* what was found, or what is wrong */
  char *fix;     /* nullable: what to run */
} Check;

static void
check_free (gpointer data)
{
  Check *check = data;

  g_free (check->check);
  g_free (check->detail);
  g_free (check->fix);
  g_free (check);
}

static void add (GPtrArray *checks, Verdict verdict, const char *check, const char *fix,
                 const char *format, ...) G_GNUC_PRINTF (5, 6);

static void
add (GPtrArray *checks, Verdict verdict, const char *check, const char *fix, const char *format,
     ...)
{
  Check *c = g_new0 (Check, 1);
  va_list args;

  va_start (args, format);
  c->detail = g_strdup_vprintf (format, args);
  va_end (args);
  c->check = g_strdup (check);
  c->verdict = verdict;
  c->fix = g_strdup (fix);
  g_ptr_array_add (checks, c);
}

/* ---- the keyring --------------------------------------------------------- */

static void
check_keyring (GPtrArray *checks)
{
  CrKeyringHealth health;
  Verdict missing;

  cr_keyring_health_check (&health);
  /* Without a Secret Service, credring keeps what it must in the kernel
   * keyring: the desktop's is then not needed. */
  missing = health.kernel_keyring ? VERDICT_NOT_NEEDED : VERDICT_PROBLEM;
  if (health.kernel_keyring)
    add (checks, VERDICT_OK, "kernel keyring", NULL, "usable (where no Secret Service is)");
  else
    add (checks, health.secret_service && health.service_problem == NULL ? VERDICT_NOT_NEEDED
                                                                          : VERDICT_PROBLEM,
         "kernel keyring", "allow the keyctl system calls (a container's seccomp profile)",
         "not usable: %s", health.kernel_problem);
  if (health.session_bus)
    add (checks, VERDICT_OK, "session bus", NULL, "present");
  else
    add (checks, missing, "session bus",
         missing == VERDICT_NOT_NEEDED ? NULL
                                       : "run credring in a desktop session (or over SSH with "
                                         "a systemd user session: loginctl enable-linger)",
         "none: %s%s", health.bus_problem,
         missing == VERDICT_NOT_NEEDED ? " (the kernel keyring serves instead)" : "");
  if (!health.session_bus)
    ;
  else if (!health.secret_service)
    add (checks, missing, "Secret Service",
         missing == VERDICT_NOT_NEEDED ? NULL : "apt-get install gnome-keyring (and log in again)",
         "nothing provides org.freedesktop.secrets on the session bus%s",
         missing == VERDICT_NOT_NEEDED ? " (the kernel keyring serves instead)" : "");
  else if (health.service_problem != NULL)
    add (checks, VERDICT_PROBLEM, "Secret Service", "restart gnome-keyring-daemon",
         "does not answer: %s", health.service_problem);
  else
    {
      add (checks, VERDICT_OK, "Secret Service", NULL, "present");
      if (health.default_unlocked == 1)
        add (checks, VERDICT_OK, "default collection", NULL, "unlocked");
      else if (health.default_unlocked == 0)
        add (checks, VERDICT_PROBLEM, "default collection",
             "unlock it: log in to the desktop again, or open Seahorse (Passwords and Keys)",
             "locked: stored secrets cannot be read");
      else
        add (checks, VERDICT_PROBLEM, "default collection",
             "create one in Seahorse (Passwords and Keys) and make it the default",
             "none: secrets have nowhere to be stored");
      if (health.session_collection)
        add (checks, VERDICT_OK, "session collection", NULL, "present (tokens live in memory)");
      else
        add (checks, VERDICT_PROBLEM, "session collection",
             "use gnome-keyring, whose session collection keeps tokens in memory",
             "none: tokens cannot be cached");
    }
  cr_keyring_health_clear (&health);
}

/* ---- files and directories ---------------------------------------------- */

static void
check_directory (GPtrArray *checks, const char *what, const char *dir)
{
  g_autofree char *name = g_strdup_printf ("%s %s", what, dir);
  g_autofree char *fix = NULL;
  struct stat st;

  if (stat (dir, &st) != 0)
    return; /* not there: nothing can be loaded from it, nothing to check */
  if (st.st_uid != getuid () && st.st_uid != 0)
    {
      add (checks, VERDICT_PROBLEM, name, "move what you need to a directory of yours",
           "owned by uid %u, neither you nor root: nothing in it is loaded", (unsigned) st.st_uid);
      return;
    }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_autofree char *shown = cr_escape_for_message (dir, -1, 300);

      fix = g_strdup_printf ("chmod go-w '%s'", shown);
      add (checks, VERDICT_PROBLEM, name, fix,
           "others may write it: nothing in it is loaded (mode %04o)", st.st_mode & 07777);
      return;
    }
  add (checks, VERDICT_OK, name, NULL, "owned by %s, not writable by others",
       st.st_uid == 0 ? "root" : "you");
}

static void
check_directories (GPtrArray *checks)
{
  g_auto (GStrv) plugin_dirs = cr_plugin_dirs ();
  g_auto (GStrv) file_dirs = cr_provider_file_dirs ();

  for (guint i = 0; plugin_dirs[i] != NULL; i++)
    check_directory (checks, "plugin directory", plugin_dirs[i]);
  for (guint i = 0; file_dirs[i] != NULL; i++)
    check_directory (checks, "provider file directory", file_dirs[i]);
}

/* The accounts file; NULL when it does not load (said as a check). */
static CrConfig *
check_accounts_file (GPtrArray *checks, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *fix = NULL;
  CrConfig *config;
  g_auto (GStrv) warnings = NULL;

  config = path != NULL ? cr_config_load_file (path, &error) : cr_config_load (NULL, &error);
  if (config == NULL)
    {
      add (checks, VERDICT_PROBLEM, "accounts file", "correct what the message says",
           "%s", error->message);
      return NULL;
    }
  warnings = cr_config_get_warnings (config);
  for (guint i = 0; warnings[i] != NULL; i++)
    add (checks, VERDICT_PROBLEM, "accounts file", "correct what the message says", "%s",
         warnings[i]);
  if (!g_file_test (cr_config_get_path (config), G_FILE_TEST_EXISTS))
    {
      fix = g_strdup_printf ("write one: see README.md, \"Your first account\" (%s)",
                             cr_config_get_path (config));
      add (checks, VERDICT_PROBLEM, "accounts file", fix, "%s does not exist",
           cr_config_get_path (config));
    }
  else if (warnings[0] == NULL)
    add (checks, VERDICT_OK, "accounts file", NULL, "%s: yours, not writable by others",
         cr_config_get_path (config));
  return config;
}

/* ---- accounts ------------------------------------------------------------ */

/* "stored in the keyring", "from secret_command", "missing". */
static void
check_secret (GPtrArray *checks, const char *name, const char *account, CrSecretKind kind,
              int stored, CrSecretSource source)
{
  g_autofree char *check = g_strdup_printf ("account [%s]: %s", account,
                                            cr_secret_kind_describe (kind));
  g_autofree char *fix = g_strdup_printf ("credring login %s", account);

  if (stored == 1 && source != CR_SECRET_SOURCE_KEYRING)
    add (checks, VERDICT_OK, check, NULL, "from %s", cr_secret_source_describe (source, kind));
  else if (stored == 1)
    add (checks, VERDICT_OK, check, NULL, "stored in the keyring");
  else if (stored == 0)
    add (checks, VERDICT_PROBLEM, check, fix, "not stored");
}

static void
check_clock (GPtrArray *checks, const char *check, const CrEndpointProbe *probe)
{
  gint64 skew = probe->server_time - probe->checked_at;

  if (probe->server_time < 0)
    add (checks, VERDICT_NOT_NEEDED, check, NULL, "the server sent no Date to compare with");
  else if (ABS (skew) <= MAX_CLOCK_SKEW_SECONDS)
    add (checks, VERDICT_OK, check, NULL, "within %" G_GINT64_FORMAT " s of the server's",
         ABS (skew));
  else
    add (checks, VERDICT_PROBLEM, check, "timedatectl set-ntp true",
         "%" G_GINT64_FORMAT " s %s the server's: tokens look valid when they are not, or "
         "the other way round",
         ABS (skew), skew > 0 ? "behind" : "ahead of");
}

static void
check_endpoint (GPtrArray *checks, const CrAccount *account)
{
  g_autofree char *check = g_strdup_printf ("account [%s]: token URL", account->name);
  g_autofree char *clock = g_strdup_printf ("account [%s]: clock", account->name);
  g_autoptr (GError) error = NULL;
  CrEndpointProbe probe;

  if (!cr_account_probe_token_url (account, &probe, &error))
    {
      add (checks, VERDICT_PROBLEM, check,
           error->code == CR_ERROR_CONFIG ? "correct ca_file in the accounts file"
                                          : "check the address, the network, and ca_file",
           "%s: %s", account->token_url, error->message);
      return;
    }
  add (checks, VERDICT_OK, check, NULL, "%s answers over trusted TLS (HTTP %ld to a GET)",
       account->token_url, probe.http_status);
  check_clock (checks, clock, &probe);
}

static gboolean
check_account (GPtrArray *checks, CrConfig *config, const char *name, GError **error)
{
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (CrAccount) account = NULL;
  g_autoptr (CrProvider) provider = NULL;
  g_autoptr (GError) problem = NULL;
  g_autofree char *check = g_strdup_printf ("account [%s]", name);
  CrAccountState state = { 0 };

  if (!cr_account_state_collect (config, name, g_get_real_time () / G_USEC_PER_SEC, &state,
                                 warnings, error))
    {
      cr_account_state_clear (&state);
      return FALSE;
    }
  if (state.problem != NULL)
    {
      add (checks, VERDICT_PROBLEM, check, "correct the account, or see: credring providers",
           "%s", state.problem);
      cr_account_state_clear (&state);
      return TRUE;
    }
  add (checks, VERDICT_OK, check, NULL, "provider %s, grant %s", state.provider,
       cr_grant_to_string (state.grant));
  if (!state.public_client)
    check_secret (checks, check, name, CR_SECRET_CLIENT_SECRET, state.client_secret,
                  state.client_secret_source);
  check_secret (checks, check, name, CR_SECRET_PASSWORD, state.password, state.password_source);
  if (cr_grant_needs_person (state.grant))
    check_secret (checks, check, name, CR_SECRET_REFRESH_TOKEN, state.refresh_token,
                  state.refresh_token_source);
  cr_account_state_clear (&state);
  account = cr_config_open_account (config, name, &provider, warnings, &problem);
  if (account != NULL)
    check_endpoint (checks, account);
  return TRUE;
}

/* ---- output -------------------------------------------------------------- */

static const char *const verdict_words[] = {
  [VERDICT_OK] = "ok",
  [VERDICT_PROBLEM] = "PROBLEM",
  [VERDICT_NOT_NEEDED] = "not needed",
};

static void
print_text (GPtrArray *checks)
{
  for (guint i = 0; i < checks->len; i++)
    {
      Check *c = g_ptr_array_index (checks, i);
      g_autofree char *check = cr_escape_for_message (c->check, -1, 200);
      g_autofree char *detail = cr_escape_for_message (c->detail, -1, 1000);
      g_autofree char *fix = c->fix ? cr_escape_for_message (c->fix, -1, 400) : NULL;

      printf ("%-10s %s: %s%s%s\n", verdict_words[c->verdict], check, detail,
              fix ? "; fix: " : "", fix ? fix : "");
    }
}

static void
gen_string (yajl_gen gen, const char *text)
{
  yajl_gen_string (gen, (const unsigned char *) text, strlen (text));
}

static void
print_json_checks (GPtrArray *checks)
{
  g_autoptr (GString) out = g_string_new (NULL);
  yajl_gen gen = yajl_gen_alloc (NULL);

  yajl_gen_config (gen, yajl_gen_print_callback, json_append, out);
  yajl_gen_array_open (gen);
  for (guint i = 0; i < checks->len; i++)
    {
      Check *c = g_ptr_array_index (checks, i);

      yajl_gen_map_open (gen);
      gen_string (gen, "check");
      gen_string (gen, c->check);
      gen_string (gen, "verdict");
      gen_string (gen, c->verdict == VERDICT_OK ? "ok"
                       : c->verdict == VERDICT_PROBLEM ? "problem" : "not-needed");
      gen_string (gen, "detail");
      gen_string (gen, c->detail);
      gen_string (gen, "fix");
      if (c->fix != NULL)
        gen_string (gen, c->fix);
      else
        yajl_gen_null (gen);
      yajl_gen_map_close (gen);
    }
  yajl_gen_array_close (gen);
  yajl_gen_free (gen);
  json_print (out);
}

int
doctor_run (const char *config_path, const char *only_account, gboolean json)
{
  g_autoptr (GPtrArray) checks = g_ptr_array_new_with_free_func (check_free);
  g_autoptr (CrConfig) config = NULL;
  g_auto (GStrv) names = NULL;
  GError *error = NULL;
  gboolean all_pass = TRUE;

  check_keyring (checks);
  check_directories (checks);
  config = check_accounts_file (checks, config_path);
  if (config != NULL)
    {
      names = only_account ? g_strdupv ((char *[]){ (char *) only_account, NULL })
                           : cr_config_list_accounts (config);
      for (guint i = 0; names[i] != NULL; i++)
        if (!check_account (checks, config, names[i], &error))
          {
            add (checks, VERDICT_PROBLEM, "keyring", "see the keyring checks above", "%s",
                 error->message);
            g_clear_error (&error);
            break;
          }
    }
  if (json)
    print_json_checks (checks);
  else
    print_text (checks);
  for (guint i = 0; i < checks->len; i++)
    all_pass &= ((Check *) g_ptr_array_index (checks, i))->verdict != VERDICT_PROBLEM;
  if (fflush (stdout) != 0)
    return CR_ERROR_FAILED;
  return all_pass ? 0 : 1;
}
