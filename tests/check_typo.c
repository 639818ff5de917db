/*
 * check_typo.c - the first typo check: one Damerau-Levenshtein edit over
 * the whole domain, TLD and dots included; protected names never alert.
 */
#include <string.h>

#include "tl_test.h"

static void
expect(const tl_protect *p, const char *domain, int typo, const char *intended, const char *edit)
{
    tl_typo_verdict v;
    tl_typo_check(p, domain, &v);
    ck_assert_msg(v.is_typo == typo, "%s: is_typo %d, want %d", domain, v.is_typo, typo);
    if (intended)
        ck_assert_msg(strcmp(v.intended, intended) == 0, "%s: intended %s, want %s", domain, v.intended, intended);
    if (edit)
        ck_assert_msg(strcmp(v.edit, edit) == 0, "%s: edit '%s', want '%s'", domain, v.edit, edit);
}

START_TEST(test_issue_examples)
{
    tl_protect *p = tl_protect_new_default();
    expect(p, "army.ml", 1, "army.mil", "dropped \"i\" in the TLD \"mil\"");
    expect(p, "navy.ml", 1, "navy.mil", NULL);
    expect(p, "us.af.ml", 1, "us.af.mil", NULL);
    expect(p, "armym.il", 1, "army.mil", "swapped \".m\" to \"m.\" (moved the dot)");
    expect(p, "gmail.con", 1, "gmail.com", "replaced \"m\" by \"n\" in the TLD \"com\" (neighbouring keys)");
    expect(p, "amry.mil", 1, "army.mil", "swapped \"rm\" to \"mr\" in the label \"army\"");
    expect(p, "army.mil", 0, NULL, NULL);
    expect(p, "usaf.mil", 1, "us.af.mil", "dropped the dot before \"af\"");
    expect(p, "dla.mil", 0, NULL, NULL);
    expect(p, "dma.mil", 0, NULL, NULL);
    tl_protect_free(p);
}
END_TEST

START_TEST(test_edit_kinds)
{
    tl_protect *p = tl_protect_new_default();
    expect(p, "armymil", 0, NULL, NULL);                    /* no TLD at all: not a host */
    expect(p, "armymil.com", 1, "army.mil", "dropped the dots and added \".com\"");
    expect(p, "army.mill", 1, "army.mil", "doubled \"l\" in the TLD \"mil\"");
    expect(p, "arrmy.mil", 1, "army.mil", "doubled \"r\" in the label \"army\"");
    expect(p, "gmailx.com", 1, "gmail.com", "inserted \"x\" in the label \"gmail\"");
    expect(p, "yahooo.com", 1, "yahoo.com", "doubled \"o\" in the label \"yahoo\"");
    expect(p, "army.mila", 1, "army.mil", "inserted \"a\" in the TLD \"mil\"");
    expect(p, "army.m.il", 1, "army.mil", "inserted a dot in the TLD \"mil\"");
    expect(p, "ARMY.ML.", 1, "army.mil", NULL);          /* case and root dot */
    /* A whole-TLD swap: a real, maybe unrelated domain: alert only with context. */
    tl_typo_verdict w;
    tl_typo_check(p, "army.com", &w);
    ck_assert_int_eq(w.is_typo, 1);
    ck_assert_str_eq(w.klass, "wrong-tld");
    ck_assert_int_eq(w.needs_context, 1);
    expect(p, "example.com", 0, NULL, NULL);
    expect(p, "", 0, NULL, NULL);
    tl_typo_verdict v;
    tl_typo_check(p, "Navy.Mil", &v);
    ck_assert_int_eq(v.is_protected, 1);
    ck_assert_int_eq(v.is_typo, 0);
    tl_protect_free(p);
}
END_TEST

START_TEST(test_protect_list)
{
    tl_protect *p = tl_protect_new();
    char *msg = NULL;
    ck_assert_uint_eq(tl_protect_count(p), 0);
    expect(p, "army.ml", 0, NULL, NULL);
    ck_assert_int_eq(tl_protect_add(p, "Example.ORG.", NULL), TL_OK);
    ck_assert_int_eq(tl_protect_add(p, "example.org", NULL), TL_OK);  /* no duplicate */
    ck_assert_uint_eq(tl_protect_count(p), 1);
    expect(p, "exmaple.org", 1, "example.org", NULL);
    ck_assert_int_eq(tl_protect_add(p, "not a domain", &msg), TL_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(msg, "not a domain"));
    g_free(msg);
    char *dir = tl_test_tmpdir();
    char *f = g_build_filename(dir, "list.txt", NULL);
    tl_test_write_str(f, "# comment\ncorp.example  # trailing comment\n\n  other.example\n");
    ck_assert_int_eq(tl_protect_add_file(p, f, NULL), TL_OK);
    ck_assert_uint_eq(tl_protect_count(p), 3);
    expect(p, "corp.exampel", 1, "corp.example", NULL);
    tl_test_write_str(f, "good.example\nbad domain\n");
    msg = NULL;
    ck_assert_int_eq(tl_protect_add_file(p, f, &msg), TL_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(msg, "line 2"));
    g_free(msg);
    /* The digest does not depend on insertion order. */
    tl_protect *a = tl_protect_new(), *b = tl_protect_new();
    tl_protect_add(a, "x.example", NULL);
    tl_protect_add(a, "y.example", NULL);
    tl_protect_add(b, "y.example", NULL);
    tl_protect_add(b, "x.example", NULL);
    char *da = tl_protect_digest(a), *db = tl_protect_digest(b);
    ck_assert_str_eq(da, db);
    g_free(da);
    g_free(db);
    tl_protect_free(a);
    tl_protect_free(b);
    tl_test_rmtree(dir);
    g_free(f);
    g_free(dir);
    tl_protect_free(p);
}
END_TEST

Suite *
suite_typo(void)
{
    Suite *s = suite_create("typo");
    TCase *tc = tcase_create("dl1");
    tcase_add_test(tc, test_issue_examples);
    tcase_add_test(tc, test_edit_kinds);
    tcase_add_test(tc, test_protect_list);
    suite_add_tcase(s, tc);
    return s;
}
