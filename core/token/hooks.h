/* Private to libcredring: calling a plugin's hooks (credring/plugin.h,
 * ABI 1.1) and turning what they return into GErrors. */
#ifndef CR_HOOKS_H
#define CR_HOOKS_H

#include <credring/credring.h>

#include "token/response-rules.h"

G_BEGIN_DECLS

/* At most this many headers, and bytes of them, from one add_headers. */
#define CR_HOOK_MAX_HEADERS 16
#define CR_HOOK_MAX_HEADER_BYTES 8192

/* Calls @provider's add_headers hook, if any, appending each header it
 * adds to @lines as "Name: value".  CR_ERROR_CONFIG for a header the core
 * refuses or a hook that fails, naming the provider. */
gboolean cr_hook_add_headers (const CrPluginDescriptor *provider, const CrAccount *account,
                              GPtrArray *lines, GError **error);

/* Calls @provider's parse_response hook, which must be set.  The token it
 * hands over is checked as the standard mapping's is; a failure is the
 * error its status says, with its message. */
CrToken *cr_hook_parse_response (const CrPluginDescriptor *provider, const CrAccount *account,
                                 const CrResponse *response, gint64 now, GError **error);

G_END_DECLS

#endif /* CR_HOOKS_H */
