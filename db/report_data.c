/*
 * report_data.c - the report as data: named sections, each one SQL query
 * over the tables of db/schema.sql, rendered as JSON (one versioned
 * document), CSV (one file per section) or HTML (report_html.c).
 *
 * Read-only (SQLITE_OPEN_READONLY).  docs/report.md documents every
 * section and column; REPORT_VERSION changes when one changes.
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "db/read.h"

#define REPORT_VERSION 1

/* The typo hits of one message at most once per typo domain. */
#define HITS "(SELECT DISTINCT message_id, typo_domain, intended_domain, exposure FROM typo_hits)"

static const tl_report_section sections[] = {
    { "runs", "Runs",
      "SELECT id AS run, tool_version, started_at, finished_at, status, n_sources, n_messages, n_errors, n_bytes, argv,"
      " settings, protected_hash, protected_count, allowlist_hash, psl_version FROM runs ORDER BY id" },
    { "totals", "Totals",
      "SELECT (SELECT count(*) FROM occurrences) AS occurrences, (SELECT count(*) FROM messages) AS messages,"
      " (SELECT coalesce(sum(size), 0) FROM messages) AS bytes,"
      " (SELECT count(*) FROM errors WHERE stage = 'parse') AS parse_failures,"
      " (SELECT count(*) FROM errors) AS error_rows,"
      " (SELECT count(*) FROM recipients) AS recipients,"
      " (SELECT count(*) FROM messages WHERE n_typo > 0) AS flagged_messages,"
      " (SELECT count(DISTINCT message_id) FROM typo_hits WHERE alert) AS alert_messages,"
      " (SELECT count(DISTINCT typo_domain) FROM typo_hits) AS typo_domains,"
      " (SELECT count(*) FROM messages WHERE classified) AS classified_messages,"
      " (SELECT count(*) FROM findings) AS findings,"
      " (SELECT min(m.date_utc) FROM messages m WHERE m.n_typo > 0) AS first_date,"
      " (SELECT max(m.date_utc) FROM messages m WHERE m.n_typo > 0) AS last_date" },
    { "typo_domains", "Typo domains (sizing)",
      "SELECT d.domain AS typo_domain, d.intended_domain, d.exposure, d.class, d.alert, round(d.final_score, 3) AS score,"
      " d.n_messages AS messages, d.n_recipients AS typo_addresses, d.n_senders AS senders,"
      " (SELECT count(DISTINCT lower(t.intended_addr)) FROM typo_hits t WHERE t.typo_domain = d.domain)"
      "   AS intended_recipients,"
      " d.first_seen AS first_date, d.last_seen AS last_date,"
      " (SELECT day FROM (SELECT substr(m.date_utc, 1, 10) AS day, count(DISTINCT m.id) AS n FROM typo_hits t"
      "   JOIN messages m ON m.id = t.message_id WHERE t.typo_domain = d.domain AND m.date_utc IS NOT NULL"
      "   GROUP BY day ORDER BY n DESC, day LIMIT 1)) AS peak_day,"
      " (SELECT count(DISTINCT t.message_id) FROM typo_hits t JOIN messages m ON m.id = t.message_id"
      "   WHERE t.typo_domain = d.domain AND m.severity = 'S1') AS s1_messages,"
      " (SELECT count(DISTINCT t.message_id) FROM typo_hits t JOIN messages m ON m.id = t.message_id"
      "   WHERE t.typo_domain = d.domain AND m.severity = 'S2') AS s2_messages,"
      " (SELECT count(DISTINCT t.message_id) FROM typo_hits t JOIN messages m ON m.id = t.message_id"
      "   WHERE t.typo_domain = d.domain AND m.severity IN ('S3', 'S4')) AS s3_s4_messages,"
      " d.explanation"
      " FROM domains d ORDER BY d.alert DESC, d.exposure = 'open' DESC, d.n_messages DESC, d.domain" },
    { "intended_domains", "Intended domains",
      "SELECT t.intended_domain, count(DISTINCT t.message_id) AS messages, count(*) AS recipients,"
      " count(DISTINCT t.typo_domain) AS typo_domains, count(DISTINCT lower(m.from_addr)) AS senders,"
      " count(DISTINCT lower(t.intended_addr)) AS intended_recipients,"
      " min(m.date_utc) AS first_date, max(m.date_utc) AS last_date,"
      " (SELECT day FROM (SELECT substr(m2.date_utc, 1, 10) AS day, count(DISTINCT m2.id) AS n FROM typo_hits t2"
      "   JOIN messages m2 ON m2.id = t2.message_id WHERE t2.intended_domain = t.intended_domain"
      "   AND m2.date_utc IS NOT NULL GROUP BY day ORDER BY n DESC, day LIMIT 1)) AS peak_day"
      " FROM typo_hits t JOIN messages m ON m.id = t.message_id"
      " GROUP BY t.intended_domain ORDER BY messages DESC, t.intended_domain" },
    { "monthly", "Misdirected messages per month",
      "SELECT substr(m.date_utc, 1, 7) AS month, count(DISTINCT h.message_id) AS messages,"
      " count(DISTINCT CASE WHEN t.alert THEN h.message_id END) AS alert_messages"
      " FROM " HITS " h JOIN messages m ON m.id = h.message_id"
      " JOIN typo_hits t ON t.message_id = h.message_id AND t.typo_domain = h.typo_domain"
      " WHERE m.date_utc IS NOT NULL GROUP BY month ORDER BY month" },
    { "daily", "Misdirected messages per day",
      "SELECT substr(m.date_utc, 1, 10) AS day, count(DISTINCT h.message_id) AS messages,"
      " count(DISTINCT CASE WHEN t.alert THEN h.message_id END) AS alert_messages"
      " FROM " HITS " h JOIN messages m ON m.id = h.message_id"
      " JOIN typo_hits t ON t.message_id = h.message_id AND t.typo_domain = h.typo_domain"
      " WHERE m.date_utc IS NOT NULL GROUP BY day ORDER BY day" },
    { "domain_recipients", "Intended recipients per typo domain",
      "SELECT t.typo_domain, lower(t.intended_addr) AS intended_address, lower(r.addr) AS typo_address,"
      " count(DISTINCT t.message_id) AS messages, min(m.date_utc) AS first_date, max(m.date_utc) AS last_date"
      " FROM typo_hits t JOIN messages m ON m.id = t.message_id JOIN recipients r ON r.id = t.recipient_id"
      " GROUP BY t.typo_domain, lower(t.intended_addr), lower(r.addr)"
      " ORDER BY t.typo_domain, messages DESC, intended_address LIMIT 5000" },
    { "monthly_by_domain", "Misdirected messages per month and typo domain",
      "SELECT h.typo_domain, h.intended_domain, substr(m.date_utc, 1, 7) AS month,"
      " count(DISTINCT h.message_id) AS messages"
      " FROM " HITS " h JOIN messages m ON m.id = h.message_id WHERE m.date_utc IS NOT NULL"
      " GROUP BY h.typo_domain, month ORDER BY h.typo_domain, month" },
    { "domain_categories", "Sensitive categories per typo domain",
      "SELECT h.typo_domain, f.category, count(DISTINCT f.message_id) AS messages, count(*) AS findings,"
      " count(DISTINCT f.vhash) AS distinct_values"
      " FROM " HITS " h JOIN findings f ON f.message_id = h.message_id"
      " WHERE f.level IN ('HIGH', 'MEDIUM')"
      " GROUP BY h.typo_domain, f.category ORDER BY h.typo_domain, messages DESC" },
    { "severity", "Classified messages by severity",
      "SELECT severity, count(*) AS messages, sum(n_typo > 0) AS with_typo_recipient FROM messages"
      " WHERE severity IS NOT NULL GROUP BY severity ORDER BY severity" },
    { "findings", "Findings by category, detector and level",
      "SELECT category, detector, level, count(*) AS findings, sum(quoted) AS in_quoted_text,"
      " count(DISTINCT vhash) AS distinct_values, count(DISTINCT message_id) AS messages FROM findings"
      " GROUP BY category, detector, level"
      " ORDER BY category, detector, level = 'HIGH' DESC, level = 'MEDIUM' DESC" },
    { "senders", "Senders who mistyped (repeats first)",
      "SELECT lower(m.from_addr) AS sender, lower(substr(m.from_addr, instr(m.from_addr, '@') + 1)) AS sender_domain,"
      " lower(r.addr) AS typo_address, t.intended_addr, count(DISTINCT m.id) AS messages,"
      " min(m.date_utc) AS first_date, max(m.date_utc) AS last_date"
      " FROM typo_hits t JOIN messages m ON m.id = t.message_id JOIN recipients r ON r.id = t.recipient_id"
      " WHERE m.from_addr IS NOT NULL GROUP BY lower(m.from_addr), lower(r.addr)"
      " ORDER BY messages DESC, sender LIMIT 1000" },
    { "triage", "Read first",
      "SELECT m.id AS message, m.date_utc, m.from_addr, m.subject, m.severity, m.categories, m.n_findings AS findings,"
      " (SELECT group_concat(DISTINCT t.typo_domain) FROM typo_hits t WHERE t.message_id = m.id) AS typo_domains,"
      " (SELECT round(max(coalesce(t.final_score, t.score)), 3) FROM typo_hits t WHERE t.message_id = m.id) AS score,"
      " (SELECT group_concat(x, '; ') FROM (SELECT DISTINCT f.detector || ' ' || f.masked AS x FROM findings f"
      "   WHERE f.message_id = m.id AND f.level = 'HIGH' ORDER BY f.score DESC LIMIT 5)) AS evidence,"
      " (SELECT s.path FROM occurrences o JOIN sources s ON s.id = o.source_id WHERE o.message_id = m.id"
      "   ORDER BY o.id LIMIT 1) AS path,"
      " (SELECT o.offset FROM occurrences o WHERE o.message_id = m.id ORDER BY o.id LIMIT 1) AS offset"
      " FROM messages m WHERE m.n_typo > 0"
      /* within a severity: VIP movements, identity documents and rosters
       * with validated identifiers first (issue 12) */
      " ORDER BY m.severity IS NULL, m.severity,"
      " (coalesce(m.categories, '') LIKE '%TRAVEL.VIPMOVE%' OR coalesce(m.categories, '') LIKE '%IDDOC.ATTACH%'"
      "  OR EXISTS (SELECT 1 FROM findings f WHERE f.message_id = m.id AND f.detector IN ('roster', 'crew-list')"
      "  AND f.score >= 95)) DESC,"
      " score DESC, m.n_findings DESC, m.date_utc LIMIT 500" },
    { "containers", "Containers by kind",
      "SELECT kind, count(*) AS sources FROM sources GROUP BY kind ORDER BY sources DESC, kind" },
    { "errors", "Errors by reason",
      "SELECT code, stage, grade, count(*) AS rows, min(reason) AS example FROM errors"
      " GROUP BY code, stage, grade ORDER BY rows DESC, code" },
};

const tl_report_section *
tl_report_sections(size_t *n)
{
    *n = G_N_ELEMENTS(sections);
    return sections;
}

static void
json_value(JsonBuilder *b, sqlite3_stmt *s, int i)
{
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER:
        json_builder_add_int_value(b, sqlite3_column_int64(s, i));
        break;
    case SQLITE_FLOAT:
        json_builder_add_double_value(b, sqlite3_column_double(s, i));
        break;
    case SQLITE_NULL:
        json_builder_add_null_value(b);
        break;
    default:
        json_builder_add_string_value(b, (const char *)sqlite3_column_text(s, i));
        break;
    }
}

void
tl_json_row(JsonBuilder *b, sqlite3_stmt *s)
{
    json_builder_begin_object(b);
    for (int i = 0; i < sqlite3_column_count(s); i++) {
        json_builder_set_member_name(b, sqlite3_column_name(s, i));
        json_value(b, s, i);
    }
    json_builder_end_object(b);
}

JsonNode *
tl_report_model(const char *db_path, char **errmsg)
{
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return NULL;
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "format");
    json_builder_add_string_value(b, "typoleak-report");
    json_builder_set_member_name(b, "version");
    json_builder_add_int_value(b, REPORT_VERSION);
    json_builder_set_member_name(b, "tool_version");
    json_builder_add_string_value(b, TL_VERSION);
    json_builder_set_member_name(b, "database");
    json_builder_add_string_value(b, db_path);
    char *iso = tl_iso_utc(g_get_real_time() / G_USEC_PER_SEC);
    json_builder_set_member_name(b, "generated_at");
    json_builder_add_string_value(b, iso);
    g_free(iso);
    int ok = 1;
    for (size_t i = 0; i < G_N_ELEMENTS(sections) && ok; i++) {
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(db, sections[i].sql, -1, &s, NULL) != SQLITE_OK) {
            *errmsg = tl_db_read_error(db, db_path);
            ok = 0;
            break;
        }
        json_builder_set_member_name(b, sections[i].name);
        json_builder_begin_array(b);
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW)
            tl_json_row(b, s);
        json_builder_end_array(b);
        if (rc != SQLITE_DONE) {
            *errmsg = tl_db_read_error(db, db_path);
            ok = 0;
        }
        sqlite3_finalize(s);
    }
    json_builder_end_object(b);
    JsonNode *root = json_builder_get_root(b);
    g_object_unref(b);
    sqlite3_close(db);
    if (!ok) {
        json_node_unref(root);
        return NULL;
    }
    return root;
}

tl_status_t
tl_report_json(const char *db_path, FILE *out, char **errmsg)
{
    JsonNode *root = tl_report_model(db_path, errmsg);
    if (!root)
        return TL_ERR_DB;
    JsonGenerator *g = json_generator_new();
    json_generator_set_root(g, root);
    json_generator_set_pretty(g, TRUE);
    char *raw = json_generator_to_data(g, NULL), *text = tl_json_tidy_numbers(raw);
    g_free(raw);
    fputs(text, out);
    fputc('\n', out);
    g_free(text);
    g_object_unref(g);
    json_node_unref(root);
    return ferror(out) ? TL_ERR_USAGE : TL_OK;
}

tl_status_t
tl_report_csv(const char *db_path, const char *outdir, char **errmsg)
{
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return TL_ERR_DB;
    if (g_mkdir_with_parents(outdir, 0755) != 0) {
        *errmsg = g_strdup_printf("cannot create %s: %s", outdir, g_strerror(errno));
        sqlite3_close(db);
        return TL_ERR_USAGE;
    }
    tl_status_t st = TL_OK;
    for (size_t i = 0; i < G_N_ELEMENTS(sections) && st == TL_OK; i++) {
        char *path = g_strdup_printf("%s/%s.csv", outdir, sections[i].name);
        sqlite3_stmt *s = NULL;
        FILE *f = NULL;
        if (sqlite3_prepare_v2(db, sections[i].sql, -1, &s, NULL) != SQLITE_OK) {
            *errmsg = tl_db_read_error(db, db_path);
            st = TL_ERR_DB;
        } else if (!(f = fopen(path, "w"))) {
            *errmsg = g_strdup_printf("cannot write %s: %s", path, g_strerror(errno));
            st = TL_ERR_USAGE;
        } else {
            tl_csv_row(s, f, 1);
            int rc;
            while ((rc = sqlite3_step(s)) == SQLITE_ROW)
                tl_csv_row(s, f, 0);
            if (rc != SQLITE_DONE) {
                *errmsg = tl_db_read_error(db, db_path);
                st = TL_ERR_DB;
            }
            if (fclose(f) != 0 && st == TL_OK) {
                *errmsg = g_strdup_printf("writing %s failed", path);
                st = TL_ERR_USAGE;
            }
        }
        sqlite3_finalize(s);
        g_free(path);
    }
    sqlite3_close(db);
    return st;
}
