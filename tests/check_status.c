/*
 * check_status.c - every status code has a name, a description and a
 * grade, and docs/errors.md documents exactly the codes of the header.
 */
#include <string.h>

#include "tl_test.h"

START_TEST(test_names_distinct)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (int s = 0; s < TL_STATUS_LAST; s++) {
        const char *n = tl_status_name((tl_status_t)s);
        ck_assert_msg(g_str_has_prefix(n, "TL_") && strcmp(n, "TL_UNKNOWN") != 0, "status %d has no name", s);
        ck_assert_msg(!g_hash_table_contains(seen, n), "name %s used twice", n);
        g_hash_table_add(seen, (gpointer)n);
        ck_assert_msg(strcmp(tl_status_str((tl_status_t)s), "unknown status") != 0, "status %d has no text", s);
    }
    ck_assert_str_eq(tl_status_name(TL_STATUS_LAST), "TL_UNKNOWN");
    g_hash_table_destroy(seen);
}
END_TEST

START_TEST(test_grades)
{
    ck_assert_int_eq(tl_status_grade(TL_OK), TL_GRADE_OK);
    ck_assert_int_eq(tl_status_grade(TL_WARN_TRUNCATED), TL_GRADE_WARN);
    ck_assert_int_eq(tl_status_grade(TL_ERR_PARSE), TL_GRADE_FAILED);
    ck_assert_int_eq(tl_status_grade(TL_SKIP_MAILDIR_TMP), TL_GRADE_SKIP);
    ck_assert_int_eq(tl_status_grade(TL_ERR_DB), TL_GRADE_FATAL);
}
END_TEST

/* docs/errors.md has a "### TL_..." heading for each code and no other. */
START_TEST(test_errors_doc_matches_header)
{
    char *text = NULL;
    ck_assert_msg(g_file_get_contents(TL_SOURCE_DIR "/docs/errors.md", &text, NULL, NULL), "docs/errors.md missing");
    for (int s = 0; s < TL_STATUS_LAST; s++) {
        char *h = g_strdup_printf("\n### %s\n", tl_status_name((tl_status_t)s));
        ck_assert_msg(strstr(text, h) != NULL, "docs/errors.md does not document %s", tl_status_name((tl_status_t)s));
        g_free(h);
    }
    int headings = 0;
    for (const char *p = text; (p = strstr(p, "\n### TL_")) != NULL; p++)
        headings++;
    ck_assert_int_eq(headings, TL_STATUS_LAST);
    g_free(text);
}
END_TEST

Suite *
suite_status(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("codes");
    tcase_add_test(tc, test_names_distinct);
    tcase_add_test(tc, test_grades);
    tcase_add_test(tc, test_errors_doc_matches_header);
    suite_add_tcase(s, tc);
    return s;
}
