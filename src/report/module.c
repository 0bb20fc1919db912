/*
 * module.c -- the report module's table (see module.h): the one symbol
 * plenum-report.so exports (src/report/module.map keeps every other symbol
 * of the module local). NOT linked into the binary.
 */
#include "module.h"
#include "render.h"
#include "../core/banned.h"

const struct report_module plenum_report_module = {
	.init = report_init,
	.minutes = report_minutes,
	.brief = report_brief,
	.dossier = report_dossier,
	.notice = report_notice,
	.ledger = report_ledger,
	.calendar = report_calendar,
	.package = report_package,
	.sheet_read_opts = sheet_read_opts,
	.sheet_encoding_known = sheet_encoding_known,
};
