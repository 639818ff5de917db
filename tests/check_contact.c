/*
 * check_contact.c - the contact-data and date-of-birth detectors: NANP,
 * DSN and international telephone numbers, e-mail addresses with their
 * DoD role and classified-network domains, APO/FPO/DPO addresses, and
 * dates of birth in every listed shape; levels, masks, keyed hashes,
 * snippets, column headers and the traps of section 8, on text extracted
 * by the real GMime path.
 *
 * Values are synthetic: telephone numbers use the 555 exchange with line
 * numbers outside the reserved 0100-0199 block (which the detector
 * rejects), addresses are at example.org and army.ml.  Dates of birth are
 * judged at a fixed message date, 2025-06-01.
 */
#include <gmime/gmime.h>
#include <string.h>

#include "tl_test.h"

static const guint8 KEY[] = "synthetic-case-key-for-tests-0123456789";
#define REF_TIME 1748736000     /* 2025-06-01T00:00:00Z */

typedef tl_test_found scan_result;

static scan_result
detect_as(const char *ctype, const char *body)
{
    char *ct = g_strdup_printf("%s; charset=utf-8", ctype);
    scan_result r = tl_test_detect(ct, body, REF_TIME);
    g_free(ct);
    return r;
}

static scan_result
detect(const char *body)
{
    return detect_as("text/plain", body);
}

static void
done(scan_result *r)
{
    tl_test_found_free(r);
}

static void
assert_not_stored(const scan_result *r, const char *value)
{
    tl_test_assert_not_stored(r->found, value);
}

typedef struct {
    const char *text, *detector, *masked, *value;     /* detector NULL: no finding expected */
    int score;
} fixture;

/* Each fixture alone in its message: one finding of the detector, score
 * and mask as given, the value nowhere in the finding; or none. */
static void
run_fixtures(const fixture *fx, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        scan_result r = detect(fx[i].text);
        if (!fx[i].detector) {
            ck_assert_msg(r.found->len == 0, "trap %zu \"%s\" flagged: %s %s %d", i, fx[i].text,
                          r.found->len ? ((tl_finding *)r.found->pdata[0])->detector : "",
                          r.found->len ? ((tl_finding *)r.found->pdata[0])->masked : "",
                          r.found->len ? ((tl_finding *)r.found->pdata[0])->score : 0);
        } else {
            ck_assert_msg(r.found->len == 1, "case %zu \"%s\": %u findings", i, fx[i].text, r.found->len);
            tl_finding *f = r.found->pdata[0];
            ck_assert_msg(strcmp(f->detector, fx[i].detector) == 0, "case %zu: detector %s", i, f->detector);
            ck_assert_msg(strcmp(f->masked, fx[i].masked) == 0, "case %zu: masked %s", i, f->masked);
            ck_assert_msg(f->score == fx[i].score, "case %zu: score %d", i, f->score);
            if (fx[i].value)
                assert_not_stored(&r, fx[i].value);
        }
        done(&r);
    }
}

START_TEST(test_phone)
{
    static const fixture fx[] = {
        { "Cell: (703) 555-2847, any time\n", "phone", "+1 (703) ***-2847", "555-2847", 75 },
        { "Reach the desk at 703-555-2847 today\n", "phone", "+1 (703) ***-2847", "555-2847", 65 },
        { "Reach the desk at 703.555.2847 today\n", "phone", "+1 (703) ***-2847", "555.2847", 65 },
        { "Reach the desk at +1 703 555 2847 today\n", "phone", "+1 (703) ***-2847", "555 2847", 65 },
        { "Reach the desk at 1-703-555-2847 today\n", "phone", "+1 (703) ***-2847", "555-2847", 65 },
        { "Reach the desk at +17035552847 today\n", "phone", "+1 (703) ***-2847", "7035552847", 65 },
        { "Reach the desk at 703-555-2847 x1234 today\n", "phone", "+1 (703) ***-2847", "x1234", 65 },
        { "Reach the desk at (703)555-2847ext.12 today\n", "phone", "+1 (703) ***-2847", "ext.12", 65 },
        { "Reach the desk at 001-703-555-2847 today\n", "phone", "+1 (703) ***-2847", "555-2847", 65 },
        { "Home 703 555 2847\n", "phone", "+1 (703) ***-2847", "555 2847", 75 },
        /* toll-free: an organisation's number, flagged, 10 lower */
        { "Phone: 1-800-555-2847\n", "phone", "+1 (800) ***-2847 org_number", "555-2847", 65 },
        { "DSN 312-555-2847 or comm\n", "dsn", "DSN 312-***-2847", "555-2847", 80 },
        { "Duty desk DSN: 555-2847\n", "dsn", "DSN ***-2847", "555-2847", 80 },
        { "Duty desk DSN (314) 555-2847\n", "dsn", "DSN 314-***-2847", "555-2847", 80 },
        { "Duty desk DSN 313-555-2847\n", "dsn", "DSN 313-***-2847", "555-2847", 70 },
        { "Mobile: +49 30 5550 2847\n", "phone", "+49 ***2847", "5550 2847", 75 },
        /* a dial-in number is a phone; the conference ID after it is not */
        { "Join by phone: +1 202-760-0811\n", "phone", "+1 (202) ***-0811", "2027600811", 75 },
        { "Meeting: conference ID 448 201 9375\n", NULL, NULL, NULL, 0 },
        /* traps */
        { "Phone: (703) 555-0142\n", NULL, NULL, NULL, 0 },          /* 555-0100..0199: fictional */
        { "Phone: (411) 555-2847\n", NULL, NULL, NULL, 0 },          /* N11 area code */
        { "Phone: 703-911-2847\n", NULL, NULL, NULL, 0 },            /* N11 exchange */
        { "Phone: 123-456-7890\n", NULL, NULL, NULL, 0 },            /* area code starting with 1 */
        { "Phone: 793-555-2847\n", NULL, NULL, NULL, 0 },            /* N9X reserved */
        { "Phone: +1-703-155-2847\n", NULL, NULL, NULL, 0 },         /* exchange starting with 1 */
        { "Phone: 703-555.2847\n", NULL, NULL, NULL, 0 },            /* mixed separators */
        { "Phone on file: 2023-05-14\n", NULL, NULL, NULL, 0 },      /* a date */
        { "Phone app version 10.703.555.2847\n", NULL, NULL, NULL, 0 },  /* a version */
        { "Phone via host 10.203.555.2847\n", NULL, NULL, NULL, 0 },  /* an IP-like fragment */
        { "Phone plan $703.555.2847\n", NULL, NULL, NULL, 0 },       /* a price */
        { "Phone part 703-555-2847-01\n", NULL, NULL, NULL, 0 },     /* part number */
        { "Order 703-555-2847 shipped\n", NULL, NULL, NULL, 0 },     /* negative cue */
        { "Phone 7035552847\n", NULL, NULL, NULL, 0 },               /* bare run outside a phone column */
        { "Call 7035552847 tomorrow\n", NULL, NULL, NULL, 0 },
        { "Values 703 555 2847 and 705 555 2848\n", NULL, NULL, NULL, 0 },   /* spaces, no keyword */
        { "MediaBox [0 0 612 792]\n", NULL, NULL, NULL, 0 },         /* PDF box array */
        { "Phone: 123-45-6789\n", NULL, NULL, NULL, 0 },             /* SSN shape (invalid area anyway) */
        { "Office Arlington VA 22202-4302\n", NULL, NULL, NULL, 0 }, /* ZIP+4 */
        { "Call 1-800-555-2847 for offers\n", NULL, NULL, NULL, 0 }, /* toll-free, no keyword: 55 */
        { "+49 30 5550 2847\n", NULL, NULL, NULL, 0 },               /* international, no keyword: 60 */
    };
    run_fixtures(fx, G_N_ELEMENTS(fx));

    /* the keyed hash is over the E.164 digits, whatever the format */
    scan_result r = detect("Cell: (703) 555-2847\n");
    char vh[33];
    tl_vhash(KEY, sizeof KEY - 1, "+17035552847", vh);
    ck_assert_str_eq(((tl_finding *)r.found->pdata[0])->vhash, vh);
    ck_assert_str_eq(((tl_finding *)r.found->pdata[0])->level, "MEDIUM");
    ck_assert_str_eq(((tl_finding *)r.found->pdata[0])->category, "PII.CONTACT");
    ck_assert_msg(strstr(((tl_finding *)r.found->pdata[0])->snippet, "Cell: \xe2\x9f\xa8phone\xe2\x9f\xa9") != NULL,
                  "%s", ((tl_finding *)r.found->pdata[0])->snippet);
    done(&r);
    r = detect("Phone: 703-555-2847\n");
    ck_assert_str_eq(((tl_finding *)r.found->pdata[0])->vhash, vh);
    done(&r);
}
END_TEST

START_TEST(test_phone_column)
{
    /* bare ten-digit runs in a Phone column: phones (75), not DoD IDs */
    scan_result r = detect("Name\tRank\tPhone\nDOE, J\tSGT\t7035552847\nROE, R\tSPC\t7035552848\n");
    ck_assert_uint_eq(r.found->len, 2);
    for (guint i = 0; i < 2; i++) {
        tl_finding *f = r.found->pdata[i];
        ck_assert_str_eq(f->detector, "phone");
        ck_assert_int_eq(f->score, 75);
    }
    ck_assert_str_eq(((tl_finding *)r.found->pdata[0])->masked, "+1 (703) ***-2847");
    assert_not_stored(&r, "7035552847");
    assert_not_stored(&r, "7035552848");
    done(&r);
    /* the same numbers under another header: nothing */
    r = detect("Name\tRank\tNumber\nDOE, J\tSGT\t7035552847\nROE, R\tSPC\t7035552848\n");
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);
}
END_TEST

START_TEST(test_email)
{
    static const fixture fx[] = {
        { "Write to jane.doe@example.org for the forms\n", "email", "j***@example.org", "jane.doe", 65 },
        { "Write to Jane.Doe@Example.ORG.\n", "email", "j***@example.org", "Jane.Doe", 65 },
        { "cc john.q.public.mil@army.ml please\n", "email", "j***@army.ml (mil)", "john.q.public", 75 },
        { "cc jane.roe.ctr@mail.example.org please\n", "email", "j***@mail.example.org (ctr)", "jane.roe", 75 },
        { "cc pat.doe.civ@army.ml please\n", "email", "p***@army.ml (civ)", "pat.doe", 75 },
        { "cc alex.roe.fn@army.ml please\n", "email", "a***@army.ml (fn)", "alex.roe", 75 },
        { "forward to watch.officer@unit.smil.mil\n", "email", "w***@unit.smil.mil", "watch.officer", 80 },
        { "forward to analyst1@sgov.gov\n", "email", "a***@sgov.gov", "analyst1", 80 },
        { "forward to ops@cell.ic.gov\n", "email", "o***@cell.ic.gov", "ops@", 80 },
        /* military post */
        { "Mail: PSC 1234, Box 5678\nAPO AE 09012\n", "milpost", "APO AE 090**", "5678", 75 },
        { "Ship to Unit 4321 Box 12, FPO AP 96349-1234\n", "milpost", "FPO AP 963**", "96349", 75 },
        { "Ship to CMR 402 APO AA 34002\n", "milpost", "APO AA 340**", "34002", 75 },
        { "Ship to DPO AE 09498\n", "milpost", "DPO AE 094**", "09498", 75 },
        /* traps */
        { "Retina logo@2x.png attached\n", NULL, NULL, NULL, 0 },
        /* a URL's user information: the credential detector's, no address */
        /* message identifiers quoted in a body */
        { "In message <20020710.0958@mx.example.org> you wrote:\n", NULL, NULL, NULL, 0 },
        { "> Message-ID: <abc123@mail.example.org>\n> In-Reply-To: <x9@mail.example.org>\n", NULL, NULL, NULL, 0 },
        { "  with ESMTP id <0H3Z00A@mails.example.de> for x\n", NULL, NULL, NULL, 0 },
        { "Content-ID: <part1.7@example.org>\n", NULL, NULL, NULL, 0 },
        { "Mirror at https://svc:Vx7pQ2mZ@files.example.org/pub\n", "url-password",
          "url-password https len 8 classes ULD", "Vx7pQ2mZ", 85 },
        { "Thanks\n-- \nJane Doe\njane.doe@example.org\n", NULL, NULL, NULL, 0 },  /* signature: 55 */
        { "Thanks\n-- \nJane Doe\njane.doe.ctr@example.org\n", "email", "j***@example.org (ctr)", "jane.doe", 75 },
        { "Ship to APO AE 12345\n", NULL, NULL, NULL, 0 },           /* ZIP outside the AE range */
        { "Ship to APO AP 09012\n", NULL, NULL, NULL, 0 },           /* AE ZIP with AP */
        { "milmail.mil is smil.mil's cousin\n", NULL, NULL, NULL, 0 },  /* domains alone */
        { "the user@ sign and @handle\n", NULL, NULL, NULL, 0 },
    };
    run_fixtures(fx, G_N_ELEMENTS(fx));

    /* keyed hash over the lower-case address; the local part is not in
     * the snippet */
    scan_result r = detect("Write to Jane.Doe@Example.ORG.\n");
    tl_finding *f = r.found->pdata[0];
    char vh[33];
    tl_vhash(KEY, sizeof KEY - 1, "jane.doe@example.org", vh);
    ck_assert_str_eq(f->vhash, vh);
    ck_assert_msg(strstr(f->snippet, "Write to \xe2\x9f\xa8" "email\xe2\x9f\xa9.") != NULL, "%s", f->snippet);
    done(&r);
}
END_TEST

START_TEST(test_dob_shapes)
{
    static const char *const shapes[] = {
        "DOB: 01/12/1985\n",
        "DOB: 1/12/85\n",
        "Date of birth: 1985-01-12\n",
        "D.O.B. 12.01.1985\n",
        "DOB 12JAN85\n",
        "DOB: 12 JAN 1985\n",
        "DOB: 12JAN1985\n",
        "Birth date 19850112\n",
        "Birthday: January 12, 1985\n",
        "Birthdate: Jan. 12th, 1985\n",
        "DOB/POB: 12-JAN-1985/Berlin\n",
        "Born: 12 January 1985\n",
        "She was born on 12 January 1985 in Ohio.\n",
        "DOB 01-12-1985\n",
    };
    char vh[33];
    tl_vhash(KEY, sizeof KEY - 1, "1985-01-12", vh);
    for (size_t i = 0; i < G_N_ELEMENTS(shapes); i++) {
        scan_result r = detect(shapes[i]);
        ck_assert_msg(r.found->len >= 1, "shape %zu \"%s\": no finding", i, shapes[i]);
        tl_finding *f = r.found->pdata[0];
        ck_assert_msg(strcmp(f->detector, "dob") == 0 && strcmp(f->category, "PII.DOB") == 0, "shape %zu: %s", i,
                      f->detector);
        ck_assert_msg(f->score == 85 && strcmp(f->level, "HIGH") == 0, "shape %zu: score %d", i, f->score);
        ck_assert_msg(strcmp(f->masked, "1985") == 0, "shape %zu: masked %s", i, f->masked);
        ck_assert_msg(strcmp(f->vhash, vh) == 0, "shape %zu: not the hash of 1985-01-12", i);
        ck_assert_msg(!strstr(f->snippet, "12") && !strstr(f->snippet, "JAN") && !strstr(f->snippet, "Jan") &&
                          !strstr(f->snippet, "jan"),
                      "shape %zu: snippet %s", i, f->snippet);
        done(&r);
    }
}
END_TEST

START_TEST(test_dob_plausible)
{
    /* ages at the message date, 2025-06-01 */
    static const fixture fx[] = {
        { "DOB: 1930-03-04\n", "dob", "90+", "1930", 85 },           /* 95: collapsed */
        { "DOB: 1935-06-01\n", "dob", "90+", "1935", 85 },           /* 90 that day */
        { "DOB: 1935-06-02\n", "dob", "1935", "06-02", 85 },         /* 89 */
        { "DOB: 2010-06-01\n", "dob", "2010", "06-01", 85 },         /* 15 that day */
        { "DOB: 12JAN05\n", "dob", "2005", "JAN", 85 },              /* 20: two-digit year in this century */
        { "DOB: 12JAN40\n", "dob", "1940", "JAN", 85 },              /* 85: in the last one */
        { "DOB: 2010-06-02\n", NULL, NULL, NULL, 0 },                /* 14 */
        { "DOB: 1924-01-01\n", NULL, NULL, NULL, 0 },                /* 101 */
        { "DOB: 12JAN25\n", NULL, NULL, NULL, 0 },                   /* this year */
        { "DOB: 2030-01-01\n", NULL, NULL, NULL, 0 },                /* future */
        { "DOB: 02/30/1985\n", NULL, NULL, NULL, 0 },                /* no such day */
        { "DOB: 1985-13-01\n", NULL, NULL, NULL, 0 },                /* no such month */
        { "DOB: 29 FEB 1985\n", NULL, NULL, NULL, 0 },               /* not a leap year */
    };
    run_fixtures(fx, G_N_ELEMENTS(fx));
}
END_TEST

START_TEST(test_dob_traps)
{
    static const fixture fx[] = {
        { "The idea was born on 12 January 1985 in a garage.\n", NULL, NULL, NULL, 0 },  /* prose */
        { "Our company, born 1985-01-12, celebrates\n", NULL, NULL, NULL, 0 },
        { "Meeting held on 01/12/1985 as planned\n", NULL, NULL, NULL, 0 },             /* a date alone */
        { "Date of issue: 12 JAN 1990\n", NULL, NULL, NULL, 0 },                        /* ID document */
        { "DOB field cleared. Date of expiry: 12 JAN 1990\n", NULL, NULL, NULL, 0 },
        { "DOB parser version 2.10.15\n", NULL, NULL, NULL, 0 },                        /* age 10 */
        { "DOB lookup host 10.1.12.1985\n", NULL, NULL, NULL, 0 },                      /* IP-like fragment */
        { "DOB fee $12.01.1985\n", NULL, NULL, NULL, 0 },                               /* price */
        { "DOB: 01/12/1985-2\n", NULL, NULL, NULL, 0 },                                 /* continued */
        { "Birthday party on 12/05/2024\n", NULL, NULL, NULL, 0 },                      /* age 0 */
        { "DOB\n\n\n\nLorem ipsum dolor sit amet, consectetur adipiscing 01/12/1985\n", NULL, NULL, NULL, 0 },  /* far */
    };
    run_fixtures(fx, G_N_ELEMENTS(fx));

    /* an ID document's data page: the birth date is a DOB, the issue and
     * expiry dates are not */
    scan_result r = detect("Surname: DOE  DOB: 12 JAN 1985  Date of issue: 01 FEB 1991  Date of expiry: 01 FEB 2031\n");
    ck_assert_uint_eq(r.found->len, 1);
    tl_finding *f = r.found->pdata[0];
    ck_assert_str_eq(f->detector, "dob");
    ck_assert_str_eq(f->masked, "1985");
    ck_assert_msg(strstr(f->snippet, "DOB: \xe2\x9f\xa8" "dob\xe2\x9f\xa9  Date of issue") != NULL, "%s", f->snippet);
    done(&r);
}
END_TEST

START_TEST(test_columns)
{
    /* TSV with a DOB column and an expiry column */
    scan_result r = detect("Name\tDOB\tPassport expiry\nDOE, JANE\t1985-01-12\t2031-02-01\n"
                           "ROE, RICHARD\t1979-07-30\t2029-03-15\n");
    /* each row's name (initials only) vouches for its DOB: 85 + 10 */
    ck_assert_uint_eq(r.found->len, 4);
    static const char *const rows[][2] = { { "person-name", "J.D." }, { "dob", "1985" }, { "person-name", "R.R." }, { "dob", "1979" } };
    for (guint i = 0; i < 4; i++) {
        tl_finding *f = r.found->pdata[i];
        ck_assert_str_eq(f->detector, rows[i][0]);
        ck_assert_str_eq(f->masked, rows[i][1]);
        ck_assert_int_eq(f->score, i % 2 ? 95 : 85);
    }
    assert_not_stored(&r, "JANE");
    assert_not_stored(&r, "RICHARD");
    assert_not_stored(&r, "1985-01-12");
    assert_not_stored(&r, "1979-07-30");
    done(&r);

    /* an HTML table with DOB and Phone columns: each corroborates the
     * other (+10 for a MEDIUM or HIGH personal finding within 300) */
    r = detect_as("text/html", "<table><tr><th>Name</th><th>Date of Birth</th><th>Phone</th></tr>"
                               "<tr><td>DOE, JANE</td><td>01/12/1985</td><td>703 555 2847</td></tr>"
                               "<tr><td>ROE, RICH</td><td>07/30/1979</td><td>703 555 2848</td></tr></table>\n");
    ck_assert_uint_eq(r.found->len, 6);
    int dob = 0, phone = 0;
    for (guint i = 0; i < r.found->len; i++) {
        tl_finding *f = r.found->pdata[i];
        if (strcmp(f->detector, "person-name") == 0)
            continue;
        if (strcmp(f->detector, "dob") == 0) {
            dob++;
            ck_assert_int_eq(f->score, 95);
        } else {
            ck_assert_str_eq(f->detector, "phone");
            ck_assert_int_eq(f->score, 85);
            phone++;
        }
    }
    ck_assert_int_eq(dob, 2);
    ck_assert_int_eq(phone, 2);
    assert_not_stored(&r, "01/12/1985");
    assert_not_stored(&r, "555 2847");
    done(&r);

    /* the same dates under a hire-date header: not dates of birth */
    r = detect("Name\tHire date\tUnit\nDOE, JANE\t1985-01-12\tA Co\nROE, RICHARD\t1979-07-30\tB Co\n");
    ck_assert_uint_eq(r.found->len, 0);
    done(&r);
}
END_TEST

/* A DOB next to an SSN vouches for it, and the reverse. */
START_TEST(test_corroboration)
{
    scan_result r = detect("Member: DOE, JANE  Cell: (703) 555-2847  DOB: 01/12/1985\n");
    ck_assert_uint_eq(r.found->len, 3);     /* and the name beside them */
    for (guint i = 0; i < 3; i++) {
        tl_finding *f = r.found->pdata[i];
        ck_assert_int_eq(f->score, strcmp(f->detector, "dob") == 0 ? 95 : 85);
    }
    done(&r);
}
END_TEST

/* Many candidates of every shape in one part stay fast (the suite's
 * timeout is the check). */
START_TEST(test_many)
{
    GString *b = g_string_new("Name\tDOB\tPhone\tE-mail\n");
    for (int i = 0; i < 5000; i++)
        g_string_append_printf(b, "P%d\t%02d/%02d/19%02d\t(703) 555-%04d\tp%d.x.ctr@army.ml\n", i, 1 + i % 12,
                               1 + i % 28, 50 + i % 50, 2000 + i, i);
    scan_result r = detect(b->str);
    ck_assert_uint_eq(r.found->len, 15000);
    const char *leaky = NULL;
    for (guint i = 0; i < r.found->len && !leaky; i++) {
        const tl_finding *f = r.found->pdata[i];
        if (strstr(f->snippet, "555-") || strstr(f->snippet, "/19"))
            leaky = f->snippet;
    }
    ck_assert_msg(leaky == NULL, "value in snippet %s", leaky);
    done(&r);
    g_string_free(b, TRUE);
}
END_TEST

Suite *
suite_contact(void)
{
    Suite *s = suite_create("contact");
    TCase *tc = tcase_create("contact");
    tcase_add_test(tc, test_phone);
    tcase_add_test(tc, test_phone_column);
    tcase_add_test(tc, test_email);
    tcase_add_test(tc, test_dob_shapes);
    tcase_add_test(tc, test_dob_plausible);
    tcase_add_test(tc, test_dob_traps);
    tcase_add_test(tc, test_columns);
    tcase_add_test(tc, test_corroboration);
    tcase_add_test(tc, test_many);
    suite_add_tcase(s, tc);
    return s;
}
