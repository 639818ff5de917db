/*
 * report_data.c - the report as data: named sections, each one SQL query
 * over the tables of db/schema.sql, rendered as JSON (one versioned
 * document), CSV (one file per section) or HTML (report_html.c).
 *
 * Read-only (SQLITE_OPEN_READONLY).  docs/report.md documents every
 * section and column; REPORT_VERSION changes when one changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "db/read.h"

#define REPORT_VERSION 2

/* The number of the n digits at s. */
static int
atoi_n(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* A run whose figures count: it recorded a message first, or an error. */
#define RUN_ADDED "(EXISTS (SELECT 1 FROM main.messages x WHERE x.first_run_id = runs.id)" \
                  " OR EXISTS (SELECT 1 FROM main.errors e WHERE e.run_id = runs.id))"

/* The typo hits of one message at most once per typo domain. */
#define HITS "(SELECT DISTINCT message_id, typo_domain, intended_domain, exposure FROM typo_hits)"

static const tl_report_section sections[] = {
    { "runs", "Runs",
      "SELECT id AS run, tool_version, started_at, finished_at, status, n_sources, n_messages, n_errors, n_bytes, argv,"
      " settings, protected_hash, protected_count, allowlist_hash, psl_version, tool_build, rules_hash, psl_hash"
      " FROM runs WHERE " RUN_ADDED " ORDER BY id" },
    { "runs_without_new_messages", "Runs that found nothing new (re-scans; not in the figures)",
      "SELECT id AS run, tool_version, tool_build, started_at, finished_at, status, n_sources, argv FROM runs"
      " WHERE NOT " RUN_ADDED " ORDER BY id" },
    { "totals", "Totals",
      "SELECT (SELECT count(*) FROM occurrences) AS occurrences, (SELECT count(*) FROM messages) AS messages,"
      " (SELECT coalesce(sum(size), 0) FROM messages) AS bytes,"
      " (SELECT count(*) FROM errors WHERE stage = 'parse') AS parse_failures,"
      " (SELECT count(*) FROM errors) AS error_rows,"
      " (SELECT count(*) FROM recipients WHERE NOT dup) AS recipients,"
      " (SELECT count(*) FROM recipients) AS recipient_rows,"
      " (SELECT count(*) FROM messages WHERE n_typo > 0) AS flagged_messages,"
      " (SELECT count(DISTINCT message_id) FROM typo_hits WHERE alert) AS alert_messages,"
      " (SELECT count(DISTINCT typo_domain) FROM typo_hits) AS typo_domains,"
      " (SELECT count(*) FROM messages WHERE classified) AS classified_messages,"
      " (SELECT coalesce(sum(counted), 0) FROM findings) AS findings,"
      " (SELECT count(*) FROM findings) AS finding_rows,"
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
      /* the mailbox as normalised at scan time, and the intended address
       * from it (SQLite's lower() folds ASCII only: JÖRAN@ and Jöran@
       * are one row) */
      "SELECT typo_domain, CASE WHEN intended_addr IS NULL THEN NULL ELSE"
      " substr(mailbox, 1, instr(mailbox, '@')) || intended_domain END AS intended_address,"
      " mailbox AS typo_address,"
      " count(DISTINCT message_id) AS messages, min(date_utc) AS first_date, max(date_utc) AS last_date"
      " FROM (SELECT t.typo_domain, t.intended_addr, t.intended_domain, t.message_id, m.date_utc,"
      "   coalesce(r.addr_norm, lower(r.addr)) AS mailbox"
      "   FROM typo_hits t JOIN messages m ON m.id = t.message_id JOIN recipients r ON r.id = t.recipient_id)"
      " GROUP BY typo_domain, intended_address, typo_address"
      " ORDER BY typo_domain, messages DESC, intended_address LIMIT 5000" },
    { "monthly_by_domain", "Misdirected messages per month and typo domain",
      "SELECT h.typo_domain, h.intended_domain, substr(m.date_utc, 1, 7) AS month,"
      " count(DISTINCT h.message_id) AS messages"
      " FROM " HITS " h JOIN messages m ON m.id = h.message_id WHERE m.date_utc IS NOT NULL"
      " GROUP BY h.typo_domain, month ORDER BY h.typo_domain, month" },
    { "domain_categories", "Sensitive categories per typo domain",
      "SELECT h.typo_domain, f.category, count(DISTINCT f.message_id) AS messages, sum(f.counted) AS findings,"
      " count(DISTINCT f.vhash) AS distinct_values"
      " FROM " HITS " h JOIN findings f ON f.message_id = h.message_id"
      " WHERE f.level IN ('HIGH', 'MEDIUM')"
      " GROUP BY h.typo_domain, f.category ORDER BY h.typo_domain, messages DESC" },
    { "severity", "Classified messages by severity",
      "SELECT severity, count(*) AS messages, sum(n_typo > 0) AS with_typo_recipient FROM messages"
      " WHERE severity IS NOT NULL GROUP BY severity ORDER BY severity" },
    { "findings", "Findings by category, detector and level",
      "SELECT category, detector, level, sum(counted) AS findings, count(*) AS rows, sum(quoted) AS in_quoted_text,"
      " sum(uncounted_reason = 'same value') AS same_value_again, sum(uncounted_reason = 'roster') AS in_rosters,"
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
      " (SELECT group_concat(x, '; ') FROM (SELECT f.detector || ' ' || f.masked AS x FROM findings f"
      "   WHERE f.message_id = m.id AND (f.level = 'HIGH' OR f.sets_severity) GROUP BY x"
      "   ORDER BY max(f.sets_severity) DESC, max(f.score) DESC LIMIT 5)) AS evidence,"
      " (SELECT s.path FROM occurrences o JOIN sources s ON s.id = o.source_id WHERE o.message_id = m.id"
      "   ORDER BY o.id LIMIT 1) AS path,"
      " (SELECT o.offset FROM occurrences o WHERE o.message_id = m.id ORDER BY o.id LIMIT 1) AS offset,"
      " (SELECT f.category || ' ' || f.detector || ' ' || f.masked || ' (score ' || f.score || ')' FROM findings f"
      "   WHERE f.message_id = m.id AND f.sets_severity ORDER BY f.id LIMIT 1) AS severity_reason"
      " FROM messages m WHERE m.n_typo > 0"
      /* within a severity: VIP movements, identity documents and rosters
       * with validated identifiers first (issue 12) */
      " ORDER BY m.severity IS NULL, m.severity,"
      " (coalesce(m.categories, '') LIKE '%TRAVEL.VIPMOVE%' OR coalesce(m.categories, '') LIKE '%IDDOC.ATTACH%'"
      "  OR EXISTS (SELECT 1 FROM findings f WHERE f.message_id = m.id AND f.detector IN ('roster', 'crew-list')"
      "  AND f.score >= 95)) DESC,"
      " score DESC, m.n_findings DESC, m.date_utc LIMIT 500" },
    { "periods", "Misdirected messages per period (--bucket; empty periods are zero), change from the period before",
      "SELECT p.period, p.first_day, p.last_day, coalesce(x.messages, 0) AS messages,"
      " coalesce(x.alert_messages, 0) AS alert_messages, coalesce(x.s1_s2_messages, 0) AS s1_s2_messages,"
      " coalesce(x.with_findings, 0) AS messages_with_findings, coalesce(x.findings, 0) AS findings,"
      " coalesce(x.messages, 0) - lag(coalesce(x.messages, 0)) OVER w AS change,"
      " round(100.0 * (coalesce(x.messages, 0) - lag(coalesce(x.messages, 0)) OVER w)"
      "   / nullif(lag(coalesce(x.messages, 0)) OVER w, 0), 1) AS change_pct"
      " FROM temp.tl_periods p LEFT JOIN (SELECT mp.period, count(*) AS messages,"
      "   sum(EXISTS (SELECT 1 FROM typo_hits t WHERE t.message_id = m.id AND t.alert)) AS alert_messages,"
      "   sum(coalesce(m.severity IN ('S1', 'S2'), 0)) AS s1_s2_messages, sum(m.n_findings > 0) AS with_findings,"
      "   sum((SELECT count(*) FROM findings f WHERE f.message_id = m.id AND f.counted)) AS findings"
      "   FROM messages m JOIN temp.tl_msg_period mp ON mp.message_id = m.id WHERE m.n_typo > 0"
      "   GROUP BY mp.period) x ON x.period = p.period"
      " WINDOW w AS (ORDER BY p.period) ORDER BY p.period" },
    { "period_categories", "Sensitive categories of misdirected messages per period",
      "SELECT mp.period, f.category, count(DISTINCT f.message_id) AS messages, sum(f.counted) AS findings,"
      " count(DISTINCT f.vhash) AS distinct_values"
      " FROM findings f JOIN messages m ON m.id = f.message_id JOIN temp.tl_msg_period mp ON mp.message_id = m.id"
      " WHERE m.n_typo > 0 AND f.level IN ('HIGH', 'MEDIUM')"
      " GROUP BY mp.period, f.category ORDER BY mp.period, messages DESC, f.category" },
    { "intended_categories", "Sensitive categories per intended domain",
      "SELECT h.intended_domain, f.category, count(DISTINCT f.message_id) AS messages, sum(f.counted) AS findings,"
      " count(DISTINCT f.vhash) AS distinct_values"
      " FROM (SELECT DISTINCT message_id, intended_domain FROM typo_hits) h JOIN findings f ON f.message_id = h.message_id"
      " WHERE f.level IN ('HIGH', 'MEDIUM')"
      " GROUP BY h.intended_domain, f.category ORDER BY h.intended_domain, messages DESC, f.category" },
    { "sender_orgs", "Misdirected mail per sender organisation (domain, then its units or offices)",
      "SELECT sender_domain, unit, senders, messages, typo_domains, alert_messages, s1_s2_messages, first_date, last_date"
      " FROM (SELECT substr(m.from_addr, instr(m.from_addr, '@') + 1) AS sender_domain, NULL AS unit, 0 AS lvl,"
      "   count(DISTINCT m.from_addr) AS senders, count(DISTINCT m.id) AS messages,"
      "   count(DISTINCT t.typo_domain) AS typo_domains, count(DISTINCT CASE WHEN t.alert THEN m.id END) AS alert_messages,"
      "   count(DISTINCT CASE WHEN m.severity IN ('S1', 'S2') THEN m.id END) AS s1_s2_messages,"
      "   min(m.date_utc) AS first_date, max(m.date_utc) AS last_date"
      "   FROM typo_hits t JOIN messages m ON m.id = t.message_id WHERE m.from_addr LIKE '%@%' GROUP BY 1"
      "  UNION ALL SELECT substr(m.from_addr, instr(m.from_addr, '@') + 1), m.from_unit, 1,"
      "   count(DISTINCT m.from_addr), count(DISTINCT m.id), count(DISTINCT t.typo_domain),"
      "   count(DISTINCT CASE WHEN t.alert THEN m.id END),"
      "   count(DISTINCT CASE WHEN m.severity IN ('S1', 'S2') THEN m.id END), min(m.date_utc), max(m.date_utc)"
      "   FROM typo_hits t JOIN messages m ON m.id = t.message_id WHERE m.from_addr LIKE '%@%' AND m.from_unit IS NOT NULL"
      "   GROUP BY 1, 2)"
      " ORDER BY sum(CASE WHEN lvl = 0 THEN messages END) OVER (PARTITION BY sender_domain) DESC, sender_domain, lvl,"
      " messages DESC, unit" },
    { "sender_people", "Repeat senders per person, across every typo domain they used (most first; at most 1,000)",
      "SELECT m.from_addr AS sender, max(m.from_unit) AS unit, count(DISTINCT m.id) AS messages,"
      " count(DISTINCT t.typo_domain) AS typo_domains, count(DISTINCT coalesce(r.addr_norm, lower(r.addr))) AS typo_addresses,"
      " count(DISTINCT t.intended_domain) AS intended_domains,"
      " count(DISTINCT CASE WHEN t.alert THEN m.id END) AS alert_messages,"
      " count(DISTINCT CASE WHEN m.severity IN ('S1', 'S2') THEN m.id END) AS s1_s2_messages,"
      " min(m.date_utc) AS first_date, max(m.date_utc) AS last_date"
      " FROM typo_hits t JOIN messages m ON m.id = t.message_id JOIN recipients r ON r.id = t.recipient_id"
      " WHERE m.from_addr IS NOT NULL GROUP BY m.from_addr"
      " ORDER BY messages DESC, typo_domains DESC, sender LIMIT 1000" },
    { "evidence", "Evidence: every top-level source (its latest reading)",
      "SELECT s.path, s.kind, coalesce(s.file_size, s.size) AS size, coalesce(s.file_sha256, s.sha256) AS sha256,"
      " s.mtime, s.run_id AS run, s.status, s.n_messages FROM sources s"
      " WHERE s.depth = 0 AND s.id IN (SELECT max(id) FROM sources WHERE depth = 0 GROUP BY path) ORDER BY s.path" },
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

/* ------------------------------------------------------------------ */
/* The report's scope: filters and periods (issue 14)                  */
/* ------------------------------------------------------------------ */

void
tl_report_options_init(tl_report_options *o)
{
    memset(o, 0, sizeof *o);
    o->bucket = "month";
    o->min_score = -1;
}

/* YYYY-MM-DD, a real day. */
static int
is_day(const char *d)
{
    if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !g_ascii_isdigit(d[i]))
            return 0;
    int y = atoi_n(d, 4), m = atoi_n(d + 5, 2), day = atoi_n(d + 8, 2);
    return m >= 1 && m <= 12 && day >= 1 && g_date_valid_dmy((GDateDay)day, (GDateMonth)m, (GDateYear)y);
}

tl_status_t
tl_report_options_check(const tl_report_options *o, char **errmsg)
{
    static const char *const buckets[] = { "week", "month", "quarter", "year", NULL };
    static const char *const exposures[] = { "open", "closed", "nonexistent-tld", NULL };
    const char *bad = NULL;
    if (o->since && !is_day(o->since))
        bad = g_strdup_printf("--since %s: give a day as YYYY-MM-DD", o->since);
    else if (o->until && !is_day(o->until))
        bad = g_strdup_printf("--until %s: give a day as YYYY-MM-DD", o->until);
    else if (o->since && o->until && strcmp(o->since, o->until) > 0)
        bad = g_strdup_printf("--since %s is after --until %s", o->since, o->until);
    else if (o->bucket && !g_strv_contains(buckets, o->bucket))
        bad = g_strdup_printf("--bucket %s: one of week, month, quarter, year", o->bucket);
    else if (o->exposure && !g_strv_contains(exposures, o->exposure))
        bad = g_strdup_printf("--exposure %s: one of open, closed, nonexistent-tld", o->exposure);
    else if (o->run < 0)
        bad = g_strdup("--run: a run number (typoleak report lists them)");
    if (!bad)
        return TL_OK;
    if (errmsg)
        *errmsg = (char *)bad;
    else
        g_free((char *)bad);
    return TL_ERR_USAGE;
}

/* The period (of the bucket) of an ISO 8601 date or time in SQL: weeks
 * start on Monday and are named by that day. */
static char *
period_expr(const char *bucket, const char *col)
{
    if (g_strcmp0(bucket, "week") == 0)
        return g_strdup_printf("date(%s, 'weekday 0', '-6 days')", col);
    if (g_strcmp0(bucket, "quarter") == 0)
        return g_strdup_printf("substr(%s, 1, 4) || '-Q' || ((CAST(substr(%s, 6, 2) AS INTEGER) + 2) / 3)", col, col);
    if (g_strcmp0(bucket, "year") == 0)
        return g_strdup_printf("substr(%s, 1, 4)", col);
    return g_strdup_printf("substr(%s, 1, 7)", col);
}

/* Every table a section reads, seen through the scope: temp views named
 * like the tables shadow them (SQLite looks in temp first), so that every
 * section, and the text report's own queries, count only what is in. */
static const char scope_sql[] =
    "CREATE TEMP TABLE tl_msgs(id INTEGER PRIMARY KEY);"
    "INSERT INTO tl_msgs SELECT m.id FROM main.messages m, temp.tl_scope s"
    " WHERE (s.since IS NULL OR m.date_utc >= s.since)"
    "  AND (s.until IS NULL OR m.date_utc < date(s.until, '+1 day'))"
    "  AND (s.run IS NULL OR EXISTS (SELECT 1 FROM main.occurrences o WHERE o.message_id = m.id AND o.run_id = s.run))"
    "  AND (NOT s.hit_filter OR EXISTS (SELECT 1 FROM main.typo_hits t WHERE t.message_id = m.id"
    "   AND (s.exposure IS NULL OR t.exposure = s.exposure) AND (s.intended IS NULL OR t.intended_domain = s.intended)"
    "   AND (s.min_score IS NULL OR coalesce(t.final_score, t.score) >= s.min_score)));"
    "CREATE TEMP VIEW messages AS SELECT * FROM main.messages WHERE id IN (SELECT id FROM temp.tl_msgs);"
    "CREATE TEMP VIEW typo_hits AS SELECT t.* FROM main.typo_hits t, temp.tl_scope s"
    " WHERE t.message_id IN (SELECT id FROM temp.tl_msgs)"
    "  AND (s.exposure IS NULL OR t.exposure = s.exposure) AND (s.intended IS NULL OR t.intended_domain = s.intended)"
    "  AND (s.min_score IS NULL OR coalesce(t.final_score, t.score) >= s.min_score);"
    "CREATE TEMP VIEW recipients AS SELECT * FROM main.recipients WHERE message_id IN (SELECT id FROM temp.tl_msgs);"
    "CREATE TEMP VIEW findings AS SELECT * FROM main.findings WHERE message_id IN (SELECT id FROM temp.tl_msgs);"
    "CREATE TEMP VIEW anomalies AS SELECT * FROM main.anomalies WHERE message_id IN (SELECT id FROM temp.tl_msgs);"
    "CREATE TEMP VIEW bounces AS SELECT * FROM main.bounces WHERE message_id IN (SELECT id FROM temp.tl_msgs);"
    "CREATE TEMP VIEW occurrences AS SELECT o.* FROM main.occurrences o, temp.tl_scope s"
    " WHERE o.message_id IN (SELECT id FROM temp.tl_msgs) AND (s.run IS NULL OR o.run_id = s.run);"
    "CREATE TEMP VIEW errors AS SELECT e.* FROM main.errors e, temp.tl_scope s WHERE s.run IS NULL OR e.run_id = s.run;"
    "CREATE TEMP VIEW sources AS SELECT x.* FROM main.sources x, temp.tl_scope s WHERE s.run IS NULL OR x.run_id = s.run;"
    "CREATE TEMP VIEW runs AS SELECT r.* FROM main.runs r, temp.tl_scope s WHERE s.run IS NULL OR r.id = s.run;"
    "CREATE TEMP VIEW domains AS SELECT d.id, d.domain, d.intended_domain, d.class, d.edit, d.exposure, d.registrable,"
    " d.prior, d.score,"
    " coalesce((SELECT max(coalesce(t.final_score, t.score)) FROM temp.typo_hits t WHERE t.typo_domain = d.domain),"
    "   d.final_score) AS final_score,"
    " d.needs_context, d.strength, d.alert, d.explanation,"
    " (SELECT min(m.date_utc) FROM temp.typo_hits t JOIN temp.messages m ON m.id = t.message_id"
    "   WHERE t.typo_domain = d.domain) AS first_seen,"
    " (SELECT max(m.date_utc) FROM temp.typo_hits t JOIN temp.messages m ON m.id = t.message_id"
    "   WHERE t.typo_domain = d.domain) AS last_seen,"
    " (SELECT count(DISTINCT t.message_id) FROM temp.typo_hits t WHERE t.typo_domain = d.domain) AS n_messages,"
    " (SELECT count(DISTINCT lower(r.addr)) FROM temp.typo_hits t JOIN main.recipients r ON r.id = t.recipient_id"
    "   WHERE t.typo_domain = d.domain) AS n_recipients,"
    " (SELECT count(DISTINCT m.from_addr) FROM temp.typo_hits t JOIN temp.messages m ON m.id = t.message_id"
    "   WHERE t.typo_domain = d.domain) AS n_senders,"
    " d.n_same_local, d.n_co_recipient, d.n_display_name, d.n_bounced, d.domain_sent, d.n_from_messages,"
    " d.n_from_senders, d.from_days, d.correspondent"
    " FROM main.domains d WHERE d.domain IN (SELECT typo_domain FROM temp.typo_hits);";

static int
exec_sql(sqlite3 *db, const char *q, char **errmsg)
{
    char *e = NULL;
    if (sqlite3_exec(db, q, NULL, NULL, &e) == SQLITE_OK)
        return 0;
    if (errmsg)
        *errmsg = g_strdup_printf("report scope: %s", e ? e : sqlite3_errmsg(db));
    sqlite3_free(e);
    return -1;
}

static void
bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

sqlite3 *
tl_report_open(const char *db_path, const tl_report_options *o, char **errmsg)
{
    tl_report_options all;
    if (!o) {
        tl_report_options_init(&all);
        o = &all;
    }
    if (tl_report_options_check(o, errmsg) != TL_OK)
        return NULL;
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return NULL;
    int hits = o->exposure || o->intended || o->min_score >= 0;
    int filtered = hits || o->since || o->until || o->run > 0;
    const char *bucket = o->bucket ? o->bucket : "month";
    sqlite3_stmt *s = NULL;
    /* tl_db_open_ro makes the connection query-only; the scope is temp
     * tables and views alone (the database itself is opened read-only),
     * so it lifts that while it builds them and sets it again after. */
    int rc = exec_sql(db, "PRAGMA query_only=0", errmsg);
    if (!rc)
        rc = exec_sql(db, "CREATE TEMP TABLE tl_scope(since TEXT, until TEXT, bucket TEXT, run INTEGER, exposure TEXT,"
                          " intended TEXT, min_score REAL, hit_filter INTEGER)", errmsg);
    if (!rc && sqlite3_prepare_v2(db, "INSERT INTO temp.tl_scope VALUES(?,?,?,?,?,?,?,?)", -1, &s, NULL) == SQLITE_OK) {
        bind_opt(s, 1, o->since);
        bind_opt(s, 2, o->until);
        bind_opt(s, 3, bucket);
        if (o->run > 0)
            sqlite3_bind_int64(s, 4, o->run);
        bind_opt(s, 5, o->exposure);
        char *intended = o->intended ? g_ascii_strdown(o->intended, -1) : NULL;
        bind_opt(s, 6, intended);
        g_free(intended);
        if (o->min_score >= 0)
            sqlite3_bind_double(s, 7, o->min_score);
        sqlite3_bind_int(s, 8, hits);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
        if (rc && errmsg)
            *errmsg = g_strdup_printf("report scope: %s", sqlite3_errmsg(db));
    } else if (!rc) {
        rc = -1;
        if (errmsg)
            *errmsg = g_strdup_printf("report scope: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(s);
    if (!rc && filtered)
        rc = exec_sql(db, scope_sql, errmsg);
    if (!rc) {
        char *pm = period_expr(bucket, "date_utc"), *pd = period_expr(bucket, "day");
        char *q = g_strdup_printf(
            "CREATE TEMP TABLE tl_msg_period(message_id INTEGER PRIMARY KEY, period TEXT);"
            "INSERT INTO tl_msg_period SELECT id, %s FROM messages WHERE date_utc IS NOT NULL;"
            "CREATE TEMP TABLE tl_periods AS WITH RECURSIVE"
            " b(lo, hi) AS (SELECT coalesce(s.since, (SELECT min(date_utc) FROM messages WHERE n_typo > 0)),"
            "   coalesce(s.until, (SELECT max(date_utc) FROM messages WHERE n_typo > 0)) FROM temp.tl_scope s),"
            " d(day) AS (SELECT date(lo) FROM b WHERE lo IS NOT NULL AND hi IS NOT NULL"
            "   UNION ALL SELECT date(day, '+1 day') FROM d, b WHERE day < date(hi) LIMIT 100000)"
            " SELECT %s AS period, min(day) AS first_day, max(day) AS last_day FROM d GROUP BY 1 ORDER BY 1;",
            pm, pd);
        rc = exec_sql(db, q, errmsg);
        g_free(q);
        g_free(pm);
        g_free(pd);
    }
    if (!rc)
        rc = exec_sql(db, "PRAGMA query_only=1", errmsg);
    if (rc) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* Rows of a query as a JSON array. */
static int
add_rows(JsonBuilder *b, sqlite3 *db, const char *q, char **errmsg)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
        if (errmsg)
            *errmsg = g_strdup_printf("manifest: %s", sqlite3_errmsg(db));
        return -1;
    }
    json_builder_begin_array(b);
    while (sqlite3_step(s) == SQLITE_ROW)
        tl_json_row(b, s);
    json_builder_end_array(b);
    sqlite3_finalize(s);
    return 0;
}

/* Distinct values of one column of the counted runs, as a JSON array. */
static void
add_values(JsonBuilder *b, sqlite3 *db, const char *col)
{
    char *q = g_strdup_printf("SELECT DISTINCT %s FROM runs WHERE " RUN_ADDED " AND %s IS NOT NULL ORDER BY 1", col, col);
    sqlite3_stmt *s = NULL;
    json_builder_begin_array(b);
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK)
        while (sqlite3_step(s) == SQLITE_ROW)
            json_builder_add_string_value(b, (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    json_builder_end_array(b);
    g_free(q);
}

JsonNode *
tl_report_manifest_node(sqlite3 *db, char **errmsg)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "tool");
    json_builder_add_string_value(b, "typoleak");
    json_builder_set_member_name(b, "tool_version");
    json_builder_add_string_value(b, TL_VERSION);
    json_builder_set_member_name(b, "tool_build");
    json_builder_add_string_value(b, tl_build_id());
    int rc = 0;
    json_builder_set_member_name(b, "evidence");
    rc = add_rows(b, db,
                  "SELECT s.path, s.kind, coalesce(s.file_size, s.size) AS size,"
                  " coalesce(s.file_sha256, s.sha256) AS sha256, s.mtime, s.run_id AS run, s.status FROM sources s"
                  " WHERE s.depth = 0 AND s.id IN (SELECT max(id) FROM sources WHERE depth = 0 GROUP BY path)"
                  " ORDER BY s.path", errmsg);
    json_builder_set_member_name(b, "runs");
    if (!rc)
        rc = add_rows(b, db,
                      "SELECT id AS run, tool_version, tool_build, started_at, finished_at, status, argv,"
                      " protected_hash, protected_count, allowlist_hash, psl_version, psl_hash, rules_hash,"
                      " json_extract(settings, '$.case_key_id') AS case_key_id"
                      " FROM runs WHERE " RUN_ADDED " ORDER BY id", errmsg);
    json_builder_set_member_name(b, "runs_without_new_messages");
    if (!rc)
        rc = add_rows(b, db, "SELECT id AS run, started_at, status FROM runs WHERE NOT " RUN_ADDED " ORDER BY id", errmsg);
    if (rc) {
        json_builder_add_null_value(b);
    }
    static const char *const digests[][2] = { { "rules", "rules_hash" }, { "protected_list", "protected_hash" },
                                              { "allowlist", "allowlist_hash" }, { "public_suffix_list", "psl_hash" },
                                              { "tool_builds", "tool_build" } };
    json_builder_set_member_name(b, "digests");
    json_builder_begin_object(b);
    for (size_t i = 0; i < G_N_ELEMENTS(digests); i++) {
        json_builder_set_member_name(b, digests[i][0]);
        add_values(b, db, digests[i][1]);
    }
    json_builder_end_object(b);
    json_builder_end_object(b);
    JsonNode *root = json_builder_get_root(b);
    g_object_unref(b);
    if (rc) {
        json_node_unref(root);
        return NULL;
    }
    return root;
}

JsonNode *
tl_report_counting_node(void)
{
    static const char *const counts[][2] = {
        { "messages", "distinct messages (by identity): a copy in another mailbox, archive or export is the same message" },
        { "recipients", "distinct addresses per message: an address named by To and Cc, or again by a Received "
                        "\"for\" clause, counts once (recipient_rows: every header row)" },
        { "misdirected messages", "messages with at least one recipient at a typo domain (flagged_messages, "
                                  "periods.messages)" },
        { "findings", "values counted once per message: the same value in the text/html alternative of a "
                      "text/plain part, or repeated, is not counted again; ten or more contact findings of one "
                      "detector in one part are one roster, counted once (finding_rows: every row)" },
        { "distinct_values", "distinct keyed hashes: a value quoted in ten replies is one value" },
        { "senders", "distinct normalised From addresses (lower case)" },
        { "periods", "messages by their date in UTC (the Date header, or the first Received time when the "
                     "Date is missing or implausible); weeks start on Monday" },
    };
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    for (size_t i = 0; i < G_N_ELEMENTS(counts); i++) {
        json_builder_set_member_name(b, counts[i][0]);
        json_builder_add_string_value(b, counts[i][1]);
    }
    json_builder_end_object(b);
    JsonNode *root = json_builder_get_root(b);
    g_object_unref(b);
    return root;
}

/* The filters of a report, as the JSON "scope" object. */
static void
add_scope(JsonBuilder *b, const tl_report_options *o)
{
    json_builder_begin_object(b);
    const char *const names[] = { "since", "until", "bucket", "exposure", "intended" };
    const char *const vals[] = { o ? o->since : NULL, o ? o->until : NULL, o && o->bucket ? o->bucket : "month",
                                 o ? o->exposure : NULL, o ? o->intended : NULL };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        json_builder_set_member_name(b, names[i]);
        if (vals[i])
            json_builder_add_string_value(b, vals[i]);
        else
            json_builder_add_null_value(b);
    }
    json_builder_set_member_name(b, "run");
    if (o && o->run > 0)
        json_builder_add_int_value(b, o->run);
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "min_score");
    if (o && o->min_score >= 0)
        json_builder_add_double_value(b, o->min_score);
    else
        json_builder_add_null_value(b);
    json_builder_end_object(b);
}

/* The report's own digest: SHA-256 of the document's compact JSON
 * without the member report_sha256, which is then added last. */
static void
seal(JsonNode *root)
{
    JsonGenerator *g = json_generator_new();
    json_generator_set_root(g, root);
    gsize len = 0;
    char *text = json_generator_to_data(g, &len);
    char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, len);
    json_object_set_string_member(json_node_get_object(root), "report_sha256", sum);
    g_free(sum);
    g_free(text);
    g_object_unref(g);
}

JsonNode *
tl_report_model(const char *db_path, char **errmsg)
{
    return tl_report_model_opts(db_path, NULL, errmsg);
}

JsonNode *
tl_report_model_opts(const char *db_path, const tl_report_options *o, char **errmsg)
{
    sqlite3 *db = tl_report_open(db_path, o, errmsg);
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
    json_builder_set_member_name(b, "tool_build");
    json_builder_add_string_value(b, tl_build_id());
    json_builder_set_member_name(b, "scope");
    add_scope(b, o);
    json_builder_set_member_name(b, "counting");
    json_builder_add_value(b, tl_report_counting_node());
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
    JsonNode *manifest = ok ? tl_report_manifest_node(db, errmsg) : NULL;
    if (ok && !manifest)
        ok = 0;
    json_builder_set_member_name(b, "manifest");
    if (manifest)
        json_builder_add_value(b, manifest);
    else
        json_builder_add_null_value(b);
    json_builder_end_object(b);
    JsonNode *root = json_builder_get_root(b);
    g_object_unref(b);
    sqlite3_close(db);
    if (!ok) {
        json_node_unref(root);
        return NULL;
    }
    seal(root);
    return root;
}

tl_status_t
tl_report_json(const char *db_path, FILE *out, char **errmsg)
{
    return tl_report_json_opts(db_path, NULL, out, errmsg);
}

tl_status_t
tl_report_manifest(const char *db_path, FILE *out, char **errmsg)
{
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return TL_ERR_DB;
    JsonNode *root = tl_report_manifest_node(db, errmsg);
    sqlite3_close(db);
    if (!root)
        return TL_ERR_DB;
    JsonGenerator *g = json_generator_new();
    json_generator_set_root(g, root);
    json_generator_set_pretty(g, TRUE);
    char *text = json_generator_to_data(g, NULL);
    fputs(text, out);
    fputc('\n', out);
    g_free(text);
    g_object_unref(g);
    json_node_unref(root);
    return ferror(out) ? TL_ERR_USAGE : TL_OK;
}

tl_status_t
tl_report_json_opts(const char *db_path, const tl_report_options *o, FILE *out, char **errmsg)
{
    JsonNode *root = tl_report_model_opts(db_path, o, errmsg);
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
    return tl_report_csv_opts(db_path, NULL, outdir, errmsg);
}

tl_status_t
tl_report_csv_opts(const char *db_path, const tl_report_options *o, const char *outdir, char **errmsg)
{
    sqlite3 *db = tl_report_open(db_path, o, errmsg);
    if (!db)
        return o && tl_report_options_check(o, NULL) != TL_OK ? TL_ERR_USAGE : TL_ERR_DB;
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
