/*
 * check_faults.c - injected faults (docs/errors.md, "What stops a run"):
 * the database on a full file system, a read-only one, a locked one, I/O
 * errors writing it; evidence unreadable, truncated, failing with EIO in
 * the middle.  Each gives a clear message and the documented exit status,
 * leaves a consistent database (integrity_check, the audit), and the same
 * command then completes the run.  The file-system faults mount a small
 * tmpfs (root only; skipped otherwise); the I/O faults preload
 * tests/faults/preload.c (build/libtlfault.so) into the command.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tl_test.h"

typedef struct {
    int rc;
    char *out, *err;
} run_result;

static void
run_free(run_result *r)
{
    g_free(r->out);
    g_free(r->err);
}

/* Runs typoleak with args; extra environment in env (NULL-terminated
 * NAME=VALUE list, may be NULL). */
static run_result
run_env(const char *const *env, ...)
{
    va_list ap;
    GPtrArray *argv = g_ptr_array_new();
    const char *bin = g_getenv("TYPOLEAK");
    char *abs = g_canonicalize_filename(bin ? bin : "../typoleak", NULL);
    g_ptr_array_add(argv, abs);
    va_start(ap, env);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL)
        g_ptr_array_add(argv, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    char **envp = g_get_environ();
    for (int i = 0; env && env[i]; i++) {
        char **kv = g_strsplit(env[i], "=", 2);
        envp = g_environ_setenv(envp, kv[0], kv[1], TRUE);
        g_strfreev(kv);
    }
    run_result r = { -1, NULL, NULL };
    int status = -1;
    GError *e = NULL;
    ck_assert_msg(g_spawn_sync(NULL, (char **)argv->pdata, envp, 0, NULL, NULL, &r.out, &r.err, &status, &e),
                  "spawn: %s", e ? e->message : "?");
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    g_strfreev(envp);
    g_ptr_array_free(argv, TRUE);
    g_free(abs);
    return r;
}

static const char *
fault_so(void)
{
    const char *so = g_getenv("TL_FAULT_SO");
    return so ? so : TL_SOURCE_DIR "/build/libtlfault.so";
}

/* An evidence folder: an mbox of n messages and two single messages. */
static char *
evidence(const char *tmp, int n)
{
    char *dir = g_build_filename(tmp, "ev", NULL);
    g_mkdir(dir, 0755);
    char *mb = tl_test_mbox(n, "someone@army.ml", 7);
    char *p = g_build_filename(dir, "inbox.mbox", NULL);
    tl_test_write_str(p, mb);
    g_free(p);
    g_free(mb);
    for (int i = 0; i < 2; i++) {
        char *m = tl_test_message(1000 + i, "x@army.ml");
        char *name = g_strdup_printf("%s/m%d.eml", dir, i);
        tl_test_write_str(name, m);
        g_free(name);
        g_free(m);
    }
    return dir;
}

/* The database is whole and accounts for everything. */
static void
assert_consistent(const char *db)
{
    char *ic = tl_test_str(db, "PRAGMA integrity_check");
    ck_assert_str_eq(ic, "ok");
    g_free(ic);
}

static void
assert_complete(const char *db, int64_t messages)
{
    assert_consistent(db);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), messages);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    tl_audit_counts c;
    ck_assert_int_eq(tl_audit(db, out, &c, NULL), TL_OK);
    fclose(out);
    ck_assert_msg(c.problems == 0, "%s", buf);
    g_free(buf);
}

static int
can_mount(const char *dir)
{
    if (getuid() != 0 || mount("tlfault", dir, "tmpfs", 0, "size=64k") != 0) {
        fprintf(stderr, "check_faults: cannot mount a tmpfs (not root?): file-system faults skipped\n");
        return 0;
    }
    return 1;
}

/* Disk full before the case key is written: no empty or half key stays
 * behind for the next run to refuse; that run completes. */
START_TEST(test_disk_full_case_key)
{
    char *tmp = tl_test_tmpdir();
    char *ev = evidence(tmp, 20);
    char *mnt = g_build_filename(tmp, "mnt", NULL);
    g_mkdir(mnt, 0755);
    if (!can_mount(mnt))
        goto out;
    char *db = g_build_filename(mnt, "f.db", NULL), *key = g_strconcat(db, ".casekey", NULL);
    /* 192 KiB: the database's schema and the text index's file, then no
     * room for the key */
    ck_assert_int_eq(mount("tlfault", mnt, "tmpfs", MS_REMOUNT, "size=192k"), 0);
    run_result r = run_env(NULL, "scan", "-q", "-j", "1", "--db", db, ev, NULL);
    ck_assert_msg(r.rc != 0, "a scan on a full disk succeeded");
    run_free(&r);
    GStatBuf st;
    ck_assert_msg(g_stat(key, &st) != 0 || st.st_size >= 64, "a case key of %ld bytes was left", (long)st.st_size);
    ck_assert_int_eq(mount("tlfault", mnt, "tmpfs", MS_REMOUNT, "size=64m"), 0);
    r = run_env(NULL, "scan", "-q", "-j", "1", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
    run_free(&r);
    g_free(db);
    g_free(key);
    umount(mnt);
out:
    tl_test_rmtree(tmp);
    g_free(mnt);
    g_free(ev);
    g_free(tmp);
}
END_TEST

/* Disk full: a 384 KiB tmpfs holds the start of the database (its schema,
 * the text index's file, their WAL and shared memory take about 200 KiB);
 * then the file system grows and the same command finishes the run. */
START_TEST(test_disk_full)
{
    char *tmp = tl_test_tmpdir();
    char *ev = evidence(tmp, 400);
    char *mnt = g_build_filename(tmp, "mnt", NULL);
    g_mkdir(mnt, 0755);
    if (!can_mount(mnt))
        goto out;
    ck_assert_int_eq(mount("tlfault", mnt, "tmpfs", MS_REMOUNT, "size=384k"), 0);
    char *db = g_build_filename(mnt, "f.db", NULL);
    run_result r = run_env(NULL, "scan", "-q", "-j", "1", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 1, "exit %d: %s", r.rc, r.err);
    ck_assert_msg(strstr(r.err, "database or disk is full") || strstr(r.err, "disk I/O error"), "%s", r.err);
    run_free(&r);
    ck_assert_int_eq(mount("tlfault", mnt, "tmpfs", MS_REMOUNT, "size=64m"), 0);
    assert_consistent(db);
    r = run_env(NULL, "scan", "-q", "-j", "1", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
    run_free(&r);
    assert_complete(db, 402);
    g_free(db);
    umount(mnt);
out:
    tl_test_rmtree(tmp);
    g_free(mnt);
    g_free(ev);
    g_free(tmp);
}
END_TEST

/* A read-only file system: nothing written, a clear message; writable
 * again, the same command runs. */
START_TEST(test_read_only)
{
    char *tmp = tl_test_tmpdir();
    char *ev = evidence(tmp, 20);
    char *mnt = g_build_filename(tmp, "mnt", NULL);
    g_mkdir(mnt, 0755);
    if (!can_mount(mnt))
        goto out;
    ck_assert_int_eq(mount("tlfault", mnt, "tmpfs", MS_REMOUNT, "size=16m"), 0);
    char *db = g_build_filename(mnt, "f.db", NULL);
    run_result r = run_env(NULL, "scan", "-q", "--db", db, ev, NULL);
    ck_assert_int_eq(r.rc, 0);
    run_free(&r);
    /* more evidence, the file system read-only */
    char *more = g_build_filename(ev, "m9.eml", NULL);
    char *m = tl_test_message(9, "y@army.ml");
    tl_test_write_str(more, m);
    ck_assert_int_eq(mount("tlfault", mnt, "tmpfs", MS_REMOUNT | MS_RDONLY, "size=16m"), 0);
    r = run_env(NULL, "scan", "-q", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 1, "exit %d: %s", r.rc, r.err);
    ck_assert_msg(strstr(r.err, "readonly") || strstr(r.err, "ead-only") || strstr(r.err, "unable to open"),
                  "%s", r.err);
    run_free(&r);
    ck_assert_int_eq(mount("tlfault", mnt, "tmpfs", MS_REMOUNT, "size=16m"), 0);
    assert_consistent(db);
    r = run_env(NULL, "scan", "-q", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
    run_free(&r);
    assert_complete(db, 23);
    umount(mnt);
    g_free(m);
    g_free(more);
    g_free(db);
out:
    tl_test_rmtree(tmp);
    g_free(mnt);
    g_free(ev);
    g_free(tmp);
}
END_TEST

/* Another process holds the database: the scan waits (busy timeout),
 * then says it is locked; once free, the same command runs. */
START_TEST(test_locked)
{
    char *tmp = tl_test_tmpdir();
    char *ev = evidence(tmp, 20);
    char *db = g_build_filename(tmp, "f.db", NULL);
    run_result r = run_env(NULL, "scan", "-q", "--db", db, ev, NULL);
    ck_assert_int_eq(r.rc, 0);
    run_free(&r);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "BEGIN EXCLUSIVE; INSERT INTO runs(tool_version, schema_version, started_at,"
                                     " status) VALUES('x', 7, 'now', 'x');", NULL, NULL, NULL), SQLITE_OK);
    r = run_env(NULL, "scan", "-q", "--rescan", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 1, "exit %d: %s", r.rc, r.err);
    ck_assert_msg(strstr(r.err, "locked") || strstr(r.err, "busy"), "%s", r.err);
    run_free(&r);
    sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(h);
    assert_consistent(db);
    r = run_env(NULL, "scan", "-q", "--rescan", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
    run_free(&r);
    assert_complete(db, 2 * 22);
    tl_test_rmtree(tmp);
    g_free(db);
    g_free(ev);
    g_free(tmp);
}
END_TEST

/* I/O errors writing the database (injected after N writes): exit 1 and
 * a clear message whatever the write that failed; then the run resumes. */
START_TEST(test_db_io_error)
{
    char *tmp = tl_test_tmpdir();
    char *ev = evidence(tmp, 300);
    char *db = g_build_filename(tmp, "f.db", NULL);
    char *pre = g_strdup_printf("LD_PRELOAD=%s", fault_so());
    int failures = 0;
    for (int after = 5; after <= 200; after += 65) {
        char *n = g_strdup_printf("TL_FAULT_WEIO_AFTER=%d", after);
        const char *env[] = { pre, "TL_FAULT_WEIO=.db-wal", n, "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0",
                              NULL };
        run_result r = run_env(env, "scan", "-q", "-j", "1", "--db", db, ev, NULL);
        if (r.rc != 0) {
            failures++;
            ck_assert_msg(r.rc == 1, "exit %d: %s", r.rc, r.err);
            ck_assert_msg(strstr(r.err, "I/O error") || strstr(r.err, "disk I/O"), "%s", r.err);
        }
        run_free(&r);
        g_free(n);
        assert_consistent(db);
    }
    ck_assert_int_ge(failures, 1);
    run_result r = run_env(NULL, "scan", "-q", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
    run_free(&r);
    assert_complete(db, 302);
    g_free(pre);
    tl_test_rmtree(tmp);
    g_free(db);
    g_free(ev);
    g_free(tmp);
}
END_TEST

/* Evidence that cannot be opened, that fails with EIO in the middle, and
 * that is truncated: error rows, exit 0, the rest scanned; the failed
 * files are read again by the same command. */
START_TEST(test_evidence_faults)
{
    char *tmp = tl_test_tmpdir();
    char *ev = evidence(tmp, 200);
    char *gz = g_build_filename(ev, "cut.mbox.gz", NULL);
    char *mb = tl_test_mbox(50, "z@army.ml", 1);
    GByteArray *data = tl_test_bytes(mb);
    const char *names[] = { "cut.mbox" };
    const GByteArray *datas[] = { data };
    tl_test_archive(gz, "gz", 1, names, datas);
    gsize len = 0;
    char *bytes = NULL;
    ck_assert(g_file_get_contents(gz, &bytes, &len, NULL));
    tl_test_write(gz, bytes, len / 2);      /* truncated */
    char *db = g_build_filename(tmp, "f.db", NULL);
    char *pre = g_strdup_printf("LD_PRELOAD=%s", fault_so());
    const char *env[] = { pre, "TL_FAULT_DENY=/m0.eml", "TL_FAULT_EIO=/inbox.mbox", "TL_FAULT_EIO_AFTER=20000",
                          "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0", NULL };
    run_result r = run_env(env, "scan", "-q", "-j", "1", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
    run_free(&r);
    assert_consistent(db);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code = 'TL_ERR_OPEN' AND path LIKE '%%/m0.eml'"
                                     " AND reason LIKE '%%Permission denied%%'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code = 'TL_WARN_TRUNCATED'"
                                     " AND path LIKE '%%/inbox.mbox' AND reason LIKE '%%Input/output error%%'"), 1);
    /* a gzip cut in the middle: what came before is kept (a small one
     * libarchive cannot even open: TL_ERR_ARCHIVE) */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code IN ('TL_WARN_TRUNCATED', 'TL_ERR_ARCHIVE')"
                                     " AND path LIKE '%%cut.mbox.gz%%'"), 1);
    int64_t partial = tl_test_int(db, "SELECT count(*) FROM occurrences");
    ck_assert_int_gt(partial, 10);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE message_id LIKE '%%1001%%'"), 1);
    char *buf = NULL;
    size_t blen = 0;
    FILE *out = open_memstream(&buf, &blen);
    tl_audit_counts c;
    ck_assert_int_eq(tl_audit(db, out, &c, NULL), TL_OK);
    fclose(out);
    ck_assert_msg(c.problems == 0, "%s", buf);
    g_free(buf);
    /* the faults gone, the same command reads the failed and truncated
     * files again; the cut gzip stays cut */
    r = run_env(NULL, "scan", "-q", "-j", "1", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
    run_free(&r);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE message_id LIKE '%%1000%%'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(DISTINCT message_id) FROM occurrences o JOIN sources s"
                                     " ON s.id = o.source_id WHERE s.path LIKE '%%/inbox.mbox'"), 200);
    assert_consistent(db);
    g_byte_array_free(data, TRUE);
    g_free(bytes);
    g_free(mb);
    g_free(pre);
    g_free(gz);
    tl_test_rmtree(tmp);
    g_free(db);
    g_free(ev);
    g_free(tmp);
}
END_TEST

static void
limit_memory(gpointer data)
{
    struct rlimit rl = { (rlim_t)GPOINTER_TO_SIZE(data), (rlim_t)GPOINTER_TO_SIZE(data) };
    setrlimit(RLIMIT_AS, &rl);
}

/* Out of memory: GLib aborts by design (g_malloc never returns NULL):
 * a message on stderr, SIGTRAP; the database stays whole and the same
 * command without the limit completes the run.  Not under the sanitizers
 * (their shadow memory needs the address space). */
START_TEST(test_out_of_memory)
{
    if (g_getenv("TL_SANITIZED"))
        return;
    char *tmp = tl_test_tmpdir();
    char *ev = evidence(tmp, 20);
    GString *big = g_string_new("From: a@example.org\nTo: b@army.ml\nSubject: big\n\n");
    while (big->len < (40u << 20))
        g_string_append(big, "a long line of a large message, repeated until it is forty megabytes\n");
    char *p = g_build_filename(ev, "big.eml", NULL);
    tl_test_write(p, big->str, big->len);
    char *db = g_build_filename(tmp, "f.db", NULL);
    const char *bin = g_getenv("TYPOLEAK");
    char *abs = g_canonicalize_filename(bin ? bin : "../typoleak", NULL);
    char *argv[] = { abs, "scan", "-q", "-j", "1", "--parse", "full", "--db", db, ev, NULL };
    int status = 0;
    char *err = NULL;
    ck_assert(g_spawn_sync(NULL, argv, NULL, 0, limit_memory, GSIZE_TO_POINTER((gsize)150 << 20), NULL, &err,
                           &status, NULL));
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTRAP, "status %d: %s", status, err);
    ck_assert_msg(strstr(err, "failed to allocate"), "%s", err);
    g_free(err);
    if (g_file_test(db, G_FILE_TEST_EXISTS))
        assert_consistent(db);
    run_result r = run_env(NULL, "scan", "-q", "-j", "1", "--parse", "full", "--db", db, ev, NULL);
    ck_assert_msg(r.rc == 0, "exit %d: %s", r.rc, r.err);
    run_free(&r);
    assert_complete(db, 23);
    g_string_free(big, TRUE);
    g_free(abs);
    g_free(p);
    tl_test_rmtree(tmp);
    g_free(db);
    g_free(ev);
    g_free(tmp);
}
END_TEST

Suite *
suite_faults(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_evidence_faults);
    tcase_add_test(tc, test_db_io_error);
    tcase_add_test(tc, test_disk_full);
    tcase_add_test(tc, test_disk_full_case_key);
    tcase_add_test(tc, test_read_only);
    tcase_add_test(tc, test_locked);
    tcase_add_test(tc, test_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}
