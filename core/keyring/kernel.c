/* Secrets and tokens in the kernel keyring, through libkeyutils: where
 * there is no Secret Service (SSH, cron, systemd services, CI).  The
 * kernel keeps them in memory only, until they expire, are removed or
 * the machine reboots; it shows a key to no other user. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <keyutils.h>

#include <credring/credring.h>

#include "base/env.h"
#include "keyring/kernel.h"

/* Possessor and owner: everything; group and others: nothing at all, not
 * even that the key exists. */
#define KEY_PERMISSIONS (KEY_POS_ALL | KEY_USR_ALL)

/* The keyring, found once: its id, else why there is none. */
typedef struct {
  key_serial_t id;
  int error_number;     /* keyctl's errno when id is 0 */
  const char *bad_name; /* a CREDRING_KERNEL_KEYRING that names no keyring */
} Keyring;

static key_serial_t
persistent_or_user_keyring (void)
{
  /* Linked into the process keyring: the keys found through it are
   * possessed, and the kernel keeps it while a process asks for it. */
  key_serial_t id = keyctl_get_persistent (-1, KEY_SPEC_PROCESS_KEYRING);

  /* A kernel without persistent keyrings (EOPNOTSUPP) has the user's. */
  if (id < 0)
    id = keyctl_get_keyring_ID (KEY_SPEC_USER_KEYRING, 1);
  return id;
}

static void
find_keyring (Keyring *keyring)
{
  const char *name = cr_getenv_secure ("CREDRING_KERNEL_KEYRING");
  key_serial_t id;

  if (name == NULL || *name == '\0' || g_str_equal (name, "persistent"))
    id = persistent_or_user_keyring ();
  else if (g_str_equal (name, "user"))
    id = keyctl_get_keyring_ID (KEY_SPEC_USER_KEYRING, 1);
  else if (g_str_equal (name, "session"))
    id = keyctl_get_keyring_ID (KEY_SPEC_SESSION_KEYRING, 0);
  else
    {
      keyring->bad_name = name;
      return;
    }
  if (id < 0)
    keyring->error_number = errno;
  else
    keyring->id = id;
}

static const Keyring *
get_keyring (void)
{
  static Keyring keyring;
  static gsize found;

  if (g_once_init_enter (&found))
    {
      find_keyring (&keyring);
      g_once_init_leave (&found, 1);
    }
  return &keyring;
}

gboolean
cr_kernel_keyring_usable (const char *account, GError **error)
{
  const Keyring *keyring = get_keyring ();
  g_autofree char *name = NULL;

  if (keyring->id > 0)
    return TRUE;
  if (keyring->bad_name != NULL)
    {
      name = cr_escape_for_message (keyring->bad_name, -1, 40);
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                   "CREDRING_KERNEL_KEYRING=%s: not a keyring credring uses (persistent, user "
                   "or session)", name);
      return FALSE;
    }
  /* The one line names every way to make it work. */
  g_set_error (error, CR_ERROR, CR_ERROR_KEYRING,
               "no Secret Service and no kernel keyring (keyctl: %s): run under a desktop "
               "session (gnome-keyring), allow keyctl, give the secret via systemd credentials "
               "($CREDENTIALS_DIRECTORY/credring.%s.client_secret) or secret_command = ... in "
               "accounts.conf", g_strerror (keyring->error_number), account);
  return FALSE;
}

static char *
describe (const char *kind, const char *account)
{
  return g_strdup_printf ("credring:%s:%s", kind, account);
}

static gboolean
set_error (GError **error, const char *doing, const char *description, int error_number)
{
  g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "kernel keyring: cannot %s key %s: %s", doing,
               description, g_strerror (error_number));
  return FALSE;
}

/* The key's id; 0 without an error when there is none. */
static key_serial_t
find_key (const char *description, GError **error)
{
  key_serial_t id = keyctl_search (get_keyring ()->id, "user", description, 0);

  if (id >= 0)
    return id;
  if (errno != ENOKEY && errno != EKEYEXPIRED && errno != EKEYREVOKED)
    set_error (error, "look for", description, errno);
  return 0;
}

gboolean
cr_kernel_keyring_save (const char *kind, const char *account, const void *data, gsize len,
                        gint64 expires_at, GError **error)
{
  g_autofree char *description = describe (kind, account);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  unsigned int timeout = 0;
  key_serial_t id;

  if (!cr_kernel_keyring_usable (account, error))
    return FALSE;
  if (len > CR_KERNEL_MAX_VALUE)
    return set_error (error, "store", description, E2BIG);
  /* Expired already: the kernel removes it in a second rather than never. */
  if (expires_at > 0)
    timeout = (unsigned int) CLAMP (expires_at - now, 1, G_MAXINT32);
  /* Replaces a key of that description in place. */
  id = add_key ("user", description, data, len, get_keyring ()->id);
  if (id < 0)
    return set_error (error, "store", description, errno);
  /* Set each time, as add_key() keeps a replaced key's. */
  if (keyctl_setperm (id, KEY_PERMISSIONS) < 0 || keyctl_set_timeout (id, timeout) < 0)
    {
      int error_number = errno;

      keyctl_invalidate (id);
      return set_error (error, "protect", description, error_number);
    }
  return TRUE;
}

char *
cr_kernel_keyring_lookup (const char *kind, const char *account, gsize *len, GError **error)
{
  g_autofree char *description = describe (kind, account);
  GError *local_error = NULL;
  void *buffer = NULL;
  key_serial_t id;
  long read;
  char *value;

  *len = 0;
  if (!cr_kernel_keyring_usable (account, error))
    return NULL;
  id = find_key (description, &local_error);
  if (id == 0)
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      return NULL;
    }
  read = keyctl_read_alloc (id, &buffer);
  if (read < 0)
    {
      /* Expired or removed since it was found: as good as none. */
      if (errno != ENOKEY && errno != EKEYEXPIRED && errno != EKEYREVOKED)
        set_error (error, "read", description, errno);
      return NULL;
    }
  value = g_malloc (read + 1);
  memcpy (value, buffer, read);
  value[read] = '\0';
  cr_secret_wipe (buffer, read);
  free (buffer);
  *len = read;
  return value;
}

gboolean
cr_kernel_keyring_clear (const char *kind, const char *account, GError **error)
{
  g_autofree char *description = describe (kind, account);
  GError *local_error = NULL;
  key_serial_t id;

  if (!cr_kernel_keyring_usable (account, error))
    return FALSE;
  id = find_key (description, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  /* Gone at once from every keyring that links it, not just this one. */
  if (id != 0 && keyctl_invalidate (id) < 0 && errno != ENOKEY && errno != EKEYEXPIRED &&
      errno != EKEYREVOKED)
    return set_error (error, "remove", description, errno);
  return TRUE;
}
