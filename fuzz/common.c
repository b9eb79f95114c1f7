/* See common.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/allocator_interface.h>

#include "common.h"

const CrPluginDescriptor *const fuzz_providers[FUZZ_N_PROVIDERS] = {
  &fuzz_provider_acaengine,
  &fuzz_provider_ants,
  &fuzz_provider_autograb,
  &fuzz_provider_dataloy,
};

void
fuzz_fail (const char *why, ...)
{
  va_list args;

  va_start (args, why);
  fputs ("FUZZ CHECK FAILED: ", stderr);
  vfprintf (stderr, why, args);
  fputc ('\n', stderr);
  va_end (args);
  abort ();
}

static void
quiet_log (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) != 0)
    fuzz_fail ("GLib %s: %s", domain ? domain : "", message);
}

void
fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_default_handler (quiet_log, NULL);
  /* Resolve the quark before any watch: its table lives forever. */
  (void) cr_error_quark ();
}

gboolean
fuzz_lax_text (void)
{
  static int lax = -1;

  if (lax < 0)
    lax = g_getenv ("FUZZ_LAX_TEXT") != NULL;
  return lax;
}

void
fuzz_check_message (const GError *error)
{
  const char *message;

  if (error == NULL)
    fuzz_fail ("failure without a GError");
  if (error->domain != CR_ERROR)
    fuzz_fail ("error outside the CR_ERROR domain: %s", g_quark_to_string (error->domain));
  message = error->message;
  if (message == NULL || *message == '\0')
    fuzz_fail ("empty error message");
  if (fuzz_lax_text ())
    return;
  if (!g_utf8_validate (message, -1, NULL))
    fuzz_fail ("error message is not UTF-8: %s", message);
  for (const char *p = message; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        fuzz_fail ("control character U+%04X in error message: %s", c, message);
    }
}

guint8
fuzz_take_byte (FuzzInput *in)
{
  guint8 byte;

  if (in->size == 0)
    return 0;
  byte = in->data[0];
  in->data++;
  in->size--;
  return byte;
}

guint32
fuzz_take_u32 (FuzzInput *in)
{
  guint32 value = 0;

  for (int i = 0; i < 4; i++)
    value |= (guint32) fuzz_take_byte (in) << (8 * i);
  return value;
}

char *
fuzz_take_string (FuzzInput *in, gsize max)
{
  const uint8_t *end = memchr (in->data, '\0', MIN (in->size, max));
  gsize len = end != NULL ? (gsize) (end - in->data) : MIN (in->size, max);
  char *text = g_strndup ((const char *) in->data, len);

  in->data += len;
  in->size -= len;
  if (end != NULL)
    {
      in->data++;
      in->size--;
    }
  return text;
}

/* ---- the free hook ------------------------------------------------------ */

static const char *watched;
static size_t watched_len;

/* Plain loops: no interceptor, and so no libFuzzer dictionary entry made
 * from the canary, which would let the fuzzer plant it in public fields. */
__attribute__ ((no_sanitize ("address", "undefined", "coverage"))) static int
holds_needle (const unsigned char *block, size_t size)
{
  if (size < watched_len)
    return 0;
  for (size_t i = 0; i + watched_len <= size; i++)
    {
      size_t j = 0;

      while (j < watched_len && block[i + j] == (unsigned char) watched[j])
        j++;
      if (j == watched_len)
        return 1;
    }
  return 0;
}

static void
malloc_hook (const volatile void *ptr, size_t size)
{
}

__attribute__ ((no_sanitize ("address", "undefined", "coverage"))) static void
free_hook (const volatile void *ptr)
{
  size_t size;

  if (watched == NULL || ptr == NULL || !__sanitizer_get_ownership ((const void *) ptr))
    return;
  size = __sanitizer_get_allocated_size ((const void *) ptr);
  if (holds_needle ((const unsigned char *) ptr, size))
    {
      watched = NULL;
      fuzz_fail ("a secret was freed without being wiped (a %zu-byte block holds the canary)",
                 size);
    }
}

void
fuzz_watch_secret (const char *needle)
{
  static gboolean installed;

  /* FUZZ_NO_WATCH=1 looks past a known leak while exploring other bugs. */
  if (g_getenv ("FUZZ_NO_WATCH") != NULL)
    return;
  if (!installed)
    {
      /* Both hooks are needed: the runtime ignores a pair with a NULL. */
      __sanitizer_install_malloc_and_free_hooks (malloc_hook, free_hook);
      installed = TRUE;
    }
  watched_len = strlen (needle);
  watched = needle;
}

void
fuzz_unwatch_secret (void)
{
  watched = NULL;
}

gboolean
fuzz_is_one_line (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  if (fuzz_lax_text ())
    return strchr (text, '\n') == NULL;
  /* plugin.h: one line of UTF-8 text without control characters (C0, DEL or C1). */
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

CrAccount *
fuzz_make_account (const CrPluginDescriptor *d)
{
  CrAccount *account = g_new0 (CrAccount, 1);

  account->name = g_strdup ("fuzz");
  account->config_path = g_strdup ("fuzz.conf");
  account->provider = g_strdup (d->name);
  account->client_id = g_strdup ("client id");
  account->username = g_strdup ("user");
  account->host = g_strdup ("auth.example.com");
  account->token_url = d->token_url ? NULL : g_strdup ("https://auth.example.com/token");
  account->timeout = 30;
  account->min_valid = -1;
  account->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  account->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (account->values, g_strdup ("provider"), g_strdup (d->name));
  g_hash_table_insert (account->values, g_strdup ("client_id"), g_strdup ("client id"));
  g_hash_table_insert (account->values, g_strdup ("username"), g_strdup ("user"));
  g_hash_table_insert (account->values, g_strdup ("host"), g_strdup ("auth.example.com"));
  if (account->token_url != NULL)
    g_hash_table_insert (account->values, g_strdup ("token_url"), g_strdup (account->token_url));
  /* A grant that signs a person in needs its endpoint: the account names
   * it when the provider has none (plugin.h). */
  if (d->grant == CR_GRANT_AUTHORIZATION_CODE && d->authorization_url == NULL)
    g_hash_table_insert (account->values, g_strdup ("authorization_url"),
                         g_strdup ("https://auth.example.com/authorize"));
  if (d->grant == CR_GRANT_DEVICE_CODE && d->device_authorization_url == NULL)
    g_hash_table_insert (account->values, g_strdup ("device_authorization_url"),
                         g_strdup ("https://auth.example.com/device"));
  /* Every other parameter without a default gets a value: "v-" and its
   * name; those with one are sent their default. */
  for (const CrPluginParam *p = d->params; p != NULL && p->name != NULL; p++)
    if (p->default_value == NULL && !g_hash_table_contains (account->values, p->name))
      {
        g_hash_table_insert (account->values, g_strdup (p->name), g_strconcat ("v-", p->name, NULL));
        g_hash_table_insert (account->lines, g_strdup (p->name), GUINT_TO_POINTER (1));
      }
  return account;
}
