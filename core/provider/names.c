/* The names of the descriptor's enums, one table each: provider files,
 * requests, `providers --describe` and JSON all read them here, so that a
 * new value is one row.  (The model is systemd's string tables.) */
#include "config.h"

#include <credring/credring.h>

#include "provider/names.h"

typedef struct {
  int value;
  const char *name;  /* as provider files, JSON and the wire spell it */
  const char *label; /* for people */
} NameRow;

static const NameRow grants[] = {
  { CR_GRANT_CLIENT_CREDENTIALS, "client_credentials", "client credentials" },
  { CR_GRANT_PASSWORD, "password", "password" },
  { CR_GRANT_AUTHORIZATION_CODE, "authorization_code", "sign-in in the browser" },
  { CR_GRANT_DEVICE_CODE, "device_code", "sign-in with a code" },
  { CR_GRANT_REFRESH_TOKEN, "refresh_token", "refresh token" },
};

static const NameRow client_auths[] = {
  { CR_CLIENT_AUTH_BASIC, "basic", "HTTP Basic" },
  { CR_CLIENT_AUTH_BASIC_RAW, "basic-raw", "HTTP Basic (id:secret not form-encoded)" },
  { CR_CLIENT_AUTH_BODY, "body", "in the body" },
  { CR_CLIENT_AUTH_NONE, "none", "none (a public client)" },
};

static const NameRow body_formats[] = {
  { CR_BODY_FORM, "form", "form" },
  { CR_BODY_JSON, "json", "JSON" },
};

static const NameRow expiry_forms[] = {
  { CR_EXPIRY_SECONDS, "expires_in", "seconds from now" },
  { CR_EXPIRY_ABSOLUTE, "expires_at", "an ISO-8601 time" },
};

static const NameRow *
find_value (const NameRow *rows, gsize n_rows, int value)
{
  for (gsize i = 0; i < n_rows; i++)
    if (rows[i].value == value)
      return &rows[i];
  return NULL;
}

static gboolean
find_name (const NameRow *rows, gsize n_rows, const char *name, int *value)
{
  for (gsize i = 0; name != NULL && i < n_rows; i++)
    if (g_str_equal (rows[i].name, name))
      {
        *value = rows[i].value;
        return TRUE;
      }
  return FALSE;
}

static char *
join_names (const NameRow *rows, gsize n_rows)
{
  g_autoptr (GString) names = g_string_new (NULL);

  for (gsize i = 0; i < n_rows; i++)
    g_string_append_printf (names, "%s%s", i == 0 ? "" : ", ", rows[i].name);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Four functions per enum, from its table: the same four for each, so
 * that no enum reads its names another way (some are unused today). */
#define DEFINE_NAMES(prefix, Type, table)                                          \
  const char *prefix##_to_string (Type value)                                      \
  {                                                                                \
    const NameRow *row = find_value (table, G_N_ELEMENTS (table), (int) value);    \
    return row != NULL ? row->name : NULL;                                         \
  }                                                                                \
  const char *prefix##_describe (Type value)                                       \
  {                                                                                \
    const NameRow *row = find_value (table, G_N_ELEMENTS (table), (int) value);    \
    return row != NULL ? row->label : "(unknown)";                                 \
  }                                                                                \
  gboolean prefix##_from_string (const char *name, Type *value)                    \
  {                                                                                \
    int found;                                                                     \
    if (!find_name (table, G_N_ELEMENTS (table), name, &found))                    \
      return FALSE;                                                                \
    *value = (Type) found;                                                         \
    return TRUE;                                                                   \
  }                                                                                \
  char *prefix##_list_names (void)                                                 \
  {                                                                                \
    return join_names (table, G_N_ELEMENTS (table));                               \
  }

DEFINE_NAMES (cr_grant, CrGrantType, grants)
DEFINE_NAMES (cr_client_auth, CrClientAuth, client_auths)
DEFINE_NAMES (cr_body_format, CrBodyFormat, body_formats)
DEFINE_NAMES (cr_expiry_form, CrExpiryForm, expiry_forms)

unsigned int
cr_provider_grant_set (const CrPluginDescriptor *provider)
{
  return provider->grants != 0 ? provider->grants : CR_GRANT_BIT (provider->grant);
}
