/*
 * test_task_json.c -- a task's JSON as view_task_write() writes it (each
 * row of a list, and through view_task() each record): every string comes
 * back as it went in whatever bytes it holds and wherever they fall (the
 * writer escapes eight bytes at a time), integers at their extremes, and a
 * buffer near its cap gets the same bytes or a clean error, never more.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"
#include "io/views.h"
#include "service/task.h"

static void task_init(struct task_view *t, const char *title)
{
	memset(t, 0, sizeof(*t));
	t->row.id = 7;
	t->row.version = 3;
	t->row.key = "t-1";
	t->row.title = title;
	t->row.title_en = "title";
	t->row.state = "in_progress";
	t->row.due_on = "2026-12-31";
	t->row.due_kind = "date";
	t->light.expected = 50;
}

/* The title read back from the JSON view_task_write() wrote for it. */
static void round_trip(const char *title)
{
	struct task_view t;
	struct buf b = BUF_INIT(1 << 20), esc = BUF_INIT(1 << 20);
	json_error_t e;
	json_t *o;
	const char *got;
	char want[64 + 4096 * 6];

	task_init(&t, title);
	assert_int_equal(view_task_write(&b, &t), 0);
	o = json_loadb(buf_str(&b), buf_len(&b), 0, &e);
	if (o == NULL)
		fail_msg("not JSON (%s) for a title of %zu bytes: %s", e.text, strlen(title), buf_str(&b));
	got = json_string_value(json_object_get(o, "title"));
	assert_non_null(got);
	assert_string_equal(got, title);
	/* the same escaping as everywhere else (buf_add_json_escaped) */
	assert_int_equal(buf_add_json_escaped(&esc, title), 0);
	snprintf(want, sizeof(want), "\"title\":\"%s\"", buf_str(&esc));
	assert_non_null(strstr(buf_str(&b), want));
	json_decref(o);
	buf_release(&b);
	buf_release(&esc);
}

static void every_byte_at_every_offset_comes_back(void **state)
{
	char s[32];

	(void)state;
	for (int c = 1; c < 256; c++) {
		for (int at = 0; at < 20; at++) {
			if (c >= 0x80)   /* a lone byte >= 0x80 is not UTF-8: put it in a character */
				break;
			memset(s, 'a', sizeof(s));
			s[at] = (char)c;
			s[20] = '\0';
			round_trip(s);
			s[at + 1 < 20 ? at + 1 : at] = (char)c;     /* two in a row */
			round_trip(s);
		}
	}
	round_trip("");
	round_trip("\"");
	round_trip("\\\\\\\\\\\\\\\\\\");
	round_trip("任务一\t第二行\n“引号”\"与\\反斜杠\x01\x1f\x7f完");
	round_trip("ääääääääääääääääää\x1f");
}

static void a_long_title_comes_back(void **state)
{
	char s[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(s) - 1; i++)
		s[i] = (char)(i % 97 == 0 ? '"' : i % 89 == 0 ? '\n' : 'a' + (char)(i % 26));
	s[sizeof(s) - 1] = '\0';
	round_trip(s);
}

static void integers_at_their_extremes(void **state)
{
	const long long v[] = { 0, 9, 10, -1, INT64_MAX, INT64_MIN };
	struct task_view t;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct buf b = BUF_INIT(1 << 16);
		json_t *o;

		task_init(&t, "x");
		t.row.version = v[i];
		assert_int_equal(view_task_write(&b, &t), 0);
		o = json_loadb(buf_str(&b), buf_len(&b), 0, NULL);
		assert_non_null(o);
		assert_true(json_integer_value(json_object_get(o, "version")) == v[i]);
		json_decref(o);
		buf_release(&b);
	}
}

/* A buf whose cap is just enough takes the same bytes (the writer's room
 * for the worst case does not fit, so it appends piece by piece); one byte
 * less is an error with nothing past the cap. */
static void a_buffer_near_its_cap_gets_the_same_bytes_or_an_error(void **state)
{
	struct task_view t;
	struct buf whole = BUF_INIT(1 << 16);

	(void)state;
	task_init(&t, "任务“甲”\"\\\n标题足够长以便最坏情况的空间超过上限");
	assert_int_equal(view_task_write(&whole, &t), 0);
	for (size_t slack = 0; slack < 2; slack++) {
		struct buf b = BUF_INIT(buf_len(&whole) + 1 + slack);

		assert_int_equal(view_task_write(&b, &t), 0);
		assert_string_equal(buf_str(&b), buf_str(&whole));
		buf_release(&b);
	}
	{
		struct buf b = BUF_INIT(buf_len(&whole));

		assert_int_not_equal(view_task_write(&b, &t), 0);
		assert_true(buf_len(&b) < buf_len(&whole));
		buf_release(&b);
	}
	buf_release(&whole);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_byte_at_every_offset_comes_back),
		cmocka_unit_test(a_long_title_comes_back),
		cmocka_unit_test(integers_at_their_extremes),
		cmocka_unit_test(a_buffer_near_its_cap_gets_the_same_bytes_or_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
