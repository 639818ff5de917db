/*
 * detect_id.c - government identifiers and financial numbers: US SSN,
 * ITIN, EIN, DoD ID (EDIPI) and CAC certificate names, passport numbers
 * and ICAO MRZ lines, payment cards and magnetic-stripe track data, ABA
 * routing numbers, bank account numbers and IBANs (research/
 * sensitive-content.md sections 5.1 to 5.7).
 */
#include <hs.h>
#include <string.h>

#include "scanner/detect/engine.h"

const tl_pattern tl_patterns_id[] = {
    { P_SSN_FMT, "\\d{3}(-\\d{2}-|\\x20\\d{2}\\x20|\\.\\d{2}\\.)\\d{4}", 0 },
    { P_SSN_BARE, "\\d{9}", 0 },
    { P_PAN_RUN, "\\d{12,19}", 0 },
    { P_PAN_GROUPED, "\\d{4}([\\x20-]\\d{4}){2}[\\x20-]\\d{4}([\\x20-]\\d{1,3})?|\\d{4}[\\x20-]\\d{6}[\\x20-]\\d{4,5}", 0 },
    { P_IBAN, "[A-Za-z]{2}\\d{2}(\\x20?[A-Za-z0-9]{4}){2,7}(\\x20?[A-Za-z0-9]{1,4})?", 0 },
    { P_EIN, "\\d{2}-\\d{7}", 0 },
    { P_DODID, "\\d{10}", 0 },
    /* CAC/PIV certificate common name: SURNAME.GIVEN[.MIDDLE].EDIPI */
    { P_CAC_CN, "[A-Z][A-Z'-]*(\\.[A-Z][A-Z'-]*){1,3}\\.\\d{10}", 0 },
    /* US Next Generation book and passport card (L + 8), UK (LL + 7);
     * nine-digit books are P_SSN_BARE with a passport keyword */
    { P_PASSPORT, "[A-Z]\\d{8}|[A-Z]{2}\\d{7}", 0 },
    /* ICAO 9303 TD3 line 2: number, check, nationality, birth, check,
     * sex, expiry, check, optional data, check, composite check */
    { P_MRZ_TD3, "[A-Z0-9<]{9}\\d[A-Z<]{3}\\d{7}[MFX<]\\d{7}[A-Z0-9<]{14}[0-9<]\\d", 0 },
    /* an account number follows its keyword */
    { P_ACCOUNT, "(bank\\x20|checking\\x20|savings\\x20|deposit\\x20)?(account|acct|a/c|dda)\\.?(\\x20?(number|num|no\\.?|#))?"
                 "\\x20?[:#]?\\x20?\\d{6,17}", HS_FLAG_CASELESS },
    /* magnetic stripe: track 1 (%B PAN ^ NAME ^ YYMM) and track 2 (; PAN = YYMM) */
    { P_TRACK, "%B\\d{12,19}\\^[^^\\n]{2,26}\\^\\d{4}|;\\d{12,19}=\\d{4}", 0 },
    { P_EXPIRY, "(0[1-9]|1[0-2])/(\\d{4}|\\d{2})", 0 },
    { K_SSN, "\\b(ssn#?|ssan|ss#|ss\\x20no|ssa\\x20number|social\\x20security|soc\\.?\\x20sec)", HS_FLAG_CASELESS },
    { K_PAN, "\\b(card\\x20(number|no)|cc#|cardholder|exp(iry|iration)?|valid\\x20thru|cvv2?|cvc|cid|"
             "security\\x20code|visa|mastercard|amex|american\\x20express|discover|gtcc|gpc|travel\\x20card|"
             "credit\\x20card|debit\\x20card|card|cards|cc|credit|debit|charged?|billed|payment)", HS_FLAG_CASELESS },
    /* negative cues: those of every number (shared with phones), then
     * those of identifiers only */
    { K_NEG_COMMON, "\\b(order|invoice|acct|tracking|ticket|confirmation|claim|ref|serial|part|lot)", HS_FLAG_CASELESS },
    { K_NEG_ID, "\\b(case|routing|phone|tel|fax|ext|zip|imei)", HS_FLAG_CASELESS },
    { K_TIN, "\\b(itin|tin|taxpayer|tax\\x20id|tax\\x20identification|w-7)", HS_FLAG_CASELESS },
    { K_EIN, "\\b(ein|fein|employer\\x20identification|employer\\x20id|federal\\x20tax\\x20id)", HS_FLAG_CASELESS },
    { K_DODID, "\\b(dod\\x20?id#?|dod\\x20id\\x20number|edipi|edi-pi|edi\\x20pi|cac|dbids)", HS_FLAG_CASELESS },
    { K_ABA, "\\b(routing|aba|rtn|routing/transit|micr|transit\\x20number)", HS_FLAG_CASELESS },
    { K_PASSPORT, "\\b(passport|passport\\x20(no\\.?|number|#)|ppt|pp#|pp\\x20no|travel\\x20document|passport\\x20card)",
      HS_FLAG_CASELESS },
    { K_DOC_DATE, "\\b(date\\x20of\\x20issue|issue\\x20date|issued|date\\x20of\\x20(expiry|expiration)|expiration\\x20date|"
                  "expires|issuing\\x20authority|nationality)", HS_FLAG_CASELESS },
    { K_ACCOUNT, "\\b(account|acct|checking|savings|dda|direct\\x20deposit|eft|sure-pay)", HS_FLAG_CASELESS },
    /* document negative cues, for every family (the engine applies them) */
    { K_DOC_NEG, "\\b(for\\x20training\\x20purposes\\x20only|sample|example|specimen|test\\x20data|"
                 "exercise\\x20exercise\\x20exercise|for\\x20illustration(\\x20only)?)", HS_FLAG_CASELESS },
    { 0, NULL, 0 }
};

/* The candidate's own characters: digits only, or a single separator kind. */
static int
one_separator(const char *s, size_t n)
{
    char sep = 0;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(s[i])) {
            if (sep && s[i] != sep)
                return 0;
            sep = s[i];
        }
    return 1;
}

static int
hex_border(const char *t, size_t len, size_t from, size_t to)
{
    for (size_t i = 1; i <= 4 && i <= from && g_ascii_isalnum(t[from - i]); i++)
        if (g_ascii_isxdigit(t[from - i]) && !g_ascii_isdigit(t[from - i]))
            return 1;
    for (size_t i = to; i < to + 4 && i < len && g_ascii_isalnum(t[i]); i++)
        if (g_ascii_isxdigit(t[i]) && !g_ascii_isdigit(t[i]))
            return 1;
    return 0;
}

/* A negative cue ("order", "ref", "fax", "zip"...) in the short window, on
 * the candidate's own line: the cue of the next form field does not
 * describe this number.  In a table, the cue of its cell: over its column
 * ("Order #"), in its cell or the one before it. */
static int
negative(tl_detector *d, size_t from, size_t to)
{
    int cell = tl_cell_context(d, K_NEG_COMMON, from, to);
    if (cell >= 0)
        return cell || tl_cell_context(d, K_NEG_ID, from, to) > 0;
    const char *t = d->part->text;
    size_t ls = tl_line_start(t, from), le = tl_line_end(t, d->part->len, to);
    size_t before = MIN(40, from - ls), after = MIN(20, le - to);
    return tl_near(d, K_NEG_COMMON, from, to, before, after) || tl_near(d, K_NEG_ID, from, to, before, after);
}

/* The rule shared by the identifier detectors: shape base, +10 for the
 * range rules or prefix table, +30 for a keyword of class kw in the
 * default window or over the column, -40 for a negative cue in the short
 * window. */
static int
id_score(tl_detector *d, size_t from, size_t to, int base, unsigned kw)
{
    int score = base + 10;
    if (tl_context(d, kw, from, to, 300, 300))
        score += 30;
    if (negative(d, from, to))
        score -= 40;
    return score;
}

/* Passport numbers need their keyword in the short window (75); an issue
 * or expiry date keyword nearby makes them HIGH (Purview's rule). */
static int
passport(tl_detector *d, const char *s, size_t n, tl_cand *c)
{
    /* the keyword precedes the number ("Passport No: ..."), or heads its
     * column */
    if (!tl_context(d, K_PASSPORT, c->from, c->to, 40, 0))
        return 0;
    c->score = 75 + (tl_near(d, K_DOC_DATE, c->from, c->to, 300, 300) ? 10 : 0);
    c->det = "passport", c->cat = "PII.GOVID";
    c->pii = 1;
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof c->norm; i++)
        if (g_ascii_isalnum(s[i]))
            c->norm[k++] = g_ascii_toupper(s[i]);
    c->norm[k] = '\0';
    c->masked = tl_mask_last(c->norm, 3);
    return 1;
}

static int
ssn_like(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text, *s = t + h->from;
    size_t from = h->from, to = h->to, len = p->len, n = to - from;
    char digits[16];
    /* ZIP+4 and decimal guards */
    if (to + 1 < len && (t[to] == '-' || t[to] == '.') && g_ascii_isdigit(t[to + 1]))
        return 0;
    if (from > 1 && (t[from - 1] == '-' || t[from - 1] == '.') && g_ascii_isdigit(t[from - 2]))
        return 0;
    tl_digits_of(s, n, digits, sizeof digits);
    g_strlcpy(c->norm, digits, sizeof c->norm);
    if (h->id == P_SSN_BARE && tl_aba_ok(digits) && tl_context(d, K_ABA, from, to, 40, 20)) {
        /* a routing number with its keyword: the routing detector wins;
         * it names a bank, not a person, and is stored in full */
        c->score = 40 + 20 + 30;
        c->det = "aba", c->cat = "PII.FIN";
        c->masked = g_strdup(digits);
        return 1;
    }
    if (h->id == P_SSN_BARE && !tl_near(d, K_SSN, from, to, 40, 0) && passport(d, s, n, c))
        return 1;
    c->pii = 1;
    if (digits[0] == '9') {     /* 9xx is never an SSN: an ITIN? */
        if (!tl_itin_ok(digits))
            return 0;
        c->score = id_score(d, from, to, (h->id == P_SSN_FMT ? 45 : 35), K_TIN);
        c->det = "itin", c->cat = "PII.GOVID";
        c->masked = tl_mask_ssn(digits);
        return 1;
    }
    if (tl_ssn_check(digits) != TL_SSN_OK)
        return 0;
    c->score = id_score(d, from, to, (h->id == P_SSN_FMT ? 45 : 35), K_SSN);
    c->det = "ssn", c->cat = "PII.GOVID";
    c->masked = tl_mask_ssn(digits);
    return 1;
}

static int
pan(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *s = p->text + h->from;
    size_t n = h->to - h->from;
    char digits[40];
    if (!one_separator(s, n) || hex_border(p->text, p->len, h->from, h->to))
        return 0;
    size_t nd = tl_digits_of(s, n, digits, sizeof digits);
    tl_pan_brand b = tl_pan_brand_of(digits, nd);
    if (b == TL_PAN_NONE || !tl_luhn_ok(digits, nd) || tl_pan_noise(digits, nd))
        return 0;
    c->score = 60;
    if (tl_context(d, K_PAN, h->from, h->to, 300, 300) || tl_near(d, P_EXPIRY, h->from, h->to, 60, 60))
        c->score += 30;
    if (negative(d, h->from, h->to))
        c->score -= 40;
    if (tl_pan_is_test_number(digits, nd))
        c->score = MIN(c->score, 60);
    c->det = "pan", c->cat = "PII.FIN";
    c->masked = tl_mask_pan(b, digits, nd);
    g_strlcpy(c->norm, digits, sizeof c->norm);
    return 1;
}

/* Track data: a Luhn-valid PAN inside is 95; only its presence, brand and
 * last four are kept. */
static int
track(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *s = p->text + h->from + (p->text[h->from] == '%' ? 2 : 1);
    size_t n = strspn(s, "0123456789");
    char digits[24];
    tl_digits_of(s, n, digits, sizeof digits);
    tl_pan_brand b = tl_pan_brand_of(digits, n);
    if (b == TL_PAN_NONE || !tl_luhn_ok(digits, n))
        return 0;
    c->score = 95;
    c->det = "track", c->cat = "PII.FIN";
    char *m = tl_mask_pan(b, digits, n);
    c->masked = g_strdup_printf("track %s", m);
    g_free(m);
    g_strlcpy(c->norm, digits, sizeof c->norm);
    return 1;
}

/* MRZ line 2 of a passport: mask = issuing state, document type, birth and
 * expiry years; names (line 1) are never kept. */
static int
mrz(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *l2 = p->text + h->from;
    int ok = 0;
    if (!tl_mrz_td3_line2(l2, h->to - h->from, &ok))
        return 0;
    size_t ls = tl_line_start(p->text, h->from);
    char doc = '?', state[4] = { l2[10], l2[11], l2[12], 0 };
    /* line 1, when the line above is one: P<USA... */
    if (ls >= 45 && ls == h->from) {
        const char *l1 = p->text + ls - 45;
        if (l1[44] == '\n' && l1[0] == 'P' && (ls - 45 == 0 || l1[-1] == '\n')) {
            doc = l1[0];
            memcpy(state, l1 + 2, 3);
            c->from = ls - 45;  /* line 1 holds the names: the span covers it */
        }
    }
    c->score = ok == 5 ? 99 : ok >= 3 ? 95 : 60;
    c->det = "mrz", c->cat = p->filename ? "IDDOC.ATTACH" : "PII.GOVID";
    c->pii = 1;
    int pivot = 50;     /* two-digit years: 00-49 -> 20xx for expiry; births by the message date */
    int by = (l2[13] - '0') * 10 + (l2[14] - '0'), ey = (l2[21] - '0') * 10 + (l2[22] - '0');
    c->masked = g_strdup_printf("MRZ %c %s birth %s%02d expiry %s%02d", doc, state, by < 30 ? "20" : "19", by,
                                ey < pivot ? "20" : "19", ey);
    memcpy(c->norm, l2, 44);
    c->norm[44] = '\0';
    return 1;
}

/* An account number after its keyword: 75, 85 with a routing number
 * within 100 characters. */
static int
account(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    if ((h->from > 0 && g_ascii_isalnum(t[h->from - 1])) || (h->to < p->len && g_ascii_isdigit(t[h->to])))
        return 0;
    size_t from = h->to;
    while (from > h->from && g_ascii_isdigit(t[from - 1]))
        from--;
    c->from = from;
    char digits[24];
    tl_digits_of(t + from, h->to - from, digits, sizeof digits);
    if (strlen(digits) == 9 && tl_aba_ok(digits))
        return 0;   /* the routing number itself */
    c->score = 75;
    const GArray *r = tl_hits_of(d, P_SSN_BARE);
    for (guint i = 0; i < r->len; i++) {
        const tl_hit *x = &g_array_index(r, tl_hit, i);
        char rd[16];
        if (x->to + 100 < from || x->from > h->to + 100 || x->from == from)
            continue;
        if ((x->from == 0 || !g_ascii_isdigit(t[x->from - 1])) && !g_ascii_isdigit(t[x->to]) &&
            tl_digits_of(t + x->from, 9, rd, sizeof rd) && tl_aba_ok(rd)) {
            c->score = 85;
            break;
        }
    }
    c->det = "account", c->cat = "PII.FIN";
    c->pii = 1;
    c->masked = tl_mask_last(digits, 4);
    g_strlcpy(c->norm, digits, sizeof c->norm);
    return 1;
}

int
tl_cand_id(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text, *s = t + h->from;
    size_t from = h->from, to = h->to, len = p->len, n = to - from;
    int alnum = h->id == P_IBAN || h->id == P_PASSPORT || h->id == P_MRZ_TD3;
    /* bounded: no digit (or letter, for alphanumeric shapes) continues the span */
    if (h->id != P_ACCOUNT && h->id != P_TRACK &&
        ((from > 0 && (alnum ? g_ascii_isalnum(t[from - 1]) : g_ascii_isdigit(t[from - 1]))) ||
         (to < len && (alnum ? g_ascii_isalnum(t[to]) : g_ascii_isdigit(t[to])))))
        return 0;
    char digits[40];
    switch (h->id) {
    case P_SSN_FMT:
    case P_SSN_BARE:
        return ssn_like(d, p, h, c);
    case P_PAN_RUN:
    case P_PAN_GROUPED:
        return pan(d, p, h, c);
    case P_TRACK:
        return track(p, h, c);
    case P_EIN:
        tl_digits_of(s, n, digits, sizeof digits);
        if (!tl_ein_ok(digits))
            return 0;
        /* DD-DDDDDDD also shapes part and case numbers: the keyword is
         * mandatory (45 + 10 alone stays a candidate) */
        c->score = id_score(d, from, to, 45, K_EIN);
        c->det = "ein", c->cat = "PII.GOVID";
        c->masked = tl_mask_ein(digits);
        g_strlcpy(c->norm, digits, sizeof c->norm);
        return 1;
    case P_DODID:
        /* no public check digit: ten digits are everywhere (phone
         * numbers, timestamps), so only a keyword in the short window or
         * over the column makes one a DoD ID (20 + 55 = 75) */
        tl_digits_of(s, n, digits, sizeof digits);
        c->score = 20;
        if (tl_context(d, K_DODID, from, to, 40, 20))
            c->score += 55;
        if (negative(d, from, to))
            c->score -= 40;
        c->det = "dodid", c->cat = "PII.GOVID";
        c->pii = 1;
        c->masked = tl_mask_last(digits, 4);
        g_strlcpy(c->norm, digits, sizeof c->norm);
        return 1;
    case P_CAC_CN: {
        if (n > 128 || (from > 0 && (g_ascii_isalnum(t[from - 1]) || t[from - 1] == '.')))
            return 0;
        /* a certificate name ties a named person to the message */
        GString *m = g_string_new(NULL);
        const char *dot = s;
        for (const char *x = s; x < s + n - 10; x = dot + 1) {
            dot = memchr(x, '.', (size_t)(s + n - x));
            g_string_append_printf(m, "%c***.", *x);
        }
        g_string_append(m, "******");
        g_string_append_len(m, s + n - 4, 4);
        c->score = 90;
        c->det = "dodid", c->cat = "PII.GOVID";
        c->pii = 1;
        c->masked = g_string_free(m, FALSE);
        memcpy(c->norm, s + n - 10, 10);
        c->norm[10] = '\0';
        return 1;
    }
    case P_PASSPORT:
        return passport(d, s, n, c);
    case P_MRZ_TD3:
        return mrz(p, h, c);
    case P_ACCOUNT:
        return account(d, p, h, c);
    case P_IBAN:
        if (!tl_iban_ok(s, n))
            return 0;
        tl_iban_normalise(s, n, c->norm, sizeof c->norm);
        c->score = 85;
        c->det = "iban", c->cat = "PII.FIN";
        c->masked = tl_mask_iban(c->norm);
        return 1;
    default:
        return 0;
    }
}
