/*
 * check_walk.c - the reader on a real directory tree: Maildir and
 * Maildir++ (cur/new/tmp, the three info separators), single messages,
 * .emlx, a BOM mbox, non-mail files, unsupported stores, symbolic links.
 */
#include <string.h>
#include <unistd.h>

#include "tl_test.h"

static char *
tree(void)
{
    char *d = tl_test_tmpdir();
    char *p, *m;
#define PUT(rel, text) do { p = g_build_filename(d, rel, NULL); tl_test_write_str(p, text); g_free(p); } while (0)
    m = tl_test_message(1, "a@army.ml");
    PUT("Maildir/cur/1700000001.M1P1.host:2,S", m);
    g_free(m);
    m = tl_test_message(2, "b@example.com");
    PUT("Maildir/new/1700000002.M2P2.host", m);
    g_free(m);
    m = tl_test_message(3, "c@example.com");
    PUT("Maildir/tmp/1700000003.M3P3.host", m);
    g_free(m);
    m = tl_test_message(4, "d@navy.ml");
    PUT("Maildir/.Sent.2023/cur/1700000004.M4P4.host!2,RS", m);
    PUT("Maildir/.Sent.2023/maildirfolder", "");
    g_free(m);
    p = g_build_filename(d, "Maildir/.Sent.2023/new", NULL);
    g_mkdir_with_parents(p, 0755);
    g_free(p);
    m = tl_test_message(5, "e@example.com");
    PUT("Maildir/.Drafts/cur/1700000005.M5P5.host;2,D", m);
    g_free(m);
    p = g_build_filename(d, "Maildir/.Drafts/new", NULL);
    g_mkdir_with_parents(p, 0755);
    g_free(p);
    PUT("Maildir/dovecot-uidlist", "3 V1 N2\n");
    m = tl_test_message(6, "f@example.com");
    PUT("loose/one.eml", m);
    char *emlx = g_strdup_printf("%zu      \n%s<?xml version=\"1.0\"?>\n<plist/>\n", strlen(m), m);
    PUT("loose/apple.emlx", emlx);
    g_free(emlx);
    g_free(m);
    char *mb = tl_test_mbox(2, "g@gmail.con", 1);
    char *bom = g_strconcat("\xEF\xBB\xBF", mb, NULL);
    PUT("loose/bom.mbox", bom);
    g_free(bom);
    g_free(mb);
    PUT("loose/notes.txt", "just some notes\n");
    PUT("loose/store.pst", "!BDN\x0e\x00\x00\x00padding");
    PUT("loose/empty", "");
    p = g_build_filename(d, "loose/link.eml", NULL);
    ck_assert_int_eq(symlink("one.eml", p), 0);
    g_free(p);
#undef PUT
    return d;
}

START_TEST(test_tree)
{
    char *d = tree();
    char *db = g_build_filename(d, "out.db", NULL);
    char *in_md = g_build_filename(d, "Maildir", NULL), *in_loose = g_build_filename(d, "loose", NULL);
    tl_test_scan(db, 1, NULL, in_md, in_loose, NULL);

    /* 4 Maildir messages (cur, new, two Maildir++ folders), eml, emlx, 2 in the mbox. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), 8);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind='maildir'"), 3);
    char *flags = tl_test_rows(db, "SELECT maildir_flags FROM occurrences WHERE maildir_flags IS NOT NULL"
                                   " ORDER BY maildir_flags");
    ck_assert_str_eq(flags, "D\nRS\nS");
    g_free(flags);
    /* Messages in a Maildir hang under its source row. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources s JOIN sources p ON p.id=s.parent_id"
                                     " WHERE s.kind='maildir-message' AND p.kind='maildir'"), 4);
    /* tmp/: reported, not indexed. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_SKIP_MAILDIR_TMP'"
                                     " AND path LIKE '%%/tmp/1700000003.M3P3.host'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE subject='message 3'"), 0);
    /* Symbolic link recorded, not followed. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_SKIP_SYMLINK'"
                                     " AND reason LIKE '%%-> one.eml'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences o JOIN messages m ON m.id=o.message_id"
                                     " WHERE m.subject='message 6'"), 2);   /* eml + emlx, one message */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE subject='message 6'"), 1);
    /* .emlx: the message starts after the count line. */
    char *m6 = tl_test_message(6, "f@example.com");
    char *count_line = g_strdup_printf("%zu      \n", strlen(m6));
    ck_assert_int_eq(tl_test_int(db, "SELECT o.offset FROM occurrences o JOIN sources s ON s.id=o.source_id"
                                     " WHERE s.kind='emlx'"), (int64_t)strlen(count_line));
    ck_assert_int_eq(tl_test_int(db, "SELECT o.length FROM occurrences o JOIN sources s ON s.id=o.source_id"
                                     " WHERE s.kind='emlx'"), (int64_t)strlen(m6));
    g_free(count_line);
    g_free(m6);
    /* BOM mbox: offsets count the BOM. */
    ck_assert_int_eq(tl_test_int(db, "SELECT min(o.marker_offset) FROM occurrences o JOIN sources s"
                                     " ON s.id=o.source_id WHERE s.kind='mbox'"), 3);
    /* A PST that libpff cannot open (a magic and padding): one error row
     * with libpff's reason, the store failed; non-mail: a source only. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_ERR_READ' AND stage='store'"
                                     " AND reason LIKE 'libpff cannot open the store%%'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind='pst' AND status='failed'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind='other' AND path LIKE '%%notes.txt'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE path LIKE '%%notes.txt'"), 0);
    /* loose/empty and the Maildir++ marker file maildirfolder. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind='empty'"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM typo_hits"), 4);   /* army.ml, navy.ml, 2x gmail.con */
    /* The source digest is the file's SHA-256. */
    char *eml = g_build_filename(d, "loose/one.eml", NULL), *text = NULL;
    gsize len;
    ck_assert(g_file_get_contents(eml, &text, &len, NULL));
    char hex[65];
    tl_sha256_hex(text, len, hex);
    char *got = tl_test_str(db, "SELECT sha256 FROM sources WHERE path LIKE '%%loose/one.eml'");
    ck_assert_str_eq(got, hex);
    g_free(got);
    g_free(text);
    g_free(eml);

    /* Every file's digest, whatever path computed it (the reader, the
     * background hasher, or the worker for a file that is one message). */
    char *rows = tl_test_rows(db, "SELECT path, sha256 FROM sources WHERE depth=0 AND sha256 IS NOT NULL"
                                  " AND kind NOT IN ('maildir', 'symlink')");
    char **lines = g_strsplit(rows, "\n", -1);
    int checked = 0;
    for (int i = 0; lines[i] && *lines[i]; i++) {
        char **f = g_strsplit(lines[i], "|", 2);
        char *data = NULL;
        gsize n = 0;
        ck_assert_msg(g_file_get_contents(f[0], &data, &n, NULL), "read %s", f[0]);
        char *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, n);
        ck_assert_msg(strcmp(want, f[1]) == 0, "%s: digest %s, file %s", f[0], f[1], want);
        checked++;
        g_free(want);
        g_free(data);
        g_strfreev(f);
    }
    ck_assert_int_ge(checked, 12);
    g_strfreev(lines);
    g_free(rows);

    tl_test_rmtree(d);
    g_free(in_md);
    g_free(in_loose);
    g_free(db);
    g_free(d);
}
END_TEST

START_TEST(test_missing_path)
{
    char *d = tl_test_tmpdir();
    char *db = g_build_filename(d, "out.db", NULL), *nope = g_build_filename(d, "nope", NULL);
    tl_test_scan(db, 2, NULL, nope, NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE code='TL_ERR_OPEN'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM runs WHERE status='completed'"), 1);
    tl_test_rmtree(d);
    g_free(nope);
    g_free(db);
    g_free(d);
}
END_TEST

Suite *
suite_walk(void)
{
    Suite *s = suite_create("walk");
    TCase *tc = tcase_create("tree");
    tcase_add_test(tc, test_tree);
    tcase_add_test(tc, test_missing_path);
    suite_add_tcase(s, tc);
    return s;
}
