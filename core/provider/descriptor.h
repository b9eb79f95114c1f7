/* Private to libcredring: the rules a provider descriptor must follow,
 * shared by the plugin loader and provider files, so that a provider file
 * can name the key that breaks one. */
#ifndef CR_DESCRIPTOR_H
#define CR_DESCRIPTOR_H

#include <glib.h>

#include <credring/plugin.h>

G_BEGIN_DECLS

#define CR_PROVIDER_NAME_MAX 64
#define CR_PARAM_NAME_MAX 64

/* [a-z0-9_-]+, at most CR_PROVIDER_NAME_MAX bytes: it becomes a file name. */
gboolean cr_descriptor_is_provider_name (const char *name);
/* [A-Za-z0-9_.-]+, at most CR_PARAM_NAME_MAX bytes. */
gboolean cr_descriptor_is_param_name (const char *name);
/* A parameter the core sends itself (grant_type, client_id, ...). */
gboolean cr_descriptor_is_reserved_param (const char *name);
/* Valid UTF-8 without control characters: text shown to people. */
gboolean cr_descriptor_is_printable_line (const char *text);
/* "https://" followed by a host, without user or password: a default token URL. */
gboolean cr_descriptor_is_https_url (const char *url);
/* A grant a provider or an account may name: every known one but the
 * refresh grant, which the core alone uses. */
gboolean cr_descriptor_is_nameable_grant (CrGrantType grant);
/* @url with CR_DESCRIPTOR_EXAMPLE_HOST in place of each {host}, parsed:
 * NULL unless that is a URL with a host. */
#define CR_DESCRIPTOR_EXAMPLE_HOST "host.example"
GUri *cr_descriptor_parse_url_template (const char *url);
/* TRUE when @url has no {host}, or one {host} that lies in its host:
 * filled with two different names, the URL's host holds each in turn.  (A
 * {host} in the path leaves the host as it is, whatever name the URL
 * already holds, CR_DESCRIPTOR_EXAMPLE_HOST included.) */
gboolean cr_descriptor_host_placeholder_in_host (const char *url);

/* Copies @descriptor into @copy with the fields of minors newer than the
 * one it declares zeroed, so that the core reads every field of the copy
 * without looking at abi_minor again.  @descriptor must have passed
 * cr_descriptor_validate(). */
void cr_descriptor_normalize (const CrPluginDescriptor *descriptor, CrPluginDescriptor *copy);

/* Validates a descriptor; @expected_name is the file's base name (nullable). */
gboolean cr_descriptor_validate (const CrPluginDescriptor *descriptor,
                                 const char *expected_name, GError **error);

G_END_DECLS

#endif /* CR_DESCRIPTOR_H */
