/* Private to libcredring: the parsing side of the descriptor's enum names
 * (names.c), which provider files, account keys and request building
 * read, and the expiry form's names, which only the descriptor rules use.
 * The names a program shows (cr_grant_to_string(), cr_grant_describe(),
 * and those of the client authentication and body format) are API, in
 * credring/credring.h.
 *
 * _from_string(): FALSE for a name that is not in the table.
 * _list_names(): every name, "a, b, c", for messages; free with g_free(). */
#ifndef CR_NAMES_H
#define CR_NAMES_H

#include <credring/credring.h>

G_BEGIN_DECLS

gboolean cr_grant_from_string (const char *name, CrGrantType *grant);
char *cr_grant_list_names (void);
gboolean cr_client_auth_from_string (const char *name, CrClientAuth *auth);
char *cr_client_auth_list_names (void);
gboolean cr_body_format_from_string (const char *name, CrBodyFormat *format);
char *cr_body_format_list_names (void);
const char *cr_expiry_form_to_string (CrExpiryForm form);
const char *cr_expiry_form_describe (CrExpiryForm form);
gboolean cr_expiry_form_from_string (const char *name, CrExpiryForm *form);
char *cr_expiry_form_list_names (void);

G_END_DECLS

#endif /* CR_NAMES_H */
