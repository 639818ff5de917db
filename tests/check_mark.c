/*
 * check_mark.c - government markings (section 5.12): banners, portion
 * marks, authority blocks, CUI banners and indicators, legacy controls,
 * privacy notices, distribution statements, export-control warnings and
 * DoD e-mail classification lines, with the traps of section 8 (corporate
 * CONFIDENTIAL, "secret" in prose, (C) copyright, (S) plurals, Italian
 * "cui", LES pay statements, samples and marking guides).
 *
 * Every text is written for these tests; none is a real document.
 */
#include <string.h>

#include "tl_test.h"

static GPtrArray *
marks(const char *body, int html)
{
    return tl_test_findings(html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8", body);
}

/* body gives no finding at LOW or above. */
static void
assert_none(const char *body)
{
    GPtrArray *f = marks(body, 0);
    ck_assert_msg(f->len == 0, "%s: %s %s %d", body, f->len ? ((tl_finding *)f->pdata[0])->detector : "",
                  f->len ? ((tl_finding *)f->pdata[0])->masked : "", f->len ? ((tl_finding *)f->pdata[0])->score : 0);
    g_ptr_array_unref(f);
}

/* The finding of detector det whose masked form is masked (or the first
 * of det when masked is NULL). */
static const tl_finding *
find(const GPtrArray *f, const char *det, const char *masked)
{
    for (guint i = 0; i < f->len; i++) {
        const tl_finding *x = f->pdata[i];
        if (strcmp(x->detector, det) == 0 && (!masked || strcmp(x->masked, masked) == 0))
            return x;
    }
    return NULL;
}

/* The finding det/masked, which must exist with this score and category. */
static const tl_finding *
expect(const GPtrArray *f, const char *det, const char *masked, int score, const char *cat)
{
    const tl_finding *x = find(f, det, masked);
    ck_assert_msg(x != NULL, "no %s %s", det, masked ? masked : "");
    ck_assert_msg(x->score == score && strcmp(x->category, cat) == 0, "%s %s: %s %d", det, masked ? masked : "",
                  x->category, x->score);
    return x;
}

static int
count_cat(const GPtrArray *f, const char *cat)
{
    int n = 0;
    for (guint i = 0; i < f->len; i++)
        n += strcmp(((const tl_finding *)f->pdata[i])->category, cat) == 0;
    return n;
}

static const char *
severity(const GPtrArray *f)
{
    char *cats = NULL;
    const char *s = tl_rollup(f, &cats);
    g_free(cats);
    return s ? s : "none";
}

/* Section 9: a SECRET//NOFORN banner top and bottom with an authority
 * block; S1. */
START_TEST(test_secret_banner_cab)
{
    GPtrArray *f = marks("SECRET//NOFORN\n\n"
                         "(S//NF) The exercise convoy departs at 0400 from the north gate.\n"
                         "(U) Weather is expected to be clear.\n\n"
                         "Classified By: J. Doe, Director of Operations\n"
                         "Derived From: Multiple Sources\n"
                         "Declassify On: 20491231\n"
                         "Reason: 1.4(a)\n\n"
                         "SECRET//NOFORN\n", 0);
    const tl_finding *b = expect(f, "banner", "SECRET//NOFORN", 95, "MARK.CLASS");
    ck_assert(b->vhash[0] == '\0');     /* labels: no keyed hash */
    const tl_finding *pm = find(f, "portion-mark", "(S//NF)");
    ck_assert(pm != NULL);
    ck_assert_int_eq(pm->score, 95);
    const tl_finding *cab = find(f, "authority-block", "Declassify On: 20491231");
    ck_assert(cab != NULL);
    ck_assert_int_eq(cab->score, 95);
    /* the classifier's name is not kept */
    ck_assert(find(f, "authority-block", "Classified By: \xe2\x9f\xa8name\xe2\x9f\xa9") != NULL);
    for (guint i = 0; i < f->len; i++)
        ck_assert_ptr_null(strstr(((tl_finding *)f->pdata[i])->masked, "Doe"));
    ck_assert_str_eq(severity(f), "S1");
    g_ptr_array_unref(f);
}
END_TEST

/* The same marked as a sample (section 9's second variant): no MARK.CLASS
 * at MEDIUM or above, and no S1. */
START_TEST(test_sample_variant)
{
    static const char *const cues[] = { "SAMPLE", "Markings are for training purposes only",
                                        "EXERCISE EXERCISE EXERCISE" };
    for (size_t i = 0; i < G_N_ELEMENTS(cues); i++) {
        char *body = g_strdup_printf("%s\n\nSECRET//NOFORN\n\n(S//NF) Sample paragraph text.\n\n"
                                     "Classified By: Instructor\nDeclassify On: 20491231\n\nSECRET//NOFORN\n", cues[i]);
        GPtrArray *f = marks(body, 0);
        for (guint k = 0; k < f->len; k++) {
            const tl_finding *x = f->pdata[k];
            ck_assert_msg(x->score < 75, "%s: %s %s %d", cues[i], x->detector, x->masked, x->score);
        }
        ck_assert_str_ne(severity(f), "S1");
        g_ptr_array_unref(f);
        g_free(body);
    }
}
END_TEST

/* Section 9: a CUI memo with banner, designation indicator and portion
 * marks; S2, never S1. */
START_TEST(test_cui_memo)
{
    GPtrArray *f = marks("CUI\n\n"
                         "MEMORANDUM FOR RECORD\n\n"
                         "Controlled by: Department of the Army\n"
                         "Controlled by: G-1 Personnel Office\n"
                         "CUI Category: PRVCY\n"
                         "Limited Dissemination Control: FEDCON\n"
                         "POC: Jane Roe, 555-0100\n\n"
                         "1. (CUI) The attached roster lists the unit members.\n"
                         "2. (U) Questions go to the POC.\n"
                         "3. (CUI) Do not forward outside the unit.\n\n"
                         "CUI\n", 0);
    expect(f, "cui-banner", "CUI", 95, "MARK.CUI");
    const tl_finding *ind = find(f, "cui-indicator", "CUI Category: PRVCY");
    ck_assert(ind != NULL);
    ck_assert_int_eq(ind->score, 95);
    ck_assert(find(f, "cui-indicator", "POC: \xe2\x9f\xa8name\xe2\x9f\xa9") != NULL);
    const tl_finding *pm = find(f, "portion-mark", "(CUI)");
    ck_assert(pm != NULL);
    ck_assert_int_eq(pm->score, 80);
    ck_assert_int_eq(count_cat(f, "MARK.CLASS") == 0 || find(f, "portion-mark", "(U)")->score < 85, 1);
    ck_assert_str_eq(severity(f), "S2");
    g_ptr_array_unref(f);
}
END_TEST

/* Banner shapes and their scores. */
START_TEST(test_banner_levels)
{
    static const struct {
        const char *body, *det, *masked, *cat;
        int score;
    } cases[] = {
        { "TOP SECRET//SI/TK//NOFORN\ntext\n", "banner", "TOP SECRET//SI/TK//NOFORN", "MARK.CLASS", 95 },
        { "SECRET//REL TO USA, FVEY\ntext\n", "banner", "SECRET//REL TO USA, FVEY", "MARK.CLASS", 95 },
        { "  CONFIDENTIAL//NOFORN  \ntext\n", "banner", "CONFIDENTIAL//NOFORN", "MARK.CLASS", 95 },
        { "UNCLASSIFIED//FOR OFFICIAL USE ONLY\ntext\n", "banner", "UNCLASSIFIED//FOR OFFICIAL USE ONLY", "MARK.CUI",
          85 },
        { "UNCLASSIFIED\ntext\n", "banner", "UNCLASSIFIED", "MARK.CLASS", 70 },
        { "SECRET\nbriefing notes\n", "banner", "SECRET", "MARK.CLASS", 80 },
        { "SECRET\nbriefing notes\nSECRET\n", "banner", "SECRET", "MARK.CLASS", 95 },
        { "Classification: UNCLASSIFIED\nhello\n", "classification-line", "Classification: UNCLASSIFIED",
          "MARK.CLASS", 70 },
        { "CLASSIFICATION: UNCLASSIFIED//FOUO\nhello\n", "classification-line", "CLASSIFICATION: UNCLASSIFIED//FOUO",
          "MARK.CUI", 85 },
        { "hello\nCaveats: FOUO\n", "classification-line", "Caveats: FOUO", "MARK.CUI", 85 },
        { "The roster is FOR OFFICIAL USE ONLY and stays in the unit.\n", "legacy-control", "FOR OFFICIAL USE ONLY",
          "MARK.CUI", 80 },
        { "LAW ENFORCEMENT SENSITIVE\n", "legacy-control", "LAW ENFORCEMENT SENSITIVE", "MARK.CUI", 80 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GPtrArray *f = marks(cases[i].body, 0);
        expect(f, cases[i].det, cases[i].masked, cases[i].score, cases[i].cat);
        g_ptr_array_unref(f);
    }
}
END_TEST

/* Section 9: Distribution D front matter with an export-control warning
 * and a destruction notice; A is public; list headers and finance
 * statements are not distribution statements. */
START_TEST(test_distribution)
{
    GPtrArray *f = marks("TECHNICAL REPORT TR-0000-01\n\n"
                         "DISTRIBUTION STATEMENT D. Distribution authorized to the Department of Defense and U.S. "
                         "DoD contractors only; Critical Technology; 1 Jan 2030. Other requests shall be referred to "
                         "the controlling office.\n\n"
                         "WARNING - This document contains technical data whose export is restricted by the Arms "
                         "Export Control Act (Title 22, U.S.C., Sec 2751, et seq.).\n\n"
                         "DESTRUCTION NOTICE - Destroy by any method that will prevent disclosure of contents.\n", 0);
    const tl_finding *d = find(f, "distribution", NULL);
    ck_assert(d != NULL);
    ck_assert_int_ge(d->score, 90);
    ck_assert_str_eq(d->category, "MARK.DIST");
    ck_assert(g_str_has_prefix(d->masked, "DISTRIBUTION STATEMENT D."));
    const tl_finding *e = find(f, "export-control", NULL);
    ck_assert(e != NULL);
    ck_assert_int_eq(e->score, 85);
    ck_assert_str_eq(severity(f), "S2");
    g_ptr_array_unref(f);

    f = marks("DISTRIBUTION STATEMENT A. Approved for public release; distribution is unlimited.\n", 0);
    ck_assert(find(f, "distribution", NULL) == NULL);   /* 60: a candidate */
    g_ptr_array_unref(f);

    assert_none("Distribution:\nall hands\n\nBank Statement A and Statement B are attached.\n"
              "DISTRIBUTION C: see the mailing list\n");

    /* export words without a warning: compliance chatter */
    assert_none("Reminder: ITAR compliance training is due Friday.\n");
}
END_TEST

/* Section 8 traps 1-4 and the negative fixtures of section 9: none of
 * these gives a marking at LOW or above. */
START_TEST(test_traps)
{
    static const char *const bodies[] = {
        /* 1: corporate disclaimers */
        "Thanks!\n\nCONFIDENTIALITY NOTICE: This e-mail is confidential and intended solely for the addressee.\n",
        "CONFIDENTIAL\nThis message and any attachments are confidential and may be privileged.\n",
        "Subject line said Confidential - please keep it between us.\n",
        /* 2: secret in prose and marketing */
        "The secret to a great barbecue is patience.\nJoin our Secret Santa this year!\n",
        "Victoria's Secret semi-annual sale: TOP SECRET deals inside.\n",
        "The Secret Service closed the road.\nIt is no secret that the move was hard.\n",
        "SECRET SANTA\nsign up below\n",
        /* 3: copyright, plurals, list items, Italian cui */
        "(C) 2024 Example Corp. All rights reserved.\n(c) Example\n",
        "Please bring your friend(s) and the form(s).\n",
        "Il giorno in cui siamo arrivati, la persona a cui ho scritto era via.\n",
        /* 4: LES is a Leave and Earning Statement here */
        "Your LES for May is attached. LES shows the new BAH rate.\n",
        /* Reason: in ordinary mail */
        "Reason: vacation\nReason: 1.5 hours late\n",
        "Controlled by: the thermostat\n",
        /* one authority line alone is no block (one hit per line, not per end) */
        "Declassify On: 20491231 or when the project closes\n",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bodies); i++)
        assert_none(bodies[i]);
}
END_TEST

/* Portion marks count at a line, bullet or cell start only; three make a
 * marked document; HTML cells are cell starts. */
START_TEST(test_portion_marks)
{
    GPtrArray *f = marks("Notes (S) and (C) in the middle of a line are not marks.\n", 0);
    ck_assert_uint_eq(f->len, 0);
    g_ptr_array_unref(f);

    f = marks("(S) Convoy times are fixed.\n(C) Routes are below.\n- (S) Route one.\n", 0);
    ck_assert_uint_eq(f->len, 3);
    for (guint i = 0; i < f->len; i++)
        ck_assert_int_eq(((tl_finding *)f->pdata[i])->score, 80);
    g_ptr_array_unref(f);

    f = marks("<table><tr><td>(TS//SI//NF) Source line</td><td>(U) note</td></tr></table>", 1);
    const tl_finding *x = find(f, "portion-mark", "(TS//SI//NF)");
    ck_assert(x != NULL);
    ck_assert_int_eq(x->score, 95);
    g_ptr_array_unref(f);
}
END_TEST

/* A privacy notice is a marking of its own and raises the personal
 * findings of its part by 10. */
START_TEST(test_privacy_notice)
{
    char ssn[12];
    g_snprintf(ssn, sizeof ssn, "%03d-%02d-%04d", 741, 22, 3190);
    char *body = g_strdup_printf("PRIVACY ACT STATEMENT: protected by the Privacy Act of 1974.\n"
                                 "SSN: %s\n", ssn);
    GPtrArray *f = marks(body, 0);
    const tl_finding *pn = find(f, "privacy-notice", NULL);
    ck_assert(pn != NULL);
    ck_assert_int_eq(pn->score, 70);
    const tl_finding *s = find(f, "ssn", NULL);
    ck_assert(s != NULL);
    ck_assert_int_eq(s->score, 95);
    g_ptr_array_unref(f);
    g_free(body);

    /* civil and criminal penalties counts only near "privacy" */
    assert_none("Tax fraud can bring civil and criminal penalties.\n");
}
END_TEST

/* Markings in the snippets of other findings are replaced by their type;
 * a long banner line is cut at 120 characters. */
START_TEST(test_verbatim_limits)
{
    GString *b = g_string_new("SECRET//");
    while (b->len < 130)
        g_string_append(b, "NOFORN/");
    g_string_append(b, "X\nbody\n");
    GPtrArray *f = marks(b->str, 0);
    ck_assert_uint_eq(f->len, 0);   /* longer than a banner line can be */
    g_ptr_array_unref(f);
    g_string_free(b, TRUE);

    f = marks("intro line\nSECRET//NOFORN\n(S//NF) text\n", 0);
    const tl_finding *pm = find(f, "portion-mark", NULL);
    ck_assert(pm != NULL);
    ck_assert_ptr_nonnull(strstr(pm->snippet, "\xe2\x9f\xa8" "banner" "\xe2\x9f\xa9"));
    ck_assert_ptr_null(strstr(pm->snippet, "NOFORN"));
    g_ptr_array_unref(f);
}
END_TEST

Suite *
suite_mark(void)
{
    Suite *s = suite_create("mark");
    TCase *tc = tcase_create("markings");
    tcase_add_test(tc, test_secret_banner_cab);
    tcase_add_test(tc, test_sample_variant);
    tcase_add_test(tc, test_cui_memo);
    tcase_add_test(tc, test_banner_levels);
    tcase_add_test(tc, test_distribution);
    tcase_add_test(tc, test_traps);
    tcase_add_test(tc, test_portion_marks);
    tcase_add_test(tc, test_privacy_notice);
    tcase_add_test(tc, test_verbatim_limits);
    suite_add_tcase(s, tc);
    return s;
}
