/*
 * text.h -- checks and measures on UTF-8 text, and bounded number parsing.
 *
 * Every string that enters plenum from outside (a JSON document, a CLI
 * argument, later an HTTP body) passes text_utf8_valid() at the edge. Lengths
 * that limits.h names are counted in characters (code points), because a
 * Chinese title of 50 characters is 150 bytes. It is NOT a Unicode library:
 * no normalisation, no case folding.
 */
#ifndef PLENUM_TEXT_H
#define PLENUM_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct err;

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates), else 0. */
int text_utf8_valid(const char *s, size_t n);
/* 1 when s holds nothing but spaces, tabs, line breaks and ideographic
 * spaces (U+3000, what a Chinese input method types): a blank entry. */
int text_is_blank(const char *s);
/* Number of code points in a valid UTF-8 string. */
size_t text_utf8_chars(const char *s);
/* Columns a terminal uses to show s (CJK and full-width count 2). */
size_t text_width(const char *s);

/* strtonum-style: parses all of s as a base-10 integer in [min, max]. On error
 * fills err naming `what` and returns -1. */
int parse_int(const char *s, long long min, long long max, long long *out,
	      const char *what, struct err *err);
/* Parses all of s as a finite number. */
int parse_double(const char *s, double *out, const char *what, struct err *err);

/* Checks a base URL for links that plenum writes (feeds, calendar
 * addresses): "http://" or "https://", a host, printable ASCII without
 * spaces, quotes or angle brackets, no query or fragment, at most
 * LIM_BASE_URL_BYTES. Copies it without a trailing "/" into out[size].
 * -1 with *err naming `what` when it is not such a URL. */
int text_base_url(const char *s, char *out, size_t size, const char *what, struct err *err);

#endif
