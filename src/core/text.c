/*
 * text.c -- UTF-8 checks and bounded number parsing (see text.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "err.h"
#include "limits.h"
#include "banned.h"

int text_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

size_t text_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static uint32_t next_cp(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint32_t cp;
	int len;

	if (*p < 0x80) {
		cp = *p;
		len = 1;
	} else if ((*p & 0xe0) == 0xc0) {
		cp = *p & 0x1f;
		len = 2;
	} else if ((*p & 0xf0) == 0xe0) {
		cp = *p & 0x0f;
		len = 3;
	} else {
		cp = *p & 0x07;
		len = 4;
	}
	for (int k = 1; k < len && p[k]; k++)
		cp = (cp << 6) | (p[k] & 0x3f);
	for (int k = 0; k < len && **pp; k++)
		(*pp)++;
	return cp;
}

size_t text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		uint32_t cp = next_cp(&p);

		if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
		    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
		    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
		    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd))
			w += 2;
		else if (cp >= 0x20)
			w += 1;
	}
	return w;
}

int text_base_url(const char *s, char *out, size_t size, const char *what, struct err *err)
{
	size_t n = strlen(s), scheme;
	const char *host;

	if (strncmp(s, "https://", 8) == 0)
		scheme = 8;
	else if (strncmp(s, "http://", 7) == 0)
		scheme = 7;
	else
		return err_set(err, ST_INVALID, "%s: expected http://HOST[:PORT][/PATH] or https://..., got \"%.80s\"", what, s);
	while (n > scheme && s[n - 1] == '/')
		n--;
	host = s + scheme;
	if (n == scheme || *host == '/' || *host == ':')
		return err_set(err, ST_INVALID, "%s: the address names no host", what);
	if (n > LIM_BASE_URL_BYTES || n >= size)
		return err_set(err, ST_INVALID, "%s: longer than %d bytes", what, LIM_BASE_URL_BYTES);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= ' ' || ch >= 0x7f || strchr("\"'<>\\^`{|}?#", ch))
			return err_set(err, ST_INVALID, "%s: the character at byte %zu is not allowed in a base URL", what, i + 1);
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int parse_int(const char *s, long long min, long long max, long long *out,
	      const char *what, struct err *err)
{
	char *end = NULL;
	long long v;

	if (s == NULL || *s == '\0')
		return err_field(err, ST_INVALID, what, "%s: empty, expected a number", what);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return err_field(err, ST_INVALID, what, "%s: \"%s\" is not a whole number", what, s);
	if (v < min || v > max)
		return err_field(err, ST_INVALID, what, "%s: %lld is out of range %lld..%lld",
				 what, v, min, max);
	*out = v;
	return 0;
}

int parse_double(const char *s, double *out, const char *what, struct err *err)
{
	char *end = NULL;
	double v;

	if (s == NULL || *s == '\0')
		return err_field(err, ST_INVALID, what, "%s: empty, expected a number", what);
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v))
		return err_field(err, ST_INVALID, what, "%s: \"%s\" is not a number", what, s);
	*out = v;
	return 0;
}

int text_is_blank(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
			p++;
		else if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
			p += 3;
		else
			return 0;
	}
	return 1;
}
