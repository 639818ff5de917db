/*
 * detect.c - one Hyperscan pass over a part's text finds every candidate
 * identifier and every context keyword at once; validators and the
 * uniform confidence rule (research/sensitive-content.md section 4.3) then
 * turn candidates into findings that carry only a mask and a keyed hash.
 *
 * Detectors so far: US SSN, payment card, IBAN.  Each pattern and keyword
 * list is one entry of a single compiled database; the text is never
 * scanned twice.
 *
 * The database is compiled once per process; each tl_detector owns the
 * Hyperscan scratch of one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <hs.h>
#include <openssl/rand.h>
#include <string.h>
#include <unistd.h>

#include "tl_internal.h"

/* Pattern ids.  Candidates first, then keyword classes. */
enum {
    P_SSN_FMT, P_SSN_BARE, P_PAN_RUN, P_PAN_GROUPED, P_IBAN, P_EIN, P_DODID, P_CAC_CN, P_EXPIRY,
    K_SSN, K_PAN, K_NEG_ID, K_DOC_NEG, K_TIN, K_EIN, K_ABA, K_DODID,
    P_COUNT
};

static const struct {
    const char *re;
    unsigned flags;
} patterns[P_COUNT] = {
    [P_SSN_FMT] = { "\\d{3}(-\\d{2}-|\\x20\\d{2}\\x20|\\.\\d{2}\\.)\\d{4}", 0 },
    [P_SSN_BARE] = { "\\d{9}", 0 },
    [P_PAN_RUN] = { "\\d{12,19}", 0 },
    [P_PAN_GROUPED] = { "\\d{4}([\\x20-]\\d{4}){2}[\\x20-]\\d{4}([\\x20-]\\d{1,3})?|\\d{4}[\\x20-]\\d{6}[\\x20-]\\d{4,5}", 0 },
    [P_IBAN] = { "[A-Za-z]{2}\\d{2}(\\x20?[A-Za-z0-9]{4}){2,7}(\\x20?[A-Za-z0-9]{1,4})?", 0 },
    [P_EIN] = { "\\d{2}-\\d{7}", 0 },
    [P_DODID] = { "\\d{10}", 0 },
    /* CAC/PIV certificate common name: SURNAME.GIVEN[.MIDDLE].EDIPI */
    [P_CAC_CN] = { "[A-Z][A-Z'-]*(\\.[A-Z][A-Z'-]*){1,3}\\.\\d{10}", 0 },
    [P_EXPIRY] = { "(0[1-9]|1[0-2])/(\\d{4}|\\d{2})", 0 },
    [K_SSN] = { "ssn#?|ssan|ss#|ss\\x20no|ssa\\x20number|social\\x20security|soc\\.?\\x20sec", HS_FLAG_CASELESS },
    [K_PAN] = { "card\\x20(number|no)|cc#|cardholder|exp(iry|iration)?|valid\\x20thru|cvv2?|cvc|cid|"
                "security\\x20code|visa|mastercard|amex|american\\x20express|discover|gtcc|gpc|travel\\x20card|"
                "credit\\x20card|debit\\x20card|card|cards|cc|credit|debit|charged?|billed|payment", HS_FLAG_CASELESS },
    [K_NEG_ID] = { "order|invoice|acct|tracking|ticket|confirmation|claim|case|ref|routing|phone|tel|fax|ext|"
                   "zip|part|serial|lot|imei", HS_FLAG_CASELESS },
    [K_TIN] = { "itin|tin|taxpayer|tax\\x20id|tax\\x20identification|w-7", HS_FLAG_CASELESS },
    [K_EIN] = { "ein|fein|employer\\x20identification|employer\\x20id|federal\\x20tax\\x20id", HS_FLAG_CASELESS },
    [K_DODID] = { "dod\\x20?id#?|dod\\x20id\\x20number|edipi|edi-pi|edi\\x20pi|cac|dbids", HS_FLAG_CASELESS },
    [K_ABA] = { "routing|aba|rtn|routing/transit|micr|transit\\x20number", HS_FLAG_CASELESS },
    [K_DOC_NEG] = { "for\\x20training\\x20purposes\\x20only|sample|example|specimen|test\\x20data|"
                    "exercise\\x20exercise\\x20exercise", HS_FLAG_CASELESS },
};

static hs_database_t *db;
static char *db_error;

static gpointer
compile(gpointer unused)
{
    (void)unused;
    const char *exprs[P_COUNT];
    unsigned flags[P_COUNT], ids[P_COUNT];
    for (unsigned i = 0; i < P_COUNT; i++) {
        exprs[i] = patterns[i].re;
        flags[i] = patterns[i].flags | HS_FLAG_SOM_LEFTMOST;
        ids[i] = i;
    }
    hs_compile_error_t *ce = NULL;
    if (hs_valid_platform() != HS_SUCCESS)
        db_error = g_strdup("this CPU lacks the SSSE3 instructions Hyperscan needs");
    else if (hs_compile_multi(exprs, flags, ids, P_COUNT, HS_MODE_BLOCK, NULL, &db, &ce) != HS_SUCCESS) {
        db_error = g_strdup_printf("pattern %d: %s", ce->expression, ce->message);
        hs_free_compile_error(ce);
    }
    return NULL;
}

struct tl_detector {
    hs_scratch_t *scratch;
    guint8 *key;
    gsize keylen;
    GArray *hits;       /* of hit, one pass's matches */
    GArray *by[P_COUNT];    /* keyword and expiry hits per class, by end offset */
};

typedef struct {
    unsigned id;
    size_t from, to;
} hit;

tl_detector *
tl_detector_new(const guint8 *key, gsize keylen, char **err)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, compile, NULL);
    if (!db) {
        *err = g_strdup(db_error);
        return NULL;
    }
    tl_detector *d = g_new0(tl_detector, 1);
    if (hs_alloc_scratch(db, &d->scratch) != HS_SUCCESS) {
        *err = g_strdup("cannot allocate Hyperscan scratch space");
        g_free(d);
        return NULL;
    }
    d->key = g_memdup2(key, keylen);
    d->keylen = keylen;
    d->hits = g_array_new(FALSE, FALSE, sizeof(hit));
    for (int i = 0; i < P_COUNT; i++)
        d->by[i] = g_array_new(FALSE, FALSE, sizeof(hit));
    return d;
}

void
tl_detector_free(tl_detector *d)
{
    if (!d)
        return;
    hs_free_scratch(d->scratch);
    g_free(d->key);
    g_array_free(d->hits, TRUE);
    for (int i = 0; i < P_COUNT; i++)
        g_array_free(d->by[i], TRUE);
    g_free(d);
}

void
tl_finding_free(gpointer p)
{
    tl_finding *f = p;
    if (!f)
        return;
    g_free(f->masked);
    g_free(f->snippet);
    g_free(f->part);
    g_free(f);
}

static int
on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)flags;
    hit h = { id, (size_t)from, (size_t)to };
    g_array_append_val(ctx, h);
    return 0;
}

static int
word_char(char c)
{
    return g_ascii_isalnum(c) || c == '_';
}

/* A keyword match stands alone: no letter or digit continues it. */
static int
whole_word(const char *t, size_t len, size_t from, size_t to)
{
    if (from > 0 && word_char(t[from - 1]))
        return 0;
    if (to < len && word_char(t[to]) && word_char(t[to - 1]))
        return 0;
    return 1;
}

#define MAX_KEYWORD 64      /* no keyword or expiry match is longer */

static gint
by_end(gconstpointer a, gconstpointer b)
{
    const hit *x = a, *y = b;
    return x->to < y->to ? -1 : x->to > y->to;
}

/* A keyword of class k within [from - before, to + after], outside the
 * candidate itself.  The class's hits are sorted by end offset: a binary
 * search finds the first that ends inside the window, so that a part with
 * a hundred thousand numbers and keywords costs n log n, not n squared. */
static int
near(const tl_detector *d, unsigned k, size_t from, size_t to, size_t before, size_t after)
{
    const GArray *a = d->by[k];
    size_t lo = from > before ? from - before : 0, hi = to + after;
    guint l = 0, r = a->len;
    while (l < r) {
        guint m = l + (r - l) / 2;
        if (g_array_index(a, hit, m).to <= lo)
            l = m + 1;
        else
            r = m;
    }
    for (guint i = l; i < a->len; i++) {
        const hit *h = &g_array_index(a, hit, i);
        if (h->to >= hi + MAX_KEYWORD)
            break;
        if (h->from < hi && (h->to <= from || h->from >= to))
            return 1;
    }
    return 0;
}

#define SCORE_LOW 65        /* below: a candidate, never returned */

static const char *
level_of(int score)
{
    return score >= 85 ? "HIGH" : score >= 75 ? "MEDIUM" : score >= SCORE_LOW ? "LOW" : "candidate";
}

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

static tl_finding *
add(GPtrArray *out, const char *det, const char *cat, size_t from, size_t to, int score, char *masked)
{
    tl_finding *f = g_new0(tl_finding, 1);
    f->detector = det;
    f->category = cat;
    f->off = from;
    f->len = to - from;
    f->score = CLAMP(score, 0, 100);
    f->level = level_of(f->score);
    f->masked = masked;
    g_ptr_array_add(out, f);
    return f;
}

#define MAX_SPAN 128         /* no candidate is longer (CAC names are cut there) */

/* Overlapping findings: keep the higher score, then the longer span.
 * Candidates come in order of end offset, so out is too: the search
 * stops at the first that ends before this one starts. */
static int
overlaps_better(GPtrArray *out, size_t from, size_t to, int score)
{
    for (guint i = out->len; i-- > 0;) {
        tl_finding *f = out->pdata[i];
        if (f->off + f->len <= from)
            break;
        if (f->off < to) {
            if (f->score > score || (f->score == score && f->len >= to - from))
                return 1;
            g_ptr_array_remove_index(out, i);
        }
    }
    return 0;
}

static gint
by_offset(gconstpointer a, gconstpointer b)
{
    const tl_finding *x = *(tl_finding *const *)a, *y = *(tl_finding *const *)b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* The snippet of found[i]; found is sorted by offset. */
static void
snippet(const tl_text_part *p, GPtrArray *all, guint i)
{
    tl_finding *f = all->pdata[i];
    size_t lo = f->off > 60 ? f->off - 60 : 0, hi = MIN(p->len, f->off + f->len + 60);
    /* the spans that can reach into [lo, hi) */
    guint a = i, b = i + 1;
    while (a > 0 && ((tl_finding *)all->pdata[a - 1])->off + MAX_SPAN > lo)
        a--;
    while (b < all->len && ((tl_finding *)all->pdata[b])->off < hi)
        b++;
    GPtrArray found = { .pdata = all->pdata + a, .len = b - a };
    while (lo > 0 && ((unsigned char)p->text[lo] & 0xC0) == 0x80)
        lo--;
    while (hi < p->len && ((unsigned char)p->text[hi] & 0xC0) == 0x80)
        hi++;
    GString *s = g_string_new(NULL);
    size_t pos = lo;
    while (pos < hi) {
        tl_finding *cover = NULL;
        for (guint k = 0; k < found.len && !cover; k++) {
            tl_finding *g = found.pdata[k];
            if (pos >= g->off && pos < g->off + g->len)
                cover = g;
        }
        if (cover) {
            g_string_append_printf(s, "\xe2\x9f\xa8%s\xe2\x9f\xa9", cover->detector);
            pos = cover->off + cover->len;
        } else {
            char c = p->text[pos++];
            g_string_append_c(s, c == '\n' || c == '\t' || c == '\r' ? ' ' : c);
        }
    }
    f->snippet = g_string_free(s, FALSE);
}

/* Whether off is quoted, for offsets that mostly grow: a cursor moves
 * forward through the text remembering the start of its line, so that
 * many findings on one long line do not each walk back to its start. */
typedef struct {
    size_t cur, line;
} line_cursor;

static int
quoted_at(const tl_text_part *p, size_t off, line_cursor *c)
{
    if (off < c->cur)
        return tl_text_is_quoted(p, off);
    while (c->cur < off) {
        if (p->text[c->cur] == '\n')
            c->line = c->cur + 1;
        c->cur++;
    }
    if (off >= p->quote_from)
        return 1;
    size_t s = c->line;
    while (s < off && (p->text[s] == ' ' || p->text[s] == '\t'))
        s++;
    return s < p->len && p->text[s] == '>';
}

/* The rule shared by the identifier detectors: shape base, +10 for the
 * range rules or prefix table, +30 for a keyword of class kw in the
 * default window, -40 for a negative cue in the short window. */
static int
id_score(const tl_detector *d, size_t from, size_t to, int base, unsigned kw)
{
    int score = base + 10;
    if (near(d, kw, from, to, 300, 300))
        score += 30;
    if (near(d, K_NEG_ID, from, to, 40, 20))
        score -= 40;
    return score;
}

GPtrArray *
tl_detect_part(tl_detector *d, const tl_text_part *p)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(tl_finding_free);
    GPtrArray *masked_spans = g_ptr_array_new_with_free_func(tl_finding_free);  /* candidates below level too */
    const char *t = p->text;
    size_t len = p->len;
    g_array_set_size(d->hits, 0);
    if (len == 0 || len > G_MAXUINT)
        goto done;
    hs_scan(db, t, (unsigned)len, 0, d->scratch, on_match, d->hits);
    g_array_sort(d->hits, by_end);     /* candidates in order of end offset */
    /* keep whole-word keyword hits only */
    for (guint i = 0; i < d->hits->len; i++) {
        hit *h = &g_array_index(d->hits, hit, i);
        if (h->id >= K_SSN && !whole_word(t, len, h->from, h->to))
            h->id = P_COUNT;
        /* "example" in example.com or jane@example.org is an address,
         * not a document saying it is an example */
        else if (h->id == K_DOC_NEG &&
                 ((h->from > 0 && (t[h->from - 1] == '@' || t[h->from - 1] == '.')) ||
                  (h->to + 1 < len && t[h->to] == '.' && g_ascii_isalnum(t[h->to + 1]))))
            h->id = P_COUNT;
    }
    int doc_neg = 0;
    line_cursor lines = { 0, 0 };
    for (int k = 0; k < P_COUNT; k++)
        g_array_set_size(d->by[k], 0);
    for (guint i = 0; i < d->hits->len; i++) {
        const hit *h = &g_array_index(d->hits, hit, i);
        doc_neg |= h->id == K_DOC_NEG;
        if (h->id >= P_EXPIRY && h->id < P_COUNT)
            g_array_append_val(d->by[h->id], *h);
    }
    /* d->hits is sorted by end offset, so each class's array is too */

    for (guint i = 0; i < d->hits->len; i++) {
        hit h = g_array_index(d->hits, hit, i);
        if (h.id >= P_EXPIRY)
            continue;
        size_t from = h.from, to = h.to, n = to - from;
        const char *s = t + from;
        int alnum_id = h.id == P_IBAN;
        /* bounded: no digit (or letter, for IBANs) continues the span */
        if ((from > 0 && (alnum_id ? g_ascii_isalnum(t[from - 1]) : g_ascii_isdigit(t[from - 1]))) ||
            (to < len && (alnum_id ? g_ascii_isalnum(t[to]) : g_ascii_isdigit(t[to]))))
            continue;
        char digits[40], norm[40], vh[33];
        int score;
        char *masked = NULL;
        const char *det = NULL, *cat = NULL;
        switch (h.id) {
        case P_SSN_FMT:
        case P_SSN_BARE:
            /* ZIP+4 and decimal guards */
            if (to + 1 < len && (t[to] == '-' || t[to] == '.') && g_ascii_isdigit(t[to + 1]))
                continue;
            if (from > 1 && (t[from - 1] == '-' || t[from - 1] == '.') && g_ascii_isdigit(t[from - 2]))
                continue;
            tl_digits_of(s, n, digits, sizeof digits);
            if (h.id == P_SSN_BARE && tl_aba_ok(digits) && near(d, K_ABA, from, to, 40, 20)) {
                /* a routing number with its keyword: the routing
                 * detector wins; it names a bank, not a person */
                score = 40 + 20 + 30;
                det = "aba", cat = "PII.FIN";
                masked = g_strdup(digits);
                g_strlcpy(norm, digits, sizeof norm);
                break;
            }
            if (digits[0] == '9') {     /* 9xx is never an SSN: an ITIN? */
                if (!tl_itin_ok(digits))
                    continue;
                score = id_score(d, from, to, (h.id == P_SSN_FMT ? 45 : 35), K_TIN);
                det = "itin", cat = "PII.GOVID";
                masked = tl_mask_ssn(digits);
                g_strlcpy(norm, digits, sizeof norm);
                break;
            }
            if (tl_ssn_check(digits) != TL_SSN_OK)
                continue;
            score = id_score(d, from, to, (h.id == P_SSN_FMT ? 45 : 35), K_SSN);
            det = "ssn", cat = "PII.GOVID";
            masked = tl_mask_ssn(digits);
            g_strlcpy(norm, digits, sizeof norm);
            break;
        case P_PAN_RUN:
        case P_PAN_GROUPED: {
            if (!one_separator(s, n) || hex_border(t, len, from, to))
                continue;
            size_t nd = tl_digits_of(s, n, digits, sizeof digits);
            tl_pan_brand b = tl_pan_brand_of(digits, nd);
            if (b == TL_PAN_NONE || !tl_luhn_ok(digits, nd) || tl_pan_noise(digits, nd))
                continue;
            score = 60;
            if (near(d, K_PAN, from, to, 300, 300) || near(d, P_EXPIRY, from, to, 60, 60))
                score += 30;
            if (near(d, K_NEG_ID, from, to, 40, 20))
                score -= 40;
            if (tl_pan_is_test_number(digits, nd))
                score = MIN(score, 60);
            det = "pan", cat = "PII.FIN";
            masked = tl_mask_pan(b, digits, nd);
            g_strlcpy(norm, digits, sizeof norm);
            break;
        }
        case P_EIN:
            tl_digits_of(s, n, digits, sizeof digits);
            if (!tl_ein_ok(digits))
                continue;
            /* DD-DDDDDDD also shapes part and case numbers: the keyword
             * is mandatory (45 + 10 alone stays a candidate) */
            score = id_score(d, from, to, 45, K_EIN);
            det = "ein", cat = "PII.GOVID";
            masked = tl_mask_ein(digits);
            g_strlcpy(norm, digits, sizeof norm);
            break;
        case P_DODID:
            /* no public check digit: ten digits are everywhere (phone
             * numbers, timestamps), so only a keyword in the short window
             * makes one a DoD ID (20 + 55 = 75) */
            tl_digits_of(s, n, digits, sizeof digits);
            score = 20;
            if (near(d, K_DODID, from, to, 40, 20))
                score += 55;
            if (near(d, K_NEG_ID, from, to, 40, 20))
                score -= 40;
            det = "dodid", cat = "PII.GOVID";
            masked = tl_mask_last(digits, 4);
            g_strlcpy(norm, digits, sizeof norm);
            break;
        case P_CAC_CN: {
            if (n > MAX_SPAN || (from > 0 && (g_ascii_isalnum(t[from - 1]) || t[from - 1] == '.')))
                continue;
            /* a certificate name ties a named person to the message */
            GString *m = g_string_new(NULL);
            const char *dot = s;
            for (const char *c = s; c < s + n - 10; c = dot + 1) {
                dot = memchr(c, '.', (size_t)(s + n - c));
                g_string_append_printf(m, "%c***.", *c);
            }
            g_string_append(m, "******");
            g_string_append_len(m, s + n - 4, 4);
            score = 90;
            det = "dodid", cat = "PII.GOVID";
            masked = g_string_free(m, FALSE);
            memcpy(norm, s + n - 10, 10);
            norm[10] = '\0';
            break;
        }
        case P_IBAN:
            if (!tl_iban_ok(s, n))
                continue;
            tl_iban_normalise(s, n, norm, sizeof norm);
            score = 85;
            det = "iban", cat = "PII.FIN";
            masked = tl_mask_iban(norm);
            break;
        default:
            continue;
        }
        if (doc_neg)
            score -= 20;
        if (overlaps_better(masked_spans, from, to, score)) {
            g_free(masked);
            continue;
        }
        tl_finding *f = add(masked_spans, det, cat, from, to, score, masked);
        if (score >= SCORE_LOW) {   /* candidates are never returned: no hash */
            tl_vhash(d->key, d->keylen, norm, vh);
            memcpy(f->vhash, vh, sizeof vh);
        }
        f->quoted = quoted_at(p, from, &lines);
        f->part_off = p->map[from];
    }
    /* Findings at LOW or above; every validated span, at any score, is
     * hidden in every snippet. */
    g_ptr_array_sort(masked_spans, by_offset);
    for (guint i = 0; i < masked_spans->len; i++)
        if (((tl_finding *)masked_spans->pdata[i])->score >= SCORE_LOW)
            snippet(p, masked_spans, i);
    for (guint i = 0; i < masked_spans->len; i++) {
        tl_finding *f = masked_spans->pdata[i];
        if (f->score >= SCORE_LOW) {
            masked_spans->pdata[i] = NULL;
            g_ptr_array_add(out, f);
        }
    }
done:
    g_ptr_array_set_free_func(masked_spans, NULL);
    for (guint i = 0; i < masked_spans->len; i++)
        if (masked_spans->pdata[i])
            tl_finding_free(masked_spans->pdata[i]);
    g_ptr_array_unref(masked_spans);
    return out;
}

/* ------------------------------------------------------------------ */
/* Message roll-up                                                     */
/* ------------------------------------------------------------------ */

const char *
tl_rollup(const GPtrArray *findings, char **categories)
{
    *categories = NULL;
    if (!findings || findings->len == 0)
        return NULL;
    GHashTable *cats = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *lows = g_hash_table_new(g_str_hash, g_str_equal);   /* detector -> LOW count */
    int s2 = 0, s3 = 0;
    for (guint i = 0; i < findings->len; i++) {
        const tl_finding *f = findings->pdata[i];
        int high = f->score >= 85, medium = f->score >= 75;
        if (medium)
            g_hash_table_add(cats, (gpointer)f->category);
        else {
            int n = GPOINTER_TO_INT(g_hash_table_lookup(lows, f->detector)) + 1;
            g_hash_table_insert(lows, (gpointer)f->detector, GINT_TO_POINTER(n));
            if (n >= 5)     /* low confidence needs volume */
                g_hash_table_add(cats, (gpointer)f->category);
        }
        s2 |= high && strcmp(f->category, "PII.GOVID") == 0;
        s3 |= high && strcmp(f->category, "PII.FIN") == 0;
    }
    if (g_hash_table_size(cats)) {
        GList *keys = g_list_sort(g_hash_table_get_keys(cats), (GCompareFunc)strcmp);
        GString *c = g_string_new(NULL);
        for (GList *k = keys; k; k = k->next)
            g_string_append_printf(c, "%s%s", c->len ? "," : "", (const char *)k->data);
        g_list_free(keys);
        *categories = g_string_free(c, FALSE);
    }
    g_hash_table_destroy(cats);
    g_hash_table_destroy(lows);
    return s2 ? "S2" : s3 ? "S3" : "S4";
}

/* ------------------------------------------------------------------ */
/* The case key                                                        */
/* ------------------------------------------------------------------ */

tl_status_t
tl_case_key_load(const char *path, guint8 **key, gsize *keylen, char **errmsg)
{
    char *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    *key = NULL;
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        guint8 raw[32];
        if (RAND_bytes(raw, sizeof raw) != 1) {
            *errmsg = g_strdup("no random bytes for a new case key");
            return TL_ERR_USAGE;
        }
        GString *hex = g_string_new(NULL);
        for (size_t i = 0; i < sizeof raw; i++)
            g_string_append_printf(hex, "%02x", raw[i]);
        g_string_append_c(hex, '\n');
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 || write(fd, hex->str, hex->len) != (ssize_t)hex->len) {
            *errmsg = g_strdup_printf("cannot create case key %s: %s", path, g_strerror(errno));
            if (fd >= 0)
                close(fd);
            g_string_free(hex, TRUE);
            return TL_ERR_USAGE;
        }
        close(fd);
        g_string_free(hex, TRUE);
    }
    if (!g_file_get_contents(path, &text, &len, &err)) {
        *errmsg = g_strdup_printf("cannot read case key: %s", err->message);
        g_error_free(err);
        return TL_ERR_USAGE;
    }
    g_strstrip(text);
    size_t n = strlen(text);
    if (n < 64 || n % 2 || strspn(text, "0123456789abcdefABCDEF") != n) {
        *errmsg = g_strdup_printf("case key %s must hold at least 64 hex digits", path);
        g_free(text);
        return TL_ERR_USAGE;
    }
    *keylen = n / 2;
    *key = g_malloc(*keylen);
    for (size_t i = 0; i < *keylen; i++)
        (*key)[i] = (guint8)(g_ascii_xdigit_value(text[2 * i]) * 16 + g_ascii_xdigit_value(text[2 * i + 1]));
    memset(text, 0, n);
    g_free(text);
    return TL_OK;
}
