/*
 * check_pipeline.c - the threaded pipeline gives the same database as the
 * inline one (-j 1), whatever the number of workers and the queue depth.
 */
#include <string.h>

#include "tl_test.h"

/* Everything that must not depend on threading, in row order. */
static const char dump_sql[] =
    "SELECT s.path, s.kind, s.n_messages, s.sha256, o.position, o.offset, o.length, m.sha256, m.subject,"
    " (SELECT group_concat(addr || '/' || header, ',') FROM recipients r WHERE r.message_id=m.id),"
    " (SELECT group_concat(typo_domain, ',') FROM typo_hits t WHERE t.message_id=m.id)"
    " FROM occurrences o JOIN messages m ON m.id=o.message_id JOIN sources s ON s.id=o.source_id"
    " ORDER BY o.id";

static char *
scan_dump(const char *dir, const char *in, int jobs, int depth, uint64_t inflight)
{
    char *db = g_strdup_printf("%s/j%d-q%d-b%" G_GUINT64_FORMAT ".db", dir, jobs, depth, inflight);
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db;
    o.jobs = jobs;
    o.queue_depth = depth;
    o.max_inflight = inflight;
    const char *paths[] = { in };
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, NULL), TL_OK);
    char *rows = tl_test_rows(db, "%s", dump_sql);
    char *src = tl_test_rows(db, "SELECT id, parent_id, path, kind, status FROM sources ORDER BY id");
    char *err = tl_test_rows(db, "SELECT source_id, path, code, reason FROM errors ORDER BY id");
    char *all = g_strconcat(rows, "\n--\n", src, "\n--\n", err, NULL);
    g_free(rows);
    g_free(src);
    g_free(err);
    g_free(db);
    return all;
}

START_TEST(test_same_result_any_threads)
{
    char *d = tl_test_tmpdir();
    /* 300 messages of varied sizes in an mbox, a Maildir and a zip. */
    GString *big = g_string_new(NULL);
    for (int i = 0; i < 300; i++) {
        char *m = tl_test_message(i, i % 5 ? "ok@example.com" : "x@army.ml");
        g_string_append_printf(big, "From a@b Mon Jan  2 10:00:00 2023\n%s", m);
        for (int k = 0; k < (i * 37) % 400; k++)
            g_string_append(big, "padding line of the body\n");
        g_string_append_c(big, '\n');
        g_free(m);
        char *md = g_strdup_printf("%s/in/Maildir/cur/%d.host:2,S", d, i);
        char *m2 = tl_test_message(1000 + i, i % 3 ? "ok@example.com" : "y@gmail.con");
        tl_test_write_str(md, m2);
        g_free(m2);
        g_free(md);
    }
    char *nm = g_strdup_printf("%s/in/Maildir/new", d);
    g_mkdir_with_parents(nm, 0755);
    g_free(nm);
    char *mb = g_strdup_printf("%s/in/sent.mbox", d);
    tl_test_write(mb, big->str, big->len);
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (guint8 *)big->str, (guint)big->len);
    const char *names[] = { "archive/sent.mbox", "broken.eml" };
    GByteArray *empty = tl_test_bytes("");
    const GByteArray *datas[] = { b, empty };
    char *zip = g_strdup_printf("%s/in/copy.zip", d);
    tl_test_archive(zip, "zip", 2, names, datas);
    char *in = g_strdup_printf("%s/in", d);

    char *ref = scan_dump(d, in, 1, 4, 64u << 20);
    ck_assert_ptr_nonnull(strstr(ref, "army.ml"));
    /* workers, queue depth, bytes in flight (1: every message alone) */
    struct { int jobs, depth; uint64_t bytes; } cfg[] = {
        { 2, 64, 64u << 20 }, { 4, 1, 64u << 20 }, { 8, 2, 64u << 20 }, { 3, 16, 1 }, { 2, 64, 20000 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cfg); i++) {
        char *got = scan_dump(d, in, cfg[i].jobs, cfg[i].depth, cfg[i].bytes);
        ck_assert_msg(strcmp(got, ref) == 0, "-j %d, queue depth %d, %" G_GUINT64_FORMAT " bytes in flight: differs"
                      " from -j 1", cfg[i].jobs, cfg[i].depth, cfg[i].bytes);
        g_free(got);
    }
    g_free(ref);
    g_free(in);
    g_free(zip);
    g_free(mb);
    g_byte_array_free(b, TRUE);
    g_byte_array_free(empty, TRUE);
    g_string_free(big, TRUE);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

typedef struct {
    int calls;
    uint64_t last_messages;
    int monotonic;
} seen_progress;

static void
on_progress(const tl_scan_stats *s, void *data)
{
    seen_progress *p = data;
    if (s->messages < p->last_messages)
        p->monotonic = 0;
    p->last_messages = s->messages;
    p->calls++;
}

/* The progress callback is called, never goes backwards, and its last call
 * has the final figures. */
START_TEST(test_progress)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "a.mbox", NULL);
    char *mb = tl_test_mbox(200, "x@army.ml", 10);
    tl_test_write_str(f, mb);
    for (int jobs = 1; jobs <= 2; jobs++) {
        char *db = g_strdup_printf("%s/p%d.db", d, jobs);
        seen_progress sp = { 0, 0, 1 };
        tl_scan_options o;
        tl_scan_options_init(&o);
        o.db_path = db;
        o.jobs = jobs;
        o.progress = on_progress;
        o.progress_data = &sp;
        const char *paths[] = { f };
        tl_scan_stats st;
        ck_assert_int_eq(tl_scan(&o, paths, 1, &st, NULL), TL_OK);
        ck_assert_int_ge(sp.calls, 1);
        ck_assert(sp.monotonic);
        ck_assert_uint_eq(sp.last_messages, 200);
        ck_assert_uint_eq(st.messages, 200);
        ck_assert_uint_eq(st.typo_hits, 20);
        g_free(db);
    }
    g_free(mb);
    g_free(f);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

START_TEST(test_bad_options)
{
    tl_scan_options o;
    tl_scan_options_init(&o);
    const char *paths[] = { "/nonexistent" };
    char *msg = NULL;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, &msg), TL_ERR_USAGE);   /* no db */
    g_free(msg);
    o.db_path = "/tmp/unused.db";
    o.jobs = 0;
    msg = NULL;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, &msg), TL_ERR_USAGE);
    g_free(msg);
}
END_TEST

Suite *
suite_pipeline(void)
{
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_same_result_any_threads);
    tcase_add_test(tc, test_bad_options);
    tcase_add_test(tc, test_progress);
    suite_add_tcase(s, tc);
    return s;
}
