/*
 * export.c - the findings database as JSON Lines or CSV, for SIEMs and
 * spreadsheets: messages, typo hits and findings, each row with the
 * context an analyst needs beside it (dates, sender, subject, provenance).
 *
 * Read-only (SQLITE_OPEN_READONLY).  The rows come from plain SQL over the
 * tables, not the views, so that a database whose last run was killed
 * before it closed exports too.
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db/read.h"

static const struct {
    const char *name, *sql;
} tables[] = {
    { "messages",
      "SELECT m.id AS message_id, m.sha256, m.size, m.message_id AS message_id_header, m.date, m.date_utc,"
      " m.from_addr, m.subject, m.n_recipients, m.n_typo, m.classified, m.n_findings, m.categories, m.severity,"
      " (SELECT count(*) FROM occurrences o WHERE o.message_id = m.id) AS occurrences,"
      " (SELECT s.path FROM occurrences o JOIN sources s ON s.id = o.source_id WHERE o.message_id = m.id"
      "  ORDER BY o.id LIMIT 1) AS first_path,"
      " (SELECT o.offset FROM occurrences o WHERE o.message_id = m.id ORDER BY o.id LIMIT 1) AS first_offset"
      " FROM messages m ORDER BY m.id" },
    { "typo_hits",
      "SELECT t.id AS hit_id, t.message_id, m.date_utc, m.from_addr, m.subject, r.header, r.addr AS recipient,"
      " t.typo_domain, t.intended_domain, t.intended_addr, t.class, t.edit, t.exposure, t.registrable, t.score,"
      " t.final_score, t.alert, t.needs_context"
      " FROM typo_hits t JOIN messages m ON m.id = t.message_id JOIN recipients r ON r.id = t.recipient_id"
      " ORDER BY t.id" },
    { "findings",
      "SELECT f.id AS finding_id, f.message_id, m.date_utc, m.from_addr, m.subject, m.severity, f.part,"
      " f.detector, f.category, f.level, f.score, f.masked, f.vhash, f.offset, f.length, f.part_offset, f.quoted,"
      " f.snippet"
      " FROM findings f JOIN messages m ON m.id = f.message_id ORDER BY f.id" },
};

int
tl_export_table_known(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(tables); i++)
        if (strcmp(tables[i].name, name) == 0)
            return 1;
    return 0;
}

static void
jsonl_row(sqlite3_stmt *s, const char *table, FILE *out)
{
    JsonBuilder *b = json_builder_new();
    tl_json_row(b, s);
    JsonNode *root = json_builder_get_root(b);
    json_object_set_string_member(json_node_get_object(root), "table", table);
    char *raw = json_to_string(root, FALSE), *line = tl_json_tidy_numbers(raw);
    g_free(raw);
    fputs(line, out);
    fputc('\n', out);
    g_free(line);
    json_node_unref(root);
    g_object_unref(b);
}

/* One CSV field (RFC 4180).  Text that a spreadsheet would run as a
 * formula (=, +, -, @ first) gets a leading apostrophe: subjects and
 * addresses come from whoever sent the mail. */
static void
csv_field(FILE *out, const char *v, int text)
{
    if (!v)
        return;
    int formula = text && v[0] && strchr("=+-@\t\r", v[0]);
    if (!formula && !strpbrk(v, ",\"\r\n")) {
        fputs(v, out);
        return;
    }
    fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (const char *c = v; *c; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

void
tl_csv_row(sqlite3_stmt *s, FILE *out, int header)
{
    for (int i = 0; i < sqlite3_column_count(s); i++) {
        if (i)
            fputc(',', out);
        if (header)
            csv_field(out, sqlite3_column_name(s, i), 0);
        else
            csv_field(out, (const char *)sqlite3_column_text(s, i), sqlite3_column_type(s, i) == SQLITE_TEXT);
    }
    fputs("\r\n", out);
}

tl_status_t
tl_export(const char *db_path, int csv, const char *const *names, const char *outdir, FILE *out, char **errmsg)
{
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return TL_ERR_DB;
    if (outdir && g_mkdir_with_parents(outdir, 0755) != 0) {
        *errmsg = g_strdup_printf("cannot create %s: %s", outdir, g_strerror(errno));
        sqlite3_close(db);
        return TL_ERR_USAGE;
    }
    tl_status_t st = TL_OK;
    for (size_t i = 0; i < G_N_ELEMENTS(tables) && st == TL_OK; i++) {
        if (names && !g_strv_contains(names, tables[i].name))
            continue;
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(db, tables[i].sql, -1, &s, NULL) != SQLITE_OK) {
            *errmsg = tl_db_read_error(db, db_path);
            st = TL_ERR_DB;
            break;
        }
        FILE *f = out;
        char *path = NULL;
        if (outdir) {
            path = g_strdup_printf("%s/%s.%s", outdir, tables[i].name, csv ? "csv" : "jsonl");
            f = fopen(path, "w");
            if (!f) {
                *errmsg = g_strdup_printf("cannot write %s: %s", path, g_strerror(errno));
                st = TL_ERR_USAGE;
                sqlite3_finalize(s);
                g_free(path);
                break;
            }
        }
        if (csv)
            tl_csv_row(s, f, 1);
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (csv)
                tl_csv_row(s, f, 0);
            else
                jsonl_row(s, tables[i].name, f);
        }
        if (rc != SQLITE_DONE) {
            *errmsg = tl_db_read_error(db, db_path);
            st = TL_ERR_DB;
        }
        if (ferror(f) && st == TL_OK) {
            *errmsg = g_strdup_printf("writing %s failed", path ? path : "the output");
            st = TL_ERR_USAGE;
        }
        if (outdir && fclose(f) != 0 && st == TL_OK) {
            *errmsg = g_strdup_printf("writing %s failed", path);
            st = TL_ERR_USAGE;
        }
        g_free(path);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return st;
}
