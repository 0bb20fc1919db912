/*
 * sheet.c -- the cells of a CSV file (libcsv) or of an XLSX workbook's first
 * worksheet (libzip and libxml2, since Debian has no C library that reads
 * XLSX). See sheet.h.
 *
 * Bounded cost: the workbook's parts are inflated a chunk at a time into
 * libxml2's push parser (SAX, no tree), and every limit of limits.h is
 * checked while reading, before anything is kept for it: inflated bytes per
 * part and in all, rows, the column of a cell reference (XFD at most, parsed
 * without overflow), cells, the bytes of one cell and of all of them, and the
 * shared-string table's entries and bytes, the cell formats, and the
 * attributes of one element (counted ahead of libxml2, whose check for
 * duplicate attributes is quadratic). CSV is fed to libcsv in chunks
 * with the same row, column, cell and text limits plus the length of a row.
 * A file over a limit is refused with ST_TOOBIG and a message that names it.
 *
 * Not for interpreting the columns: that is the ledger's business.
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <math.h>
#include <csv.h>
#include <libxml/parser.h>
#include <zip.h>

#include "sheet.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

#define CHUNK 32768              /* bytes handed to a parser at a time */

/* ---- the rows being built, with the limits every format shares ---- */

struct sink {
	json_t *rows;            /* borrowed: the caller's array */
	json_t *row;             /* the row being filled, or NULL */
	json_t *empty;           /* one "" shared by every padding cell */
	size_t nrows;            /* rows appended to rows */
	size_t cells, text;      /* kept so far, padding included */
	struct err *err;
	int failed;              /* set once; every later call does nothing */
	int a1;                  /* name cells "B7" (XLSX), else "row 7, column 2" (CSV) */
};

static int sink_fail(struct sink *s, enum status code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int sink_fail(struct sink *s, enum status code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (s->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->failed = 1;
	return err_set(s->err, code, "%s", msg);
}

/* "A" for column 0, "XFD" for column 16383. */
static const char *col_name(size_t col, char out[8])
{
	char tmp[8];
	size_t n = 0, i = 0;

	col++;
	while (col > 0 && n < sizeof(tmp) - 1) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	while (n > 0)
		out[i++] = tmp[--n];
	out[i] = '\0';
	return out;
}

static int sink_row_begin(struct sink *s)
{
	if (s->failed)
		return -1;
	if (s->nrows >= LIM_SHEET_ROWS)
		return sink_fail(s, ST_TOOBIG, "the sheet has more than the limit of %d rows", LIM_SHEET_ROWS);
	if (s->row == NULL)
		s->row = json_array();
	return 0;
}

static void sink_row_end(struct sink *s)
{
	if (s->row == NULL)
		return;
	json_array_append_new(s->rows, s->row);
	s->row = NULL;
	s->nrows++;
}

static int sink_count(struct sink *s, size_t len)
{
	if (s->cells >= LIM_SHEET_CELLS)
		return sink_fail(s, ST_TOOBIG, "the sheet has more than the limit of %d cells", LIM_SHEET_CELLS);
	if (len > LIM_SHEET_TEXT_BYTES - s->text)
		return sink_fail(s, ST_TOOBIG, "the sheet holds more than the limit of %u bytes of text",
				 LIM_SHEET_TEXT_BYTES);
	s->cells++;
	s->text += len;
	return 0;
}

/* Pads the current row with empty cells up to column col (0-based). */
static int sink_pad(struct sink *s, size_t col)
{
	while (!s->failed && json_array_size(s->row) < col)
		if (sink_count(s, 0) == 0)
			json_array_append(s->row, s->empty);
	return s->failed ? -1 : 0;
}

/* The name of the cell at col (0-based) of the row being read, for messages. */
static const char *sink_cell_name(const struct sink *s, size_t col, char out[48])
{
	char letters[8];

	if (s->a1)
		snprintf(out, 48, "cell %s%zu", col_name(col, letters), s->nrows + 1);
	else
		snprintf(out, 48, "row %zu, column %zu", s->nrows + 1, col + 1);
	return out;
}

/* Appends one cell to the current row, at column col. */
static int sink_cell(struct sink *s, const char *text, size_t len, size_t col)
{
	char name[48];
	json_t *v;

	if (s->failed || sink_row_begin(s) != 0 || sink_count(s, len) != 0)
		return -1;
	if (len == 0)
		return json_array_append(s->row, s->empty) == 0 ? 0 : sink_fail(s, ST_FAIL, "out of memory");
	if (!text_utf8_valid(text, len))
		return sink_fail(s, ST_INVALID, "%s: not valid UTF-8", sink_cell_name(s, col, name));
	v = json_stringn_nocheck(text, len);
	if (v == NULL || json_array_append_new(s->row, v) != 0)
		return sink_fail(s, ST_FAIL, "%s: out of memory", sink_cell_name(s, col, name));
	return 0;
}

static void sink_init(struct sink *s, json_t *rows, struct err *err)
{
	memset(s, 0, sizeof(*s));
	s->rows = rows;
	s->empty = json_string("");
	s->err = err;
}

static void sink_release(struct sink *s)
{
	json_decref(s->row);
	json_decref(s->empty);
}

/* ---- CSV ---- */

struct csvr {
	struct sink s;
	size_t ncols;            /* fields of the current row so far */
	size_t line;             /* its bytes so far */
	int last_term;           /* the byte that ended the last row */
};

static void csv_on_field(void *text, size_t len, void *ctx)
{
	struct csvr *c = ctx;

	if (c->s.failed)
		return;
	if (len > LIM_CELL_BYTES) {
		sink_fail(&c->s, ST_TOOBIG, "row %zu, column %zu: the field is longer than the limit of %u bytes",
			  c->s.nrows + 1, c->ncols + 1, LIM_CELL_BYTES);
		return;
	}
	if (c->ncols >= LIM_SHEET_COLS) {
		sink_fail(&c->s, ST_TOOBIG, "row %zu has more than the limit of %d columns", c->s.nrows + 1,
			  LIM_SHEET_COLS);
		return;
	}
	c->line += len + 1;
	if (c->line > LIM_CSV_LINE_BYTES) {
		sink_fail(&c->s, ST_TOOBIG, "row %zu is longer than the limit of %u bytes", c->s.nrows + 1,
			  LIM_CSV_LINE_BYTES);
		return;
	}
	/* A cell the ledger wrote behind a quote (a formula character first, see
	 * report/ledger.c) comes back as it was entered. */
	if (text && len >= 2 && ((const char *)text)[0] == '\'' && strchr("=+-@\t\r", ((const char *)text)[1])) {
		text = (char *)text + 1;
		len--;
	}
	if (sink_cell(&c->s, text ? text : "", text ? len : 0, c->ncols) == 0)
		c->ncols++;
}

/* libcsv (CSV_REPALL_NL) also reports the line breaks outside any record:
 * the LF of a CR LF is passed over, any other is a blank line, kept as a
 * blank row ("" alone) as a spreadsheet shows it. */
static void csv_on_row(int term, void *ctx)
{
	struct csvr *c = ctx;
	int blank = c->ncols == 0;

	if (c->s.failed)
		return;
	if (blank && term == '\n' && c->last_term == '\r') {
		c->last_term = 0;
		return;
	}
	c->last_term = term;
	if (blank && sink_cell(&c->s, "", 0, 0) != 0)
		return;
	if (sink_row_begin(&c->s) != 0)
		return;
	sink_row_end(&c->s);
	c->ncols = 0;
	c->line = 0;
}

/* ---- CSV encodings: everything becomes UTF-8 before libcsv sees it ---- */

/* The encodings a CSV may be declared in: the name given, iconv's name. */
static const struct {
	const char *name, *iconv;
} encodings[] = {
	{ "utf-8", "UTF-8" }, { "utf8", "UTF-8" }, { "utf-16", "UTF-16" }, { "utf-16le", "UTF-16LE" },
	{ "utf-16be", "UTF-16BE" }, { "gb18030", "GB18030" }, { "gbk", "GB18030" }, { "gb2312", "GB18030" },
	{ "cp936", "GB18030" },
};

static const char *encoding_iconv(const char *name)
{
	for (size_t i = 0; i < sizeof(encodings) / sizeof(encodings[0]); i++)
		if (strcasecmp(encodings[i].name, name) == 0)
			return encodings[i].iconv;
	return NULL;
}

int sheet_encoding_known(const char *name)
{
	return name && encoding_iconv(name) != NULL;
}

/* The 1-based line of byte off of data (counting LF). */
static size_t line_of(const char *data, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off; i++)
		line += data[i] == '\n';
	return line;
}

/* The offset of the first byte that is not UTF-8 (len when all are). */
static size_t utf8_bad_at(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)p[i];
		size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;

		if (n == 0 || n > len - i || !text_utf8_valid(p + i, n))
			return i;
		i += n;
	}
	return len;
}

/* 1 when p[0..len) is UTF-8 with damage rather than another encoding: more
 * of its non-ASCII characters are valid UTF-8 than not (GB18030 text is
 * almost never valid UTF-8, while UTF-8 text often reads as GB18030). */
static int mostly_utf8(const char *p, size_t len)
{
	size_t good = 0, bad = 0, i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)p[i];
		size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;

		if (n == 1) {
			i++;
		} else if (n > 1 && n <= len - i && text_utf8_valid(p + i, n)) {
			good++;
			i += n;
		} else {
			bad++;
			i++;
		}
	}
	return good > bad;
}

/* data[0..len) in encoding from (iconv's name) as UTF-8 in *out. 0, or -1
 * with *bad the offset of the first byte that is not of the encoding. */
static int decode(const char *data, size_t len, const char *from, struct buf *out, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", from);
	char chunk[CHUNK];
	char *in = (char *)data;
	size_t left = len;
	int rc = -1;

	*bad = 0;
	if (cd == (iconv_t)-1)
		return -1;
	while (left > 0) {
		char *o = chunk;
		size_t room = sizeof(chunk);
		size_t r = iconv(cd, &in, &left, &o, &room);

		if (buf_add(out, chunk, (size_t)(o - chunk)) != 0)
			goto out;
		if (r == (size_t)-1 && errno != E2BIG) {
			*bad = (size_t)(in - data);
			goto out;
		}
	}
	rc = 0;
out:
	iconv_close(cd);
	return rc;
}

/* 1 when the first line of text (UTF-8) holds one of headers as a field. */
static int has_header(const char *text, size_t len, const char *const *headers)
{
	const char *nl = memchr(text, '\n', len);
	size_t n = nl ? (size_t)(nl - text) : len;

	for (; headers && *headers; headers++) {
		size_t h = strlen(*headers);

		for (size_t i = 0; h > 0 && i + h <= n; i++) {
			char before = i ? text[i - 1] : ',', after = i + h < n ? text[i + h] : ',';

			if (memcmp(text + i, *headers, h) == 0 && strchr(",;\t\"", before) && strchr(",;\t\"\r", after))
				return 1;
		}
	}
	return 0;
}

/* The separator the first line asks for: "sep=X" (consumed: *skip past
 * it), or ';' or tab when it holds more of them, outside quotes, than commas. */
static char csv_separator(const char *text, size_t len, size_t *skip)
{
	size_t n[3] = { 0, 0, 0 };
	int quoted = 0;

	*skip = 0;
	if (len >= 5 && strncasecmp(text, "sep=", 4) == 0 && (len == 5 || text[5] == '\r' || text[5] == '\n')) {
		char c = text[4];

		*skip = 5;
		while (*skip < len && (text[*skip] == '\r' || text[*skip] == '\n') && *skip < 7)
			(*skip)++;
		return c;
	}
	for (size_t i = 0; i < len && (quoted || text[i] != '\n'); i++) {
		if (text[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			n[0] += text[i] == ',', n[1] += text[i] == ';', n[2] += text[i] == '\t';
	}
	if (n[1] > n[0] && n[1] >= n[2])
		return ';';
	if (n[2] > n[0] && n[2] > n[1])
		return '\t';
	return ',';
}

/* Where byte off of a CSV file is, as a spreadsheet names it: its row and
 * column (1-based), counting separators and line breaks outside quotes. */
static void csv_locate(const char *data, size_t off, size_t *row, size_t *col)
{
	size_t skip;
	char sep = csv_separator(data, off, &skip);
	int quoted = 0;

	*row = 1;
	*col = 1;
	for (size_t i = skip; i < off; i++) {
		if (data[i] == '"')
			quoted = !quoted;
		else if (!quoted && data[i] == sep)
			(*col)++;
		else if (!quoted && data[i] == '\n')
			(*row)++, *col = 1;
	}
}

/* The file as UTF-8 in *out (with no byte-order mark); sets o->used. */
static int csv_decode(const char *data, size_t len, struct sheet_opts *o, struct buf *out, struct err *err)
{
	const char *declared = o->encoding && *o->encoding ? o->encoding : NULL;
	const char *from = NULL;
	size_t bad = 0, skip = 0;

	if (declared) {
		from = encoding_iconv(declared);
		if (from == NULL)
			return err_field(err, ST_INVALID, "encoding", "encoding: \"%.40s\" is not one of utf-8, utf-16, "
					 "utf-16le, utf-16be, gb18030, gbk", declared);
	}
	/* A byte-order mark decides, unless the declaration says otherwise. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 && (!from || strcmp(from, "UTF-8") == 0)) {
		from = "UTF-8";
		skip = 3;
	} else if (len >= 2 && (memcmp(data, "\xFF\xFE", 2) == 0 || memcmp(data, "\xFE\xFF", 2) == 0) &&
		   (!from || strncmp(from, "UTF-16", 6) == 0)) {
		from = data[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
		skip = 2;
	}
	if (from == NULL) {
		/* Not declared, no mark: UTF-8 when it is, else GB18030 when that
		 * reads as a ledger, else UTF-16 without a mark when it does. */
		bad = utf8_bad_at(data, len);
		if (bad == len) {
			from = "UTF-8";
		} else {
			static const char *const guesses[] = { "GB18030", "UTF-16LE", "UTF-16BE" };
			int damaged = mostly_utf8(data, len);

			for (size_t i = 0; i < 3 && from == NULL && !damaged; i++) {
				size_t at;

				buf_reset(out);
				if (decode(data, len, guesses[i], out, &at) == 0 && !out->err &&
				    has_header(buf_str(out), buf_len(out), o->headers))
					from = guesses[i];
			}
			buf_reset(out);
			if (from == NULL) {
				size_t row, col;

				csv_locate(data, bad, &row, &col);
				return err_field(err, ST_INVALID, "encoding", "row %zu, column %zu: not valid UTF-8 (the byte "
						 "0x%02X), and the file does not read as GB18030 or UTF-16 either: save "
						 "it as \"CSV UTF-8\" or declare its encoding (gb18030, utf-16)", row, col,
						 (unsigned char)data[bad]);
			}
		}
	}
	o->used = from;
	if (strcmp(from, "UTF-8") == 0) {
		bad = utf8_bad_at(data + skip, len - skip);
		if (bad != len - skip)
			return err_field(err, ST_INVALID, "encoding", "the file is not UTF-8: line %zu has the byte 0x%02X, "
					 "which UTF-8 never has there (declare its encoding, such as gb18030)",
					 line_of(data, skip + bad), (unsigned char)data[skip + bad]);
		buf_add(out, data + skip, len - skip);
	} else if (decode(data + skip, len - skip, from, out, &bad) != 0) {
		if (out->err)
			return err_set(err, ST_TOOBIG, "the file holds more than the limit of %u bytes of text",
				       LIM_IMPORT_BYTES);
		return err_field(err, ST_INVALID, "encoding", "the file is not %s text: byte %zu (0x%02X) is not of "
				 "that encoding", from, skip + bad + 1, (unsigned char)data[skip + bad]);
	}
	if (out->err)
		return err_set(err, ST_TOOBIG, "the file holds more than the limit of %u bytes of text", LIM_IMPORT_BYTES);
	if (strcmp(from, "UTF-16") == 0)
		o->used = "UTF-16";
	return 0;
}

static int read_csv(const char *data, size_t len, struct sheet_opts *o, json_t *rows, struct err *err)
{
	struct csv_parser p;
	struct csvr c;
	struct buf text = BUF_INIT(LIM_IMPORT_BYTES);
	size_t off = 0;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	sink_init(&c.s, rows, err);
	if (csv_decode(data, len, o, &text, err) != 0) {
		buf_release(&text);
		sink_release(&c.s);
		return -1;
	}
	data = buf_str(&text);
	len = buf_len(&text);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;                       /* the mark of a UTF-16 file made from a UTF-8 one */
		len -= 3;
	}
	o->sep = csv_separator(data, len, &off);
	if (csv_init(&p, CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
		err_set(err, ST_FAIL, "cannot start the CSV parser");
		buf_release(&text);
		sink_release(&c.s);
		return -1;
	}
	csv_set_delim(&p, (unsigned char)o->sep);
	csv_set_blk_size(&p, CHUNK);
	/* A chunk at a time, so that a field without end (an unclosed quote)
	 * is caught at the cell limit instead of being buffered whole. */
	while (off < len && !c.s.failed) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;

		if (csv_parse(&p, data + off, n, csv_on_field, csv_on_row, &c) != n) {
			sink_fail(&c.s, ST_INVALID, "the CSV is malformed: %s", csv_strerror(csv_error(&p)));
			break;
		}
		off += n;
		if (csv_get_buffer_size(&p) > (size_t)LIM_CELL_BYTES + 2 * CHUNK)
			sink_fail(&c.s, ST_TOOBIG, "row %zu, column %zu: the field is longer than the limit of %u bytes",
				  c.s.nrows + 1, c.ncols + 1, LIM_CELL_BYTES);
	}
	if (!c.s.failed)
		csv_fini(&p, csv_on_field, csv_on_row, &c);
	csv_free(&p);
	if (!c.s.failed)
		rc = 0;
	buf_release(&text);
	sink_release(&c.s);
	return rc;
}

/* ---- XLSX ---- */

enum cell_type { CT_NUMBER, CT_VALUE, CT_SHARED, CT_INLINE, CT_BOOL };

/* What a cell format shows of a number: the number, a date, a date and time,
 * a percent. */
enum fmt_kind { FMT_NONE, FMT_DATE, FMT_DATETIME, FMT_PERCENT };

/* Where a byte of XML is, as far as counting attributes needs to know: the
 * scan runs ahead of libxml2, whose duplicate-attribute check is quadratic
 * in the attributes of one element, and stops an element with too many. */
enum scan_state { SC_TEXT, SC_LT, SC_BANG, SC_TAG, SC_VALUE, SC_SKIP };

struct scan {
	enum scan_state state;
	char quote;              /* of the attribute value being read */
	const char *term;        /* what ends the comment, CDATA or PI being skipped */
	char tail[3];            /* the last bytes skipped, to find term */
	int attrs;               /* of the element being read */
};

struct xlsx {
	struct sink s;
	struct scan scan;
	xmlParserCtxtPtr ctx;
	const char *part;        /* the part being read, for messages */
	size_t inflated;         /* bytes inflated from every part so far */
	/* the shared-string table: each string followed by a NUL */
	struct buf sst;
	size_t *sst_off, nsst, sst_cap;
	/* cell formats (xl/styles.xml): the kind of each cellXfs entry, by index,
	 * and the workbook's own number formats by id; the date system */
	unsigned char *xf_kind;  /* by cellXfs index */
	unsigned char *fmt_kind; /* by number-format id: 1 + its kind, 0 for none of the workbook's */
	size_t nxf, xf_cap, nfmt;
	int in_cell_xfs, date1904;
	/* the first worksheet: its relationship id in workbook.xml, then its part */
	char sheet_rid[64], sheet_part[256];
	size_t style;            /* of the cell being read: an index into xf_kind */
	/* where the parser is */
	int depth;               /* of the element being read */
	int si_depth, row_depth, c_depth, t_depth, v_depth, is_depth, rph_depth; /* 0: not inside */
	int in_sheet_data;
	enum cell_type type;
	size_t col;              /* of the cell being read */
	struct buf text;         /* of the cell or shared string being read */
};

static int x_fail(struct xlsx *x, enum status code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int x_fail(struct xlsx *x, enum status code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sink_fail(&x->s, code, "%s", msg);
	xmlStopParser(x->ctx);
	return -1;
}

/* The value of attribute name, as [*v, *end); 0 when present. */
static int attr(const xmlChar **attrs, int n, const char *name, const char **v, const char **end)
{
	for (int i = 0; i < n; i++) {
		if (strcmp((const char *)attrs[5 * i], name) == 0) {
			*v = (const char *)attrs[5 * i + 3];
			*end = (const char *)attrs[5 * i + 4];
			return 0;
		}
	}
	return -1;
}

/* The column of a reference such as "AB12" (0-based): 0, 1 when past XFD,
 * -1 when not a reference. Stops counting at XFD, so it cannot overflow. */
static int ref_col(const char *p, const char *end, size_t *col)
{
	const char *q = p;
	size_t c = 0;

	for (; q < end && *q >= 'A' && *q <= 'Z'; q++) {
		c = c * 26 + (size_t)(*q - 'A' + 1);
		if (c > LIM_SHEET_COLS)
			return 1;
	}
	if (q == p || q == end)
		return -1;
	for (; q < end; q++)
		if (*q < '0' || *q > '9')
			return -1;
	*col = c - 1;
	return 0;
}

/* A decimal number of at most max: 0, 1 when over max, -1 when not a number. */
static int decimal(const char *p, const char *end, size_t max, size_t *out)
{
	size_t v = 0;

	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (size_t)(*p - '0');
		if (v > max)
			return 1;
	}
	*out = v;
	return 0;
}

static void x_row_start(struct xlsx *x, const xmlChar **attrs, int nattrs)
{
	const char *v, *end;
	size_t r = 0;
	int rc;

	if (attr(attrs, nattrs, "r", &v, &end) == 0) {
		rc = decimal(v, end, LIM_SHEET_ROWS, &r);
		if (rc > 0) {
			x_fail(x, ST_TOOBIG, "row %.*s is past the limit of %d rows", (int)(end - v > 24 ? 24 : end - v), v,
			       LIM_SHEET_ROWS);
			return;
		}
		if (rc < 0 || r == 0) {
			x_fail(x, ST_INVALID, "row \"%.*s\" is not a row number", (int)(end - v > 24 ? 24 : end - v), v);
			return;
		}
		if (r <= x->s.nrows) {
			x_fail(x, ST_INVALID, "row %zu comes after row %zu", r, x->s.nrows);
			return;
		}
		/* Rows the workbook leaves out (empty ones) stay, as blank rows,
		 * so that every row keeps its number. */
		while (!x->s.failed && x->s.nrows + 1 < r)
			if (sink_cell(&x->s, "", 0, 0) == 0)
				sink_row_end(&x->s);
	}
	if (sink_row_begin(&x->s) != 0)
		xmlStopParser(x->ctx);
}

static void x_cell_start(struct xlsx *x, const xmlChar **attrs, int nattrs)
{
	const char *v, *end;
	int rc;

	x->type = CT_NUMBER;
	if (attr(attrs, nattrs, "t", &v, &end) == 0) {
		if (end - v == 1 && *v == 's')
			x->type = CT_SHARED;
		else if (end - v == 9 && memcmp(v, "inlineStr", 9) == 0)
			x->type = CT_INLINE;
		else if (end - v == 1 && *v == 'b')
			x->type = CT_BOOL;
		else if (!(end - v == 1 && *v == 'n'))
			x->type = CT_VALUE;
	}
	x->style = 0;
	if (attr(attrs, nattrs, "s", &v, &end) == 0 && decimal(v, end, LIM_XLSX_FORMATS, &x->style) != 0)
		x->style = LIM_XLSX_FORMATS;     /* no format: the number as written */
	x->col = json_array_size(x->s.row);
	if (attr(attrs, nattrs, "r", &v, &end) == 0) {
		int shown = (int)(end - v > 24 ? 24 : end - v);

		rc = ref_col(v, end, &x->col);
		if (rc > 0) {
			x_fail(x, ST_TOOBIG, "cell %.*s is past column XFD, the limit of %d columns", shown, v,
			       LIM_SHEET_COLS);
			return;
		}
		if (rc < 0) {
			x_fail(x, ST_INVALID, "row %zu: \"%.*s\" is not a cell reference", x->s.nrows + 1, shown, v);
			return;
		}
		if (x->col < json_array_size(x->s.row)) {
			x_fail(x, ST_INVALID, "cell %.*s comes after a cell to its right", shown, v);
			return;
		}
	} else if (x->col >= LIM_SHEET_COLS) {
		x_fail(x, ST_TOOBIG, "row %zu has more than the limit of %d columns", x->s.nrows + 1, LIM_SHEET_COLS);
		return;
	}
	if (sink_pad(&x->s, x->col) != 0)
		xmlStopParser(x->ctx);
	buf_reset(&x->text);
}

/* The built-in number formats that show a date: 14-17 and 22 everywhere,
 * 27-31, 36, 50-54, 57 and 58 in a Chinese Excel (yyyy"年"m"月"d"日" ...);
 * 9 and 10 show a percent (0%, 0.00%). */
static enum fmt_kind builtin_kind(size_t id)
{
	if (id == 9 || id == 10)
		return FMT_PERCENT;
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) || id == 57 ||
	    id == 58)
		return FMT_DATE;
	return id == 22 ? FMT_DATETIME : FMT_NONE;
}

/* A format code shows a date when it holds y or d outside "text", \x, _x,
 * *x and [brackets]; a time as well when it also holds h or s; a percent
 * when it holds % and no date. */
static enum fmt_kind code_kind(const char *p, const char *end)
{
	int date = 0, time = 0, percent = 0;

	for (; p < end; p++) {
		char c = (char)(*p | 0x20);

		if (*p == '"') {
			while (p + 1 < end && p[1] != '"')
				p++;
			p++;
		} else if (*p == '[') {
			while (p + 1 < end && p[1] != ']')
				p++;
			p++;
		} else if (*p == '\\' || *p == '_' || *p == '*') {
			p++;
		} else if (c == 'y' || c == 'd') {
			date = 1;
		} else if (c == 'h' || c == 's') {
			time = 1;
		} else if (*p == '%') {
			percent = 1;
		}
	}
	if (date)
		return time ? FMT_DATETIME : FMT_DATE;
	return percent ? FMT_PERCENT : FMT_NONE;
}

/* Excel's serial day (1900 or 1904 system) as YYYY-MM-DD, with THH:MM:SS for a
 * date-and-time format; 0, or -1 when it is no day (then the number stays). */
static int serial_date(const char *text, int date1904, int kind, char out[32])
{
	char day[DATE_LEN];
	double v;
	long days, secs;

	if (parse_double(text, &v, "cell", NULL) != 0 || v < 0 || v >= 2958466)  /* 9999-12-31 */
		return -1;
	days = (long)v;
	secs = lround((v - (double)days) * 86400);
	if (secs >= 86400) {
		days++;
		secs -= 86400;
	}
	if (date1904)
		days -= 24107;                   /* day 0 is 1904-01-01 */
	else if (days == 0 || days == 60)
		return -1;                       /* "1900-01-00", and Lotus's 1900-02-29 */
	else
		days -= days < 60 ? 25568 : 25569;
	date_format((int32_t)days, day);
	if (kind == FMT_DATETIME)
		snprintf(out, 32, "%sT%02u:%02u:%02u", day, (unsigned)(secs / 3600) % 24u, (unsigned)(secs / 60) % 60u,
			 (unsigned)secs % 60u);
	else
		snprintf(out, 32, "%s", day);
	return 0;
}

/* A fraction as the percent a spreadsheet shows: 0.45 as "45%", 0.125 as
 * "12.5%" (ten significant digits, so 0.45 * 100 is not 45.000000000000007);
 * 0, or -1 when text is no number. */
static int shown_percent(const char *text, char out[32])
{
	double v;

	if (parse_double(text, &v, "cell", NULL) != 0 || !isfinite(v) || fabs(v) > 1e12)
		return -1;
	snprintf(out, 32, "%.10g%%", v * 100);
	return 0;
}

/* <numFmt numFmtId formatCode>: one of the workbook's own number formats. */
static void x_number_format(struct xlsx *x, const xmlChar **attrs, int nattrs)
{
	const char *v, *end, *code, *code_end;
	size_t id;

	if (attr(attrs, nattrs, "numFmtId", &v, &end) != 0 || decimal(v, end, LIM_XLSX_FORMATS, &id) != 0 ||
	    attr(attrs, nattrs, "formatCode", &code, &code_end) != 0)
		return;
	if (x->nfmt >= LIM_XLSX_FORMATS) {
		x_fail(x, ST_TOOBIG, "the workbook has more than the limit of %d number formats", LIM_XLSX_FORMATS);
		return;
	}
	if (x->fmt_kind == NULL)
		x->fmt_kind = xcalloc(LIM_XLSX_FORMATS + 1, 1);   /* ids are at most the limit */
	x->fmt_kind[id] = (unsigned char)(1 + code_kind(code, code_end));
	x->nfmt++;
}

/* <xf numFmtId> inside <cellXfs>: the format of the cells whose s is its index. */
static void x_cell_format(struct xlsx *x, const xmlChar **attrs, int nattrs)
{
	const char *v, *end;
	size_t id = 0;
	enum fmt_kind kind = FMT_NONE;

	if (attr(attrs, nattrs, "numFmtId", &v, &end) == 0 && decimal(v, end, LIM_XLSX_FORMATS, &id) == 0)
		kind = x->fmt_kind && x->fmt_kind[id] ? (enum fmt_kind)(x->fmt_kind[id] - 1) : builtin_kind(id);
	if (x->nxf >= LIM_XLSX_FORMATS) {
		x_fail(x, ST_TOOBIG, "the workbook has more than the limit of %d cell formats", LIM_XLSX_FORMATS);
		return;
	}
	if (x->nxf == x->xf_cap) {
		x->xf_cap = x->xf_cap ? 2 * x->xf_cap : 64;
		x->xf_kind = xreallocarray(x->xf_kind, x->xf_cap, 1);
	}
	x->xf_kind[x->nxf++] = (unsigned char)kind;
}

static void x_cell_end(struct xlsx *x)
{
	char name[48], date[32];
	const char *text = buf_str(&x->text);
	size_t len = buf_len(&x->text), idx = 0;

	if (x->type == CT_SHARED && len > 0) {
		if (decimal(text, text + len, x->nsst, &idx) != 0 || idx >= x->nsst) {
			x_fail(x, ST_INVALID, "%s: shared string %.24s does not exist", sink_cell_name(&x->s, x->col, name), text);
			return;
		}
		text = buf_str(&x->sst) + x->sst_off[idx];
		len = strlen(text);
	}
	if (x->type == CT_NUMBER && x->style < x->nxf && x->xf_kind[x->style] == FMT_PERCENT &&
	    shown_percent(text, date) == 0) {
		text = date;
		len = strlen(date);
	} else if (x->type == CT_NUMBER && x->style < x->nxf && x->xf_kind[x->style] != FMT_NONE &&
		   x->xf_kind[x->style] != FMT_PERCENT && serial_date(text, x->date1904, x->xf_kind[x->style], date) == 0) {
		text = date;
		len = strlen(date);
	} else if (x->type == CT_BOOL && len == 1 && (*text == '0' || *text == '1')) {
		text = *text == '1' ? "TRUE" : "FALSE";
		len = strlen(text);
	}
	if (sink_cell(&x->s, text, len, x->col) != 0)
		xmlStopParser(x->ctx);
}

static void x_string_end(struct xlsx *x)
{
	if (x->nsst >= LIM_XLSX_STRINGS) {
		x_fail(x, ST_TOOBIG, "the workbook has more than the limit of %d shared strings", LIM_XLSX_STRINGS);
		return;
	}
	if (x->nsst == x->sst_cap) {
		x->sst_cap = x->sst_cap ? 2 * x->sst_cap : 256;
		x->sst_off = xreallocarray(x->sst_off, x->sst_cap, sizeof(size_t));
	}
	x->sst_off[x->nsst] = buf_len(&x->sst);
	buf_add(&x->sst, buf_str(&x->text), buf_len(&x->text) + 1);
	if (x->sst.err) {
		x_fail(x, ST_TOOBIG, "the shared strings hold more than the limit of %u bytes", LIM_XLSX_STRINGS_BYTES);
		return;
	}
	x->nsst++;
}

/* <Relationship Id Target> of xl/_rels/workbook.xml.rels: the part of the
 * first worksheet, when Id is its id ("worksheets/sheet1.xml" is relative to
 * xl/, "/xl/worksheets/sheet1.xml" to the package). */
static void x_relationship(struct xlsx *x, const xmlChar **attrs, int nattrs)
{
	const char *id, *id_end, *t, *t_end;

	if (attr(attrs, nattrs, "Id", &id, &id_end) != 0 || attr(attrs, nattrs, "Target", &t, &t_end) != 0 ||
	    (size_t)(id_end - id) != strlen(x->sheet_rid) || memcmp(id, x->sheet_rid, (size_t)(id_end - id)) != 0 ||
	    t_end - t > 200)
		return;
	if (*t == '/')
		snprintf(x->sheet_part, sizeof(x->sheet_part), "%.*s", (int)(t_end - t - 1), t + 1);
	else
		snprintf(x->sheet_part, sizeof(x->sheet_part), "xl/%.*s", (int)(t_end - t), t);
}

static void x_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
		    const xmlChar **ns, int nattrs, int ndefaulted, const xmlChar **attrs)
{
	struct xlsx *x = ctx;
	const char *n = (const char *)local;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndefaulted;
	if (x->s.failed)
		return;
	x->depth++;
	if (strcmp(n, "si") == 0 && !x->si_depth) {
		x->si_depth = x->depth;
		buf_reset(&x->text);
	} else if (strcmp(n, "sheetData") == 0) {
		x->in_sheet_data = 1;
	} else if (strcmp(n, "workbookPr") == 0) {
		const char *v, *end;

		x->date1904 = attr(attrs, nattrs, "date1904", &v, &end) == 0 &&
			      ((end - v == 1 && *v == '1') || (end - v == 4 && memcmp(v, "true", 4) == 0));
	} else if (strcmp(n, "sheet") == 0 && !x->sheet_rid[0]) {
		const char *v, *end;

		if (attr(attrs, nattrs, "id", &v, &end) == 0 && end - v < (ptrdiff_t)sizeof(x->sheet_rid))
			snprintf(x->sheet_rid, sizeof(x->sheet_rid), "%.*s", (int)(end - v), v);
	} else if (strcmp(n, "Relationship") == 0 && x->sheet_rid[0] && !x->sheet_part[0]) {
		x_relationship(x, attrs, nattrs);
	} else if (strcmp(n, "numFmt") == 0) {
		x_number_format(x, attrs, nattrs);
	} else if (strcmp(n, "cellXfs") == 0) {
		x->in_cell_xfs = 1;
	} else if (strcmp(n, "xf") == 0 && x->in_cell_xfs) {
		x_cell_format(x, attrs, nattrs);
	} else if (strcmp(n, "row") == 0 && x->in_sheet_data && !x->row_depth) {
		x->row_depth = x->depth;
		x_row_start(x, attrs, nattrs);
	} else if (strcmp(n, "c") == 0 && x->row_depth && !x->c_depth) {
		x->c_depth = x->depth;
		x_cell_start(x, attrs, nattrs);
	} else if (strcmp(n, "v") == 0 && x->c_depth && !x->v_depth) {
		x->v_depth = x->depth;
	} else if (strcmp(n, "is") == 0 && x->c_depth && !x->is_depth) {
		x->is_depth = x->depth;
	} else if (strcmp(n, "rPh") == 0 && !x->rph_depth) {
		x->rph_depth = x->depth;     /* phonetic guide: not part of the text */
	} else if (strcmp(n, "t") == 0 && (x->si_depth || x->is_depth) && !x->t_depth) {
		x->t_depth = x->depth;
	}
}

static void x_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct xlsx *x = ctx;
	const char *n = (const char *)local;

	(void)prefix, (void)uri;
	if (x->s.failed)
		return;
	if (x->depth == x->t_depth) {
		x->t_depth = 0;
	} else if (x->depth == x->rph_depth) {
		x->rph_depth = 0;
	} else if (x->depth == x->v_depth) {
		x->v_depth = 0;
	} else if (x->depth == x->is_depth) {
		x->is_depth = 0;
	} else if (x->depth == x->c_depth) {
		x->c_depth = 0;
		x_cell_end(x);
	} else if (x->depth == x->row_depth) {
		x->row_depth = 0;
		if (sink_row_begin(&x->s) == 0)
			sink_row_end(&x->s);
	} else if (x->depth == x->si_depth) {
		x->si_depth = 0;
		x_string_end(x);
	} else if (strcmp(n, "sheetData") == 0) {
		x->in_sheet_data = 0;
	} else if (strcmp(n, "cellXfs") == 0) {
		x->in_cell_xfs = 0;
	}
	x->depth--;
}

static void x_text(void *ctx, const xmlChar *ch, int len)
{
	struct xlsx *x = ctx;
	char name[8];

	if (x->s.failed || x->rph_depth || !(x->v_depth || x->t_depth))
		return;
	if (buf_add(&x->text, ch, (size_t)len) == 0)
		return;
	if (x->si_depth)
		x_fail(x, ST_TOOBIG, "shared string %zu holds more than the limit of %u bytes", x->nsst + 1, LIM_CELL_BYTES);
	else
		x_fail(x, ST_TOOBIG, "cell %s%zu holds more than the limit of %u bytes", col_name(x->col, name),
		       x->s.nrows + 1, LIM_CELL_BYTES);
}

static void x_dtd(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	struct xlsx *x = ctx;

	(void)name, (void)ext, (void)sys;
	x_fail(x, ST_INVALID, "%s declares a DTD, which a workbook never does", x->part);
}

static void x_quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx, (void)e;
}

static void scan_skip_until(struct scan *sc, const char *term)
{
	sc->state = SC_SKIP;
	sc->term = term;
	memset(sc->tail, 0, sizeof(sc->tail));
}

/* 0, or -1 when an element of p[0..n) has more than LIM_XML_ATTRS attributes. */
static int scan(struct scan *sc, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		switch (sc->state) {
		case SC_TEXT:
			if (c == '<')
				sc->state = SC_LT;
			break;
		case SC_LT:
			sc->attrs = 0;
			if (c == '!')
				sc->state = SC_BANG;
			else if (c == '?')
				scan_skip_until(sc, "?>");
			else
				sc->state = c == '>' ? SC_TEXT : SC_TAG;
			break;
		case SC_BANG:
			if (c == '-')
				scan_skip_until(sc, "-->");
			else if (c == '[')
				scan_skip_until(sc, "]]>");
			else
				sc->state = c == '>' ? SC_TEXT : SC_TAG;
			break;
		case SC_TAG:
			if (c == '"' || c == '\'') {
				sc->quote = c;
				sc->state = SC_VALUE;
			} else if (c == '>') {
				sc->state = SC_TEXT;
			} else if (c == '=' && ++sc->attrs > LIM_XML_ATTRS) {
				return -1;
			}
			break;
		case SC_VALUE:
			if (c == sc->quote)
				sc->state = SC_TAG;
			break;
		case SC_SKIP: {
			size_t t = strlen(sc->term);

			memmove(sc->tail, sc->tail + 1, 2);
			sc->tail[2] = c;
			if (memcmp(sc->tail + 3 - t, sc->term, t) == 0)
				sc->state = SC_TEXT;
			break;
		}
		}
	}
	return 0;
}

/* Streams one part of the workbook through the parser. A missing part is an
 * error when required, else nothing to read. */
static int read_part(struct xlsx *x, zip_t *z, const char *name, int required)
{
	xmlSAXHandler sax;
	zip_stat_t st;
	zip_file_t *f = NULL;
	char chunk[CHUNK];
	size_t part = 0;
	int rc = -1;

	x->part = name;
	zip_stat_init(&st);
	if (zip_stat(z, name, 0, &st) != 0) {
		if (!required)
			return 0;
		return sink_fail(&x->s, ST_INVALID, "not an XLSX workbook (no %s)", name);
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > LIM_XLSX_PART_BYTES)
		return sink_fail(&x->s, ST_TOOBIG, "%s inflates past the limit of %u bytes for one part of a workbook", name,
				 LIM_XLSX_PART_BYTES);
	f = zip_fopen(z, name, 0);
	if (f == NULL)
		return sink_fail(&x->s, ST_INVALID, "cannot read %s: %s", name, zip_error_strerror(zip_get_error(z)));
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = x_start;
	sax.endElementNs = x_end;
	sax.characters = x_text;
	sax.cdataBlock = x_text;
	sax.internalSubset = x_dtd;
	sax.serror = x_quiet;
	x->ctx = xmlCreatePushParserCtxt(&sax, x, NULL, 0, name);
	if (x->ctx == NULL) {
		sink_fail(&x->s, ST_FAIL, "cannot start the XML parser");
		goto out;
	}
	xmlCtxtUseOptions(x->ctx, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	x->depth = 0;
	memset(&x->scan, 0, sizeof(x->scan));
	for (;;) {
		zip_int64_t n = zip_fread(f, chunk, sizeof(chunk));
		int xrc;

		if (n < 0) {
			sink_fail(&x->s, ST_INVALID, "%s is damaged: %s", name, zip_file_strerror(f));
			goto out;
		}
		part += (size_t)n;
		x->inflated += (size_t)n;
		if (part > LIM_XLSX_PART_BYTES) {
			sink_fail(&x->s, ST_TOOBIG, "%s inflates past the limit of %u bytes for one part of a workbook", name,
				  LIM_XLSX_PART_BYTES);
			goto out;
		}
		if (x->inflated > LIM_XLSX_TOTAL_BYTES) {
			sink_fail(&x->s, ST_TOOBIG, "the workbook inflates past the limit of %u bytes for the parts read",
				  LIM_XLSX_TOTAL_BYTES);
			goto out;
		}
		if (scan(&x->scan, chunk, (size_t)n) != 0) {
			sink_fail(&x->s, ST_TOOBIG, "%s has an element with more than the limit of %d attributes", name,
				  LIM_XML_ATTRS);
			goto out;
		}
		xrc = xmlParseChunk(x->ctx, chunk, (int)n, n == 0);
		if (x->s.failed)
			goto out;
		if (xrc != 0) {
			const xmlError *e = xmlCtxtGetLastError(x->ctx);
			size_t m = e && e->message ? strcspn(e->message, "\n") : 0;

			sink_fail(&x->s, ST_INVALID, "%s is not well-formed XML (line %d: %.*s)", name, e ? e->line : 0, (int)m,
				  e && e->message ? e->message : "");
			goto out;
		}
		if (n == 0)
			break;
	}
	rc = 0;
out:
	if (x->ctx) {
		xmlFreeDoc(x->ctx->myDoc);
		xmlFreeParserCtxt(x->ctx);
	}
	x->ctx = NULL;
	zip_fclose(f);
	return rc;
}

/* libxml2 2.9 must be initialised once before threads use it (server workers
 * import ledgers side by side). */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

static int read_xlsx(const char *data, size_t len, json_t *rows, struct err *err)
{
	struct xlsx x;
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z = NULL;
	int rc = -1;

	pthread_once(&xml_once, xml_init);
	memset(&x, 0, sizeof(x));
	sink_init(&x.s, rows, err);
	x.s.a1 = 1;
	buf_init(&x.sst, LIM_XLSX_STRINGS_BYTES);
	buf_init(&x.text, LIM_CELL_BYTES);
	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (z == NULL) {
		if (src)
			zip_source_free(src);
		sink_fail(&x.s, ST_INVALID, "not an XLSX workbook (not a zip file)");
		goto out;
	}
	/* The first worksheet is the one workbook.xml lists first (a workbook
	 * whose sheets were reordered keeps sheet1.xml for another one). */
	if (read_part(&x, z, "xl/workbook.xml", 0) != 0 ||
	    (x.sheet_rid[0] && read_part(&x, z, "xl/_rels/workbook.xml.rels", 0) != 0))
		goto out;
	if (!x.sheet_part[0] || zip_name_locate(z, x.sheet_part, 0) < 0)
		snprintf(x.sheet_part, sizeof(x.sheet_part), "xl/worksheets/sheet1.xml");
	if (read_part(&x, z, "xl/styles.xml", 0) != 0 || read_part(&x, z, "xl/sharedStrings.xml", 0) != 0 ||
	    read_part(&x, z, x.sheet_part, 1) != 0)
		goto out;
	rc = 0;
out:
	if (z)
		zip_discard(z);
	zip_error_fini(&ze);
	buf_release(&x.sst);
	buf_release(&x.text);
	free(x.sst_off);
	free(x.xf_kind);
	free(x.fmt_kind);
	sink_release(&x.s);
	return rc;
}

int sheet_read_opts(const char *data, size_t len, enum sheet_format f, struct sheet_opts *o, json_t *rows,
		    struct err *err)
{
	struct sheet_opts none;

	if (o == NULL) {
		memset(&none, 0, sizeof(none));
		o = &none;
	}
	o->used = "";
	o->sep = ',';
	if (f == SHEET_CSV)
		return read_csv(data, len, o, rows, err);
	if (o->encoding && *o->encoding && !sheet_encoding_known(o->encoding))
		return err_field(err, ST_INVALID, "encoding", "encoding: \"%.40s\" is not one of utf-8, utf-16, "
				 "utf-16le, utf-16be, gb18030, gbk", o->encoding);
	return read_xlsx(data, len, rows, err);
}

int sheet_read(const char *data, size_t len, enum sheet_format f, json_t *rows, struct err *err)
{
	return sheet_read_opts(data, len, f, NULL, rows, err);
}
