/*
 * check_writer.c - the SQLite file: schema version, the run record,
 * one message per SHA-256 with one occurrence per place, re-scans into the
 * same file, and refusal of files that are not ours.
 */
#include <sqlite3.h>
#include <string.h>

#include "tl_test.h"

START_TEST(test_schema_and_run)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "a.eml", NULL), *db = g_build_filename(d, "w.db", NULL);
    char *m = tl_test_message(1, "x@army.ml");
    tl_test_write_str(f, m);
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db;
    o.jobs = 2;
    o.argv_text = "typoleak scan a.eml --db w.db";
    const char *paths[] = { f };
    tl_scan_stats st;
    ck_assert_int_eq(tl_scan(&o, paths, 1, &st, NULL), TL_OK);
    ck_assert_uint_eq(st.messages, 1);
    ck_assert_uint_eq(st.typo_hits, 1);
    ck_assert_int_eq(tl_test_int(db, "PRAGMA user_version"), TL_SCHEMA_VERSION);
    /* The secondary indexes exist once the run is closed. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sqlite_master WHERE type='index' AND name IN"
                                     " ('recipients_domain','typo_hits_domain','occurrences_message','messages_date')"), 4);
    char *run = tl_test_rows(db, "SELECT tool_version, status, argv, n_messages, n_errors, protected_count > 50,"
                                 " length(protected_hash), finished_at IS NOT NULL FROM runs");
    ck_assert_str_eq(run, "0.1.0|completed|typoleak scan a.eml --db w.db|1|0|1|64|1");
    g_free(run);
    char *hit = tl_test_rows(db, "SELECT typo_domain, intended_domain, intended_addr, class, exposure, registrable,"
                                 " prior, score, needs_context, r.header"
                                 " FROM typo_hits t JOIN recipients r ON r.id=t.recipient_id");
    ck_assert_str_eq(hit, "army.ml|army.mil|x@army.mil|tld-omission|open|army.ml|0.9|0.9|0|To");
    char *psl = tl_test_str(db, "SELECT psl_version FROM runs");
    ck_assert_ptr_nonnull(strstr(psl, "libpsl"));
    g_free(psl);
    ck_assert_int_eq(tl_test_int(db, "SELECT length(allowlist_hash) FROM runs"), 64);
    g_free(hit);
    g_free(m);
    g_free(f);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* The same message in a Maildir and in an mbox is one message with two
 * occurrences; scanning again adds a run and skips the unchanged files
 * (no new occurrence); with rescan it adds occurrences, not messages. */
START_TEST(test_dedup_and_rescan)
{
    char *d = tl_test_tmpdir();
    char *m = tl_test_message(5, "dup@navy.ml");
    char *f1 = g_build_filename(d, "in/Maildir/cur/1.h:2,S", NULL);
    char *f2 = g_build_filename(d, "in/sent.mbox", NULL);
    char *newdir = g_build_filename(d, "in/Maildir/new", NULL);
    g_mkdir_with_parents(newdir, 0755);
    g_free(newdir);
    tl_test_write_str(f1, m);
    char *mb = g_strdup_printf("From a Mon Jan  2 10:00:00 2023\n%s\nFrom b Mon Jan  2 10:00:00 2023\n%s\n", m, m);
    tl_test_write_str(f2, mb);
    char *in = g_build_filename(d, "in", NULL), *db = g_build_filename(d, "w.db", NULL);
    tl_test_scan(db, 2, NULL, in, NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), 3);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM recipients"), 1);
    tl_test_scan(db, 1, NULL, in, NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM runs"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), 3);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind = 'maildir'"), 1);
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db;
    o.jobs = 1;
    o.rescan = 1;
    const char *paths[] = { in };
    char *msg = NULL;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, &msg), TL_OK);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM runs"), 3);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), 6);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM typo_hits"), 1);
    g_free(in);
    g_free(db);
    g_free(mb);
    g_free(m);
    g_free(f1);
    g_free(f2);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* One message in an mbox (its body's From lines quoted, mboxrd) and in a
 * Maildir (as written): one message, two occurrences, each with the
 * digest of its own bytes; the identity is the Maildir copy's digest. */
START_TEST(test_identity_across_quoting)
{
    char *d = tl_test_tmpdir();
    const char *m = "From: a@example.org\nTo: b@navy.ml\nSubject: quoting\nMessage-ID: <q@x>\n\n"
                    "From the field, all well.\n>From the archive, as quoted.\nend\n";
    char *f1 = g_build_filename(d, "in/Maildir/cur/1.h:2,S", NULL), *f2 = g_build_filename(d, "in/sent.mbox", NULL);
    tl_test_write_str(f1, m);
    tl_test_write_str(f2, "From a Mon Jan  2 10:00:00 2023\nFrom: a@example.org\nTo: b@navy.ml\nSubject: quoting\n"
                          "Message-ID: <q@x>\n\n>From the field, all well.\n>>From the archive, as quoted.\nend\n\n");
    char *in = g_build_filename(d, "in", NULL), *db = g_build_filename(d, "q.db", NULL);
    tl_test_scan(db, 2, NULL, in, NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(DISTINCT sha256) FROM occurrences"), 2);
    char hex[65];
    tl_sha256_hex(m, strlen(m), hex);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE identity = '%s'", hex), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences o JOIN sources s ON s.id = o.source_id"
                                     " WHERE o.sha256 = '%s' AND s.kind = 'maildir-message'", hex), 1);
    g_free(in), g_free(db), g_free(f1), g_free(f2);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

START_TEST(test_refuses_foreign_db)
{
    char *d = tl_test_tmpdir();
    char *db = g_build_filename(d, "other.db", NULL);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    char *f = g_build_filename(d, "a.eml", NULL);
    tl_test_write_str(f, "From: a@b.c\n\nx\n");
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db;
    const char *paths[] = { f };
    char *msg = NULL;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, &msg), TL_ERR_DB);
    ck_assert_ptr_nonnull(strstr(msg, "but not a typoleak findings database"));
    g_free(msg);
    /* Unwritable location. */
    o.db_path = "/nonexistent-dir/x.db";
    msg = NULL;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, &msg), TL_ERR_DB);
    ck_assert_ptr_nonnull(msg);
    g_free(msg);
    /* The report refuses it too. */
    FILE *out = fopen("/dev/null", "w");
    msg = NULL;
    ck_assert_int_eq(tl_report_text(db, out, &msg), TL_ERR_DB);
    fclose(out);
    g_free(msg);
    g_free(f);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

START_TEST(test_report_text)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "sent.mbox", NULL), *db = g_build_filename(d, "r.db", NULL);
    char *mb = tl_test_mbox(30, "j.smith@army.ml", 3);
    tl_test_write_str(f, mb);
    tl_test_scan(db, 2, NULL, f, NULL);
    char *path = g_build_filename(d, "report.txt", NULL);
    FILE *out = fopen(path, "w");
    ck_assert_int_eq(tl_report_text(db, out, NULL), TL_OK);
    fclose(out);
    char *text = NULL;
    ck_assert(g_file_get_contents(path, &text, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(text, "Messages scanned:    30 occurrences, 30 distinct"));
    /* army.ml row: an alert, 10 messages, 1 address, 7 senders, dates. */
    ck_assert_msg(strstr(text, "  ALERT  army.ml  army.mil  open  10  1  7  2023-01-01 .. 2023-01-28"), "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "  open  10  recipients in  10  messages,  1  typo domains"));
    ck_assert_ptr_nonnull(strstr(text, "2023-01-01 .. 2023-01-28"));
    ck_assert_ptr_nonnull(strstr(text, "dropped \"i\" in the TLD \"mil\""));
    g_free(text);
    g_free(path);
    g_free(mb);
    g_free(f);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* The context of typo hits and the per-domain verdicts, computed when the
 * run closes: co-recipients, local parts seen at the intended domain,
 * display names, typo domains that send mail themselves, and whole-TLD
 * swaps that alert only with strong context (tests/check_typo_alerts.c
 * has the model's cases). */
START_TEST(test_context_and_domains)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "a.mbox", NULL), *db = g_build_filename(d, "c.db", NULL);
    const char *mbox =
        "From a Mon Jan  2 10:00:00 2023\nFrom: s1@contractor.example\nTo: john.doe@army.ml\n"
        "Cc: jane@army.mil\nDate: Mon, 2 Jan 2023 10:00:00 +0000\n\nx\n\n"
        "From a Mon Jan  3 10:00:00 2023\nFrom: s2@contractor.example\nTo: John.Doe@army.mil\n"
        "Date: Tue, 3 Jan 2023 10:00:00 +0000\n\nx\n\n"
        "From a Mon Jan  4 10:00:00 2023\nFrom: \"Desk\" <desk@travel.example>\n"
        "To: \"ops@navy.mil\" <ops@navy.ml>\nDate: Wed, 4 Jan 2023 10:00:00 +0000\n\nx\n\n"
        "From a Mon Jan  5 10:00:00 2023\nFrom: sales@navy.com\nTo: buyer@example.org\n"
        "Date: Thu, 5 Jan 2023 10:00:00 +0000\n\nx\n\n"
        "From a Mon Jan  6 10:00:00 2023\nFrom: s3@contractor.example\nTo: q@navy.com\n"
        "Date: Fri, 6 Jan 2023 10:00:00 +0000\n\nx\n\n"
        "From a Mon Jan  7 10:00:00 2023\nFrom: s4@contractor.example\nTo: y@army.com\nCc: z@army.mil\n"
        "Date: Sat, 7 Jan 2023 10:00:00 +0000\n\nx\n\n"
        "From a Mon Jan  8 10:00:00 2023\nFrom: s5@contractor.example\nTo: w@usmc.com\n"
        "Date: Sun, 8 Jan 2023 10:00:00 +0000\n\nx\n";
    tl_test_write_str(f, mbox);
    tl_test_scan(db, 2, NULL, f, NULL);
    char *rows = tl_test_rows(db, "SELECT typo_domain, ctx_same_local, ctx_co_recipient, ctx_display_name,"
                                  " ctx_domain_sent, alert FROM typo_hits ORDER BY id");
    ck_assert_str_eq(rows, "army.ml|1|1|0|0|1\n"       /* jane@army.mil beside it; john.doe seen at army.mil */
                           "navy.ml|0|0|1|0|1\n"       /* the display name says navy.mil */
                           "navy.com|0|0|0|1|0\n"      /* a TLD swap whose domain sends mail: no alert */
                           "army.com|0|1|0|0|0\n"      /* a TLD swap with only a co-recipient: weak context */
                           "usmc.com|0|0|0|0|0");       /* a TLD swap without context */
    g_free(rows);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM typo_hits WHERE final_score > score"), 3);
    rows = tl_test_rows(db, "SELECT domain, intended_domain, exposure, alert, n_messages, n_recipients, n_senders,"
                            " first_seen, domain_sent FROM domains ORDER BY domain");
    ck_assert_str_eq(rows, "army.com|army.mil|open|0|1|1|1|2023-01-07T10:00:00Z|0\n"
                           "army.ml|army.mil|open|1|1|1|1|2023-01-02T10:00:00Z|0\n"
                           "navy.com|navy.mil|open|0|1|1|1|2023-01-06T10:00:00Z|1\n"
                           "navy.ml|navy.mil|open|1|1|1|1|2023-01-04T10:00:00Z|0\n"
                           "usmc.com|usmc.mil|open|0|1|1|1|2023-01-08T10:00:00Z|0");
    g_free(rows);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM typo_hits t JOIN domains d ON d.id=t.domain_id"
                                     " WHERE d.domain=t.typo_domain"), 5);
    char *why = tl_test_str(db, "SELECT explanation FROM domains WHERE domain='army.ml'");
    ck_assert_ptr_nonnull(strstr(why, "with a co-recipient at army.mil"));
    g_free(why);
    /* A second run into the same file recomputes, it does not add. */
    tl_test_scan(db, 1, NULL, f, NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM domains"), 5);
    ck_assert_int_eq(tl_test_int(db, "SELECT n_messages FROM domains WHERE domain='army.ml'"), 1);
    /* A run that brings a domain named before the others renumbers the
     * domains in name order, and every hit, old and new, points at its
     * own domain's row again (the hits are rewritten in one statement
     * with the foreign key checked at the commit). */
    char *f2 = g_build_filename(d, "b.mbox", NULL);
    tl_test_write_str(f2, "From a Mon Jan  9 10:00:00 2023\nFrom: s6@contractor.example\nTo: k@amry.mil\n"
                          "Date: Mon, 9 Jan 2023 10:00:00 +0000\n\nx\n");
    tl_test_scan(db, 1, NULL, f2, NULL);
    rows = tl_test_rows(db, "SELECT id, domain FROM domains ORDER BY id");
    ck_assert_str_eq(rows, "1|amry.mil\n2|army.com\n3|army.ml\n4|navy.com\n5|navy.ml\n6|usmc.com");
    g_free(rows);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM typo_hits t JOIN domains d ON d.id=t.domain_id"
                                     " WHERE d.domain=t.typo_domain"), 6);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM typo_hits"), 6);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    g_free(f2);
    g_free(f);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* A delivery-status report that says a typo address failed lowers its
 * hits' scores and stops their alert; the report's recipients are kept. */
START_TEST(test_bounces)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "a.mbox", NULL), *db = g_build_filename(d, "b.db", NULL);
    const char *mbox =
        "From a Mon Jan  2 10:00:00 2023\nFrom: s1@contractor.example\nTo: joe@army.ml, kim@navy.ml\n"
        "Date: Mon, 2 Jan 2023 10:00:00 +0000\n\nx\n\n"
        "From MAILER-DAEMON Mon Jan  2 10:01:00 2023\nFrom: Mail Delivery Subsystem <MAILER-DAEMON@mx.example>\n"
        "To: s1@contractor.example\nSubject: Undelivered Mail Returned to Sender\n"
        "Date: Mon, 2 Jan 2023 10:01:00 +0000\nMIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
        "--B\nContent-Type: text/plain\n\nThe mail could not be delivered.\n\n"
        "--B\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example\n\n"
        "Final-Recipient: rfc822; joe@army.ml\nAction: failed\nStatus: 5.1.2\n\n"
        "Final-Recipient: rfc822; kim@navy.ml\nAction: delayed\nStatus: 4.4.1\n\n"
        "--B--\n";
    tl_test_write_str(f, mbox);
    tl_test_scan(db, 2, NULL, f, NULL);
    char *rows = tl_test_rows(db, "SELECT recipient, action, status FROM bounces ORDER BY id");
    ck_assert_str_eq(rows, "joe@army.ml|failed|5.1.2\nkim@navy.ml|delayed|4.4.1");
    g_free(rows);
    rows = tl_test_rows(db, "SELECT typo_domain, ctx_bounced, alert, final_score < score FROM typo_hits ORDER BY id");
    ck_assert_str_eq(rows, "army.ml|1|0|1\nnavy.ml|0|1|0");   /* delayed is no proof of anything */
    g_free(rows);
    ck_assert_int_eq(tl_test_int(db, "SELECT n_bounced FROM domains WHERE domain='army.ml'"), 1);
    g_free(f);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

Suite *
suite_writer(void)
{
    Suite *s = suite_create("writer");
    TCase *tc = tcase_create("sqlite");
    tcase_add_test(tc, test_schema_and_run);
    tcase_add_test(tc, test_dedup_and_rescan);
    tcase_add_test(tc, test_identity_across_quoting);
    tcase_add_test(tc, test_refuses_foreign_db);
    tcase_add_test(tc, test_report_text);
    tcase_add_test(tc, test_context_and_domains);
    tcase_add_test(tc, test_bounces);
    suite_add_tcase(s, tc);
    return s;
}
