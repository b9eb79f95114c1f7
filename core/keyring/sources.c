/* Secrets handed to a service by systemd (systemd.exec(5), "Credentials":
 * LoadCredential=, LoadCredentialEncrypted=), and the one-line rule that
 * they and a secret command's output follow. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <credring/credring.h>

#include "base/env.h"
#include "keyring/sources.h"

char *
cr_secret_one_line (const char *text, gsize length, const char *what, GError **error)
{
  const char *newline;

  g_return_val_if_fail (text != NULL && what != NULL, NULL);

  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "%s holds a NUL byte", what);
      return NULL;
    }
  if (length > 0 && text[length - 1] == '\n')
    length--;
  newline = memchr (text, '\n', length);
  if (newline != NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "%s holds more than one line", what);
      return NULL;
    }
  if (length == 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "%s is empty", what);
      return NULL;
    }
  return g_strndup (text, length);
}

char *
cr_credential_path (const char *name)
{
  const char *directory = cr_getenv_secure ("CREDENTIALS_DIRECTORY");

  g_return_val_if_fail (name != NULL && strchr (name, '/') == NULL, NULL);

  if (directory == NULL || *directory == '\0')
    return NULL;
  return g_build_filename (directory, name, NULL);
}

gboolean
cr_credential_exists (const char *name)
{
  g_autofree char *path = cr_credential_path (name);
  struct stat st;

  return path != NULL && lstat (path, &st) == 0;
}

/* The file open at @fd, when it is one to trust with a secret: systemd
 * makes each credential a regular file of the service's user, or of root
 * with an ACL granting that user read access (systemd's exec-credential.c);
 * anyone else who may write it could choose the secret we send. */
static gboolean
check_file (int fd, const char *shown, struct stat *st, GError **error)
{
  const char *problem = NULL;

  if (fstat (fd, st) != 0)
    problem = g_strerror (errno);
  else if (!S_ISREG (st->st_mode))
    problem = "not a regular file";
  else if (st->st_uid != 0 && st->st_uid != getuid ())
    problem = "owned by another user";
  else if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
    problem = "writable by others";
  else if ((gsize) st->st_size > CR_SECRET_SOURCE_MAX_BYTES)
    problem = "too large for a secret";
  if (problem == NULL)
    return TRUE;
  g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "systemd credential %s: %s", shown, problem);
  return FALSE;
}

/* The whole file open at @fd, checked by check_file(): never more than it
 * said it held, which a file growing meanwhile would exceed. */
static gboolean
read_all (int fd, const char *shown, const struct stat *st, char **text, gsize *length,
          GError **error)
{
  gsize capacity = (gsize) st->st_size + 1;
  char *buffer = g_malloc (capacity + 1);
  gsize done = 0;
  int saved = 0;

  while (done < capacity)
    {
      ssize_t n = read (fd, buffer + done, capacity - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        saved = errno;
      if (n <= 0)
        break;
      done += (gsize) n;
    }
  buffer[done] = '\0';
  if (saved != 0 || done > (gsize) st->st_size)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "systemd credential %s: %s", shown,
                   saved != 0 ? g_strerror (saved) : "changed while it was read");
      cr_secret_free_sized (buffer, capacity + 1);
      return FALSE;
    }
  *text = buffer;
  *length = done;
  return TRUE;
}

gboolean
cr_credential_read (const char *name, char **secret, GError **error)
{
  g_autofree char *path = cr_credential_path (name);
  g_autofree char *shown = NULL;
  g_autofree char *what = NULL;
  GError *local_error = NULL;
  char *text = NULL;
  gsize length = 0;
  struct stat st;
  int fd;

  g_return_val_if_fail (secret != NULL, FALSE);

  *secret = NULL;
  if (path == NULL)
    return TRUE;
  /* Not blocking: a FIFO would, until someone wrote to it. */
  fd = open (path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return TRUE;
  shown = cr_escape_for_message (path, -1, 300);
  if (fd < 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_KEYRING, "systemd credential %s: %s", shown,
                   errno == ELOOP ? "a symbolic link" : g_strerror (errno));
      return FALSE;
    }
  if (check_file (fd, shown, &st, &local_error))
    read_all (fd, shown, &st, &text, &length, &local_error);
  close (fd);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  what = g_strdup_printf ("systemd credential %s", shown);
  *secret = cr_secret_one_line (text, length, what, error);
  cr_secret_free_sized (text, (gsize) st.st_size + 2);
  return *secret != NULL;
}
