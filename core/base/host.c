/* Host names as git and URLs write them: the one splitter of "name:port"
 * and the one rule for which hosts are this machine. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include <credring/credring.h>

#include "base/host.h"

gboolean
cr_host_split (const char *host, char **name, char **port)
{
  const char *name_end;
  const char *port_text = "";

  g_return_val_if_fail (host != NULL && name != NULL && port != NULL, FALSE);

  *name = NULL;
  *port = NULL;
  if (host[0] == '[')
    {
      const char *close = strchr (host, ']');

      if (close == NULL || (close[1] != '\0' && close[1] != ':'))
        return FALSE;
      name_end = close + 1;
      if (close[1] == ':')
        port_text = close + 2;
    }
  else
    {
      const char *colon = strchr (host, ':');

      /* Only a bracketed literal may hold ':'; one more is no port. */
      if (colon != NULL && strchr (colon + 1, ':') != NULL)
        return FALSE;
      name_end = colon != NULL ? colon : host + strlen (host);
      if (colon != NULL)
        port_text = colon + 1;
    }
  if (name_end == host)
    return FALSE;
  *name = g_strndup (host, (gsize) (name_end - host));
  *port = g_strdup (port_text);
  return TRUE;
}

gboolean
cr_host_parse_port (const char *text, int *port)
{
  guint64 number;

  g_return_val_if_fail (text != NULL && port != NULL, FALSE);

  if (*text == '\0')
    {
      *port = 0;
      return TRUE;
    }
  if (strspn (text, "0123456789") != strlen (text) ||
      !g_ascii_string_to_unsigned (text, 10, 1, 65535, &number, NULL))
    return FALSE;
  *port = (int) number;
  return TRUE;
}

gboolean
cr_host_is_loopback (const char *host)
{
  g_autofree char *bare = NULL;
  struct in_addr v4;
  struct in6_addr v6;

  g_return_val_if_fail (host != NULL, FALSE);

  /* "127.evil.example" is a name like any other; only this one name and
   * loopback addresses are this machine: 127.0.0.0/8 and ::1, in the one
   * spelling inet_pton() takes (GInetAddress's rule, without linking GIO
   * into every program that reads an account). */
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  bare = (host[0] == '[') ? g_strndup (host + 1, strcspn (host + 1, "]")) : g_strdup (host);
  if (inet_pton (AF_INET, bare, &v4) == 1)
    return (ntohl (v4.s_addr) >> 24) == 127;
  if (inet_pton (AF_INET6, bare, &v6) == 1)
    return IN6_IS_ADDR_LOOPBACK (&v6);
  return FALSE;
}
