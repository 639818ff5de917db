/*
 * check_detect.c - the one-pass detectors (SSN, payment card, IBAN): shape,
 * validator, context, negative cues, levels, masks, keyed hashes, snippets
 * and offsets, on text extracted by the real GMime path.
 *
 * SSNs are drawn per run from the never-issued-before-2011 areas 734-749;
 * card numbers are built per run with a computed check digit.
 */
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <hs.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "tl_test.h"

static const guint8 KEY[] = "synthetic-case-key-for-tests-0123456789";

typedef tl_test_found scan_result;

static scan_result
detect(const char *body)
{
    return tl_test_detect("text/plain; charset=utf-8", body, 0);
}

static void
done(scan_result *r)
{
    tl_test_found_free(r);
}

static char *
random_ssn_digits(void)
{
    GRand *g = g_rand_new();
    char *d = g_strdup_printf("%03d%02d%04d", g_rand_int_range(g, 734, 750), g_rand_int_range(g, 10, 100),
                              g_rand_int_range(g, 1000, 10000));
    g_rand_free(g);
    return d;
}

static char *
random_visa(void)
{
    GRand *g = g_rand_new();
    char d[17];
    d[0] = '4';
    for (int i = 1; i < 15; i++)
        d[i] = (char)('0' + (i * 3 + g_rand_int_range(g, 0, 4)) % 10);
    d[15] = tl_test_luhn_digit(d, 15);
    d[16] = 0;
    g_rand_free(g);
    return g_strdup(d);
}

static void
assert_not_stored(const scan_result *r, const char *value)
{
    tl_test_assert_not_stored(r->found, value);
}

START_TEST(test_ssn_levels)
{
    char *d = random_ssn_digits();
    char *fmt = g_strdup_printf("%.3s-%.2s-%.4s", d, d + 3, d + 5);
    char *body = g_strdup_printf("Member SSN: %s, please process.\n", fmt);
    scan_result r = detect(body);
    ck_assert_uint_eq(r.found->len, 1);
    tl_finding *f = r.found->pdata[0];
    ck_assert_str_eq(f->detector, "ssn");
    ck_assert_int_eq(f->score, 85);
    ck_assert_str_eq(f->level, "HIGH");
    char *mask = g_strdup_printf("***-**-%s", d + 5);
    ck_assert_str_eq(f->masked, mask);
    char vh[33];
    tl_vhash(KEY, sizeof KEY - 1, d, vh);
    ck_assert_str_eq(f->vhash, vh);
    ck_assert_msg(strstr(f->snippet, "SSN: \xe2\x9f\xa8ssn\xe2\x9f\xa9, please") != NULL, "%s", f->snippet);
    ck_assert_uint_eq(f->len, 11);
    ck_assert(!f->quoted);
    assert_not_stored(&r, fmt);
    assert_not_stored(&r, d);
    done(&r);
    g_free(body);

    /* bare digits with a keyword: MEDIUM */
    body = g_strdup_printf("social security %s\n", d);
    r = detect(body);
    ck_assert_uint_eq(r.found->len, 1);
    ck_assert_int_eq(((tl_finding *)r.found->pdata[0])->score, 75);
    ck_assert_str_eq(((tl_finding *)r.found->pdata[0])->level, "MEDIUM");
    done(&r);
    g_free(body);

    /* no keyword: a candidate, not a finding */
    body = g_strdup_printf("reference %s attached\n", fmt);
    r = detect(body);
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);
    g_free(body);

    /* example.com in an address is not a document cue */
    body = g_strdup_printf("SSN: %s\n-- \njane@example.com, www.sample.org\n", fmt);
    r = detect(body);
    ck_assert_uint_eq(r.found->len, 1);
    ck_assert_int_eq(((tl_finding *)r.found->pdata[0])->score, 85);
    done(&r);
    g_free(body);

    /* a document negative cue lowers every finding of the part */
    body = g_strdup_printf("SAMPLE form. SSN: %s\n", fmt);
    r = detect(body);
    ck_assert_uint_eq(r.found->len, 1);
    ck_assert_int_eq(((tl_finding *)r.found->pdata[0])->score, 65);
    ck_assert_str_eq(((tl_finding *)r.found->pdata[0])->level, "LOW");
    done(&r);
    g_free(body);
    g_free(mask);
    g_free(fmt);
    g_free(d);
}
END_TEST

START_TEST(test_ssn_traps)
{
    /* each trap alone in its message, with an SSN keyword in the window,
     * so that only the rule under test can reject it */
    char *d = random_ssn_digits();
    char *traps[] = {
        g_strdup_printf("SSN on file.\n\nOrder %.3s-%.2s-%.4s shipped\n", d, d + 3, d + 5),  /* negative cue */
        g_strdup("SSN: 000-12-3456\n"),                                /* area 000 */
        g_strdup("SSN: 666-12-3456\n"),                                /* area 666 */
        g_strdup_printf("SSN: %.3s-00-%.4s\n", d, d + 5),              /* group 00 */
        g_strdup("SSN: 078-05-1120\n"),                                /* the published sample */
        g_strdup_printf("SSN on file. Mail to 20301-%.4s\n", d + 5),   /* ZIP+4: no 9-digit span */
        g_strdup_printf("SSN on file. %s-1234\n", d),                  /* ZIP+4 guard after 9 digits */
        g_strdup_printf("SSN on file. 3.%s\n", d),                     /* decimal guard */
        g_strdup_printf("SSN: %.3s-%.2s.%.4s\n", d, d + 3, d + 5),     /* mixed separators */
        g_strdup_printf("SSN: 1%s\n", d),                              /* ten digits */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(traps); i++) {
        scan_result r = detect(traps[i]);
        ck_assert_msg(r.found->len == 0, "trap %zu flagged: %s", i,
                      r.found->len ? ((tl_finding *)r.found->pdata[0])->snippet : "");
        done(&r);
        g_free(traps[i]);
    }
    g_free(d);
}
END_TEST

START_TEST(test_pan)
{
    char *pan = random_visa();
    char *grouped = g_strdup_printf("%.4s %.4s %.4s %.4s", pan, pan + 4, pan + 8, pan + 12);
    char *body = g_strdup_printf("GTCC card number %s exp 09/27\n", grouped);
    scan_result r = detect(body);
    ck_assert_uint_eq(r.found->len, 1);
    tl_finding *f = r.found->pdata[0];
    ck_assert_str_eq(f->detector, "pan");
    ck_assert_int_eq(f->score, 90);
    char *mask = g_strdup_printf("VISA ****%s", pan + 12);
    ck_assert_str_eq(f->masked, mask);
    assert_not_stored(&r, pan);
    assert_not_stored(&r, grouped);
    done(&r);
    g_free(body);

    /* no keyword: 60, a candidate */
    body = g_strdup_printf("number %s here\n", pan);
    r = detect(body);
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);
    g_free(body);

    /* traps: mixed separators, a Luhn failure, a test number, hex around
     * the digits, a digit run that is longer than any card */
    char bad[17];
    memcpy(bad, pan, 17);
    bad[15] = bad[15] == '9' ? '0' : bad[15] + 1;
    body = g_strdup_printf("card number %.4s-%.4s %.4s-%.4s\ncard number %s\ncard number 4242424242424242\n"
                           "card number deadbeef%sabc\ncard number 12%s1234\n",
                           pan, pan + 4, pan + 8, pan + 12, bad, pan, pan);
    r = detect(body);
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);
    g_free(body);
    g_free(mask);
    g_free(grouped);
    g_free(pan);
}
END_TEST

START_TEST(test_tax_and_routing)
{
    static const struct { const char *text, *detector, *masked; int score; } cases[] = {
        { "Taxpayer ITIN: 912-70-4821 on the W-7\n", "itin", "***-**-4821", 85 },
        { "ITIN 912704821 attached\n", "itin", "***-**-4821", 75 },
        { "Employer identification number (EIN) 12-3456789\n", "ein", "12-***6789", 85 },
        { "Wire via routing number 021000021 today\n", "aba", "021000021", 90 },
        { "ITIN: 912-93-4821\n", NULL, NULL, 0 },          /* 93 is the ATIN group */
        { "ITIN: 812-70-4821 is not\n", NULL, NULL, 0 },   /* an SSN shape without an SSN keyword */
        { "Part 12-3456789 back-ordered\n", NULL, NULL, 0 },   /* EIN shape, no keyword */
        { "EIN 07-1234567\n", NULL, NULL, 0 },             /* unassigned campus prefix */
        { "routing number 021000022\n", NULL, NULL, 0 },   /* checksum fails */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        scan_result r = detect(cases[i].text);
        if (!cases[i].detector) {
            ck_assert_msg(r.found->len == 0, "case %zu flagged: %s", i,
                          r.found->len ? ((tl_finding *)r.found->pdata[0])->detector : "");
        } else {
            ck_assert_msg(r.found->len == 1, "case %zu: %u findings", i, r.found->len);
            tl_finding *f = r.found->pdata[0];
            ck_assert_str_eq(f->detector, cases[i].detector);
            ck_assert_str_eq(f->masked, cases[i].masked);
            ck_assert_msg(f->score == cases[i].score, "case %zu: score %d", i, f->score);
        }
        done(&r);
    }
}
END_TEST

static tl_finding *
fake(const char *det, const char *cat, int score)
{
    tl_finding *f = g_new0(tl_finding, 1);
    f->detector = det;
    f->category = cat;
    f->score = score;
    return f;
}

START_TEST(test_rollup)
{
    char *cats = NULL;
    GPtrArray *a = g_ptr_array_new_with_free_func(tl_finding_free);
    ck_assert_ptr_null(tl_rollup(a, &cats));
    ck_assert_ptr_null(cats);
    /* LOW findings alone: S4, no category until five of one detector */
    for (int i = 0; i < 4; i++)
        g_ptr_array_add(a, fake("ein", "PII.GOVID", 70));
    ck_assert_str_eq(tl_rollup(a, &cats), "S4");
    ck_assert_ptr_null(cats);
    g_ptr_array_add(a, fake("ein", "PII.GOVID", 65));
    ck_assert_str_eq(tl_rollup(a, &cats), "S4");
    ck_assert_str_eq(cats, "PII.GOVID");
    g_free(cats);
    /* a HIGH card: S3; a HIGH SSN: S2, whatever the order */
    g_ptr_array_set_size(a, 0);
    g_ptr_array_add(a, fake("pan", "PII.FIN", 90));
    ck_assert_str_eq(tl_rollup(a, &cats), "S3");
    ck_assert_str_eq(cats, "PII.FIN");
    g_free(cats);
    g_ptr_array_add(a, fake("ssn", "PII.GOVID", 85));
    ck_assert_str_eq(tl_rollup(a, &cats), "S2");
    ck_assert_str_eq(cats, "PII.FIN,PII.GOVID");
    g_free(cats);
    /* one finding each: S1 for a classified marking, a credential, an
     * identity document; S2 for CUI; S3 for a date of birth */
    static const struct {
        const char *det, *cat;
        int score;
        const char *severity;
    } one[] = {
        { "banner", "MARK.CLASS", 95, "S1" },       { "private-key", "CRED.SECRET", 99, "S1" },
        { "mrz", "IDDOC.ATTACH", 95, "S1" },        { "cui-banner", "MARK.CUI", 80, "S2" },
        { "distribution", "MARK.DIST", 90, "S2" },  { "dob", "PII.DOB", 85, "S3" },
        { "banner", "MARK.CLASS", 80, "S4" },       { "mrz", "IDDOC.ATTACH", 85, "S4" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(one); i++) {
        g_ptr_array_set_size(a, 0);
        g_ptr_array_add(a, fake(one[i].det, one[i].cat, one[i].score));
        ck_assert_str_eq(tl_rollup(a, &cats), one[i].severity);
        g_free(cats);
    }
    /* MEDIUM counts for the category, not for S2 */
    g_ptr_array_set_size(a, 0);
    g_ptr_array_add(a, fake("ssn", "PII.GOVID", 75));
    ck_assert_str_eq(tl_rollup(a, &cats), "S4");
    ck_assert_str_eq(cats, "PII.GOVID");
    g_free(cats);
    g_ptr_array_unref(a);
}
END_TEST

START_TEST(test_dodid)
{
    GRand *g = g_rand_new();
    char id[11];
    g_snprintf(id, sizeof id, "%05u%05u", (unsigned)g_rand_int_range(g, 10000, 99999),
               (unsigned)g_rand_int_range(g, 10000, 99999));
    g_rand_free(g);
    char *body = g_strdup_printf("Please add DoD ID %s to the access roster.\n", id);
    scan_result r = detect(body);
    ck_assert_uint_eq(r.found->len, 1);
    tl_finding *f = r.found->pdata[0];
    ck_assert_str_eq(f->detector, "dodid");
    ck_assert_int_eq(f->score, 75);
    char *mask = g_strdup_printf("******%s", id + 6);
    ck_assert_str_eq(f->masked, mask);
    assert_not_stored(&r, id);
    done(&r);
    g_free(body);
    g_free(mask);

    /* ten digits without the keyword: a phone number, a timestamp... */
    body = g_strdup_printf("Call me at %s tomorrow.\n", id);
    r = detect(body);
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);
    g_free(body);
    /* the keyword, but a phone cue next to it */
    body = g_strdup_printf("CAC office phone %s\n", id);
    r = detect(body);
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);
    g_free(body);

    /* a CAC certificate name: HIGH without a keyword, names masked */
    body = g_strdup_printf("Signed by DOE.JOHN.Q.%s via S/MIME\n", id);
    r = detect(body);
    ck_assert_uint_eq(r.found->len, 1);
    f = r.found->pdata[0];
    ck_assert_str_eq(f->detector, "dodid");
    ck_assert_int_eq(f->score, 90);
    mask = g_strdup_printf("D***.J***.Q***.******%s", id + 6);
    ck_assert_str_eq(f->masked, mask);
    char vh[33];
    tl_vhash(KEY, sizeof KEY - 1, id, vh);
    ck_assert_str_eq(f->vhash, vh);
    assert_not_stored(&r, id);
    assert_not_stored(&r, "JOHN");
    done(&r);
    g_free(body);
    g_free(mask);
}
END_TEST

/* A part with fifty thousand candidates and as many keywords: the
 * context search is indexed, so this takes a fraction of a second (it took
 * minutes when every candidate scanned every keyword); the suite's
 * timeout is the check.  Every one is a candidate below LOW (a negative
 * cue on each line), so none is returned. */
START_TEST(test_many_candidates)
{
    GString *b = g_string_new(NULL);
    for (int i = 0; i < 50000; i++)
        g_string_append_printf(b, "part %010d order %d\n", 1000000000 + i * 7919, i);
    scan_result r = detect(b->str);
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);
    /* and the same lines with a DoD ID keyword each: all found, each
     * snippet masking its neighbours too */
    g_string_truncate(b, 0);
    for (int i = 0; i < 20000; i++)
        g_string_append_printf(b, "EDIPI %010d\n", 1000000000 + i * 7919);
    r = detect(b->str);
    ck_assert_uint_eq(r.found->len, 20000);
    const char *leaky = NULL;   /* one assertion: each costs Check a write */
    for (guint i = 0; i < r.found->len && !leaky; i++) {
        const tl_finding *f = r.found->pdata[i];
        if (strpbrk(f->snippet, "0123456789"))
            leaky = f->snippet;
    }
    ck_assert_msg(leaky == NULL, "digits in snippet %s", leaky);
    done(&r);
    /* the same on one long line, quoted */
    g_string_assign(b, "> ");
    for (int i = 0; i < 20000; i++)
        g_string_append_printf(b, "EDIPI %010d; ", 1000000000 + i * 7919);
    g_string_append_c(b, '\n');
    r = detect(b->str);
    ck_assert_uint_eq(r.found->len, 20000);
    guint quoted = 0;
    for (guint i = 0; i < r.found->len; i++)
        quoted += ((tl_finding *)r.found->pdata[i])->quoted;
    ck_assert_uint_eq(quoted, 20000);
    done(&r);
    g_string_free(b, TRUE);
}
END_TEST

/* The keyword classes of common words are a second pass, run over a part
 * only when a candidate asks about one of them: prose full of them with
 * an address and an unlabelled date needs none; an SSN asks about its
 * negative cues (order, part...) and gets them, on the same text.  The
 * date and passport shapes are a third, run when the part has a label of
 * theirs. */
static GPtrArray *
detect_counting(tl_detector *d, const char *body, tl_detect_stats *st)
{
    GPtrArray *parts = tl_test_parts("text/plain; charset=utf-8", body);
    GPtrArray *found = tl_detect_part(d, parts->pdata[0]);
    tl_detector_stats(d, st);
    g_ptr_array_unref(parts);
    return found;
}

START_TEST(test_second_pass_when_asked)
{
    char *err = NULL;
    tl_detector *d = tl_detector_new(KEY, sizeof KEY - 1, &err);
    ck_assert_msg(d != NULL, "detector: %s", err);
    tl_detector_set_time(d, 1700000000);
    const char *prose = "Please send the order for part 7 from home or work; the meeting notes were sent until\n"
                        "Friday. Write to jane.doe@army.ml about it. Shipped 2023-05-14, model 4, version 2.\n";
    tl_detect_stats st;
    GPtrArray *f = detect_counting(d, prose, &st);
    ck_assert_uint_eq(st.parts, 1);
    ck_assert_uint_eq(st.word_parts, 0);        /* nothing asked about order, part, home, sent... */
    ck_assert_uint_eq(st.shape_parts, 0);       /* no DOB or passport label: no date looked for */
    ck_assert_uint_eq(f->len, 1);
    ck_assert_str_eq(((tl_finding *)f->pdata[0])->detector, "email");
    g_ptr_array_unref(f);
    /* a DOB label: the dates are looked for, and this one is found */
    char *dob = g_strdup_printf("%sDOB: 01/12/1985\n", prose);
    f = detect_counting(d, dob, &st);
    ck_assert_uint_eq(st.shape_parts, 1);
    int dobs = 0;
    for (guint i = 0; i < f->len; i++)
        dobs += strcmp(((tl_finding *)f->pdata[i])->detector, "dob") == 0;
    ck_assert_int_eq(dobs, 1);
    g_ptr_array_unref(f);
    g_free(dob);
    /* and a passport keyword: the passport shapes too */
    f = detect_counting(d, "Passport No: C03005988\n", &st);
    ck_assert_uint_eq(st.shape_parts, 2);
    ck_assert_uint_eq(f->len, 1);
    ck_assert_str_eq(((tl_finding *)f->pdata[0])->detector, "passport");
    g_ptr_array_unref(f);
    /* an SSN with a negative cue on its line: the second pass runs, and
     * the cue lowers it below a finding (it would be 85 with the keyword) */
    char *digits = random_ssn_digits();
    char *ssn = g_strdup_printf("%.3s-%.2s-%s", digits, digits + 3, digits + 5);
    char *body = g_strdup_printf("SSN order %s\n%s", ssn, prose);
    tl_detect_stats before = st;
    f = detect_counting(d, body, &st);
    ck_assert_uint_eq(st.parts, 4);
    ck_assert_uint_eq(st.word_parts, before.word_parts + 1);
    ck_assert_uint_eq(st.word_bytes, before.word_bytes + strlen(body));
    for (guint i = 0; i < f->len; i++)
        ck_assert_str_ne(((tl_finding *)f->pdata[i])->detector, "ssn");
    g_ptr_array_unref(f);
    g_free(body);
    /* and without the cue it is found at HIGH, still asking */
    body = g_strdup_printf("SSN %s\n%s", ssn, prose);
    f = detect_counting(d, body, &st);
    ck_assert_uint_eq(st.word_parts, before.word_parts + 2);
    int high = 0;
    for (guint i = 0; i < f->len; i++)
        high += strcmp(((tl_finding *)f->pdata[i])->detector, "ssn") == 0 &&
                strcmp(((tl_finding *)f->pdata[i])->level, "HIGH") == 0;
    ck_assert_int_eq(high, 1);
    g_ptr_array_unref(f);
    g_free(body);
    g_free(ssn);
    g_free(digits);
    tl_detector_free(d);
}
END_TEST

START_TEST(test_iban)
{
    scan_result r = detect("Please wire to IBAN de89 3704 0044 0532 0130 00 today.\n");
    ck_assert_uint_eq(r.found->len, 1);
    tl_finding *f = r.found->pdata[0];
    ck_assert_str_eq(f->detector, "iban");
    ck_assert_int_eq(f->score, 85);
    ck_assert_str_eq(f->masked, "DE89****3000");
    assert_not_stored(&r, "3704 0044 0532");
    done(&r);
    r = detect("Wire to DE89 3704 0044 0532 0130 01 today.\n");     /* mod 97 fails */
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);
}
END_TEST

START_TEST(test_offsets_and_quotes)
{
    char *d = random_ssn_digits();
    /* a zero-width space before the number: the normalised offset and the
     * offset in the part differ by its three bytes */
    char *body = g_strdup_printf("SSN:\xe2\x80\x8b %.3s-%.2s-%.4s\n> SSN: %.3s-%.2s-%.4s\n", d, d + 3, d + 5,
                                 d, d + 3, d + 5);
    scan_result r = detect(body);
    ck_assert_uint_eq(r.found->len, 2);
    tl_finding *a = r.found->pdata[0], *b = r.found->pdata[1];
    if (a->off > b->off) {
        tl_finding *t = a;
        a = b;
        b = t;
    }
    ck_assert_uint_eq(a->off, 5);
    ck_assert_uint_eq(a->part_off, 8);
    ck_assert(!a->quoted);
    ck_assert(b->quoted);
    ck_assert_str_eq(a->vhash, b->vhash);       /* the same person, counted once */
    done(&r);
    g_free(body);
    g_free(d);
}
END_TEST


static tl_status_t
scan_with(const char *db, const char *path, int classify, int jobs)
{
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db;
    o.jobs = jobs;
    o.classify = classify;
    const char *paths[] = { path };
    char *msg = NULL;
    tl_status_t st = tl_scan(&o, paths, 1, NULL, &msg);
    ck_assert_msg(st == TL_OK, "scan: %s", msg ? msg : "?");
    g_free(msg);
    return st;
}

/* The whole path: a scan classifies the messages in scope, stores the
 * findings, and no planted value reaches any database file. */

static char
mrz_cd(const char *s, size_t n)
{
    return (char)('0' + tl_mrz_check_digit(s, n));
}

/* A TD3 MRZ for a synthetic passport of the ICAO specimen state UTO;
 * check digits computed here.  bad: the composite check broken. */
static char *
synthetic_mrz(int bad)
{
    char l2[45] = { 0 };
    memcpy(l2, "X12345678", 9);
    l2[9] = mrz_cd(l2, 9);
    memcpy(l2 + 10, "UTO850412", 9);
    l2[19] = mrz_cd(l2 + 13, 6);
    memcpy(l2 + 20, "F310115", 7);
    l2[27] = mrz_cd(l2 + 21, 6);
    memcpy(l2 + 28, "<<<<<<<<<<<<<<", 14);
    l2[42] = mrz_cd(l2 + 28, 14);
    char comp[39];
    memcpy(comp, l2, 10);
    memcpy(comp + 10, l2 + 13, 7);
    memcpy(comp + 17, l2 + 21, 22);
    l2[43] = mrz_cd(comp, 39);
    if (bad) {
        l2[43] = (char)('0' + (l2[43] - '0' + 1) % 10);
        l2[19] = (char)('0' + (l2[19] - '0' + 1) % 10);
        l2[27] = (char)('0' + (l2[27] - '0' + 1) % 10);
    }
    return g_strdup_printf("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n%s", l2);
}

static const tl_finding *
first_of(const GPtrArray *f, const char *det)
{
    for (guint i = 0; i < f->len; i++)
        if (strcmp(((tl_finding *)f->pdata[i])->detector, det) == 0)
            return f->pdata[i];
    return NULL;
}

/* Passport numbers need their keyword; an issue date makes them HIGH;
 * the MRZ's check digits decide its level, and its names never reach the
 * mask or the snippet. */
START_TEST(test_passport_mrz)
{
    scan_result r = detect("Passport No: C03005988, date of issue 01 JAN 2020\n");
    const tl_finding *f = first_of(r.found, "passport");
    ck_assert(f != NULL);
    ck_assert_int_eq(f->score, 85);
    ck_assert_str_eq(f->masked, "******988");
    done(&r);
    r = detect("passport number 730012345 please\n");
    f = first_of(r.found, "passport");
    ck_assert(f != NULL && f->score == 75);
    ck_assert(first_of(r.found, "ssn") == NULL);
    done(&r);
    /* no keyword: the same shapes are reference numbers */
    r = detect("Reference C03005988 and form AB1234567.\n");
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);

    char *mrz = synthetic_mrz(0), *body = g_strdup_printf("Scan of the data page:\n%s\nthanks\n", mrz);
    r = detect(body);
    f = first_of(r.found, "mrz");
    ck_assert(f != NULL);
    ck_assert_int_eq(f->score, 99);
    ck_assert_str_eq(f->category, "PII.GOVID");
    ck_assert_str_eq(f->masked, "MRZ P UTO birth 1985 expiry 2031");
    ck_assert_ptr_null(strstr(f->snippet, "ERIKSSON"));
    ck_assert_ptr_null(strstr(f->snippet, "X12345678"));
    done(&r);
    g_free(body);
    g_free(mrz);
    /* three check digits wrong: an OCR suspect, a candidate */
    mrz = synthetic_mrz(1);
    body = g_strdup_printf("%s\n", mrz);
    r = detect(body);
    ck_assert(first_of(r.found, "mrz") == NULL);
    done(&r);
    g_free(body);
    g_free(mrz);
}
END_TEST

/* Bank accounts follow their keyword; a routing number nearby makes them
 * HIGH; track data is kept as presence, brand and last four. */
START_TEST(test_account_track)
{
    scan_result r = detect("Direct deposit to checking account: 123456789012 at routing 021000021.\n");
    const tl_finding *a = first_of(r.found, "account"), *b = first_of(r.found, "aba");
    ck_assert(a != NULL && b != NULL);
    ck_assert_int_ge(a->score, 85);
    ck_assert_str_eq(a->masked, "********9012");
    ck_assert_str_eq(b->masked, "021000021");
    done(&r);
    r = detect("Account #: 55501234\n");
    a = first_of(r.found, "account");
    ck_assert(a != NULL && a->score == 75);
    done(&r);
    r = detect("Order 123456789012 shipped.\n");
    ck_assert(first_of(r.found, "account") == NULL);
    done(&r);

    char *pan = random_visa();
    char *body = g_strdup_printf("swipe: %%B%s^DOE/JANE^2512101000000?\n", pan);
    r = detect(body);
    const tl_finding *t = first_of(r.found, "track");
    ck_assert(t != NULL && t->score == 95);
    ck_assert(g_str_has_prefix(t->masked, "track VISA ****"));
    ck_assert_ptr_null(strstr(t->snippet, "JANE"));
    done(&r);
    g_free(body);
    g_free(pan);
}
END_TEST

/* A header keyword applies to its whole column (HTML table or TSV); three
 * validated values in table rows add the roster effect; a MEDIUM personal
 * finding of another kind nearby corroborates. */
START_TEST(test_table_context)
{
    GString *html = g_string_new("<table><tr><th>Name</th><th>EDIPI</th><th>Grade</th></tr>");
    for (int i = 0; i < 4; i++)
        g_string_append_printf(html, "<tr><td>Member %d</td><td>%d00%d12345%d</td><td>E-4</td></tr>", i, i + 1, i,
                               i);
    g_string_append(html, "</table>");
    GPtrArray *found = tl_test_findings("text/html", html->str);
    ck_assert_uint_eq(found->len, 4);
    for (guint i = 0; i < found->len; i++) {
        const tl_finding *f = found->pdata[i];
        ck_assert_str_eq(f->detector, "dodid");
        ck_assert_int_eq(f->score, 85);     /* 20 + 55 header + 10 roster */
    }
    g_ptr_array_unref(found);
    g_string_free(html, TRUE);

    /* the same numbers in prose, without the header: nothing */
    scan_result r = detect("Member 1 1000123450 and member 2 2001123451 and member 3 3002123452.\n");
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);

    /* TSV: an SSN column */
    char *s1 = random_ssn_digits();
    char *body = g_strdup_printf("name\tssn\tunit\nA. Able\t%s\tHHC\n", s1);
    r = detect(body);
    const tl_finding *f = first_of(r.found, "ssn");
    ck_assert(f != NULL);
    ck_assert_int_eq(f->score, 75);     /* 35 + 10 + 30 header */
    done(&r);
    g_free(body);

    /* corroboration: a passport number (MEDIUM) next to a bare SSN-shaped
     * value with its keyword */
    body = g_strdup_printf("SSN: %s  Passport No: C03005988\n", s1);
    r = detect(body);
    f = first_of(r.found, "ssn");
    ck_assert(f != NULL);
    ck_assert_int_eq(f->score, 85);     /* 35 + 10 + 30 + 10 */
    done(&r);
    g_free(body);
    g_free(s1);
}
END_TEST


/* The other personal values of the whole path: passport number, MRZ,
 * date of birth, account, DoD ID and CAC name, phone, DSN, e-mail, track
 * data; none of them, in any form, reaches any database file. */
START_TEST(test_scan_other_values_safely)
{
    char *dir = tl_test_tmpdir();
    char *mrz = synthetic_mrz(0), *pan = random_visa();
    char *l2 = strchr(mrz, '\n') + 1;
    char *mbox = g_strdup_printf(
        "From a@example.org Mon May  1 10:00:00 2023\n"
        "From: s1@example.org\nTo: john.doe@army.ml\nSubject: in-processing\nDate: Mon, 1 May 2023 10:00:00 +0000\n\n"
        "Passport No: C03005988, date of issue 03 MAR 2021.\n%s\n\n"
        "DOB: 04/12/1990\nChecking account: 4400012345678, routing 021000021\n"
        "DoD ID: 1234567890  CAC: DOE.JOHN.Q.1234567891\n"
        "Cell: (703) 555-2847  DSN 314-480-1000\n"
        "Sponsor: pat.kilo.civ@navy.mil\n"
        "Swipe: %%B%s^DOE/JANE^2512101000000?\n\n",
        mrz, pan);
    char *path = g_build_filename(dir, "inproc.mbox", NULL);
    tl_test_write_str(path, mbox);
    char *db = g_build_filename(dir, "other.db", NULL);
    scan_with(db, path, TL_CLASSIFY_FLAGGED, 2);
    char *rows = tl_test_rows(db, "SELECT detector, level FROM findings ORDER BY offset");
    ck_assert_str_eq(rows, "passport|HIGH\nmrz|HIGH\ndob|HIGH\naccount|HIGH\naba|HIGH\ndodid|HIGH\ndodid|HIGH\n"
                           "phone|HIGH\ndsn|HIGH\nemail|HIGH\ntrack|HIGH");
    g_free(rows);
    char *sev = tl_test_str(db, "SELECT severity FROM messages");
    ck_assert_str_eq(sev, "S2");
    g_free(sev);
    const char *planted[] = { "C03005988", l2, "ERIKSSON", "X12345678", "04/12/1990", "1990-04-12",
                              "4400012345678", "1234567890", "1234567891", "DOE.JOHN", "7035552847",
                              "555-2847", "480-1000", "pat.kilo", "DOE/JANE", pan };
    /* the search sees what is stored: the recipient is */
    ck_assert(tl_test_db_holds(db, "john.doe@army.ml"));
    for (size_t i = 0; i < G_N_ELEMENTS(planted); i++)
        ck_assert_msg(!tl_test_db_holds(db, planted[i]), "planted value %zu found in the database", i);
    g_free(db);
    g_free(path);
    g_free(mbox);
    g_free(pan);
    g_free(mrz);
    tl_test_rmtree(dir);
    g_free(dir);
}
END_TEST

/* A value in a subject: the stored subject holds its type instead, for
 * every message once the detectors are loaded; a classified message gets
 * the finding, as part "subject". */
START_TEST(test_subject_values)
{
    char *dir = tl_test_tmpdir();
    char *ssn = random_ssn_digits();
    char *fmt = g_strdup_printf("%.3s-%.2s-%.4s", ssn, ssn + 3, ssn + 5);
    char *mbox = g_strdup_printf("From a@example.org Mon May  1 10:00:00 2023\n"
                                 "From: clerk@example.org\nTo: john.doe@army.ml\nSubject: SSN %s for the file\n\nhello\n\n"
                                 "From a@example.org Mon May  1 11:00:00 2023\n"
                                 "From: clerk@example.org\nTo: jane.roe@army.mil\nSubject: SSN: %s again\n\nhello\n\n",
                                 fmt, fmt);
    char *path = g_build_filename(dir, "subj.mbox", NULL), *db = g_build_filename(dir, "subj.db", NULL);
    tl_test_write_str(path, mbox);
    scan_with(db, path, TL_CLASSIFY_FLAGGED, 2);
    char *rows = tl_test_rows(db, "SELECT subject, classified, severity FROM messages ORDER BY id");
    ck_assert_str_eq(rows, "SSN \xe2\x9f\xa8ssn\xe2\x9f\xa9 for the file|1|S2\n"
                           "SSN: \xe2\x9f\xa8ssn\xe2\x9f\xa9 again|0|NULL");
    g_free(rows);
    rows = tl_test_rows(db, "SELECT part, detector, level FROM findings");
    ck_assert_str_eq(rows, "subject|ssn|HIGH");
    g_free(rows);
    ck_assert(!tl_test_db_holds(db, fmt));
    ck_assert(!tl_test_db_holds(db, ssn));
    g_free(db), g_free(path), g_free(mbox), g_free(fmt), g_free(ssn);
    tl_test_rmtree(dir);
    g_free(dir);
}
END_TEST

/* The pattern database is the one serialised at build time for these
 * very patterns; the serialiser the build uses gives a loadable one. */
START_TEST(test_embedded_database)
{
    char *err = NULL;
    ck_assert_msg(tl_detect_ready(&err), "%s", err);
    ck_assert_str_eq(tl_detect_origin(), "embedded");
    char *bytes = NULL;
    size_t len = 0;
    ck_assert_msg(tl_detect_serialize(&bytes, &len, &err), "%s", err);
    /* a database per pass: their number and lengths (8 bytes each,
     * little-endian), then the databases, which fill the blob */
    guint64 head[4] = { 0 };
    ck_assert_uint_gt(len, sizeof head);
    for (size_t i = 0; i < 8 * G_N_ELEMENTS(head); i++)
        head[i / 8] |= (guint64)(guint8)bytes[i] << (8 * (i % 8));
    ck_assert_uint_eq(head[0], 3);
    ck_assert_uint_eq(sizeof head + head[1] + head[2] + head[3], len);
    size_t off = sizeof head;
    for (int i = 0; i < 3; i++) {
        hs_database_t *fresh = NULL;
        ck_assert_int_eq(hs_deserialize_database(bytes + off, head[i + 1], &fresh), HS_SUCCESS);
        off += head[i + 1];
        char *info = NULL;
        ck_assert_int_eq(hs_database_info(fresh, &info), HS_SUCCESS);
        ck_assert(strstr(info, "Version:") != NULL);
        free(info);
        hs_free_database(fresh);
    }
    g_free(bytes);
    char *a = tl_detect_patterns_digest(), *b = tl_detect_patterns_digest();
    ck_assert_str_eq(a, b);
    ck_assert_uint_eq(strlen(a), 64);
    /* the embedded blob's digest adds the split between the passes */
    char *c = tl_detect_database_digest();
    ck_assert_uint_eq(strlen(c), 64);
    ck_assert_str_ne(a, c);
    g_free(c);
    g_free(a);
    g_free(b);
}
END_TEST

/* The findings database holds no text of the messages beyond the masked
 * snippets: the full-text index, which keeps whatever the messages say
 * that no detector took (a hotel room, a diagnosis), is a file of its own
 * beside it, made only when text is indexed, attached by the read tools. */
START_TEST(test_text_index_own_file)
{
    char *dir = tl_test_tmpdir();
    char *ssn = random_ssn_digits();
    char *ssn_fmt = g_strdup_printf("%.3s-%.2s-%.4s", ssn, ssn + 3, ssn + 5);
    char *mbox = g_strdup_printf("From a@example.org Mon May  1 10:00:00 2023\n"
                                 "From: clerk@example.org\nTo: john.doe@army.ml\nSubject: travel\n\n"
                                 "SSN: %s\n\nThe rest of this note is about the week's schedule, which has not "
                                 "changed since the last message went out to the whole team on Monday.\n\n"
                                 "Lodging at the Hotel Quixoticmoor, room 417.\n"
                                 "Medical note: the sergeant has xerophthalmia.\n",
                                 ssn_fmt);
    char *path = g_build_filename(dir, "leak.mbox", NULL);
    tl_test_write_str(path, mbox);
    char *db = g_build_filename(dir, "case.db", NULL), *text = tl_test_text_db(db);
    scan_with(db, path, TL_CLASSIFY_FLAGGED, 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM findings"), 1);
    ck_assert_str_eq(text + strlen(dir), "/case.db.text");
    /* the findings file alone: no word of the message the detectors did not take */
    ck_assert_msg(!tl_test_file_holds(db, "Quixoticmoor"), "the findings database holds the message's text");
    ck_assert_msg(!tl_test_file_holds(db, "xerophthalmia"), "the findings database holds the message's text");
    ck_assert(!tl_test_file_holds(db, ssn_fmt));
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'message_text%%'"), 0);
    /* the text file: what the messages say, values detected as their type */
    ck_assert(tl_test_file_holds(text, "xerophthalmia"));
    ck_assert(!tl_test_file_holds(text, ssn_fmt));
    /* the read side attaches it */
    char *err = NULL;
    sqlite3 *h = tl_db_open_ro(db, &err);
    ck_assert_msg(h != NULL, "%s", err);
    sqlite3_stmt *s = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT count(*) FROM text.message_text WHERE message_text MATCH "
                                           "'quixoticmoor'", -1, &s, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(s, 0), 1);
    sqlite3_finalize(s);
    sqlite3_close(h);
    /* handed over alone, the findings database still reads */
    ck_assert_int_eq(g_unlink(text), 0);
    FILE *devnull = fopen("/dev/null", "w");
    ck_assert_int_eq(tl_report_text(db, devnull, &err), TL_OK);
    fclose(devnull);
    g_free(db), g_free(text), g_free(path), g_free(mbox), g_free(ssn), g_free(ssn_fmt);
    tl_test_rmtree(dir);
    g_free(dir);
}
END_TEST

START_TEST(test_scan_stores_findings_safely)
{
    char *dir = tl_test_tmpdir();
    char *ssn = random_ssn_digits(), *pan = random_visa(), *ssn2 = random_ssn_digits();
    char *ssn_fmt = g_strdup_printf("%.3s-%.2s-%.4s", ssn, ssn + 3, ssn + 5);
    char *pan_fmt = g_strdup_printf("%.4s-%.4s-%.4s-%.4s", pan, pan + 4, pan + 8, pan + 12);
    char *mbox = g_strdup_printf(
        "From a@example.org Mon May  1 10:00:00 2023\n"
        "From: clerk@example.org\nTo: john.doe@army.ml\nSubject: travel\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=B\n\n"
        "--B\nContent-Type: text/plain\n\nSSN: %s\nGTCC card number %s exp 10/28\n"
        "--B\nContent-Type: text/html\n\n<p>Refund to IBAN <b>GB82 WEST 1234 5698 7654 32</b></p>\n"
        "--B--\n\n"
        "From a@example.org Mon May  1 11:00:00 2023\n"
        "From: clerk@example.org\nTo: jane.roe@army.mil\nSubject: payroll\n\nSSN: %s\n\n",
        ssn_fmt, pan_fmt, ssn2);
    char *path = g_build_filename(dir, "leak.mbox", NULL);
    tl_test_write_str(path, mbox);
    char *db = g_build_filename(dir, "flagged.db", NULL);
    scan_with(db, path, TL_CLASSIFY_FLAGGED, 2);

    /* only the message to the typo domain is read */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM findings"), 3);
    ck_assert_int_eq(tl_test_int(db, "SELECT classified FROM messages WHERE subject='travel'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT n_findings FROM messages WHERE subject='travel'"), 3);
    ck_assert_int_eq(tl_test_int(db, "SELECT classified FROM messages WHERE subject='payroll'"), 0);
    char *roll = tl_test_rows(db, "SELECT subject, categories, severity FROM messages ORDER BY subject");
    ck_assert_str_eq(roll, "payroll|NULL|NULL\ntravel|PII.FIN,PII.GOVID|S2");
    g_free(roll);
    char *rows = tl_test_rows(db, "SELECT part, detector, level, masked FROM findings ORDER BY part, detector");
    char *want = g_strdup_printf("1|pan|HIGH|VISA ****%s\n1|ssn|HIGH|***-**-%s\n2|iban|HIGH|GB82****5432",
                                 pan + 12, ssn + 5);
    ck_assert_str_eq(rows, want);
    g_free(rows);
    g_free(want);
    /* the part offset points at the value in the decoded part */
    ck_assert_int_eq(tl_test_int(db, "SELECT part_offset FROM findings WHERE detector='ssn'"), 5);

    /* the investigators' views */
    char *v = tl_test_rows(db, "SELECT subject, typo_domains, intended_domains, severity, n_findings, occurrences,"
                               " first_offset FROM flagged_messages");
    ck_assert_str_eq(v, "travel|army.ml|army.mil|S2|3|1|44");   /* after the From_ line */
    g_free(v);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM flagged_messages WHERE first_path LIKE '%%/leak.mbox'"), 1);
    v = tl_test_rows(db, "SELECT detector, typo_domains, severity FROM findings_in_context ORDER BY detector");
    ck_assert_str_eq(v, "iban|army.ml|S2\npan|army.ml|S2\nssn|army.ml|S2");
    g_free(v);
    v = tl_test_rows(db, "SELECT typo_domain, intended_domain, messages, senders, intended_recipients, s2_messages"
                         " FROM domain_sizing");
    ck_assert_str_eq(v, "army.ml|army.mil|1|1|1|1");
    g_free(v);
    v = tl_test_rows(db, "SELECT sender, sender_domain, typo_address, intended_addr, messages FROM sender_repeats");
    ck_assert_str_eq(v, "clerk@example.org|example.org|john.doe@army.ml|john.doe@army.mil|1");
    g_free(v);

    /* the report counts them, by severity and by detector, without values */
    char *rep = NULL;
    size_t replen = 0;
    FILE *mf = open_memstream(&rep, &replen);
    char *rerr = NULL;
    ck_assert_int_eq(tl_report_text(db, mf, &rerr), TL_OK);
    fclose(mf);
    ck_assert_msg(strstr(rep, "Sensitive content (1 messages classified, 3 findings;") != NULL, "%s", rep);
    ck_assert_msg(strstr(rep, "  S2  1  message,  1  with a typo recipient") != NULL, "%s", rep);
    ck_assert_msg(strstr(rep, "  PII.GOVID  ssn   HIGH  1  finding  1  distinct value  1  message") != NULL, "%s", rep);
    ck_assert(!strstr(rep, ssn_fmt) && !strstr(rep, pan_fmt) && !strstr(rep, ssn));
    free(rep);

    /* the case key: created beside the database, owner-only */
    char *key = g_strconcat(db, ".casekey", NULL);
    GStatBuf sb;
    ck_assert_int_eq(g_stat(key, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);

    /* the full-text index: the flagged message's text, values as types */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM message_text WHERE message_text MATCH 'gtcc'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM message_text WHERE message_text MATCH 'ssn AND iban'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM message_text WHERE message_text MATCH 'payroll'"), 0);
    char *body = tl_test_str(db, "SELECT body FROM message_text");
    ck_assert_ptr_nonnull(strstr(body, "SSN: \xe2\x9f\xa8ssn\xe2\x9f\xa9\nGTCC card number \xe2\x9f\xa8pan\xe2\x9f\xa9"));
    g_free(body);

    /* no planted value, in any form, in any database file */
    const char *planted[] = { ssn, ssn_fmt, pan, pan_fmt, "GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32", ssn2 };
    for (size_t i = 0; i < G_N_ELEMENTS(planted); i++)
        ck_assert_msg(!tl_test_db_holds(db, planted[i]), "planted value %zu found in the database", i);

    /* --classify all, same case key: the second message too, and the same
     * value hashes to the same vhash across databases */
    char *db2 = g_build_filename(dir, "all.db", NULL);
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db2;
    o.jobs = 1;
    o.classify = TL_CLASSIFY_ALL;
    o.case_key_path = key;
    const char *paths[] = { path };
    char *msg = NULL;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, &msg), TL_OK);
    ck_assert_int_eq(tl_test_int(db2, "SELECT count(*) FROM findings"), 4);
    ck_assert_int_eq(tl_test_int(db2, "SELECT classified FROM messages WHERE subject='payroll'"), 1);
    /* the default index holds the flagged message only */
    ck_assert_int_eq(tl_test_int(db2, "SELECT count(*) FROM message_text"), 1);
    char *v1 = tl_test_str(db, "SELECT vhash FROM findings WHERE detector='ssn'");
    char *v2 = tl_test_str(db2, "SELECT f.vhash FROM findings f JOIN messages m ON m.id=f.message_id"
                                " WHERE f.detector='ssn' AND m.subject='travel'");
    ck_assert_str_eq(v1, v2);
    /* --index-text all: every classified message; none: nothing */
    char *db4 = g_build_filename(dir, "all-text.db", NULL), *db5 = g_build_filename(dir, "no-text.db", NULL);
    o.db_path = db4;
    o.index_text = TL_INDEX_ALL;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, &msg), TL_OK);
    ck_assert_int_eq(tl_test_int(db4, "SELECT count(*) FROM message_text WHERE message_text MATCH 'payroll'"), 1);
    ck_assert_int_eq(tl_test_int(db4, "SELECT count(*) FROM message_text"), 2);
    o.db_path = db5;
    o.index_text = TL_INDEX_NONE;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, &msg), TL_OK);
    char *text5 = tl_text_db_path(db5);
    ck_assert_msg(!g_file_test(text5, G_FILE_TEST_EXISTS), "--index-text none made a text index");
    g_free(text5);
    ck_assert_int_eq(tl_test_int(db5, "SELECT count(*) FROM findings"), 4);
    for (size_t i = 0; i < G_N_ELEMENTS(planted); i++)
        ck_assert_msg(!tl_test_db_holds(db4, planted[i]), "planted value %zu found in the indexed database", i);
    o.index_text = TL_INDEX_FLAGGED;
    g_free(db4), g_free(db5);
    for (size_t i = 0; i < G_N_ELEMENTS(planted); i++)
        ck_assert_msg(!tl_test_db_holds(db2, planted[i]), "planted value %zu found in the database", i);

    /* --classify none: nothing read, no key made */
    char *db3 = g_build_filename(dir, "none.db", NULL);
    scan_with(db3, path, TL_CLASSIFY_NONE, 1);
    ck_assert_int_eq(tl_test_int(db3, "SELECT count(*) FROM findings"), 0);
    char *text3 = tl_text_db_path(db3);
    ck_assert_msg(!g_file_test(text3, G_FILE_TEST_EXISTS), "--classify none made a text index");
    g_free(text3);
    char *key3 = g_strconcat(db3, ".casekey", NULL);
    ck_assert(!g_file_test(key3, G_FILE_TEST_EXISTS));

    /* a bad key file stops the run with a reason */
    char *bad = g_build_filename(dir, "bad.key", NULL);
    tl_test_write_str(bad, "not hex\n");
    o.db_path = db3;
    o.case_key_path = bad;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, &msg), TL_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(msg, "hex digits"));
    g_free(msg);

    g_free(bad);
    g_free(key3);
    g_free(db3);
    g_free(v1);
    g_free(v2);
    g_free(db2);
    g_free(key);
    g_free(db);
    g_free(path);
    g_free(mbox);
    g_free(ssn_fmt);
    g_free(pan_fmt);
    g_free(ssn);
    g_free(ssn2);
    g_free(pan);
    tl_test_rmtree(dir);
    g_free(dir);
}
END_TEST

Suite *
suite_detect(void)
{
    Suite *s = suite_create("detect");
    TCase *tc = tcase_create("detectors");
    /* test_many_candidates takes about 2 s alone; the quadratic behaviour it
     * guards against took minutes.  60 s leaves room for a loaded machine. */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ssn_levels);
    tcase_add_test(tc, test_ssn_traps);
    tcase_add_test(tc, test_pan);
    tcase_add_test(tc, test_iban);
    tcase_add_test(tc, test_many_candidates);
    tcase_add_test(tc, test_second_pass_when_asked);
    tcase_add_test(tc, test_dodid);
    tcase_add_test(tc, test_rollup);
    tcase_add_test(tc, test_tax_and_routing);
    tcase_add_test(tc, test_offsets_and_quotes);
    tcase_add_test(tc, test_scan_stores_findings_safely);
    tcase_add_test(tc, test_embedded_database);
    tcase_add_test(tc, test_subject_values);
    tcase_add_test(tc, test_scan_other_values_safely);
    tcase_add_test(tc, test_passport_mrz);
    tcase_add_test(tc, test_account_track);
    tcase_add_test(tc, test_table_context);
    tcase_add_test(tc, test_text_index_own_file);
    suite_add_tcase(s, tc);
    return s;
}
