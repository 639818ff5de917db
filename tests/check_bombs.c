/*
 * check_bombs.c - hostile evidence held to the limits (docs/errors.md,
 * "Limits"): each bomb of tests/bombs.py is scanned by the typoleak command
 * followed by an ordinary mbox, under bench/peakrss, and must give its
 * error row, stay under a memory and time bound, and leave the mbox after
 * it scanned.  The peak memory and time of each go to stderr ("bomb ...").
 * The bombs are built once into build/bombs (a few seconds).
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "tl_test.h"

#define PEAK_KB_MAX (600 * 1024)    /* max_message (256 MiB) held once, with room for the sanitizers */
#define WALL_MAX 120.0              /* seconds, on a loaded 2-core machine */

static const char *
bombs_dir(void)
{
    static char *dir;
    if (!dir) {
        dir = g_strdup(TL_SOURCE_DIR "/build/bombs");
        char *argv[] = { "python3", TL_SOURCE_DIR "/tests/bombs.py", dir, NULL };
        int status = -1;
        GError *e = NULL;
        ck_assert_msg(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &e),
                      "bombs.py: %s", e ? e->message : "?");
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "bombs.py failed");
    }
    return dir;
}

/* Scans BOMB then next.mbox with extra options; returns the database path
 * (g_free) and checks the bounds. */
static char *
scan_bomb(const char *bomb, const char *opt1, const char *opt2)
{
    const char *dir = bombs_dir();
    char *tmp = tl_test_tmpdir();
    char *db = g_build_filename(tmp, "bomb.db", NULL);
    char *rss = g_build_filename(tmp, "rss.txt", NULL);
    char *path = g_build_filename(dir, bomb, NULL);
    char *next = g_build_filename(dir, "next.mbox", NULL);
    const char *bin = g_getenv("TYPOLEAK");
    char *abs = g_canonicalize_filename(bin ? bin : "../typoleak", NULL);
    const char *peak = g_getenv("PEAKRSS") ? g_getenv("PEAKRSS") : TL_SOURCE_DIR "/build/peakrss";
    const char *argv[16] = { peak, "-o", rss, "--", abs, "scan", "-q", "-j", "2", "--db", db, path, next };
    int n = 13;
    if (opt1)
        argv[n++] = opt1;
    if (opt2)
        argv[n++] = opt2;
    argv[n] = NULL;
    int status = -1;
    char *err = NULL;
    GError *e = NULL;
    ck_assert_msg(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, NULL, &err, &status, &e), "spawn: %s",
                  e ? e->message : "?");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: exit %d: %s", bomb, status, err);
    char *text = NULL;
    ck_assert(g_file_get_contents(rss, &text, NULL, NULL));
    double wall = 0;
    long kb = 0;
    ck_assert(sscanf(text, "wall_seconds=%lf peak_rss_kb=%ld", &wall, &kb) == 2);
    fprintf(stderr, "bomb %-14s %6.2f s  peak RSS %6.1f MiB\n", bomb, wall, kb / 1024.0);
    ck_assert_msg(kb < PEAK_KB_MAX, "%s: peak RSS %ld KiB", bomb, kb);
    ck_assert_msg(wall < WALL_MAX, "%s: %.1f s", bomb, wall);
    /* the mbox after the bomb was read to the end */
    char *next_status = tl_test_str(db, "SELECT status FROM sources WHERE path = '%s'", next);
    ck_assert_str_eq(next_status, "ok");
    g_free(next_status);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE message_id IN"
                                     " ('after-1@example.org', 'after-2@example.org')"), 2);
    /* and everything is accounted for */
    char *report = NULL;
    size_t rlen = 0;
    FILE *out = open_memstream(&report, &rlen);
    tl_audit_counts ac;
    ck_assert_int_eq(tl_audit(db, out, &ac, NULL), TL_OK);
    fclose(out);
    ck_assert_msg(ac.problems == 0, "%s: %s", bomb, report);
    g_free(report);
    g_free(text);
    g_free(err);
    g_free(abs);
    g_free(next);
    g_free(path);
    g_free(rss);
    g_free(tmp);
    return db;
}

static void
assert_error(const char *db, const char *code, const char *reason_part)
{
    ck_assert_msg(tl_test_int(db, "SELECT count(*) FROM errors WHERE code = '%s' AND reason LIKE '%%%s%%'", code,
                              reason_part) >= 1,
                  "no %s row about %s: %s", code, reason_part, tl_test_rows(db, "SELECT code, reason FROM errors"));
}

/* The example: 16 x 16 x 16 copies of 1 GiB of zeros (a 4 TiB
 * scan before the guard). */
START_TEST(test_nest16)
{
    char *db = scan_bomb("nest16.zip", NULL, NULL);
    assert_error(db, "TL_WARN_LIMIT", "--max-ratio");
    g_free(db);
}
END_TEST

START_TEST(test_42zip)
{
    char *db = scan_bomb("42.zip", NULL, NULL);
    assert_error(db, "TL_WARN_LIMIT", "--max-ratio");
    g_free(db);
}
END_TEST

/* The ratio off: the total is what stops it. */
START_TEST(test_42zip_total)
{
    char *db = scan_bomb("42.zip", "--max-ratio=0", "--max-expand=200000000");
    assert_error(db, "TL_WARN_LIMIT", "--max-expand");
    g_free(db);
}
END_TEST

START_TEST(test_overlap)
{
    char *db = scan_bomb("overlap.zip", NULL, NULL);
    ck_assert_int_ge(tl_test_int(db, "SELECT count(*) FROM errors e JOIN sources s ON s.id = e.source_id"
                                     " WHERE s.path LIKE '%%overlap.zip%%'"), 1);
    g_free(db);
}
END_TEST

START_TEST(test_gzip_zeros)
{
    char *db = scan_bomb("zeros.gz", NULL, NULL);
    assert_error(db, "TL_WARN_LIMIT", "--max-ratio");
    assert_error(db, "TL_ERR_TOO_BIG", "--max-message");
    g_free(db);
}
END_TEST

START_TEST(test_chain50)
{
    char *db = scan_bomb("chain50.zip", NULL, NULL);
    assert_error(db, "TL_ERR_NESTING", "--max-depth");
    g_free(db);
}
END_TEST

START_TEST(test_headers)
{
    char *db = scan_bomb("headers.eml", NULL, NULL);
    assert_error(db, "TL_WARN_LIMIT", "--max-headers");
    /* the fields before the limit were read: the recipient is there */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE subject = 'many headers'"), 1);
    g_free(db);
}
END_TEST

START_TEST(test_mime_deep)
{
    char *db = scan_bomb("mime10k.eml", "--parse=full", NULL);
    assert_error(db, "TL_WARN_LIMIT", "--max-mime-depth");
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE subject = 'deep'"), 1);
    g_free(db);
}
END_TEST

/* Attachments (read because the message goes to a typo domain): each
 * limit of parsers/extract/ gives a TL_WARN_LIMIT row on the message (the
 * reason names it; NULL: no row at all), whose attachment row says what
 * became of it; the message itself is scanned and classified. */
static void
attachment_bomb(const char *eml, const char *subject, const char *status, const char *limit)
{
    char *db = scan_bomb(eml, NULL, NULL);
    if (limit)
        assert_error(db, "TL_WARN_LIMIT", limit);
    else
        ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors"), 0);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE subject = '%s' AND classified = 1", subject),
                     1);
    char *got = tl_test_str(db, "SELECT a.status FROM attachments a JOIN messages m ON m.id = a.message_id"
                                " WHERE m.subject = '%s'", subject);
    ck_assert_str_eq(got, status);
    g_free(got);
    g_free(db);
}

/* Billion laughs in a docx: the member declaring entities is not read. */
START_TEST(test_laughs_docx)
{
    attachment_bomb("laughs.eml", "laughs", "failed", "limit: XML entity declarations (0) reached in word/document.xml");
}
END_TEST

/* Quadratic blowup (one 64 KiB entity used 100,000 times) in an .odt. */
START_TEST(test_entities_odt)
{
    attachment_bomb("entities.eml", "entities", "failed", "limit: XML entity declarations (0) reached in content.xml");
}
END_TEST

/* A million objects: read whole, in bounded memory and time (no limit is
 * reached, no error row). */
START_TEST(test_pdf_million_objects)
{
    attachment_bomb("pdf1m.eml", "pdf1m", "text", NULL);
}
END_TEST

START_TEST(test_pdf_pages)
{
    attachment_bomb("pages.eml", "pages", "text", "limit: pages per PDF (1000) reached");
}
END_TEST

START_TEST(test_sheet_cells)
{
    attachment_bomb("cells.eml", "cells", "text", "limit: cells per sheet (200000) reached");
}
END_TEST

/* Members per archive and text per message, with small limits. */
START_TEST(test_entries_and_text)
{
    char *tmp = tl_test_tmpdir();
    const char *names[5] = { "a.txt", "b.txt", "c.txt", "d.txt", "e.eml" };
    GByteArray *d[5];
    for (int i = 0; i < 5; i++) {
        d[i] = g_byte_array_new();
        g_byte_array_append(d[i], (const guint8 *)"hello\n", 6);
    }
    char *zip = g_build_filename(tmp, "many.zip", NULL);
    tl_test_archive(zip, "zip", 5, names, (const GByteArray *const *)d);
    GString *big = g_string_new("From: a@example.org\nTo: b@army.ml\nSubject: long\n\n");
    for (int i = 0; i < 20000; i++)
        g_string_append(big, "some words of a very long body line\n");
    char *eml = g_build_filename(tmp, "long.eml", NULL);
    tl_test_write(eml, big->str, big->len);
    char *db = g_build_filename(tmp, "t.db", NULL);
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db;
    o.jobs = 1;
    o.max_entries = 3;
    o.max_text = 1000;
    o.classify = TL_CLASSIFY_ALL;
    const char *paths[] = { zip, eml };
    char *msg = NULL;
    ck_assert_int_eq(tl_scan(&o, paths, 2, NULL, &msg), TL_OK);
    assert_error(db, "TL_WARN_LIMIT", "--max-entries");
    assert_error(db, "TL_WARN_LIMIT", "--max-text");
    ck_assert_int_eq(tl_test_int(db, "SELECT n_messages FROM sources WHERE path = '%s'", zip), 3);
    ck_assert_int_eq(tl_test_int(db, "SELECT classified FROM messages WHERE subject = 'long'"), 1);
    /* a body part cut at the part limit is a limit row too */
    char *db2 = g_build_filename(tmp, "p.db", NULL);
    o.db_path = db2;
    o.max_text = 0;
    o.max_part_text = 4096;
    const char *one[] = { eml };
    ck_assert_int_eq(tl_scan(&o, one, 1, NULL, &msg), TL_OK);
    assert_error(db2, "TL_WARN_LIMIT", "--max-part-text");
    ck_assert_int_eq(tl_test_int(db2, "SELECT classified FROM messages WHERE subject = 'long'"), 1);
    g_free(db2);
    for (int i = 0; i < 5; i++)
        g_byte_array_free(d[i], TRUE);
    g_string_free(big, TRUE);
    tl_test_rmtree(tmp);
    g_free(db);
    g_free(eml);
    g_free(zip);
    g_free(tmp);
}
END_TEST

Suite *
suite_bombs(void)
{
    Suite *s = suite_create("bombs");
    TCase *tc = tcase_create("bombs");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_entries_and_text);
    tcase_add_test(tc, test_chain50);
    tcase_add_test(tc, test_headers);
    tcase_add_test(tc, test_mime_deep);
    tcase_add_test(tc, test_nest16);
    tcase_add_test(tc, test_42zip);
    tcase_add_test(tc, test_42zip_total);
    tcase_add_test(tc, test_overlap);
    tcase_add_test(tc, test_gzip_zeros);
    tcase_add_test(tc, test_laughs_docx);
    tcase_add_test(tc, test_entities_odt);
    tcase_add_test(tc, test_pdf_million_objects);
    tcase_add_test(tc, test_pdf_pages);
    tcase_add_test(tc, test_sheet_cells);
    suite_add_tcase(s, tc);
    return s;
}
