/*
 * writer.c - the only code that writes the findings database.
 *
 * One writer owns the sqlite3 connection (one thread at a time: the writer
 * thread, or the main thread with -j 1).  It receives jobs in sequence
 * order and turns them into rows: sources, messages (one per distinct
 * SHA-256), occurrences, recipients, typo hits, anomalies and errors.
 * Writes are batched into transactions (WAL journal), committed every few
 * thousand jobs or every second, and at the end.  The secondary indexes
 * (db/indexes.sql) are built when the run closes: a scan needs none of them
 * (the only look-up, a message by SHA-256, uses the UNIQUE constraint), and
 * building an index once costs less than keeping it up to date row by row.
 *
 * The reader numbers its sources itself; the writer maps those numbers to
 * row ids while a source is open (from its SOURCE job to its SOURCE_END
 * job), so memory does not grow with the number of sources.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include <string.h>
#include <time.h>

#include "db/writer.h"

#define BATCH_JOBS 4000
#define BATCH_USEC 1000000

enum {
    S_SOURCE, S_SOURCE_END, S_MSG, S_MSG_ID, S_OCC, S_RCPT, S_TYPO, S_ANOM, S_ERR, S_BOUNCE, S_FIND, S_TEXT,
    S_ATT, S_LAST
};

static const char *const sql[S_LAST] = {
    [S_SOURCE] = "INSERT INTO sources(run_id, parent_id, path, member, kind, format, depth, mtime, status,"
                 " range_start, range_end, file_size, file_sha256) VALUES(?,?,?,?,?,?,?,?, 'reading',?,?,?,?)",
    [S_SOURCE_END] = "UPDATE sources SET size=?, sha256=?, n_messages=?, status=? WHERE id=?",
    [S_MSG] = "INSERT INTO messages(sha256, identity, size, message_id, date, date_utc, from_text, from_addr, sender,"
              " reply_to, subject, n_recipients, n_typo, n_anomalies, mime_parsed, first_run_id, classified, n_findings,"
              " categories, severity, date_header_utc, date_source, date_flag, from_unit, in_reply_to, refs, thread_key)"
              " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(identity) DO NOTHING",
    [S_MSG_ID] = "SELECT id FROM messages WHERE identity=?",
    [S_OCC] = "INSERT INTO occurrences(message_id, source_id, run_id, position, offset, length, marker_offset,"
              " marker, maildir_flags, sha256) VALUES(?,?,?,?,?,?,?,?,?,?)",
    [S_RCPT] = "INSERT INTO recipients(message_id, header, addr, local_part, domain, display_name, parsed, raw,"
               " addr_norm, dup) VALUES(?,?,?,?,?,?,?,?,?,?)",
    [S_TYPO] = "INSERT INTO typo_hits(message_id, recipient_id, typo_domain, intended_domain, intended_addr, class,"
               " edit, exposure, registrable, prior, score, needs_context, strong) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [S_ANOM] = "INSERT INTO anomalies(message_id, code, offset, item) VALUES(?,?,?,?)",
    [S_BOUNCE] = "INSERT INTO bounces(message_id, recipient, action, status) VALUES(?,?,?,?)",
    [S_TEXT] = "INSERT INTO text.message_text(rowid, subject, body) VALUES (?, ?, ?)",
    [S_FIND] = "INSERT INTO findings(message_id, part, detector, category, level, score, masked, vhash, offset,"
               " length, part_offset, quoted, snippet, counted, uncounted_reason, sets_severity)"
               " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [S_ATT] = "INSERT INTO attachments(message_id, part, filename, declared_type, sniffed_type, size, sha256, status,"
              " reason, chars, width, height, exif_gps) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [S_ERR] = "INSERT INTO errors(run_id, source_id, path, offset, length, stage, code, grade, reason, sha256)"
              " VALUES(?,?,?,?,?,?,?,?,?,?)",
};

struct tl_writer {
    sqlite3 *db;
    char *path;                 /* the database file, for messages */
    int text;                   /* the text index file is attached as "text" */
    sqlite3_stmt *st[S_LAST];
    sqlite3_int64 run_id;
    GHashTable *src_ids;        /* reader source number -> row id (open sources) */
    GHashTable *src_paths;      /* reader source number -> provenance path */
    int in_txn;
    unsigned batch;
    gint64 batch_start;
    gint64 started;
    tl_scan_stats stats;
    char *errmsg;
    uint64_t last_source;       /* source of the last message written */
    char last_sha[65];          /* and its digest */
    int lock_fd;                /* the database file, flock()ed for the run */
    uint64_t jobs;              /* jobs put, for the test hook below */
    uint64_t kill_after, stop_after;    /* TYPOLEAK_TEST_KILL_AFTER_JOBS, ..._INTERRUPT_AFTER_JOBS */
    unsigned batch_jobs;        /* jobs per transaction (TYPOLEAK_TEST_BATCH_JOBS for the tests) */
};

/* Records the connection's error message; returns TL_ERR_DB. */
static tl_status_t
db_fail(tl_writer *w, const char *what)
{
    g_free(w->errmsg);
    w->errmsg = g_strdup_printf("database %s: %s: %s", w->path, what, sqlite3_errmsg(w->db));
    return TL_ERR_DB;
}

/* Runs SQL; on failure the message names the database and SQLite's
 * reason, never the SQL. */
static tl_status_t
exec(tl_writer *w, const char *q)
{
    char *err = NULL;
    if (sqlite3_exec(w->db, q, NULL, NULL, &err) != SQLITE_OK) {
        g_free(w->errmsg);
        w->errmsg = g_strdup_printf("cannot write %s: %s", w->path, err ? err : "?");
        sqlite3_free(err);
        return TL_ERR_DB;
    }
    return TL_OK;
}

/* Undoes the open transaction, if any, keeping the error that caused it
 * (found by check_faults: a locked database was reported as "ROLLBACK:
 * cannot rollback - no transaction is active"). */
static void
rollback(tl_writer *w)
{
    if (!sqlite3_get_autocommit(w->db))
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
}

static char *
now_iso(void)
{
    return tl_iso_utc(g_get_real_time() / G_USEC_PER_SEC);
}

/* Binds a text or NULL.  SQLITE_STATIC: every value outlives the step that
 * uses it (bindings are cleared right after), so SQLite need not copy it. */
static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* Runs a prepared statement to completion and resets it. */
static int
step(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

/* Creates the schema in an empty database, or checks the version of an
 * existing one. */
static tl_status_t
ensure_schema(tl_writer *w)
{
    sqlite3_stmt *s;
    int version = -1, tables = 0;
    if (sqlite3_prepare_v2(w->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return db_fail(w, "reading the schema version");
    if (sqlite3_step(s) == SQLITE_ROW)
        version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(w->db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL) != SQLITE_OK)
        return db_fail(w, "reading the schema");
    if (sqlite3_step(s) == SQLITE_ROW)
        tables = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (version == TL_SCHEMA_VERSION)
        return TL_OK;
    if (version == 0 && tables == 0) {
        char *q = g_strdup_printf("BEGIN; %s PRAGMA user_version=%d; COMMIT;", tl_schema_sql, TL_SCHEMA_VERSION);
        tl_status_t st = exec(w, q);
        g_free(q);
        return st;
    }
    g_free(w->errmsg);
    if (version == 0)
        w->errmsg = g_strdup_printf("%s is a SQLite database but not a typoleak findings database (it holds %d other "
                                    "objects): give --db a new file", w->path, tables);
    else
        w->errmsg = g_strdup_printf("%s is a typoleak database of schema version %d; this typoleak writes version %d: "
                                    "scan into a new file", w->path, version, TL_SCHEMA_VERSION);
    return TL_ERR_DB;
}

/* The run's settings as a JSON object, with the directory relative input
 * paths are relative to (for typoleak verify). */
static char *
settings_json(const tl_scan_options *o)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "jobs");
    json_builder_add_int_value(b, o->jobs);
    json_builder_set_member_name(b, "max_depth");
    json_builder_add_int_value(b, o->max_depth);
    json_builder_set_member_name(b, "max_message");
    json_builder_add_int_value(b, (gint64)o->max_message);
    json_builder_set_member_name(b, "max_nested");
    json_builder_add_int_value(b, (gint64)o->max_nested);
    /* the limits against hostile evidence and of reading parts and
     * attachments (docs/errors.md, "Limits"; 0: none) */
    const struct { const char *name; uint64_t v; } lim[] = {
        { "max_expand", o->max_expand }, { "max_ratio", o->max_ratio }, { "max_entries", o->max_entries },
        { "max_headers", o->max_headers }, { "max_header_bytes", o->max_header_bytes },
        { "max_mime_depth", o->max_mime_depth }, { "max_parts", o->max_parts }, { "max_text", o->max_text },
        { "max_part_text", o->max_part_text }, { "max_part_depth", o->max_part_depth },
        { "max_pdf_pages", o->max_pdf_pages }, { "max_sheet_cells", o->max_sheet_cells },
        { "max_xml_bytes", o->max_xml_bytes }, { "max_unpacked", o->max_unpacked },
        { "max_xml_entities", (uint64_t)o->max_xml_entities },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(lim); i++) {
        json_builder_set_member_name(b, lim[i].name);
        json_builder_add_int_value(b, (gint64)MIN(lim[i].v, (uint64_t)G_MAXINT64));
    }
    json_builder_set_member_name(b, "max_pdf_seconds");
    json_builder_add_double_value(b, o->max_pdf_seconds);
    json_builder_set_member_name(b, "queue_depth");
    json_builder_add_int_value(b, o->queue_depth);
    json_builder_set_member_name(b, "max_inflight");
    json_builder_add_int_value(b, (gint64)o->max_inflight);
    json_builder_set_member_name(b, "parse");
    json_builder_add_string_value(b, o->full_parse ? "full" : "flagged");
    json_builder_set_member_name(b, "classify");
    json_builder_add_string_value(b, o->classify == TL_CLASSIFY_ALL    ? "all"
                                     : o->classify == TL_CLASSIFY_NONE ? "none"
                                                                       : "flagged");
    json_builder_set_member_name(b, "index_text");
    json_builder_add_string_value(b, o->index_text == TL_INDEX_ALL    ? "all"
                                     : o->index_text == TL_INDEX_NONE ? "none"
                                                                      : "flagged");
    if (o->shard_plan) {
        json_builder_set_member_name(b, "shard");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "plan");
        json_builder_add_string_value(b, o->shard_plan);
        json_builder_set_member_name(b, "index");
        json_builder_add_int_value(b, o->shard_index);
        json_builder_set_member_name(b, "count");
        json_builder_add_int_value(b, o->shard_count);
        json_builder_end_object(b);
    }
    char *cwd = g_get_current_dir();
    json_builder_set_member_name(b, "cwd");
    json_builder_add_string_value(b, cwd);
    g_free(cwd);
    json_builder_end_object(b);
    JsonNode *root = json_builder_get_root(b);
    char *out = json_to_string(root, FALSE);
    json_node_unref(root);
    g_object_unref(b);
    return out;
}

/* What an earlier run left unfinished (killed, or stopped by a signal):
 * its run is marked interrupted, and every source it had not closed goes,
 * with everything under it (members, occurrences, error rows), so that
 * the next run reads those files again from the start.  The messages
 * stay: reading the files again finds them again (same SHA-256). */
static tl_status_t
recover(tl_writer *w)
{
    tl_status_t st = exec(w, "BEGIN IMMEDIATE;"
                             " UPDATE runs SET status = 'interrupted' WHERE status = 'running';"
                             " CREATE TEMP TABLE tl_open_src AS WITH RECURSIVE o(id) AS ("
                             "   SELECT id FROM sources WHERE status = 'reading'"
                             "   UNION SELECT s.id FROM sources s JOIN o ON s.parent_id = o.id) SELECT id FROM o;"
                             " DELETE FROM occurrences WHERE source_id IN (SELECT id FROM tl_open_src);"
                             " DELETE FROM errors WHERE source_id IN (SELECT id FROM tl_open_src);"
                             " DELETE FROM sources WHERE id IN (SELECT id FROM tl_open_src);");
    if (st == TL_OK)
        w->stats.resumed = (uint64_t)sqlite3_changes(w->db);
    if (st == TL_OK)
        st = exec(w, "DROP TABLE tl_open_src; COMMIT;");
    else
        rollback(w);
    return st;
}

/* Before SQLite opens it: the database's folder is there and can be
 * written (the database, its -wal and -shm), and a file already there is
 * a SQLite database of full length. */
static tl_status_t
check_place(tl_writer *w)
{
    char *dir = g_path_get_dirname(w->path), *why = NULL;
    struct stat st;
    int exists;
    if (stat(dir, &st) != 0)
        why = g_strdup_printf("cannot create the database %s: the folder %s %s", w->path, dir,
                              errno == ENOENT ? "does not exist" : g_strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        why = g_strdup_printf("cannot create the database %s: %s is not a folder", w->path, dir);
    else if (access(dir, W_OK) != 0)
        why = g_strdup_printf("cannot write the database %s: the folder %s cannot be written (%s)", w->path, dir,
                              g_strerror(errno));
    else
        why = tl_db_file_problem(w->path, &exists);
    g_free(dir);
    if (!why)
        return TL_OK;
    g_free(w->errmsg);
    w->errmsg = why;
    return TL_ERR_DB;
}

/* The text index file beside the database, attached as "text" and made
 * when absent. */
static tl_status_t
attach_text(tl_writer *w)
{
    char *path = tl_text_db_path(w->path), *why = NULL;
    int exists;
    if ((why = tl_db_file_problem(path, &exists)) != NULL) {
        g_free(path);
        g_free(w->errmsg);
        w->errmsg = why;
        return TL_ERR_DB;
    }
    sqlite3_stmt *s = NULL;
    int ok = sqlite3_prepare_v2(w->db, "ATTACH ? AS text", -1, &s, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    if (!ok) {
        g_free(w->errmsg);
        w->errmsg = g_strdup_printf("cannot open the text index %s: %s", path, sqlite3_errmsg(w->db));
        g_free(path);
        return TL_ERR_DB;
    }
    g_free(path);
    char *q = g_strdup_printf("PRAGMA text.journal_mode=WAL; BEGIN; " TL_TEXT_SCHEMA_SQL
                              " PRAGMA text.user_version=%d; COMMIT;", TL_SCHEMA_VERSION);
    tl_status_t st = exec(w, q);
    g_free(q);
    w->text = st == TL_OK;
    return st;
}

GHashTable *
tl_writer_done_files(tl_writer *w)
{
    GHashTable *done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(w->db,
                           "SELECT path, size, mtime, sha256 FROM sources WHERE id IN (SELECT max(id) FROM sources"
                           " WHERE depth = 0 AND sha256 IS NOT NULL AND status <> 'reading' AND range_start IS NULL GROUP BY path)",
                           -1, &s, NULL) == SQLITE_OK)
        while (sqlite3_step(s) == SQLITE_ROW) {
            tl_done_file *d = g_new0(tl_done_file, 1);
            d->size = sqlite3_column_int64(s, 1);
            if (sqlite3_column_text(s, 2))
                g_strlcpy(d->mtime, (const char *)sqlite3_column_text(s, 2), sizeof d->mtime);
            g_strlcpy(d->sha256, (const char *)sqlite3_column_text(s, 3), sizeof d->sha256);
            g_hash_table_insert(done, g_strdup((const char *)sqlite3_column_text(s, 0)), d);
        }
    sqlite3_finalize(s);
    return done;
}

static uint64_t
env_count(const char *name)
{
    const char *v = g_getenv(name);
    return v ? g_ascii_strtoull(v, NULL, 10) : 0;
}

tl_writer *
tl_writer_open(const tl_scan_options *o, const tl_protect *protect, tl_status_t *st, char **errmsg)
{
    tl_writer *w = g_new0(tl_writer, 1);
    w->lock_fd = -1;
    w->src_ids = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    w->src_paths = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    w->started = g_get_monotonic_time();
    w->path = g_strdup(o->db_path);
    *st = TL_OK;
    if ((*st = check_place(w)) != TL_OK)
        goto fail;
    if (sqlite3_open_v2(o->db_path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        *st = db_fail(w, "opening it");
        goto fail;
    }
    sqlite3_busy_timeout(w->db, 10000);
    if ((*st = exec(w, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                      " PRAGMA cache_size=-2048; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=16384;")) != TL_OK)
        goto fail;
    if ((*st = ensure_schema(w)) != TL_OK)
        goto fail;
    /* one scan at a time writes a database: the next one would take the
     * first's open sources for an interrupted run's (flock does not touch
     * SQLite's own fcntl locks) */
    w->lock_fd = open(o->db_path, O_RDONLY | O_CLOEXEC);
    if (w->lock_fd < 0 || flock(w->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        g_free(w->errmsg);
        w->errmsg = g_strdup_printf("%s is locked: another typoleak scan or merge is writing it; wait for it to "
                                    "finish", o->db_path);
        *st = TL_ERR_DB;
        goto fail;
    }
    if (o->index_text != TL_INDEX_NONE && o->classify != TL_CLASSIFY_NONE && (*st = attach_text(w)) != TL_OK)
        goto fail;
    if ((*st = recover(w)) != TL_OK)
        goto fail;
    w->kill_after = env_count("TYPOLEAK_TEST_KILL_AFTER_JOBS");
    w->stop_after = env_count("TYPOLEAK_TEST_INTERRUPT_AFTER_JOBS");
    w->batch_jobs = (unsigned)env_count("TYPOLEAK_TEST_BATCH_JOBS");
    if (!w->batch_jobs)
        w->batch_jobs = BATCH_JOBS;
    for (int i = 0; i < S_LAST; i++)
        if ((i != S_TEXT || w->text) &&
            sqlite3_prepare_v3(w->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &w->st[i], NULL) != SQLITE_OK) {
            *st = db_fail(w, "preparing a statement");
            goto fail;
        }
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(w->db,
                           "INSERT INTO runs(tool_version, schema_version, argv, settings, protected_hash,"
                           " protected_count, allowlist_hash, psl_version, started_at, status)"
                           " VALUES(?,?,?,?,?,?,?,?,?,'running')",
                           -1, &s, NULL) != SQLITE_OK) {
        *st = db_fail(w, "preparing the run row");
        goto fail;
    }
    char *settings = settings_json(o), *digest = tl_protect_digest(protect), *now = now_iso();
    char *allow = tl_protect_allow_digest(protect);
    bind_text(s, 1, TL_VERSION);
    sqlite3_bind_int(s, 2, TL_SCHEMA_VERSION);
    bind_text(s, 3, o->argv_text);
    bind_text(s, 4, settings);
    bind_text(s, 5, digest);
    sqlite3_bind_int(s, 6, (int)tl_protect_count(protect));
    bind_text(s, 7, allow);
    bind_text(s, 8, tl_psl_version());
    bind_text(s, 9, now);
    int ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    g_free(settings);
    g_free(digest);
    g_free(allow);
    g_free(now);
    if (!ok) {
        *st = db_fail(w, "writing the run row");
        goto fail;
    }
    w->run_id = sqlite3_last_insert_rowid(w->db);
    return w;
fail:
    if (errmsg)
        *errmsg = g_strdup(w->errmsg);
    tl_writer_close(w, NULL, NULL);
    return NULL;
}

const char *
tl_writer_errmsg(const tl_writer *w)
{
    return w->errmsg ? w->errmsg : "no error";
}

void
tl_writer_stats(const tl_writer *w, tl_scan_stats *s)
{
    *s = w->stats;
    s->seconds = (double)(g_get_monotonic_time() - w->started) / 1e6;
}

static sqlite3_int64
source_row(tl_writer *w, uint64_t n)
{
    gint64 key = (gint64)n;
    gpointer v = n ? g_hash_table_lookup(w->src_ids, &key) : NULL;
    return v ? (sqlite3_int64)GPOINTER_TO_SIZE(v) : 0;
}

static void
bind_source(sqlite3_stmt *s, int i, sqlite3_int64 id)
{
    if (id)
        sqlite3_bind_int64(s, i, id);
    else
        sqlite3_bind_null(s, i);
}

static const char *
grade_name(tl_status_t st)
{
    switch (tl_status_grade(st)) {
    case TL_GRADE_OK: return "ok";
    case TL_GRADE_WARN: return "warn";
    case TL_GRADE_SKIP: return "skip";
    case TL_GRADE_FAILED: return "failed";
    case TL_GRADE_FATAL: return "fatal";
    }
    return "failed";
}

static tl_status_t
put_error(tl_writer *w, uint64_t source, const char *path, uint64_t offset, uint64_t len, tl_status_t code,
          const char *stage, const char *reason, const char *sha)
{
    sqlite3_stmt *s = w->st[S_ERR];
    sqlite3_int64 src = source_row(w, source);
    if (!path && source) {
        gint64 key = (gint64)source;
        path = g_hash_table_lookup(w->src_paths, &key);
    }
    sqlite3_bind_int64(s, 1, w->run_id);
    bind_source(s, 2, src);
    bind_text(s, 3, path);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)offset);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)len);
    bind_text(s, 6, stage ? stage : "walk");
    bind_text(s, 7, tl_status_name(code));
    bind_text(s, 8, grade_name(code));
    bind_text(s, 9, reason ? reason : tl_status_str(code));
    bind_text(s, 10, sha && *sha ? sha : NULL);
    if (!step(s))
        return db_fail(w, "writing an error row");
    w->stats.errors++;
    return TL_OK;
}

/* A Maildir folder an earlier run closed: its row serves again, so that
 * a resumed scan has one row per folder, like an uninterrupted one. */
static sqlite3_int64
done_folder(tl_writer *w, const tl_job *j)
{
    if (g_strcmp0(j->kind, "maildir") != 0 || j->depth != 0)
        return 0;
    sqlite3_stmt *s = NULL;
    sqlite3_int64 id = 0;
    if (sqlite3_prepare_v2(w->db, "SELECT max(id) FROM sources WHERE path = ? AND kind = 'maildir' AND status = 'ok'",
                           -1, &s, NULL) == SQLITE_OK) {
        bind_text(s, 1, j->path);
        if (sqlite3_step(s) == SQLITE_ROW)
            id = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    return id;
}

static tl_status_t
put_source(tl_writer *w, tl_job *j)
{
    sqlite3_int64 reuse = done_folder(w, j);
    if (reuse) {
        gint64 *key = g_new(gint64, 1);
        *key = (gint64)j->source;
        g_hash_table_insert(w->src_ids, key, GSIZE_TO_POINTER((gsize)reuse));
        key = g_new(gint64, 1);
        *key = (gint64)j->source;
        g_hash_table_insert(w->src_paths, key, g_strdup(j->path));
        return TL_OK;
    }
    sqlite3_stmt *s = w->st[S_SOURCE];
    sqlite3_bind_int64(s, 1, w->run_id);
    bind_source(s, 2, source_row(w, j->parent));
    bind_text(s, 3, j->path);
    bind_text(s, 4, j->member);
    bind_text(s, 5, j->kind);
    bind_text(s, 6, j->format);
    sqlite3_bind_int(s, 7, j->depth);
    char *mtime = j->mtime >= 0 ? tl_iso_utc(j->mtime) : NULL;
    bind_text(s, 8, mtime);
    if (j->ranged) {
        sqlite3_bind_int64(s, 9, (sqlite3_int64)j->range_start);
        sqlite3_bind_int64(s, 10, (sqlite3_int64)j->range_end);
        sqlite3_bind_int64(s, 11, (sqlite3_int64)j->file_size);
        bind_text(s, 12, j->file_sha256[0] ? j->file_sha256 : NULL);
    } else
        for (int i = 9; i <= 12; i++)
            sqlite3_bind_null(s, i);
    int ok = step(s);
    g_free(mtime);
    if (!ok)
        return db_fail(w, "writing a source row");
    gint64 *key = g_new(gint64, 1);
    *key = (gint64)j->source;
    g_hash_table_insert(w->src_ids, key, GSIZE_TO_POINTER((gsize)sqlite3_last_insert_rowid(w->db)));
    key = g_new(gint64, 1);
    *key = (gint64)j->source;
    g_hash_table_insert(w->src_paths, key, g_strdup(j->path));
    w->stats.containers++;
    return TL_OK;
}

static tl_status_t
put_source_end(tl_writer *w, tl_job *j)
{
    sqlite3_stmt *s = w->st[S_SOURCE_END];
    sqlite3_int64 id = source_row(w, j->source);
    if (!id)
        return TL_OK;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)j->size);
    const char *sha = j->sha256[0] ? j->sha256 : NULL;
    if (j->digest_of_message && w->last_source == j->source && w->last_sha[0])
        sha = w->last_sha;          /* a file that is one message: same bytes */
    bind_text(s, 2, sha);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)j->n_messages);
    bind_text(s, 4, j->state ? j->state : "ok");
    sqlite3_bind_int64(s, 5, id);
    if (!step(s))
        return db_fail(w, "closing a source row");
    gint64 key = (gint64)j->source;
    g_hash_table_remove(w->src_ids, &key);
    g_hash_table_remove(w->src_paths, &key);
    return TL_OK;
}

/* The message row, or the row of the same message found before: its id
 * into *mid, and whether it is new into *fresh. */
static tl_status_t
put_message_row(tl_writer *w, const tl_job *j, sqlite3_int64 *mid, int *fresh)
{
    const tl_record *r = j->rec;
    sqlite3_stmt *s = w->st[S_MSG];
    bind_text(s, 1, r->sha256);
    bind_text(s, 2, r->identity);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)j->raw->len);
    bind_text(s, 4, r->message_id);
    bind_text(s, 5, r->date);
    bind_text(s, 6, r->date_utc);
    bind_text(s, 7, r->from);
    bind_text(s, 8, r->from_addr);
    bind_text(s, 9, r->sender);
    bind_text(s, 10, r->reply_to);
    bind_text(s, 11, r->subject);
    sqlite3_bind_int(s, 12, (int)r->recipients->len);
    sqlite3_bind_int(s, 13, (int)r->n_typo);
    sqlite3_bind_int(s, 14, (int)r->anomalies->len);
    sqlite3_bind_int(s, 15, r->mime_parsed);
    sqlite3_bind_int64(s, 16, w->run_id);
    sqlite3_bind_int(s, 17, r->classified);
    sqlite3_bind_int(s, 18, r->findings ? (int)r->findings->len : 0);
    bind_text(s, 19, r->categories);
    bind_text(s, 20, r->severity);
    bind_text(s, 21, r->date_header_utc);
    bind_text(s, 22, r->date_source);
    bind_text(s, 23, r->date_flag);
    bind_text(s, 24, r->from_unit);
    bind_text(s, 25, r->in_reply_to);
    bind_text(s, 26, r->refs);
    bind_text(s, 27, r->thread_key);
    if (!step(s))
        return db_fail(w, "writing a message row");
    *fresh = sqlite3_changes(w->db) > 0;
    if (*fresh) {
        *mid = sqlite3_last_insert_rowid(w->db);
        return TL_OK;
    }
    sqlite3_stmt *q = w->st[S_MSG_ID];
    bind_text(q, 1, r->identity);
    if (sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_reset(q);
        return db_fail(w, "finding a duplicate message");
    }
    *mid = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    w->stats.duplicates++;
    return TL_OK;
}

/* Where this copy of the message was found: every copy gets one. */
static tl_status_t
put_occurrence(tl_writer *w, const tl_job *j, sqlite3_int64 mid)
{
    sqlite3_stmt *s = w->st[S_OCC];
    sqlite3_bind_int64(s, 1, mid);
    bind_source(s, 2, source_row(w, j->source));
    sqlite3_bind_int64(s, 3, w->run_id);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)j->index);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)j->offset);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)j->raw->len);
    if (j->marker_offset != (uint64_t)-1)
        sqlite3_bind_int64(s, 7, (sqlite3_int64)j->marker_offset);
    else
        sqlite3_bind_null(s, 7);
    bind_text(s, 8, j->marker);
    bind_text(s, 9, j->flags);
    bind_text(s, 10, j->rec->sha256);
    if (!step(s))
        return db_fail(w, "writing an occurrence row");
    return TL_OK;
}

/* A recipient at a typo domain: its hit, with the verdict. */
static tl_status_t
put_typo_hit(tl_writer *w, sqlite3_int64 mid, sqlite3_int64 rid, const tl_recipient *p)
{
    char *intended_addr = p->local ? g_strdup_printf("%s@%s", p->local, p->intended) : NULL;
    const tl_typo_verdict *v = p->verdict;
    sqlite3_stmt *s = w->st[S_TYPO];
    sqlite3_bind_int64(s, 1, mid);
    sqlite3_bind_int64(s, 2, rid);
    bind_text(s, 3, p->domain);
    bind_text(s, 4, p->intended);
    bind_text(s, 5, intended_addr);
    bind_text(s, 6, v->klass);
    bind_text(s, 7, p->edit);
    bind_text(s, 8, tl_exposure_name(v->exposure));
    bind_text(s, 9, v->registrable[0] ? v->registrable : NULL);
    sqlite3_bind_double(s, 10, v->prior);
    sqlite3_bind_double(s, 11, v->score);
    sqlite3_bind_int(s, 12, v->needs_context);
    sqlite3_bind_int(s, 13, v->strong);
    int ok = step(s);
    g_free(intended_addr);
    if (!ok)
        return db_fail(w, "writing a typo hit");
    w->stats.typo_hits++;
    return TL_OK;
}

static tl_status_t
put_recipients(tl_writer *w, const tl_record *r, sqlite3_int64 mid)
{
    for (guint i = 0; i < r->recipients->len; i++) {
        const tl_recipient *p = r->recipients->pdata[i];
        sqlite3_stmt *s = w->st[S_RCPT];
        sqlite3_bind_int64(s, 1, mid);
        bind_text(s, 2, p->header);
        bind_text(s, 3, p->addr);
        bind_text(s, 4, p->local);
        bind_text(s, 5, p->domain);
        bind_text(s, 6, p->name);
        sqlite3_bind_int(s, 7, p->parsed);
        bind_text(s, 8, p->raw);
        bind_text(s, 9, p->addr_norm);
        sqlite3_bind_int(s, 10, p->dup);
        if (!step(s))
            return db_fail(w, "writing a recipient row");
        if (p->typo && !p->dup) {
            tl_status_t st = put_typo_hit(w, mid, sqlite3_last_insert_rowid(w->db), p);
            if (st != TL_OK)
                return st;
        }
    }
    return TL_OK;
}

/* Bounces of a delivery-status report and GMime's parser anomalies. */
static tl_status_t
put_bounces_anomalies(tl_writer *w, const tl_record *r, sqlite3_int64 mid)
{
    for (guint i = 0; r->bounces && i < r->bounces->len; i++) {
        const tl_bounce *b = r->bounces->pdata[i];
        sqlite3_stmt *s = w->st[S_BOUNCE];
        sqlite3_bind_int64(s, 1, mid);
        bind_text(s, 2, b->recipient);
        bind_text(s, 3, b->action);
        bind_text(s, 4, b->status);
        if (!step(s))
            return db_fail(w, "writing a bounce row");
    }
    for (guint i = 0; i < r->anomalies->len; i++) {
        const tl_anomaly *a = &g_array_index(r->anomalies, tl_anomaly, i);
        sqlite3_stmt *s = w->st[S_ANOM];
        sqlite3_bind_int64(s, 1, mid);
        bind_text(s, 2, tl_anomaly_name(a->code));
        sqlite3_bind_int64(s, 3, a->offset);
        bind_text(s, 4, a->item);
        if (!step(s))
            return db_fail(w, "writing an anomaly row");
    }
    return TL_OK;
}

/* The attachments the classifier read (docs/extraction.md). */
static tl_status_t
put_attachments(tl_writer *w, const tl_record *r, sqlite3_int64 mid)
{
    for (guint i = 0; r->attachments && i < r->attachments->len; i++) {
        const tl_attachment *a = r->attachments->pdata[i];
        sqlite3_stmt *s = w->st[S_ATT];
        int image = a->width > 0 || a->has_gps;
        sqlite3_bind_int64(s, 1, mid);
        bind_text(s, 2, a->path);
        bind_text(s, 3, a->filename);
        bind_text(s, 4, a->declared);
        bind_text(s, 5, a->sniffed);
        sqlite3_bind_int64(s, 6, a->size);
        bind_text(s, 7, a->sha256);
        bind_text(s, 8, a->status);
        bind_text(s, 9, a->reason);
        sqlite3_bind_int64(s, 10, a->chars);
        if (image) {
            sqlite3_bind_int(s, 11, a->width);
            sqlite3_bind_int(s, 12, a->height);
            sqlite3_bind_int(s, 13, a->has_gps);
        } else {
            sqlite3_bind_null(s, 11);
            sqlite3_bind_null(s, 12);
            sqlite3_bind_null(s, 13);
        }
        if (!step(s))
            return db_fail(w, "writing an attachment row");
    }
    return TL_OK;
}

/* The classifier's findings (masks and keyed hashes only) and the masked
 * text for the full-text index. */
static tl_status_t
put_findings(tl_writer *w, const tl_record *r, sqlite3_int64 mid)
{
    for (guint i = 0; r->findings && i < r->findings->len; i++) {
        const tl_finding *f = r->findings->pdata[i];
        sqlite3_stmt *s = w->st[S_FIND];
        sqlite3_bind_int64(s, 1, mid);
        bind_text(s, 2, f->part);
        bind_text(s, 3, f->detector);
        bind_text(s, 4, f->category);
        bind_text(s, 5, f->level);
        sqlite3_bind_int(s, 6, f->score);
        bind_text(s, 7, f->masked);
        bind_text(s, 8, f->vhash[0] ? f->vhash : NULL);
        sqlite3_bind_int64(s, 9, (sqlite3_int64)f->off);
        sqlite3_bind_int64(s, 10, (sqlite3_int64)f->len);
        sqlite3_bind_int64(s, 11, (sqlite3_int64)f->part_off);
        sqlite3_bind_int(s, 12, f->quoted);
        bind_text(s, 13, f->snippet);
        sqlite3_bind_int(s, 14, !f->uncounted);
        bind_text(s, 15, f->why_uncounted);
        sqlite3_bind_int(s, 16, f->sets_severity);
        if (!step(s))
            return db_fail(w, "writing a finding row");
        w->stats.findings++;
    }
    if (r->text_masked && w->text) {
        sqlite3_stmt *s = w->st[S_TEXT];
        sqlite3_bind_int64(s, 1, mid);
        bind_text(s, 2, r->subject);
        bind_text(s, 3, r->text_masked);
        if (!step(s))
            return db_fail(w, "writing the message's text to the index");
    }
    return TL_OK;
}

/* A parsed message: its row (or the existing one) and this occurrence;
 * for a new message, its recipients, typo hits, bounces, anomalies and
 * findings.  A message that failed to parse is an error row. */
static tl_status_t
put_message(tl_writer *w, tl_job *j)
{
    const tl_record *r = j->rec;
    sqlite3_int64 mid;
    int fresh;
    tl_status_t st;

    w->stats.messages++;
    w->stats.bytes += j->raw ? j->raw->len : 0;
    w->last_source = j->source;
    g_strlcpy(w->last_sha, r ? r->sha256 : j->sha256, sizeof w->last_sha);
    if (!r) {
        /* An mbox message's row covers its From_ line too: the extent
         * dropped, as for an oversized one (typoleak audit accounts for
         * every byte of an mbox). */
        uint64_t off = j->offset, len = j->raw ? j->raw->len : 0;
        if (j->marker && j->marker_offset != (uint64_t)-1 && j->marker_offset < off) {
            len += off - j->marker_offset;
            off = j->marker_offset;
        }
        return put_error(w, j->source, NULL, off, len, j->status, j->stage, j->reason, j->sha256);
    }
    if ((st = put_message_row(w, j, &mid, &fresh)) != TL_OK || (st = put_occurrence(w, j, mid)) != TL_OK)
        return st;
    if (r->limit_note &&
        (st = put_error(w, j->source, NULL, j->offset, j->raw ? j->raw->len : 0, TL_WARN_LIMIT, "parse",
                        r->limit_note, r->sha256)) != TL_OK)
        return st;
    if (!fresh)
        return TL_OK;
    w->stats.parsed++;
    if ((st = put_recipients(w, r, mid)) != TL_OK || (st = put_bounces_anomalies(w, r, mid)) != TL_OK
        || (st = put_attachments(w, r, mid)) != TL_OK)
        return st;
    return put_findings(w, r, mid);
}

tl_status_t
tl_writer_put(tl_writer *w, tl_job *j)
{
    tl_status_t st = TL_OK;
    if (!w->in_txn) {
        if ((st = exec(w, "BEGIN")) != TL_OK)
            goto out;
        w->in_txn = 1;
        w->batch = 0;
        w->batch_start = g_get_monotonic_time();
    }
    /* fault injection for the resume tests: die at this very job, or
     * behave as if Ctrl-C came */
    if (++w->jobs == w->kill_after)
        raise(SIGKILL);
    if (w->jobs == w->stop_after)
        raise(SIGINT);
    switch (j->type) {
    case TL_JOB_SOURCE: st = put_source(w, j); break;
    case TL_JOB_SOURCE_END: st = put_source_end(w, j); break;
    case TL_JOB_MESSAGE: st = put_message(w, j); break;
    case TL_JOB_ERROR:
        st = put_error(w, j->source, j->path, j->offset, j->err_len, j->status, j->stage, j->reason, NULL);
        break;
    }
    if (st == TL_OK && (++w->batch >= w->batch_jobs || g_get_monotonic_time() - w->batch_start > BATCH_USEC)) {
        st = exec(w, "COMMIT");
        w->in_txn = 0;
    }
out:
    tl_job_free(j);
    return st;
}

tl_status_t
tl_writer_set_case_key_id(tl_writer *w, const char *id)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(w->db, "UPDATE runs SET settings = json_set(settings, '$.case_key_id', ?) WHERE id = ?", -1,
                           &s, NULL) != SQLITE_OK)
        return db_fail(w, "recording the case key id");
    bind_text(s, 1, id);
    sqlite3_bind_int64(s, 2, w->run_id);
    int ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    return ok ? TL_OK : db_fail(w, "recording the case key id");
}

tl_status_t
tl_writer_set_custody(tl_writer *w, const char *build, const char *rules_hash, const char *psl_hash)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(w->db, "UPDATE runs SET tool_build = ?, rules_hash = ?, psl_hash = ? WHERE id = ?", -1, &s,
                           NULL) != SQLITE_OK)
        return db_fail(w, "recording the build and rules");
    bind_text(s, 1, build);
    bind_text(s, 2, rules_hash);
    bind_text(s, 3, psl_hash);
    sqlite3_bind_int64(s, 4, w->run_id);
    int ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    return ok ? TL_OK : db_fail(w, "recording the build and rules");
}

/* The closing step's checkpoints, on connections of their own in a
 * thread, while the writer's connection builds the findings file's
 * indexes, context and views: the closing step is the one stage where a
 * core would otherwise sit idle.  First the text file's last checkpoint
 * (nothing writes it any more); then a passive one of the findings file,
 * which copies what the scan committed while the writer goes on adding the
 * closing step's pages, so that the switch to rollback journal mode at the
 * end has only those left to copy.  Should either fail, nothing is lost:
 * that switch, after the join, checkpoints each file itself. */
typedef struct {
    char *text;                 /* the text index file, or NULL */
    char *main;                 /* the findings file */
} checkpoint_paths;

static void
checkpoint_file(const char *path, const char *pragma)
{
    sqlite3 *db = NULL;
    if (path && sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 10000);
        sqlite3_exec(db, pragma, NULL, NULL, NULL);
    }
    sqlite3_close(db);
}

static gpointer
checkpoint_files(gpointer data)
{
    checkpoint_paths *p = data;
    checkpoint_file(p->text, "PRAGMA wal_checkpoint(TRUNCATE)");
    checkpoint_file(p->main, "PRAGMA wal_checkpoint(PASSIVE)");
    g_free(p->text);
    g_free(p->main);
    g_free(p);
    return NULL;
}

tl_status_t
tl_writer_close(tl_writer *w, const char *status, char **errmsg)
{
    tl_status_t st = TL_OK;
    if (!w)
        return TL_OK;
    /* make bench's figure (docs/bench.md): the closing step and its stages */
    gint64 t_start = g_get_monotonic_time(), t_commit, t_index, t_context = 0, t_views, t_wait, t_end;
    /* from here on the checkpoint thread copies the findings file, not
     * the writer's commits */
    if (w->db && status)
        sqlite3_exec(w->db, "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL);
    if (w->db && w->in_txn) {
        if (status)
            st = exec(w, "COMMIT");
        else
            rollback(w);
        w->in_txn = 0;
    }
    t_commit = g_get_monotonic_time();
    /* The secondary indexes, built once at the end rather than row by row;
     * then the context of the typo hits, the per-domain verdicts and the
     * investigators' views. */
    GThread *checkpoint = NULL;
    if (w->db && status && st == TL_OK) {
        checkpoint_paths *p = g_new(checkpoint_paths, 1);
        p->text = w->text ? tl_text_db_path(w->path) : NULL;
        p->main = g_strdup(w->path);
        checkpoint = g_thread_new("tl-checkpoint", checkpoint_files, p);
    }
    if (w->db && status && st == TL_OK)
        st = exec(w, tl_index_sql);
    t_index = g_get_monotonic_time();
    if (w->db && status && st == TL_OK)
        st = exec(w, "BEGIN");
    if (w->db && status && st == TL_OK) {
        st = exec(w, tl_context_sql);
        t_context = g_get_monotonic_time();
        if (st == TL_OK)
            st = exec(w, tl_views_sql);
        if (st == TL_OK)
            st = exec(w, "COMMIT");
        else
            rollback(w);
    }
    if (w->db && status && w->run_id) {
        sqlite3_stmt *s;
        char *now = now_iso();
        if (sqlite3_prepare_v2(w->db,
                               "UPDATE runs SET finished_at=?, status=?, n_sources=?, n_messages=?, n_errors=?,"
                               " n_bytes=? WHERE id=?", -1, &s, NULL) == SQLITE_OK) {
            bind_text(s, 1, now);
            bind_text(s, 2, status);
            sqlite3_bind_int64(s, 3, (sqlite3_int64)w->stats.containers);
            sqlite3_bind_int64(s, 4, (sqlite3_int64)w->stats.messages);
            sqlite3_bind_int64(s, 5, (sqlite3_int64)w->stats.errors);
            sqlite3_bind_int64(s, 6, (sqlite3_int64)w->stats.bytes);
            sqlite3_bind_int64(s, 7, w->run_id);
            if (sqlite3_step(s) != SQLITE_DONE && st == TL_OK)
                st = db_fail(w, "closing the run row");
            sqlite3_finalize(s);
        } else if (st == TL_OK)
            st = db_fail(w, "closing the run row");
        g_free(now);
    }
    t_views = g_get_monotonic_time();
    if (checkpoint)
        g_thread_join(checkpoint);
    t_wait = g_get_monotonic_time();
    for (int i = 0; i < S_LAST; i++)
        if (w->st[i])
            sqlite3_finalize(w->st[i]);
    /* a run that ended leaves each file whole on its own, no -wal or
     * -shm beside it: it can be copied and read anywhere, read-only too */
    if (w->db && status && st == TL_OK)
        sqlite3_exec(w->db, w->text ? "PRAGMA main.journal_mode=DELETE; PRAGMA text.journal_mode=DELETE;"
                                    : "PRAGMA main.journal_mode=DELETE;", NULL, NULL, NULL);
    if (w->db && sqlite3_close(w->db) != SQLITE_OK && st == TL_OK)
        st = db_fail(w, "closing the database");
    t_end = g_get_monotonic_time();
    if (status && t_context && g_getenv("TYPOLEAK_TIMING"))
        g_printerr("typoleak: closing step %.3f s (last commit %.3f, indexes %.3f, context %.3f, views and run row"
                   " %.3f, checkpoints' wait %.3f, journal switch %.3f)\n",
                   (double)(t_end - t_start) / 1e6, (double)(t_commit - t_start) / 1e6,
                   (double)(t_index - t_commit) / 1e6, (double)(t_context - t_index) / 1e6,
                   (double)(t_views - t_context) / 1e6, (double)(t_wait - t_views) / 1e6,
                   (double)(t_end - t_wait) / 1e6);
    if (st != TL_OK && errmsg)
        *errmsg = g_strdup(w->errmsg);
    if (w->lock_fd >= 0)
        close(w->lock_fd);
    g_hash_table_destroy(w->src_ids);
    g_hash_table_destroy(w->src_paths);
    g_free(w->errmsg);
    g_free(w->path);
    g_free(w);
    return st;
}
