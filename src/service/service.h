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

#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../domain/compliance.h"
#include "../domain/light.h"
#include "../store/store.h"

struct principal;
struct lights_kept;

struct svc {
	struct store *st;
	struct arena arena;           /* the org strings; results use the caller's arena */
	struct org_row org;
	int has_org;
	struct light_rules light;
	struct compliance_rules rules;
	struct report_options {
		int inferred_marks;   /* 1: minutes list the facts marked inferred, with their notes */
	} report;
	const char *actor;            /* "cli:alice", "user:secretary" */
	int32_t today;                /* in the org's time zone */
	const char *db_path;          /* the database file, for the audit checkpoints beside it */
	int tx_depth;                 /* svc_tx_begin() nesting (tx.h); 0 outside a write */
	int tx_failed;                /* a nested write failed: the outermost rolls back */
	struct store *own_st;         /* tx.c: st while a group commit lends the writer's connection; else NULL */
	struct svc_idem {             /* set by the HTTP layer for a POST with Idempotency-Key */
		const char *key, *request_hash;
		int claimed;
	} idem;
	const struct principal *who;  /* the caller, whose scope task lists keep to; NULL: none (the CLI) */
	/* The store's version as read by the last svc_select_org() or
	 * svc_refresh_settings() (each reads it once, first): the settings are
	 * those of this version or newer, and a request that called one of them
	 * may key its caches on it instead of reading the version again (one
	 * round trip on PostgreSQL). */
	struct store_version settings_seen;
	struct svc_lights {           /* lights.h: the tasks this write changed, for the light counts */
		int64_t touched[LIM_LIGHTS_TOUCHED];
		int n;
		int overflow;         /* more than fit, or a bulk write: recount */
		int stale;            /* a read found the counts stale: lights_refresh() after it */
		struct lights_kept *kept; /* lights.c: the stamp and a new day's changes, read once per request */
		long recomputed;      /* tasks the last lights_refresh() computed (a test's and the log's figure) */
	} lights;
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
	size_t off;                   /* offsetof(struct svc, ...): the int the setting sets */
};
extern const struct setting_def svc_settings[];
/* The value in force of svc_settings[i]. */
int svc_setting_value(const struct svc *svc, int i);
/* Checks and stores one setting in the open write (no transaction of its
 * own; use svc_settings_write). */
int svc_setting_set(struct svc *svc, const char *name, const char *value, struct err *err);
/* Sets n settings as one audited write; values are whole numbers as text.
 * Nothing is written when any is unknown or out of range. */
int svc_settings_write(struct svc *svc, const char *const *names, const char *const *values, size_t n,
		       struct err *err);

/* Deletes the org and every row it owns (store_org_delete), its audit trail
 * included: joined to the caller's write (an import that replaces the org
 * appends the new chain's first entry, naming the replaced head), or on its
 * own. No other org's row is touched. */
int svc_org_delete(struct svc *svc, int64_t org_id, const char *org_key, struct err *err);

/* Creates an org (vals: the fields of model_org, key required) with its
 * first admin account, as one write whose entry starts the new org's
 * chain; the caller's org stays selected. */
struct value;
int svc_org_create(struct svc *svc, const struct value *vals, const char *admin_login, const char *admin_password,
		   struct err *err);

/* The current instant as "YYYY-MM-DDTHH:MM:SSZ" in out[32]. */
char *svc_now(char out[32]);

#endif
