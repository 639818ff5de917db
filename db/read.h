/*
 * read.h - what the read-side tools share (report, export, show, verify,
 * merge): the read-only open, the report's sections and model, rows as
 * JSON and CSV.  Nothing here or in the tools includes the scan side.
 */
#ifndef TL_READ_H
#define TL_READ_H

#include <stdio.h>

#include "scanner/base.h"
#include "db/schema.h"

/* The report as data (db/report_data.c): named sections, one SQL query
 * each; docs/report.md. */
typedef struct {
    const char *name, *title, *sql;
} tl_report_section;
struct sqlite3;
struct sqlite3_stmt;
struct _JsonBuilder;
struct _JsonNode;
const tl_report_section *tl_report_sections(size_t *n);
/* A findings database opened read-only, as every reading tool opens it
 * (report, export, show, verify, merge's inputs; db/open.c): immutable
 * when its folder cannot be written, no -wal or -shm made, its text index
 * attached as "text" when there.  NULL and *errmsg (when errmsg is not
 * NULL), naming the file and what is wrong, unless it opens and is of this
 * schema version. */
struct sqlite3 *tl_db_open_ro(const char *db_path, char **errmsg);
/* Whether the folder of path can be written (access W_OK). */
int tl_db_folder_writable(const char *path);
/* What went wrong reading db_path, in words: damaged, or SQLite's reason. */
char *tl_db_read_error(struct sqlite3 *db, const char *db_path);
/* The whole report as one JSON object (format, version, sections). */
struct _JsonNode *tl_report_model(const char *db_path, char **errmsg);
/* A result row as a JSON object / a CSV line (RFC 4180, CRLF; header:
 * the column names; text that a spreadsheet would run as a formula gets
 * a leading apostrophe). */
void tl_json_row(struct _JsonBuilder *b, struct sqlite3_stmt *s);
void tl_csv_row(struct sqlite3_stmt *s, FILE *out, int header);

#endif /* TL_READ_H */
