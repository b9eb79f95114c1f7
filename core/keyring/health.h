/* Private to libcredring: what `credring doctor` says of the places
 * secrets and tokens can be kept (health.c). */
#ifndef CR_HEALTH_H
#define CR_HEALTH_H

#include <credring/credring.h>

G_BEGIN_DECLS

/* Where secrets and tokens can be kept on this machine now. */
typedef struct {
  gboolean session_bus;        /* a session bus answers */
  char *bus_problem;           /* nullable: why not */
  gboolean secret_service;     /* org.freedesktop.secrets runs or can be started */
  int default_unlocked;        /* 1 unlocked, 0 locked, -1 no default collection */
  gboolean session_collection; /* the in-memory collection tokens go to */
  char *service_problem;       /* nullable: why the Secret Service could not be asked */
  gboolean kernel_keyring;     /* a key could be stored, read and removed there */
  char *kernel_problem;        /* nullable: why not */
} CrKeyringHealth;

/* Fills @health (whatever it held is overwritten), asking without
 * prompting: a locked collection stays locked. */
void cr_keyring_health_check (CrKeyringHealth *health);
/* Frees the problems' texts; @health may be checked again. */
void cr_keyring_health_clear (CrKeyringHealth *health);

G_END_DECLS

#endif /* CR_HEALTH_H */
