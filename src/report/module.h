/*
 * module.h -- the table of entry points of the report module
 * (plenum-report.so): everything that writes or reads a document, and so
 * needs pango, cairo, cmark-gfm, libxlsxwriter, libical, libxml2, libzip or
 * libcsv. The binary does not link those libraries; entry.c loads the module
 * on the first report or sheet read (core/module.h) and calls through this
 * table, so that report.h and sheet.h mean the same in the binary as in the
 * unit tests (which link the report code in directly).
 *
 * Used by entry.c (the binary's side) and module.c (the module's side) only.
 * It is NOT an interface for anything outside plenum: the module and the
 * binary are built from the same tree, and each entry's contract is the one
 * written in report.h, render.h or sheet.h.
 */
#ifndef PLENUM_REPORT_MODULE_H
#define PLENUM_REPORT_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "report.h"
#include "../io/sheet.h"

#define REPORT_MODULE_FILE "plenum-report.so"
#define REPORT_MODULE_SYMBOL "plenum_report_module"

struct report_module {
	void (*init)(void);   /* render.h's report_init: run once, right after loading */
	int (*minutes)(struct svc *svc, const char *meeting_key, int en, enum report_format f, struct buf *out,
		       struct err *err);
	int (*brief)(struct svc *svc, const char *meeting_key, int en, enum report_format f, struct buf *out,
		     struct err *err);
	int (*dossier)(struct svc *svc, const char *group_key, int year, int en, enum report_format f, struct buf *out,
		       struct err *err);
	int (*notice)(struct svc *svc, const char *from, const char *to, int en, enum report_format f, struct buf *out,
		      struct err *err);
	int (*ledger)(struct svc *svc, const struct task_filter *f, int light, int en, enum report_format fmt,
		      struct buf *out, struct err *err);
	int (*calendar)(struct svc *svc, const char *group_key, int64_t person_id, const char *base_url, int en,
			struct buf *out, struct err *err);
	int (*package)(struct svc *svc, const char *group_key, int year, int en, struct buf *out, struct err *err);
	int (*sheet_read_opts)(const char *data, size_t len, enum sheet_format f, struct sheet_opts *o, json_t *rows,
			       struct err *err);
	int (*sheet_encoding_known)(const char *name);
};

/* Defined in module.c, the one symbol plenum-report.so exports. */
extern const struct report_module plenum_report_module;

#endif
