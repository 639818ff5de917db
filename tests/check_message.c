/*
 * check_message.c - the worker stage on real GMime: identity headers, every
 * recipient header, recovery of what GMime's address parser drops, parser
 * warnings as anomalies, typo flags, parse failures.
 */
#include <string.h>

#include "tl_test.h"

static tl_job *
process_full(const char *text, int full)
{
    tl_protect *p = tl_protect_new_default();
    tl_worker *w = tl_worker_new(p, full);
    tl_job *j = tl_job_new(TL_JOB_MESSAGE);
    j->raw = tl_test_bytes(text);
    tl_worker_process(w, j);
    tl_worker_free(w);
    tl_protect_free(p);
    return j;
}

static tl_job *
process(const char *text)
{
    return process_full(text, 0);
}

static tl_recipient *
find(tl_record *r, const char *header, const char *addr)
{
    for (guint i = 0; i < r->recipients->len; i++) {
        tl_recipient *x = r->recipients->pdata[i];
        if (strcmp(x->header, header) == 0 && strcmp(x->addr, addr) == 0)
            return x;
    }
    return NULL;
}

static const char all_headers[] =
    "Received: from mx.example.com by mail.ml with ESMTP id 42\n"
    "\tfor <john.doe@army.ml>; Tue, 4 Jul 2023 10:00:00 +0000\n"
    "Received: from a by b with SMTP; Tue, 4 Jul 2023 09:59:00 +0000\n"
    "From: \"Travel Desk\" <desk@travel.example>\n"
    "Sender: agent@travel.example\n"
    "Reply-To: bookings@travel.example\n"
    "To: Joe <joe@army.ml>, \"=?utf-8?q?J=C3=B6rg?=\" <jorg@navy.mil>, undisclosed-recipients:;\n"
    "Cc: team: amy@navy.ml, bo@example.com;, bad@@x\n"
    "Bcc: hidden@us.af.ml\n"
    "Resent-To: r1@armym.il\nResent-Cc: r2@example.org\nResent-Bcc: r3@example.net\n"
    "Delivered-To: d@gmail.con\nX-Original-To: o@amry.mil\nEnvelope-To: e@example.com\n"
    "X-Envelope-To: xe@example.com\nApparently-To: at@example.com\n"
    "Subject: =?iso-8859-1?q?Caf=E9?= itinerary\n"
    "Date: Tue, 4 Jul 2023 12:00:00 +0200\n"
    "Message-ID: <abc@travel.example>\n"
    "\n"
    "Room 1204.\n";

START_TEST(test_identity_headers)
{
    tl_job *j = process(all_headers);
    tl_record *r = j->rec;
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->message_id, "abc@travel.example");
    ck_assert_str_eq(r->subject, "Café itinerary");
    ck_assert_str_eq(r->date, "Tue, 4 Jul 2023 12:00:00 +0200");
    ck_assert_str_eq(r->date_utc, "2023-07-04T10:00:00Z");
    ck_assert_int_eq(r->date_unix, 1688464800);
    ck_assert_str_eq(r->from_addr, "desk@travel.example");
    ck_assert_ptr_nonnull(strstr(r->from, "Travel Desk"));
    ck_assert_ptr_nonnull(strstr(r->sender, "agent@travel.example"));
    ck_assert_ptr_nonnull(strstr(r->reply_to, "bookings@travel.example"));
    char hex[65];
    tl_sha256_hex(all_headers, strlen(all_headers), hex);
    ck_assert_str_eq(r->sha256, hex);
    tl_job_free(j);
}
END_TEST

START_TEST(test_every_recipient_header)
{
    tl_job *j = process(all_headers);
    tl_record *r = j->rec;
    struct { const char *h, *a; int typo; } want[] = {
        { "Received", "john.doe@army.ml", 1 }, { "To", "joe@army.ml", 1 }, { "To", "jorg@navy.mil", 0 },
        { "Cc", "amy@navy.ml", 1 }, { "Cc", "bo@example.com", 0 }, { "Bcc", "hidden@us.af.ml", 1 },
        { "Resent-To", "r1@armym.il", 1 }, { "Resent-Cc", "r2@example.org", 0 },
        { "Resent-Bcc", "r3@example.net", 0 }, { "Delivered-To", "d@gmail.con", 1 },
        { "X-Original-To", "o@amry.mil", 1 }, { "Envelope-To", "e@example.com", 0 },
        { "X-Envelope-To", "xe@example.com", 0 }, { "Apparently-To", "at@example.com", 0 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        tl_recipient *x = find(r, want[i].h, want[i].a);
        ck_assert_msg(x != NULL, "%s: %s not found", want[i].h, want[i].a);
        ck_assert_msg(x->typo == want[i].typo, "%s typo flag %d", want[i].a, x->typo);
        ck_assert_int_eq(x->parsed, 1);
    }
    tl_recipient *jorg = find(r, "To", "jorg@navy.mil");
    ck_assert_str_eq(jorg->name, "Jörg");
    ck_assert_str_eq(jorg->local, "jorg");
    ck_assert_str_eq(jorg->domain, "navy.mil");
    tl_recipient *joe = find(r, "To", "joe@army.ml");
    ck_assert_str_eq(joe->intended, "army.mil");
    ck_assert_str_eq(joe->edit, "dropped \"i\" in the TLD \"mil\"");
    /* Received headers without a for clause add nothing. */
    int received = 0;
    for (guint i = 0; i < r->recipients->len; i++)
        received += strcmp(((tl_recipient *)r->recipients->pdata[i])->header, "Received") == 0;
    ck_assert_int_eq(received, 1);
    ck_assert_uint_eq(r->n_typo, 7);
    tl_job_free(j);
}
END_TEST

/* GMime drops "bad@@x"; the raw value keeps it, with its domain. */
START_TEST(test_dropped_address_recovered)
{
    tl_job *j = process(all_headers);
    tl_recipient *x = find(j->rec, "Cc", "bad@@x");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->parsed, 0);
    ck_assert_str_eq(x->domain, "x");
    ck_assert_str_eq(x->local, "bad");
    ck_assert_ptr_nonnull(strstr(x->raw, "team: amy@navy.ml"));
    tl_job_free(j);
    /* A display name holding an address is not a recipient. */
    j = process("From: a@b.c\nTo: \"john@army.mil\" <john@army.ml>\n\nx\n");
    ck_assert_uint_eq(j->rec->recipients->len, 1);
    ck_assert_str_eq(((tl_recipient *)j->rec->recipients->pdata[0])->addr, "john@army.ml");
    tl_job_free(j);
    /* A typo domain in a broken entry is still caught. */
    j = process("From: a@b.c\nTo: <navy@@navy.ml\n\nx\n");
    ck_assert_uint_eq(j->rec->n_typo, 1);
    tl_job_free(j);
}
END_TEST

START_TEST(test_anomalies_recorded)
{
    tl_job *j = process("From: a@b.c\nTo: x@y.z\nSubject: one\nSubject: two\nContent-Type: multipart/mixed\n"
                        "\nno boundary\n");
    ck_assert_ptr_nonnull(j->rec);
    int crit = 0;
    for (guint i = 0; i < j->rec->anomalies->len; i++) {
        tl_anomaly *a = &g_array_index(j->rec->anomalies, tl_anomaly, i);
        if (strcmp(tl_anomaly_name(a->code), "multipart-without-boundary") == 0)
            crit++;
    }
    ck_assert_int_ge(crit, 1);
    tl_job_free(j);
}
END_TEST

START_TEST(test_failures)
{
    tl_job *j = process("");
    ck_assert_ptr_null(j->rec);
    ck_assert_int_eq(j->status, TL_ERR_EMPTY);
    tl_job_free(j);
    /* Eight-bit garbage in headers still gives valid UTF-8 in the record. */
    j = process("From: \xff\xfe <a@b.c>\nSubject: caf\xe9 =?x-no-such-charset?q?a=FFb?=\nTo: z@army.ml\n"
                "Content-Type: text/plain; charset=x-bogus\n\nx\xff\n");
    ck_assert_ptr_nonnull(j->rec);
    ck_assert(g_utf8_validate(j->rec->subject, -1, NULL));
    ck_assert(g_utf8_validate(j->rec->from, -1, NULL));
    ck_assert_uint_eq(j->rec->n_typo, 1);
    tl_job_free(j);
}
END_TEST

/* A huge header (100k recipients) is read whole, without quadratic time. */
START_TEST(test_huge_header)
{
    /* Under ASan realloc copies every time, and GMime grows a header
     * value by realloc: quadratic there only; make check's sanitizer run
     * (TL_SANITIZED) leaves this one to the plain build (the scan's
     * --max-header-bytes bounds it anyway). */
    if (g_getenv("TL_SANITIZED"))
        return;
    GString *s = g_string_new("From: a@b.c\nTo: ");
    for (int i = 0; i < 100000; i++)
        g_string_append_printf(s, "%suser%d@example.com", i ? ",\n " : "", i);
    g_string_append(s, ", last@army.ml\n\nbody\n");
    tl_job *j = process(s->str);
    ck_assert_ptr_nonnull(j->rec);
    ck_assert_uint_eq(j->rec->recipients->len, 100001);
    ck_assert_uint_eq(j->rec->n_typo, 1);
    tl_job_free(j);
    g_string_free(s, TRUE);
}
END_TEST

/* The whole MIME tree is parsed for messages with a typo recipient (and
 * for all with full = 1); the others from their header block, without
 * warnings about the body they were not shown. */
static int
has_anomaly(tl_record *r, const char *name)
{
    for (guint i = 0; i < r->anomalies->len; i++)
        if (strcmp(tl_anomaly_name(g_array_index(r->anomalies, tl_anomaly, i).code), name) == 0)
            return 1;
    return 0;
}

START_TEST(test_parse_depth)
{
    const char *tmpl = "From: a@b.example\nTo: %s\nContent-Type: multipart/mixed; boundary=\"XX\"\n\n"
                       "--XX\nContent-Type: text/plain\n\nnever closed\n";
    char *ok = g_strdup_printf(tmpl, "c@example.com"), *typo = g_strdup_printf(tmpl, "c@army.ml");
    tl_job *j = process(ok);
    ck_assert_int_eq(j->rec->mime_parsed, 0);
    ck_assert(!has_anomaly(j->rec, "truncated-message"));
    tl_job_free(j);
    j = process(typo);
    ck_assert_int_eq(j->rec->mime_parsed, 1);
    ck_assert(has_anomaly(j->rec, "truncated-message"));
    ck_assert_uint_eq(j->rec->n_typo, 1);
    ck_assert_uint_eq(j->rec->recipients->len, 1);      /* not counted twice */
    tl_job_free(j);
    j = process_full(ok, 1);
    ck_assert_int_eq(j->rec->mime_parsed, 1);
    ck_assert(has_anomaly(j->rec, "truncated-message"));
    tl_job_free(j);
    /* Both depths report the same header anomalies: repeated Received and
     * X- headers are normal, a second Subject is not. */
    const char *rep = "Received: a\nReceived: b\nX-Foo: 1\nX-Foo: 1\nFrom: a@b.example\nTo: %s\n"
                      "Subject: one\nSubject: two\n\nbody\n";
    for (int t = 0; t < 2; t++) {
        char *m = g_strdup_printf(rep, t ? "c@army.ml" : "c@example.com");
        j = process(m);
        ck_assert_int_eq(j->rec->mime_parsed, t);
        ck_assert_uint_eq(j->rec->anomalies->len, 1);
        tl_anomaly *a = &g_array_index(j->rec->anomalies, tl_anomaly, 0);
        ck_assert_str_eq(tl_anomaly_name(a->code), "conflicting-header");
        ck_assert_str_eq(a->item, "Subject");
        tl_job_free(j);
        g_free(m);
    }
    /* A message with no body at all is always wholly parsed. */
    j = process("From: a@b.example\nTo: c@example.com\n");
    ck_assert_int_eq(j->rec->mime_parsed, 1);
    tl_job_free(j);
    g_free(ok);
    g_free(typo);
}
END_TEST

/* A delivery-status report whose bytes are not UTF-8 (found by fuzzing: the
 * block split returned NULL and the worker crashed). */
START_TEST(test_dsn_not_utf8)
{
    tl_job *j = process("From: MAILER-DAEMON@mx.example\nTo: a@b.example\nMIME-Version: 1.0\n"
                        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
                        "--B\nContent-Type: message/delivery-status\n\n"
                        "Reporting-MTA: dns; mx\xff\xfe.example\n\n"
                        "Final-Recipient: rfc822; x@army.ml\nAction: failed\n\n--B--\n");
    ck_assert_ptr_nonnull(j->rec);
    ck_assert_int_eq(j->rec->dsn, 1);
    ck_assert_ptr_nonnull(j->rec->bounces);
    ck_assert_uint_eq(j->rec->bounces->len, 1);
    tl_job_free(j);
}
END_TEST

Suite *
suite_message(void)
{
    Suite *s = suite_create("message");
    TCase *tc = tcase_create("parse");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_identity_headers);
    tcase_add_test(tc, test_every_recipient_header);
    tcase_add_test(tc, test_dropped_address_recovered);
    tcase_add_test(tc, test_anomalies_recorded);
    tcase_add_test(tc, test_failures);
    tcase_add_test(tc, test_huge_header);
    tcase_add_test(tc, test_parse_depth);
    tcase_add_test(tc, test_dsn_not_utf8);
    suite_add_tcase(s, tc);
    return s;
}
