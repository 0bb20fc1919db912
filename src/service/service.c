/*
 * service.c -- the service context and the org's rule settings (see service.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"
#include "../core/date.h"
#include "../core/text.h"
#include "../core/banned.h"

const struct setting_def svc_settings[] = {
	{ "light.red_behind", 1, 100, 30, "points behind the pro-rata schedule that make a task red" },
	{ "light.yellow_behind", 1, 100, 10, "points behind the pro-rata schedule that make a task yellow" },
	{ "light.due_soon_days", 0, 365, 7, "days before the due date when an unfinished task turns yellow" },
	{ "check.meetings_per_quarter", 0, 31, 1, "collective study meetings required per quarter" },
	{ "check.attendance_rate", 0, 100, 90, "minimum attendance rate of each member, percent" },
	{ "check.makeup_days", 0, 365, 30, "days after a missed meeting by which the make-up must be done" },
	{ "check.exchange_speeches", 0, 50, 1, "exchange speeches required per member per year" },
	{ "check.papers", 0, 50, 1, "written papers required per member per year" },
	{ "check.plan_month", 1, 12, 1, "month by which the year's plan must be approved and filed" },
	{ "check.plan_day", 1, 31, 31, "day of that month" },
	{ NULL, 0, 0, 0, NULL },
};

static int *setting_slot(struct svc *svc, const char *name)
{
	if (strcmp(name, "light.red_behind") == 0) return &svc->light.red_behind;
	if (strcmp(name, "light.yellow_behind") == 0) return &svc->light.yellow_behind;
	if (strcmp(name, "light.due_soon_days") == 0) return &svc->light.due_soon_days;
	if (strcmp(name, "check.meetings_per_quarter") == 0) return &svc->rules.meetings_per_quarter;
	if (strcmp(name, "check.attendance_rate") == 0) return &svc->rules.attendance_rate;
	if (strcmp(name, "check.makeup_days") == 0) return &svc->rules.makeup_days;
	if (strcmp(name, "check.exchange_speeches") == 0) return &svc->rules.exchange_speeches;
	if (strcmp(name, "check.papers") == 0) return &svc->rules.papers;
	if (strcmp(name, "check.plan_month") == 0) return &svc->rules.plan_month;
	if (strcmp(name, "check.plan_day") == 0) return &svc->rules.plan_day;
	return NULL;
}

static const struct setting_def *setting_def(const char *name)
{
	for (int i = 0; svc_settings[i].name; i++)
		if (strcmp(svc_settings[i].name, name) == 0)
			return &svc_settings[i];
	return NULL;
}

/* Unknown or out-of-range stored settings keep their defaults: a bad row
 * must not stop the whole org from loading. */
static int load_setting(void *ctx, const char *name, const char *value)
{
	struct svc *svc = ctx;
	const struct setting_def *d = setting_def(name);
	int *slot = setting_slot(svc, name);
	long long v;

	if (d && slot && parse_int(value, d->min, d->max, &v, name, NULL) == 0)
		*slot = (int)v;
	return 0;
}

int svc_select_org(struct svc *svc, const char *org_key, struct err *err)
{
	light_rules_default(&svc->light);
	compliance_rules_default(&svc->rules);
	svc->has_org = 0;
	svc->settings_seen = store_version(svc->st);
	if (store_org_get(svc->st, org_key, &svc->arena, &svc->org, err) != 0)
		return -1;
	svc->has_org = 1;
	svc->today = date_today(svc->org.utc_offset);
	return store_settings(svc->st, svc->org.id, load_setting, svc, err);
}

int svc_refresh_settings(struct svc *svc, struct err *err)
{
	struct store_version v = store_version(svc->st);

	if (!svc->has_org || (v.others == svc->settings_seen.others && v.ours == svc->settings_seen.ours))
		return 0;
	/* The version is taken before the read: a change landing during it is
	 * read again next time. */
	svc->settings_seen = v;
	light_rules_default(&svc->light);
	compliance_rules_default(&svc->rules);
	return store_settings(svc->st, svc->org.id, load_setting, svc, err);
}

int svc_open(struct svc *svc, const char *path, int flags, const char *org_key,
	     int need_org, struct err *err)
{
	const char *user = getenv("USER");
	struct err local = ERR_INIT;

	memset(svc, 0, sizeof(*svc));
	arena_init(&svc->arena);
	light_rules_default(&svc->light);
	compliance_rules_default(&svc->rules);
	svc->actor = arena_printf(&svc->arena, "cli:%s", user && *user ? user : "unknown");
	if (date_today_check(err) != 0)
		return -1;
	svc->today = date_today(480);
	svc->st = store_open(path, flags, err);
	if (svc->st == NULL)
		return -1;
	if (svc_select_org(svc, org_key, &local) != 0 && (need_org || org_key)) {
		if (err)
			*err = local;
		return -1;
	}
	return 0;
}

void svc_close(struct svc *svc)
{
	store_close(svc->st);
	svc->st = NULL;
	arena_release(&svc->arena);
}

int svc_setting_set(struct svc *svc, const char *name, const char *value, struct err *err)
{
	const struct setting_def *d = setting_def(name);
	long long v;

	if (d == NULL)
		return err_field(err, ST_INVALID, "name", "no setting \"%s\"", name);
	if (parse_int(value, d->min, d->max, &v, name, err) != 0)
		return -1;
	if (store_setting_set(svc->st, svc->org.id, name, value, err) != 0)
		return -1;
	*setting_slot(svc, name) = (int)v;
	return 0;
}

char *svc_now(char out[32])
{
	return datetime_format_utc(datetime_now(), out);
}
