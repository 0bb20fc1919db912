/*
 * err.c -- the error sink (see err.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "banned.h"

int err_set(struct err *err, enum status code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	err->field[0] = '\0';
	err->reason[0] = '\0';
	err->nparams = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int err_field(struct err *err, enum status code, const char *field,
	      const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	err->reason[0] = '\0';
	err->nparams = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void err_reason(struct err *err, const char *reason)
{
	if (err == NULL)
		return;
	snprintf(err->reason, sizeof(err->reason), "%s", reason ? reason : "");
	err->nparams = 0;
}

void err_param(struct err *err, const char *name, const char *fmt, ...)
{
	va_list ap;
	struct err_param *p;

	if (err == NULL || err->nparams >= ERR_PARAMS)
		return;
	p = &err->params[err->nparams++];
	snprintf(p->name, sizeof(p->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(p->value, sizeof(p->value), fmt, ap);
	va_end(ap);
}

void err_clear(struct err *err)
{
	if (err == NULL)
		return;
	err->code = ST_OK;
	err->field[0] = '\0';
	err->reason[0] = '\0';
	err->nparams = 0;
	err->msg[0] = '\0';
}

int err_exit_code(enum status code)
{
	switch (code) {
	case ST_OK:
		return 0;
	case ST_INVALID:
	case ST_NOTFOUND:
	case ST_TOOBIG:
	case ST_REFUSED:
		return 2;
	default:
		return 1;
	}
}
