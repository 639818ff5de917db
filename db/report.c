/*
 * report.c - the summary report of a findings database, as text.
 *
 * Read-only: the database is opened with SQLITE_OPEN_READONLY, so a report
 * never changes what a scan recorded.  Every figure is one SQL query over
 * the tables of db/schema.sql; docs/schema.md shows the same queries for
 * investigators.
 */
#include <sqlite3.h>
#include <string.h>

#include "db/read.h"

typedef struct {
    sqlite3 *db;
    FILE *out;
    char *err;
} report;

/* Runs q and calls row() for each result row; 0 on success. */
static int
each(report *r, const char *q, void (*row)(report *, sqlite3_stmt *))
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(r->db, q, -1, &s, NULL) != SQLITE_OK) {
        r->err = g_strdup_printf("query failed: %s", sqlite3_errmsg(r->db));
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        row(r, s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        r->err = g_strdup_printf("query failed: %s", sqlite3_errmsg(r->db));
        return -1;
    }
    return 0;
}

static const char *
col(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    return t ? t : "-";
}

static void
row_run(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  run %s: typoleak %s, %s to %s, %s; %s messages, %s errors\n    %s\n",
            col(s, 0), col(s, 1), col(s, 2), col(s, 3), col(s, 4), col(s, 5), col(s, 6), col(s, 7));
}

static void
row_totals(report *r, sqlite3_stmt *s)
{
    fprintf(r->out,
            "Messages scanned:    %lld occurrences, %lld distinct (by SHA-256), %.1f MB\n"
            "Parse failures:      %lld\n"
            "Recipients:          %lld (%lld recovered from raw headers)\n"
            "Parser anomalies:    %lld in %lld messages\n",
            sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_double(s, 2) / 1e6,
            sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5),
            sqlite3_column_int64(s, 6), sqlite3_column_int64(s, 7));
}

static void
row_kind(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-18s %8lld\n", col(s, 0), sqlite3_column_int64(s, 1));
}

static void
row_error(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-22s %-8s %-7s %6lld  e.g. %s\n", col(s, 0), col(s, 1), col(s, 2),
            sqlite3_column_int64(s, 3), col(s, 4));
}

static void
row_intended(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-24s %8lld %8lld %8lld %8lld  %s .. %s\n", col(s, 0), sqlite3_column_int64(s, 1),
            sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4), col(s, 5),
            col(s, 6));
}

static void
row_typo(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-5s %-22s %-18s %-15s %7lld %8lld %8lld  %s .. %s\n        %s (score %.2f)\n",
            sqlite3_column_int(s, 11) ? "ALERT" : "", col(s, 0), col(s, 1), col(s, 8), sqlite3_column_int64(s, 2),
            sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4), col(s, 5), col(s, 6), col(s, 7),
            sqlite3_column_double(s, 10));
}

static void
row_finding(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-10s %-7s %-7s %8lld findings %8lld distinct values %8lld messages\n", col(s, 0), col(s, 1),
            col(s, 2), sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5));
}

static void
row_classified(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "\nSensitive content (%lld messages classified, %lld findings; distinct values counted by"
                    " keyed hash):\n", sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
}

static void
row_severity(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-4s %8lld messages, %lld with a typo recipient\n", col(s, 0), sqlite3_column_int64(s, 1),
            sqlite3_column_int64(s, 2));
}

static void
row_exposure(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-16s %8lld recipients in %lld messages, %lld typo domains\n", col(s, 0),
            sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3));
}

static void
row_sizing(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-22s %7lld %8lld %8lld %8lld  %s  S1 %lld, S2 %lld, S3/S4 %lld\n", col(s, 0),
            sqlite3_column_int64(s, 6), sqlite3_column_int64(s, 7), sqlite3_column_int64(s, 9),
            sqlite3_column_int64(s, 8), col(s, 12), sqlite3_column_int64(s, 13), sqlite3_column_int64(s, 14),
            sqlite3_column_int64(s, 15));
}

static void
row_sender(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-32s -> %-32s %4lld messages  %.10s .. %.10s\n", col(s, 0), col(s, 2),
            sqlite3_column_int64(s, 4), col(s, 5), col(s, 6));
}

static void
row_triage(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-4s message %-6s %.10s  %-18s score %-5s %s\n       %s @ %s\n", col(s, 4), col(s, 0),
            col(s, 1), col(s, 7), col(s, 8), sqlite3_column_type(s, 9) == SQLITE_NULL ? "(no finding)" : col(s, 9),
            col(s, 10), col(s, 11));
    if (sqlite3_column_type(s, 12) != SQLITE_NULL)
        fprintf(r->out, "       severity %s set by %s\n", col(s, 4), col(s, 12));
}

/* The rows of a report_data.c section, through extra SQL (a filter, a
 * limit) around it. */
static int
each_section(report *r, const char *name, const char *wrap, void (*row)(report *, sqlite3_stmt *))
{
    size_t n = 0;
    const tl_report_section *secs = tl_report_sections(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(secs[i].name, name) == 0) {
            char *q = g_strdup_printf("SELECT * FROM (%s) %s", secs[i].sql, wrap);
            int rc = each(r, q, row);
            g_free(q);
            return rc;
        }
    r->err = g_strdup_printf("no report section %s", name);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Issue 14: periods, senders per organisation and per person, counting */
/* ------------------------------------------------------------------ */

static void
row_period(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-10s %8lld %8lld %8lld %8lld %8lld  %8s %7s%s\n", col(s, 0), sqlite3_column_int64(s, 3),
            sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5), sqlite3_column_int64(s, 6),
            sqlite3_column_int64(s, 7), sqlite3_column_type(s, 8) == SQLITE_NULL ? "" : col(s, 8),
            sqlite3_column_type(s, 9) == SQLITE_NULL ? "" : col(s, 9),
            sqlite3_column_type(s, 9) == SQLITE_NULL ? "" : "%");
}

static void
row_cat(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-24s %-14s %8lld messages %8lld findings %8lld distinct values\n", col(s, 0), col(s, 1),
            sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4));
}

static void
row_org(report *r, sqlite3_stmt *s)
{
    int unit = sqlite3_column_type(s, 1) != SQLITE_NULL;
    fprintf(r->out, "  %s%-*s %6lld senders %6lld messages %5lld typo domains %5lld S1/S2  %.10s .. %.10s\n",
            unit ? "  " : "", unit ? 30 : 32, unit ? col(s, 1) : col(s, 0), sqlite3_column_int64(s, 2),
            sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 6), col(s, 7), col(s, 8));
}

static void
row_person(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %-36s %5lld messages to %4lld typo domains (%lld addresses)  %.10s .. %.10s%s%s\n", col(s, 0),
            sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4), col(s, 8), col(s, 9),
            sqlite3_column_type(s, 1) == SQLITE_NULL ? "" : "  ",
            sqlite3_column_type(s, 1) == SQLITE_NULL ? "" : col(s, 1));
}

static void
row_scope(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "Scope: %s to %s, by %s", sqlite3_column_type(s, 0) == SQLITE_NULL ? "the first" : col(s, 0),
            sqlite3_column_type(s, 1) == SQLITE_NULL ? "the last message" : col(s, 1), col(s, 2));
    if (sqlite3_column_type(s, 3) != SQLITE_NULL)
        fprintf(r->out, "; run %s", col(s, 3));
    if (sqlite3_column_type(s, 4) != SQLITE_NULL)
        fprintf(r->out, "; exposure %s", col(s, 4));
    if (sqlite3_column_type(s, 5) != SQLITE_NULL)
        fprintf(r->out, "; intended domain %s", col(s, 5));
    if (sqlite3_column_type(s, 6) != SQLITE_NULL)
        fprintf(r->out, "; score >= %s", col(s, 6));
    fputc('\n', r->out);
}

static void
row_custody(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  run %-4s build %-16s rules %.16s  protected %.16s  allowlist %.16s  PSL %.16s\n", col(s, 0),
            col(s, 1), col(s, 2), col(s, 3), col(s, 4), col(s, 5));
}

static void
row_evidence(report *r, sqlite3_stmt *s)
{
    fprintf(r->out, "  %s  %s bytes  mtime %s  sha256 %s\n", col(s, 0), col(s, 2), col(s, 4), col(s, 3));
}

static void
row_rescans(report *r, sqlite3_stmt *s)
{
    if (sqlite3_column_int64(s, 0))
        fprintf(r->out, "  (%lld later runs found nothing new and are not in the figures: %s)\n",
                sqlite3_column_int64(s, 0), col(s, 1));
}

/* The issue 14 sections of the text report: periods, categories per
 * period and per intended domain, senders per organisation and person. */
static int
text_periods_senders(report *r)
{
    fprintf(r->out, "\nMisdirected messages per period (messages, alerting, S1/S2, with findings, findings;"
                    " change from the period before):\n");
    int rc = each_section(r, "periods", "", row_period);
    if (!rc) {
        fprintf(r->out, "\nSensitive categories per period (MEDIUM and HIGH findings of misdirected messages):\n");
        rc = each_section(r, "period_categories", "", row_cat);
    }
    if (!rc) {
        fprintf(r->out, "\nSensitive categories per intended domain:\n");
        rc = each_section(r, "intended_categories", "", row_cat);
    }
    if (!rc) {
        fprintf(r->out, "\nMisdirected mail per sender organisation (domain, then its units or offices):\n");
        rc = each_section(r, "sender_orgs", "LIMIT 40", row_org);
    }
    if (!rc) {
        fprintf(r->out, "\nRepeat senders per person, across every typo domain they used:\n");
        rc = each_section(r, "sender_people", "WHERE messages > 1 LIMIT 20", row_person);
    }
    return rc;
}

static int
text_custody(report *r)
{
    fprintf(r->out, "\nCustody (typoleak %s, build %s; the full manifest: --format json, or typoleak verify"
                    " --manifest):\n", TL_VERSION, tl_build_id());
    int rc = each(r, "SELECT id, coalesce(tool_build, '-'), rules_hash, protected_hash, allowlist_hash, psl_hash"
                     " FROM runs"
                     " WHERE EXISTS (SELECT 1 FROM main.messages x WHERE x.first_run_id = runs.id)"
                     " OR EXISTS (SELECT 1 FROM main.errors e WHERE e.run_id = runs.id) ORDER BY id", row_custody);
    if (!rc)
        rc = each_section(r, "evidence", "LIMIT 50", row_evidence);
    fprintf(r->out, "\nWhat the numbers count: a message once wherever it was found; a recipient once per message"
                    " whatever headers name it;\na value once per message (its HTML alternative and repeats are not"
                    " counted again); a roster of ten or more\ncontact values of one detector in one part as one"
                    " finding; periods by the date in UTC (docs/report.md).\n");
    return rc;
}

tl_status_t
tl_report_text(const char *db_path, FILE *out, char **errmsg)
{
    return tl_report_text_opts(db_path, NULL, out, errmsg);
}

tl_status_t
tl_report_text_opts(const char *db_path, const tl_report_options *o, FILE *out, char **errmsg)
{
    report r = { .out = out, .db = tl_report_open(db_path, o, errmsg) };
    if (!r.db)
        return o && tl_report_options_check(o, NULL) != TL_OK ? TL_ERR_USAGE : TL_ERR_DB;

    fprintf(out, "typoleak report: %s\n", db_path);
    int rc = each(&r, "SELECT since, until, bucket, run, exposure, intended, min_score FROM temp.tl_scope", row_scope);
    fprintf(out, "\nRuns:\n");
    if (!rc)
        rc = each(&r, "SELECT id, tool_version, started_at, coalesce(finished_at,'(unfinished)'), status,"
                      " n_messages, n_errors, argv FROM runs WHERE EXISTS (SELECT 1 FROM main.messages x WHERE"
                      " x.first_run_id = runs.id) OR EXISTS (SELECT 1 FROM main.errors e WHERE e.run_id = runs.id)"
                      " ORDER BY id", row_run);
    if (!rc)
        rc = each(&r, "SELECT count(*), group_concat(id, ', ') FROM runs"
                      " WHERE NOT EXISTS (SELECT 1 FROM main.messages x WHERE x.first_run_id = runs.id)"
                      " AND NOT EXISTS (SELECT 1 FROM main.errors e WHERE e.run_id = runs.id)",
                  row_rescans);
    if (!rc) {
        fputc('\n', out);
        rc = each(&r, "SELECT (SELECT count(*) FROM occurrences) + (SELECT count(*) FROM errors WHERE stage='parse'),"
                      " (SELECT count(*) FROM messages), (SELECT coalesce(sum(size),0) FROM messages),"
                      " (SELECT count(*) FROM errors WHERE stage='parse'),"
                      " (SELECT count(*) FROM recipients WHERE NOT dup),"
                      " (SELECT count(*) FROM recipients WHERE parsed=0 AND NOT dup),"
                      " (SELECT count(*) FROM anomalies), (SELECT count(DISTINCT message_id) FROM anomalies)",
                  row_totals);
    }
    if (!rc) {
        fprintf(out, "\nContainers by kind:\n");
        rc = each(&r, "SELECT kind, count(*) FROM sources GROUP BY kind ORDER BY count(*) DESC, kind", row_kind);
    }
    if (!rc) {
        fprintf(out, "\nErrors by reason (code, stage, grade, count):\n");
        rc = each(&r, "SELECT code, stage, grade, count(*), min(reason) FROM errors"
                      " GROUP BY code, stage, grade ORDER BY count(*) DESC, code", row_error);
    }
    if (!rc) {
        fprintf(out, "\nTypo hits by exposure (open: a third party can register the domain):\n");
        rc = each(&r, "SELECT exposure, count(*), count(DISTINCT message_id), count(DISTINCT typo_domain)"
                      " FROM typo_hits GROUP BY exposure ORDER BY exposure='open' DESC, 2 DESC", row_exposure);
    }
    if (!rc) {
        fprintf(out, "\nTypo hits by intended domain (messages, recipients, typo domains, senders, dates):\n");
        rc = each(&r, "SELECT t.intended_domain, count(DISTINCT t.message_id), count(*),"
                      " count(DISTINCT t.typo_domain), count(DISTINCT m.from_addr),"
                      " coalesce(substr(min(m.date_utc),1,10),'-'), coalesce(substr(max(m.date_utc),1,10),'-')"
                      " FROM typo_hits t JOIN messages m ON m.id=t.message_id"
                      " GROUP BY t.intended_domain ORDER BY count(DISTINCT t.message_id) DESC, 1", row_intended);
    }
    if (!rc) {
        fprintf(out, "\nTypo domains, alerts first (intended, exposure, messages, addresses, senders, dates;"
                     " why):\n");
        rc = each(&r, "SELECT domain, intended_domain, n_messages, n_recipients, n_senders,"
                      " coalesce(substr(first_seen,1,10),'-'), coalesce(substr(last_seen,1,10),'-'),"
                      " explanation, exposure, class, final_score, alert"
                      " FROM domains ORDER BY alert DESC, exposure='open' DESC, n_messages DESC, final_score DESC,"
                      " domain", row_typo);
    }
    if (!rc) {
        fprintf(out, "\nSizing by typo domain (messages, typo addresses, intended recipients, senders, peak day,"
                     " messages by severity):\n");
        rc = each_section(&r, "typo_domains", "", row_sizing);
    }
    if (!rc) {
        rc = text_periods_senders(&r);
    }
    if (!rc) {
        fprintf(out, "\nSenders who sent to the same wrong address more than once:\n");
        rc = each_section(&r, "senders", "WHERE messages > 1 LIMIT 10", row_sender);
    }
    if (!rc) {
        rc = each(&r, "SELECT (SELECT count(*) FROM messages WHERE classified),"
                      " (SELECT coalesce(sum(counted), 0) FROM findings)", row_classified);
        if (!rc)
            rc = each(&r, "SELECT severity, count(*), sum(n_typo > 0) FROM messages WHERE severity IS NOT NULL"
                      " GROUP BY 1 ORDER BY 1", row_severity);
        if (!rc)
            rc = each(&r, "SELECT category, detector, level, sum(counted), count(DISTINCT vhash),"
                          " count(DISTINCT message_id)"
                          " FROM findings GROUP BY 1, 2, 3 ORDER BY 1, 2, level='HIGH' DESC, level='MEDIUM' DESC",
                      row_finding);
    }
    if (!rc) {
        fprintf(out, "\nRead first (severity, message, date, typo domains, score, evidence; where it is):\n");
        rc = each_section(&r, "triage", "LIMIT 10", row_triage);
        fprintf(out, "\n(typoleak show --db FILE MESSAGE prints one message; --format json|csv|html the whole"
                     " report as data.)\n");
    }
    if (!rc)
        rc = text_custody(&r);
    sqlite3_close(r.db);
    if (rc) {
        if (errmsg)
            *errmsg = r.err;
        else
            g_free(r.err);
        return TL_ERR_DB;
    }
    return TL_OK;
}
