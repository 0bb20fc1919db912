/*
 * test_threads.c -- what the server's worker threads share: PDFs rendered
 * from several threads at once come out byte for byte as a render on one
 * thread does (no mutable static in the PDF flow, libraries initialised once
 * before the threads start). Meant to be run under `make asan` as well.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "report/pdf.h"
#include "report/render.h"

#define THREADS 4
#define ROUNDS 3

struct job {
	const char *md;
	const struct buf *want;
	int same;              /* renders equal to want */
	int failed;
};

/* A paragraph taller than a page, so that it flows over page breaks line by
 * line, at a different height in each document (the lines before it). */
static char *long_doc(int lead_lines)
{
	struct buf b = BUF_INIT(1 << 20);

	buf_adds(&b, "# 流程\n\n");
	for (int i = 0; i < lead_lines; i++)
		buf_printf(&b, "第 %d 行。\n\n", i);
	for (int i = 0; i < 900; i++)
		buf_printf(&b, "学习贯彻第%d条，word %d ", i, i);
	buf_adds(&b, "\n\n## 结尾\n\nend\n");
	return buf_detach(&b, NULL);
}

/* Renders md; the creation date (the clock's second) is blanked so that
 * renders can be compared byte for byte. */
static int render(const char *md, struct buf *out)
{
	struct err err = ERR_INIT;
	char *p, *end;

	buf_reset(out);
	/* The gov style with contents: three passes, tags, /Lang added. */
	static const struct pdf_doc doc = { .title = "flow", .author = "org", .subject = "test", .lang = "zh-CN",
					    .style = PDF_GOV, .toc = 1 };

	if (pdf_from_markdown(md, &doc, out, &err) != 0)
		return -1;
	p = memmem(out->data, buf_len(out), "/CreationDate (", 15);
	if (p) {
		end = memchr(p, ')', buf_len(out) - (size_t)(p - out->data));
		for (p += 15; end && p < end; p++)
			*p = 'x';
	}
	return 0;
}

static void *worker(void *p)
{
	struct job *j = p;
	struct buf out = BUF_INIT(16u << 20);

	for (int r = 0; r < ROUNDS; r++) {
		if (render(j->md, &out) != 0) {
			j->failed++;
			continue;
		}
		if (buf_len(&out) == buf_len(j->want) && memcmp(buf_str(&out), buf_str(j->want), buf_len(&out)) == 0)
			j->same++;
	}
	buf_release(&out);
	return NULL;
}

static void pdfs_from_threads_match_one_thread(void **state)
{
	char *docs[THREADS];
	struct buf want[THREADS];
	struct job jobs[THREADS];
	pthread_t th[THREADS];

	(void)state;
	report_init();
	for (int i = 0; i < THREADS; i++) {
		docs[i] = long_doc(i * 7);
		buf_init(&want[i], 16u << 20);
		assert_int_equal(render(docs[i], &want[i]), 0);
		/* the same document twice on one thread: renders are deterministic */
		{
			struct buf again = BUF_INIT(16u << 20);

			assert_int_equal(render(docs[i], &again), 0);
			assert_int_equal(buf_len(&again), buf_len(&want[i]));
			assert_memory_equal(buf_str(&again), buf_str(&want[i]), buf_len(&again));
			buf_release(&again);
		}
		jobs[i] = (struct job){ docs[i], &want[i], 0, 0 };
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(jobs[i].failed, 0);
		if (jobs[i].same != ROUNDS)
			fail_msg("document %d: %d of %d renders on threads differ from the one-thread render", i,
				 ROUNDS - jobs[i].same, ROUNDS);
		buf_release(&want[i]);
		free(docs[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pdfs_from_threads_match_one_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
