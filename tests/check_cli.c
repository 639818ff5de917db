/*
 * check_cli.c - the typoleak command as a user runs it: exit codes,
 * messages, the scan summary and the report.  TYPOLEAK names the binary.
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <utime.h>

#include "tl_test.h"

/* Runs the binary with args in directory cwd (NULL: the current one);
 * returns its exit status, with stdout and stderr in out and err. */
static int
run_va(const char *cwd, char **out, char **err, va_list ap)
{
    GPtrArray *argv = g_ptr_array_new();
    const char *bin = g_getenv("TYPOLEAK");
    char *abs = g_canonicalize_filename(bin ? bin : "../typoleak", NULL);
    g_ptr_array_add(argv, abs);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL)
        g_ptr_array_add(argv, (gpointer)a);
    g_ptr_array_add(argv, NULL);
    int status = -1;
    GError *e = NULL;
    ck_assert_msg(g_spawn_sync(cwd, (char **)argv->pdata, NULL, 0, NULL, NULL, out, err, &status, &e),
                  "spawn %s: %s", (char *)argv->pdata[0], e ? e->message : "?");
    g_ptr_array_free(argv, TRUE);
    g_free(abs);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
run(char **out, char **err, ...)
{
    va_list ap;
    va_start(ap, err);
    int rc = run_va(NULL, out, err, ap);
    va_end(ap);
    return rc;
}

static int
run_in(const char *cwd, char **out, char **err, ...)
{
    va_list ap;
    va_start(ap, err);
    int rc = run_va(cwd, out, err, ap);
    va_end(ap);
    return rc;
}

START_TEST(test_usage_errors)
{
    char *out, *err;
    ck_assert_int_eq(run(&out, &err, NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "usage: typoleak COMMAND"));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "frobnicate", NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "typoleak: unknown command 'frobnicate'"));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "scan", "/tmp", NULL), 2);        /* no --db */
    ck_assert_ptr_nonnull(strstr(err, "--db FILE"));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "scan", "x", "--db", "y.db", "--protect", "bad domain", NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "not a domain name"));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "scan", "x", "--db", "y.db", "--index-text", "all", "--classify", "none", NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "--index-text all reads every message's text"));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "scan", "x", "--db", "y.db", "--index-text", "some", NULL), 2);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "report", "--db", "/nonexistent/x.db", NULL), 1);
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "--version", NULL), 0);
    ck_assert_str_eq(out, "typoleak " TL_VERSION "\n");
    g_free(out);
    g_free(err);
}
END_TEST

START_TEST(test_scan_and_report)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "sent.mbox", NULL), *db = g_build_filename(d, "c.db", NULL);
    char *mb = tl_test_mbox(12, "ops@corp.exampel", 4);
    tl_test_write_str(f, mb);
    char *out, *err;
    /* --protect adds a domain; the summary line is on stderr. */
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", db, "-j", "2", "--protect", "corp.example", NULL), 0);
    ck_assert_ptr_nonnull(strstr(err, "12 messages (12 new, 0 duplicates), 3 typo recipients, 0 findings, 0 error rows"));
    g_free(out);
    g_free(err);
    /* the same file again: skipped, unless --rescan reads it again */
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", db, "--quiet", "--rescan", NULL), 0);
    ck_assert_str_eq(err, "");                       /* --quiet: nothing */
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "report", "--db", db, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "corp.exampel"));
    ck_assert_ptr_nonnull(strstr(out, "swapped \"le\" to \"el\" in the TLD \"example\""));
    ck_assert_ptr_nonnull(strstr(out, "24 occurrences, 12 distinct"));
    g_free(out);
    g_free(err);
    g_free(mb);
    g_free(f);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* Chain of custody: verify re-hashes what a scan read (paths relative to
 * the scan's directory, from anywhere) and names what changed, went
 * missing or only got a new mtime; exit status 3 then. */
START_TEST(test_verify)
{
    char *d = tl_test_tmpdir();
    char *ev = g_build_filename(d, "evidence", NULL);
    char *a = g_build_filename(ev, "a.eml", NULL), *b = g_build_filename(ev, "b.mbox", NULL),
         *c = g_build_filename(ev, "c.eml", NULL), *db = g_build_filename(d, "case.db", NULL);
    char *mb = tl_test_mbox(3, "ops@corp.exampel", 1);
    tl_test_write_str(a, "From: x@example.org\nTo: y@army.ml\nSubject: a\n\nbody a\n");
    tl_test_write_str(b, mb);
    tl_test_write_str(c, "From: x@example.org\nTo: y@army.ml\nSubject: c\n\nbody c\n");
    char *out, *err;
    ck_assert_int_eq(run_in(d, &out, &err, "scan", "evidence", "--db", "case.db", "--quiet", NULL), 0);
    g_free(out), g_free(err);
    /* from the tests' directory: relative paths resolve against the scan's */
    ck_assert_int_eq(run(&out, &err, "verify", "--db", db, NULL), 0);
    ck_assert_str_eq(out, "3 files: 3 unchanged (0 with a new mtime), 0 changed, 0 missing, 0 unreadable\n");
    g_free(out), g_free(err);

    /* one file grows, one goes, one is touched */
    char *more = g_strconcat(mb, "\n", NULL);
    tl_test_write_str(b, more);
    ck_assert_int_eq(g_unlink(c), 0);
    struct utimbuf ut = { 1000000000, 1000000000 };
    ck_assert_int_eq(utime(a, &ut), 0);
    ck_assert_int_eq(run(&out, &err, "verify", "--db", db, NULL), 3);
    ck_assert_ptr_nonnull(strstr(out, "touched  evidence/a.eml: same content, mtime "));
    ck_assert_ptr_nonnull(strstr(out, " -> 2001-09-09T01:46:40Z\n"));
    ck_assert_ptr_nonnull(strstr(out, "changed  evidence/b.mbox: size "));
    ck_assert_ptr_nonnull(strstr(out, "missing  evidence/c.eml\n"));
    ck_assert_ptr_nonnull(strstr(out, "3 files: 1 unchanged (1 with a new mtime), 1 changed, 1 missing, 0 unreadable\n"));
    g_free(out), g_free(err);
    /* not a database */
    ck_assert_int_eq(run(&out, &err, "verify", "--db", a, NULL), 1);
    ck_assert_ptr_nonnull(strstr(err, "typoleak: "));
    g_free(out), g_free(err);
    g_free(more), g_free(mb);
    g_free(a), g_free(b), g_free(c), g_free(db), g_free(ev);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* export: JSON Lines (one object per row, typed values, every table) and
 * CSV (a file per table, RFC 4180 quoting, formulas defused); show: one
 * message's record. */
START_TEST(test_export)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "m.mbox", NULL), *db = g_build_filename(d, "e.db", NULL);
    char *csvdir = g_build_filename(d, "csv", NULL);
    tl_test_write_str(f, "From a@example.org Mon May  1 10:00:00 2023\n"
                         "From: clerk@example.org\nTo: john.doe@army.ml\nSubject: =SUM(1,2) \"x\"\n"
                         "Date: Mon, 1 May 2023 10:00:00 +0000\n\nSSN: 741-22-3190\n\n");
    char *out, *err;
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", db, "--quiet", NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(run(&out, &err, "export", "--db", db, NULL), 0);
    char **lines = g_strsplit(out, "\n", -1);
    int n[3] = { 0 };
    for (char **l = lines; *l && **l; l++) {
        JsonParser *p = json_parser_new();
        ck_assert_msg(json_parser_load_from_data(p, *l, -1, NULL), "not JSON: %s", *l);
        JsonObject *o = json_node_get_object(json_parser_get_root(p));
        const char *t = json_object_get_string_member(o, "table");
        if (strcmp(t, "messages") == 0) {
            n[0]++;
            ck_assert_str_eq(json_object_get_string_member(o, "subject"), "=SUM(1,2) \"x\"");
            ck_assert_str_eq(json_object_get_string_member(o, "severity"), "S2");
            ck_assert_int_eq(json_object_get_int_member(o, "first_offset"), 44);
        } else if (strcmp(t, "typo_hits") == 0) {
            n[1]++;
            ck_assert_str_eq(json_object_get_string_member(o, "intended_addr"), "john.doe@army.mil");
        } else {
            n[2]++;
            ck_assert_str_eq(json_object_get_string_member(o, "masked"), "***-**-3190");
            ck_assert_int_eq(json_object_get_int_member(o, "score"), 85);
        }
        g_object_unref(p);
    }
    ck_assert(n[0] == 1 && n[1] == 1 && n[2] == 1);
    ck_assert_ptr_null(strstr(out, "741-22-3190"));
    g_strfreev(lines);
    g_free(out), g_free(err);

    ck_assert_int_eq(run(&out, &err, "export", "--db", db, "--format", "csv", "-o", csvdir, NULL), 0);
    g_free(out), g_free(err);
    char *path = g_build_filename(csvdir, "messages.csv", NULL), *csv = NULL;
    ck_assert(g_file_get_contents(path, &csv, NULL, NULL));
    ck_assert(g_str_has_prefix(csv, "message_id,sha256,size,"));
    ck_assert_ptr_nonnull(strstr(csv, ",\"'=SUM(1,2) \"\"x\"\"\","));
    g_free(csv), g_free(path);
    path = g_build_filename(csvdir, "findings.csv", NULL);
    ck_assert(g_file_get_contents(path, &csv, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(csv, ",ssn,PII.GOVID,HIGH,85,***-**-3190,"));
    g_free(csv), g_free(path);

    /* one table on standard output; several need a folder */
    ck_assert_int_eq(run(&out, &err, "export", "--db", db, "--format", "csv", "--table", "typo_hits", NULL), 0);
    ck_assert(g_str_has_prefix(out, "hit_id,message_id,"));
    g_free(out), g_free(err);
    ck_assert_int_eq(run(&out, &err, "export", "--db", db, "--format", "csv", NULL), 2);
    g_free(out), g_free(err);
    ck_assert_int_eq(run(&out, &err, "export", "--db", db, "--table", "nope", NULL), 2);
    g_free(out), g_free(err);

    /* show: by number, SHA-256 prefix or Message-ID */
    ck_assert_int_eq(run(&out, &err, "show", "--db", db, "1", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "  subject     =SUM(1,2) \"x\"\n"));
    ck_assert_ptr_nonnull(strstr(out, "  To       john.doe@army.ml\n           ALERT: meant john.doe@army.mil; "));
    ck_assert_ptr_nonnull(strstr(out, "ssn              PII.GOVID    HIGH    85  ***-**-3190  at 5+11 (decoded 5)"));
    ck_assert_ptr_nonnull(strstr(out, "m.mbox  offset 44, "));
    ck_assert_ptr_nonnull(strstr(out, " (From_ line at 0); run 1\n"));
    ck_assert_ptr_null(strstr(out, "741-22-3190"));
    char *sha = tl_test_str(db, "SELECT substr(sha256, 1, 12) FROM messages");
    char *by_sha = NULL, *e2 = NULL;
    ck_assert_int_eq(run(&by_sha, &e2, "show", "--db", db, sha, NULL), 0);
    ck_assert_str_eq(by_sha, out);
    g_free(by_sha), g_free(e2), g_free(sha);
    g_free(out), g_free(err);
    ck_assert_int_eq(run(&out, &err, "show", "--db", db, "nosuch@example.org", NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "no message 'nosuch@example.org'"));
    g_free(out), g_free(err);
    g_free(csvdir), g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* report --format json|csv|html: one versioned JSON document, one CSV per
 * section, one self-contained HTML file whose charts and tables a real
 * browser renders (headless Chromium, when installed). */
START_TEST(test_report_formats)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "m.mbox", NULL), *db = g_build_filename(d, "r.db", NULL);
    char *html = g_build_filename(d, "r.html", NULL), *csvdir = g_build_filename(d, "csv", NULL);
    tl_test_write_str(f, "From a@example.org Mon May  1 10:00:00 2023\n"
                         "From: clerk@example.org\nTo: john.doe@army.ml\nSubject: <script>alert(1)</script> & co\n"
                         "Date: Mon, 1 May 2023 10:00:00 +0000\n\nSSN: 741-22-3190\n\n"
                         "From a@example.org Tue Jun  6 10:00:00 2023\n"
                         "From: clerk@example.org\nTo: john.doe@army.ml, jane.roe@navy.ml\nSubject: roster\n"
                         "Date: Tue, 6 Jun 2023 10:00:00 +0000\n\nsee attached\n\n> SSN: 741-22-3191\n\n");
    char *out, *err;
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", db, "--quiet", NULL), 0);
    g_free(out), g_free(err);

    /* JSON */
    ck_assert_int_eq(run(&out, &err, "report", "--db", db, "--format", "json", NULL), 0);
    JsonParser *p = json_parser_new();
    ck_assert(json_parser_load_from_data(p, out, -1, NULL));
    JsonObject *r = json_node_get_object(json_parser_get_root(p));
    ck_assert_str_eq(json_object_get_string_member(r, "format"), "typoleak-report");
    ck_assert_int_eq(json_object_get_int_member(r, "version"), 2);
    JsonObject *tot = json_array_get_object_element(json_object_get_array_member(r, "totals"), 0);
    ck_assert_int_eq(json_object_get_int_member(tot, "flagged_messages"), 2);
    ck_assert_int_eq(json_object_get_int_member(tot, "findings"), 2);
    JsonObject *fs = json_array_get_object_element(json_object_get_array_member(r, "findings"), 0);
    ck_assert_int_eq(json_object_get_int_member(fs, "findings"), 2);
    ck_assert_int_eq(json_object_get_int_member(fs, "in_quoted_text"), 1);
    ck_assert_int_eq(json_object_get_int_member(fs, "distinct_values"), 2);
    JsonArray *months = json_object_get_array_member(r, "monthly");
    ck_assert_uint_eq(json_array_get_length(months), 2);
    ck_assert_str_eq(json_object_get_string_member(json_array_get_object_element(months, 1), "month"), "2023-06");
    JsonObject *t0 = json_array_get_object_element(json_object_get_array_member(r, "triage"), 0);
    ck_assert_str_eq(json_object_get_string_member(t0, "severity"), "S2");
    ck_assert_str_eq(json_object_get_string_member(t0, "evidence"), "ssn ***-**-3190");
    ck_assert_int_eq(json_object_get_int_member(t0, "offset"), 44);
    JsonArray *mbd = json_object_get_array_member(r, "monthly_by_domain");
    ck_assert_uint_eq(json_array_get_length(mbd), 3);     /* army.ml in May and June, navy.ml in June */
    JsonArray *doms = json_object_get_array_member(r, "typo_domains");
    ck_assert_uint_eq(json_array_get_length(doms), 2);
    JsonObject *army = json_array_get_object_element(doms, 0);
    ck_assert_str_eq(json_object_get_string_member(army, "typo_domain"), "army.ml");
    ck_assert_int_eq(json_object_get_int_member(army, "messages"), 2);
    ck_assert_int_eq(json_object_get_int_member(army, "intended_recipients"), 1);
    ck_assert_str_eq(json_object_get_string_member(army, "peak_day"), "2023-05-01");
    JsonObject *intended = json_array_get_object_element(json_object_get_array_member(r, "intended_domains"), 0);
    ck_assert_str_eq(json_object_get_string_member(intended, "intended_domain"), "army.mil");
    ck_assert_str_eq(json_object_get_string_member(intended, "peak_day"), "2023-05-01");
    JsonObject *snd = json_array_get_object_element(json_object_get_array_member(r, "senders"), 0);
    ck_assert_str_eq(json_object_get_string_member(snd, "typo_address"), "john.doe@army.ml");
    ck_assert_int_eq(json_object_get_int_member(snd, "messages"), 2);
    ck_assert_ptr_null(strstr(out, "741-22-3190"));
    g_object_unref(p);
    g_free(out), g_free(err);

    /* CSV: one file per section */
    ck_assert_int_eq(run(&out, &err, "report", "--db", db, "--format", "csv", "-o", csvdir, NULL), 0);
    g_free(out), g_free(err);
    char *path = g_build_filename(csvdir, "typo_domains.csv", NULL), *csv = NULL;
    ck_assert(g_file_get_contents(path, &csv, NULL, NULL));
    ck_assert(g_str_has_prefix(csv, "typo_domain,intended_domain,exposure,class,alert,score,messages,"));
    g_free(csv), g_free(path);
    ck_assert_int_eq(run(&out, &err, "report", "--db", db, "--format", "csv", NULL), 2);
    g_free(out), g_free(err);

    /* HTML: self-contained, escaped */
    ck_assert_int_eq(run(&out, &err, "report", "--db", db, "--format", "html", "-o", html, NULL), 0);
    g_free(out), g_free(err);
    char *page = NULL;
    ck_assert(g_file_get_contents(html, &page, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    ck_assert_ptr_null(strstr(page, "<script>alert(1)"));
    ck_assert_ptr_null(strstr(page, " src="));
    ck_assert_ptr_null(strstr(page, "<link"));
    ck_assert_ptr_null(strstr(page, "741-22-3190"));
    ck_assert_ptr_nonnull(strstr(page, "id=\"chart-monthly\""));
    g_free(page);

    /* a real browser runs it: charts drawn, every table made sortable */
    char *chromium = g_find_program_in_path("chromium");
    if (!chromium)
        fprintf(stderr, "note: chromium is not installed: the HTML report is not rendered in a browser\n");
    else {
        char *url = g_strconcat("file://", html, NULL), *dom = NULL, *cerr = NULL;
        const char *argv[] = { chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                               "--dump-dom", url, NULL };
        int status = -1;
        ck_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &dom, &cerr, &status, NULL));
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "chromium: %s", cerr);
        int tables = 0, ready = 0, rects = 0;
        for (const char *c = dom; (c = strstr(c, "<table class=\"sortable\"")); c++)
            tables++;
        for (const char *c = dom; (c = strstr(c, "data-sortable=\"ready\"")); c++)
            ready++;
        for (const char *c = dom; (c = strstr(c, "<rect ")); c++)
            rects++;
        ck_assert_int_ge(tables, 8);
        ck_assert_int_eq(ready, tables);
        ck_assert_int_ge(rects, 2 + 2 + 1 + 1);
        static const char *const charts[] = { "chart-monthly", "chart-domains", "chart-severity", "chart-categories" };
        for (size_t i = 0; i < G_N_ELEMENTS(charts); i++) {
            char *id = g_strdup_printf("<svg id=\"%s\"", charts[i]);
            ck_assert_msg(strstr(dom, id) != NULL, "%s not rendered", charts[i]);
            g_free(id);
        }
        ck_assert_ptr_nonnull(strstr(dom, "id=\"table-triage\""));
        g_free(dom), g_free(cerr), g_free(url);
        g_free(chromium);
    }
    g_free(html), g_free(csvdir), g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* The evidence of the resume tests: mbox files, a Maildir, a tar.gz with
 * two members, single messages; typo recipients, an SSN. */
static char *
resume_corpus(const char *d)
{
    char *ev = g_build_filename(d, "ev", NULL);
    for (int i = 0; i < 3; i++) {
        char *name = g_strdup_printf("%s/box%d.mbox", ev, i), *mb = tl_test_mbox(15 + i, "ops@army.ml", 3);
        tl_test_write_str(name, mb);
        g_free(name), g_free(mb);
    }
    for (int i = 0; i < 8; i++) {
        char *name = g_strdup_printf("%s/Maildir/cur/%d.host:2,S", ev, 1000 + i), *m = tl_test_message(100 + i, "x@navy.ml");
        tl_test_write_str(name, m);
        g_free(name), g_free(m);
        name = g_strdup_printf("%s/single%d.eml", ev, i);
        m = g_strdup_printf("From: a@example.org\nTo: b%d@army.ml\nSubject: s%d\n\nSSN: 741-22-%04d\n", i, i, 3100 + i);
        tl_test_write_str(name, m);
        g_free(name), g_free(m);
    }
    char *mb1 = tl_test_mbox(9, "c@army.ml", 2), *mb2 = tl_test_mbox(6, "d@gmial.com", 1);
    GByteArray *b1 = tl_test_bytes(mb1), *b2 = tl_test_bytes(mb2);
    const char *names[] = { "in/a.mbox", "in/b.mbox" };
    const GByteArray *datas[] = { b1, b2 };
    char *tgz = g_build_filename(ev, "export.tar.gz", NULL);
    tl_test_archive(tgz, "tar.gz", 2, names, datas);
    g_byte_array_unref(b1), g_byte_array_unref(b2);
    g_free(mb1), g_free(mb2), g_free(tgz);
    return ev;
}

static const char counts_sql[] =
    "SELECT (SELECT count(*) FROM messages) || ' ' || (SELECT count(*) FROM occurrences) || ' ' ||"
    " (SELECT count(*) FROM recipients) || ' ' || (SELECT count(*) FROM typo_hits) || ' ' ||"
    " (SELECT count(*) FROM findings) || ' ' || (SELECT count(*) FROM errors) || ' ' ||"
    " (SELECT count(*) FROM sources) || ' ' || (SELECT count(*) FROM message_text)";

/* Killed (SIGKILL) at many points, or stopped with Ctrl-C, a scan leaves a
 * consistent database; the same command again completes it with exactly
 * the counts of an uninterrupted scan.  A completed scan run again skips
 * the unchanged files; a changed file is read again; --rescan reads all. */
START_TEST(test_kill_and_resume)
{
    char *d = tl_test_tmpdir();
    char *ev = resume_corpus(d);
    char *base = g_build_filename(d, "base.db", NULL);
    char *out, *err;
    ck_assert_int_eq(run(&out, &err, "scan", ev, "--db", base, "-j", "2", "--quiet", NULL), 0);
    g_free(out), g_free(err);
    char *want = tl_test_str(base, "%s", counts_sql);
    int64_t jobs = tl_test_int(base, "SELECT (SELECT count(*) FROM sources) * 2 + (SELECT count(*) FROM occurrences)");
    ck_assert_int_gt(jobs, 60);

    g_setenv("TYPOLEAK_TEST_BATCH_JOBS", "5", TRUE);
    const int points[] = { 1, 4, 11, 23, 37, 52, (int)jobs - 3 };
    for (size_t i = 0; i < G_N_ELEMENTS(points) * 2; i++) {
        const char *j = i % 2 ? "2" : "1";
        char *db = g_strdup_printf("%s/k%zu.db", d, i), *n = g_strdup_printf("%d", points[i / 2]);
        g_setenv("TYPOLEAK_TEST_KILL_AFTER_JOBS", n, TRUE);
        int rc = run(&out, &err, "scan", ev, "--db", db, "-j", j, "--quiet", NULL);
        g_free(out), g_free(err);
        ck_assert_msg(rc == -1, "killed at job %s: exit %d", n, rc);    /* by a signal */
        g_unsetenv("TYPOLEAK_TEST_KILL_AFTER_JOBS");
        ck_assert_int_eq(run(&out, &err, "scan", ev, "--db", db, "-j", j, NULL), 0);
        g_free(out), g_free(err);
        char *got = tl_test_str(db, "%s", counts_sql);
        ck_assert_msg(strcmp(got, want) == 0, "killed at job %s, -j %s: %s, uninterrupted %s", n, j, got, want);
        ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM runs WHERE status = 'interrupted'"), 1);
        ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE status = 'reading'"), 0);
        g_free(got), g_free(n), g_free(db);
    }

    /* Ctrl-C: exit 130, how to resume, a run marked interrupted */
    char *db = g_build_filename(d, "int.db", NULL);
    g_setenv("TYPOLEAK_TEST_INTERRUPT_AFTER_JOBS", "30", TRUE);
    ck_assert_int_eq(run(&out, &err, "scan", ev, "--db", db, "-j", "1", NULL), 130);
    g_unsetenv("TYPOLEAK_TEST_INTERRUPT_AFTER_JOBS");
    ck_assert_ptr_nonnull(strstr(err, "Run the same command again to finish"));
    g_free(out), g_free(err);
    char *status = tl_test_str(db, "SELECT status FROM runs");
    ck_assert_str_eq(status, "interrupted");
    g_free(status);
    ck_assert_int_eq(run(&out, &err, "scan", ev, "--db", db, "-j", "2", NULL), 0);
    ck_assert_ptr_nonnull(strstr(err, "resumed an interrupted run"));
    g_free(out), g_free(err);
    char *got = tl_test_str(db, "%s", counts_sql);
    ck_assert_str_eq(got, want);
    g_free(got);
    g_unsetenv("TYPOLEAK_TEST_BATCH_JOBS");

    /* again: everything unchanged is skipped, nothing is added */
    ck_assert_int_eq(run(&out, &err, "scan", ev, "--db", db, NULL), 0);
    ck_assert_ptr_nonnull(strstr(err, "0 containers, 0 messages"));
    ck_assert_ptr_nonnull(strstr(err, "20 files unchanged since an earlier run were skipped"));
    g_free(out), g_free(err);
    got = tl_test_str(db, "%s", counts_sql);
    ck_assert_str_eq(got, want);
    g_free(got);
    /* a changed file is read again (its earlier record stays) */
    char *single = g_build_filename(ev, "single0.eml", NULL);
    tl_test_write_str(single, "From: a@example.org\nTo: b0@army.ml\nSubject: s0 changed\n\nhello\n");
    ck_assert_int_eq(run(&out, &err, "scan", ev, "--db", db, NULL), 0);
    ck_assert_ptr_nonnull(strstr(err, "1 containers, 1 messages (1 new, 0 duplicates)"));
    g_free(out), g_free(err);
    /* --rescan reads everything */
    ck_assert_int_eq(run(&out, &err, "scan", ev, "--db", db, "--rescan", NULL), 0);
    ck_assert_ptr_null(strstr(err, "unchanged since"));
    g_free(out), g_free(err);

    g_free(single), g_free(db), g_free(want), g_free(base), g_free(ev);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* merge: two databases of two parts of the evidence (sharing one file)
 * give the counts of one scan of the whole; merging one again adds
 * nothing; an input under another case key is refused. */
START_TEST(test_merge)
{
    char *d = tl_test_tmpdir();
    char *ev = resume_corpus(d);
    char *key = g_build_filename(d, "case.key", NULL), *key2 = g_build_filename(d, "other.key", NULL);
    tl_test_write_str(key, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
    tl_test_write_str(key2, "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n");
    char *maildir = g_build_filename(ev, "Maildir", NULL), *box0 = g_build_filename(ev, "box0.mbox", NULL);
    char *box1 = g_build_filename(ev, "box1.mbox", NULL), *box2 = g_build_filename(ev, "box2.mbox", NULL);
    char *tgz = g_build_filename(ev, "export.tar.gz", NULL), *one = g_build_filename(ev, "single1.eml", NULL);
    char *a = g_build_filename(d, "a.db", NULL), *b = g_build_filename(d, "b.db", NULL), *c = g_build_filename(d, "c.db", NULL);
    char *m = g_build_filename(d, "m.db", NULL), *x = g_build_filename(d, "x.db", NULL);
    /* an input whose name a URI would misread */
    char *b_odd = g_build_filename(d, "b?100%#.db", NULL);
    char *out, *err;
    /* the whole at once, and in two parts that share box1.mbox */
    ck_assert_int_eq(run(&out, &err, "scan", maildir, box0, box1, box2, tgz, one, "--db", c, "--case-key", key,
                         "--quiet", NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(run(&out, &err, "scan", maildir, box0, box1, "--db", a, "--case-key", key, "--quiet", NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(run(&out, &err, "scan", box1, box2, tgz, one, "--db", b, "--case-key", key, "--quiet", NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(g_rename(b, b_odd), 0);
    ck_assert_int_eq(run(&out, &err, "merge", m, a, b_odd, NULL), 0);
    ck_assert_ptr_nonnull(strstr(err, "1 sources left out"));
    g_free(out), g_free(err);
    static const char q[] = "SELECT (SELECT count(*) FROM messages) || ' ' || (SELECT count(*) FROM occurrences) || ' ' ||"
                            " (SELECT count(*) FROM typo_hits) || ' ' || (SELECT count(*) FROM findings) || ' ' ||"
                            " (SELECT count(DISTINCT vhash) FROM findings) || ' ' || (SELECT count(*) FROM sources)"
                            " || ' ' || (SELECT count(*) FROM domains) || ' ' || (SELECT count(*) FROM message_text)";
    char *whole = tl_test_str(c, "%s", q), *merged = tl_test_str(m, "%s", q);
    ck_assert_str_eq(merged, whole);
    g_free(merged);
    /* again: nothing new */
    ck_assert_int_eq(run(&out, &err, "merge", m, a, NULL), 0);
    ck_assert_ptr_nonnull(strstr(err, "merged "));
    ck_assert_ptr_nonnull(strstr(err, ": 0 new messages"));
    g_free(out), g_free(err);
    merged = tl_test_str(m, "%s", q);
    ck_assert_str_eq(merged, whole);
    g_free(merged);
    ck_assert_int_eq(tl_test_int(m, "SELECT count(*) FROM runs WHERE json_extract(settings, '$.merge') IS NOT NULL"), 2);
    /* another case key: refused, nothing written */
    ck_assert_int_eq(run(&out, &err, "scan", one, "--db", x, "--case-key", key2, "--quiet", NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(run(&out, &err, "merge", m, x, NULL), 1);
    ck_assert_ptr_nonnull(strstr(err, "another case key"));
    g_free(out), g_free(err);
    merged = tl_test_str(m, "%s", q);
    ck_assert_str_eq(merged, whole);
    g_free(merged), g_free(whole);
    g_free(a), g_free(b), g_free(b_odd), g_free(c), g_free(m), g_free(x), g_free(key), g_free(key2);
    g_free(maildir), g_free(box0), g_free(box1), g_free(box2), g_free(tgz), g_free(one), g_free(ev);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* On a terminal the scan draws a progress line on stderr (script(1) gives
 * it one); --quiet draws none. */
START_TEST(test_progress_line)
{
    if (!g_file_test("/usr/bin/script", G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr, "note: script(1) absent: progress-line test skipped\n");
        return;
    }
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "a.mbox", NULL), *db = g_build_filename(d, "c.db", NULL);
    char *mb = tl_test_mbox(20, "x@army.ml", 2);
    tl_test_write_str(f, mb);
    const char *bin = g_getenv("TYPOLEAK") ? g_getenv("TYPOLEAK") : "../typoleak";
    char *cmd = g_strdup_printf("%s scan %s --db %s -j 2", bin, f, db);
    char *out = NULL, *err = NULL;
    int status = -1;
    const char *argv[] = { "/usr/bin/script", "-qec", cmd, "/dev/null", NULL };
    ck_assert(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "scan under script: %s", out);
    ck_assert_ptr_nonnull(strstr(out, "\r"));
    ck_assert_ptr_nonnull(strstr(out, "20 messages"));
    ck_assert_ptr_nonnull(strstr(out, "msg/s"));
    g_free(out);
    g_free(err);
    g_free(cmd);
    cmd = g_strdup_printf("%s scan %s --db %s --quiet", bin, f, db);
    argv[2] = cmd;
    ck_assert(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
    ck_assert_ptr_null(strstr(out, "msg/s"));
    g_free(out);
    g_free(err);
    g_free(cmd);
    g_free(mb);
    g_free(f);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* `check`: one verdict per address, from the arguments or stdin, as text or
 * JSON lines with the documented fields. */
START_TEST(test_check_command)
{
    char *out, *err;
    ck_assert_int_eq(run(&out, &err, "check", "--format", "json", "John.Doe@army.ml", "ops@army.mil", "a@mail.com",
                         "x@example.org", NULL), 0);
    char **lines = g_strsplit(out, "\n", -1);
    ck_assert_int_eq(g_strv_length(lines), 5);          /* four and the final empty string */
    ck_assert_ptr_nonnull(strstr(lines[0], "\"address\":\"John.Doe@army.ml\""));
    ck_assert_ptr_nonnull(strstr(lines[0], "\"verdict\":\"typo\""));
    ck_assert_ptr_nonnull(strstr(lines[0], "\"intended_domain\":\"army.mil\""));
    ck_assert_ptr_nonnull(strstr(lines[0], "\"intended_address\":\"John.Doe@army.mil\""));
    ck_assert_ptr_nonnull(strstr(lines[0], "\"class\":\"tld-omission\""));
    ck_assert_ptr_nonnull(strstr(lines[0], "\"exposure\":\"open\""));
    ck_assert_ptr_nonnull(strstr(lines[0], "\"score\":0.9"));
    ck_assert_ptr_nonnull(strstr(lines[0], "\"explanation\":\"army.mil: dropped"));
    ck_assert_ptr_nonnull(strstr(lines[0], "\"strong\":true"));
    ck_assert_ptr_nonnull(strstr(lines[1], "\"verdict\":\"protected\""));
    ck_assert_ptr_nonnull(strstr(lines[2], "\"verdict\":\"allowlisted\""));
    ck_assert_ptr_nonnull(strstr(lines[3], "\"verdict\":\"ok\""));
    g_strfreev(lines);
    g_free(out);
    g_free(err);
    /* From stdin, with --protect and --allow. */
    char *d = tl_test_tmpdir();
    char *in = g_build_filename(d, "in.txt", NULL);
    tl_test_write_str(in, "a@corp.exampel\n\nb@armym.il\n");
    char *cmd = g_strdup_printf("%s check --protect corp.example --allow armym.il < %s",
                                g_getenv("TYPOLEAK") ? g_getenv("TYPOLEAK") : "../typoleak", in);
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    int status;
    ck_assert(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
    ck_assert_ptr_nonnull(strstr(out, "a@corp.exampel\ttypo\ta@corp.example\ttld-transposition\tnonexistent-tld"));
    ck_assert_ptr_nonnull(strstr(out, "b@armym.il\tallowlisted"));
    g_free(out);
    g_free(err);
    g_free(cmd);
    g_free(in);
    tl_test_rmtree(d);
    g_free(d);
    ck_assert_int_eq(run(&out, &err, "check", "--format", "xml", "a@b.c", NULL), 2);
    g_free(out);
    g_free(err);
}
END_TEST

/* `variants`: text, CSV, JSON, and a Postfix map of the open variants. */
START_TEST(test_variants_command)
{
    char *out, *err;
    ck_assert_int_eq(run(&out, &err, "variants", "army.mil", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "army.ml\ttld-omission\topen\t0.90\tdropped \"i\" in the TLD \"mil\"\n"));
    ck_assert_ptr_nonnull(strstr(out, "amry.mil\ttransposition\tclosed"));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "variants", "--format", "csv", "gmail.com", NULL), 0);
    ck_assert(g_str_has_prefix(out, "protected,variant,class,exposure,registrable,prior,score,needs_context,edit\n"));
    ck_assert_ptr_nonnull(strstr(out, "gmail.com,gmail.co,tld-omission,open,gmail.co,0.90,0.90,0,"));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "variants", "--format", "json", "navy.mil", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "\"variant\":\"navy.ml\""));
    g_free(out);
    g_free(err);
    ck_assert_int_eq(run(&out, &err, "variants", "--format", "postfix", "army.mil", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "\narmy.ml "));
    ck_assert_ptr_nonnull(strstr(out, "REJECT 5.1.2 typo of army.mil (tld-omission)"));
    ck_assert_ptr_null(strstr(out, "\namry.mil "));              /* closed: nobody else can own it */
    ck_assert_ptr_null(strstr(out, "\narmy.com "));              /* needs context */
    g_free(out);
    g_free(err);
    /* A domain not on the list is protected for the listing. */
    ck_assert_int_eq(run(&out, &err, "variants", "corp.example", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "corp.exampel\t"));
    g_free(out);
    g_free(err);
}
END_TEST

Suite *
suite_cli(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("command");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_usage_errors);
    tcase_add_test(tc, test_scan_and_report);
    tcase_add_test(tc, test_verify);
    tcase_add_test(tc, test_export);
    tcase_add_test(tc, test_progress_line);
    tcase_add_test(tc, test_check_command);
    tcase_add_test(tc, test_variants_command);
    suite_add_tcase(s, tc);
    TCase *browser = tcase_create("report formats");
    tcase_set_timeout(browser, 120);     /* a browser starts */
    tcase_add_test(browser, test_report_formats);
    tcase_add_test(browser, test_kill_and_resume);
    tcase_add_test(browser, test_merge);
    suite_add_tcase(s, browser);
    return s;
}
