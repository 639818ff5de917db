/*
 * check_audit.c - `typoleak audit` (db/audit.c): nothing lost over a scan
 * of all of ../shared/corpora and over mutated (fuzz) evidence, and every
 * kind of loss seen when the database is tampered with.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "tl_test.h"

static tl_audit_counts
audit(const char *db, char **text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    tl_audit_counts c;
    char *err = NULL;
    ck_assert_int_eq(tl_audit(db, out, &c, &err), TL_OK);
    fclose(out);
    if (text)
        *text = buf;
    else
        g_free(buf);
    return c;
}

static void
exec_sql(const char *db, const char *sql)
{
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

START_TEST(test_corpora_nothing_lost)
{
    const char *corpora = tl_test_corpora();
    if (!corpora)
        return;
    char *tmp = tl_test_tmpdir();
    char *db = g_build_filename(tmp, "c.db", NULL);
    tl_test_scan(db, 2, NULL, corpora, NULL);
    char *text = NULL;
    tl_audit_counts c = audit(db, &text);
    ck_assert_msg(c.problems == 0, "%s", text);
    ck_assert_int_gt(c.sources, 1000);
    ck_assert_int_gt(c.mboxes, 100);
    ck_assert_int_eq(c.messages, c.occurrences + c.message_errors);
    ck_assert_int_gt(c.mbox_covered, c.mbox_bytes - 1000);
    g_free(text);
    tl_test_rmtree(tmp);
    g_free(db);
    g_free(tmp);
}
END_TEST

/* An mbox with junk, a message GMime cannot build, an empty one and an
 * oversized one: all bytes accounted for; then each tampering is seen. */
START_TEST(test_mbox_accounting_and_tampering)
{
    char *tmp = tl_test_tmpdir();
    char *mb = g_build_filename(tmp, "a.mbox", NULL);
    GString *s = g_string_new("some junk before\n\n");
    g_string_append(s, "From a@b Mon Jan  1 00:00:00 2001\nFrom: a@example.org\nTo: b@army.ml\nSubject: one\n\nbody\n\n");
    g_string_append(s, "From a@b Mon Jan  1 00:00:00 2001\n\n");
    g_string_append(s, "From a@b Mon Jan  1 00:00:00 2001\nFrom: a@example.org\nTo: c@army.ml\nSubject: big\n\n");
    for (int i = 0; i < 3000; i++)
        g_string_append(s, "a line of an oversized message\n");
    g_string_append(s, "\nFrom a@b Mon Jan  1 00:00:00 2001\r\nFrom: a@example.org\r\nTo: d@army.ml\r\n\r\nx\r\n");
    tl_test_write(mb, s->str, s->len);
    char *db = g_build_filename(tmp, "a.db", NULL);
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db;
    o.jobs = 1;
    o.max_message = 10000;
    const char *paths[] = { mb };
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, NULL), TL_OK);
    char *text = NULL;
    tl_audit_counts c = audit(db, &text);
    ck_assert_msg(c.problems == 0, "%s", text);
    ck_assert_int_eq(c.mbox_bytes, (int64_t)s->len);
    ck_assert_int_eq(c.messages, 4);
    g_free(text);

    exec_sql(db, "DELETE FROM occurrences WHERE id = (SELECT max(id) FROM occurrences)");
    c = audit(db, &text);
    ck_assert_int_ge(c.problems, 2);
    ck_assert_ptr_nonnull(strstr(text, "messages: "));
    ck_assert_ptr_nonnull(strstr(text, "gap: "));
    g_free(text);

    exec_sql(db, "DELETE FROM errors WHERE code = 'TL_WARN_JUNK'; UPDATE sources SET status = 'reading'");
    c = audit(db, &text);
    ck_assert_ptr_nonnull(strstr(text, "unfinished: "));
    ck_assert_ptr_nonnull(strstr(text, "bytes 0-"));
    g_free(text);

    /* the command: exit 5 on a loss, 1 on no database */
    const char *bin = g_getenv("TYPOLEAK") ? g_getenv("TYPOLEAK") : "../typoleak";
    char *argv[] = { (char *)bin, "audit", "--db", db, NULL };
    int status = -1;
    ck_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL));
    ck_assert_int_eq(WEXITSTATUS(status), 5);
    char *none = g_build_filename(tmp, "none.db", NULL);
    argv[3] = none;
    ck_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL));
    ck_assert_int_eq(WEXITSTATUS(status), 1);
    g_free(none);
    g_string_free(s, TRUE);
    tl_test_rmtree(tmp);
    g_free(db);
    g_free(mb);
    g_free(tmp);
}
END_TEST

/* Mutated evidence (tests/fuzz.py runs the audit after its scan). */
START_TEST(test_fuzz_outputs)
{
    if (!tl_test_corpora())
        return;
    const char *bin = g_getenv("TYPOLEAK") ? g_getenv("TYPOLEAK") : "../typoleak";
    char *abs = g_canonicalize_filename(bin, NULL);
    char *env_bin = g_strdup_printf("TYPOLEAK=%s", abs);
    char *argv[] = { "python3", TL_SOURCE_DIR "/tests/fuzz.py", NULL };
    char **envp = g_get_environ();
    envp = g_environ_setenv(envp, "TYPOLEAK", abs, TRUE);
    envp = g_environ_setenv(envp, "FUZZ_FILES", "120", TRUE);
    envp = g_environ_setenv(envp, "FUZZ_SEED", "15", TRUE);
    envp = g_environ_setenv(envp, "TL_CORPORA", tl_test_corpora(), TRUE);
    int status = -1;
    char *out = NULL, *err = NULL;
    ck_assert(g_spawn_sync(NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL));
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fuzz.py: %s %s", out, err);
    ck_assert_ptr_nonnull(strstr(out, "audited"));
    g_strfreev(envp);
    g_free(out);
    g_free(err);
    g_free(env_bin);
    g_free(abs);
}
END_TEST

Suite *
suite_audit(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("audit");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_mbox_accounting_and_tampering);
    tcase_add_test(tc, test_corpora_nothing_lost);
    tcase_add_test(tc, test_fuzz_outputs);
    suite_add_tcase(s, tc);
    return s;
}
