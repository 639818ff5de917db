/*
 * check_typo_alerts.c - the per-domain verdict on mixed mail
 * (docs/typo-model.md, "The domain verdict"): the leak's own domains alert
 * even when they sent a reply or two into the archive, the ordinary
 * correspondents of short free-mail names do not alert on a co-recipient,
 * weak matches alert with strong context, and a strong typo stays an alert
 * whoever writes from it.
 */
#include <string.h>

#include "tl_test.h"

/* Appends one message to an mbox; day counts from 2021-01-01. */
static void
msg(GString *mb, const char *from, const char *to, const char *cc, int day, const char *subject)
{
    GDateTime *t0 = g_date_time_new_utc(2021, 1, 1, 9, 30, 0);
    GDateTime *t = g_date_time_add_days(t0, day);
    char *env = g_date_time_format(t, "%a %b %e %H:%M:%S %Y");
    char *date = g_date_time_format(t, "%a, %d %b %Y %H:%M:%S +0000");
    g_string_append_printf(mb, "From %s %s\nFrom: %s\nTo: %s\n", from, env, from, to);
    if (cc)
        g_string_append_printf(mb, "Cc: %s\n", cc);
    g_string_append_printf(mb, "Date: %s\nSubject: %s\nMessage-ID: <%u.%d@test>\n\nSee the attached list.\n\n",
                           date, subject, g_str_hash(mb->str), day);
    g_free(env);
    g_free(date);
    g_date_time_unref(t);
    g_date_time_unref(t0);
}

/* Scans the mbox into a new database; the caller frees both paths and
 * removes dir. */
static char *
scan_mbox(const char *dir, const GString *mb)
{
    char *f = g_build_filename(dir, "mail.mbox", NULL);
    char *db = g_build_filename(dir, "f.db", NULL);
    tl_test_write(f, mb->str, mb->len);
    tl_test_scan(db, 2, NULL, f, NULL);
    g_free(f);
    return db;
}

static void
assert_explained(const char *db, const char *domain, const char *words)
{
    char *why = tl_test_str(db, "SELECT explanation FROM domains WHERE domain = '%s'", domain);
    ck_assert_msg(why && strstr(why, words), "%s: \"%s\" not in: %s", domain, words, why ? why : "(no row)");
    g_free(why);
}

/* The seed's case: rosters and itineraries sent to army.ml, navy.ml,
 * af.ml, usmc.ml and mail.ml, each of which also "sent" one reply into
 * the archive (the catcher's auto-reply, a forward, a spoof): every one is
 * an alert, like us.navy.ml which sent nothing. */
START_TEST(test_leak_domains_alert_despite_replies)
{
    static const char *const doms[][2] = {
        { "army.ml", "army.mil" }, { "navy.ml", "navy.mil" }, { "af.ml", "af.mil" },
        { "usmc.ml", "usmc.mil" }, { "mail.ml", "mail.mil" },
    };
    char *d = tl_test_tmpdir();
    GString *mb = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(doms); i++) {
        for (int k = 0; k < 4; k++) {
            char *from = g_strdup_printf("clerk%d@%s", k, doms[i][1]);
            char *to = g_strdup_printf("john.doe%zu@%s", i, doms[i][0]);
            msg(mb, from, to, NULL, (int)(i * 40 + k * 9), "Crew list and hotel itinerary");
            g_free(from);
            g_free(to);
        }
        char *from = g_strdup_printf("john.doe%zu@%s", i, doms[i][0]);
        char *to = g_strdup_printf("clerk0@%s", doms[i][1]);
        msg(mb, from, to, NULL, (int)(i * 40 + 30), "Re: Crew list and hotel itinerary");
        g_free(from);
        g_free(to);
    }
    for (int k = 0; k < 3; k++)
        msg(mb, "yeoman@navy.mil", "ops.desk@us.navy.ml", NULL, 300 + k, "Watch bill");
    char *db = scan_mbox(d, mb);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM domains"), 6);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM domains WHERE alert = 1 AND strength = 'strong'"), 6);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM domains WHERE domain_sent = 1 AND correspondent = 0"
                                     " AND n_from_messages = 1 AND n_from_senders = 1"), 5);
    assert_explained(db, "army.ml", "ALERT: army.mil: dropped \"i\" in the TLD \"mil\"");
    assert_explained(db, "army.ml", "mail sent from the domain does not hide a strong typo. Evidence: 4 messages to"
                                    " 1 address; the domain sent 1 message from 1 sender on 1 day (not a correspondent");
    assert_explained(db, "us.navy.ml", "A strong typo of a protected domain: alerts on its own. Evidence: 3 messages");
    /* Every hit to those domains is an alert, with its score kept. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM typo_hits WHERE alert = 0"), 0);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM typo_hits WHERE final_score < score"), 0);
    g_string_free(mb, TRUE);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* Real mail of 2002: users of msn.com, aol.com and hotmail.com write to
 * their friends at ssz.com, rcn.com, vol.com, abq.com, hawaii.com,
 * themail.com and attmail.com with each other in copy.  Those are weak
 * matches of short or common names; a co-recipient at the protected
 * domain is ordinary there and alerts nothing; ssz.com, whose people write
 * back over months, is a real correspondent. */
START_TEST(test_real_neighbours_do_not_alert)
{
    char *d = tl_test_tmpdir();
    GString *mb = g_string_new(NULL);
    for (int k = 0; k < 26; k++) {
        char *from = g_strdup_printf("user%d@msn.com", k % 5);
        msg(mb, from, "bob.k@ssz.com", "carol.w@msn.com", k * 11, "weekend");
        g_free(from);
    }
    static const char *const back[] = { "bob.k@ssz.com", "dave.r@ssz.com", "erin.m@ssz.com" };
    for (int k = 0; k < 6; k++)
        msg(mb, back[k % 3], "user1@msn.com", NULL, 5 + k * 40, "Re: weekend");
    static const char *const weak[][3] = {
        { "pat.h@rcn.com", "lee.t@msn.com", "lunch" }, { "sam.o@vol.com", "kim.a@aol.com", "photos" },
        { "ann.b@abq.com", "ron.c@aol.com", "trip" }, { "joe.f@hawaii.com", "amy.g@hotmail.com", "surf" },
        { "tom.j@themail.com", "liz.k@hotmail.com", "news" }, { "max.l@attmail.com", "ned.p@hotmail.com", "bill" },
        { "info@aok.com", "info@aol.com", "order" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(weak); i++)
        for (int k = 0; k < 3; k++)
            msg(mb, "friend@example.org", weak[i][0], weak[i][1], (int)(i * 7 + k), weak[i][2]);
    msg(mb, "seller@example.org", "info@aol.com", NULL, 2, "invoice");
    char *db = scan_mbox(d, mb);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM domains"), 8);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM domains WHERE alert = 1"), 0);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM domains WHERE strength = 'weak'"), 8);
    ck_assert_int_eq(tl_test_int(db, "SELECT correspondent FROM domains WHERE domain = 'ssz.com'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT n_from_senders FROM domains WHERE domain = 'ssz.com'"), 3);
    assert_explained(db, "ssz.com", "no alert: msn.com");
    assert_explained(db, "ssz.com", "the domain is a real correspondent. Evidence: 26 messages to 1 address; 26 hits"
                                    " with a co-recipient at msn.com (weak); the domain sent 6 messages from 3 senders"
                                    " on 6 days (a real correspondent)");
    assert_explained(db, "rcn.com", "alerts only with strong context");
    assert_explained(db, "rcn.com", "3 hits with a co-recipient at msn.com (weak)");
    assert_explained(db, "vol.com", "an edit of a name of three letters or less");
    assert_explained(db, "attmail.com", "a rare edit");
    /* info@ at both is a role, not a person: no strong context. */
    ck_assert_int_eq(tl_test_int(db, "SELECT sum(ctx_same_local) FROM typo_hits WHERE typo_domain = 'aok.com'"), 0);
    g_string_free(mb, TRUE);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* A weak match alerts with strong context (a person's local part seen at
 * the protected domain, or a display name naming it) and not with a
 * co-recipient alone; a strong typo stays an alert even when several
 * people write from it; a bounced address alerts nothing. */
START_TEST(test_weak_needs_strong_context)
{
    char *d = tl_test_tmpdir();
    GString *mb = g_string_new(NULL);
    /* jane.q.public writes from aol.com; later mail goes to aok.com. */
    msg(mb, "jane.q.public@aol.com", "shop@example.org", NULL, 1, "order");
    msg(mb, "shop@example.org", "jane.q.public@aok.com", NULL, 3, "your order");
    /* A TLD swap named by its display name. */
    msg(mb, "clerk@army.mil", "\"ops@army.mil\" <ops@army.com>", NULL, 4, "orders");
    /* A TLD swap with only a co-recipient at the protected domain. */
    msg(mb, "clerk@navy.mil", "w@navy.com", "x@navy.mil", 5, "schedule");
    /* gmail.co: a strong typo whose users write in for months. */
    static const char *const co[] = { "a.one@gmail.co", "b.two@gmail.co", "c.three@gmail.co" };
    for (int k = 0; k < 6; k++)
        msg(mb, co[k % 3], "desk@example.org", NULL, 10 + k * 20, "hello");
    msg(mb, "desk@example.org", "a.one@gmail.co", NULL, 200, "Re: hello");
    char *db = scan_mbox(d, mb);
    char *rows = tl_test_rows(db, "SELECT domain, strength, alert, n_same_local, n_display_name, n_co_recipient,"
                                  " correspondent FROM domains ORDER BY domain");
    ck_assert_str_eq(rows, "aok.com|weak|1|1|0|0|0\n"
                           "army.com|weak|1|0|1|0|0\n"
                           "gmail.co|strong|1|0|0|0|1\n"
                           "navy.com|weak|0|0|0|1|0");
    g_free(rows);
    assert_explained(db, "aok.com", "A weak match, with strong context. Evidence: 1 message to 1 address; 1 hit whose"
                                    " local part is also seen at aol.com (strong)");
    assert_explained(db, "army.com", "1 display name naming army.mil (strong)");
    assert_explained(db, "gmail.co", "the domain sent 6 messages from 3 senders on 6 days (a real correspondent)");
    /* The correspondent lowers the strong typo's score, not its alert. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM typo_hits WHERE typo_domain = 'gmail.co'"
                                     " AND final_score < score AND alert = 1"), 1);
    g_string_free(mb, TRUE);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* The text report says for each domain why it alerts or not. */
START_TEST(test_report_says_why)
{
    char *d = tl_test_tmpdir();
    GString *mb = g_string_new(NULL);
    msg(mb, "clerk@army.mil", "john.doe@army.ml", NULL, 1, "roster");
    msg(mb, "john.doe@army.ml", "clerk@army.mil", NULL, 2, "Re: roster");
    msg(mb, "friend@example.org", "pat.h@rcn.com", "lee.t@msn.com", 3, "lunch");
    char *db = scan_mbox(d, mb);
    char *out = g_build_filename(d, "r.txt", NULL);
    FILE *fp = fopen(out, "w");
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(tl_report_text(db, fp, NULL), TL_OK);
    fclose(fp);
    char *text = NULL;
    ck_assert(g_file_get_contents(out, &text, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(text, "ALERT: army.mil"));
    ck_assert_ptr_nonnull(strstr(text, "does not hide a strong typo"));
    ck_assert_ptr_nonnull(strstr(text, "no alert: msn.com"));
    g_free(text);
    g_free(out);
    g_string_free(mb, TRUE);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

Suite *
suite_alerts(void)
{
    Suite *s = suite_create("alerts");
    TCase *tc = tcase_create("domain verdicts");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_leak_domains_alert_despite_replies);
    tcase_add_test(tc, test_real_neighbours_do_not_alert);
    tcase_add_test(tc, test_weak_needs_strong_context);
    tcase_add_test(tc, test_report_says_why);
    suite_add_tcase(s, tc);
    return s;
}
