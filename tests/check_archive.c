/*
 * check_archive.c - archives written by libarchive itself: every format
 * and filter, compressed single files, nesting three deep and its limit,
 * truncated and hostile archives, and the uudecode trap.
 */
#include <string.h>

#include "tl_test.h"

/* An mbox of n messages, every one to army.ml. */
static GByteArray *
mbox_bytes(int n)
{
    char *t = tl_test_mbox(n, "john.doe@army.ml", 1);
    GByteArray *b = tl_test_bytes(t);
    g_free(t);
    return b;
}

static void
scan_one(const char *dir, const char *file, const char *db)
{
    char *p = g_build_filename(dir, file, NULL);
    tl_test_scan(db, 2, NULL, p, NULL);
    g_free(p);
}

START_TEST(test_formats)
{
    static const char *const formats[] = { "zip", "tar", "tar.gz", "tar.bz2", "tar.xz", "tar.zst", "7z" };
    char *d = tl_test_tmpdir();
    for (size_t f = 0; f < G_N_ELEMENTS(formats); f++) {
        GByteArray *mb = mbox_bytes(5);
        char *m = tl_test_message(99, "jane@navy.ml");
        GByteArray *eml = tl_test_bytes(m);
        const char *names[] = { "mail/inbox.mbox", "Maildir/cur/1.host:2,S", "notes/readme.txt" };
        GByteArray *txt = tl_test_bytes("not mail\n");
        const GByteArray *datas[] = { mb, eml, txt };
        char *file = g_strdup_printf("evidence.%s", formats[f]);
        char *path = g_build_filename(d, file, NULL);
        char *db = g_strdup_printf("%s/%s.db", d, formats[f]);
        tl_test_archive(path, formats[f], 3, names, datas);
        scan_one(d, file, db);
        ck_assert_msg(tl_test_int(db, "SELECT count(*) FROM occurrences") == 6, "%s: occurrences", formats[f]);
        ck_assert_msg(tl_test_int(db, "SELECT count(*) FROM typo_hits") == 6, "%s: typo hits", formats[f]);
        ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind='archive' AND depth=0"), 1);
        ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors"), 0);
        char *want = g_strdup_printf("%s!/mail/inbox.mbox", path);
        ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE path='%s' AND kind='mbox'"
                                         " AND depth=1 AND n_messages=5", want), 1);
        ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences WHERE maildir_flags='S'"), 1);
        g_free(want);
        g_free(db);
        g_free(path);
        g_free(file);
        g_free(m);
        g_byte_array_free(mb, TRUE);
        g_byte_array_free(eml, TRUE);
        g_byte_array_free(txt, TRUE);
    }
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

START_TEST(test_compressed_single_file)
{
    static const char *const filters[] = { "gz", "bz2", "xz", "zst" };
    char *d = tl_test_tmpdir();
    for (size_t f = 0; f < G_N_ELEMENTS(filters); f++) {
        GByteArray *mb = mbox_bytes(4);
        const char *names[] = { "x" };
        const GByteArray *datas[] = { mb };
        char *file = g_strdup_printf("inbox.mbox.%s", filters[f]);
        char *path = g_build_filename(d, file, NULL);
        char *db = g_strdup_printf("%s/%s.db", d, filters[f]);
        tl_test_archive(path, filters[f], 1, names, datas);
        scan_one(d, file, db);
        ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), 4);
        char *inner = g_strdup_printf("%s!/inbox.mbox", path);
        ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE path='%s' AND kind='mbox'", inner), 1);
        ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind='compressed'"), 1);
        /* The member's digest is that of the decompressed bytes. */
        char hex[65];
        tl_sha256_hex(mb->data, mb->len, hex);
        char *got = tl_test_str(db, "SELECT sha256 FROM sources WHERE path='%s'", inner);
        ck_assert_str_eq(got, hex);
        g_free(got);
        g_free(inner);
        g_free(db);
        g_free(path);
        g_free(file);
        g_byte_array_free(mb, TRUE);
    }
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* 7z > tar.gz > zip > mbox: reached, with the whole provenance path. */
START_TEST(test_nested_three_deep)
{
    char *d = tl_test_tmpdir();
    GByteArray *mb = mbox_bytes(3);
    const char *n1[] = { "deep/inbox.mbox" };
    const GByteArray *d1[] = { mb };
    GByteArray *zip = tl_test_archive_mem("zip", 1, n1, d1);
    const char *n2[] = { "inner.zip" };
    const GByteArray *d2[] = { zip };
    GByteArray *tgz = tl_test_archive_mem("tar.gz", 1, n2, d2);
    const char *n3[] = { "middle.tar.gz" };
    const GByteArray *d3[] = { tgz };
    char *path = g_build_filename(d, "outer.7z", NULL);
    tl_test_archive(path, "7z", 1, n3, d3);
    char *db = g_build_filename(d, "n.db", NULL);
    tl_test_scan(db, 1, NULL, path, NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), 3);
    char *want = g_strdup_printf("%s!/middle.tar.gz!/inner.zip!/deep/inbox.mbox", path);
    ck_assert_int_eq(tl_test_int(db, "SELECT depth FROM sources WHERE path='%s'", want), 3);
    /* Each level's parent is the level above. */
    char *chain = tl_test_rows(db, "WITH RECURSIVE up(id, parent_id, kind) AS ("
                                   " SELECT id, parent_id, kind FROM sources WHERE path='%s'"
                                   " UNION ALL SELECT s.id, s.parent_id, s.kind FROM sources s JOIN up ON s.id=up.parent_id)"
                                   " SELECT kind FROM up", want);
    ck_assert_str_eq(chain, "mbox\narchive\narchive\narchive");
    g_free(chain);
    /* With a depth limit of 1 the zip is not opened: an error row says so. */
    char *db2 = g_build_filename(d, "n2.db", NULL);
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db2;
    o.jobs = 1;
    o.max_depth = 2;
    const char *paths[] = { path };
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, NULL), TL_OK);
    ck_assert_int_eq(tl_test_int(db2, "SELECT count(*) FROM occurrences"), 0);
    ck_assert_int_eq(tl_test_int(db2, "SELECT count(*) FROM errors WHERE code='TL_ERR_NESTING'"
                                      " AND path LIKE '%%inner.zip'"), 1);
    /* --max-nested is for all the nested archives held at once: the
     * tar.gz fits alone, but not with the zip inside it as well. */
    char *db3 = g_build_filename(d, "n3.db", NULL);
    o.db_path = db3;
    o.max_depth = 8;
    o.max_nested = tgz->len + zip->len / 2;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, NULL), TL_OK);
    ck_assert_int_eq(tl_test_int(db3, "SELECT count(*) FROM occurrences"), 0);
    ck_assert_int_eq(tl_test_int(db3, "SELECT count(*) FROM errors WHERE code='TL_ERR_TOO_BIG'"
                                      " AND path LIKE '%%inner.zip'"), 1);
    g_free(db3);
    g_free(db2);
    g_free(want);
    g_free(db);
    g_free(path);
    g_byte_array_free(mb, TRUE);
    g_byte_array_free(zip, TRUE);
    g_byte_array_free(tgz, TRUE);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* A tar.gz cut in the middle: an error row, and every message before the
 * damage is kept. */
START_TEST(test_truncated)
{
    char *d = tl_test_tmpdir();
    GString *big = g_string_new(NULL);
    for (int i = 0; i < 400; i++) {
        char *m = tl_test_message(i, "x@army.ml");
        g_string_append_printf(big, "From a@b Mon Jan  2 10:00:00 2023\n%s\n", m);
        /* incompressible filler so that the cut lands inside the mbox */
        for (int k = 0; k < 40; k++)
            g_string_append_printf(big, "%08x%08x\n", g_random_int(), g_random_int());
        g_string_append_c(big, '\n');
        g_free(m);
    }
    GByteArray *mb = g_byte_array_new_take((guint8 *)g_string_free(big, FALSE), 0);
    mb->len = (guint)strlen((const char *)mb->data);
    GByteArray *later = tl_test_bytes("From: late@example.com\nTo: y@navy.ml\n\nafter\n");
    const char *names[] = { "a.mbox", "b.eml" };
    const GByteArray *datas[] = { mb, later };
    GByteArray *tgz = tl_test_archive_mem("tar.gz", 2, names, datas);
    char *path = g_build_filename(d, "cut.tar.gz", NULL);
    tl_test_write(path, tgz->data, tgz->len / 2);
    char *db = g_build_filename(d, "t.db", NULL);
    tl_test_scan(db, 2, NULL, path, NULL);
    int64_t n = tl_test_int(db, "SELECT count(*) FROM occurrences");
    ck_assert_int_gt(n, 50);
    ck_assert_int_lt(n, 400);
    ck_assert_int_ge(tl_test_int(db, "SELECT count(*) FROM errors WHERE code IN ('TL_WARN_TRUNCATED','TL_ERR_ARCHIVE')"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE status='truncated'"), 2);
    /* Messages are numbered without gaps up to the damage. */
    ck_assert_int_eq(tl_test_int(db, "SELECT max(position) + 1 FROM occurrences"), n);
    g_free(db);
    g_free(path);
    g_byte_array_free(tgz, TRUE);
    g_byte_array_free(mb, TRUE);
    g_byte_array_free(later, TRUE);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* Garbage with a gzip magic, a zip header with nothing after it, random
 * bytes: error rows or "other", never a crash, and the good file next to
 * them is scanned. */
START_TEST(test_hostile)
{
    char *d = tl_test_tmpdir();
    char *p;
    p = g_build_filename(d, "in/fake.gz", NULL);
    tl_test_write(p, "\x1f\x8b\x08\x00garbagegarbagegarbage", 25);
    g_free(p);
    p = g_build_filename(d, "in/fake.zip", NULL);
    tl_test_write(p, "PK\x03\x04\x14\x00\x00\x00\x08\x00", 10);
    g_free(p);
    guint8 rnd[4096];
    for (size_t i = 0; i < sizeof rnd; i++)
        rnd[i] = (guint8)g_random_int();
    p = g_build_filename(d, "in/random.bin", NULL);
    tl_test_write(p, rnd, sizeof rnd);
    g_free(p);
    char *m = tl_test_message(1, "ok@army.ml");
    p = g_build_filename(d, "in/zz-good.eml", NULL);
    tl_test_write_str(p, m);
    g_free(p);
    g_free(m);
    char *in = g_build_filename(d, "in", NULL), *db = g_build_filename(d, "h.db", NULL);
    tl_test_scan(db, 2, NULL, in, NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE depth=0"), 4);
    ck_assert_int_ge(tl_test_int(db, "SELECT count(*) FROM errors WHERE path LIKE '%%fake.gz%%'"), 1);
    ck_assert_int_ge(tl_test_int(db, "SELECT count(*) FROM errors WHERE path LIKE '%%fake.zip%%'"), 1);
    g_free(in);
    g_free(db);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

/* libarchive's uu filter would turn a mail with a uuencoded block into its
 * attachment; the message must come through as written. */
START_TEST(test_uuencoded_mail_not_decoded)
{
    char *d = tl_test_tmpdir();
    const char *text = "From: a@b.example\nTo: c@army.ml\nSubject: uu\n\nhere it is\n\n"
                       "begin 644 x.txt\n#86)C\n`\nend\n";
    char *p = g_build_filename(d, "uu.eml", NULL);
    tl_test_write_str(p, text);
    GByteArray *b = tl_test_bytes(text);
    const char *names[] = { "uu.eml" };
    const GByteArray *datas[] = { b };
    char *t = g_build_filename(d, "uu.tar", NULL);
    tl_test_archive(t, "tar", 1, names, datas);
    char *db = g_build_filename(d, "u.db", NULL);
    tl_test_scan(db, 1, NULL, p, t, NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences WHERE length=%zu", strlen(text)), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE subject='uu'"), 1);
    g_free(db);
    g_free(t);
    g_free(p);
    g_byte_array_free(b, TRUE);
    tl_test_rmtree(d);
    g_free(d);
}
END_TEST

Suite *
suite_archive(void)
{
    Suite *s = suite_create("archive");
    TCase *tc = tcase_create("libarchive");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_formats);
    tcase_add_test(tc, test_compressed_single_file);
    tcase_add_test(tc, test_nested_three_deep);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_hostile);
    tcase_add_test(tc, test_uuencoded_mail_not_decoded);
    suite_add_tcase(s, tc);
    return s;
}
