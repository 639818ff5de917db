/*
 * check_scaleout.c - a scan planned as shards (typoleak plan), run under
 * GNU parallel, merged in shard order: the same report as one scan of the
 * whole (docs/scale-out.md).  Evidence: ../shared/corpora (when present)
 * and a generated mbox large enough to be cut at message boundaries.
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "tl_test.h"

/* An mbox of n messages of about 6.5 KB: typo recipients, card numbers,
 * mboxrd From-quoting and Content-Length headers, so that cuts land among
 * them all. */
static void
write_big_mbox(const char *path, int n)
{
    GString *mb = g_string_new(NULL);
    for (int i = 0; i < n; i++) {
        g_string_append_printf(mb, "From clerk%d@army.mil Mon Jan %2d 10:%02d:00 2022\n", i % 7, 1 + i % 28, i % 60);
        g_string_append_printf(mb, "From: Clerk %d <clerk%d@army.mil>\nTo: %s\nDate: Mon, %d Jan 2022 10:%02d:00 +0000\n"
                                   "Subject: orders %d\nMessage-ID: <%d@so.test>\n",
                               i % 7, i % 7, i % 5 == 0 ? "john.doe@army.ml" : "jane@example.org", 1 + i % 28, i % 60,
                               i, i);
        if (i % 50 == 7)
            g_string_append(mb, "Content-Length: 60\n");
        g_string_append(mb, "\n");
        if (i % 5 == 0)
            g_string_append(mb, "Card 4111 1111 1111 1111 exp 04/27 for the hotel.\n");
        g_string_append(mb, ">From the field office, with the roster.\n");
        for (int k = 0; k < 100; k++)
            g_string_append(mb, "Line of ordinary text to give the message some body and size.\n");
        g_string_append(mb, "\n");
    }
    tl_test_write(path, mb->str, mb->len);
    g_string_free(mb, TRUE);
}

/* The report as JSON without what belongs to the runs (their rows, when,
 * which file). */
static char *
report_without_runs(const char *dir, const char *db)
{
    char *out = NULL, *err = NULL;
    int rc = tl_test_run_tool(dir, &out, &err, "report", "--db", db, "--format", "json", NULL);
    ck_assert_msg(rc == 0, "report %s: %s", db, err);
    JsonParser *p = json_parser_new();
    ck_assert(json_parser_load_from_data(p, out, -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    json_object_remove_member(o, "runs");
    json_object_remove_member(o, "database");
    json_object_remove_member(o, "generated_at");
    /* what names the runs (issue 14): the custody manifest, the re-scans,
     * the run that read each file, the digest of the whole */
    json_object_remove_member(o, "manifest");
    json_object_remove_member(o, "runs_without_new_messages");
    json_object_remove_member(o, "report_sha256");
    JsonArray *ev = json_object_get_array_member(o, "evidence");
    for (guint i = 0; ev && i < json_array_get_length(ev); i++)
        json_object_remove_member(json_array_get_object_element(ev, i), "run");
    char *text = json_to_string(json_parser_get_root(p), TRUE);
    ck_assert_ptr_nonnull(strstr(text, "\"triage\""));
    g_object_unref(p);
    g_free(out);
    g_free(err);
    return text;
}

START_TEST(test_plan_parallel_merge_equals_one_scan)
{
    char *d = tl_test_tmpdir();
    char *big = g_build_filename(d, "big.mbox", NULL);
    const char *corpora = tl_test_corpora();
    /* a third of the corpora's 21 MB or more: the last cut falls in it */
    write_big_mbox(big, corpora ? 1200 : 400);
    char *out = NULL, *err = NULL;
    int rc;
    if (corpora)
        rc = tl_test_run_tool(d, &out, &err, "plan", corpora, "big.mbox", "--shards", "4", "-o", "plan", NULL);
    else
        rc = tl_test_run_tool(d, &out, &err, "plan", "big.mbox", "--shards", "4", "-o", "plan", NULL);
    ck_assert_msg(rc == 0, "plan: %s", err);
    ck_assert_ptr_nonnull(strstr(out, "shard   4:"));
    g_free(out), g_free(err);
    /* the mbox is cut: a shard reads a range of it */
    char *s4 = NULL;
    char *s4p = g_build_filename(d, "plan", "shard-004.json", NULL);
    ck_assert(g_file_get_contents(s4p, &s4, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(s4, "\"first_index\""));
    g_free(s4), g_free(s4p);
    /* GNU parallel runs the four scans, then the merge */
    char *script = g_build_filename(d, "plan", "run-parallel.sh", NULL);
    char *argv[] = { "sh", script, NULL };
    char *envp_jobs = g_strdup("JOBS=2");
    char **envp = g_environ_setenv(g_get_environ(), "JOBS", "2", TRUE);
    int status = -1;
    GError *e = NULL;
    ck_assert_msg(g_spawn_sync(d, argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &e),
                  "spawn: %s", e ? e->message : "?");
    ck_assert_msg(g_spawn_check_wait_status(status, NULL), "run-parallel.sh failed: %s %s", out, err);
    ck_assert_ptr_nonnull(strstr(err, "all 4 shards merged"));
    g_free(out), g_free(err);
    g_strfreev(envp);
    g_free(envp_jobs);
    /* one scan of the whole, under the same case key */
    if (corpora)
        rc = tl_test_run_tool(d, &out, &err, "scan", corpora, "big.mbox", "--db", "whole.db", "--case-key",
                              "plan/case.key", "-q", NULL);
    else
        rc = tl_test_run_tool(d, &out, &err, "scan", "big.mbox", "--db", "whole.db", "--case-key", "plan/case.key",
                              "-q", NULL);
    ck_assert_msg(rc == 0, "scan: %s", err);
    g_free(out), g_free(err);
    char *a = report_without_runs(d, "whole.db"), *b = report_without_runs(d, "plan/case.db");
    ck_assert_str_eq(a, b);
    g_free(a), g_free(b);
    char *whole = g_build_filename(d, "whole.db", NULL), *merged = g_build_filename(d, "plan", "case.db", NULL);
    /* the big mbox is one source again, with the whole file's digest */
    ck_assert_int_eq(tl_test_int(merged, "SELECT count(*) FROM sources WHERE path = 'big.mbox'"), 1);
    ck_assert_int_eq(tl_test_int(merged, "SELECT count(*) FROM sources WHERE range_start IS NOT NULL"), 0);
    char *q = "SELECT path, kind, size, sha256, n_messages, status FROM sources ORDER BY path, member, kind";
    char *ra = tl_test_rows(whole, "%s", q), *rb = tl_test_rows(merged, "%s", q);
    ck_assert_str_eq(ra, rb);
    g_free(ra), g_free(rb);
    q = "SELECT s.path, o.position, o.offset, o.length, o.sha256 FROM occurrences o JOIN sources s"
        " ON s.id = o.source_id ORDER BY o.id";
    ra = tl_test_rows(whole, "%s", q), rb = tl_test_rows(merged, "%s", q);
    ck_assert_str_eq(ra, rb);
    g_free(ra), g_free(rb);
    /* the merged database verifies against the evidence */
    rc = tl_test_run_tool(d, &out, &err, "verify", "--db", "plan/case.db", NULL);
    ck_assert_msg(rc == 0, "verify: %s %s", out, err);
    g_free(out), g_free(err);
    /* nothing lost (typoleak audit): the one scan, each shard (mbox ranges
     * in the whole file's offsets), the merge */
    char *plan = g_build_filename(d, "plan", NULL);
    GDir *pd = g_dir_open(plan, 0, NULL);
    int audited = 0;
    for (const char *n; pd && (n = g_dir_read_name(pd)) != NULL;) {
        if (!g_str_has_suffix(n, ".db"))
            continue;
        char *rel = g_build_filename("plan", n, NULL);
        rc = tl_test_run_tool(d, &out, &err, "audit", "--db", rel, NULL);
        ck_assert_msg(rc == 0, "audit %s: %s %s", rel, out, err);
        g_free(out), g_free(err), g_free(rel);
        audited++;
    }
    if (pd)
        g_dir_close(pd);
    g_free(plan);
    ck_assert_int_ge(audited, 1);
    rc = tl_test_run_tool(d, &out, &err, "audit", "--db", "whole.db", NULL);
    ck_assert_msg(rc == 0, "audit whole.db: %s %s", out, err);
    g_free(out), g_free(err);
    g_free(whole), g_free(merged);
    g_free(script);
    g_free(big);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* merge says which shards are missing, adds nothing when a shard comes
 * again, and refuses a shard of another plan. */
START_TEST(test_merge_checks_the_plan)
{
    char *d = tl_test_tmpdir();
    char *big = g_build_filename(d, "big.mbox", NULL);
    write_big_mbox(big, 400);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(tl_test_run_tool(d, &out, &err, "plan", "big.mbox", "--shards", "3", "-o", "p", NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(tl_test_run_tool(d, &out, &err, "plan", "big.mbox", "--shards", "2", "-o", "q", "--case-key",
                                      "p/case.key", NULL), 0);
    g_free(out), g_free(err);
    static const char *const shards[][2] = { { "p/shard-001.json", "p/1.db" }, { "p/shard-003.json", "p/3.db" },
                                             { "p/shard-002.json", "p/2.db" }, { "q/shard-001.json", "q/1.db" } };
    for (size_t i = 0; i < G_N_ELEMENTS(shards); i++) {
        int rc = tl_test_run_tool(d, &out, &err, "scan", "--shard", shards[i][0], "--db", shards[i][1], "--case-key",
                                  "p/case.key", "-q", NULL);
        ck_assert_msg(rc == 0, "scan %s: %s", shards[i][0], err);
        g_free(out), g_free(err);
    }
    ck_assert_int_eq(tl_test_run_tool(d, &out, &err, "merge", "m.db", "p/1.db", "p/3.db", NULL), 0);
    ck_assert_ptr_nonnull(strstr(err, "2 of 3 shards merged; missing: 2"));
    g_free(out), g_free(err);
    char *m = g_build_filename(d, "m.db", NULL);
    ck_assert_int_eq(tl_test_int(m, "SELECT count(*) FROM sources WHERE range_start IS NOT NULL"), 2);
    ck_assert_int_eq(tl_test_run_tool(d, &out, &err, "merge", "m.db", "p/2.db", NULL), 0);
    ck_assert_ptr_nonnull(strstr(err, "all 3 shards merged"));
    g_free(out), g_free(err);
    ck_assert_int_eq(tl_test_int(m, "SELECT count(*) FROM sources WHERE range_start IS NOT NULL"), 0);
    ck_assert_int_eq(tl_test_int(m, "SELECT count(*) FROM messages"), 400);
    ck_assert_int_eq(tl_test_int(m, "SELECT n_messages FROM sources WHERE path = 'big.mbox'"), 400);
    /* again: nothing new */
    ck_assert_int_eq(tl_test_run_tool(d, &out, &err, "merge", "m.db", "p/2.db", NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(tl_test_int(m, "SELECT count(*) FROM occurrences"), 400);
    /* another plan's shard is refused, and nothing is written */
    ck_assert_int_eq(tl_test_run_tool(d, &out, &err, "merge", "m.db", "q/1.db", NULL), 1);
    ck_assert_ptr_nonnull(strstr(err, "shards of different plans cannot be merged"));
    g_free(out), g_free(err);
    ck_assert_int_eq(tl_test_int(m, "SELECT count(*) FROM occurrences"), 400);
    g_free(m);
    g_free(big);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

Suite *
suite_scaleout(void)
{
    Suite *s = suite_create("scaleout");
    TCase *tc = tcase_create("plan");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_plan_parallel_merge_equals_one_scan);
    tcase_add_test(tc, test_merge_checks_the_plan);
    suite_add_tcase(s, tc);
    return s;
}
