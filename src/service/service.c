/*
 * service.c -- the service context and the org's rule settings (see service.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"
#include "tx.h"
#include "audit.h"
#include "auth.h"
#include "record.h"
#include "lights.h"
#include "../domain/model.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../core/text.h"
#include "../core/banned.h"

#define S(name, field, min, max, def, help) { name, min, max, def, help, offsetof(struct svc, field) }
const struct setting_def svc_settings[] = {
	S("light.red_behind", light.red_behind, 1, 100, 30, "points behind the pro-rata schedule that make a task red"),
	S("light.yellow_behind", light.yellow_behind, 1, 100, 10,
	  "points behind the pro-rata schedule that make a task yellow"),
	S("light.due_soon_days", light.due_soon_days, 0, 365, 7,
	  "days before the due date when an unfinished task turns yellow"),
	S("light.asap_days", light.asap_days, 1, 365, 30,
	  "days without a progress report after which an \"as soon as possible\" task turns yellow (red at twice)"),
	S("check.meetings_per_quarter", rules.meetings_per_quarter, 0, 31, 1,
	  "collective study meetings required per quarter"),
	S("check.attendance_rate", rules.attendance_rate, 0, 100, 90, "minimum attendance rate of each member, percent"),
	S("check.makeup_days", rules.makeup_days, 0, 365, 30,
	  "days after a missed meeting by which the make-up must be done"),
	S("check.exchange_speeches", rules.exchange_speeches, 0, 50, 1, "exchange speeches required per member per year"),
	S("check.papers", rules.papers, 0, 50, 1, "written papers required per member per year"),
	S("check.plan_month", rules.plan_month, 1, 12, 1, "month by which the year's plan must be approved and filed"),
	S("check.plan_day", rules.plan_day, 1, 31, 31, "day of that month"),
	S("report.inferred_marks", report.inferred_marks, 0, 1, 1,
	  "1: minutes list the facts marked inferred, with their notes; 0: they are left out"),
	{ NULL, 0, 0, 0, NULL, 0 },
};
#undef S

static int *setting_slot(struct svc *svc, const char *name)
{
	for (int i = 0; svc_settings[i].name; i++)
		if (strcmp(svc_settings[i].name, name) == 0)
			return (int *)((char *)svc + svc_settings[i].off);
	return NULL;
}

int svc_setting_value(const struct svc *svc, int i)
{
	return *(const int *)((const char *)svc + svc_settings[i].off);
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
	svc->report.inferred_marks = 1;
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
	int same = v.others == svc->settings_seen.others && v.ours == svc->settings_seen.ours;

	/* The version is taken before the read: a change landing during it is
	 * read again next time. */
	svc->settings_seen = v;
	if (!svc->has_org || same)
		return 0;
	light_rules_default(&svc->light);
	compliance_rules_default(&svc->rules);
	return store_settings(svc->st, svc->org.id, load_setting, svc, err);
}

/* An upgraded database: every org's rows, imaged again by the store under
 * the new schema, sealed as one "migrate" entry per org, so that the chain
 * keeps matching rows that gained columns. */
static int seal_migration(struct svc *svc, struct err *err)
{
	const char *keys[4096];
	size_t n = 0;

	if (store_org_keys(svc->st, &svc->arena, keys, sizeof(keys) / sizeof(keys[0]), &n, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (svc_select_org(svc, keys[i], err) != 0 || svc_tx_begin(svc, err) != 0 ||
		    svc_tx_end(svc, 0, "migrate", "schema", store_schema_version(), NULL, NULL, err) != 0)
			return -1;
	}
	svc->has_org = 0;
	return 0;
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
	svc->report.inferred_marks = 1;
	svc->actor = arena_printf(&svc->arena, "cli:%s", user && *user ? user : "unknown");
	if (date_today_check(err) != 0)
		return -1;
	svc->today = date_today(480);
	svc->db_path = arena_strdup(&svc->arena, path);
	svc->st = store_open(path, flags, err);
	if (svc->st == NULL)
		return -1;
	if (store_migrated(svc->st) && seal_migration(svc, err) != 0) {
		store_close(svc->st);
		svc->st = NULL;
		return -1;
	}
	if (svc_select_org(svc, org_key, &local) != 0 && (need_org || org_key)) {
		if (err)
			*err = local;
		return -1;
	}
	return 0;
}

void svc_close(struct svc *svc)
{
	lights_release(svc);
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

int svc_settings_write(struct svc *svc, const char *const *names, const char *const *values, size_t n,
		       struct err *err)
{
	struct buf after = BUF_INIT(4096);
	int rc;

	if (svc_tx_begin(svc, err) != 0)
		return -1;
	rc = 0;
	buf_addc(&after, '{');
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = svc_setting_set(svc, names[i], values[i], err);
		buf_printf(&after, "%s\"", i ? "," : "");
		buf_add_json_escaped(&after, names[i]);
		buf_adds(&after, "\":");
		buf_adds(&after, values[i]);
	}
	buf_addc(&after, '}');
	rc = svc_tx_end(svc, rc, "update", "setting", 0, NULL, after.err ? NULL : buf_str(&after), err);
	buf_release(&after);
	return rc;
}

int svc_org_delete(struct svc *svc, int64_t org_id, const char *org_key, struct err *err)
{
	int rc;

	if (svc_tx_begin(svc, err) != 0)
		return -1;
	rc = audit_checkpoint_end(svc, org_id, org_key, err);
	if (rc == 0)
		rc = store_org_delete(svc->st, org_id, err);
	if (svc->tx_depth > 1 || rc != 0)
		return svc_tx_end(svc, rc, "delete", "org", org_id, NULL, NULL, err);
	/* On its own, the deletion ends the org's chain with the org: there is
	 * no entry left to append to. */
	svc->has_org = 0;
	return svc_tx_end_unaudited(svc, 0, err);
}

int svc_org_create(struct svc *svc, const struct value *vals, const char *admin_login, const char *admin_password,
		   struct err *err)
{
	struct record rec;
	const char *back = svc->has_org ? arena_strdup(&svc->arena, svc->org.key) : NULL;
	const char *key = NULL;
	int64_t id = 0;
	int rc;

	for (size_t i = 0; i < model_org.nfields; i++)
		if (model_org.fields[i].type == F_KEY && vals[i].kind == V_TEXT)
			key = arena_strdup(&svc->arena, vals[i].s);
	if (key == NULL)
		return err_field(err, ST_INVALID, "key", "key: required");
	if (svc_tx_begin(svc, err) != 0)
		return -1;
	memset(&rec, 0, sizeof(rec));
	rec.e = &model_org;
	rec.vals = vals;
	rc = record_create(svc, &rec, &id, err);
	/* The new org's first admin; the entry goes to the new org's chain. */
	if (rc == 0)
		rc = svc_select_org(svc, key, err);
	if (rc == 0)
		rc = auth_user_add(svc, admin_login, "admin", NULL, NULL, admin_password, err);
	rc = svc_tx_end(svc, rc, "create", "org", id, NULL, NULL, err);
	if (back) {
		struct err local = ERR_INIT;

		if (svc_select_org(svc, back, &local) != 0 && rc == 0)
			rc = err_set(err, local.code, "%s", local.msg);
	}
	return rc;
}
