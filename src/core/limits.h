/*
 * limits.h -- every size limit of plenum, named once.
 *
 * The importer, the CLI and (later) the HTTP layer enforce these while they
 * read input, before anything is allocated for it. Change a limit here and
 * nowhere else.
 */
#ifndef PLENUM_LIMITS_H
#define PLENUM_LIMITS_H

#define LIM_IMPORT_BYTES   (256u * 1024 * 1024) /* one org document or ledger file (CLI) */
#define LIM_JSON_DEPTH     32                   /* nesting of any JSON input */
#define LIM_JSON_STRING_BYTES (2u * 1024 * 1024) /* one JSON string as written, escapes included */
#define LIM_JSON_ITEMS     1000000              /* items of one JSON array, or members of one object */
#define LIM_KEY_CHARS      64                   /* a record's external key */
#define LIM_NAME_CHARS     200                  /* names, titles, places */
#define LIM_TEXT_CHARS     200000               /* speech text, minutes */
#define LIM_NOTE_CHARS     4000                 /* notes, reasons, key points */
#define LIM_LIST_ITEMS     1000                 /* one list on one screen */
#define LIM_ERRORS_SHOWN   200                  /* problems listed per import */
/* Spreadsheets read by io/sheet.c (the ledger import), CSV and XLSX alike */
#define LIM_SHEET_ROWS     200000               /* rows of one file (an org has thousands of tasks) */
#define LIM_SHEET_COLS     16384                /* columns: XFD, Excel's last */
#define LIM_SHEET_CELLS    2000000              /* cells kept, padding included (100,000 tasks x 18 columns fit) */
#define LIM_SHEET_TEXT_BYTES (64u * 1024 * 1024) /* text of all cells together */
#define LIM_CELL_BYTES     (128u * 1024)         /* one cell (Excel holds 32,767 characters) */
#define LIM_CSV_LINE_BYTES (1024u * 1024)        /* one CSV row, quoted newlines included */
#define LIM_XLSX_PART_BYTES  (64u * 1024 * 1024) /* one part of a workbook (zip entry), inflated */
#define LIM_XLSX_TOTAL_BYTES (96u * 1024 * 1024) /* the parts read, inflated, together */
#define LIM_XLSX_STRINGS   1000000              /* entries of the shared-string table */
#define LIM_XLSX_STRINGS_BYTES (32u * 1024 * 1024) /* text of the shared-string table */
#define LIM_XLSX_FORMATS   65536                /* cell formats and number formats (Excel: 64,000) */
#define LIM_XML_ATTRS      256                  /* attributes of one element (libxml2 2.9: quadratic check) */
/* HTTP */
#define LIM_BODY_BYTES     (1024u * 1024)        /* one request body */
#define LIM_BODY_DRAIN     (8u * 1024 * 1024)    /* past this a too-large body is cut off */
#define LIM_URL_BYTES      2048                 /* path and query */
#define LIM_HEADER_BYTES   (16u * 1024)          /* all request headers */
#define LIM_PAGE_ITEMS     100                  /* items per page of a list */
#define LIM_PAGE_DEFAULT   50
#define LIM_VIEW_TASK      (8u * 1024 * 1024)    /* one task as JSON: 1000 supporting units fit */
#define LIM_CONNECTIONS    512                  /* open connections */
#define LIM_CONN_TIMEOUT_S 30                   /* idle seconds before a connection closes */
#define LIM_STOP_WAIT_S    10                   /* graceful stop: wait for requests in flight */
#define LIM_SEARCH_ITEMS   50

#define LIM_YEAR_MIN       1990                 /* dates outside are errors */
#define LIM_YEAR_MAX       2200

#endif
