/*
 * report.c - the summary report of a findings database, as text.
 *
 * Read-only: the database is opened with SQLITE_OPEN_READONLY, so a report
 * never changes what a scan recorded.  Every figure is one SQL query over
 * the tables of db/schema.sql; docs/schema.md shows the same queries for
 * investigators.
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <string.h>

#include "db/read.h"

typedef struct {
    sqlite3 *db;
    const char *path;
    FILE *out;
    char *err;
    GPtrArray *rows;    /* the table being gathered (cells, flush) */
    char *empty_from;   /* a run of empty periods not printed yet (row_period) */
    char *empty_to;
    int empty_n;
} report;

static void flush(report *r);

/* Runs q and calls row() for each result row, then prints the table they
 * gathered; 0 on success. */
static int
each(report *r, const char *q, void (*row)(report *, sqlite3_stmt *))
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(r->db, q, -1, &s, NULL) != SQLITE_OK) {
        r->err = tl_db_read_error(r->db, r->path);
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        row(r, s);
    sqlite3_finalize(s);
    flush(r);
    if (rc != SQLITE_DONE) {
        r->err = tl_db_read_error(r->db, r->path);
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

/* A table being gathered: rows of cells, each row with an optional note
 * printed under it; printed with every column as wide as its widest cell,
 * numbers right-aligned (the text report's columns stay aligned whatever
 * the length of a domain or an address). */
static void
cells(report *r, const char *note, ...) G_GNUC_NULL_TERMINATED;

static void
cells(report *r, const char *note, ...)
{
    va_list ap;
    va_start(ap, note);
    GPtrArray *row = g_ptr_array_new();
    const char *c;
    while ((c = va_arg(ap, const char *)) != NULL)
        g_ptr_array_add(row, g_strdup(c));
    va_end(ap);
    g_ptr_array_add(row, note ? g_strdup(note) : NULL);     /* the note, after the cells */
    if (!r->rows)
        r->rows = g_ptr_array_new();
    g_ptr_array_add(r->rows, row);
}

static int
is_number(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!g_ascii_isdigit(*s) && *s != '.' && *s != '-')
            return 0;
    return 1;
}

static void
flush(report *r)
{
    if (!r->rows)
        return;
    guint ncols = 0;
    for (guint i = 0; i < r->rows->len; i++)
        ncols = MAX(ncols, ((GPtrArray *)r->rows->pdata[i])->len - 1);
    long *w = g_new0(long, ncols + 1);
    for (guint i = 0; i < r->rows->len; i++) {
        GPtrArray *row = r->rows->pdata[i];
        for (guint c = 0; c + 1 < row->len; c++)
            w[c] = MAX(w[c], (long)g_utf8_strlen(row->pdata[c], -1));
    }
    for (guint i = 0; i < r->rows->len; i++) {
        GPtrArray *row = r->rows->pdata[i];
        GString *line = g_string_new(" ");
        for (guint c = 0; c + 1 < row->len; c++) {
            const char *cell = row->pdata[c];
            long pad = w[c] - (long)g_utf8_strlen(cell, -1);
            g_string_append_c(line, ' ');
            if (is_number(cell))
                g_string_append_printf(line, "%*s%s", (int)pad, "", cell);
            else if (c + 2 < row->len)
                g_string_append_printf(line, "%s%*s", cell, (int)pad, "");
            else
                g_string_append(line, cell);
            if (c + 2 < row->len)
                g_string_append_c(line, ' ');
        }
        while (line->len && line->str[line->len - 1] == ' ')
            g_string_truncate(line, line->len - 1);
        fprintf(r->out, "%s\n", line->str);
        if (row->pdata[row->len - 1])
            fprintf(r->out, "      %s\n", (char *)row->pdata[row->len - 1]);
        g_string_free(line, TRUE);
        for (guint c = 0; c < row->len; c++)
            g_free(row->pdata[c]);
        g_ptr_array_free(row, TRUE);
    }
    g_ptr_array_free(r->rows, TRUE);
    r->rows = NULL;
    g_free(w);
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
    cells(r, NULL, col(s, 0), col(s, 1), NULL);
}

static void
row_error(report *r, sqlite3_stmt *s)
{
    char *eg = g_strdup_printf("e.g. %s", col(s, 4));
    cells(r, NULL, col(s, 0), col(s, 1), col(s, 2), col(s, 3), eg, NULL);
    g_free(eg);
}

static void
row_intended(report *r, sqlite3_stmt *s)
{
    char *dates = g_strdup_printf("%s .. %s", col(s, 5), col(s, 6));
    cells(r, NULL, col(s, 0), col(s, 1), col(s, 2), col(s, 3), col(s, 4), dates, NULL);
    g_free(dates);
}

static void
row_typo(report *r, sqlite3_stmt *s)
{
    char *dates = g_strdup_printf("%s .. %s", col(s, 5), col(s, 6));
    char *why = g_strdup_printf("%s (score %.2f)", col(s, 7), sqlite3_column_double(s, 10));
    cells(r, why, sqlite3_column_int(s, 11) ? "ALERT" : "-", col(s, 0), col(s, 1), col(s, 8), col(s, 2), col(s, 3),
          col(s, 4), dates, NULL);
    g_free(dates);
    g_free(why);
}

/* Findings by detector, in words that fit them: a value has distinct
 * values (by keyed hash); a marking (MARK.*) is a marking, with none. */
static void
row_finding(report *r, sqlite3_stmt *s)
{
    int marking = g_str_has_prefix(col(s, 0), "MARK.");
    long long n = sqlite3_column_int64(s, 3), v = sqlite3_column_int64(s, 4), m = sqlite3_column_int64(s, 5);
    char *a = g_strdup_printf("%s %s", marking ? (n == 1 ? "marking" : "markings") : (n == 1 ? "finding" : "findings"),
                              "");
    g_strchomp(a);
    char *nv = g_strdup_printf("%lld", v), *nm = g_strdup_printf("%lld", m), *nn = g_strdup_printf("%lld", n);
    cells(r, NULL, col(s, 0), col(s, 1), col(s, 2), nn, a, marking ? "" : nv,
          marking ? "" : (v == 1 ? "distinct value" : "distinct values"), nm, m == 1 ? "message" : "messages", NULL);
    g_free(a), g_free(nv), g_free(nm), g_free(nn);
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
    cells(r, NULL, col(s, 0), col(s, 1), sqlite3_column_int64(s, 1) == 1 ? "message," : "messages,", col(s, 2),
          "with a typo recipient", NULL);
}

static void
row_exposure(report *r, sqlite3_stmt *s)
{
    cells(r, NULL, col(s, 0), col(s, 1), "recipients in", col(s, 2), "messages,", col(s, 3), "typo domains", NULL);
}

static void
row_sizing(report *r, sqlite3_stmt *s)
{
    cells(r, NULL, col(s, 0), col(s, 6), col(s, 7), col(s, 9), col(s, 8), col(s, 12), col(s, 13), col(s, 14),
          col(s, 15), NULL);
}

static void
row_sender(report *r, sqlite3_stmt *s)
{
    char *dates = g_strdup_printf("%.10s .. %.10s", col(s, 5), col(s, 6));
    cells(r, NULL, col(s, 0), "->", col(s, 2), col(s, 4), "messages", dates, NULL);
    g_free(dates);
}

static void
row_triage(report *r, sqlite3_stmt *s)
{
    char *where = sqlite3_column_type(s, 12) == SQLITE_NULL
                      ? g_strdup_printf(" %s @ %s", col(s, 10), col(s, 11))
                      : g_strdup_printf(" %s @ %s\n       severity %s set by %s", col(s, 10), col(s, 11), col(s, 4),
                                        col(s, 12));
    char *date = g_strdup_printf("%.10s", col(s, 1));
    cells(r, where, col(s, 4), "message", col(s, 0), date, col(s, 7), "score", col(s, 8),
          sqlite3_column_type(s, 9) == SQLITE_NULL ? "(no finding)" : col(s, 9), NULL);
    g_free(where), g_free(date);
}

/* "  ... and N more" under a list cut at limit rows. */
static int
more(report *r, const char *name, const char *filter, int limit)
{
    size_t n = 0;
    const tl_report_section *secs = tl_report_sections(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(secs[i].name, name) == 0) {
            char *q = g_strdup_printf("SELECT count(*) FROM (%s) %s", secs[i].sql, filter);
            sqlite3_stmt *s = NULL;
            long long total = -1;
            if (sqlite3_prepare_v2(r->db, q, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
                total = sqlite3_column_int64(s, 0);
            sqlite3_finalize(s);
            g_free(q);
            if (total < 0) {
                r->err = tl_db_read_error(r->db, r->path);
                return -1;
            }
            if (total > limit)
                fprintf(r->out, "  ... and %lld more (--format csv or json lists them all)\n", total - limit);
            return 0;
        }
    return 0;
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

/* An integer cell (freed by the caller). */
static char *
num(sqlite3_stmt *s, int i)
{
    return g_strdup_printf("%lld", (long long)sqlite3_column_int64(s, i));
}

/* A run of periods without a misdirected message is one line in the text
 * report (a year by week would otherwise print fifty lines of zeros); an
 * empty period that follows a busy one keeps its full row, with the drop
 * it shows.  The data formats keep every period. */
static void
flush_empty_periods(report *r)
{
    if (r->empty_n) {
        char *span = r->empty_n > 1 ? g_strdup_printf("%s .. %s", r->empty_from, r->empty_to) : g_strdup(r->empty_from);
        char *note = r->empty_n > 1 ? g_strdup_printf("(%d periods without a misdirected message)", r->empty_n)
                                    : g_strdup("(no misdirected message)");
        cells(r, note, span, "0", "0", "0", "0", "0", NULL);
        g_free(span), g_free(note);
    }
    g_clear_pointer(&r->empty_from, g_free);
    g_clear_pointer(&r->empty_to, g_free);
    r->empty_n = 0;
}

static void
row_period(report *r, sqlite3_stmt *s)
{
    int empty = sqlite3_column_int64(s, 3) == 0;
    if (empty && (r->empty_n || sqlite3_column_type(s, 8) == SQLITE_NULL || sqlite3_column_int64(s, 8) == 0)) {
        /* the second empty period in a row, or one with no change to show */
        if (!r->empty_n++)
            r->empty_from = g_strdup(col(s, 0));
        g_free(r->empty_to);
        r->empty_to = g_strdup(col(s, 0));
        return;
    }
    flush_empty_periods(r);
    char *c[5];
    for (int i = 0; i < 5; i++)
        c[i] = num(s, 3 + i);
    int first = sqlite3_column_type(s, 8) == SQLITE_NULL;
    char *pct = sqlite3_column_type(s, 9) == SQLITE_NULL ? g_strdup("") : g_strdup_printf("%s%%", col(s, 9));
    cells(r, NULL, col(s, 0), c[0], c[1], c[2], c[3], c[4], first ? "" : col(s, 8), pct, NULL);
    for (int i = 0; i < 5; i++)
        g_free(c[i]);
    g_free(pct);
}

static void
row_cat(report *r, sqlite3_stmt *s)
{
    /* markings (MARK.*) as markings, with no distinct values (row_finding) */
    int marking = g_str_has_prefix(col(s, 1), "MARK.");
    char *m = num(s, 2), *f = num(s, 3), *v = num(s, 4);
    cells(r, NULL, col(s, 0), col(s, 1), m, "messages", f, marking ? "markings" : "findings", marking ? "" : v,
          marking ? "" : "distinct values", NULL);
    g_free(m), g_free(f), g_free(v);
}

static void
row_org(report *r, sqlite3_stmt *s)
{
    int unit = sqlite3_column_type(s, 1) != SQLITE_NULL;
    char *name = unit ? g_strdup_printf("  %s", col(s, 1)) : g_strdup(col(s, 0));
    char *n1 = num(s, 2), *n2 = num(s, 3), *n3 = num(s, 4), *n4 = num(s, 6);
    char *dates = g_strdup_printf("%.10s .. %.10s", col(s, 7), col(s, 8));
    cells(r, NULL, name, n1, "senders", n2, "messages", n3, "typo domains", n4, "S1/S2", dates, NULL);
    g_free(name), g_free(n1), g_free(n2), g_free(n3), g_free(n4), g_free(dates);
}

static void
row_person(report *r, sqlite3_stmt *s)
{
    char *n1 = num(s, 2), *n2 = num(s, 3);
    char *addrs = g_strdup_printf("(%lld %s)", (long long)sqlite3_column_int64(s, 4),
                                  sqlite3_column_int64(s, 4) == 1 ? "address" : "addresses");
    char *dates = g_strdup_printf("%.10s .. %.10s", col(s, 8), col(s, 9));
    cells(r, NULL, col(s, 0), n1, "messages to", n2, "typo domains", addrs, dates,
          sqlite3_column_type(s, 1) == SQLITE_NULL ? "" : col(s, 1), NULL);
    g_free(n1), g_free(n2), g_free(addrs), g_free(dates);
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
    char *h[4];
    for (int i = 0; i < 4; i++)
        h[i] = g_strndup(col(s, 2 + i), 16);
    cells(r, NULL, "run", col(s, 0), "build", col(s, 1), "rules", h[0], "protected", h[1], "allowlist", h[2], "PSL",
          h[3], NULL);
    for (int i = 0; i < 4; i++)
        g_free(h[i]);
}

static void
row_evidence(report *r, sqlite3_stmt *s)
{
    cells(r, NULL, col(s, 0), col(s, 2), "bytes", "mtime", col(s, 4), "sha256", col(s, 3), NULL);
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
    flush_empty_periods(r);
    flush(r);
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
        if (!rc)
            rc = more(r, "sender_orgs", "", 40);
    }
    if (!rc) {
        fprintf(r->out, "\nRepeat senders per person, across every typo domain they used:\n");
        rc = each_section(r, "sender_people", "WHERE messages > 1 LIMIT 20", row_person);
        if (!rc)
            rc = more(r, "sender_people", "WHERE messages > 1", 20);
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
    if (!rc)
        rc = more(r, "evidence", "", 50);
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
    report r = { .out = out, .path = db_path, .db = tl_report_open(db_path, o, errmsg) };
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
        if (!rc)
            rc = more(&r, "senders", "WHERE messages > 1", 10);
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
        if (!rc)
            rc = more(&r, "triage", "", 10);
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
