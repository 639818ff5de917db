/*
 * check_cli.c - the typoleak command as a user runs it: exit codes,
 * messages, the scan summary and the report.  TYPOLEAK names the binary.
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
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
    ck_assert_ptr_nonnull(strstr(err, "Usage: typoleak COMMAND"));
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

/* Runs the binary in a private mount namespace where folder is a read-only
 * bind mount of itself: read-only media as a disc or a write-protected
 * share gives it, which root's permissions cannot step over (chmod does
 * not stop root; EROFS does).  -1 when the machine allows no mount
 * namespace. */
static int
run_on_ro_folder(const char *folder, const char *cwd, char **out, char **err, const char *args)
{
    const char *bin = g_getenv("TYPOLEAK");
    char *abs = g_canonicalize_filename(bin ? bin : "../typoleak", NULL);
    char *q = g_shell_quote(folder), *qb = g_shell_quote(abs);
    /* cd after the mount: a working folder entered before it would be the
     * writable folder underneath */
    char *qc = g_shell_quote(cwd ? cwd : ".");
    char *enter = cwd ? g_strdup_printf("cd %s || exit 97; touch .w 2>/dev/null && exit 98; ", qc) : g_strdup("");
    char *script = g_strdup_printf("mount --bind %s %s && mount -o remount,ro,bind %s %s || exit 99; "
                                   "touch %s/.w 2>/dev/null && exit 98; %sexec %s %s",
                                   q, q, q, q, q, enter, qb, args);
    g_free(qc), g_free(enter);
    char *argv[] = { "unshare", "-m", "sh", "-c", script, NULL };
    int status = -1;
    GError *e = NULL;
    ck_assert_msg(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err, &status, &e),
                  "unshare: %s", e ? e->message : "?");
    g_free(script), g_free(q), g_free(qb), g_free(abs);
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    ck_assert_msg(rc != 98, "the read-only bind mount could be written");
    return rc == 99 ? -1 : rc;
}

static gint
cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files in a folder, sorted, one a line. */
static char *
listing(const char *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d)) != NULL)
        g_ptr_array_add(names, g_strdup(n));
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, cmp_names);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(s, "%s\n", (char *)names->pdata[i]);
    g_ptr_array_free(names, TRUE);
    return g_string_free(s, FALSE);
}

/* Issue 13, 1: a findings database handed over on read-only media reads
 * as it reads in place, with every read-side command, and no command
 * makes a -wal or -shm beside it, in place or there. */
START_TEST(test_read_only_media)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "sent.mbox", NULL), *rw = g_build_filename(d, "rw", NULL),
         *ro = g_build_filename(d, "ro", NULL), *db = g_build_filename(rw, "case.db", NULL);
    char *mb = tl_test_mbox(6, "ops@corp.exampel", 2);
    tl_test_write_str(f, mb);
    g_mkdir(rw, 0755);
    g_mkdir(ro, 0755);
    char *out, *err;
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", db, "--protect", "corp.example", "--quiet", NULL), 0);
    g_free(out), g_free(err);
    /* a finished run leaves each file whole: no -wal, no -shm */
    char *files = listing(rw);
    ck_assert_str_eq(files, "case.db\ncase.db.casekey\ncase.db.text\n");
    g_free(files);
    char *cmd = g_strdup_printf("cp %s/case.db %s/case.db.text %s/", rw, rw, ro);
    ck_assert_int_eq(system(cmd), 0);
    g_free(cmd);
    static const char *const commands[] = { "report --db case.db", "report --db case.db --format json",
                                            "export --db case.db", "show --db case.db 1", "verify --db case.db" };
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        char **argv = g_strsplit(commands[i], " ", -1);
        GPtrArray *a = g_ptr_array_new();
        const char *bin = g_getenv("TYPOLEAK");
        char *abs = g_canonicalize_filename(bin ? bin : "../typoleak", NULL);
        g_ptr_array_add(a, abs);
        for (char **x = argv; *x; x++)
            g_ptr_array_add(a, *x);
        g_ptr_array_add(a, NULL);
        char *in_out = NULL, *in_err = NULL;
        int status = -1;
        ck_assert(g_spawn_sync(rw, (char **)a->pdata, NULL, 0, NULL, NULL, &in_out, &in_err, &status, NULL));
        char *args = g_strjoinv(" ", argv);
        int rc = run_on_ro_folder(ro, ro, &out, &err, args);
        if (rc == -1) {
            fprintf(stderr, "test_read_only_media: no mount namespace here (%s); skipped\n", err);
            g_free(out), g_free(err), g_free(in_out), g_free(in_err), g_free(args), g_free(abs);
            g_ptr_array_free(a, TRUE), g_strfreev(argv);
            break;
        }
        ck_assert_msg(rc == WEXITSTATUS(status), "%s on read-only media: exit %d (in place %d): %s", commands[i], rc,
                      WEXITSTATUS(status), err);
        if (!strstr(commands[i], "json") && !strstr(commands[i], "verify"))
            ck_assert_msg(strcmp(out, in_out) == 0, "%s: read-only output differs", commands[i]);
        ck_assert_str_eq(err, in_err);
        g_free(out), g_free(err), g_free(in_out), g_free(in_err), g_free(args), g_free(abs);
        g_ptr_array_free(a, TRUE);
        g_strfreev(argv);
    }
    /* a database left in WAL mode (an interrupted scan): read-only media
     * give SQLite no -shm; opened as immutable it reads all the same */
    cmd = g_strdup_printf("cp %s/case.db %s/wal.db && sqlite3 %s/wal.db 'PRAGMA journal_mode=WAL' >/dev/null && "
                          "cp %s/wal.db %s/case-wal.db", rw, d, d, d, ro);
    ck_assert_int_eq(system(cmd), 0);
    g_free(cmd);
    int rc = run_on_ro_folder(ro, ro, &out, &err, "show --db case-wal.db 1");
    if (rc != -1) {
        ck_assert_msg(rc == 0, "a WAL-mode database on read-only media: exit %d: %s", rc, err);
        ck_assert_ptr_nonnull(strstr(out, "message 1\n"));
    }
    g_free(out), g_free(err);
    /* in place: nothing new beside the database */
    files = listing(rw);
    ck_assert_str_eq(files, "case.db\ncase.db.casekey\ncase.db.text\n");
    g_free(files);
    files = listing(ro);
    ck_assert_str_eq(files, "case-wal.db\ncase.db\ncase.db.text\n");
    g_free(files);
    g_free(mb), g_free(f), g_free(rw), g_free(ro), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* Issue 13, 2: each failure says what happened, naming the file and the
 * reason, with the exit status docs/errors.md gives; no SQL in any. */
START_TEST(test_database_errors)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "sent.mbox", NULL), *db = g_build_filename(d, "case.db", NULL);
    char *mb = tl_test_mbox(4, "ops@corp.exampel", 1);
    tl_test_write_str(f, mb);
    char *out, *err;
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", db, "--quiet", NULL), 0);
    g_free(out), g_free(err);
    /* a folder that does not exist */
    char *nodir = g_build_filename(d, "no", "such", "case.db", NULL);
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", nodir, NULL), 1);
    ck_assert_msg(strstr(err, "cannot create the database") && strstr(err, "does not exist"), "%s", err);
    ck_assert_ptr_nonnull(strstr(err, nodir));
    g_free(out), g_free(err);
    /* a folder that cannot be written (read-only media) */
    char *rodir = g_build_filename(d, "ro", NULL);
    g_mkdir(rodir, 0755);
    char *args = g_strdup_printf("scan %s --db %s/new.db", f, rodir);
    int rc = run_on_ro_folder(rodir, NULL, &out, &err, args);
    if (rc != -1) {
        ck_assert_int_eq(rc, 1);
        ck_assert_msg(strstr(err, "cannot be written (Read-only file system)"), "%s", err);
    }
    g_free(out), g_free(err), g_free(args);
    /* a file that is not a database, for the scan and for the readers */
    char *junk = g_build_filename(d, "notes.db", NULL);
    tl_test_write_str(junk, "these are my notes, not a database\n");
    const char *const readers[] = { "report", "show", "export", "verify" };
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", junk, NULL), 1);
    ck_assert_msg(strstr(err, "is not a SQLite database"), "%s", err);
    ck_assert_msg(!strstr(err, "PRAGMA") && !strstr(err, "SELECT"), "SQL in the message: %s", err);
    g_free(out), g_free(err);
    for (size_t i = 0; i < G_N_ELEMENTS(readers); i++) {
        ck_assert_int_eq(run(&out, &err, readers[i], "--db", junk, i == 1 ? "1" : NULL, NULL), 1);
        ck_assert_msg(strstr(err, junk) && strstr(err, "is not a SQLite database"), "%s: %s", readers[i], err);
        g_free(out), g_free(err);
    }
    /* truncated: cut to a third */
    gchar *bytes = NULL;
    gsize len = 0;
    ck_assert(g_file_get_contents(db, &bytes, &len, NULL));
    char *cut = g_build_filename(d, "cut.db", NULL);
    tl_test_write(cut, bytes, len / 3);
    for (size_t i = 0; i < G_N_ELEMENTS(readers); i++) {
        ck_assert_int_eq(run(&out, &err, readers[i], "--db", cut, i == 1 ? "1" : NULL, NULL), 1);
        ck_assert_msg(strstr(err, "is truncated: it holds"), "%s: %s", readers[i], err);
        g_free(out), g_free(err);
    }
    /* damaged: every page after the first overwritten */
    char *bad = g_build_filename(d, "bad.db", NULL);
    for (gsize p = 4096; p < len; p++)
        bytes[p] = (char)0xa5;
    tl_test_write(bad, bytes, len);
    ck_assert_int_eq(run(&out, &err, "show", "--db", bad, "1", NULL), 1);
    ck_assert_msg(strstr(err, "is damaged: database disk image is malformed"), "%s", err);
    ck_assert(!strstr(err, "no message"));
    g_free(out), g_free(err);
    g_free(bytes);
    /* another schema version */
    char *old = g_build_filename(d, "old.db", NULL);
    char *mk = g_strdup_printf("sqlite3 %s 'CREATE TABLE runs(id); PRAGMA user_version=6;'", old);
    ck_assert_int_eq(system(mk), 0);
    g_free(mk);
    ck_assert_int_eq(run(&out, &err, "report", "--db", old, NULL), 1);
    ck_assert_msg(strstr(err, "is a typoleak database of schema version 6; this typoleak"), "%s", err);
    g_free(out), g_free(err);
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", old, NULL), 1);
    ck_assert_msg(strstr(err, "schema version 6"), "%s", err);
    g_free(out), g_free(err);
    /* locked: a second scan while one writes (flock held here) */
    int fd = open(db, O_RDONLY);
    ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", db, NULL), 1);
    ck_assert_msg(strstr(err, "is locked: another typoleak scan or merge is writing it"), "%s", err);
    g_free(out), g_free(err);
    close(fd);
    g_free(f), g_free(db), g_free(mb), g_free(nodir), g_free(rodir), g_free(junk), g_free(cut), g_free(bad), g_free(old);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* Issue 13, 3 and 4: a path of the command line that cannot be read is
 * said on stderr and makes the exit status 4, the rest is scanned; a
 * named pipe is a special file, not a link; the scan's own files inside
 * the evidence folder are skipped with the reason, so verify finds
 * nothing changed; -o outputs never destroy what was there. */
START_TEST(test_paths_and_outputs)
{
    char *d = tl_test_tmpdir();
    char *ev = g_build_filename(d, "evidence", NULL), *f = g_build_filename(ev, "sent.mbox", NULL);
    char *mb = tl_test_mbox(4, "ops@corp.exampel", 1);
    tl_test_write_str(f, mb);
    char *fifo = g_build_filename(ev, "pipe", NULL);
    ck_assert_int_eq(mkfifo(fifo, 0644), 0);
    char *missing = g_build_filename(d, "gone.mbox", NULL);
    char *out, *err;
    ck_assert_int_eq(run_in(ev, &out, &err, "scan", ".", missing, "--db", "findings.db", NULL), 4);
    char *said = g_strdup_printf("typoleak: %s: cannot stat: No such file or directory", missing);
    ck_assert_msg(strstr(err, said), "%s", err);
    ck_assert_ptr_nonnull(strstr(err, "4 messages (4 new"));
    g_free(said), g_free(out), g_free(err);
    char *db = g_build_filename(ev, "findings.db", NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_ERR_OPEN' AND path='%s'", missing), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_SKIP_SPECIAL'"
                                     " AND reason='named pipe (FIFO) not read'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_SKIP_SYMLINK'"), 0);
    /* its own files: skipped, with the reason */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_SKIP_OWN' AND path='./findings.db'"
                                     " AND reason='not evidence: this scan''s database'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_SKIP_OWN' AND path IN"
                                     " ('./findings.db-wal', './findings.db-shm', './findings.db.casekey',"
                                     "  './findings.db.text')"), 4);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE path LIKE './findings%%'"
                                     " AND sha256 IS NOT NULL"), 0);
    /* a report written into the evidence folder, and a scan again */
    ck_assert_int_eq(run_in(ev, &out, &err, "report", "--db", "findings.db", "--format", "html", "-o", "report.html",
                            NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(run_in(ev, &out, &err, "report", "--db", "findings.db", "--format", "json", "-o", "report.json",
                            NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(run_in(ev, &out, &err, "scan", ".", "--db", "findings.db", "--quiet", NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_SKIP_OWN' AND path='./report.html'"
                                     " AND reason='not evidence: a typoleak HTML report'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_SKIP_OWN' AND path='./report.json'"), 1);
    ck_assert_int_eq(run_in(ev, &out, &err, "verify", "--db", "findings.db", NULL), 0);
    ck_assert_msg(!strstr(out, "findings.db"), "%s", out);
    ck_assert_str_eq(out, "1 files: 1 unchanged (0 with a new mtime), 0 changed, 0 missing, 0 unreadable\n");
    g_free(out), g_free(err);
    /* -o: a failed report leaves the old file as it was, no temporary */
    char *good = g_build_filename(d, "good.html", NULL), *bad = g_build_filename(d, "bad.db", NULL);
    tl_test_write_str(good, "the report of last week\n");
    tl_test_write_str(bad, "not a database at all\n");
    ck_assert_int_eq(run(&out, &err, "report", "--db", bad, "--format", "html", "-o", good, NULL), 1);
    g_free(out), g_free(err);
    char *kept = NULL;
    ck_assert(g_file_get_contents(good, &kept, NULL, NULL));
    ck_assert_str_eq(kept, "the report of last week\n");
    g_free(kept);
    char *csv = g_build_filename(d, "csv", NULL), *csv_old = g_build_filename(csv, "totals.csv", NULL);
    tl_test_write_str(csv_old, "old totals\n");
    ck_assert_int_eq(run(&out, &err, "report", "--db", bad, "--format", "csv", "-o", csv, NULL), 1);
    g_free(out), g_free(err);
    ck_assert(g_file_get_contents(csv_old, &kept, NULL, NULL));
    ck_assert_str_eq(kept, "old totals\n");
    g_free(kept);
    ck_assert_int_eq(run(&out, &err, "export", "--db", bad, "--format", "csv", "-o", csv, NULL), 1);
    g_free(out), g_free(err);
    char *files = listing(d);
    ck_assert_str_eq(files, "bad.db\ncsv\nevidence\ngood.html\n");     /* no temporary left */
    g_free(files);
    /* and a good one replaces it whole */
    ck_assert_int_eq(run(&out, &err, "report", "--db", db, "--format", "csv", "-o", csv, NULL), 0);
    g_free(out), g_free(err);
    ck_assert(g_file_get_contents(csv_old, &kept, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(kept, "messages"));
    g_free(kept);
    ck_assert_int_eq(run(&out, &err, "report", "--db", db, "--format", "html", "-o", good, NULL), 0);
    g_free(out), g_free(err);
    ck_assert(g_file_get_contents(good, &kept, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(kept, "<!DOCTYPE html>"));
    g_free(kept);
    files = listing(d);
    ck_assert_str_eq(files, "bad.db\ncsv\nevidence\ngood.html\n");
    g_free(files);
    g_free(ev), g_free(f), g_free(mb), g_free(fifo), g_free(missing), g_free(db), g_free(good), g_free(bad);
    g_free(csv), g_free(csv_old);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* The column (in characters) where needle starts on the line of text that
 * holds key, or -1. */
static long
column_of(const char *text, const char *key, const char *needle)
{
    const char *k = strstr(text, key);
    if (!k)
        return -1;
    const char *bol = k;
    while (bol > text && bol[-1] != '\n')
        bol--;
    const char *eol = strchr(k, '\n');
    const char *n = strstr(bol, needle);
    if (!n || (eol && n > eol))
        return -1;
    return g_utf8_pointer_to_offset(bol, n);
}

/* Issue 13, 6: the conventions of a command-line tool. */
START_TEST(test_conventions)
{
    char *out, *err;
    /* --version; --help's usage line names the tool, in any locale */
    ck_assert_int_eq(run(&out, &err, "--version", NULL), 0);
    ck_assert_str_eq(out, "typoleak " TL_VERSION "\n");
    g_free(out), g_free(err);
    static const char *const usage[][2] = {
        { "scan", "Usage: typoleak scan [OPTION...] PATH..." }, { "report", "Usage: typoleak report [OPTION...]" },
        { "show", "Usage: typoleak show [OPTION...] MESSAGE" }, { "export", "Usage: typoleak export [OPTION...]" },
        { "verify", "Usage: typoleak verify [OPTION...]" }, { "merge", "Usage: typoleak merge [OPTION...] OUT.db" },
        { "check", "Usage: typoleak check [OPTION...] [ADDRESS...]" },
        { "variants", "Usage: typoleak variants [OPTION...] DOMAIN..." },
        { "extract", "Usage: typoleak extract [OPTION...] MESSAGE [PART]" },
    };
    g_setenv("LC_ALL", "C", TRUE);
    for (size_t i = 0; i < G_N_ELEMENTS(usage); i++) {
        ck_assert_int_eq(run(&out, &err, usage[i][0], "--help", NULL), 0);
        ck_assert_msg(g_str_has_prefix(out, usage[i][1]), "%s --help: %s", usage[i][0], out);
        g_free(out), g_free(err);
    }
    g_unsetenv("LC_ALL");
    /* an unknown --format value is named, for every command that takes one */
    static const char *const formats[][6] = {
        { "report", "--db", "x.db", "--format", "xml", NULL }, { "export", "--db", "x.db", "--format", "xml", NULL },
        { "check", "a@army.ml", "--format", "xml", NULL }, { "variants", "army.mil", "--format", "xml", NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
        const char *const *a = formats[i];
        ck_assert_int_eq(run(&out, &err, a[0], a[1], a[2], a[3], a[4], NULL), 2);
        ck_assert_msg(strstr(err, "unknown --format 'xml'"), "%s: %s", a[0], err);
        g_free(out), g_free(err);
    }
    /* check: a header line; invalid for what is neither address nor domain */
    ck_assert_int_eq(run(&out, &err, "check", "notanaddress", "bob@army.ml", "@army.ml", NULL), 0);
    char **lines = g_strsplit(out, "\n", -1);
    ck_assert_str_eq(lines[0], "address\tverdict\tintended\tclass\texposure\tscore\texplanation");
    ck_assert(g_str_has_prefix(lines[1], "notanaddress\tinvalid\t"));
    ck_assert(g_str_has_prefix(lines[2], "bob@army.ml\ttypo\tbob@army.mil\t"));
    ck_assert(g_str_has_prefix(lines[3], "@army.ml\tinvalid\t"));
    g_strfreev(lines);
    g_free(out), g_free(err);
    /* JSON numbers as people write them */
    ck_assert_int_eq(run(&out, &err, "check", "bob@army.ml", "--format", "json", NULL), 0);
    ck_assert_msg(strstr(out, "\"prior\":0.9,") && strstr(out, "\"score\":0.9,"), "%s", out);
    g_free(out), g_free(err);
    /* the text report: long names keep the columns aligned; a cut list
     * says how many more; markings are counted as markings */
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "sent.mbox", NULL), *db = g_build_filename(d, "c.db", NULL);
    GString *mb = g_string_new(NULL);
    for (int i = 0; i < 12; i++)
        for (int k = 0; k < 2; k++)
            g_string_append_printf(mb, "From x Mon Jan  2 10:00:00 2023\nFrom: clerk%d@example.org\n"
                                       "To: ops@%s\nSubject: s%d\nDate: Mon, %d Jan 2023 10:00:00 +0000\n\n"
                                       "SECRET//NOFORN\nplan\n\n", i, i % 2 ? "a-rather-long-name.exampel" : "corp.exampel",
                                   i, 2 + k);
    tl_test_write_str(f, mb->str);
    g_string_free(mb, TRUE);
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", db, "--quiet", "--protect", "corp.example", "--protect",
                         "a-rather-long-name.example", NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(run(&out, &err, "report", "--db", db, NULL), 0);
    long c1 = column_of(out, "  -  a-rather-long-name.exampel", "a-rather-long-name.example ");
    long c2 = column_of(out, "  -  corp.exampel", "corp.example ");
    ck_assert_msg(c1 > 0 && c1 == c2, "typo domain columns not aligned (%ld, %ld)", c1, c2);
    c1 = column_of(out, "clerk11@example.org ", "2  messages");
    c2 = column_of(out, "clerk2@example.org ", "2  messages");
    ck_assert_msg(c1 > 0 && c1 == c2, "sender columns not aligned (%ld, %ld)", c1, c2);
    ck_assert_msg(strstr(out, "  ... and 2 more (--format csv or json lists them all)\n"), "no 'N more' line");
    ck_assert_msg(strstr(out, "  ... and 14 more (--format csv or json lists them all)\n"), "no 'N more' line");
    ck_assert_msg(strstr(out, "MARK.CLASS  banner  HIGH  24  markings") && !strstr(out, "0  distinct values"),
                  "markings counted as values");
    g_free(out), g_free(err);
    /* and the JSON report's numbers */
    ck_assert_int_eq(run(&out, &err, "report", "--db", db, "--format", "json", NULL), 0);
    GRegex *long_num = g_regex_new("[0-9]\\.[0-9]{12,}", 0, 0, NULL);
    ck_assert_msg(!g_regex_match(long_num, out, 0, NULL), "a number with 12+ decimals in the JSON report");
    g_regex_unref(long_num);
    g_free(out), g_free(err);
    /* the man page reads in place and covers every command */
    char *src = g_strdup(TL_SOURCE_DIR);
    char *argv_man[] = { "man", "./docs/typoleak.1", NULL };
    const char *env[] = { "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "PATH=/usr/bin:/bin", NULL };
    int status = -1;
    ck_assert(g_spawn_sync(src, argv_man, (char **)env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL));
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "man: %s", err);
    static const char *const cmds[] = { "scan", "report", "merge", "show", "export", "verify", "extract", "check",
                                        "variants" };
    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
        char *h = g_strdup_printf("typoleak %s", cmds[i]);
        ck_assert_msg(strstr(out, h), "the man page lacks %s", h);
        g_free(h);
    }
    ck_assert_ptr_nonnull(strstr(out, "EXIT STATUS"));
    g_free(out), g_free(err);
    /* make install honours PREFIX and DESTDIR */
    char *stage = g_build_filename(d, "stage", NULL);
    char *dest = g_strdup_printf("DESTDIR=%s", stage);
    char *argv_make[] = { "make", "-s", "install", "PREFIX=/opt/tl", dest, NULL };
    ck_assert(g_spawn_sync(src, argv_make, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL));
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "make install: %s", err);
    g_free(out), g_free(err);
    static const char *const installed[] = { "/opt/tl/bin/typoleak", "/opt/tl/share/man/man1/typoleak.1",
                                             "/opt/tl/share/typoleak/protected-domains.txt",
                                             "/opt/tl/share/typoleak/allowlist.txt" };
    for (size_t i = 0; i < G_N_ELEMENTS(installed); i++) {
        char *p = g_strconcat(stage, installed[i], NULL);
        ck_assert_msg(g_file_test(p, G_FILE_TEST_IS_REGULAR), "make install did not install %s", p);
        g_free(p);
    }
    char *bin = g_strconcat(stage, "/opt/tl/bin/typoleak", NULL);
    char *argv_v[] = { bin, "--version", NULL };
    ck_assert(g_spawn_sync(NULL, argv_v, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
    ck_assert_str_eq(out, "typoleak " TL_VERSION "\n");
    g_free(out), g_free(err), g_free(bin), g_free(dest), g_free(stage);
    /* tools/deps.sh waits for another apt run's lock: with a fake apt-get
     * that fails as apt does on a held lock unless told to wait */
    char *fake = g_build_filename(d, "fake", NULL), *log = g_build_filename(d, "apt.log", NULL);
    g_mkdir(fake, 0755);
    char *p_dq = g_build_filename(fake, "dpkg-query", NULL), *p_apt = g_build_filename(fake, "apt-get", NULL);
    tl_test_write_str(p_dq, "#!/bin/sh\nexit 1\n");                     /* nothing installed */
    char *apt = g_strdup_printf("#!/bin/sh\necho \"$*\" >> %s\ncase \"$*\" in *DPkg::Lock::Timeout=*) exit 0 ;; esac\n"
                                "echo 'E: Could not get lock /var/lib/dpkg/lock-frontend' >&2\nexit 100\n", log);
    tl_test_write_str(p_apt, apt);
    g_chmod(p_dq, 0755), g_chmod(p_apt, 0755);
    char *path_env = g_strdup_printf("PATH=%s:/usr/bin:/bin", fake);
    const char *env2[] = { path_env, NULL };
    char *argv_deps[] = { "sh", "tools/deps.sh", "check", NULL };
    ck_assert(g_spawn_sync(src, argv_deps, (char **)env2, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL));
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "deps.sh failed on a held lock: %s", err);
    char *calls = NULL;
    ck_assert(g_file_get_contents(log, &calls, NULL, NULL));
    ck_assert_msg(strstr(calls, "update") && strstr(calls, "install") && strstr(calls, "poppler-utils"), "%s", calls);
    g_free(calls), g_free(out), g_free(err);
    g_free(fake), g_free(log), g_free(p_dq), g_free(p_apt), g_free(apt), g_free(path_env);
    g_free(src), g_free(f), g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* Issue 13, 7: the HTML report as a reader uses it, printed to PDF by
 * headless Chromium and read back with pdftotext: the summary, column
 * titles in words, long paths shortened (whole on hover), mail per day
 * with the peak day marked beside per month, a section per typo domain
 * with whom the mail was meant for and what was inside, and every word
 * inside the page. */
START_TEST(test_html_print)
{
    char *chromium = g_find_program_in_path("chromium"), *pdftotext = g_find_program_in_path("pdftotext");
    if (!chromium || !pdftotext) {
        fprintf(stderr, "note: chromium or pdftotext (poppler-utils) is not installed: the print test is skipped\n");
        g_free(chromium), g_free(pdftotext);
        return;
    }
    char *d = tl_test_tmpdir();
    char *deep = g_build_filename(d, "evidence", "exported-from-the-mail-server-of-the-contractor", "2023",
                                  "mailboxes-of-the-logistics-department", "sent.mbox", NULL);
    GString *mb = g_string_new(NULL);
    static const char *const dates[] = { "1 May 2023", "2 May 2023", "2 May 2023", "2 May 2023", "9 Jun 2023" };
    for (size_t i = 0; i < G_N_ELEMENTS(dates); i++)
        g_string_append_printf(mb, "From x Mon May  1 10:00:00 2023\nFrom: clerk@example.org\nTo: %s\n"
                                   "Subject: orders %zu\nDate: Mon, %s 10:00:00 +0000\n\nSSN: 741-22-%04zu\n\n",
                               i == 4 ? "jane.roe@navy.ml" : "john.doe@army.ml", i, dates[i], 3190 + i);
    tl_test_write_str(deep, mb->str);
    g_string_free(mb, TRUE);
    char *db = g_build_filename(d, "case.db", NULL), *html = g_build_filename(d, "report.html", NULL),
         *pdf = g_build_filename(d, "report.pdf", NULL);
    char *out, *err;
    ck_assert_int_eq(run(&out, &err, "scan", deep, "--db", db, "--quiet", NULL), 0);
    g_free(out), g_free(err);
    ck_assert_int_eq(run(&out, &err, "report", "--db", db, "--format", "html", "-o", html, NULL), 0);
    g_free(out), g_free(err);
    char *page = NULL;
    ck_assert(g_file_get_contents(html, &page, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(page, "<th title=\"typo_domain\">Typo domain</th>"));
    ck_assert_ptr_null(strstr(page, ">typo_domain</th>"));
    char *hover = g_strdup_printf("<span class=\"short\" title=\"%s\">", deep);
    ck_assert_msg(strstr(page, hover), "the long path is not shortened with the whole on hover");
    g_free(hover);
    ck_assert_ptr_nonnull(strstr(page, "@media print{"));
    ck_assert_ptr_nonnull(strstr(page, "<svg id=\"chart-daily\""));
    ck_assert_ptr_nonnull(strstr(page, "class=\"bar peak\"><title>2023-05-02: 3</title>"));
    g_free(page);
    char *url = g_strconcat("file://", html, NULL), *to = g_strconcat("--print-to-pdf=", pdf, NULL);
    const char *argv[] = { chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--no-pdf-header-footer", to, url, NULL };
    int status = -1;
    ck_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && g_file_test(pdf, G_FILE_TEST_EXISTS),
                  "chromium --print-to-pdf failed");
    g_free(out), g_free(err);
    const char *argv_t[] = { pdftotext, pdf, "-", NULL };
    ck_assert(g_spawn_sync(NULL, (char **)argv_t, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "pdftotext failed");
    static const char *const want[] = { "Summary", "misdirected messages", "typo domains",
                                        "Peak day: 2023-05-02, with 3 misdirected messages.",
                                        "Misdirected messages per day (the peak day marked)",
                                        "Misdirected messages per month", "Typo domains, one by one",
                                        "army.ml for army.mil", "Meant for", "john.doe@army.mil (written john.doe@army.ml; 4 messages)",
                                        "What was inside", "PII.GOVID: 4 messages, 4 findings", "navy.ml for navy.mil",
                                        "Typo domain", "Intended recipients" };
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
        ck_assert_msg(strstr(out, want[i]), "the printed report lacks \"%s\"", want[i]);
    ck_assert_ptr_null(strstr(out, "741-22-3190"));
    g_free(out), g_free(err);
    /* every word inside the page (tables fit it) */
    const char *argv_b[] = { pdftotext, "-bbox", pdf, "-", NULL };
    ck_assert(g_spawn_sync(NULL, (char **)argv_b, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
    double width = 0;
    long words = 0, outside = 0;
    for (const char *c = out; (c = strstr(c, "<")); c++) {
        if (g_str_has_prefix(c, "<page width=\""))
            width = g_ascii_strtod(c + 13, NULL);
        else if (g_str_has_prefix(c, "<word xMin=\"")) {
            const char *x = strstr(c, "xMax=\"");
            words++;
            if (x && g_ascii_strtod(x + 6, NULL) > width + 0.5)
                outside++;
        }
    }
    ck_assert_int_gt(words, 100);
    ck_assert_msg(outside == 0, "%ld of %ld words beyond the page's width %.0f", outside, words, width);
    g_free(out), g_free(err);
    g_free(url), g_free(to), g_free(deep), g_free(db), g_free(html), g_free(pdf), g_free(chromium), g_free(pdftotext);
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
    char *bt = tl_test_text_db(b), *bt_odd = tl_test_text_db(b_odd);     /* the text index goes with it */
    ck_assert_int_eq(g_rename(bt, bt_odd), 0);
    g_free(bt), g_free(bt_odd);
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

/* TYPOLEAK_TIMING=1 (make bench): the run's closing step timed on
 * stderr; without it, nothing is said. */
START_TEST(test_closing_step_timing)
{
    char *d = tl_test_tmpdir();
    char *f = g_build_filename(d, "a.mbox", NULL), *db = g_build_filename(d, "c.db", NULL);
    char *mb = tl_test_mbox(5, "x@army.ml", 2);
    tl_test_write_str(f, mb);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(run(&out, &err, "scan", f, "--db", db, "--quiet", NULL), 0);
    ck_assert_ptr_null(strstr(err, "closing step"));
    g_free(out);
    g_free(err);
    g_setenv("TYPOLEAK_TIMING", "1", TRUE);
    int rc = run(&out, &err, "scan", f, "--db", db, "--quiet", NULL);
    g_unsetenv("TYPOLEAK_TIMING");
    ck_assert_int_eq(rc, 0);
    double secs = -1;
    const char *line = strstr(err, "typoleak: closing step ");
    ck_assert_msg(line != NULL, "no closing step on stderr: %s", err);
    ck_assert_int_eq(sscanf(line, "typoleak: closing step %lf s", &secs), 1);
    ck_assert(secs >= 0 && secs < 600);
    g_free(out);
    g_free(err);
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
    tcase_add_test(tc, test_closing_step_timing);
    tcase_add_test(tc, test_check_command);
    tcase_add_test(tc, test_variants_command);
    suite_add_tcase(s, tc);
    TCase *browser = tcase_create("report formats");
    tcase_set_timeout(browser, 120);     /* a browser starts */
    TCase *handover = tcase_create("handover");     /* issue 13: many processes each */
    tcase_set_timeout(handover, 180);
    tcase_add_test(handover, test_read_only_media);
    tcase_add_test(handover, test_database_errors);
    tcase_add_test(handover, test_paths_and_outputs);
    tcase_add_test(handover, test_conventions);
    tcase_add_test(handover, test_html_print);
    suite_add_tcase(s, handover);
    tcase_add_test(browser, test_report_formats);
    tcase_add_test(browser, test_kill_and_resume);
    tcase_add_test(browser, test_merge);
    suite_add_tcase(s, browser);
    return s;
}
