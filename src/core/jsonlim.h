/*
 * jsonlim.h -- checks a JSON text against the input limits of limits.h
 * before a parser builds anything from it.
 *
 * jansson accepts nesting up to 2048 levels and strings and arrays of any
 * size; this one linear pass with no allocation holds outside JSON to
 * LIM_JSON_DEPTH, LIM_JSON_STRING_BYTES and LIM_JSON_ITEMS first. It is NOT a
 * parser and does not validate: malformed JSON within the limits passes, and
 * the parser then says where it is broken.
 */
#ifndef PLENUM_JSONLIM_H
#define PLENUM_JSONLIM_H

#include <stddef.h>

struct err;

/* 0 when s[0..n) stays within the limits, else -1 with *err (ST_TOOBIG, a
 * message naming the limit and the line). err may be NULL. */
int jsonlim_check(const char *s, size_t n, struct err *err);

#endif
