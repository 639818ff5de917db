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
/* The database opened read-only with the report's scope applied (temp
 * views over the tables, the periods; o NULL: everything, by month), as
 * every report format opens it. */
struct sqlite3 *tl_report_open(const char *db_path, const tl_report_options *o, char **errmsg);
struct _JsonNode *tl_report_model_opts(const char *db_path, const tl_report_options *o, char **errmsg);
/* The custody manifest as a JSON object (report's "manifest"). */
struct _JsonNode *tl_report_manifest_node(struct sqlite3 *db, char **errmsg);
/* A sentence per figure: what it counts (the report's "counting"). */
struct _JsonNode *tl_report_counting_node(void);
/* A result row as a JSON object / a CSV line (RFC 4180, CRLF; header:
 * the column names; text that a spreadsheet would run as a formula gets
 * a leading apostrophe). */
void tl_json_row(struct _JsonBuilder *b, struct sqlite3_stmt *s);
void tl_csv_row(struct sqlite3_stmt *s, FILE *out, int header);
/* The row id of the message key names (row id, SHA-256 prefix of 8+ hex
 * digits, Message-ID); 0 when none, -1 when several, -2 when the database
 * could not be read (db/show.c). */
long long tl_db_find_message(struct sqlite3 *db, const char *key);

#endif /* TL_READ_H */
