/*
 * check_auditor.c - issue 14: figures an auditor can sign and questions an
 * investigator can answer.  Real scans into real SQLite files, the real
 * binary (TYPOLEAK), its report in every format:
 *   periods and filters, senders per organisation and per person, counts
 *   without doubles, the finding that set the severity, the custody
 *   manifest; threads and leaked messages carried on, dates, normalised
 *   addresses and typo domains as rows, extract and show --format json.
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "tl_test.h"

/* Runs the binary with args (NULL-terminated) here (tests/main.c). */
#define tl(out, err, ...) tl_test_run_tool(NULL, out, err, __VA_ARGS__)

/* The JSON document text holds (the caller unrefs the parser). */
static JsonObject *
parse(JsonParser **p, const char *text)
{
    *p = json_parser_new();
    ck_assert_msg(json_parser_load_from_data(*p, text, -1, NULL), "not JSON: %.200s", text);
    return json_node_get_object(json_parser_get_root(*p));
}

/* `typoleak report --db db --format json` with extra options (NULL-
 * terminated, at most 8); the parsed report. */
static JsonObject *
report_json(JsonParser **p, const char *db, ...)
{
    const char *x[9] = { NULL };
    va_list ap;
    va_start(ap, db);
    for (int i = 0; i < 8 && (x[i] = va_arg(ap, const char *)) != NULL; i++)
        ;
    va_end(ap);
    char *out, *err;
    int rc = tl(&out, &err, "report", "--db", db, "--format", "json", x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7],
                NULL);
    ck_assert_msg(rc == 0, "report: %s", err);
    JsonObject *o = parse(p, out);
    g_free(out), g_free(err);
    return o;
}

static JsonArray *
sec(JsonObject *r, const char *name)
{
    ck_assert_msg(json_object_has_member(r, name), "no section %s", name);
    return json_object_get_array_member(r, name);
}

static JsonObject *
row(JsonObject *r, const char *name, guint i)
{
    JsonArray *a = sec(r, name);
    ck_assert_msg(i < json_array_get_length(a), "section %s has %u rows", name, json_array_get_length(a));
    return json_array_get_object_element(a, i);
}

static gint64
total(JsonObject *r, const char *member)
{
    return json_object_get_int_member(row(r, "totals", 0), member);
}

/* One mbox message, From_ line included. */
static void
add_msg(GString *m, const char *from, const char *to, const char *date, const char *extra_headers, const char *body)
{
    g_string_append_printf(m, "From sender@example.org Mon Jan  1 00:00:00 2024\nFrom: %s\nTo: %s\n", from, to);
    if (date)
        g_string_append_printf(m, "Date: %s\n", date);
    g_string_append(m, "Subject: note\n");
    if (extra_headers)
        g_string_append_printf(m, "%s\n", extra_headers);
    g_string_append_printf(m, "\n%s\n\n", body ? body : "hello");
}

static void
scan(const char *db, const char *path)
{
    char *out, *err;
    int rc = tl(&out, &err, "scan", path, "--db", db, "--quiet", NULL);
    ck_assert_msg(rc == 0, "scan %s: %s", path, err);
    g_free(out), g_free(err);
}

/* ------------------------------------------------------------------ */
/* 1. Periods and filters                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_periods_and_filters)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "a.mbox", NULL), *f2 = g_build_filename(d, "b.mbox", NULL);
    char *db = g_build_filename(d, "p.db", NULL);
    GString *m = g_string_new(NULL);
    add_msg(m, "a@example.org", "john@army.ml", "Tue, 10 Jan 2023 10:00:00 +0000", NULL, "SSN: 741-22-3190");
    add_msg(m, "b@example.org", "jane@army.ml", "Wed, 25 Jan 2023 10:00:00 +0000", NULL, NULL);
    add_msg(m, "c@example.org", "joe@amry.mil", "Wed, 15 Mar 2023 10:00:00 +0000", NULL, NULL);   /* closed */
    add_msg(m, "d@example.org", "ann@navy.ml", "Mon, 15 May 2023 10:00:00 +0000", NULL, NULL);
    add_msg(m, "e@example.org", "ok@example.com", "Mon, 15 May 2023 11:00:00 +0000", NULL, NULL);
    tl_test_write_str(f, m->str);
    g_string_truncate(m, 0);
    scan(db, f);
    add_msg(m, "f@example.org", "kim@navy.ml", "Thu, 13 Jul 2023 10:00:00 +0000", NULL, NULL);
    tl_test_write_str(f2, m->str);
    scan(db, f2);

    JsonParser *p;
    JsonObject *r = report_json(&p, db, "--bucket", "month", "--since", "2023-01-01", "--until", "2023-04-30", NULL);
    /* four months, the empty ones as zero, with the change */
    ck_assert_int_eq(json_array_get_length(sec(r, "periods")), 4);
    ck_assert_str_eq(json_object_get_string_member(row(r, "periods", 0), "period"), "2023-01");
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 0), "messages"), 2);
    ck_assert_str_eq(json_object_get_string_member(row(r, "periods", 1), "period"), "2023-02");
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 1), "messages"), 0);
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 1), "change"), -2);
    ck_assert(json_object_get_double_member(row(r, "periods", 1), "change_pct") == -100.0);
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 2), "messages"), 1);
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 3), "messages"), 0);
    ck_assert_int_eq(total(r, "flagged_messages"), 3);
    ck_assert_str_eq(json_object_get_string_member(json_object_get_object_member(r, "scope"), "since"), "2023-01-01");
    /* the category per period and per intended domain */
    ck_assert_str_eq(json_object_get_string_member(row(r, "period_categories", 0), "category"), "PII.GOVID");
    ck_assert_str_eq(json_object_get_string_member(row(r, "period_categories", 0), "period"), "2023-01");
    ck_assert_str_eq(json_object_get_string_member(row(r, "intended_categories", 0), "intended_domain"), "army.mil");
    g_object_unref(p);

    r = report_json(&p, db, "--bucket", "quarter", NULL);
    ck_assert_int_eq(json_array_get_length(sec(r, "periods")), 3);
    ck_assert_str_eq(json_object_get_string_member(row(r, "periods", 0), "period"), "2023-Q1");
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 0), "messages"), 3);
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 1), "messages"), 1);
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 1), "change"), -2);
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 2), "messages"), 1);
    g_object_unref(p);
    r = report_json(&p, db, "--bucket", "year", NULL);
    ck_assert_int_eq(json_array_get_length(sec(r, "periods")), 1);
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 0), "messages"), 5);
    g_object_unref(p);
    r = report_json(&p, db, "--bucket", "week", "--since", "2023-01-09", "--until", "2023-01-29", NULL);
    ck_assert_int_eq(json_array_get_length(sec(r, "periods")), 3);     /* weeks of 9, 16 and 23 January */
    ck_assert_str_eq(json_object_get_string_member(row(r, "periods", 0), "period"), "2023-01-09");
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 1), "messages"), 0);
    g_object_unref(p);

    /* filters on the typo hits, and on the run */
    r = report_json(&p, db, "--intended", "navy.mil", NULL);
    ck_assert_int_eq(total(r, "flagged_messages"), 2);
    ck_assert_int_eq(json_array_get_length(sec(r, "typo_domains")), 1);
    ck_assert_str_eq(json_object_get_string_member(row(r, "typo_domains", 0), "typo_domain"), "navy.ml");
    ck_assert_int_eq(json_object_get_int_member(row(r, "typo_domains", 0), "messages"), 2);
    g_object_unref(p);
    r = report_json(&p, db, "--exposure", "closed", NULL);
    ck_assert_int_eq(total(r, "flagged_messages"), 1);
    ck_assert_str_eq(json_object_get_string_member(row(r, "typo_domains", 0), "typo_domain"), "amry.mil");
    g_object_unref(p);
    r = report_json(&p, db, "--min-score", "0.5", NULL);
    ck_assert_int_eq(total(r, "flagged_messages"), 4);      /* not the closed one */
    g_object_unref(p);
    r = report_json(&p, db, "--run", "2", NULL);
    ck_assert_int_eq(total(r, "flagged_messages"), 1);
    ck_assert_int_eq(json_array_get_length(sec(r, "runs")), 1);
    ck_assert_int_eq(json_object_get_int_member(row(r, "runs", 0), "run"), 2);
    g_object_unref(p);

    /* every format carries them */
    char *out, *err;
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, "--bucket", "quarter", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "Scope: the first to the last message, by quarter"));
    ck_assert_ptr_nonnull(strstr(out, "Misdirected messages per period"));
    ck_assert_ptr_nonnull(strstr(out, "2023-Q2"));
    ck_assert_ptr_nonnull(strstr(out, "Sensitive categories per intended domain"));
    g_free(out), g_free(err);
    /* by week, the quiet weeks between January and July are a line a run */
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, "--bucket", "week", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "periods without a misdirected message)"));
    const char *sect = strstr(out, "Misdirected messages per period");
    const char *end = strstr(sect, "Sensitive categories per period");
    int lines = 0;
    for (const char *c = sect; c < end; c++)
        lines += *c == '\n';
    ck_assert_msg(lines < 20, "%d lines for 27 weeks: %.*s", lines, (int)(end - sect), sect);
    g_free(out), g_free(err);
    char *csv = g_build_filename(d, "csv", NULL), *pc = g_build_filename(csv, "periods.csv", NULL);
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, "--format", "csv", "-o", csv, "--bucket", "quarter", NULL), 0);
    g_free(out), g_free(err);
    char *text = NULL;
    ck_assert(g_file_get_contents(pc, &text, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(text, "period,first_day,last_day,messages"));
    ck_assert_ptr_nonnull(strstr(text, "2023-Q2,"));
    g_free(text);
    char *html = g_build_filename(d, "r.html", NULL);
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, "--format", "html", "-o", html, "--until", "2023-03-31",
                        NULL), 0);
    g_free(out), g_free(err);
    ck_assert(g_file_get_contents(html, &text, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(text, "id=\"section-periods\""));
    ck_assert_ptr_nonnull(strstr(text, "id=\"chart-periods\""));
    ck_assert_ptr_nonnull(strstr(text, "id=\"section-intended_categories\""));
    ck_assert_ptr_nonnull(strstr(text, "until 2023-03-31"));
    g_free(text);
    /* bad options are usage errors */
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, "--bucket", "fortnight", NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "--bucket fortnight"));
    g_free(out), g_free(err);
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, "--since", "2023-02-30", NULL), 2);
    g_free(out), g_free(err);
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, "--exposure", "wide", NULL), 2);
    g_free(out), g_free(err);
    g_free(html), g_free(csv), g_free(pc);
    g_string_free(m, TRUE);
    g_free(f), g_free(f2), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 2. Who sends it                                                     */
/* ------------------------------------------------------------------ */

START_TEST(test_sender_orgs_and_people)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "s.mbox", NULL), *db = g_build_filename(d, "s.db", NULL);
    GString *m = g_string_new(NULL);
    /* one person, four typo domains, two spellings of the address */
    add_msg(m, "\"Pat Lee (J6 Plans)\" <Pat.Lee@Army.Mil>", "a1@army.ml", "Mon, 2 Jan 2012 10:00:00 +0000", NULL, NULL);
    add_msg(m, "\"Pat Lee (J6 Plans)\" <pat.lee@army.mil>", "a2@armym.il", "Mon, 2 Jan 2015 10:00:00 +0000", NULL, NULL);
    add_msg(m, "Pat Lee <PAT.LEE@ARMY.MIL>", "a3@navy.ml", "Mon, 2 Jan 2018 10:00:00 +0000", NULL, NULL);
    add_msg(m, "Pat Lee <pat.lee@army.mil>", "a4@usmc.ml", "Mon, 2 Jan 2021 10:00:00 +0000", NULL, NULL);
    /* a colleague whose signature names the office */
    add_msg(m, "Sam Roe <sam.roe@army.mil>", "b1@army.ml", "Mon, 2 Jan 2021 11:00:00 +0000", NULL,
            "See below.\n\n-- \nSam Roe\nContracting Office, Fort Example\n");
    tl_test_write_str(f, m->str);
    scan(db, f);
    JsonParser *p;
    JsonObject *r = report_json(&p, db, NULL);
    JsonObject *pat = row(r, "sender_people", 0);
    ck_assert_str_eq(json_object_get_string_member(pat, "sender"), "pat.lee@army.mil");
    ck_assert_int_eq(json_object_get_int_member(pat, "messages"), 4);
    ck_assert_int_eq(json_object_get_int_member(pat, "typo_domains"), 4);
    ck_assert_str_eq(json_object_get_string_member(pat, "unit"), "J6 Plans");
    ck_assert_str_eq(json_object_get_string_member(pat, "first_date"), "2012-01-02T10:00:00Z");
    /* the organisation, then its units */
    JsonObject *org = row(r, "sender_orgs", 0);
    ck_assert_str_eq(json_object_get_string_member(org, "sender_domain"), "army.mil");
    ck_assert(json_node_is_null(json_object_get_member(org, "unit")));
    ck_assert_int_eq(json_object_get_int_member(org, "senders"), 2);
    ck_assert_int_eq(json_object_get_int_member(org, "messages"), 5);
    GString *units = g_string_new(NULL);
    for (guint i = 1; i < json_array_get_length(sec(r, "sender_orgs")); i++)
        g_string_append_printf(units, "%s=%" G_GINT64_FORMAT ";",
                               json_object_get_string_member(row(r, "sender_orgs", i), "unit"),
                               json_object_get_int_member(row(r, "sender_orgs", i), "messages"));
    ck_assert_str_eq(units->str, "J6 Plans=2;Contracting Office, Fort Example=1;");
    g_string_free(units, TRUE);
    g_object_unref(p);
    char *out, *err;
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, NULL), 0);
    /* issue 13's aligned columns: one row, so no padding */
    ck_assert_ptr_nonnull(strstr(out, "\n  pat.lee@army.mil  4  messages to  4  typo domains  (4 addresses)"
                                      "  2012-01-02 .. 2021-01-02  J6 Plans\n"));
    g_free(out), g_free(err);
    /* and as views */
    ck_assert_int_eq(tl_test_int(db, "SELECT typo_domains FROM sender_people WHERE sender = 'pat.lee@army.mil'"), 4);
    ck_assert_int_eq(tl_test_int(db, "SELECT messages FROM sender_orgs WHERE unit = 'J6 Plans'"), 2);
    g_string_free(m, TRUE);
    g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 3. Counts without doubles                                           */
/* ------------------------------------------------------------------ */

START_TEST(test_counts_without_doubles)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "c.mbox", NULL), *db = g_build_filename(d, "c.db", NULL);
    GString *m = g_string_new(NULL);
    /* one recipient named by To, Cc and a Received "for" copy */
    g_string_append(m, "From x@example.org Mon Jan  1 00:00:00 2024\n"
                       "Received: from a by mx for <John.Doe@army.ml>; Mon, 1 May 2023 10:00:01 +0000\n"
                       "From: clerk@example.org\nTo: John.Doe@army.ml\nCc: john.doe@ARMY.ML, other@example.com\n"
                       "Date: Mon, 1 May 2023 10:00:00 +0000\nSubject: once\n"
                       "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b\"\n\n"
                       "--b\nContent-Type: text/plain\n\nSSN: 741-22-3190\n"
                       "--b\nContent-Type: text/html\n\n<html><body><p>SSN: 741-22-3190</p></body></html>\n"
                       "--b--\n\n");
    /* a roster of 40 addresses */
    g_string_append(m, "From x@example.org Mon Jan  1 00:00:00 2024\n"
                       "From: clerk@example.org\nTo: jane@army.ml\nDate: Tue, 2 May 2023 10:00:00 +0000\n"
                       "Subject: roster\n\nAlpha roster, e-mail addresses:\n");
    for (int i = 0; i < 40; i++)
        g_string_append_printf(m, "Member %02d  member%02d.name@unit.example.com\n", i, i);
    g_string_append(m, "\n");
    tl_test_write_str(f, m->str);
    scan(db, f);
    /* the rows keep every header and every part */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM recipients WHERE message_id = 1"), 4);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM recipients WHERE message_id = 1 AND NOT dup"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM typo_hits WHERE message_id = 1"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT n_typo FROM messages WHERE id = 1"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM findings WHERE detector = 'ssn'"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT sum(counted) FROM findings WHERE detector = 'ssn'"), 1);
    char *why = tl_test_str(db, "SELECT uncounted_reason FROM findings WHERE detector = 'ssn' AND NOT counted");
    ck_assert_str_eq(why, "same value");
    g_free(why);
    int64_t roster = tl_test_int(db, "SELECT count(*) FROM findings WHERE message_id = 2 AND detector = 'email'");
    ck_assert_int_ge(roster, 10);
    ck_assert_int_eq(tl_test_int(db, "SELECT sum(counted) FROM findings WHERE message_id = 2 AND detector = 'email'"), 1);
    /* the report counts once and says what it counts */
    JsonParser *p;
    JsonObject *r = report_json(&p, db, NULL);
    ck_assert_int_eq(total(r, "recipients"), 3);
    ck_assert_int_eq(total(r, "recipient_rows"), 5);
    ck_assert_int_eq(total(r, "findings"), 2);
    ck_assert_int_eq(total(r, "finding_rows"), 2 + roster);
    ck_assert_int_eq(json_object_get_int_member(row(r, "intended_domains", 0), "recipients"), 2);
    JsonArray *fs = sec(r, "findings");
    for (guint i = 0; i < json_array_get_length(fs); i++) {
        JsonObject *o = json_array_get_object_element(fs, i);
        if (strcmp(json_object_get_string_member(o, "detector"), "ssn") == 0) {
            ck_assert_int_eq(json_object_get_int_member(o, "findings"), 1);
            ck_assert_int_eq(json_object_get_int_member(o, "same_value_again"), 1);
        }
    }
    JsonObject *counting = json_object_get_object_member(r, "counting");
    ck_assert_ptr_nonnull(strstr(json_object_get_string_member(counting, "recipients"), "counts once"));
    ck_assert_ptr_nonnull(strstr(json_object_get_string_member(counting, "findings"), "roster"));
    g_object_unref(p);
    char *out, *err;
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "Recipients:          3 "));
    ck_assert_ptr_nonnull(strstr(out, "What the numbers count"));
    g_free(out), g_free(err);
    g_string_free(m, TRUE);
    g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 4. Severity shows its reason                                        */
/* ------------------------------------------------------------------ */

START_TEST(test_triage_reason_first)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "t.eml", NULL), *db = g_build_filename(d, "t.db", NULL);
    GString *m = g_string_new("From: clerk@example.org\nTo: john.doe@army.ml\nSubject: cards\n"
                              "Date: Mon, 1 May 2023 10:00:00 +0000\n\nPayment details for the team:\n");
    /* six card numbers (HIGH, 90) that do not make S2, and the SSN that does */
    for (int k = 0; k < 6; k++) {
        char pan[17];
        g_snprintf(pan, sizeof pan, "455673%09d", k * 7919 + 123457);
        pan[15] = tl_test_luhn_digit(pan, 15);
        pan[16] = '\0';
        g_string_append_printf(m, "Please charge the GTCC card %.4s %.4s %.4s %.4s, exp 12/27.\n", pan, pan + 4,
                               pan + 8, pan + 12);
    }
    g_string_append(m, "\nMember SSN: 741-22-3190\n");
    tl_test_write_str(f, m->str);
    scan(db, f);
    ck_assert_int_ge(tl_test_int(db, "SELECT count(*) FROM findings WHERE detector = 'pan' AND level = 'HIGH'"), 5);
    char *sev = tl_test_rows(db, "SELECT m.severity, f.detector FROM messages m JOIN findings f ON f.message_id = m.id"
                                 " WHERE f.sets_severity");
    ck_assert_str_eq(sev, "S2|ssn");
    g_free(sev);
    JsonParser *p;
    JsonObject *r = report_json(&p, db, NULL);
    JsonObject *t = row(r, "triage", 0);
    ck_assert_str_eq(json_object_get_string_member(t, "severity"), "S2");
    ck_assert_msg(g_str_has_prefix(json_object_get_string_member(t, "evidence"), "ssn ***-**-3190"), "evidence: %s",
                  json_object_get_string_member(t, "evidence"));
    ck_assert_str_eq(json_object_get_string_member(t, "severity_reason"), "PII.GOVID ssn ***-**-3190 (score 85)");
    g_object_unref(p);
    char *out, *err;
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "severity S2 set by PII.GOVID ssn ***-**-3190"));
    g_free(out), g_free(err);
    g_string_free(m, TRUE);
    g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 5. Custody manifest                                                 */
/* ------------------------------------------------------------------ */

START_TEST(test_custody_manifest)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "e.mbox", NULL), *db = g_build_filename(d, "e.db", NULL);
    GString *m = g_string_new(NULL);
    add_msg(m, "a@example.org", "john@army.ml", "Tue, 10 Jan 2023 10:00:00 +0000", NULL, "SSN: 741-22-3190");
    tl_test_write_str(f, m->str);
    scan(db, f);
    scan(db, f);        /* a re-scan: nothing new */
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, m->str, -1);
    char *out, *err;
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, "--format", "json", NULL), 0);
    JsonParser *p;
    JsonObject *r = parse(&p, out);
    g_free(out), g_free(err);
    JsonObject *man = json_object_get_object_member(r, "manifest");
    JsonObject *ev = json_array_get_object_element(json_object_get_array_member(man, "evidence"), 0);
    ck_assert_str_eq(json_object_get_string_member(ev, "path"), f);
    ck_assert_str_eq(json_object_get_string_member(ev, "sha256"), sum);
    ck_assert_int_eq(json_object_get_int_member(ev, "size"), (gint64)m->len);
    ck_assert_int_eq(strlen(json_object_get_string_member(ev, "mtime")), 20);
    char *build = g_strdup(json_object_get_string_member(man, "tool_build"));
    ck_assert(build && *build);
    ck_assert_str_eq(json_object_get_string_member(r, "tool_build"), build);
    JsonObject *dg = json_object_get_object_member(man, "digests");
    static const char *const kinds[] = { "rules", "protected_list", "allowlist", "public_suffix_list" };
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        JsonArray *a = json_object_get_array_member(dg, kinds[i]);
        ck_assert_int_eq(json_array_get_length(a), 1);
        const char *v = json_array_get_string_element(a, 0);
        ck_assert_msg(strlen(v) == 64 || strcmp(v, "built-in") == 0, "%s: %s", kinds[i], v);
    }
    /* the re-scan is not a run of the figures */
    ck_assert_int_eq(json_array_get_length(json_object_get_array_member(man, "runs")), 1);
    ck_assert_int_eq(json_array_get_length(sec(r, "runs")), 1);
    ck_assert_int_eq(json_object_get_int_member(row(r, "runs_without_new_messages", 0), "run"), 2);
    /* the report's own digest: of the document without it */
    char *digest = g_strdup(json_object_get_string_member(r, "report_sha256"));
    json_object_remove_member(r, "report_sha256");
    JsonGenerator *g = json_generator_new();
    json_generator_set_root(g, json_parser_get_root(p));
    gsize len = 0;
    char *compact = json_generator_to_data(g, &len);
    char *mine = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)compact, len);
    ck_assert_str_eq(digest, mine);
    g_free(mine), g_free(compact), g_free(digest);
    g_object_unref(g);
    g_object_unref(p);
    /* verify --manifest prints it */
    ck_assert_int_eq(tl(&out, &err, "verify", "--db", db, "--manifest", NULL), 0);
    r = parse(&p, out);
    ev = json_array_get_object_element(json_object_get_array_member(r, "evidence"), 0);
    ck_assert_str_eq(json_object_get_string_member(ev, "sha256"), sum);
    ck_assert_str_eq(json_object_get_string_member(r, "tool_build"), build);
    g_object_unref(p);
    g_free(out), g_free(err);
    /* HTML and text */
    char *html = g_build_filename(d, "r.html", NULL), *text = NULL;
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, "--format", "html", "-o", html, NULL), 0);
    g_free(out), g_free(err);
    ck_assert(g_file_get_contents(html, &text, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(text, "Custody manifest"));
    ck_assert_ptr_nonnull(strstr(text, "Report SHA-256"));
    ck_assert_ptr_nonnull(strstr(text, sum));       /* the evidence table */
    g_free(text);
    ck_assert_int_eq(tl(&out, &err, "report", "--db", db, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "(1 later runs found nothing new and are not in the figures: 2)"));
    ck_assert_ptr_null(strstr(out, "  run 2:"));
    ck_assert_ptr_nonnull(strstr(out, sum));
    g_free(out), g_free(err);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM runs WHERE length(rules_hash) = 64 AND tool_build <> ''"), 2);
    g_free(html), g_free(sum), g_free(build);
    g_string_free(m, TRUE);
    g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 6. Threads, and the leaked message carried on                       */
/* ------------------------------------------------------------------ */

START_TEST(test_threads_and_carriers)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "t.mbox", NULL), *db = g_build_filename(d, "t.db", NULL);
    GString *m = g_string_new(NULL);
    add_msg(m, "clerk@example.org", "john@army.ml", "Mon, 1 May 2023 10:00:00 +0000", "Message-ID: <p1@example.org>",
            "SSN: 741-22-3190");
    /* a follow-up quoting it, to the same wrong address */
    add_msg(m, "clerk@example.org", "john@army.ml", "Tue, 2 May 2023 10:00:00 +0000",
            "Message-ID: <r1@example.org>\nIn-Reply-To: <p1@example.org>\nReferences: <p1@example.org>",
            "Also this.\n\nOn Monday, clerk wrote:\n> SSN: 741-22-3190");
    /* a reply to that one, with In-Reply-To only */
    add_msg(m, "clerk@example.org", "john@army.ml", "Wed, 3 May 2023 10:00:00 +0000",
            "Message-ID: <r2@example.org>\nIn-Reply-To: <r1@example.org>", "Noted.");
    /* a forward, no reference, carrying the value in quoted text */
    add_msg(m, "other@example.org", "jane@navy.ml", "Thu, 4 May 2023 10:00:00 +0000", "Message-ID: <f1@example.org>",
            "FYI\n\n---------- Forwarded message ---------\nFrom: clerk@example.org\n\nSSN: 741-22-3190");
    tl_test_write_str(f, m->str);
    scan(db, f);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(DISTINCT thread_key) FROM messages WHERE id <= 3"), 1);
    char *t = tl_test_str(db, "SELECT thread_key FROM messages WHERE id = 3");
    ck_assert_str_eq(t, "p1@example.org");
    g_free(t);
    char *refs = tl_test_rows(db, "SELECT in_reply_to, refs FROM messages WHERE id = 2");
    ck_assert_str_eq(refs, "p1@example.org|[\"p1@example.org\"]");
    g_free(refs);
    ck_assert_int_eq(tl_test_int(db, "SELECT messages FROM threads WHERE thread_key = 'p1@example.org'"), 3);
    char *links = tl_test_rows(db, "SELECT DISTINCT message_id, leaked_message_id, link FROM leak_carriers"
                                   " ORDER BY message_id, leaked_message_id, link");
    ck_assert_str_eq(links, "2|1|quoted-value\n2|1|reference\n3|2|reference\n4|1|quoted-value");
    g_free(links);
    g_string_free(m, TRUE);
    g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* A chain of replies that carry only In-Reply-To, each before its parent
 * in the mbox: the first round of db/views.sql joins a message to its
 * grandparent's thread only, the second to the root's, and a round after
 * one that changed nothing reads no index (changes()): all five end in
 * the root's thread, and the rounds stop there. */
START_TEST(test_thread_chain_rounds)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "c.mbox", NULL), *db = g_build_filename(d, "c.db", NULL);
    GString *m = g_string_new(NULL);
    add_msg(m, "a@example.org", "john@army.ml", NULL, "Message-ID: <r4@example.org>\nIn-Reply-To: <r3@example.org>", NULL);
    add_msg(m, "a@example.org", "john@army.ml", NULL, "Message-ID: <r3@example.org>\nIn-Reply-To: <r2@example.org>", NULL);
    add_msg(m, "a@example.org", "john@army.ml", NULL, "Message-ID: <r2@example.org>\nIn-Reply-To: <r1@example.org>", NULL);
    add_msg(m, "a@example.org", "john@army.ml", NULL, "Message-ID: <r1@example.org>\nIn-Reply-To: <p1@example.org>", NULL);
    add_msg(m, "a@example.org", "john@army.ml", NULL, "Message-ID: <p1@example.org>", NULL);
    add_msg(m, "b@example.org", "jane@navy.ml", NULL, "Message-ID: <x1@example.org>", NULL);
    tl_test_write_str(f, m->str);
    scan(db, f);
    char *rows = tl_test_rows(db, "SELECT message_id, thread_key FROM messages ORDER BY id");
    ck_assert_str_eq(rows, "r4@example.org|p1@example.org\nr3@example.org|p1@example.org\nr2@example.org|p1@example.org\n"
                           "r1@example.org|p1@example.org\np1@example.org|p1@example.org\nx1@example.org|x1@example.org");
    g_free(rows);
    ck_assert_int_eq(tl_test_int(db, "SELECT messages FROM threads WHERE thread_key = 'p1@example.org'"), 5);
    g_string_free(m, TRUE);
    g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 7. Dates                                                            */
/* ------------------------------------------------------------------ */

START_TEST(test_dates_fallback)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "d.mbox", NULL), *db = g_build_filename(d, "d.db", NULL);
    GString *m = g_string_new(NULL);
    const char *rcv = "Received: from a by mx.example.org; Fri, 3 Feb 2023 10:00:00 +0100\n"
                      "Received: from b by a; Fri, 3 Feb 2023 09:00:00 +0100";
    add_msg(m, "a@example.org", "x1@army.ml", "Tue, 1 Jan 1980 00:00:00 +0000", rcv, NULL);
    add_msg(m, "a@example.org", "x2@army.ml", "Sat, 1 Jan 2099 00:00:00 +0000", rcv, NULL);
    add_msg(m, "a@example.org", "x3@army.ml", NULL, rcv, NULL);
    add_msg(m, "a@example.org", "x4@army.ml", "garbage", rcv, NULL);
    add_msg(m, "a@example.org", "x5@army.ml", "Tue, 1 Jan 1980 00:00:00 +0000", NULL, NULL);
    add_msg(m, "a@example.org", "x6@army.ml", "Mon, 1 May 2023 12:00:00 +0200", rcv, NULL);
    tl_test_write_str(f, m->str);
    scan(db, f);
    char *rows = tl_test_rows(db, "SELECT coalesce(date, '-'), coalesce(date_header_utc, '-'), coalesce(date_utc, '-'),"
                                  " coalesce(date_source, '-'), coalesce(date_flag, '-') FROM messages ORDER BY id");
    ck_assert_str_eq(rows,
                     "Tue, 1 Jan 1980 00:00:00 +0000|1980-01-01T00:00:00Z|2023-02-03T09:00:00Z|received|before-1990\n"
                     "Sat, 1 Jan 2099 00:00:00 +0000|2099-01-01T00:00:00Z|2023-02-03T09:00:00Z|received|future\n"
                     "-|-|2023-02-03T09:00:00Z|received|missing\n"
                     "garbage|-|2023-02-03T09:00:00Z|received|unparsable\n"
                     "Tue, 1 Jan 1980 00:00:00 +0000|1980-01-01T00:00:00Z|-|-|before-1990\n"
                     "Mon, 1 May 2023 12:00:00 +0200|2023-05-01T10:00:00Z|2023-05-01T10:00:00Z|header|-");
    g_free(rows);
    /* the periods see 2023, not 1980 or 2099 */
    JsonParser *p;
    JsonObject *r = report_json(&p, db, "--bucket", "year", NULL);
    ck_assert_int_eq(json_array_get_length(sec(r, "periods")), 1);
    ck_assert_int_eq(json_object_get_int_member(row(r, "periods", 0), "messages"), 5);
    g_object_unref(p);
    g_string_free(m, TRUE);
    g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 8. Addresses compared as addresses; typo domains as rows            */
/* ------------------------------------------------------------------ */

START_TEST(test_addresses_normalised)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "n.mbox", NULL), *db = g_build_filename(d, "n.db", NULL);
    GString *m = g_string_new(NULL);
    add_msg(m, "John Smith <John.Smith@ARMY.MIL>", "Ann.Roe@Army.ML, bob@navy.ml", "Mon, 1 May 2023 10:00:00 +0000",
            NULL, NULL);
    add_msg(m, "<john.smith@army.mil.>", "ann.roe@army.ml", "Tue, 2 May 2023 10:00:00 +0000", NULL, NULL);
    /* an internationalised mailbox in two cases (SQLite's lower() folds ASCII only) */
    add_msg(m, "clerk@example.org", "J\xc3\xb6ran@army.ml", "Wed, 3 May 2023 10:00:00 +0000", NULL, NULL);
    add_msg(m, "clerk@example.org", "J\xc3\x96RAN@army.ml", "Thu, 4 May 2023 10:00:00 +0000", NULL, NULL);
    tl_test_write_str(f, m->str);
    scan(db, f);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE from_addr = 'john.smith@army.mil'"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM recipients WHERE addr_norm = 'ann.roe@army.ml'"), 2);
    char *as_written = tl_test_str(db, "SELECT addr FROM recipients WHERE message_id = 1 ORDER BY id LIMIT 1");
    ck_assert_str_eq(as_written, "Ann.Roe@Army.ML");
    g_free(as_written);
    char *rows = tl_test_rows(db, "SELECT message_id, typo_domain, intended_domain FROM message_typo_domains"
                                  " ORDER BY message_id, typo_domain");
    ck_assert_str_eq(rows, "1|army.ml|army.mil\n1|navy.ml|navy.mil\n2|army.ml|army.mil\n3|army.ml|army.mil\n"
                           "4|army.ml|army.mil");
    g_free(rows);
    /* the report's recipients per typo domain: one mailbox, however written */
    JsonParser *p;
    JsonObject *r = report_json(&p, db, NULL);
    JsonArray *a = sec(r, "domain_recipients");
    guint army = 0;
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        if (strcmp(json_object_get_string_member(o, "typo_domain"), "army.ml") != 0)
            continue;
        army++;
        const char *addr = json_object_get_string_member(o, "typo_address");
        ck_assert_msg(strcmp(addr, "ann.roe@army.ml") == 0 || strcmp(addr, "j\xc3\xb6ran@army.ml") == 0, "%s", addr);
        ck_assert_int_eq(json_object_get_int_member(o, "messages"), 2);
    }
    ck_assert_int_eq(army, 2);
    g_object_unref(p);
    g_string_free(m, TRUE);
    g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 9. Raw messages                                                     */
/* ------------------------------------------------------------------ */

START_TEST(test_extract_and_show_json)
{
    char *d = tl_test_tmpdir();
    char *db = g_build_filename(d, "x.db", NULL), *plain = g_build_filename(d, "plain.mbox", NULL);
    char *nested = g_build_filename(d, "evidence.tar.gz", NULL), *got = g_build_filename(d, "got.eml", NULL);
    const char *inner = "From: clerk@example.org\nTo: deep@army.ml\nSubject: deep\nMessage-ID: <deep@example.org>\n"
                        "Date: Mon, 1 May 2023 10:00:00 +0000\n\nin a zip in a tar.gz\n";
    GByteArray *msg = tl_test_bytes(inner);
    const char *zn[] = { "mail/deep.eml" };
    const GByteArray *zd[] = { msg };
    GByteArray *zip = tl_test_archive_mem("zip", 1, zn, zd);
    const char *tn[] = { "box/inner.zip" };
    const GByteArray *td[] = { zip };
    tl_test_archive(nested, "tar.gz", 1, tn, td);
    GString *m = g_string_new(NULL);
    add_msg(m, "a@example.org", "one@navy.ml", "Mon, 1 May 2023 10:00:00 +0000", "Message-ID: <one@example.org>", NULL);
    add_msg(m, "a@example.org", "two@navy.ml", "Mon, 1 May 2023 11:00:00 +0000", "Message-ID: <two@example.org>", NULL);
    tl_test_write_str(plain, m->str);
    char *out, *err;
    ck_assert_int_eq(tl(&out, &err, "scan", plain, nested, "--db", db, "--quiet", NULL), 0);
    g_free(out), g_free(err);
    /* from inside two archives */
    ck_assert_int_eq(tl(&out, &err, "extract", "--db", db, "deep@example.org", "-o", got, NULL), 0);
    ck_assert_ptr_nonnull(strstr(err, "as recorded"));
    g_free(out), g_free(err);
    char *text = NULL;
    gsize len = 0;
    ck_assert(g_file_get_contents(got, &text, &len, NULL));
    ck_assert_uint_eq(len, strlen(inner));
    ck_assert(memcmp(text, inner, len) == 0);
    g_free(text);
    /* from the middle of an mbox on disk, to standard output */
    ck_assert_int_eq(tl(&out, &err, "extract", "--db", db, "<two@example.org>", "-o", "-", NULL), 0);
    ck_assert(g_str_has_prefix(out, "From: a@example.org\nTo: two@navy.ml\n"));
    ck_assert_ptr_null(strstr(out, "one@navy.ml"));
    char *sha = tl_test_str(db, "SELECT sha256 FROM messages WHERE message_id = 'two@example.org'");
    char *mine = g_compute_checksum_for_string(G_CHECKSUM_SHA256, out, -1);
    ck_assert_str_eq(sha, mine);
    g_free(mine), g_free(sha);
    g_free(out), g_free(err);
    /* a PART is the attachments' form: not yet */
    ck_assert_int_eq(tl(&out, &err, "extract", "--db", db, "two@example.org", "2", "-o", got, NULL), 2);
    g_free(out), g_free(err);
    /* evidence changed since the scan: refused, nothing written */
    g_unlink(got);
    GString *changed = g_string_new(m->str);
    char *at = strstr(changed->str, "two@navy.ml");
    at[0] = 'T';
    tl_test_write_str(plain, changed->str);
    ck_assert_int_eq(tl(&out, &err, "extract", "--db", db, "two@example.org", "-o", got, NULL), 1);
    ck_assert_ptr_nonnull(strstr(err, "not the recorded"));
    ck_assert(!g_file_test(got, G_FILE_TEST_EXISTS));
    g_free(out), g_free(err);
    /* show --format json */
    ck_assert_int_eq(tl(&out, &err, "show", "--db", db, "--format", "json", "deep@example.org", NULL), 0);
    JsonParser *p;
    JsonObject *r = parse(&p, out);
    ck_assert_str_eq(json_object_get_string_member(json_object_get_object_member(r, "message"), "message_id"),
                     "deep@example.org");
    JsonObject *occ = json_array_get_object_element(json_object_get_array_member(r, "occurrences"), 0);
    ck_assert_str_eq(json_object_get_string_member(occ, "member"), "mail/deep.eml");
    JsonObject *rc = json_array_get_object_element(json_object_get_array_member(r, "recipients"), 0);
    ck_assert_str_eq(json_object_get_string_member(rc, "typo_domain"), "army.ml");
    g_object_unref(p);
    g_free(out), g_free(err);
    g_string_free(changed, TRUE);
    g_string_free(m, TRUE);
    g_byte_array_free(zip, TRUE);
    g_byte_array_free(msg, TRUE);
    g_free(db), g_free(plain), g_free(nested), g_free(got);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

Suite *
suite_auditor(void)
{
    Suite *s = suite_create("auditor");
    TCase *t = tcase_create("audit");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_periods_and_filters);
    tcase_add_test(t, test_sender_orgs_and_people);
    tcase_add_test(t, test_counts_without_doubles);
    tcase_add_test(t, test_triage_reason_first);
    tcase_add_test(t, test_custody_manifest);
    tcase_add_test(t, test_threads_and_carriers);
    tcase_add_test(t, test_thread_chain_rounds);
    tcase_add_test(t, test_dates_fallback);
    tcase_add_test(t, test_addresses_normalised);
    tcase_add_test(t, test_extract_and_show_json);
    suite_add_tcase(s, t);
    return s;
}
