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
#define LIM_SHEET_CELLS    2500000              /* cells kept, padding included (100,000 tasks x 21 columns fit) */
#define LIM_SHEET_TEXT_BYTES (64u * 1024 * 1024) /* text of all cells together */
#define LIM_CELL_BYTES     (128u * 1024)         /* one cell (Excel holds 32,767 characters) */
#define LIM_CSV_LINE_BYTES (1024u * 1024)        /* one CSV row, quoted newlines included */
#define LIM_XLSX_PART_BYTES  (96u * 1024 * 1024) /* one part of a workbook (zip entry), inflated: plenum's
                                                 * ledger of 100,000 tasks (inline strings) is 78 MB */
#define LIM_XLSX_TOTAL_BYTES (96u * 1024 * 1024) /* the parts read, inflated, together */
#define LIM_XLSX_STRINGS   1000000              /* entries of the shared-string table */
#define LIM_XLSX_STRINGS_BYTES (32u * 1024 * 1024) /* text of the shared-string table */
#define LIM_XLSX_FORMATS   65536                /* cell formats and number formats (Excel: 64,000) */
#define LIM_LEDGER_ROW_LINES 30                /* the most lines a written ledger row is made tall for */
#define LIM_XML_ATTRS      256                  /* attributes of one element (libxml2 2.9: quadratic check) */
/* HTTP */
#define LIM_BODY_BYTES     (1024u * 1024)        /* one request body */
#define LIM_BODY_DRAIN     (8u * 1024 * 1024)    /* past this a too-large body is cut off */
#define LIM_URL_BYTES      2048                 /* path and query */
#define LIM_HEADER_BYTES   (16u * 1024)          /* all request headers */
#define LIM_PAGE_ITEMS     100                  /* items per page of a list */
#define LIM_PAGE_DEFAULT   50
#define LIM_TASK_REPORTS   20                   /* latest progress reports in a task's record (the rest: its reports list) */
#define LIM_LIGHTS_TOUCHED 64                   /* tasks one write updates the light counts for; more: recounted */
#define LIM_LIST_OFFSET    1000000              /* items skipped to reach a page by number */
#define LIM_VIEW_TASK      (8u * 1024 * 1024)    /* one task as JSON: 1000 supporting units fit */
#define LIM_CONNECTIONS    512                  /* open connections */
#define LIM_CONN_TIMEOUT_S 30                   /* idle seconds before a connection closes */
#define LIM_STOP_WAIT_S    10                   /* graceful stop: wait for requests in flight */
#define LIM_SEARCH_ITEMS   50
#define LIM_QUERY_CHARS    100                  /* the words of a search or a ?q= filter */
/* Connections (plenum serve --max-connections, --per-address, --header-timeout) */
#define LIM_CONN_PER_ADDRESS 64                 /* open connections from one address */
#define LIM_CONN_SPARE     64                   /* over the cap, answered 503 at once; past it, closed */
#define LIM_HEADER_TIMEOUT_S 10                 /* request line and headers must arrive within this */
#define LIM_BODY_TIMEOUT_S 60                   /* the body must arrive within this */
#define LIM_BUSY_WAIT_S    2                    /* over the cap, a connection waiting this long for a request is closed */
#define LIM_BASE_URL_BYTES 200                  /* --base-url */
#define LIM_TRUSTED_PROXIES 8                   /* --trusted-proxy addresses */
#define LIM_HSTS_MAX_AGE_S 31536000             /* --hsts: one year */
#define LIM_CONFIG_BYTES   4096                 /* /etc/plenum.conf: the values kept */
#define LIM_CONFIG_LINE    1024                 /* /etc/plenum.conf: one line */

/* Database */
#define LIM_DB_BUSY_MS     5000                 /* CLI: wait this long for another writer */
#define LIM_DB_SERVER_WAIT_MS 1000              /* server: wait this long for the write lock, then 503 */
#define LIM_DB_SERVER_CACHE_KB 512             /* server: SQLite's page cache per connection (the OS caches the file too) */
#define LIM_MALLOC_ARENAS  2                    /* server: glibc malloc arenas shared by the threads (memory, not speed) */
#define LIM_CHECKPOINT_MS  250                  /* server: the WAL is checkpointed this often, off the request path */
#define LIM_LIGHTS_CHECK_MS 10000               /* server: the light counts are brought to the day (and rules) this often */
#define LIM_DB_ROWS_PER_INSERT 64               /* rows one INSERT of derived rows writes (the light counts): fewer round trips */
#define LIM_ORGS_KEPT_UP   1000                 /* server: orgs whose light counts that thread keeps up (the rest: on read) */
#define LIM_DB_RETRY_AFTER_S 1                  /* the Retry-After of that 503 */
#define LIM_REPLICA_PRIMARY_S 10                /* --read-db: a browser reads from the primary this long after a write */
#define LIM_WRITE_THREADS  4                    /* server: threads that apply writes (and wait for their commit) */
#define LIM_DB_WRITE_CACHE_KB 256               /* server: page cache of a write thread's own connection (its reads are few) */
#define LIM_WRITE_BATCH    64                   /* server: writes at most in one group commit (tx.c) */
#define LIM_DB_STMT_CACHE  256                  /* idle prepared statements kept per connection */

#define LIM_YEAR_MIN       1990                 /* dates outside are errors */
#define LIM_YEAR_MAX       2200
/* Papers (report/pdf.c) */
#define LIM_PDF_HEADINGS   512                  /* headings in a table of contents */
#define LIM_PDF_COLUMNS    64                   /* columns of a table; more are left out */
#define LIM_PDF_TAGS       16                   /* structure tags open at once */
/* Backup and restore */
#define LIM_RESTORE_LOCK_TRIES 6                /* restore: busy timeouts (5 s each) to get the write lock */
/* plenum copy */
#define LIM_COPY_ORGS      10000                /* orgs copied by one run without --org */
#define LIM_COPY_BATCH_ROWS 5000                /* rows read from the source per query (memory: one batch) */
#define LIM_COPY_SEND_BYTES (256u * 1024)        /* PostgreSQL COPY: rows sent in blocks of this size */
#define LIM_COPY_COLUMNS   64                   /* columns of one copied table */

#endif
