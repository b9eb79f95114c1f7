/* credring doctor (doctor.c). */
#ifndef CREDRING_DOCTOR_H
#define CREDRING_DOCTOR_H

#include <glib.h>

G_BEGIN_DECLS

/* Runs every check (of @only_account's, nullable: all accounts), prints
 * them as text or JSON; 0 when all pass, 1 otherwise. */
int doctor_run (const char *config_path, const char *only_account, gboolean json);

G_END_DECLS

#endif /* CREDRING_DOCTOR_H */
