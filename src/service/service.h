/*
 * service.h -- the context every service call runs in: one open store, the
 * org being worked on, its rule settings, who is acting and what day it is.
 *
 * The CLI opens one per command; the HTTP server (later) one per thread and
 * request. Services hold the rules of the domain (permissions, workflow,
 * derived status, audit) and call the store for every read and write; they
 * never contain SQL and never know about HTTP or the terminal.
 */
#ifndef PLENUM_SERVICE_H
#define PLENUM_SERVICE_H

#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../domain/compliance.h"
#include "../domain/light.h"
#include "../store/store.h"

struct svc {
	struct store *st;
	struct arena arena;           /* the org strings; results use the caller's arena */
	struct org_row org;
	int has_org;
	struct light_rules light;
	struct compliance_rules rules;
	const char *actor;            /* "cli:alice", "user:secretary" */
	int32_t today;                /* in the org's time zone */
	int settings_generation;      /* the server's, when the settings were read */
	struct store_version settings_seen;  /* the store's, when the settings were read */
};

/* Checks PLENUM_TODAY and the clock (date_today_check), opens the store at
 * path with store_open()'s flags (STORE_READONLY for commands that only
 * read) and, when org_key is not NULL or the database holds exactly one org,
 * selects that org and reads its settings. need_org != 0 makes a missing org
 * an error. */
int svc_open(struct svc *svc, const char *path, int flags, const char *org_key,
	     int need_org, struct err *err);
void svc_close(struct svc *svc);

/* Re-reads the org and its settings (after an import). */
int svc_select_org(struct svc *svc, const char *org_key, struct err *err);
/* Re-reads the settings when anything was committed since they were read,
 * by any process (store_version()): a setting changed with the CLI reaches a
 * running server at its next request. One cheap check when nothing moved. */
int svc_refresh_settings(struct svc *svc, struct err *err);

/* The rule settings an admin may change, with their defaults. */
struct setting_def {
	const char *name;
	int min, max, def;
	const char *help;
};
extern const struct setting_def svc_settings[];
int svc_setting_set(struct svc *svc, const char *name, const char *value, struct err *err);

/* The current instant as "YYYY-MM-DDTHH:MM:SSZ" in out[32]. */
char *svc_now(char out[32]);

#endif
