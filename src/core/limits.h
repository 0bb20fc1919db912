/*
 * limits.h -- every size limit of plenum, named once.
 *
 * The importer, the CLI and (later) the HTTP layer enforce these while they
 * read input, before anything is allocated for it. Change a limit here and
 * nowhere else.
 */
#ifndef PLENUM_LIMITS_H
#define PLENUM_LIMITS_H

#define LIM_IMPORT_BYTES   (256u * 1024 * 1024) /* one org document */
#define LIM_JSON_DEPTH     32                   /* nesting of any JSON input */
#define LIM_KEY_CHARS      64                   /* a record's external key */
#define LIM_NAME_CHARS     200                  /* names, titles, places */
#define LIM_TEXT_CHARS     200000               /* speech text, minutes */
#define LIM_NOTE_CHARS     4000                 /* notes, reasons, key points */
#define LIM_LIST_ITEMS     1000                 /* one list on one screen */
#define LIM_ERRORS_SHOWN   200                  /* problems listed per import */
/* HTTP */
#define LIM_BODY_BYTES     (1024u * 1024)        /* one request body */
#define LIM_BODY_DRAIN     (8u * 1024 * 1024)    /* past this a too-large body is cut off */
#define LIM_URL_BYTES      2048                 /* path and query */
#define LIM_HEADER_BYTES   (16u * 1024)          /* all request headers */
#define LIM_PAGE_ITEMS     100                  /* items per page of a list */
#define LIM_PAGE_DEFAULT   50
#define LIM_LIST_OFFSET    1000000              /* items skipped to reach a page by number */
#define LIM_VIEW_TASK      (8u * 1024 * 1024)    /* one task as JSON: 1000 supporting units fit */
#define LIM_CONNECTIONS    512                  /* open connections */
#define LIM_CONN_TIMEOUT_S 30                   /* idle seconds before a connection closes */
#define LIM_STOP_WAIT_S    10                   /* graceful stop: wait for requests in flight */
#define LIM_SEARCH_ITEMS   50
#define LIM_QUERY_CHARS    100                  /* the words of a search or a ?q= filter */

#define LIM_YEAR_MIN       1990                 /* dates outside are errors */
#define LIM_YEAR_MAX       2200
/* Backup and restore */
#define LIM_RESTORE_LOCK_TRIES 6                /* restore: busy timeouts (5 s each) to get the write lock */

#endif
