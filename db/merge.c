/*
 * merge.c - `typoleak merge OUT.db IN.db...`: databases of scans of
 * different parts of the evidence (several machines, several days) made
 * into one, without counting anything twice.
 *
 * Each input is attached read-only and copied in one transaction:
 *
 * - runs are copied (new ids); so are sources, except those the output
 *   already holds (a file read to the end with the same path and SHA-256:
 *   the same evidence, scanned twice) and the sources an interrupted run
 *   left open, each with everything under it; a Maildir folder the output
 *   has already is not copied, its new files go under the output's row;
 * - a message is one row (its identity, docs/schema.md): a message the
 *   output already has keeps its row, recipients, verdicts and findings,
 *   and only gains the new occurrences; a new message is copied with all
 *   its rows;
 * - occurrences and error rows follow their sources.
 *
 * Keyed hashes are comparable only under one case key: inputs whose runs
 * recorded another key than the output's are refused.  At the end the
 * secondary indexes, the context of the typo hits, the per-domain
 * verdicts and the views are rebuilt over the whole, and a run row
 * records the merge.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "db/read.h"

typedef struct {
    sqlite3 *db;
    char *err;
    const char *out;    /* the output database */
    int text;           /* the output's text index is attached as "text" */
} merger;

static int run_sql(merger *m, const char *q);

/* Attaches a database file read-only (immutable when its folder cannot be
 * written) as name; 0 or -1. */
static int
attach_ro(merger *m, const char *path, const char *name)
{
    char *abs = g_canonicalize_filename(path, NULL);
    char *esc = g_uri_escape_string(abs, "/", FALSE);
    char *att = g_strdup_printf("file:%s?mode=ro%s", esc, tl_db_folder_writable(abs) ? "" : "&immutable=1");
    char *q = g_strdup_printf("ATTACH ? AS %s", name);
    g_free(esc);
    g_free(abs);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(m->db, q, -1, &s, NULL) == SQLITE_OK ? 0 : -1;
    if (!rc) {
        sqlite3_bind_text(s, 1, att, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(s);
    g_free(att);
    g_free(q);
    return rc;
}

/* The input's text index, when it has one, attached as "srctext", and the
 * output's (made when absent) as "text"; 1 when attached, 0 when the input
 * has none, -1 after an error. */
static int
attach_texts(merger *m, const char *in)
{
    char *tin = tl_text_db_path(in);
    int exists = 0;
    char *why = tl_db_file_problem(tin, &exists);
    int rc = 0;
    if (why) {
        m->err = why;
        rc = -1;
    } else if (exists) {
        rc = attach_ro(m, tin, "srctext") == 0 ? 1 : -1;
        if (rc < 0)
            m->err = g_strdup_printf("cannot open the text index %s: %s", tin, sqlite3_errmsg(m->db));
    }
    if (rc == 1 && !m->text) {
        char *tout = tl_text_db_path(m->out);
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(m->db, "ATTACH ? AS text", -1, &s, NULL) == SQLITE_OK) {
            sqlite3_bind_text(s, 1, tout, -1, SQLITE_TRANSIENT);
            m->text = sqlite3_step(s) == SQLITE_DONE;
        }
        sqlite3_finalize(s);
        char *q = g_strdup_printf("PRAGMA text.journal_mode=WAL; BEGIN; " TL_TEXT_SCHEMA_SQL
                                  " PRAGMA text.user_version=%d; COMMIT;", TL_SCHEMA_VERSION);
        if (!m->text || run_sql(m, q)) {
            g_free(m->err);
            m->err = g_strdup_printf("cannot write the text index %s: %s", tout, sqlite3_errmsg(m->db));
            rc = -1;
        }
        g_free(q);
        g_free(tout);
    }
    g_free(tin);
    return rc;
}

static int
run_sql(merger *m, const char *q)
{
    char *e = NULL;
    if (sqlite3_exec(m->db, q, NULL, NULL, &e) != SQLITE_OK) {
        g_free(m->err);
        m->err = g_strdup_printf("%s", e ? e : sqlite3_errmsg(m->db));
        sqlite3_free(e);
        return -1;
    }
    return 0;
}

static sqlite3_int64
one_int(merger *m, const char *q)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 v = -1;
    if (sqlite3_prepare_v2(m->db, q, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* The ranges of a file that a plan split across shards, joined into one
 * source row once the shards merged so far cover the whole file: the row
 * a scan of the whole file has (size, digest and messages of the file), with
 * the occurrences and error rows of every range. */
static const char join_ranges_sql[] =
    "CREATE TEMP TABLE whole AS SELECT path, file_sha256 AS sha, max(file_size) AS size, min(id) AS keep,"
    "  sum(n_messages) AS n, max(CASE status WHEN 'failed' THEN 2 WHEN 'truncated' THEN 1 ELSE 0 END) AS worst"
    " FROM main.sources WHERE range_start IS NOT NULL AND depth = 0 AND status <> 'reading'"
    " GROUP BY path, file_sha256 HAVING min(range_start) = 0 AND max(range_end) = max(file_size)"
    "  AND sum(range_end - range_start) = max(file_size) AND count(*) = count(DISTINCT range_start);"
    "CREATE TEMP TABLE joined AS SELECT s.id AS old, w.keep AS new FROM main.sources s"
    " JOIN whole w ON s.path = w.path AND s.file_sha256 = w.sha WHERE s.range_start IS NOT NULL;"
    "UPDATE main.occurrences SET source_id = (SELECT new FROM joined WHERE old = source_id)"
    " WHERE source_id IN (SELECT old FROM joined);"
    "UPDATE main.errors SET source_id = (SELECT new FROM joined WHERE old = source_id)"
    " WHERE source_id IN (SELECT old FROM joined);"
    "DELETE FROM main.sources WHERE id IN (SELECT old FROM joined WHERE old <> new);"
    "UPDATE main.sources SET size = (SELECT size FROM whole WHERE keep = sources.id),"
    " sha256 = (SELECT sha FROM whole WHERE keep = sources.id),"
    " n_messages = (SELECT n FROM whole WHERE keep = sources.id),"
    " status = (SELECT CASE worst WHEN 2 THEN 'failed' WHEN 1 THEN 'truncated' ELSE 'ok' END FROM whole"
    "  WHERE keep = sources.id),"
    " range_start = NULL, range_end = NULL, file_size = NULL, file_sha256 = NULL"
    " WHERE id IN (SELECT keep FROM whole);"
    "DROP TABLE whole; DROP TABLE joined;";

/* Says, for the plan whose shards the output holds, which are missing. */
static void
say_missing_shards(merger *m, FILE *log)
{
    sqlite3_stmt *s = NULL;
    if (!log || sqlite3_prepare_v2(m->db,
                                   "SELECT json_extract(settings, '$.shard.plan'), json_extract(settings, '$.shard.count'),"
                                   " group_concat(DISTINCT json_extract(settings, '$.shard.index'))"
                                   " FROM runs WHERE json_valid(settings) AND json_extract(settings, '$.shard.plan')"
                                   " IS NOT NULL AND status = 'completed' GROUP BY 1, 2",
                                   -1, &s, NULL) != SQLITE_OK) {
        sqlite3_finalize(s);
        return;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *plan = (const char *)sqlite3_column_text(s, 0);
        int count = sqlite3_column_int(s, 1);
        char **have = g_strsplit((const char *)sqlite3_column_text(s, 2), ",", -1);
        GString *missing = g_string_new(NULL);
        int n = 0;
        for (int k = 1; k <= count; k++) {
            char num[16];
            g_snprintf(num, sizeof num, "%d", k);
            if (!g_strv_contains((const char *const *)have, num)) {
                g_string_append_printf(missing, "%s%d", missing->len ? ", " : "", k);
                n++;
            }
        }
        if (n)
            fprintf(log, "plan %s: %d of %d shards merged; missing: %s\n", plan, count - n, count, missing->str);
        else
            fprintf(log, "plan %s: all %d shards merged\n", plan, count);
        g_string_free(missing, TRUE);
        g_strfreev(have);
    }
    sqlite3_finalize(s);
}

/* The distinct values of a member of the runs' settings in schema db
 * ("main", "src"), e.g. '$.case_key_id', comma-separated, or NULL when
 * none. */
static char *
setting_values(merger *m, const char *schema, const char *member)
{
    char *q = g_strdup_printf("SELECT group_concat(DISTINCT json_extract(settings, '%s')) FROM %s.runs"
                              " WHERE json_valid(settings) AND json_extract(settings, '%s') IS NOT NULL",
                              member, schema, member);
    sqlite3_stmt *s = NULL;
    char *v = NULL;
    if (sqlite3_prepare_v2(m->db, q, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_text(s, 0))
        v = g_strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    g_free(q);
    return v;
}

/* Which case keys (their ids) the runs of schema db used. */
static char *
key_ids(merger *m, const char *schema)
{
    return setting_values(m, schema, "$.case_key_id");
}

/* Which plans the shards among the runs of schema db belong to. */
static char *
plan_ids(merger *m, const char *schema)
{
    return setting_values(m, schema, "$.shard.plan");
}

/* INSERT INTO main.T (every column) SELECT (every column, or its
 * replacement expression) FROM src.T AS t WHERE where ORDER BY t.id.
 * over: pairs of column name and SQL expression, NULL-terminated. */
static int
copy_rows(merger *m, const char *table, const char *where, const char *const *over)
{
    char *q = g_strdup_printf("PRAGMA main.table_info(%s)", table);
    sqlite3_stmt *s = NULL;
    GString *cols = g_string_new(NULL), *vals = g_string_new(NULL);
    if (sqlite3_prepare_v2(m->db, q, -1, &s, NULL) == SQLITE_OK)
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *c = (const char *)sqlite3_column_text(s, 1);
            const char *expr = NULL;
            for (const char *const *o = over; o && *o; o += 2)
                if (strcmp(o[0], c) == 0)
                    expr = o[1];
            g_string_append_printf(cols, "%s%s", cols->len ? ", " : "", c);
            if (expr)
                g_string_append_printf(vals, "%s%s", vals->len ? ", " : "", expr);
            else
                g_string_append_printf(vals, "%st.%s", vals->len ? ", " : "", c);
        }
    sqlite3_finalize(s);
    g_free(q);
    q = g_strdup_printf("INSERT INTO main.%s (%s) SELECT %s FROM src.%s AS t WHERE %s ORDER BY t.id", table, cols->str,
                        vals->str, table, where);
    int rc = run_sql(m, q);
    g_free(q);
    g_string_free(cols, TRUE);
    g_string_free(vals, TRUE);
    return rc;
}

/* A map from the input's row ids to the output's: new ids follow the
 * output's largest, in the input's order. */
static int
map_ids(merger *m, const char *map, const char *table, const char *where)
{
    char *q = g_strdup_printf("CREATE TEMP TABLE %s(old INTEGER PRIMARY KEY, new INTEGER);"
                              " INSERT INTO %s SELECT id, (SELECT coalesce(max(id), 0) FROM main.%s)"
                              "  + row_number() OVER (ORDER BY id) FROM src.%s WHERE %s",
                              map, map, table, table, where);
    int rc = run_sql(m, q);
    g_free(q);
    return rc;
}

static int
merge_one(merger *m, const char *in, FILE *log)
{
    /* read-only, as the read-side tools open a database (db/open.c) */
    int exists = 0;
    char *why = tl_db_file_problem(in, &exists);
    if (why || !exists) {
        m->err = why ? why : g_strdup_printf("cannot open %s: %s", in, g_strerror(ENOENT));
        return -1;
    }
    int rc = attach_ro(m, in, "src");
    if (rc) {
        m->err = g_strdup_printf("cannot open %s: %s", in, sqlite3_errmsg(m->db));
        return -1;
    }
    sqlite3_int64 version = one_int(m, "PRAGMA src.user_version");
    if (version != TL_SCHEMA_VERSION) {
        m->err = version < 0 ? g_strdup_printf("%s is damaged or not a database: %s", in, sqlite3_errmsg(m->db))
                 : version == 0 ? g_strdup_printf("%s is a SQLite database but not a typoleak findings database", in)
                                : g_strdup_printf("%s is a typoleak database of schema version %lld; this typoleak "
                                                  "reads version %d", in, (long long)version, TL_SCHEMA_VERSION);
        run_sql(m, "DETACH src");
        return -1;
    }
    int text = attach_texts(m, in);
    if (text < 0) {
        run_sql(m, "DETACH src");
        return -1;
    }
    char *ka = key_ids(m, "main"), *kb = key_ids(m, "src");
    if (ka && kb && (strchr(ka, ',') || strchr(kb, ',') || strcmp(ka, kb) != 0)) {
        m->err = g_strdup_printf("%s was classified under another case key than %s has: their keyed hashes cannot "
                                 "be counted together (scan both with the same --case-key)", in, "the output");
        g_free(ka), g_free(kb);
        run_sql(m, "DETACH src");
        return -1;
    }
    g_free(ka), g_free(kb);
    char *pa = plan_ids(m, "main"), *pb = plan_ids(m, "src");
    if (pa && pb && strcmp(pa, pb) != 0) {
        m->err = g_strdup_printf("%s is a shard of plan %s and the output holds shards of plan %s: shards of "
                                 "different plans cannot be merged", in, pb, pa);
        g_free(pa), g_free(pb);
        run_sql(m, "DETACH src");
        return -1;
    }
    g_free(pa), g_free(pb);
    sqlite3_int64 before = one_int(m, "SELECT count(*) FROM main.messages");
    rc = run_sql(m, "BEGIN IMMEDIATE");
    /* sources to leave out: already here (same file, same digest), or left
     * open by an interrupted run, each with its subtree */
    if (!rc)
        rc = run_sql(m, "CREATE TEMP TABLE skip_src AS WITH RECURSIVE o(id) AS ("
                        "  SELECT s.id FROM src.sources s WHERE s.status = 'reading' OR (s.depth = 0 AND s.sha256 IS NOT NULL"
                        "   AND EXISTS (SELECT 1 FROM main.sources x WHERE x.path = s.path AND x.sha256 = s.sha256"
                        "    AND x.status <> 'reading') OR (s.depth = 0 AND s.file_sha256 IS NOT NULL"
                        "   AND EXISTS (SELECT 1 FROM main.sources x WHERE x.path = s.path AND x.sha256 = s.file_sha256"
                        "    AND x.range_start IS NULL AND x.status <> 'reading')))"
                        "  UNION SELECT c.id FROM src.sources c JOIN o ON c.parent_id = o.id) SELECT id FROM o;"
                        " CREATE TEMP TABLE same_folder AS SELECT s.id AS old, (SELECT max(x.id) FROM main.sources x"
                        "  WHERE x.path = s.path AND x.kind = s.kind AND x.status = 'ok') AS new FROM src.sources s"
                        "  WHERE s.kind = 'maildir' AND s.status = 'ok' AND s.id NOT IN (SELECT id FROM skip_src)"
                        "  AND EXISTS (SELECT 1 FROM main.sources x WHERE x.path = s.path AND x.kind = s.kind"
                        "   AND x.status = 'ok');"
                        " CREATE TEMP TABLE new_msg AS SELECT id FROM src.messages s"
                        "  WHERE NOT EXISTS (SELECT 1 FROM main.messages x WHERE x.identity = s.identity);");
    if (!rc)
        rc = map_ids(m, "m_run", "runs", "1");
    if (!rc)
        rc = map_ids(m, "m_src", "sources", "id NOT IN (SELECT id FROM skip_src) AND id NOT IN (SELECT old FROM same_folder)");
    /* a Maildir folder the output has already: its row serves, and the
     * files in it that are new to the output are added under it */
    if (!rc)
        rc = run_sql(m, "INSERT INTO m_src SELECT old, new FROM same_folder");
    if (!rc)
        rc = map_ids(m, "m_msg", "messages", "id IN (SELECT id FROM new_msg)");
    if (!rc)
        rc = run_sql(m, "INSERT INTO m_msg SELECT s.id, x.id FROM src.messages s JOIN main.messages x"
                        " ON x.identity = s.identity WHERE s.id NOT IN (SELECT id FROM new_msg)");
    if (!rc)
        rc = map_ids(m, "m_rcpt", "recipients", "message_id IN (SELECT id FROM new_msg)");
    static const char *const o_run[] = { "id", "(SELECT new FROM m_run WHERE old = t.id)", NULL };
    static const char *const o_src[] = { "id", "(SELECT new FROM m_src WHERE old = t.id)",
                                         "run_id", "(SELECT new FROM m_run WHERE old = t.run_id)",
                                         "parent_id", "(SELECT new FROM m_src WHERE old = t.parent_id)", NULL };
    static const char *const o_msg[] = { "id", "(SELECT new FROM m_msg WHERE old = t.id)",
                                         "first_run_id", "(SELECT new FROM m_run WHERE old = t.first_run_id)", NULL };
    static const char *const o_rcpt[] = { "id", "(SELECT new FROM m_rcpt WHERE old = t.id)",
                                          "message_id", "(SELECT new FROM m_msg WHERE old = t.message_id)", NULL };
    static const char *const o_child[] = { "id", "NULL", "message_id", "(SELECT new FROM m_msg WHERE old = t.message_id)",
                                           NULL };
    static const char *const o_hit[] = { "id", "NULL", "message_id", "(SELECT new FROM m_msg WHERE old = t.message_id)",
                                         "recipient_id", "(SELECT new FROM m_rcpt WHERE old = t.recipient_id)",
                                         "domain_id", "NULL", NULL };
    static const char *const o_occ[] = { "id", "NULL", "message_id", "(SELECT new FROM m_msg WHERE old = t.message_id)",
                                         "source_id", "(SELECT new FROM m_src WHERE old = t.source_id)",
                                         "run_id", "(SELECT new FROM m_run WHERE old = t.run_id)", NULL };
    static const char *const o_err[] = { "id", "NULL", "run_id", "(SELECT new FROM m_run WHERE old = t.run_id)",
                                         "source_id", "(SELECT new FROM m_src WHERE old = t.source_id)", NULL };
    if (!rc)
        rc = copy_rows(m, "runs", "1", o_run);
    if (!rc)
        rc = copy_rows(m, "sources", "t.id NOT IN (SELECT id FROM skip_src) AND t.id NOT IN (SELECT old FROM same_folder)",
                       o_src);
    if (!rc)
        rc = copy_rows(m, "messages", "t.id IN (SELECT id FROM new_msg)", o_msg);
    if (!rc)
        rc = copy_rows(m, "recipients", "t.message_id IN (SELECT id FROM new_msg)", o_rcpt);
    if (!rc)
        rc = copy_rows(m, "typo_hits", "t.message_id IN (SELECT id FROM new_msg)", o_hit);
    const char *children[] = { "anomalies", "bounces", "findings", "attachments" };
    for (size_t i = 0; i < G_N_ELEMENTS(children) && !rc; i++)
        rc = copy_rows(m, children[i], "t.message_id IN (SELECT id FROM new_msg)", o_child);
    if (!rc)
        rc = copy_rows(m, "occurrences", "t.source_id NOT IN (SELECT id FROM skip_src)", o_occ);
    if (!rc)
        rc = copy_rows(m, "errors", "t.source_id IS NULL OR t.source_id NOT IN (SELECT id FROM skip_src)", o_err);
    if (!rc)
        rc = text ? run_sql(m, "INSERT INTO text.message_text(rowid, subject, body) SELECT (SELECT new FROM m_msg"
                               " WHERE old = t.rowid), t.subject, t.body FROM srctext.message_text t"
                               " WHERE t.rowid IN (SELECT id FROM new_msg)") : 0;
    if (!rc)
        rc = run_sql(m, join_ranges_sql);
    sqlite3_int64 skipped = one_int(m, "SELECT count(*) FROM skip_src");
    if (!rc)
        rc = run_sql(m, "DROP TABLE skip_src; DROP TABLE same_folder; DROP TABLE new_msg; DROP TABLE m_run; DROP TABLE m_src; DROP TABLE m_msg;"
                        " DROP TABLE m_rcpt; COMMIT;");
    if (rc) {
        char *e = g_strdup_printf("merging %s: %s", in, m->err ? m->err : "?");
        g_free(m->err);
        m->err = e;
        sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_exec(m->db, "DROP TABLE IF EXISTS temp.skip_src; DROP TABLE IF EXISTS temp.new_msg;"
                            " DROP TABLE IF EXISTS temp.same_folder;"
                            " DROP TABLE IF EXISTS temp.m_run; DROP TABLE IF EXISTS temp.m_src;"
                            " DROP TABLE IF EXISTS temp.m_msg; DROP TABLE IF EXISTS temp.m_rcpt;",
                     NULL, NULL, NULL);
    } else if (log)
        fprintf(log, "merged %s: %lld new messages, %lld sources left out (already merged, or unfinished)\n", in,
                (long long)(one_int(m, "SELECT count(*) FROM main.messages") - before), (long long)skipped);
    run_sql(m, "DETACH src");
    if (text)
        run_sql(m, "DETACH srctext");
    return rc;
}

tl_status_t
tl_merge(const char *out, const char *const *ins, int n, const char *argv_text, FILE *log, char **errmsg)
{
    merger m = { .out = out };
    int exists = 0;
    char *why = tl_db_file_problem(out, &exists);
    if (why) {
        *errmsg = why;
        return TL_ERR_DB;
    }
    if (sqlite3_open_v2(out, &m.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
        *errmsg = g_strdup_printf("cannot open %s: %s", out, m.db ? sqlite3_errmsg(m.db) : "out of memory");
        sqlite3_close(m.db);
        return TL_ERR_DB;
    }
    sqlite3_busy_timeout(m.db, 10000);
    tl_status_t st = TL_OK;
    int lock = -1;
    sqlite3_int64 version = one_int(&m, "PRAGMA user_version");
    sqlite3_int64 objects = one_int(&m, "SELECT count(*) FROM sqlite_master");
    if (version == 0 && objects == 0) {
        char *q = g_strdup_printf("PRAGMA journal_mode=WAL; BEGIN; %s PRAGMA user_version=%d; COMMIT;", tl_schema_sql,
                                  TL_SCHEMA_VERSION);
        if (run_sql(&m, q))
            st = TL_ERR_DB;
        g_free(q);
    } else if (version != TL_SCHEMA_VERSION) {
        m.err = version < 0 ? g_strdup_printf("%s is damaged or not a database: %s", out, sqlite3_errmsg(m.db))
                : g_strdup_printf("%s is not a typoleak database of schema version %d (it has version %lld)", out,
                                  TL_SCHEMA_VERSION, (long long)version);
        st = TL_ERR_DB;
    }
    if (st == TL_OK) {
        lock = open(out, O_RDONLY | O_CLOEXEC);
        if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0) {
            m.err = g_strdup_printf("%s is locked: another typoleak scan or merge is writing it; wait for it to "
                                    "finish", out);
            st = TL_ERR_DB;
        }
    }
    for (int i = 0; i < n && st == TL_OK; i++) {
        if (strcmp(ins[i], out) == 0) {
            m.err = g_strdup_printf("%s is the output", ins[i]);
            st = TL_ERR_USAGE;
        } else if (merge_one(&m, ins[i], log))
            st = TL_ERR_DB;
    }
    /* the merge's own run; then what a run's end builds, over the whole */
    if (st == TL_OK) {
        sqlite3_stmt *s = NULL;
        char *iso = tl_iso_utc(g_get_real_time() / G_USEC_PER_SEC);
        if (sqlite3_prepare_v2(m.db,
                               "INSERT INTO runs(tool_version, schema_version, argv, settings, started_at, finished_at,"
                               " status, n_sources, n_messages, n_errors, n_bytes)"
                               " VALUES (?, ?, ?, json_object('merge', json(?)), ?, ?, 'completed', 0, 0, 0, 0)",
                               -1, &s, NULL) == SQLITE_OK) {
            GString *list = g_string_new("[");
            for (int i = 0; i < n; i++) {
                char *e = g_strescape(ins[i], NULL);
                g_string_append_printf(list, "%s\"%s\"", i ? "," : "", e);
                g_free(e);
            }
            g_string_append_c(list, ']');
            sqlite3_bind_text(s, 1, TL_VERSION, -1, SQLITE_STATIC);
            sqlite3_bind_int(s, 2, TL_SCHEMA_VERSION);
            sqlite3_bind_text(s, 3, argv_text, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 4, list->str, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(s, 5, iso, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 6, iso, -1, SQLITE_STATIC);
            if (sqlite3_step(s) != SQLITE_DONE) {
                m.err = g_strdup_printf("recording the merge: %s", sqlite3_errmsg(m.db));
                st = TL_ERR_DB;
            }
            g_string_free(list, TRUE);
        }
        sqlite3_finalize(s);
        g_free(iso);
    }
    if (st == TL_OK)
        say_missing_shards(&m, log);
    if (st == TL_OK && (run_sql(&m, tl_index_sql) || run_sql(&m, "BEGIN") || run_sql(&m, tl_context_sql) ||
                        run_sql(&m, tl_views_sql) || run_sql(&m, "COMMIT"))) {
        sqlite3_exec(m.db, "ROLLBACK", NULL, NULL, NULL);
        st = TL_ERR_DB;
    }
    if (st != TL_OK)
        *errmsg = m.err ? m.err : g_strdup("merge failed");
    else
        g_free(m.err);
    if (st == TL_OK)        /* each file whole on its own, as a scan leaves it */
        sqlite3_exec(m.db, m.text ? "PRAGMA main.journal_mode=DELETE; PRAGMA text.journal_mode=DELETE;"
                                  : "PRAGMA main.journal_mode=DELETE;", NULL, NULL, NULL);
    if (lock >= 0)
        close(lock);
    sqlite3_close(m.db);
    return st;
}
