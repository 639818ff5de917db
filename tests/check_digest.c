/*
 * check_digest.c - SHA-256: known answers, and the same digest whether the
 * bytes are hashed inline or by the background hasher, in any block sizes.
 */
#include <string.h>

#include "tl_test.h"

START_TEST(test_known_answer)
{
    char hex[65];
    tl_sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    tl_sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(test_incremental_matches_oneshot)
{
    size_t n = (5u << 20) + 12345;           /* larger than the hasher's pool */
    guint8 *buf = g_malloc(n);
    for (size_t i = 0; i < n; i++)
        buf[i] = (guint8)(i * 2654435761u >> 13);
    char want[65], got[65];
    tl_sha256_hex(buf, n, want);
    size_t steps[] = { 1, 1000, 65535, 65536, 1u << 20, 3u << 20 };
    for (size_t k = 0; k < G_N_ELEMENTS(steps); k++) {
        tl_sha256 *h = tl_sha256_new((int)(k % 2 == 0));
        size_t off = 0;
        /* small first updates (inline), then large ones (background) */
        for (size_t small = 0; small < 3 && off < n; small++, off += 7)
            tl_sha256_update(h, buf + off, 7);
        for (; off < n; off += steps[k])
            tl_sha256_update(h, buf + off, MIN(steps[k], n - off));
        tl_sha256_finish(h, got);
        ck_assert_msg(strcmp(got, want) == 0, "step %zu", steps[k]);
    }
    g_free(buf);
}
END_TEST

/* Two digests in turn share the hasher without mixing their bytes. */
START_TEST(test_interleaved)
{
    size_t n = 3u << 20;
    guint8 *a = g_malloc(n), *b = g_malloc(n);
    memset(a, 'a', n);
    memset(b, 'b', n);
    char wa[65], wb[65], ga[65], gb[65];
    tl_sha256_hex(a, n, wa);
    tl_sha256_hex(b, n, wb);
    tl_sha256 *ha = tl_sha256_new(1), *hb = tl_sha256_new(1);
    for (size_t off = 0; off < n; off += 100000) {
        tl_sha256_update(ha, a + off, MIN((size_t)100000, n - off));
        tl_sha256_update(hb, b + off, MIN((size_t)100000, n - off));
    }
    tl_sha256_finish(hb, gb);
    tl_sha256_finish(ha, ga);
    ck_assert_str_eq(ga, wa);
    ck_assert_str_eq(gb, wb);
    g_free(a);
    g_free(b);
}
END_TEST

Suite *
suite_digest(void)
{
    Suite *s = suite_create("digest");
    TCase *tc = tcase_create("sha256");
    tcase_add_test(tc, test_known_answer);
    tcase_add_test(tc, test_incremental_matches_oneshot);
    tcase_add_test(tc, test_interleaved);
    suite_add_tcase(s, tc);
    return s;
}
