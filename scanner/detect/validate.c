/*
 * validate.c - the checksums, range rules, masks and keyed hashes of the
 * sensitive-content detectors (research/sensitive-content.md sections 4.4,
 * 5.1, 5.2, 5.4, 5.6, 5.7 and 7).
 *
 * These run after the one pattern pass has found a candidate span: they
 * decide whether the digits are an identifier at all, and produce the only
 * forms of it that may reach the database, a mask and a keyed hash.  None of
 * them allocates except the mask builders, and none keeps a copy of a value.
 */
#include <string.h>

#include "scanner/detect/validate.h"
#include "scanner/detect/detect.h"

size_t
tl_digits_of(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (g_ascii_isdigit(s[i])) {
            if (k + 1 >= cap)
                return 0;
            out[k++] = s[i];
        }
    out[k] = '\0';
    return k;
}

static int
all_digits(const char *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isdigit(d[i]))
            return 0;
    return n > 0;
}

static int
num(const char *d, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (d[i] - '0');
    return v;
}

int
tl_luhn_ok(const char *d, size_t n)
{
    if (!all_digits(d, n))
        return 0;
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = d[n - 1 - i] - '0';
        if (i & 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

/* ------------------------------------------------------------------ */
/* Payment cards                                                       */
/* ------------------------------------------------------------------ */

static const char *const brand_names[] = {
    [TL_PAN_NONE] = "none", [TL_PAN_VISA] = "VISA", [TL_PAN_MASTERCARD] = "MC",
    [TL_PAN_AMEX] = "AMEX", [TL_PAN_DISCOVER] = "DISCOVER", [TL_PAN_JCB] = "JCB",
    [TL_PAN_DINERS] = "DINERS", [TL_PAN_UNIONPAY] = "UNIONPAY", [TL_PAN_MAESTRO] = "MAESTRO",
    [TL_PAN_MIR] = "MIR", [TL_PAN_RUPAY] = "RUPAY",
};

const char *
tl_pan_brand_name(tl_pan_brand b)
{
    return (unsigned)b < G_N_ELEMENTS(brand_names) ? brand_names[b] : "none";
}

/* The IIN ranges and lengths of section 5.6, most specific prefix first. */
tl_pan_brand
tl_pan_brand_of(const char *d, size_t n)
{
    if (!all_digits(d, n) || n < 12 || n > 19)
        return TL_PAN_NONE;
    int p2 = num(d, 2), p3 = num(d, 3), p4 = num(d, 4), p6 = num(d, 6);
#define LEN(lo, hi) (n >= (lo) && n <= (hi))
    if (p4 >= 2200 && p4 <= 2204)
        return LEN(16, 19) ? TL_PAN_MIR : TL_PAN_NONE;
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
        return n == 16 ? TL_PAN_MASTERCARD : TL_PAN_NONE;
    if (d[0] == '4')
        return (n == 13 || n == 16 || n == 19) ? TL_PAN_VISA : TL_PAN_NONE;
    if (p2 == 34 || p2 == 37)
        return n == 15 ? TL_PAN_AMEX : TL_PAN_NONE;
    if (p4 >= 3528 && p4 <= 3589)
        return LEN(16, 19) ? TL_PAN_JCB : TL_PAN_NONE;
    if (p4 == 1800 || p4 == 2131)       /* JCB's older 15-digit ranges */
        return n == 15 ? TL_PAN_JCB : TL_PAN_NONE;
    if (p2 == 36)
        return n == 14 ? TL_PAN_DINERS : TL_PAN_NONE;
    if ((p3 >= 300 && p3 <= 305) || p2 == 38 || p2 == 39)
        return LEN(14, 16) ? TL_PAN_DINERS : TL_PAN_NONE;
    if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925))
        return LEN(16, 19) ? TL_PAN_DISCOVER : TL_PAN_NONE;
    if (p2 == 62)
        return LEN(16, 19) ? TL_PAN_UNIONPAY : TL_PAN_NONE;
    if ((p2 == 60 || p2 == 81 || p2 == 82 || p3 == 508) && n == 16)
        return TL_PAN_RUPAY;
    if (p2 == 50 || (p2 >= 56 && p2 <= 69))
        return LEN(12, 19) ? TL_PAN_MAESTRO : TL_PAN_NONE;
#undef LEN
    return TL_PAN_NONE;
}

/* bulk_extractor's and ccsrch's de-noising: digit runs that are Luhn-valid
 * by construction rather than issued. */
int
tl_pan_noise(const char *d, size_t n)
{
    int count[10] = { 0 };
    for (size_t i = 0; i < n; i++)
        count[d[i] - '0']++;
    int over4 = 0;
    for (int i = 0; i < 10; i++) {
        if (count[i] > 7)
            return 1;
        if (count[i] > 4)
            over4++;
    }
    if (over4 >= 2)
        return 1;
    int pair = n >= 4;
    for (size_t i = 2; i < n && pair; i++)
        pair = d[i] == d[i - 2];
    if (pair)
        return 1;
    if (n >= 16) {     /* groups stepping by a constant: 1234 2345 3456 4567 */
        int g[4];
        for (int i = 0; i < 4; i++)
            g[i] = num(d + 4 * i, 4);
        if (g[1] - g[0] == g[2] - g[1] && g[2] - g[1] == g[3] - g[2])
            return 1;
    }
    return 0;
}

/* Published test numbers: developer and vendor mail quotes them. */
int
tl_pan_is_test_number(const char *d, size_t n)
{
    static const char *const tests[] = {
        "4111111111111111", "4012888888881881", "4222222222222", "4242424242424242",
        "5555555555554444", "5105105105105100", "2223003122003222",
        "378282246310005", "371449635398431", "378734493671000",
        "6011111111111117", "6011000990139424", "3530111333300000", "3566002020360505",
        "30569309025904", "38520000023237", "6200000000000005",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(tests); i++)
        if (strlen(tests[i]) == n && memcmp(tests[i], d, n) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* US tax and bank numbers (9 digits)                                  */
/* ------------------------------------------------------------------ */

tl_ssn_verdict
tl_ssn_check(const char *d)
{
    if (strlen(d) != 9 || !all_digits(d, 9))
        return TL_SSN_SHAPE;
    int area = num(d, 3), group = num(d + 3, 2), serial = num(d + 5, 4);
    if (area == 0 || area == 666 || area >= 900)
        return TL_SSN_AREA;
    if (group == 0)
        return TL_SSN_GROUP;
    if (serial == 0)
        return TL_SSN_SERIAL;
    /* one digit nine times, or a straight run up or down (123456789, 876543210) */
    int same = 1, up = 1, down = 1;
    for (int i = 1; i < 9; i++) {
        int step = (d[i] - d[i - 1] + 10) % 10;
        same &= step == 0;
        up &= step == 1;
        down &= step == 9;
    }
    if (same || up || down)
        return TL_SSN_CONSTRUCTED;
    if (strcmp(d, "078051120") == 0 || strcmp(d, "219099999") == 0)
        return TL_SSN_PUBLISHED;
    return TL_SSN_OK;
}

const char *
tl_ssn_verdict_str(tl_ssn_verdict v)
{
    switch (v) {
    case TL_SSN_OK: return "valid";
    case TL_SSN_SHAPE: return "not nine digits";
    case TL_SSN_AREA: return "area 000, 666 or 900-999 is never issued";
    case TL_SSN_GROUP: return "group 00 is never issued";
    case TL_SSN_SERIAL: return "serial 0000 is never issued";
    case TL_SSN_CONSTRUCTED: return "one repeated digit or a straight run";
    case TL_SSN_PUBLISHED: return "a published sample number";
    }
    return "?";
}

int
tl_ssn_area_unissued_pre2011(const char *d)
{
    int area = num(d, 3);
    return (area >= 734 && area <= 749) || (area >= 773 && area <= 899);
}

int
tl_itin_ok(const char *d)
{
    if (strlen(d) != 9 || !all_digits(d, 9) || d[0] != '9')
        return 0;
    int mm = num(d + 3, 2);
    return (mm >= 50 && mm <= 65) || (mm >= 70 && mm <= 88) || (mm >= 90 && mm <= 92) || mm >= 94;
}

int
tl_ein_ok(const char *d)
{
    /* IRS campus prefixes; 00, 07-09, 17-19, 28-29, 49, 69, 70, 78-79,
     * 89 and 96-97 are not assigned. */
    static const char valid[100] = {
        [1] = 1, 1, 1, 1, 1, 1,
        [10] = 1, 1, 1, 1, 1, 1, 1,
        [20] = 1, 1, 1, 1, 1, 1, 1, 1,
        [30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        [40] = 1, 1, 1, 1, 1, 1, 1, 1, 1,
        [50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        [71] = 1, 1, 1, 1, 1, 1, 1,
        [80] = 1, 1, 1, 1, 1, 1, 1, 1, 1,
        [90] = 1, 1, 1, 1, 1, 1,
        [98] = 1, 1,
    };
    if (strlen(d) != 9 || !all_digits(d, 9))
        return 0;
    return valid[num(d, 2)];
}

int
tl_aba_ok(const char *d)
{
    if (strlen(d) != 9 || !all_digits(d, 9))
        return 0;
    int p = num(d, 2);
    if (!(p <= 12 || (p >= 21 && p <= 32) || (p >= 61 && p <= 72) || p == 80))
        return 0;
    int v[9];
    for (int i = 0; i < 9; i++)
        v[i] = d[i] - '0';
    int sum = 3 * (v[0] + v[3] + v[6]) + 7 * (v[1] + v[4] + v[7]) + (v[2] + v[5] + v[8]);
    return sum % 10 == 0 && strspn(d, "0") != 9;
}

/* ------------------------------------------------------------------ */
/* IBAN                                                                */
/* ------------------------------------------------------------------ */

/* Lengths from the SWIFT IBAN registry. */
static const struct { char cc[3]; int len; } iban_len[] = {
    { "AD", 24 }, { "AE", 23 }, { "AL", 28 }, { "AT", 20 }, { "AZ", 28 }, { "BA", 20 }, { "BE", 16 },
    { "BG", 22 }, { "BH", 22 }, { "BI", 27 }, { "BR", 29 }, { "BY", 28 }, { "CH", 21 }, { "CR", 22 },
    { "CY", 28 }, { "CZ", 24 }, { "DE", 22 }, { "DJ", 27 }, { "DK", 18 }, { "DO", 28 }, { "EE", 20 },
    { "EG", 29 }, { "ES", 24 }, { "FI", 18 }, { "FK", 18 }, { "FO", 18 }, { "FR", 27 }, { "GB", 22 },
    { "GE", 22 }, { "GI", 23 }, { "GL", 18 }, { "GR", 27 }, { "GT", 28 }, { "HR", 21 }, { "HU", 28 },
    { "IE", 22 }, { "IL", 23 }, { "IQ", 23 }, { "IS", 26 }, { "IT", 27 }, { "JO", 30 }, { "KW", 30 },
    { "KZ", 20 }, { "LB", 28 }, { "LC", 32 }, { "LI", 21 }, { "LT", 20 }, { "LU", 20 }, { "LV", 21 },
    { "LY", 25 }, { "MC", 27 }, { "MD", 24 }, { "ME", 22 }, { "MK", 19 }, { "MN", 20 }, { "MR", 27 },
    { "MT", 31 }, { "MU", 30 }, { "NI", 28 }, { "NL", 18 }, { "NO", 15 }, { "OM", 23 }, { "PK", 24 },
    { "PL", 28 }, { "PS", 29 }, { "PT", 25 }, { "QA", 29 }, { "RO", 24 }, { "RS", 22 }, { "RU", 33 },
    { "SA", 24 }, { "SC", 31 }, { "SD", 18 }, { "SE", 24 }, { "SI", 19 }, { "SK", 24 }, { "SM", 27 },
    { "SO", 23 }, { "ST", 25 }, { "SV", 28 }, { "TL", 23 }, { "TN", 24 }, { "TR", 26 }, { "UA", 29 },
    { "VA", 22 }, { "VG", 24 }, { "XK", 20 }, { "YE", 30 },
};

size_t
tl_iban_normalise(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ')
            continue;
        if (!g_ascii_isalnum(s[i]) || k + 1 >= cap)
            return 0;
        out[k++] = g_ascii_toupper(s[i]);
    }
    out[k] = '\0';
    return k;
}

int
tl_iban_ok(const char *s, size_t n)
{
    char v[40];
    size_t k = tl_iban_normalise(s, n, v, sizeof v);
    if (k < 15 || !g_ascii_isupper(v[0]) || !g_ascii_isupper(v[1]) || !g_ascii_isdigit(v[2]) ||
        !g_ascii_isdigit(v[3]))
        return 0;
    int want = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(iban_len); i++)
        if (iban_len[i].cc[0] == v[0] && iban_len[i].cc[1] == v[1])
            want = iban_len[i].len;
    if (want != (int)k)
        return 0;
    /* mod 97 of the number read from position 4 on, then the first four;
     * letters count as two digits, A = 10 ... Z = 35. */
    unsigned rem = 0;
    for (size_t j = 0; j < k; j++) {
        char c = v[(j + 4) % k];
        if (g_ascii_isdigit(c))
            rem = (rem * 10 + (unsigned)(c - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
    }
    return rem == 1;
}

/* ------------------------------------------------------------------ */
/* ICAO 9303 machine-readable zones                                    */
/* ------------------------------------------------------------------ */

int
tl_mrz_check_digit(const char *s, size_t n)
{
    static const int w[3] = { 7, 3, 1 };
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v;
        if (g_ascii_isdigit(s[i]))
            v = s[i] - '0';
        else if (s[i] >= 'A' && s[i] <= 'Z')
            v = s[i] - 'A' + 10;
        else if (s[i] == '<')
            v = 0;
        else
            return -1;
        sum += v * w[i % 3];
    }
    return sum % 10;
}

static int
check_at(const char *line, size_t off, size_t len, size_t at)
{
    int d = tl_mrz_check_digit(line + off, len);
    char c = line[at];
    int have = c == '<' ? 0 : g_ascii_isdigit(c) ? c - '0' : -1;
    return d >= 0 && d == have;
}

int
tl_mrz_td3_line2(const char *line, size_t n, int *checks_ok)
{
    *checks_ok = 0;
    if (n != 44)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(g_ascii_isdigit(line[i]) || (line[i] >= 'A' && line[i] <= 'Z') || line[i] == '<'))
            return 0;
    /* nationality letters, sex, dates digits: the shape of line 2 */
    for (size_t i = 10; i < 13; i++)
        if (!(g_ascii_isupper(line[i]) || line[i] == '<'))
            return 0;
    if (!strchr("MFX<", line[20]))
        return 0;
    for (size_t i = 13; i < 19; i++)
        if (!g_ascii_isdigit(line[i]) || !g_ascii_isdigit(line[i + 8]))
            return 0;
    int ok = check_at(line, 0, 9, 9) + check_at(line, 13, 6, 19) + check_at(line, 21, 6, 27) +
             check_at(line, 28, 14, 42);
    /* composite: number+check, birth+check, expiry+check+optional+check */
    char comp[39];
    memcpy(comp, line, 10);
    memcpy(comp + 10, line + 13, 7);
    memcpy(comp + 17, line + 21, 22);
    int cd = tl_mrz_check_digit(comp, 39);
    ok += g_ascii_isdigit(line[43]) && cd == line[43] - '0';
    *checks_ok = ok;
    return 1;
}

/* ------------------------------------------------------------------ */
/* Masks and keyed hashes (section 7)                                  */
/* ------------------------------------------------------------------ */

char *
tl_mask_ssn(const char *d9)
{
    return g_strdup_printf("***-**-%.4s", d9 + 5);
}

char *
tl_mask_ein(const char *d9)
{
    return g_strdup_printf("%.2s-***%.4s", d9, d9 + 5);
}

char *
tl_mask_pan(tl_pan_brand b, const char *d, size_t n)
{
    return g_strdup_printf("%s ****%.4s", tl_pan_brand_name(b), d + n - 4);
}

char *
tl_mask_iban(const char *norm)
{
    size_t n = strlen(norm);
    return g_strdup_printf("%.4s****%.4s", norm, norm + n - 4);
}

char *
tl_mask_last(const char *value, size_t keep)
{
    size_t n = strlen(value);
    if (keep > n / 2)       /* never reveal more than half of a short value */
        keep = n / 2;
    GString *m = g_string_sized_new(n);
    for (size_t i = 0; i + keep < n; i++)
        g_string_append_c(m, '*');
    g_string_append(m, value + n - keep);
    return g_string_free(m, FALSE);
}

void
tl_vhash(const guint8 *key, gsize keylen, const char *norm, char out[33])
{
    GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, key, keylen);
    g_hmac_update(h, (const guchar *)norm, (gssize)strlen(norm));
    guint8 dig[32];
    gsize len = sizeof dig;
    g_hmac_get_digest(h, dig, &len);
    g_hmac_unref(h);
    for (int i = 0; i < 16; i++)    /* 128 bits, section 4.4 */
        g_snprintf(out + 2 * i, 3, "%02x", dig[i]);
}
