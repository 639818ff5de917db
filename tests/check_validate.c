/*
 * check_validate.c - the detectors' validators, masks and keyed hashes.
 *
 * Every identifier here is synthetic: SSNs are drawn per run from areas
 * never issued before 2011 (734-749), card numbers are built from a random
 * body and a computed check digit, and the IBAN, routing and MRZ values are
 * the published specimens of their standards.
 */
#include <string.h>

#include "tl_test.h"

/* A Luhn-valid number of length n with the given prefix and a random,
 * non-repetitive body. */
static void
make_pan(char *out, const char *prefix, size_t n, GRand *r)
{
    size_t p = strlen(prefix);
    memcpy(out, prefix, p);
    for (size_t i = p; i + 1 < n; i++)
        out[i] = (char)('0' + (i * 7 + (size_t)g_rand_int_range(r, 0, 3)) % 10);
    out[n - 1] = tl_test_luhn_digit(out, n - 1);
    out[n] = '\0';
}

START_TEST(test_luhn)
{
    ck_assert(tl_luhn_ok("79927398713", 11));           /* the textbook example */
    ck_assert(!tl_luhn_ok("79927398710", 11));
    ck_assert(!tl_luhn_ok("7992739871a", 11));
    ck_assert(!tl_luhn_ok("", 0));
    GRand *r = g_rand_new_with_seed(11);
    for (int i = 0; i < 200; i++) {
        char pan[20];
        make_pan(pan, "4", 16, r);
        ck_assert_msg(tl_luhn_ok(pan, 16), "%d", i);
        pan[7] = pan[7] == '9' ? '0' : pan[7] + 1;      /* one digit off */
        ck_assert(!tl_luhn_ok(pan, 16));
    }
    g_rand_free(r);
}
END_TEST

START_TEST(test_pan_brands)
{
    static const struct { const char *prefix; size_t len; tl_pan_brand want; } cases[] = {
        { "4", 16, TL_PAN_VISA },        { "4", 13, TL_PAN_VISA },       { "4", 19, TL_PAN_VISA },
        { "4", 15, TL_PAN_NONE },        { "53", 16, TL_PAN_MASTERCARD }, { "2221", 16, TL_PAN_MASTERCARD },
        { "2720", 16, TL_PAN_MASTERCARD }, { "2721", 16, TL_PAN_NONE },  { "53", 15, TL_PAN_NONE },
        { "34", 15, TL_PAN_AMEX },       { "37", 15, TL_PAN_AMEX },      { "37", 16, TL_PAN_NONE },
        { "6011", 16, TL_PAN_DISCOVER }, { "645", 19, TL_PAN_DISCOVER }, { "622126", 16, TL_PAN_DISCOVER },
        { "622925", 16, TL_PAN_DISCOVER }, { "622927", 16, TL_PAN_UNIONPAY }, { "3528", 16, TL_PAN_JCB },
        { "36", 14, TL_PAN_DINERS },     { "301", 16, TL_PAN_DINERS },   { "2202", 16, TL_PAN_MIR },
        { "508", 16, TL_PAN_RUPAY },     { "56", 12, TL_PAN_MAESTRO },   { "1", 16, TL_PAN_NONE },
        { "9", 16, TL_PAN_NONE },
    };
    GRand *r = g_rand_new_with_seed(5);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char pan[20];
        make_pan(pan, cases[i].prefix, cases[i].len, r);
        ck_assert_msg(tl_pan_brand_of(pan, cases[i].len) == cases[i].want, "%s/%zu: got %s want %s",
                      cases[i].prefix, cases[i].len, tl_pan_brand_name(tl_pan_brand_of(pan, cases[i].len)),
                      tl_pan_brand_name(cases[i].want));
    }
    g_rand_free(r);
    ck_assert_str_eq(tl_pan_brand_name(TL_PAN_AMEX), "AMEX");
}
END_TEST

START_TEST(test_pan_noise)
{
    ck_assert(tl_pan_noise("4111111111111111", 16));        /* one digit 15 times */
    ck_assert(tl_pan_noise("5105105105105100", 16));        /* two digits over 4 times */
    ck_assert(tl_pan_noise("4747474747474747", 16));        /* a repeated pair */
    ck_assert(tl_pan_noise("1234234534564567", 16));        /* groups stepping by 1111 */
    GRand *r = g_rand_new_with_seed(3);
    char pan[20];
    make_pan(pan, "4", 16, r);
    ck_assert_msg(!tl_pan_noise(pan, 16), "generated body flagged as noise");
    g_rand_free(r);
    ck_assert(tl_pan_is_test_number("4242424242424242", 16));
    ck_assert(tl_pan_is_test_number("378282246310005", 15));
    ck_assert(!tl_pan_is_test_number(pan, 16));
}
END_TEST

START_TEST(test_ssn_rules)
{
    GRand *r = g_rand_new();    /* values drawn per run (section 5.1) */
    char d[10];
    g_snprintf(d, sizeof d, "%03d%02d%04d", g_rand_int_range(r, 734, 750), g_rand_int_range(r, 1, 100),
               g_rand_int_range(r, 1, 10000));
    ck_assert_msg(tl_ssn_check(d) == TL_SSN_OK, "%s", tl_ssn_verdict_str(tl_ssn_check(d)));
    ck_assert(tl_ssn_area_unissued_pre2011(d));
    g_rand_free(r);
    ck_assert_int_eq(tl_ssn_check("000123456"), TL_SSN_AREA);
    ck_assert_int_eq(tl_ssn_check("666123456"), TL_SSN_AREA);
    ck_assert_int_eq(tl_ssn_check("912345678"), TL_SSN_AREA);
    ck_assert_int_eq(tl_ssn_check("745001234"), TL_SSN_GROUP);
    ck_assert_int_eq(tl_ssn_check("745120000"), TL_SSN_SERIAL);
    ck_assert_int_eq(tl_ssn_check("777777777"), TL_SSN_CONSTRUCTED);
    ck_assert_int_eq(tl_ssn_check("123456789"), TL_SSN_CONSTRUCTED);
    ck_assert_int_eq(tl_ssn_check("876543210"), TL_SSN_CONSTRUCTED);
    ck_assert_int_eq(tl_ssn_check("234567890"), TL_SSN_CONSTRUCTED);
    ck_assert_int_ne(tl_ssn_check("987654321"), TL_SSN_OK);
    ck_assert_int_eq(tl_ssn_check("078051120"), TL_SSN_PUBLISHED);
    ck_assert_int_eq(tl_ssn_check("219099999"), TL_SSN_PUBLISHED);
    ck_assert_int_eq(tl_ssn_check("74512345"), TL_SSN_SHAPE);
    ck_assert_int_eq(tl_ssn_check("74512345x"), TL_SSN_SHAPE);
    ck_assert(!tl_ssn_area_unissued_pre2011("536228726"));
    for (int v = 0; v <= TL_SSN_PUBLISHED; v++)
        ck_assert_str_ne(tl_ssn_verdict_str((tl_ssn_verdict)v), "?");
}
END_TEST

START_TEST(test_itin_ein_aba)
{
    ck_assert(tl_itin_ok("912501234"));
    ck_assert(tl_itin_ok("912991234"));
    ck_assert(!tl_itin_ok("912931234"));    /* 93 is the ATIN group */
    ck_assert(!tl_itin_ok("912661234"));
    ck_assert(!tl_itin_ok("812501234"));
    ck_assert(tl_ein_ok("121234567"));
    ck_assert(tl_ein_ok("991234567"));
    const char *bad_prefixes[] = { "00", "07", "09", "17", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96", "97" };
    for (size_t i = 0; i < G_N_ELEMENTS(bad_prefixes); i++) {
        char d[10];
        g_snprintf(d, sizeof d, "%s1234567", bad_prefixes[i]);
        ck_assert_msg(!tl_ein_ok(d), "EIN prefix %s accepted", bad_prefixes[i]);
    }
    /* Federal Reserve routing numbers: institution identifiers, public. */
    ck_assert(tl_aba_ok("011000015"));
    ck_assert(tl_aba_ok("021000021"));
    ck_assert(!tl_aba_ok("021000022"));     /* checksum */
    ck_assert(!tl_aba_ok("501000015"));     /* prefix 50 unassigned */
    ck_assert(!tl_aba_ok("000000000"));
}
END_TEST

START_TEST(test_iban)
{
    /* The registry's specimen IBANs. */
    ck_assert(tl_iban_ok("GB82 WEST 1234 5698 7654 32", 27));
    ck_assert(tl_iban_ok("DE89370400440532013000", 22));
    ck_assert(tl_iban_ok("de89 3704 0044 0532 0130 00", 27));      /* lower case, as in the eval set */
    ck_assert(tl_iban_ok("NL91ABNA0417164300", 18));
    ck_assert(!tl_iban_ok("DE89370400440532013001", 22));          /* mod 97 */
    ck_assert(!tl_iban_ok("DE8937040044053201300", 21));           /* length for DE */
    ck_assert(!tl_iban_ok("ZZ89370400440532013000", 22));          /* no such country */
    ck_assert(!tl_iban_ok("DE89-3704-0044-0532-0130-00", 27));
    char norm[40];
    ck_assert_uint_eq(tl_iban_normalise("gb82 west", 9, norm, sizeof norm), 8);
    ck_assert_str_eq(norm, "GB82WEST");
}
END_TEST

START_TEST(test_mrz)
{
    /* ICAO Doc 9303's specimen passport, line 2: every check digit holds. */
    const char *l2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
    int ok = 0;
    ck_assert(tl_mrz_td3_line2(l2, strlen(l2), &ok));
    ck_assert_int_eq(ok, 5);
    ck_assert_int_eq(tl_mrz_check_digit("L898902C3", 9), 6);
    ck_assert_int_eq(tl_mrz_check_digit("740812", 6), 2);
    ck_assert_int_eq(tl_mrz_check_digit("ab", 2), -1);
    /* An OCR error in the document number breaks its check and the composite. */
    char bad[45];
    memcpy(bad, l2, 45);
    bad[3] = '1';
    ck_assert(tl_mrz_td3_line2(bad, 44, &ok));
    ck_assert_int_eq(ok, 3);
    ck_assert(!tl_mrz_td3_line2(l2, 43, &ok));
    memcpy(bad, l2, 45);
    bad[20] = 'Q';                          /* sex must be M, F, X or < */
    ck_assert(!tl_mrz_td3_line2(bad, 44, &ok));
}
END_TEST

START_TEST(test_masks_hide_the_value)
{
    char *m = tl_mask_ssn("745221234");
    ck_assert_str_eq(m, "***-**-1234");
    g_free(m);
    m = tl_mask_ein("121234567");
    ck_assert_str_eq(m, "12-***4567");
    g_free(m);
    m = tl_mask_pan(TL_PAN_VISA, "4929123456781234", 16);
    ck_assert_str_eq(m, "VISA ****1234");
    g_free(m);
    m = tl_mask_iban("DE89370400440532013000");
    ck_assert_str_eq(m, "DE89****3000");
    g_free(m);
    m = tl_mask_last("1234567890", 4);
    ck_assert_str_eq(m, "******7890");
    g_free(m);
    m = tl_mask_last("123456", 4);          /* no more than half of a short value */
    ck_assert_str_eq(m, "***456");
    g_free(m);
}
END_TEST

START_TEST(test_vhash_keyed)
{
    const guint8 k1[] = "case-key-one-0123456789abcdef", k2[] = "case-key-two-0123456789abcdef";
    char a[33], b[33], c[33], d[33];
    tl_vhash(k1, sizeof k1 - 1, "745221234", a);
    tl_vhash(k1, sizeof k1 - 1, "745221234", b);
    tl_vhash(k2, sizeof k2 - 1, "745221234", c);
    tl_vhash(k1, sizeof k1 - 1, "745221235", d);
    ck_assert_int_eq(strlen(a), 32);
    ck_assert_str_eq(a, b);                 /* same person, same key: countable */
    ck_assert_str_ne(a, c);                 /* another case key: unlinkable */
    ck_assert_str_ne(a, d);
    /* Not the plain hash of the value (which could be brute-forced). */
    char *plain = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "745221234", -1);
    ck_assert(strncmp(a, plain, 32) != 0);
    g_free(plain);
    /* RFC 4231 test case 2, truncated to 128 bits. */
    tl_vhash((const guint8 *)"Jefe", 4, "what do ya want for nothing?", a);
    ck_assert_str_eq(a, "5bdcc146bf60754e6a042426089575c7");
}
END_TEST

START_TEST(test_digits_of)
{
    char out[20];
    ck_assert_uint_eq(tl_digits_of("745-22-1234", 11, out, sizeof out), 9);
    ck_assert_str_eq(out, "745221234");
    ck_assert_uint_eq(tl_digits_of("12345", 5, out, 4), 0);     /* does not fit */
}
END_TEST

Suite *
suite_validate(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("validators");
    tcase_add_test(tc, test_luhn);
    tcase_add_test(tc, test_pan_brands);
    tcase_add_test(tc, test_pan_noise);
    tcase_add_test(tc, test_ssn_rules);
    tcase_add_test(tc, test_itin_ein_aba);
    tcase_add_test(tc, test_iban);
    tcase_add_test(tc, test_mrz);
    tcase_add_test(tc, test_masks_hide_the_value);
    tcase_add_test(tc, test_vhash_keyed);
    tcase_add_test(tc, test_digits_of);
    suite_add_tcase(s, tc);
    return s;
}
