/*
 * template.c -- the Mustache subset of the report templates (see template.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "../core/buf.h"
#include "../core/embed.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/banned.h"


#define MAX_DEPTH 16

struct ctx {
	json_t *stack[MAX_DEPTH];
	int depth;
	struct buf *out;
	struct err *err;
	const char *start;       /* of the template, for line numbers */
};

static int line_of(const struct ctx *c, const char *p)
{
	int n = 1;

	for (const char *s = c->start; s < p; s++)
		n += *s == '\n';
	return n;
}

static json_t *lookup(struct ctx *c, const char *name, size_t len)
{
	char key[128];
	json_t *v = NULL;
	const char *dot;

	if (len == 1 && name[0] == '.')
		return c->stack[c->depth - 1];
	if (len >= sizeof(key))
		return NULL;
	memcpy(key, name, len);
	key[len] = '\0';
	dot = strchr(key, '.');
	if (dot)
		key[dot - key] = '\0';
	/* Only the innermost record is asked: a list item without a field prints
	 * nothing there, never the enclosing record's value of the same name. A
	 * section over a value or true opens no record, so those are skipped. */
	for (int i = c->depth - 1; i >= 0; i--)
		if (json_is_object(c->stack[i])) {
			v = json_object_get(c->stack[i], key);
			break;
		}
	while (v && dot) {
		const char *next = strchr(dot + 1, '.');
		char part[128];
		size_t plen = next ? (size_t)(next - dot - 1) : strlen(dot + 1);

		if (plen >= sizeof(part))
			return NULL;
		memcpy(part, dot + 1, plen);
		part[plen] = '\0';
		v = json_is_object(v) ? json_object_get(v, part) : NULL;
		dot = next;
	}
	return v;
}

/* Where a value lands decides what its line breaks may become: in a table
 * row or a heading (one line only) a space; at the start of a line (a block
 * of its own) a paragraph break for a blank line, else a hard line break. */
enum spot { SPOT_BLOCK, SPOT_ONE_LINE, SPOT_INLINE };

static enum spot spot_of(const struct buf *out)
{
	const char *s = buf_str(out);
	size_t n = buf_len(out), i = n, j;

	while (i > 0 && s[i - 1] != '\n')
		i--;
	for (j = i; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
		;
	if (j == n)
		return SPOT_BLOCK;
	if (s[j] == '#' || memchr(s + i, '|', n - i))
		return SPOT_ONE_LINE;
	return SPOT_INLINE;
}

/* At the start of a line of record text: what would open a block there
 * (a list item "-", "+", "1." or "1)", a setext underline "===" or "---",
 * a rule) is escaped; "#", ">", "*", "_", "`", "~", "|" and "<" are escaped
 * everywhere. Indentation (code blocks, nesting) was skipped already. */
static const char *emit_line_start(struct buf *o, const char *s)
{
	const char *d = s;

	if (*s == '-' || *s == '+' || *s == '=') {
		buf_addc(o, '\\');
		return s;
	}
	while (*d >= '0' && *d <= '9')
		d++;
	if (d > s && (*d == '.' || *d == ')')) {
		buf_add(o, s, (size_t)(d - s));
		buf_addc(o, '\\');
		return d;
	}
	return s;
}

/* Record text as Markdown text: inline markup escaped, and never a block
 * of its own making, wherever the template puts it. */
static void emit_text(struct buf *o, const char *s, enum spot spot)
{
	/* leading blank lines would leave a list item empty, its text outside */
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
		s++;
	s = emit_line_start(o, s);
	while (*s) {
		if (*s == '\n' || *s == '\r') {
			const char *p = s;
			int breaks = 0;

			/* a run of line breaks and blank space is one break */
			/* (form feed and vertical tab are Markdown's blank space too) */
			for (; *p == '\n' || *p == '\r' || *p == ' ' || *p == '\t' || *p == '\f' || *p == '\v'; p++)
				breaks += *p == '\n' || (*p == '\r' && p[1] != '\n');
			if (*p == '\0')
				return;
			if (spot == SPOT_ONE_LINE)
				buf_addc(o, ' ');
			else if (spot == SPOT_BLOCK && breaks > 1)
				buf_adds(o, "\n\n");
			else
				buf_adds(o, "  \n");
			s = emit_line_start(o, p);
			continue;
		}
		if (*s == '\f' || *s == '\v') {
			buf_addc(o, ' ');
			s++;
			continue;
		}
		if (strchr("\\`*_[]<>|~#", *s))
			buf_addc(o, '\\');
		buf_addc(o, *s++);
	}
}

static void emit_value(struct ctx *c, json_t *v, int raw)
{
	char num[64];
	const char *s = NULL;

	if (json_is_string(v))
		s = json_string_value(v);
	else if (json_is_integer(v))
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v)), s = num;
	else if (json_is_real(v))
		snprintf(num, sizeof(num), "%.15g", json_real_value(v)), s = num;
	else if (json_is_true(v))
		s = "true";
	if (s == NULL)
		return;
	if (raw) {
		buf_adds(c->out, s);
		return;
	}
	/* Numbers are the template's own ("{{n}}. " numbers a list). */
	if (!json_is_string(v)) {
		buf_adds(c->out, s);
		return;
	}
	emit_text(c->out, s, spot_of(c->out));
}

static int truthy(json_t *v)
{
	return v && !json_is_null(v) && !json_is_false(v) && !(json_is_array(v) && json_array_size(v) == 0) &&
	       !(json_is_string(v) && json_string_length(v) == 0);
}

/* Finds the {{/name}} that closes a section opened just before p. */
static const char *section_end(const char *p, const char *name, size_t len, const char **after)
{
	int level = 1;

	while ((p = strstr(p, "{{")) != NULL) {
		const char *q = p + 2;

		/* A tag ends with two braces: "{{/name}" (one) is no tag, and taking
		 * it for one would put *after past the end of the template. */
		if ((*q == '#' || *q == '^') && strncmp(q + 1, name, len) == 0 && strncmp(q + 1 + len, "}}", 2) == 0)
			level++;
		else if (*q == '/' && strncmp(q + 1, name, len) == 0 && strncmp(q + 1 + len, "}}", 2) == 0 && --level == 0) {
			*after = q + 1 + len + 2;
			return p;
		}
		p = q;
	}
	return NULL;
}

static int render(struct ctx *c, const char *p, const char *end)
{
	while (p < end) {
		const char *open = strstr(p, "{{"), *close, *name;
		size_t len;
		char kind;
		int raw = 0;

		if (open == NULL || open >= end) {
			buf_add(c->out, p, (size_t)(end - p));
			return 0;
		}
		buf_add(c->out, p, (size_t)(open - p));
		kind = open[2];
		if (kind == '{') {
			raw = 1;
			close = strstr(open, "}}}");
		} else {
			close = strstr(open, "}}");
		}
		if (close == NULL || close + (raw ? 3 : 2) > end)
			return err_set(c->err, ST_INVALID, "template line %d: \"{{\" is not closed", line_of(c, open));
		name = open + 2 + (kind == '#' || kind == '^' || kind == '/' || kind == '!' || kind == '{');
		while (*name == ' ')
			name++;
		len = (size_t)(close - name);
		while (len && name[len - 1] == ' ')
			len--;
		p = close + (raw ? 3 : 2);
		if (kind == '!') {
			/* A comment alone on its line takes the line with it. */
			if (*p == '\n' && (open == c->start || open[-1] == '\n'))
				p++;
			continue;
		}
		if (kind == '/')
			return err_set(c->err, ST_INVALID, "template line %d: \"{{/%.*s}}\" closes nothing", line_of(c, open),
				       (int)len, name);
		if (kind == '#' || kind == '^') {
			const char *after, *body_end = section_end(p, name, len, &after);
			json_t *v = lookup(c, name, len);

			if (body_end == NULL)
				return err_set(c->err, ST_INVALID, "template line %d: section \"%.*s\" is not closed",
					       line_of(c, open), (int)len, name);
			/* A section tag alone on its line takes the line with it. */
			if (*p == '\n')
				p++;
			if (kind == '^') {
				if (!truthy(v) && render(c, p, body_end) != 0)
					return -1;
			} else if (truthy(v)) {
				size_t n = json_is_array(v) ? json_array_size(v) : 1;

				if (c->depth == MAX_DEPTH)
					return err_set(c->err, ST_INVALID, "template line %d: sections nested too deep", line_of(c, open));
				for (size_t i = 0; i < n; i++) {
					c->stack[c->depth++] = json_is_array(v) ? json_array_get(v, i) : v;
					if (render(c, p, body_end) != 0)
						return -1;
					c->depth--;
				}
			}
			p = after;
			if (*p == '\n' && (open == c->start || open[-1] == '\n'))
				p++;
			continue;
		}
		emit_value(c, lookup(c, name, len), raw);
	}
	return 0;
}

int template_render(const char *tpl, json_t *data, struct buf *out, struct err *err)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	c.stack[c.depth++] = data;
	c.out = out;
	c.err = err;
	c.start = tpl;
	if (render(&c, tpl, tpl + strlen(tpl)) != 0)
		return -1;
	return out->err ? err_set(err, ST_TOOBIG, "the report is too large") : 0;
}

const char *template_get(const char *name, struct buf *scratch)
{
	const char *dir = getenv("PLENUM_TEMPLATES");
	char path[512];

	if (dir && *dir && strchr(name, '/') == NULL) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		f = fopen(path, "rb");
		if (f) {
			char chunk[8192];
			size_t n;

			buf_reset(scratch);
			while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
				buf_add(scratch, chunk, n);
			fclose(f);
			if (!scratch->err)
				return buf_str(scratch);
		}
	}
	snprintf(path, sizeof(path), "/%s", name);
	for (const struct embedded_file *t = template_files; t->path; t++)
		if (strcmp(t->path, path) == 0)
			return (const char *)t->data;
	return NULL;
}
