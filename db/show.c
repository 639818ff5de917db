/*
 * show.c - one message's record, as an investigator reads it: headers,
 * recipients with their verdicts, findings with masked evidence and
 * offsets, its attachments (type, status, digest), anomalies, and every
 * place its raw bytes can be found.
 *
 * Read-only (SQLITE_OPEN_READONLY).  The message is named by its row id,
 * by a prefix of its SHA-256 (at least 8 hex digits), or by its
 * Message-ID header (with or without the angle brackets).
 */
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "db/read.h"

static const char *
text(sqlite3_stmt *s, int i)
{
    const char *v = (const char *)sqlite3_column_text(s, i);
    return v ? v : "";
}

/* The row id of the message key names; 0 when none, -1 when ambiguous, -2
 * when the database could not be read (db/read.h). */
long long
tl_db_find_message(sqlite3 *db, const char *key)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 id = 0;
    char *bare = g_strdup(key);
    if (bare[0] == '<' && g_str_has_suffix(bare, ">")) {
        memmove(bare, bare + 1, strlen(bare));
        bare[strlen(bare) - 1] = '\0';
    }
    size_t n = strlen(bare);
    int digits = n > 0 && strspn(bare, "0123456789") == n;
    int hex = n >= 8 && n <= 64 && strspn(bare, "0123456789abcdefABCDEF") == n;
    const char *q = "SELECT id FROM messages WHERE (?1 AND id = CAST(?2 AS INTEGER))"
                    " OR (?3 AND sha256 LIKE lower(?2) || '%') OR message_id = ?2 OR message_id = ?4 LIMIT 2";
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK) {
        char *bracketed = g_strdup_printf("<%s>", bare);
        sqlite3_bind_int(s, 1, digits);
        sqlite3_bind_text(s, 2, bare, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 3, hex);
        sqlite3_bind_text(s, 4, bracketed, -1, SQLITE_TRANSIENT);
        int rows = 0, rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            rows++;
            id = sqlite3_column_int64(s, 0);
        }
        if (rows > 1)
            id = -1;
        if (rc != SQLITE_DONE && rows < 2)
            id = -2;
        g_free(bracketed);
    }
    sqlite3_finalize(s);
    g_free(bare);
    return id;
}

static sqlite3_stmt *
query(sqlite3 *db, const char *q, sqlite3_int64 id)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    return s;
}

/* Issue 14: where the date comes from, the sender's unit, the thread. */
static void
show_dates_thread(sqlite3 *db, sqlite3_int64 id, FILE *out)
{
    sqlite3_stmt *s = query(db,
                            "SELECT date_flag, date_source, date_header_utc, from_unit, thread_key, in_reply_to,"
                            " (SELECT count(*) FROM messages t WHERE t.thread_key = m.thread_key) FROM messages m"
                            " WHERE id = ?1", id);
    if (s && sqlite3_step(s) == SQLITE_ROW) {
        if (sqlite3_column_type(s, 0) != SQLITE_NULL)
            fprintf(out, "  date note   Date %s (%s); dated by %s\n", text(s, 0),
                    sqlite3_column_type(s, 2) == SQLITE_NULL ? "no time" : text(s, 2),
                    sqlite3_column_type(s, 1) == SQLITE_NULL ? "nothing" : "the first Received header");
        if (sqlite3_column_type(s, 3) != SQLITE_NULL)
            fprintf(out, "  unit        %s\n", text(s, 3));
        if (sqlite3_column_type(s, 4) != SQLITE_NULL)
            fprintf(out, "  thread      %s (%lld messages)%s%s\n", text(s, 4), (long long)sqlite3_column_int64(s, 6),
                    sqlite3_column_type(s, 5) == SQLITE_NULL ? "" : "; in reply to ", text(s, 5));
    }
    sqlite3_finalize(s);
}

tl_status_t
tl_show(const char *db_path, const char *key, FILE *out, char **errmsg)
{
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return TL_ERR_DB;
    tl_status_t st = TL_OK;
    sqlite3_int64 id = tl_db_find_message(db, key);
    sqlite3_stmt *s = id > 0 ? query(db,
                                     "SELECT id, sha256, size, message_id, date, date_utc, from_text, sender, reply_to,"
                                     " subject, n_recipients, n_typo, mime_parsed, classified, n_findings, categories,"
                                     " severity FROM messages WHERE id = ?1",
                                     id)
                             : NULL;
    if (!s || sqlite3_step(s) != SQLITE_ROW) {
        *errmsg = id == -1 ? g_strdup_printf("'%s' names more than one message: give more of the SHA-256", key)
                  : id == 0 ? g_strdup_printf("no message '%s' (give its number, SHA-256 prefix or Message-ID)", key)
                            : tl_db_read_error(db, db_path);
        sqlite3_finalize(s);
        sqlite3_close(db);
        return id > 0 || id == -2 ? TL_ERR_DB : TL_ERR_USAGE;
    }
    fprintf(out, "message %lld\n  sha256      %s\n  size        %lld bytes\n", (long long)sqlite3_column_int64(s, 0),
            text(s, 1), (long long)sqlite3_column_int64(s, 2));
    fprintf(out, "  message-id  %s\n  date        %s (%s)\n  from        %s\n", text(s, 3), text(s, 4), text(s, 5),
            text(s, 6));
    if (sqlite3_column_type(s, 7) != SQLITE_NULL)
        fprintf(out, "  sender      %s\n", text(s, 7));
    if (sqlite3_column_type(s, 8) != SQLITE_NULL)
        fprintf(out, "  reply-to    %s\n", text(s, 8));
    fprintf(out, "  subject     %s\n", text(s, 9));
    show_dates_thread(db, id, out);
    fprintf(out, "  parsed      %s; %lld recipients, %lld at typo domains\n",
            sqlite3_column_int(s, 12) ? "whole MIME tree" : "header block", (long long)sqlite3_column_int64(s, 10),
            (long long)sqlite3_column_int64(s, 11));
    if (sqlite3_column_int(s, 13))
        fprintf(out, "  classified  %lld findings; severity %s; categories %s\n", (long long)sqlite3_column_int64(s, 14),
                sqlite3_column_type(s, 16) == SQLITE_NULL ? "none" : text(s, 16),
                sqlite3_column_type(s, 15) == SQLITE_NULL ? "none" : text(s, 15));
    else
        fprintf(out, "  classified  no\n");
    sqlite3_finalize(s);

    fprintf(out, "\nrecipients:\n");
    s = query(db,
              "SELECT r.header, r.addr, r.parsed, t.intended_addr, t.class, t.edit, t.exposure, t.alert,"
              " coalesce(t.final_score, t.score), t.needs_context, r.dup FROM recipients r"
              " LEFT JOIN typo_hits t ON t.recipient_id = r.id WHERE r.message_id = ?1 ORDER BY r.id",
              id);
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        fprintf(out, "  %-8s %s%s%s\n", text(s, 0), text(s, 1), sqlite3_column_int(s, 2) ? "" : " (recovered from raw)",
                sqlite3_column_int(s, 10) ? " (named again: counted once)" : "");
        if (sqlite3_column_type(s, 3) != SQLITE_NULL || sqlite3_column_type(s, 4) != SQLITE_NULL)
            fprintf(out, "           %s: meant %s; %s (%s); exposure %s; score %.2f%s\n",
                    sqlite3_column_int(s, 7) ? "ALERT" : "typo", text(s, 3), text(s, 5), text(s, 4), text(s, 6),
                    sqlite3_column_double(s, 8), sqlite3_column_int(s, 9) ? "; needs context" : "");
    }
    sqlite3_finalize(s);

    fprintf(out, "\nfindings (masked; offsets in the part's text):\n");
    s = query(db,
              "SELECT part, detector, category, level, score, masked, offset, length, part_offset, quoted, snippet,"
              " sets_severity, uncounted_reason FROM findings WHERE message_id = ?1 ORDER BY part, offset",
              id);
    int nf = 0;
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        nf++;
        fprintf(out, "  part %-5s %-16s %-12s %-6s %3d  %s  at %lld+%lld (decoded %lld)%s\n", text(s, 0), text(s, 1),
                text(s, 2), text(s, 3), sqlite3_column_int(s, 4), text(s, 5), (long long)sqlite3_column_int64(s, 6),
                (long long)sqlite3_column_int64(s, 7), (long long)sqlite3_column_int64(s, 8),
                sqlite3_column_int(s, 9) ? " quoted" : "");
        if (sqlite3_column_int(s, 11) || sqlite3_column_type(s, 12) != SQLITE_NULL)
            fprintf(out, "             %s%s%s\n", sqlite3_column_int(s, 11) ? "set the severity" : "",
                    sqlite3_column_type(s, 12) == SQLITE_NULL ? "" : "not counted: ", text(s, 12));
        fprintf(out, "             %s\n", text(s, 10));
    }
    if (!nf)
        fprintf(out, "  none\n");
    sqlite3_finalize(s);

    s = query(db,
              "SELECT part, coalesce(filename, ''), coalesce(declared_type, '-'), sniffed_type, size, status,"
              " coalesce(reason, ''), chars, width, height, exif_gps, sha256 FROM attachments WHERE message_id = ?1"
              " ORDER BY id",
              id);
    int nat = 0;
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        fprintf(out, "%s  part %-5s %s  %s (declared %s)  %lld bytes  %s%s%s  %lld chars", nat++ ? "" : "\nattachments:\n",
                text(s, 0), text(s, 1), text(s, 3), text(s, 2), (long long)sqlite3_column_int64(s, 4), text(s, 5),
                *text(s, 6) ? ": " : "", text(s, 6), (long long)sqlite3_column_int64(s, 7));
        if (sqlite3_column_type(s, 8) != SQLITE_NULL)
            fprintf(out, "  %dx%d%s", sqlite3_column_int(s, 8), sqlite3_column_int(s, 9),
                    sqlite3_column_int(s, 10) ? "  GPS" : "");
        fprintf(out, "\n             sha256 %s\n", text(s, 11));
    }
    sqlite3_finalize(s);

    s = query(db, "SELECT code, coalesce(item, '') FROM anomalies WHERE message_id = ?1 ORDER BY id", id);
    int na = 0;
    while (s && sqlite3_step(s) == SQLITE_ROW)
        fprintf(out, "%s  %s: %s\n", na++ ? "" : "\nanomalies:\n", text(s, 0), text(s, 1));
    sqlite3_finalize(s);

    fprintf(out, "\nwhere the raw bytes are (source, byte offset or Outlook item, length):\n");
    s = query(db,
              "SELECT s.path, o.offset, o.length, o.marker_offset, o.maildir_flags, r.id, s.sha256, s.kind, o.position"
              " FROM occurrences o"
              " JOIN sources s ON s.id = o.source_id JOIN runs r ON r.id = o.run_id WHERE o.message_id = ?1"
              " ORDER BY o.id",
              id);
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        const char *kind = text(s, 7);
        if (g_str_has_prefix(kind, "pst-")) {
            /* An Outlook store's item: its folder and identifier; the
             * bytes are rebuilt from the store (docs/formats.md). */
            fprintf(out, "  %s  Outlook item %lld (position %lld in the folder)%s, %lld bytes", text(s, 0),
                    (long long)sqlite3_column_int64(s, 1), (long long)sqlite3_column_int64(s, 8),
                    strcmp(kind, "pst-folder") != 0 ? ", recovered" : "", (long long)sqlite3_column_int64(s, 2));
            fprintf(out, "; run %lld\n", (long long)sqlite3_column_int64(s, 5));
            continue;
        }
        fprintf(out, "  %s  offset %lld, %lld bytes", text(s, 0), (long long)sqlite3_column_int64(s, 1),
                (long long)sqlite3_column_int64(s, 2));
        if (sqlite3_column_type(s, 3) != SQLITE_NULL)
            fprintf(out, " (From_ line at %lld)", (long long)sqlite3_column_int64(s, 3));
        if (sqlite3_column_type(s, 4) != SQLITE_NULL)
            fprintf(out, " (flags %s)", text(s, 4));
        fprintf(out, "; run %lld\n", (long long)sqlite3_column_int64(s, 5));
    }
    sqlite3_finalize(s);
    if (ferror(out)) {
        *errmsg = g_strdup("writing the output failed");
        st = TL_ERR_USAGE;
    }
    sqlite3_close(db);
    return st;
}

/* ------------------------------------------------------------------ */
/* show --format json (issue 14)                                       */
/* ------------------------------------------------------------------ */

/* The rows of a query about message id as a JSON array member. */
static void
json_rows(JsonBuilder *b, sqlite3 *db, const char *name, const char *q, sqlite3_int64 id, int one)
{
    sqlite3_stmt *s = query(db, q, id);
    json_builder_set_member_name(b, name);
    if (!one)
        json_builder_begin_array(b);
    int n = 0;
    while (s && sqlite3_step(s) == SQLITE_ROW && (!one || !n++))
        tl_json_row(b, s);
    if (one && !n)
        json_builder_add_null_value(b);
    if (!one)
        json_builder_end_array(b);
    sqlite3_finalize(s);
}

tl_status_t
tl_show_json(const char *db_path, const char *key, FILE *out, char **errmsg)
{
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return TL_ERR_DB;
    sqlite3_int64 id = tl_db_find_message(db, key);
    if (id <= 0) {
        *errmsg = id < 0 ? g_strdup_printf("'%s' names more than one message: give more of the SHA-256", key)
                         : g_strdup_printf("no message '%s' (give its number, SHA-256 prefix or Message-ID)", key);
        sqlite3_close(db);
        return TL_ERR_USAGE;
    }
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "format");
    json_builder_add_string_value(b, "typoleak-message");
    json_builder_set_member_name(b, "version");
    json_builder_add_int_value(b, 1);
    json_rows(b, db, "message", "SELECT * FROM messages WHERE id = ?1", id, 1);
    json_rows(b, db, "recipients",
              "SELECT r.id, r.header, r.addr, r.addr_norm, r.dup, r.display_name, r.parsed, r.raw, t.typo_domain,"
              " t.intended_domain, t.intended_addr, t.class, t.edit, t.exposure, t.alert,"
              " coalesce(t.final_score, t.score) AS score FROM recipients r"
              " LEFT JOIN typo_hits t ON t.recipient_id = r.id WHERE r.message_id = ?1 ORDER BY r.id", id, 0);
    json_rows(b, db, "findings",
              "SELECT id, part, detector, category, level, score, masked, vhash, offset, length, part_offset, quoted,"
              " counted, uncounted_reason, sets_severity, snippet FROM findings WHERE message_id = ?1"
              " ORDER BY sets_severity DESC, part, offset", id, 0);
    json_rows(b, db, "anomalies", "SELECT code, offset, item FROM anomalies WHERE message_id = ?1 ORDER BY id", id, 0);
    json_rows(b, db, "bounces", "SELECT recipient, action, status FROM bounces WHERE message_id = ?1 ORDER BY id", id, 0);
    json_rows(b, db, "occurrences",
              "SELECT o.id, s.path, s.member, o.offset, o.length, o.marker_offset, o.maildir_flags, o.sha256,"
              " o.run_id AS run FROM occurrences o JOIN sources s ON s.id = o.source_id WHERE o.message_id = ?1"
              " ORDER BY o.id", id, 0);
    json_rows(b, db, "thread",
              "SELECT m.id, m.date_utc, m.from_addr, m.subject, m.message_id FROM messages m"
              " WHERE m.thread_key = (SELECT thread_key FROM messages WHERE id = ?1) ORDER BY m.date_utc, m.id", id, 0);
    json_builder_end_object(b);
    JsonNode *root = json_builder_get_root(b);
    JsonGenerator *g = json_generator_new();
    json_generator_set_root(g, root);
    json_generator_set_pretty(g, TRUE);
    char *doc = json_generator_to_data(g, NULL);
    fputs(doc, out);
    fputc('\n', out);
    g_free(doc);
    g_object_unref(g);
    json_node_unref(root);
    g_object_unref(b);
    sqlite3_close(db);
    if (ferror(out)) {
        *errmsg = g_strdup("writing the output failed");
        return TL_ERR_USAGE;
    }
    return TL_OK;
}

/* ------------------------------------------------------------------ */
/* typoleak extract: where an attachment's message can be re-read      */
/* ------------------------------------------------------------------ */

tl_status_t
tl_attachment_recorded(const char *db_path, const char *key, const char *part, char sha256[65], char **errmsg)
{
    sha256[0] = '\0';
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return TL_ERR_DB;
    tl_status_t st = TL_OK;
    sqlite3_int64 id = tl_db_find_message(db, key);
    sqlite3_stmt *s = NULL;
    if (id == -2) {
        *errmsg = tl_db_read_error(db, db_path);
        st = TL_ERR_DB;
    } else if (id <= 0) {
        *errmsg = g_strdup_printf(id < 0 ? "%s names several messages" : "no message %s", key);
        st = TL_ERR_USAGE;
    } else {
        s = query(db, "SELECT sha256 FROM attachments WHERE message_id = ?1 AND part = ?2", id);
        if (s)
            sqlite3_bind_text(s, 2, part, -1, SQLITE_TRANSIENT);
        if (!s || sqlite3_step(s) != SQLITE_ROW) {
            *errmsg = g_strdup_printf("message %s has no attachment %s (typoleak show lists them)", key, part);
            st = TL_ERR_USAGE;
        } else
            g_strlcpy(sha256, text(s, 0), 65);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return st;
}
