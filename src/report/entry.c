/*
 * entry.c -- the binary's side of the report module: report.h's papers and
 * sheet.h's readers, each a call through the table of plenum-report.so
 * (module.h), which is loaded on the first of them and stays loaded.
 *
 * Linked into the plenum binary only: the unit tests link the report code
 * itself (libplenum.a), which defines the same functions. It is NOT where
 * reports are written; a missing or broken module is an ST_FAIL naming its
 * path, on every call (exit 1 on the CLI, 500 over HTTP), and the rest of
 * plenum works without it.
 */
#include <pthread.h>
#include <stdio.h>

#include "module.h"
#include "../core/err.h"
#include "../core/module.h"
#include "../core/banned.h"

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static const struct report_module *g_mod;   /* set once, read-only after */
static struct err g_err = ERR_INIT;          /* why g_mod is NULL */

static void load(void)
{
	const struct report_module *m = module_load(REPORT_MODULE_FILE, REPORT_MODULE_SYMBOL, &g_err);

	if (m == NULL)
		return;
	m->init();
	g_mod = m;
}

/* The table, or NULL with *err copied from the one failed load. */
static const struct report_module *mod(struct err *err)
{
	pthread_once(&g_once, load);
	if (g_mod == NULL)
		err_set(err, ST_FAIL, "%s", g_err.msg);
	return g_mod;
}

int report_minutes(struct svc *svc, const char *meeting_key, int en, enum report_format f, struct buf *out,
		   struct err *err)
{
	const struct report_module *m = mod(err);

	return m ? m->minutes(svc, meeting_key, en, f, out, err) : -1;
}

int report_brief(struct svc *svc, const char *meeting_key, int en, enum report_format f, struct buf *out,
		 struct err *err)
{
	const struct report_module *m = mod(err);

	return m ? m->brief(svc, meeting_key, en, f, out, err) : -1;
}

int report_dossier(struct svc *svc, const char *group_key, int year, int en, enum report_format f, struct buf *out,
		   struct err *err)
{
	const struct report_module *m = mod(err);

	return m ? m->dossier(svc, group_key, year, en, f, out, err) : -1;
}

int report_notice(struct svc *svc, const char *from, const char *to, int en, enum report_format f, struct buf *out,
		  struct err *err)
{
	const struct report_module *m = mod(err);

	return m ? m->notice(svc, from, to, en, f, out, err) : -1;
}

int report_ledger(struct svc *svc, const struct task_filter *f, int light, int en, enum report_format fmt,
		  struct buf *out, struct err *err)
{
	const struct report_module *m = mod(err);

	return m ? m->ledger(svc, f, light, en, fmt, out, err) : -1;
}

int report_calendar(struct svc *svc, const char *group_key, int64_t person_id, const char *base_url, int en,
		    struct buf *out, struct err *err)
{
	const struct report_module *m = mod(err);

	return m ? m->calendar(svc, group_key, person_id, base_url, en, out, err) : -1;
}

int report_package(struct svc *svc, const char *group_key, int year, int en, struct buf *out, struct err *err)
{
	const struct report_module *m = mod(err);

	return m ? m->package(svc, group_key, year, en, out, err) : -1;
}

int sheet_read_opts(const char *data, size_t len, enum sheet_format f, struct sheet_opts *o, json_t *rows,
		    struct err *err)
{
	const struct report_module *m = mod(err);

	return m ? m->sheet_read_opts(data, len, f, o, rows, err) : -1;
}

int sheet_read(const char *data, size_t len, enum sheet_format f, json_t *rows, struct err *err)
{
	return sheet_read_opts(data, len, f, NULL, rows, err);
}

/* Any name passes when the module is missing: the read that follows fails
 * naming the module, rather than the name being called unknown. */
int sheet_encoding_known(const char *name)
{
	const struct report_module *m = mod(NULL);

	return m ? m->sheet_encoding_known(name) : 1;
}
