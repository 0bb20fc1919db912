/*
 * test_core.c -- dates, UTF-8, bounded numbers and the capped buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/err.h"
#include "core/text.h"

static int32_t D(const char *s)
{
	int32_t d = DATE_NONE;

	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

static void dates_reject_impossible_days(void **state)
{
	int32_t d;

	(void)state;
	assert_int_equal(date_parse("2026-02-29", &d), -1);    /* not a leap year */
	assert_int_equal(date_parse("2028-02-29", &d), 0);     /* a leap year */
	assert_int_equal(date_parse("2100-02-29", &d), -1);    /* century, not leap */
	assert_int_equal(date_parse("2000-02-29", &d), 0);
	assert_int_equal(date_parse("2026-13-01", &d), -1);
	assert_int_equal(date_parse("2026-04-31", &d), -1);
	assert_int_equal(date_parse("2026-4-1", &d), -1);
	assert_int_equal(date_parse("2026-04-01x", &d), -1);
	assert_int_equal(date_parse("0026-04-01", &d), -1);    /* outside the limits */
	assert_int_equal(date_parse("", &d), -1);
}

static void dates_round_trip_and_count(void **state)
{
	char out[DATE_LEN];

	(void)state;
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(D("2026-05-21"), 20594);
	assert_int_equal(D("2026-03-01") - D("2026-02-28"), 1);
	assert_int_equal(D("2028-03-01") - D("2028-02-28"), 2);
	assert_string_equal(date_format(D("2028-02-29"), out), "2028-02-29");
	assert_string_equal(date_format(DATE_NONE, out), "");
	assert_int_equal(date_quarter(D("2026-04-01")), 2);
	assert_int_equal(date_quarter_end(2026, 1), D("2026-03-31"));
	assert_int_equal(date_quarter_end(2026, 4), D("2026-12-31"));
}

static void months_clamp_to_month_end(void **state)
{
	char out[DATE_LEN];

	(void)state;
	assert_string_equal(date_format(date_add_months(D("2028-01-31"), 1), out), "2028-02-29");
	assert_string_equal(date_format(date_add_months(D("2027-01-31"), 1), out), "2027-02-28");
	assert_string_equal(date_format(date_add_months(D("2026-11-30"), 3), out), "2027-02-28");
	assert_string_equal(date_format(date_add_months(D("2026-12-15"), 1), out), "2027-01-15");
	assert_string_equal(date_format(date_add_months(D("2026-03-31"), -1), out), "2026-02-28");
}

static void datetimes_normalise_to_utc(void **state)
{
	int64_t t;
	char out[DATETIME_LEN];

	(void)state;
	assert_int_equal(datetime_parse("2026-05-21T09:00:00+08:00", 0, &t), 0);
	assert_string_equal(datetime_format_utc(t, out), "2026-05-21T01:00:00Z");
	assert_int_equal(datetime_parse("2026-05-21T09:00", 480, &t), 0);   /* bare: org offset */
	assert_string_equal(datetime_format_utc(t, out), "2026-05-21T01:00:00Z");
	assert_string_equal(datetime_format_local(t, 480, out), "2026-05-21 09:00");
	assert_int_equal(datetime_parse("2026-05-21T24:00Z", 0, &t), -1);
	assert_int_equal(datetime_parse("2026-02-30T09:00Z", 0, &t), -1);
	assert_int_equal(datetime_parse("2026-05-21T09:00+8", 0, &t), -1);
}

static void utf8_is_checked(void **state)
{
	(void)state;
	assert_true(text_utf8_valid("江门 Jiangmen", strlen("江门 Jiangmen")));
	assert_false(text_utf8_valid("\xff", 1));
	assert_false(text_utf8_valid("\xe6\xb1", 2));              /* truncated */
	assert_false(text_utf8_valid("\xc0\xaf", 2));              /* overlong */
	assert_false(text_utf8_valid("\xed\xa0\x80", 3));          /* surrogate */
	assert_int_equal(text_utf8_chars("江门市"), 3);
	assert_int_equal(text_width("江门ab"), 6);
}

static void numbers_are_bounded(void **state)
{
	struct err err = ERR_INIT;
	long long v;

	(void)state;
	assert_int_equal(parse_int("42", 0, 100, &v, "percent", &err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int("101", 0, 100, &v, "percent", &err), -1);
	assert_non_null(strstr(err.msg, "percent"));
	assert_int_equal(parse_int("4x", 0, 100, &v, "percent", &err), -1);
	assert_int_equal(parse_int("", 0, 100, &v, "percent", &err), -1);
	assert_int_equal(parse_int("99999999999999999999", 0, 100, &v, "percent", &err), -1);
}

static void blank_text_is_recognised(void **state)
{
	(void)state;
	assert_true(text_is_blank(""));
	assert_true(text_is_blank(" \t\r\n"));
	assert_true(text_is_blank("\xe3\x80\x80 \xe3\x80\x80"));   /* ideographic spaces */
	assert_false(text_is_blank("\xe3\x80\x80\xe5\xad\xa6"));   /* then 学 */
	assert_false(text_is_blank(" x "));
	assert_false(text_is_blank("\xe3\x80"));                      /* a cut sequence is not blank */
}

static void buffer_stops_at_its_cap(void **state)
{
	struct buf b = BUF_INIT(16);

	(void)state;
	assert_int_equal(buf_adds(&b, "0123456789"), 0);
	assert_int_equal(buf_adds(&b, "0123456789"), -1);     /* would pass 16 with the NUL */
	assert_int_equal(b.err, -1);
	assert_int_equal(buf_adds(&b, "x"), -1);              /* sticky */
	assert_string_equal(buf_str(&b), "0123456789");
	buf_reset(&b);
	assert_int_equal(buf_add_json_escaped(&b, "a\"b\n"), 0);
	assert_string_equal(buf_str(&b), "a\\\"b\\n");
	buf_release(&b);
}

static void base_urls_are_checked(void **state)
{
	char out[256];
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(text_base_url("https://plenum.example.gov/", out, sizeof(out), "--base-url", &err), 0);
	assert_string_equal(out, "https://plenum.example.gov");
	assert_int_equal(text_base_url("http://10.1.2.3:8080/plenum//", out, sizeof(out), "--base-url", &err), 0);
	assert_string_equal(out, "http://10.1.2.3:8080/plenum");
	for (const char *const *bad = (const char *const[]){ "ftp://x", "https://", "http:///x", "https://a b",
			"https://x/?q=1", "https://x/#f", "javascript:alert(1)", "https://x\r\nSet-Cookie: a=b",
			"https://x/\"onload=", NULL }; *bad; bad++) {
		if (text_base_url(*bad, out, sizeof(out), "--base-url", &err) == 0)
			fail_msg("accepted \"%s\"", *bad);
		assert_non_null(strstr(err.msg, "--base-url"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates_reject_impossible_days),
		cmocka_unit_test(dates_round_trip_and_count),
		cmocka_unit_test(months_clamp_to_month_end),
		cmocka_unit_test(datetimes_normalise_to_utc),
		cmocka_unit_test(utf8_is_checked),
		cmocka_unit_test(numbers_are_bounded),
		cmocka_unit_test(blank_text_is_recognised),
		cmocka_unit_test(buffer_stops_at_its_cap),
		cmocka_unit_test(base_urls_are_checked),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
