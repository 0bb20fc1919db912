/*
 * test_stores_agree.c -- the same org on SQLite and on PostgreSQL gives the
 * same answers: search (Chinese words of one, two and more characters,
 * English words in either case) in the same order, snippets byte for byte, the audit trail's
 * row images byte for byte (so that a chain copied between stores
 * verifies), and the export.
 *
 * Runs when PLENUM_TEST_PG names a PostgreSQL database (make check starts a
 * throwaway cluster); otherwise says so and passes. Not a test of either
 * store alone: test_store.c and test_integrity.c run on both.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testlib.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "io/orgjson.h"
#include "service/service.h"
#include "store/store.h"

#define DEMO "data/demo/jiangmen.json"

struct pair {
	struct svc lite, pg;
	char lite_path[TEST_DB_MAX], pg_path[TEST_DB_MAX];
};

static void open_demo_on(struct svc *svc, const char *path)
{
	struct err err = ERR_INIT;
	struct import_report rep = { NULL, 0, 0 };
	char *doc = slurp(DEMO);

	if (svc_open(svc, path, 1, NULL, 0, &err) != 0)
		fail_msg("open %s: %s", path, err.msg);
	if (orgjson_import(svc, doc, strlen(doc), 0, &rep, &err) != 0)
		fail_msg("demo import failed: %s", err.msg);
	free(doc);
}

/* The demo on a SQLite file and in a fresh PostgreSQL schema. */
static void open_pair(struct pair *p)
{
	const char *pg = getenv("PLENUM_TEST_PG");

	snprintf(p->lite_path, sizeof(p->lite_path), "/tmp/plenum-agree-XXXXXX");
	{
		int fd = mkstemp(p->lite_path);

		assert_true(fd >= 0);
		close(fd);
		unlink(p->lite_path);
	}
	temp_db(p->pg_path);
	assert_true(db_is_url(p->pg_path) && pg != NULL);
	open_demo_on(&p->lite, p->lite_path);
	open_demo_on(&p->pg, p->pg_path);
}

static void close_pair(struct pair *p)
{
	svc_close(&p->lite);
	svc_close(&p->pg);
	remove_db(p->pg_path);
	remove_db(p->lite_path);
}

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line per hit: kind, record, key and snippet (marks made visible). */
/* How many of the words of q (split on spaces) text holds, ASCII letters
 * in either case, as the search matches them. */
static int title_words(const char *text, const char *q)
{
	int n = 0;

	for (const char *w = q; *w;) {
		size_t len = strcspn(w, " ");

		for (const char *t = text; len > 0 && *t; t++) {
			size_t i = 0;

			while (i < len && t[i] && (t[i] | (t[i] >= 'A' && t[i] <= 'Z' ? 32 : 0)) ==
							  (w[i] | (w[i] >= 'A' && w[i] <= 'Z' ? 32 : 0)))
				i++;
			if (i == len) {
				n++;
				break;
			}
		}
		w += len;
		while (*w == ' ')
			w++;
	}
	return n;
}

/* The hits of q, one line each, in the store's order; a ranked search
 * (ranked != 0) must list the hits with more of the words in their title
 * first. */
static void hits_text(struct svc *svc, const char *store, const char *q, int ranked_q, struct buf *out)
{
	struct arena a = ARENA_INIT;
	struct search_hit *hits;
	struct err err = ERR_INIT;
	size_t n;
	char **lines;

	if (store_search(svc->st, svc->org.id, q, 500, &a, &hits, &n, &err) != 0)
		fail_msg("search %s: %s", q, err.msg);
	lines = calloc(n + 1, sizeof(*lines));
	for (size_t i = 0; i < n; i++) {
		struct buf l = BUF_INIT(1 << 16);

		buf_printf(&l, "%s %lld %s |", hits[i].kind, (long long)hits[i].ref_id,
			   hits[i].link_key ? hits[i].link_key : "-");
		for (const char *c = hits[i].snippet ? hits[i].snippet : "(none)"; *c; c++)
			buf_addc(&l, *c == '\x01' ? '[' : *c == '\x02' ? ']' : *c);
		lines[i] = buf_detach(&l, NULL);
	}
	for (size_t i = 0; ranked_q && i + 1 < n; i++)
		if (title_words(hits[i].title ? hits[i].title : "", q) < title_words(hits[i + 1].title ? hits[i + 1].title : "", q))
			fail_msg("search \"%s\" on %s: hit %zu (%s) has fewer words in its title than hit %zu (%s)", q,
				 store, i + 1, hits[i].title, i + 2, hits[i + 1].title);
	for (size_t i = 0; i < n; i++) {
		buf_printf(out, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	arena_release(&a);
}

/* 1 when every word has three characters or more (a ranked search). */
static int ranked(const char *q)
{
	int chars = 0, shortest = 1000;

	for (const char *c = q;; c++) {
		if (*c == ' ' || *c == '\0') {
			if (chars > 0 && chars < shortest)
				shortest = chars;
			chars = 0;
			if (*c == '\0')
				break;
		} else if (((unsigned char)*c & 0xc0) != 0x80) {
			chars++;
		}
	}
	return shortest >= 3;
}

static void search_gives_the_same_answers(void **state)
{
	/* One, two, three and more characters; English in another case; two
	 * words; a word found nowhere. */
	static const char *const queries[] = {
		"学", "园区", "硅能源", "科技创新", "基础研究", "Industrial revitalization", "xiong", "INDUSTRIAL",
		"科技 创新", "江门", "nothing-matches-this", NULL,
	};
	struct pair p;

	(void)state;
	open_pair(&p);
	for (int i = 0; queries[i]; i++) {
		struct buf a = BUF_INIT(1 << 22), b = BUF_INIT(1 << 22);
		/* Substring answers (a word under three characters) are newest
		 * first; ranked answers have the title hits first, then newest:
		 * the same order on both stores. */
		int r = ranked(queries[i]);

		hits_text(&p.lite, "SQLite", queries[i], r, &a);
		hits_text(&p.pg, "PostgreSQL", queries[i], r, &b);
		if (strcmp(buf_str(&a), buf_str(&b)) != 0)
			fail_msg("search \"%s\" differs:\n-- SQLite:\n%s-- PostgreSQL:\n%s", queries[i], buf_str(&a), buf_str(&b));
		if (i < 8 && buf_len(&a) == 0)
			fail_msg("search \"%s\" found nothing on either store", queries[i]);
		buf_release(&a);
		buf_release(&b);
	}
	close_pair(&p);
}

static int collect_image(void *ctx, const char *tbl, const char *key, const char *image)
{
	struct buf *b = ctx;

	buf_printf(b, "%s %s %s\n", tbl, key, image);
	return 0;
}

/* The lines of b in byte order (the stores list rows in their own order). */
static void sort_lines(struct buf *b)
{
	size_t n = 0, cap = 1024;
	char **lines = malloc(cap * sizeof(*lines)), *text = buf_detach(b, NULL), *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n == cap)
			lines = realloc(lines, (cap *= 2) * sizeof(*lines));
		lines[n++] = l;
	}
	qsort(lines, n, sizeof(*lines), strcmp_ptr);
	buf_init(b, 1 << 24);
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s\n", lines[i]);
	free(lines);
	free(text);
}

static void row_images_are_the_same_bytes(void **state)
{
	/* Reals that print differently unless printed as SQLite does. */
	static const char *const edit =
		"UPDATE task SET weight = 0.1 WHERE id = 1; UPDATE task SET weight = 2 WHERE id = 2; "
		"UPDATE indicator SET target = 1e20 WHERE id = 1; UPDATE indicator SET target = 1.0 / 3 WHERE id = 2; "
		"UPDATE meeting SET duration_days = 0.00000015, title = 'a \"quoted\" \\ back\nline' WHERE id = 1";
	struct pair p;
	struct buf a = BUF_INIT(1 << 24), b = BUF_INIT(1 << 24);
	struct err err = ERR_INIT;
	struct db *db;

	(void)state;
	open_pair(&p);
	db = db_open(p.lite_path, DB_OPEN_EXISTING, &err);
	assert_non_null(db);
	assert_int_equal(db_exec(db, edit, &err), 0);
	db_close(db);
	db = db_open(p.pg_path, DB_OPEN_EXISTING, &err);
	assert_non_null(db);
	assert_int_equal(db_exec(db, edit, &err), 0);
	db_close(db);
	assert_int_equal(store_audit_images(p.lite.st, p.lite.org.id, collect_image, &a, &err), 0);
	assert_int_equal(store_audit_images(p.pg.st, p.pg.org.id, collect_image, &b, &err), 0);
	assert_true(buf_len(&a) > 10000);
	assert_non_null(strstr(buf_str(&a), "\"weight\":0.1,"));
	assert_non_null(strstr(buf_str(&a), "\"target\":1.0e+20,"));
	assert_non_null(strstr(buf_str(&a), "\"duration_days\":1.5e-07,"));
	assert_non_null(strstr(buf_str(&a), "a \\\"quoted\\\" \\\\ back\\nline"));
	sort_lines(&a);
	sort_lines(&b);
	if (strcmp(buf_str(&a), buf_str(&b)) != 0) {
		const char *x = buf_str(&a), *y = buf_str(&b);

		while (*x && *x == *y) {
			x++;
			y++;
		}
		fail_msg("row images differ at:\n-- SQLite: %.300s\n-- PostgreSQL: %.300s", x, y);
	}
	buf_release(&a);
	buf_release(&b);
	close_pair(&p);
}

/* The export up to the audit chain (whose times and hashes are each
 * store's own) is the same document. */
static void the_export_is_the_same_document(void **state)
{
	struct pair p;
	struct buf a = BUF_INIT(LIM_IMPORT_BYTES), b = BUF_INIT(LIM_IMPORT_BYTES);
	struct err err = ERR_INIT;
	char *cut;

	(void)state;
	open_pair(&p);
	assert_int_equal(orgjson_export(&p.lite, &a, 0, &err), 0);
	assert_int_equal(orgjson_export(&p.pg, &b, 0, &err), 0);
	cut = strstr(a.data, "\"audit\"");
	if (cut)
		*cut = '\0';
	cut = strstr(b.data, "\"audit\"");
	if (cut)
		*cut = '\0';
	assert_true(strlen(a.data) > 50000);
	assert_string_equal(a.data, b.data);
	buf_release(&a);
	buf_release(&b);
	close_pair(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(search_gives_the_same_answers),
		cmocka_unit_test(row_images_are_the_same_bytes),
		cmocka_unit_test(the_export_is_the_same_document),
	};

	if (!test_on_pg()) {
		printf("stores agree: skipped (PLENUM_TEST_PG not set; make check sets it)\n");
		return 0;
	}
	setenv("PLENUM_CHECKPOINT_SECONDS", "-1", 1);
	setenv("PLENUM_AUDIT_KEY", "/tmp/plenum-agree-test.audit-key", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
