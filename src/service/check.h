/*
 * check.h -- the compliance check of one group and year: gathers the facts
 * from the store and judges them with the org's thresholds (compliance.h).
 */
#ifndef PLENUM_CHECK_H
#define PLENUM_CHECK_H

#include "service.h"

struct check_result {
	struct group_row group;
	int year;
	struct findings findings;
	int members;                 /* members judged */
};

/* group_key NULL: the org's first group. */
int check_group_year(struct svc *svc, const char *group_key, int year, struct arena *a,
		     struct check_result *out, struct err *err);

#endif
