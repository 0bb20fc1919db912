/*
 * package.c -- the upward-reporting package (报备) of a group and year: the
 * member list (CSV), this year's plan (Markdown and PDF) and last year's
 * dossier (PDF), as one zip archive (libzip) (see report.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "report.h"
#include "render.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/xalloc.h"
#include "../domain/model.h"
#include "../io/rows.h"
#include "../service/service.h"
#include "../core/banned.h"

struct entry {
	char name[128];
	struct buf data;
};

static int add_entry(zip_t *z, struct entry *e)
{
	zip_source_t *s = zip_source_buffer(z, buf_str(&e->data), buf_len(&e->data), 0);

	if (s == NULL || zip_file_add(z, e->name, s, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(s);
		return -1;
	}
	return 0;
}

static int collect_topic(void *ctx, const struct row_meta *m, const struct value *vals)
{
	(void)m;
	json_array_append_new(ctx, rows_to_json(model_entity("topic"), vals));
	return 0;
}

static int plan_doc(struct svc *svc, const struct group_row *g, int year, int en, enum report_format f,
		    struct buf *out, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct plan_row plan;
	struct row_query q;
	json_t *topics = json_array(), *data;
	char title[256];
	int rc;

	if (store_plan_get(svc->st, g->id, year, &a, &plan, NULL) != 0) {
		json_decref(topics);
		arena_release(&a);
		return err_set(err, ST_NOTFOUND, "the group has no plan for %d", year);
	}
	memset(&q, 0, sizeof(q));
	q.org_id = svc->org.id;
	q.parent_id = plan.id;
	store_rows_view(svc->st, model_entity("topic"), &q, collect_topic, topics, NULL);
	data = json_pack("{s:s, s:i, s:s, s:s, s:s, s:o}", "group_name", en && g->name_en ? g->name_en : g->name,
			 "year", year, "status_label", plan.status, "approved_on", plan.approved_on ? plan.approved_on : "—",
			 "filed_on", plan.filed_on ? plan.filed_on : "—", "topics", topics);
	report_localize(data, en);
	snprintf(title, sizeof(title), en ? "Study plan %d" : "%d年度学习计划", year);
	rc = report_render(svc, en ? "plan.en.md" : "plan.zh.md", data, f, title, out, err);
	json_decref(data);
	arena_release(&a);
	return rc;
}

int report_package(struct svc *svc, const char *group_key, int year, int en, struct buf *out,
		   struct err *err)
{
	struct arena a = ARENA_INIT;
	struct group_row g;
	struct member_row *members;
	struct entry entries[4];
	size_t nm, n = 0;
	char path[] = "/tmp/plenum-package-XXXXXX";
	int fd, rc = -1, zerr;
	zip_t *z = NULL;

	for (int i = 0; i < 4; i++)
		buf_init(&entries[i].data, 128u << 20);
	if (store_group_get(svc->st, svc->org.id, group_key, &a, &g, err) != 0 ||
	    store_group_members(svc->st, g.id, &a, &members, &nm, err) != 0)
		goto out;
	/* The member list. */
	snprintf(entries[n].name, sizeof(entries[n].name), en ? "members-%d.csv" : "成员名单-%d.csv", year);
	buf_adds(&entries[n].data, "\xEF\xBB\xBFperson,name,name_en,role,from_on,to_on\r\n");
	for (size_t i = 0; i < nm; i++)
		buf_printf(&entries[n].data, "%s,\"%s\",\"%s\",%s,%s,%s\r\n", members[i].person_key, members[i].name,
			   members[i].name_en ? members[i].name_en : "", members[i].role,
			   members[i].from_on ? members[i].from_on : "", members[i].to_on ? members[i].to_on : "");
	n++;
	/* This year's plan, as text and as PDF. */
	snprintf(entries[n].name, sizeof(entries[n].name), en ? "plan-%d.md" : "学习计划-%d.md", year);
	if (plan_doc(svc, &g, year, en, RF_MD, &entries[n].data, err) != 0)
		goto out;
	n++;
	snprintf(entries[n].name, sizeof(entries[n].name), en ? "plan-%d.pdf" : "学习计划-%d.pdf", year);
	if (plan_doc(svc, &g, year, en, RF_PDF, &entries[n].data, err) != 0)
		goto out;
	n++;
	/* Last year's dossier. */
	snprintf(entries[n].name, sizeof(entries[n].name), en ? "dossier-%d.pdf" : "学习档案-%d.pdf", year - 1);
	if (report_dossier(svc, g.key, year - 1, en, RF_PDF, &entries[n].data, err) != 0)
		goto out;
	n++;
	fd = mkstemp(path);
	if (fd < 0) {
		err_set(err, ST_FAIL, "cannot make a temporary file");
		goto out;
	}
	close(fd);
	z = zip_open(path, ZIP_TRUNCATE, &zerr);
	if (z == NULL) {
		err_set(err, ST_FAIL, "cannot start the archive");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (add_entry(z, &entries[i]) != 0) {
			err_set(err, ST_FAIL, "cannot add %s to the archive", entries[i].name);
			goto out;
		}
	if (zip_close(z) != 0) {
		err_set(err, ST_FAIL, "cannot write the archive");
		goto out;
	}
	z = NULL;
	{
		FILE *f = fopen(path, "rb");
		char chunk[65536];
		size_t k;

		if (f == NULL) {
			err_set(err, ST_FAIL, "cannot read the archive back");
			goto out;
		}
		while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(out, chunk, k);
		fclose(f);
	}
	rc = out->err ? err_set(err, ST_TOOBIG, "the archive is too large") : 0;
out:
	if (z)
		zip_discard(z);
	unlink(path);
	for (int i = 0; i < 4; i++)
		buf_release(&entries[i].data);
	arena_release(&a);
	return rc;
}
