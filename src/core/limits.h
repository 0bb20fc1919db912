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
#define LIM_YEAR_MIN       1990                 /* dates outside are errors */
#define LIM_YEAR_MAX       2200

#endif
