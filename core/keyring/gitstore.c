/* git credentials in the Secret Service, interchangeable with git's
 * git-credential-libsecret (same schema, attributes and value layout). */
#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include <credring/gitstore.h>

#include "keyring/store.h"
#include "base/secret.h"
#include "base/host.h"

static const SecretSchema git_schema = {
  .name = "org.git.Password",
  /* Items written by older helpers carry no schema name; match them too. */
  .flags = SECRET_SCHEMA_DONT_MATCH_NAME,
  .attributes = {
    { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "object", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "protocol", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "port", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

#define EXPIRY_PREFIX "password_expiry_utc="
#define REFRESH_PREFIX "oauth_refresh_token="

/* git sends "host:port"; the schema keeps server and port apart.  A host
 * that does not split into a name and a port number is the server's name
 * as it is, so that storing and finding it agree. */
static void
split_host (const char *host, char **server, guint *port)
{
  g_autofree char *port_text = NULL;
  guint64 number;

  *port = 0;
  if (cr_host_split (host, server, &port_text) && *port_text != '\0' &&
      g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &number, NULL))
    {
      *port = (guint) number;
      return;
    }
  g_free (*server);
  *server = g_strdup (host);
}

static GHashTable *
attributes_for (const CrGitCredential *c)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  if (c->username != NULL)
    g_hash_table_insert (attributes, "user", g_strdup (c->username));
  if (c->protocol != NULL)
    g_hash_table_insert (attributes, "protocol", g_strdup (c->protocol));
  if (c->host != NULL)
    {
      char *server;
      guint port;

      split_host (c->host, &server, &port);
      g_hash_table_insert (attributes, "server", server);
      if (port != 0)
        g_hash_table_insert (attributes, "port", g_strdup_printf ("%u", port));
    }
  if (c->path != NULL)
    g_hash_table_insert (attributes, "object", g_strdup (c->path));
  return attributes;
}

static GList *
search (const CrGitCredential *c, GError **error)
{
  g_autoptr (GHashTable) attributes = attributes_for (c);
  GError *cause = NULL;
  SecretService *service;
  GList *items;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &cause);
  if (service == NULL)
    {
      cr_store_set_error (error, cause);
      return NULL;
    }
  items = secret_service_search_sync (service, &git_schema, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS |
                                        SECRET_SEARCH_UNLOCK,
                                      NULL, &cause);
  g_object_unref (service);
  if (cause != NULL)
    cr_store_set_error (error, cause);
  return items;
}

void
cr_git_stored_value_clear (CrGitStoredValue *value)
{
  cr_secret_freep (&value->password);
  cr_secret_freep (&value->refresh_token);
}

void
cr_git_stored_value_parse (const char *text, CrGitStoredValue *out)
{
  const char *line_end;

  memset (out, 0, sizeof *out);
  line_end = strchrnul (text, '\n');
  out->password = g_strndup (text, line_end - text);
  while (*line_end == '\n')
    {
      const char *line = line_end + 1;

      line_end = strchrnul (line, '\n');
      if (g_str_has_prefix (line, EXPIRY_PREFIX))
        {
          g_autofree char *number = g_strndup (line + strlen (EXPIRY_PREFIX),
                                               line_end - line - strlen (EXPIRY_PREFIX));

          g_ascii_string_to_signed (number, 10, 0, G_MAXINT64, &out->expiry, NULL);
        }
      else if (g_str_has_prefix (line, REFRESH_PREFIX))
        {
          cr_secret_free (out->refresh_token);
          out->refresh_token = g_strndup (line + strlen (REFRESH_PREFIX),
                                          line_end - line - strlen (REFRESH_PREFIX));
        }
    }
}

static gboolean
read_value (SecretItem *item, CrGitStoredValue *out)
{
  SecretValue *secret = secret_item_get_secret (item);
  const char *text = secret ? secret_value_get_text (secret) : NULL;

  memset (out, 0, sizeof *out);
  if (text == NULL)
    {
      if (secret != NULL)
        secret_value_unref (secret);
      return FALSE;
    }
  cr_git_stored_value_parse (text, out);
  secret_value_unref (secret);
  return TRUE;
}

static gboolean
has_location (const CrGitCredential *c)
{
  return c->protocol != NULL && (c->host != NULL || c->path != NULL);
}

/* search() asked to unlock; an item still locked is one that nobody could
 * unlock here, whose secret cannot be read or compared. */
static gboolean
any_locked (GList *items)
{
  for (GList *l = items; l != NULL; l = l->next)
    if (secret_item_get_locked (l->data))
      return TRUE;
  return FALSE;
}

#define LOCKED_ITEM "a matching git credential"

gboolean
cr_git_store_get (CrGitCredential *c, GError **error)
{
  GError *local_error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean answered = FALSE;
  GList *items;

  g_return_val_if_fail (c != NULL, FALSE);

  if (!has_location (c))
    return TRUE;
  items = search (c, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  for (GList *l = items; l != NULL; l = l->next)
    {
      CrGitStoredValue value;
      g_autoptr (GHashTable) attributes = NULL;
      const char *user;

      if (!read_value (l->data, &value))
        continue;
      /* git before 2.40 would use an expired password without looking. */
      if (value.expiry != 0 && value.expiry <= now)
        {
          cr_git_stored_value_clear (&value);
          continue;
        }
      attributes = secret_item_get_attributes (l->data);
      user = g_hash_table_lookup (attributes, "user");
      if (user != NULL)
        {
          g_free (c->username);
          c->username = g_strdup (user);
        }
      cr_secret_freep (&c->password);
      c->password = g_steal_pointer (&value.password);
      c->password_expiry_utc = value.expiry;
      cr_secret_freep (&c->oauth_refresh_token);
      c->oauth_refresh_token = g_steal_pointer (&value.refresh_token);
      cr_git_stored_value_clear (&value);
      answered = TRUE;
      break;
    }
  /* Saying nothing would send git on as if nothing were stored. */
  if (!answered && any_locked (items))
    cr_store_set_locked_error (&local_error, LOCKED_ITEM);
  g_list_free_full (items, g_object_unref);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cr_git_store_save (const CrGitCredential *c, GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  GError *cause = NULL;
  GString *value;

  g_return_val_if_fail (c != NULL, FALSE);

  if (!has_location (c) || c->username == NULL || c->password == NULL)
    return TRUE;

  attributes = attributes_for (c);
  label = g_strdup_printf ("Git: %s://%s/%s", c->protocol, c->host ? c->host : "",
                           c->path ? c->path : "");
  value = g_string_sized_new (strlen (c->password) + 64 +
                              (c->oauth_refresh_token ? strlen (c->oauth_refresh_token) : 0));
  g_string_append (value, c->password);
  if (c->password_expiry_utc > 0)
    g_string_append_printf (value, "\n" EXPIRY_PREFIX "%" G_GINT64_FORMAT,
                            c->password_expiry_utc);
  /* Appended, not formatted: printf's scratch buffer would keep a copy. */
  if (c->oauth_refresh_token != NULL)
    {
      g_string_append (value, "\n" REFRESH_PREFIX);
      g_string_append (value, c->oauth_refresh_token);
    }

  secret_password_storev_sync (&git_schema, attributes, SECRET_COLLECTION_DEFAULT, label,
                               value->str, NULL, &cause);
  cr_secret_string_free (value);
  if (cause != NULL)
    return cr_store_set_error (error, cause);
  return TRUE;
}

gboolean
cr_git_store_erase (const CrGitCredential *c, GError **error)
{
  GError *local_error = NULL;
  GList *items;

  g_return_val_if_fail (c != NULL, FALSE);

  /* An empty pattern would match everything: too easy to send by mistake. */
  if (c->protocol == NULL && c->host == NULL && c->path == NULL && c->username == NULL)
    return TRUE;
  items = search (c, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  /* Checked before anything goes: a locked item is neither compared with
   * password= nor deleted, and an erase that cannot happen is an error. */
  if (any_locked (items))
    {
      g_list_free_full (items, g_object_unref);
      return cr_store_set_locked_error (error, LOCKED_ITEM);
    }
  for (GList *l = items; l != NULL; l = l->next)
    {
      CrGitStoredValue value = { NULL, 0, NULL };
      gboolean wanted = c->password == NULL ||
                        (read_value (l->data, &value) && cr_secret_equal (value.password, c->password));

      cr_git_stored_value_clear (&value);
      if (wanted && !secret_item_delete_sync (l->data, NULL, &local_error))
        break;
    }
  g_list_free_full (items, g_object_unref);
  if (local_error != NULL)
    return cr_store_set_error (error, local_error);
  return TRUE;
}
