/*
 * variants.c - the variant tables, built once per list (tl_typo_freeze):
 * keyboards and the edits between two names in words (tl_typo_classify_dl1),
 * the whole DL-1 neighbourhood and the shapes further away of every
 * protected domain, the symmetric-delete index of distance 2, and the
 * look-alike keys (UTS #39 skeletons folded to ASCII); and the variants of
 * one domain for `typoleak variants`.
 */
#include "scanner/typo/typo_int.h"    /* GLib first: idn2.h defines G_GNUC_DEPRECATED only when GLib has not */

#include <idn2.h>
#include <libpsl.h>
#include <string.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/* ------------------------------------------------------------------ */
/* Keyboards                                                            */
/* ------------------------------------------------------------------ */

/* Rows of three layouts, with each row's offset in quarter keys. */
static const struct {
    const char *rows[4];
    int offset[4];
} layouts[] = {
    { { "1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm" }, { 0, 2, 3, 5 } },   /* QWERTY */
    { { "1234567890-", "qwertzuiop", "asdfghjkl", "yxcvbnm" }, { 0, 2, 3, 5 } },   /* QWERTZ */
    { { "1234567890-", "azertyuiop", "qsdfghjklm", "wxcvbn" }, { 0, 2, 3, 5 } },   /* AZERTY */
};

static int keyboard_adjacent_slow(char a, char b);

/* Which layout (0 QWERTY, 1 QWERTZ, 2 AZERTY) has a and b as neighbours,
 * -1 for none; from a table filled once, for the pairs of keys the
 * layouts hold (any other character is on no key: -1). */
static int
keyboard_adjacent(char a, char b)
{
    static signed char table[128][128];
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        memset(table, -1, sizeof table);
        char keys[128] = { 0 };
        int n = 0;
        for (int l = 0; l < (int)G_N_ELEMENTS(layouts); l++)
            for (int r = 0; r < 4; r++)
                for (const char *k = layouts[l].rows[r]; *k; k++)
                    if (!memchr(keys, *k, (size_t)n))
                        keys[n++] = *k;
        for (int x = 0; x < n; x++)
            for (int y = 0; y < n; y++)
                table[(unsigned char)keys[x]][(unsigned char)keys[y]] =
                    (signed char)keyboard_adjacent_slow(keys[x], keys[y]);
        g_once_init_leave(&once, 1);
    }
    if ((unsigned char)a >= 128 || (unsigned char)b >= 128)
        return -1;
    return table[(unsigned char)a][(unsigned char)b];
}

static int
keyboard_adjacent_slow(char a, char b)
{
    if (!a || !b)
        return -1;
    for (int l = 0; l < (int)G_N_ELEMENTS(layouts); l++) {
        int ra = -1, xa = 0, rb = -1, xb = 0;
        for (int r = 0; r < 4; r++) {
            const char *pa = strchr(layouts[l].rows[r], a), *pb = strchr(layouts[l].rows[r], b);
            if (pa && a) {
                ra = r;
                xa = 4 * (int)(pa - layouts[l].rows[r]) + layouts[l].offset[r];
            }
            if (pb && b) {
                rb = r;
                xb = 4 * (int)(pb - layouts[l].rows[r]) + layouts[l].offset[r];
            }
        }
        if (ra < 0 || rb < 0 || (ra == rb && xa == xb))
            continue;
        int dx = ABS(xa - xb), dy = ABS(ra - rb);
        if ((dy == 0 && dx == 4) || (dy == 1 && dx <= 3))
            return l;
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Describing edits                                                     */
/* ------------------------------------------------------------------ */

/* Where index i of domain d lies, in words: the TLD, a label, or a dot. */
static void
describe_place(const char *d, size_t i, char *out, size_t outlen)
{
    size_t n = strlen(d);
    if (i < n && d[i] == '.') {
        const char *next = d + i + 1;
        const char *e = strchr(next, '.');
        g_snprintf(out, outlen, "the dot before \"%.*s\"", (int)(e ? (size_t)(e - next) : strlen(next)), next);
        return;
    }
    size_t s = i, e = i;
    if (s > n)
        s = n;
    while (s > 0 && d[s - 1] != '.')
        s--;
    while (e < n && d[e] != '.')
        e++;
    if (e == n && s > 0)
        g_snprintf(out, outlen, "the TLD \"%.*s\"", (int)(e - s), d + s);
    else
        g_snprintf(out, outlen, "the label \"%.*s\"", (int)(e - s), d + s);
}

/* 1 when index i of d lies in its last label (the TLD). */
static int
in_tld(const char *d, size_t i)
{
    const char *last = strrchr(d, '.');
    return last && i > (size_t)(last - d);
}

/*
 * Classifies t as one Damerau-Levenshtein edit of p: fills klass, edit and
 * prior; returns 0 when t is not at distance one.  The priors follow the
 * research's ranking: omission, adjacent-key replacement, repetition and
 * transposition highest; edits of the TLD or of a dot high (they are what
 * happened with .ml); other replacements lower.
 */
#define EDIT(...) do { if (edit) g_snprintf(edit, elen, __VA_ARGS__); } while (0)

int
tl_typo_classify_dl1(const char *t, const char *p, const char **klass, char *edit, size_t elen, double *prior)
{
    size_t tn = strlen(t), pn = strlen(p), i = 0;
    char place[96];
    while (i < tn && i < pn && t[i] == p[i])
        i++;
    if (tn == pn) {
        if (i == tn)
            return 0;
        if (strcmp(t + i + 1, p + i + 1) == 0) {                    /* replacement */
            if (edit)
                if (edit)
            describe_place(p, i, place, sizeof place);
            if (p[i] == '.' || t[i] == '.') {
                *klass = "dot-replacement";
                *prior = 0.4;
                EDIT("replaced \"%c\" by \"%c\" (%s)", p[i], t[i], place);
                return 1;
            }
            int kb = keyboard_adjacent(p[i], t[i]);
            *klass = in_tld(p, i) ? "tld-replacement" : "replacement";
            *prior = kb == 0 ? 0.8 : kb > 0 ? 0.6 : 0.35;
            EDIT("replaced \"%c\" by \"%c\" in %s%s", p[i], t[i], place,
                       kb == 0 ? " (neighbouring keys)" : kb == 1 ? " (neighbouring keys on QWERTZ)"
                       : kb == 2 ? " (neighbouring keys on AZERTY)" : "");
            return 1;
        }
        if (i + 1 < tn && t[i] == p[i + 1] && t[i + 1] == p[i] && strcmp(t + i + 2, p + i + 2) == 0) {
            if (p[i] == '.' || p[i + 1] == '.') {
                *klass = "dot-shift";
                *prior = 0.85;
                EDIT("swapped \"%c%c\" to \"%c%c\" (moved the dot)", p[i], p[i + 1], t[i], t[i + 1]);
            } else {
                if (edit)
                if (edit)
            describe_place(p, i, place, sizeof place);
                *klass = in_tld(p, i) ? "tld-transposition" : "transposition";
                *prior = 0.85;
                EDIT("swapped \"%c%c\" to \"%c%c\" in %s", p[i], p[i + 1], t[i], t[i + 1], place);
            }
            return 1;
        }
        return 0;
    }
    if (tn + 1 == pn) {                                             /* omission */
        if (strcmp(t + i, p + i + 1) != 0)
            return 0;
        if (edit)
            describe_place(p, i, place, sizeof place);
        if (p[i] == '.') {
            *klass = "dot-omission";
            *prior = 0.8;
            EDIT("dropped %s", place);
        } else {
            *klass = in_tld(p, i) ? "tld-omission" : "omission";
            *prior = 0.9;
            EDIT("dropped \"%c\" in %s", p[i], place);
        }
        return 1;
    }
    if (tn == pn + 1) {                                             /* insertion */
        if (strcmp(t + i + 1, p + i) != 0)
            return 0;
        size_t at = (i >= pn || p[i] == '.') && i > 0 ? i - 1 : i;
        if (edit)
            describe_place(p, at, place, sizeof place);
        if (t[i] == '.') {
            *klass = "dot-insertion";
            *prior = 0.5;
            EDIT("inserted a dot in %s", place);
        } else if (i > 0 && t[i] == p[i - 1]) {
            *klass = in_tld(p, at) ? "tld-repetition" : "repetition";
            *prior = 0.8;
            EDIT("doubled \"%c\" in %s", t[i], place);
        } else {
            int kb = keyboard_adjacent(t[i], i > 0 ? p[i - 1] : '\0') >= 0 || keyboard_adjacent(t[i], p[i]) >= 0;
            *klass = in_tld(p, at) ? "tld-insertion" : "insertion";
            *prior = kb ? 0.65 : 0.4;
            EDIT("inserted \"%c\" in %s%s", t[i], place, kb ? " (a neighbouring key)" : "");
        }
        return 1;
    }
    return 0;
}


/* The table's variants (some 44,500 for the 58 built-in names) are built before
 * any message is read and dropped when the scan ends, both on one core:
 * their names and edits go to a string chunk and the variants to slabs,
 * a few allocations in all instead of three each. */
#define VARIANT_SLAB 4096

static variant *
new_variant(tl_protect *p)
{
    if (p->slabs->len == 0 || p->slab_used == VARIANT_SLAB) {
        g_ptr_array_add(p->slabs, g_new(variant, VARIANT_SLAB));
        p->slab_used = 0;
    }
    return (variant *)p->slabs->pdata[p->slabs->len - 1] + p->slab_used++;
}

/* ------------------------------------------------------------------ */
/* Building the variant table                                           */
/* ------------------------------------------------------------------ */

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789-.";

/* TLDs tried as appended TLDs, concatenation hosts and whole-TLD swaps. */
static const char *const common_tlds[] = {
    "com", "net", "org", "co", "us", "io", "info", "biz", "me", "mil", "gov", "edu", "ml", "il", "cm", "om", "ai",
    "de", "uk",
    "ca", "nl", "eu", "cc", "tv", "xyz", "online", "site", NULL
};

/* Multi-character ASCII look-alikes, both ways. */
static const char *const lookalikes[][2] = {
    { "m", "rn" }, { "m", "nn" }, { "w", "vv" }, { "d", "cl" }, { "o", "0" }, { "l", "1" }, { "i", "1" },
    { "l", "i" }, { "u", "v" }, { "g", "q" },
};

/* A generated string is a valid host: labels of 1-63 [a-z0-9-], no hyphen
 * at a label's ends, at least two labels. */
int
tl_typo_valid_host(const char *h)
{
    size_t n = strlen(h), label = 0;
    if (n == 0 || n > 253 || h[0] == '.' || h[n - 1] == '.' || !strchr(h, '.'))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (h[i] == '.') {
            if (label == 0 || h[i - 1] == '-')
                return 0;
            label = 0;
            continue;
        }
        if (h[i] == '-' && label == 0)
            return 0;
        if (++label > 63)
            return 0;
    }
    return h[n - 1] != '-';
}

/* Adds a variant unless the string is protected, allowlisted, invalid, or
 * already there with a higher prior. */
static void
put_variant(tl_protect *p, const char *v, const char *intended, const char *klass, const char *edit, double prior,
            int needs_context)
{
    if (!tl_typo_valid_host(v) || g_hash_table_contains(p->set, v) || g_hash_table_contains(p->allow, v))
        return;
    variant *old = g_hash_table_lookup(p->variants, v);
    if (old && old->prior >= prior)
        return;
    variant *x = old ? old : new_variant(p);       /* a better edit replaces the old in place */
    x->intended = intended;
    x->klass = klass;
    x->edit = edit ? g_string_chunk_insert(p->strings, edit) : NULL;
    x->prior = prior;
    x->needs_context = needs_context;
    if (!old)
        g_hash_table_insert(p->variants, g_string_chunk_insert(p->strings, v), x);
}

/* Calls fn on every string one Damerau-Levenshtein edit from d (over the
 * alphabet [a-z0-9-.]) until fn returns non-zero; returns that value. */
int
tl_typo_for_each_dl1(const char *d, int (*fn)(const char *v, void *ctx), void *ctx)
{
    size_t n = strlen(d);
    char *buf = g_malloc(n + 2);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {             /* omission */
        memcpy(buf, d, i);
        memcpy(buf + i, d + i + 1, n - i);
        rc = fn(buf, ctx);
    }
    for (size_t i = 0; i + 1 < n && !rc; i++) {         /* transposition */
        memcpy(buf, d, n + 1);
        buf[i] = d[i + 1];
        buf[i + 1] = d[i];
        rc = fn(buf, ctx);
    }
    for (size_t i = 0; i < n && !rc; i++)               /* replacement */
        for (const char *c = alphabet; *c && !rc; c++) {
            if (*c == d[i])
                continue;
            memcpy(buf, d, n + 1);
            buf[i] = *c;
            rc = fn(buf, ctx);
        }
    for (size_t i = 0; i <= n && !rc; i++)              /* insertion */
        for (const char *c = alphabet; *c && !rc; c++) {
            memcpy(buf, d, i);
            buf[i] = *c;
            memcpy(buf + i + 1, d + i, n - i + 1);
            rc = fn(buf, ctx);
        }
    g_free(buf);
    return rc;
}

typedef struct {
    tl_protect *p;
    const char *d;
} gen_ctx;

static int
gen_one(const char *v, void *data)
{
    gen_ctx *g = data;
    const char *klass;
    double prior;
    /* No edit text here: it is written when a lookup needs it.  An edit
     * inside a label of three letters or less (me.com, aol.com) makes a
     * real, unrelated name as often as a typo (ms.com, aok.com): those
     * alert only with context; edits of the TLD and dots stay strong. */
    if (tl_typo_classify_dl1(v, g->d, &klass, NULL, 0, &prior)) {
        int label_edit = strncmp(klass, "tld-", 4) != 0 && strncmp(klass, "dot-", 4) != 0;
        put_variant(g->p, v, g->d, klass, NULL, prior, label_edit && tl_typo_label_len(g->d) <= 3);
    }
    return 0;
}

/* The whole DL-1 neighbourhood of d into the table. */
static void
gen_dl1(tl_protect *p, const char *d)
{
    gen_ctx g = { p, d };
    tl_typo_for_each_dl1(d, gen_one, &g);
}

/* Shapes that are more than one edit away but typed or registered on
 * purpose: appended TLDs, concatenations, hyphenation, look-alikes, TLD
 * swaps. */
static void
gen_shapes(tl_protect *p, const char *d)
{
    char edit[160];
    const char *dot = strrchr(d, '.');
    if (!dot)
        return;
    char *left = g_strndup(d, (size_t)(dot - d)), *tld = g_strdup(dot + 1);
    char *joined = g_strdup(d);                     /* army.mil -> armymil, us.af.mil -> usafmil */
    char *hyph = g_strdup(d);                       /* army.mil -> army-mil */
    {
        char *w = joined;
        for (const char *r = d; *r; r++)
            if (*r != '.')
                *w++ = *r;
        *w = '\0';
        for (char *c = hyph; *c; c++)
            if (*c == '.')
                *c = '-';
    }
    for (int k = 0; common_tlds[k]; k++) {
        const char *t = common_tlds[k];
        char *v = g_strdup_printf("%s.%s", d, t);
        g_snprintf(edit, sizeof edit, "appended \".%s\" after \"%s\"", t, d);
        put_variant(p, v, d, "appended-tld", edit, 0.6, 0);
        g_free(v);
        v = g_strdup_printf("%s.%s", joined, t);
        g_snprintf(edit, sizeof edit, "dropped the dots and added \".%s\"", t);
        put_variant(p, v, d, "concatenation", edit, 0.4, 0);
        g_free(v);
        v = g_strdup_printf("%s.%s", hyph, t);
        g_snprintf(edit, sizeof edit, "dots as hyphens, then \".%s\"", t);
        put_variant(p, v, d, "concatenation", edit, 0.3, 0);
        g_free(v);
        if (strcmp(t, tld) != 0) {
            v = g_strdup_printf("%s.%s", left, t);
            g_snprintf(edit, sizeof edit, "the TLD \"%s\" replaced by \"%s\"", tld, t);
            put_variant(p, v, d, "wrong-tld", edit, 0.2, 1);
            g_free(v);
        }
    }
    /* With sub-domains (us.af.mil): the last two labels merged or
     * hyphenated, the sub-domains kept (us.afmil.mil, us.af-mil.com). */
    const char *mid = left ? strrchr(left, '.') : NULL;
    if (mid) {
        char *prefix = g_strndup(left, (size_t)(mid - left));
        const char *label = mid + 1;
        for (int k = 0; common_tlds[k]; k++) {
            const char *t = common_tlds[k];
            char *v = g_strdup_printf("%s.%s%s.%s", prefix, label, tld, t);
            g_snprintf(edit, sizeof edit, "merged \"%s.%s\" and added \".%s\"", label, tld, t);
            put_variant(p, v, d, "concatenation", edit, 0.3, 0);
            g_free(v);
            v = g_strdup_printf("%s.%s-%s.%s", prefix, label, tld, t);
            g_snprintf(edit, sizeof edit, "\"%s.%s\" hyphenated and \".%s\" added", label, tld, t);
            put_variant(p, v, d, "concatenation", edit, 0.25, 0);
            g_free(v);
        }
        g_free(prefix);
    }
    /* Hyphenation inside labels. */
    size_t n = strlen(d);
    for (size_t i = 1; i + 1 < n; i++) {
        if (d[i] == '.' || d[i - 1] == '.' || in_tld(d, i))
            continue;
        char *v = g_strdup_printf("%.*s-%s", (int)i, d, d + i);
        g_snprintf(edit, sizeof edit, "inserted a hyphen in \"%s\"", d);
        put_variant(p, v, d, "hyphenation", edit, 0.3, 0);
        g_free(v);
    }
    /* Look-alikes of more than one character, outside the TLD. */
    for (size_t k = 0; k < G_N_ELEMENTS(lookalikes); k++)
        for (int dir = 0; dir < 2; dir++) {
            const char *from = lookalikes[k][dir], *to = lookalikes[k][1 - dir];
            if (strlen(from) == 1 && strlen(to) == 1)
                continue;                           /* single characters: DL-1 above */
            for (const char *hit = strstr(d, from); hit; hit = strstr(hit + 1, from)) {
                if (in_tld(d, (size_t)(hit - d)))
                    continue;
                char *v = g_strdup_printf("%.*s%s%s", (int)(hit - d), d, to, hit + strlen(from));
                g_snprintf(edit, sizeof edit, "\"%s\" written as the look-alike \"%s\"", from, to);
                put_variant(p, v, d, "homoglyph", edit, 0.3, 0);
                g_free(v);
            }
        }
    g_free(left);
    g_free(tld);
    g_free(joined);
    g_free(hyph);
}

static void
index_add(GHashTable *deletes, const char *key, const char *protected)
{
    GPtrArray *a = g_hash_table_lookup(deletes, key);
    if (!a) {
        a = g_ptr_array_new();
        g_hash_table_insert(deletes, g_strdup(key), a);
    }
    if (!a->len || a->pdata[a->len - 1] != protected)
        g_ptr_array_add(a, (gpointer)protected);
}

/* s and all its deletions of one and two characters, into the index. */
static void
index_deletes(GHashTable *deletes, const char *s, const char *protected)
{
    size_t n = strlen(s);
    char *d1 = g_malloc(n + 1), *d2 = g_malloc(n + 1);
    index_add(deletes, s, protected);
    for (size_t i = 0; i < n; i++) {
        memcpy(d1, s, i);
        memcpy(d1 + i, s + i + 1, n - i);
        index_add(deletes, d1, protected);
        for (size_t j = i; j + 1 < n; j++) {
            memcpy(d2, d1, j);
            memcpy(d2 + j, d1 + j + 1, n - 1 - j);
            index_add(deletes, d2, protected);
        }
    }
    g_free(d1);
    g_free(d2);
}

/* s read as Latin ASCII where it can be ("a\u027Em\u024F" -> "army": diacritics,
 * IPA and small capitals off), through ICU's Any-Latin; Latin-ASCII
 * transliterator.  A clone per call: transliterators are not thread-safe. */
static void
open_translit(void *data)
{
    tl_protect *p = data;
    UErrorCode st = U_ZERO_ERROR;
    UChar id[64];
    u_uastrcpy(id, "Any-Latin; Latin-ASCII; Lower");
    p->translit = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st))
        p->translit = NULL;
}

static char *
fold_latin(tl_protect *p, const char *s)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar buf[512];
    int32_t len = 0, lim;
    char out[1024];
    int ascii = 1;
    for (const char *c = s; *c && ascii; c++)
        ascii = (unsigned char)*c < 0x80;
    if (ascii)
        return g_ascii_strdown(s, -1);     /* nothing to transliterate */
    tl_once(&p->translit_once, open_translit, p);  /* ICU loads its rules: only when needed */
    if (!p->translit)
        return g_strdup(s);
    u_strFromUTF8(buf, G_N_ELEMENTS(buf), &len, s, -1, &st);
    UTransliterator *t = U_SUCCESS(st) ? utrans_clone(p->translit, &st) : NULL;
    lim = len;
    if (t)
        utrans_transUChars(t, buf, &len, G_N_ELEMENTS(buf), 0, &lim, &st);
    if (t)
        utrans_close(t);
    if (U_SUCCESS(st))
        u_strToUTF8(out, sizeof out, NULL, buf, len, &st);
    return U_SUCCESS(st) ? g_strdup(out) : g_strdup(s);
}

/* UTS #39 skeleton of a UTF-8 string, or NULL. */
static char *
skeleton(USpoofChecker *sc, const char *s)
{
    UErrorCode st = U_ZERO_ERROR;
    char buf[1024];
    int32_t n = uspoof_getSkeletonUTF8(sc, 0, s, -1, buf, sizeof buf, &st);
    if (U_FAILURE(st) || n <= 0 || n >= (int32_t)sizeof buf)
        return NULL;
    return g_strndup(buf, (gsize)n);
}

/* The ASCII look-alikes a skeleton still tells apart, folded together. */
static const char *const ascii_fold[][2] = {
    { "rn", "m" }, { "nn", "m" }, { "rr", "m" }, { "vv", "w" }, { "cl", "d" }, { "0", "o" }, { "1", "l" },
    { "q", "g" },
    { "\u0259", "a" },     /* schwa, which neither table reads as "a" */
};

/*
 * The look-alike key of a host: read as Latin ASCII where it can be (ICU
 * Any-Latin; Latin-ASCII: diacritics, IPA letters, small capitals, Cyrillic
 * off), reduced to its UTS #39 confusable skeleton, read as Latin again
 * (skeletons may use small capitals), and with the ASCII look-alikes that
 * remain (rn/nn/rr/m, vv/w, cl/d, 0/o, 1/l, q/g) folded together.  Two hosts that
 * a hurried reader cannot tell apart have the same key.  NULL without ICU.
 */
char *
tl_typo_lookalike_key(tl_protect *p, const char *s)
{
    if (!p->spoof)
        return NULL;
    GString *k = g_string_new(NULL);
    char *a = fold_latin(p, s);
    g_string_assign(k, a);
    g_free(a);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < G_N_ELEMENTS(ascii_fold); i++)
            g_string_replace(k, ascii_fold[i][0], ascii_fold[i][1], 0);
        if (pass == 1)
            break;
        char *sk = skeleton(p->spoof, k->str);
        if (!sk) {
            g_string_free(k, TRUE);
            return NULL;
        }
        char *b = fold_latin(p, sk);
        g_string_assign(k, b);
        g_free(b);
        g_free(sk);
    }
    return g_string_free(k, FALSE);
}

/* Letters a glance confuses that are too common to fold for near matches:
 * used only to say "the same as" (dcfcnsc.gov is defense.gov). */
static const char *const loose_fold[][2] = {
    { "nr", "m" }, { "e", "c" }, { "i", "l" }, { "u", "v" },
};

char *
tl_typo_loose_key(const char *key)
{
    GString *k = g_string_new(key);
    for (size_t i = 0; i < G_N_ELEMENTS(loose_fold); i++)
        g_string_replace(k, loose_fold[i][0], loose_fold[i][1], 0);
    return g_string_free(k, FALSE);
}

gpointer
tl_typo_freeze(gpointer data)
{
    tl_protect *p = data;
    p->variants = g_hash_table_new(g_str_hash, g_str_equal);
    p->strings = g_string_chunk_new(1 << 16);
    p->slabs = g_ptr_array_new_with_free_func(g_free);
    p->slab_used = 0;
    p->deletes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    p->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->loose_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->psl = psl_latest(NULL);
    p->psl_builtin = p->psl == NULL;
    if (!p->psl)
        p->psl = (psl_ctx_t *)psl_builtin();
    UErrorCode st = U_ZERO_ERROR;
    p->spoof = uspoof_open(&st);
    if (U_FAILURE(st))
        p->spoof = NULL;

    for (guint i = 0; i < p->list->len; i++) {
        const char *d = p->list->pdata[i];
        gen_dl1(p, d);
    }
    for (guint i = 0; i < p->list->len; i++) {
        const char *d = p->list->pdata[i];
        gen_shapes(p, d);
        index_deletes(p->deletes, d, d);
        char *key = tl_typo_lookalike_key(p, d);
        char *loose = key ? tl_typo_loose_key(key) : NULL;
        if (key && !g_hash_table_contains(p->keys, key))
            g_hash_table_insert(p->keys, key, (gpointer)d);
        else
            g_free(key);
        if (loose && !g_hash_table_contains(p->loose_keys, loose))
            g_hash_table_insert(p->loose_keys, loose, (gpointer)d);
        else
            g_free(loose);
    }
    return NULL;
}


/* ------------------------------------------------------------------ */
/* Variants of a domain, for `typoleak variants`                         */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *domain;
    GPtrArray *out;
} collect_ctx;

static void
collect_one(gpointer key, gpointer value, gpointer data)
{
    collect_ctx *c = data;
    variant *v = value;
    if (strcmp(v->intended, c->domain) == 0)
        g_ptr_array_add(c->out, g_strdup(key));
}

char **
tl_typo_variants(const tl_protect *cp, const char *domain)
{
    tl_protect *p = (tl_protect *)cp;
    g_once(&p->once, tl_typo_freeze, p);
    char *d = tl_typo_normalise(domain);
    GPtrArray *out = g_ptr_array_new();
    collect_ctx c = { d, out };
    g_hash_table_foreach(p->variants, collect_one, &c);
    g_ptr_array_sort(out, tl_typo_cmp_str);
    g_ptr_array_add(out, NULL);
    g_free(d);
    return (char **)g_ptr_array_free(out, FALSE);
}
