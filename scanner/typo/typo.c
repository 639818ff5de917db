/*
 * typo.c - protected domains and the typo-domain engine.
 *
 * Given a recipient domain, the engine says whether it is a typo of a
 * protected domain, of which one, by which edit (in words), how likely that
 * edit is to be typed by accident (the prior), and who could receive the
 * mail (the exposure, from the Public Suffix List).  It works per distinct
 * domain; callers cache verdicts.
 *
 * Model (research/typo-domains.md).  For every protected domain P a table of
 * variants is generated once, each with its class, edit and prior:
 *   - the whole Damerau-Levenshtein-1 neighbourhood of P over [a-z0-9-.],
 *     TLD and dots included: omission, insertion, repetition, replacement
 *     (keyboard-adjacent on QWERTY, then QWERTZ/AZERTY, then any),
 *     transposition; edits in the TLD, moves of a dot (armym.il), dropped
 *     dots (armymil) and added dots (army.m.il) are classes of their own,
 *     because they are what sends mail out of the protected namespace;
 *   - appended TLDs (army.mil.com), concatenations (armymil.com,
 *     army-mil.com), hyphenation (ar-my.mil), ASCII look-alikes of more than
 *     one character (rn/m, vv/w, cl/d, nn/m);
 *   - whole-TLD swaps (army.com): a real but often unrelated domain, so the
 *     verdict carries needs_context and alerts only with a context booster.
 * A domain not in the table is tried against a symmetric-delete index of
 * every P (distance 2, lower prior), against UTS #39 confusable skeletons
 * when it is an IDN (ICU's spoof checker, after libidn2), and against the
 * protected suffixes ("*.mil": a host whose last labels are one edit from
 * ".mil", e.g. xyz.ml for an unknown xyz.mil, lower prior than a known
 * domain).
 *
 * Exact matches win: a protected domain (or a host under one) is never a
 * typo, nor is an allowlisted one (data/allowlist.txt, --allow), which is
 * how dense namespaces (dla.mil / dma.mil) and big neighbours (mail.com for
 * gmail.com) stay quiet.
 *
 * Exposure (libpsl, Debian's publicsuffix data): closed when the typo stays
 * in a namespace only its owner can register (.mil, .gov, .edu, .int, or a
 * public suffix itself), nonexistent-tld when its TLD is in no list
 * (army.mi: undeliverable), open otherwise (a third party can own the
 * registrable domain: army.ml, af.ml for us.af.ml, mil.com for
 * army.mil.com).  The leak findings are the open ones.
 *
 * Score = prior x exposure weight (open 1, closed 0.3, nonexistent 0.1).
 */
#include "scanner/typo/typo.h"    /* GLib first: idn2.h defines G_GNUC_DEPRECATED only when GLib has not */

#include <idn2.h>
#include <libpsl.h>
#include <string.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/* A generated variant of a protected domain. */
typedef struct {
    const char *intended;   /* the protected domain (owned by the list) */
    const char *klass;      /* static string */
    char *edit;
    double prior;
    int needs_context;
} variant;

struct tl_protect {
    GHashTable *set;        /* protected domains -> NULL */
    GPtrArray *list;        /* the same, in order */
    GPtrArray *suffixes;    /* "mil" for "*.mil" */
    GHashTable *allow;      /* allowlisted domains -> NULL */
    /* built once by freeze() */
    GOnce once;
    GHashTable *variants;   /* variant -> variant* */
    GHashTable *deletes;    /* deletion (<= 2) of a protected domain -> GPtrArray of protected */
    GHashTable *keys;       /* look-alike key -> protected domain */
    GHashTable *loose_keys; /* loose look-alike key -> protected domain (equality only) */
    psl_ctx_t *psl;
    int psl_builtin;            /* psl is libpsl's static built-in list: not freed */
    USpoofChecker *spoof;
    UTransliterator *translit;  /* Any-Latin; Latin-ASCII; Lower (cloned per use), opened lazily */
    tl_once_t translit_once;
};

/* ------------------------------------------------------------------ */
/* The protected list                                                  */
/* ------------------------------------------------------------------ */

static void thaw(tl_protect *p);
static size_t label_len(const char *host);

tl_protect *
tl_protect_new(void)
{
    tl_protect *p = g_new0(tl_protect, 1);
    p->set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->list = g_ptr_array_new();
    p->suffixes = g_ptr_array_new_with_free_func(g_free);
    p->allow = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->once = (GOnce)G_ONCE_INIT;
    return p;
}

static void
variant_free(gpointer v)
{
    g_free(((variant *)v)->edit);
    g_free(v);
}

void
tl_protect_free(tl_protect *p)
{
    if (!p)
        return;
    thaw(p);
    g_ptr_array_free(p->list, TRUE);
    g_ptr_array_free(p->suffixes, TRUE);
    g_hash_table_destroy(p->set);
    g_hash_table_destroy(p->allow);
    g_free(p);
}

/* Normalises a domain: trims blanks, lower-cases (ASCII and Unicode), drops
 * one trailing dot. */
static char *
normalise(const char *s)
{
    char *t = g_strstrip(g_utf8_make_valid(s, -1));
    char *low = g_utf8_strdown(t, -1);
    g_free(t);
    size_t n = strlen(low);
    if (n > 0 && low[n - 1] == '.')
        low[n - 1] = '\0';
    return low;
}

static int
plausible_host(const char *d)
{
    size_t n = strlen(d);
    if (n == 0 || n > 253 || d[0] == '.' || strstr(d, ".."))
        return 0;
    for (const char *c = d; *c; c++)
        if (!(g_ascii_isalnum(*c) || *c == '-' || *c == '.' || (unsigned char)*c >= 0x80))
            return 0;
    return 1;
}

/* Drops the tables built by freeze() (the lists changed). */
static void
thaw(tl_protect *p)
{
    g_clear_pointer(&p->variants, g_hash_table_destroy);
    g_clear_pointer(&p->deletes, g_hash_table_destroy);
    g_clear_pointer(&p->keys, g_hash_table_destroy);
    g_clear_pointer(&p->loose_keys, g_hash_table_destroy);
    if (p->psl && !p->psl_builtin)
        psl_free(p->psl);
    p->psl = NULL;
    g_clear_pointer(&p->spoof, uspoof_close);
    g_clear_pointer(&p->translit, utrans_close);
    p->once = (GOnce)G_ONCE_INIT;
    p->translit_once.done = 0;
}

static tl_status_t
add_to(tl_protect *p, GHashTable *set, const char *domain, char **errmsg)
{
    char *d = normalise(domain);
    if (set == p->set && g_str_has_prefix(d, "*.") && plausible_host(d + 2)) {
        g_ptr_array_add(p->suffixes, g_strdup(d + 2));
        g_free(d);
        return TL_OK;
    }
    if (!plausible_host(d)) {
        if (errmsg)
            *errmsg = g_strdup_printf("not a domain name: '%s'", domain);
        g_free(d);
        return TL_ERR_USAGE;
    }
    if (p->variants)
        thaw(p);        /* the tables are rebuilt at the next check */
    if (g_hash_table_contains(set, d)) {
        g_free(d);
        return TL_OK;
    }
    g_hash_table_add(set, d);
    if (set == p->set)
        g_ptr_array_add(p->list, d);
    return TL_OK;
}

tl_status_t
tl_protect_add(tl_protect *p, const char *domain, char **errmsg)
{
    return add_to(p, p->set, domain, errmsg);
}

tl_status_t
tl_protect_allow(tl_protect *p, const char *domain, char **errmsg)
{
    return add_to(p, p->allow, domain, errmsg);
}

/* Adds the domains of a text: one per line, '#' to end of line is a comment. */
static tl_status_t
add_text(tl_protect *p, GHashTable *set, const char *text, const char *what, char **errmsg)
{
    char **lines = g_strsplit(text, "\n", -1);
    tl_status_t st = TL_OK;
    for (int i = 0; lines[i] && st == TL_OK; i++) {
        char *hash = strchr(lines[i], '#');
        if (hash)
            *hash = '\0';
        g_strstrip(lines[i]);
        if (!*lines[i])
            continue;
        char *msg = NULL;
        st = add_to(p, set, lines[i], &msg);
        if (st != TL_OK && errmsg)
            *errmsg = g_strdup_printf("%s line %d: %s", what, i + 1, msg);
        g_free(msg);
    }
    g_strfreev(lines);
    return st;
}

static tl_status_t
add_file(tl_protect *p, GHashTable *set, const char *path, char **errmsg)
{
    char *text = NULL;
    GError *err = NULL;
    if (!g_file_get_contents(path, &text, NULL, &err)) {
        if (errmsg)
            *errmsg = g_strdup_printf("cannot read %s: %s", path, err->message);
        g_error_free(err);
        return TL_ERR_USAGE;
    }
    tl_status_t st = add_text(p, set, text, path, errmsg);
    g_free(text);
    return st;
}

tl_status_t
tl_protect_add_file(tl_protect *p, const char *path, char **errmsg)
{
    return add_file(p, p->set, path, errmsg);
}

tl_status_t
tl_protect_allow_file(tl_protect *p, const char *path, char **errmsg)
{
    return add_file(p, p->allow, path, errmsg);
}

tl_protect *
tl_protect_new_default(void)
{
    tl_protect *p = tl_protect_new();
    char *msg = NULL;
    if (add_text(p, p->set, tl_default_protected, "data/protected-domains.txt", &msg) != TL_OK ||
        add_text(p, p->allow, tl_default_allowlist, "data/allowlist.txt", &msg) != TL_OK)
        g_error("built-in lists are invalid: %s", msg);
    return p;
}

unsigned
tl_protect_count(const tl_protect *p)
{
    return p->list->len + p->suffixes->len;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SHA-256 of a set's sorted members, one per line, with a prefix. */
static void
digest_set(GString *s, const char *prefix, GPtrArray *items)
{
    GPtrArray *sorted = g_ptr_array_copy(items, NULL, NULL);
    g_ptr_array_sort(sorted, cmp_str);
    for (guint i = 0; i < sorted->len; i++)
        g_string_append_printf(s, "%s%s\n", prefix, (char *)sorted->pdata[i]);
    g_ptr_array_free(sorted, TRUE);
}

char *
tl_protect_digest(const tl_protect *p)
{
    GString *s = g_string_new(NULL);
    digest_set(s, "", p->list);
    digest_set(s, "*.", p->suffixes);
    char hex[65];
    tl_sha256_hex(s->str, s->len, hex);
    g_string_free(s, TRUE);
    return g_strdup(hex);
}

char *
tl_protect_allow_digest(const tl_protect *p)
{
    GPtrArray *items = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, p->allow);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_ptr_array_add(items, key);
    GString *s = g_string_new(NULL);
    digest_set(s, "", items);
    g_ptr_array_free(items, TRUE);
    char hex[65];
    tl_sha256_hex(s->str, s->len, hex);
    g_string_free(s, TRUE);
    return g_strdup(hex);
}

const char *
tl_psl_version(void)
{
    static char text[128];
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        const char *file = psl_dist_filename();
        g_snprintf(text, sizeof text, "libpsl %s, %s", psl_get_version(), file && *file ? file : "built-in list");
        g_once_init_leave(&once, 1);
    }
    return text;
}

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
 * -1 for none; from a table filled once. */
static int
keyboard_adjacent(char a, char b)
{
    static signed char table[128][128];
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        for (int x = 0; x < 128; x++)
            for (int y = 0; y < 128; y++)
                table[x][y] = (signed char)keyboard_adjacent_slow((char)x, (char)y);
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

static int
classify_dl1(const char *t, const char *p, const char **klass, char *edit, size_t elen, double *prior)
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
static int
valid_host(const char *h)
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
    if (!valid_host(v) || g_hash_table_contains(p->set, v) || g_hash_table_contains(p->allow, v))
        return;
    variant *old = g_hash_table_lookup(p->variants, v);
    if (old && old->prior >= prior)
        return;
    variant *x = g_new0(variant, 1);
    x->intended = intended;
    x->klass = klass;
    x->edit = g_strdup(edit);      /* NULL for one-edit variants: derived at lookup */
    x->prior = prior;
    x->needs_context = needs_context;
    g_hash_table_insert(p->variants, g_strdup(v), x);
}

/* Calls fn on every string one Damerau-Levenshtein edit from d (over the
 * alphabet [a-z0-9-.]) until fn returns non-zero; returns that value. */
static int
for_each_dl1(const char *d, int (*fn)(const char *v, void *ctx), void *ctx)
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
    if (classify_dl1(v, g->d, &klass, NULL, 0, &prior)) {
        int label_edit = strncmp(klass, "tld-", 4) != 0 && strncmp(klass, "dot-", 4) != 0;
        put_variant(g->p, v, g->d, klass, NULL, prior, label_edit && label_len(g->d) <= 3);
    }
    return 0;
}

/* The whole DL-1 neighbourhood of d into the table. */
static void
gen_dl1(tl_protect *p, const char *d)
{
    gen_ctx g = { p, d };
    for_each_dl1(d, gen_one, &g);
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
static char *
lookalike_key(tl_protect *p, const char *s)
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

static char *
loose_key(const char *key)
{
    GString *k = g_string_new(key);
    for (size_t i = 0; i < G_N_ELEMENTS(loose_fold); i++)
        g_string_replace(k, loose_fold[i][0], loose_fold[i][1], 0);
    return g_string_free(k, FALSE);
}

static gpointer
freeze(gpointer data)
{
    tl_protect *p = data;
    p->variants = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, variant_free);
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
        char *key = lookalike_key(p, d);
        char *loose = key ? loose_key(key) : NULL;
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
/* Verdicts                                                             */
/* ------------------------------------------------------------------ */

const char *
tl_exposure_name(tl_exposure e)
{
    switch (e) {
    case TL_EXPOSURE_NONE: return "none";
    case TL_EXPOSURE_SAME: return "same";
    case TL_EXPOSURE_CLOSED: return "closed";
    case TL_EXPOSURE_NONEXISTENT_TLD: return "nonexistent-tld";
    case TL_EXPOSURE_OPEN: return "open";
    }
    return "none";
}

const char *
tl_verdict_name(tl_verdict_kind v)
{
    switch (v) {
    case TL_VERDICT_OK: return "ok";
    case TL_VERDICT_TYPO: return "typo";
    case TL_VERDICT_PROTECTED: return "protected";
    case TL_VERDICT_ALLOWLISTED: return "allowlisted";
    }
    return "ok";
}

/* Namespaces only their owner can register into. */
static const char *const closed_tlds[] = { "mil", "gov", "edu", "int", "arpa", NULL };

/* Exposure of host d (ASCII) as a typo of intended. */
static tl_exposure
exposure_of(tl_protect *p, const char *d, const char *intended, char *registrable, size_t rlen)
{
    const char *reg = psl_registrable_domain(p->psl, d);
    const char *ireg = psl_registrable_domain(p->psl, intended);
    g_strlcpy(registrable, reg ? reg : "", rlen);
    if (reg && ireg && strcmp(reg, ireg) == 0)
        return TL_EXPOSURE_SAME;
    const char *tld = strrchr(d, '.');
    tld = tld ? tld + 1 : d;
    for (int i = 0; closed_tlds[i]; i++)
        if (strcmp(tld, closed_tlds[i]) == 0)
            return TL_EXPOSURE_CLOSED;
    if (!psl_is_public_suffix2(p->psl, tld, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
        return TL_EXPOSURE_NONEXISTENT_TLD;
    if (!reg)
        return TL_EXPOSURE_CLOSED;      /* the host is itself a public suffix: registry-held */
    return TL_EXPOSURE_OPEN;
}

static double
exposure_weight(tl_exposure e)
{
    switch (e) {
    case TL_EXPOSURE_OPEN: return 1.0;
    case TL_EXPOSURE_CLOSED: return 0.3;
    case TL_EXPOSURE_NONEXISTENT_TLD: return 0.1;
    case TL_EXPOSURE_SAME:
    case TL_EXPOSURE_NONE: return 0.0;
    }
    return 0.0;
}

/* Optimal string alignment distance, capped at 4. */
static int
osa_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > m + 3 || m > n + 3 || n > 253 || m > 253)
        return 4;
    int *d = g_new(int, (n + 1) * (m + 1));
#define D(i, j) d[(i) * (m + 1) + (j)]
    for (size_t i = 0; i <= n; i++)
        D(i, 0) = (int)i;
    for (size_t j = 0; j <= m; j++)
        D(0, j) = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = MIN(MIN(D(i - 1, j) + 1, D(i, j - 1) + 1), D(i - 1, j - 1) + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                v = MIN(v, D(i - 2, j - 2) + 1);
            D(i, j) = v;
        }
    int r = MIN(D(n, m), 4);
#undef D
    g_free(d);
    return r;
}

/* Distance 2 means something only for names long enough: two edits turn
 * "me.com", "live.com" or "army.mil" into thousands of unrelated short
 * domains.  The label left of the TLD must have DL2_MIN characters. */
#define DL2_MIN 5

static size_t
label_len(const char *host)
{
    const char *dot = strrchr(host, '.');
    if (!dot)
        return strlen(host);
    const char *s = dot;
    while (s > host && s[-1] != '.')
        s--;
    return (size_t)(dot - s);
}

/* Distance-2 candidates from the symmetric-delete index (protected names
 * of DL2_MIN characters or more). */
static const char *
lookup_dl2(tl_protect *p, const char *d, size_t min_label)
{
    size_t n = strlen(d);
    const char *best = NULL;
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(keys, g_strdup(d));
    char *buf = g_malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf, d, i);
        memcpy(buf + i, d + i + 1, n - i);
        g_ptr_array_add(keys, g_strdup(buf));
        for (size_t j = i; j + 1 < n; j++) {
            char *b2 = g_malloc(n);
            memcpy(b2, buf, j);
            memcpy(b2 + j, buf + j + 1, n - 1 - j);
            g_ptr_array_add(keys, b2);
        }
    }
    g_free(buf);
    for (guint k = 0; k < keys->len && !best; k++) {
        GPtrArray *a = g_hash_table_lookup(p->deletes, keys->pdata[k]);
        for (guint i = 0; a && i < a->len && !best; i++)
            if (label_len(a->pdata[i]) >= min_label && osa_distance(d, a->pdata[i]) == 2)
                best = a->pdata[i];
    }
    g_ptr_array_free(keys, TRUE);
    return best;
}

typedef struct {
    const char *suffix;     /* "mil" */
    const char *d;          /* the query */
    char *intended;
    size_t ilen;
    const char **klass;
    char *edit;
    size_t elen;
    double *prior;
} suffix_ctx;

static int
suffix_one(const char *v, void *data)
{
    suffix_ctx *c = data;
    size_t n = strlen(v), sl = strlen(c->suffix);
    if (n <= sl + 1 || v[n - sl - 1] != '.' || strcmp(v + n - sl, c->suffix) != 0 || !valid_host(v))
        return 0;
    if (!classify_dl1(c->d, v, c->klass, c->edit, c->elen, c->prior))
        return 0;
    g_strlcpy(c->intended, v, c->ilen);
    return 1;
}

/* A host one edit away from being under a protected suffix: the host it
 * meant ("xyz.mil" for "xyz.ml") into intended. */
static int
lookup_suffix(tl_protect *p, const char *d, char *intended, size_t ilen, const char **klass, char *edit,
              size_t elen, double *prior)
{
    for (guint s = 0; s < p->suffixes->len; s++) {
        suffix_ctx c = { p->suffixes->pdata[s], d, intended, ilen, klass, edit, elen, prior };
        if (for_each_dl1(d, suffix_one, &c))
            return 1;
    }
    return 0;
}

void
tl_protect_prepare(const tl_protect *cp)
{
    tl_protect *p = (tl_protect *)cp;
    g_once(&p->once, freeze, p);
}

void
tl_typo_check(const tl_protect *cp, const char *domain, tl_typo_verdict *out)
{
    tl_protect *p = (tl_protect *)cp;
    g_once(&p->once, freeze, p);
    memset(out, 0, sizeof *out);
    char *u = normalise(domain);
    char *a = NULL;
    /* The A-label form for the tables and the PSL; the U-label for skeletons. */
    if (idn2_to_ascii_8z(u, &a, IDN2_NONTRANSITIONAL) != IDN2_OK) {
        free(a);
        a = NULL;
    }
    const char *d = a ? a : u;
    g_strlcpy(out->domain, d, sizeof out->domain);
    if (!strchr(d, '.'))
        goto done;          /* one label ("localhost", "armymil"): not an Internet host */
    int idn = strstr(d, "xn--") != NULL;

    /* Exact matches win, and hosts under a protected domain are its own. */
    for (const char *s = d; s; s = strchr(s, '.') ? strchr(s, '.') + 1 : NULL) {
        if (g_hash_table_contains(p->set, s)) {
            out->verdict = TL_VERDICT_PROTECTED;
            out->is_protected = 1;
            g_strlcpy(out->intended, s, sizeof out->intended);
            out->exposure = TL_EXPOSURE_SAME;
            goto done;
        }
    }
    if (g_hash_table_contains(p->allow, d)) {
        out->verdict = TL_VERDICT_ALLOWLISTED;
        goto done;
    }

    const char *klass = NULL;
    variant *v = g_hash_table_lookup(p->variants, d);
    if (v) {
        g_strlcpy(out->intended, v->intended, sizeof out->intended);
        g_strlcpy(out->klass, v->klass, sizeof out->klass);
        if (v->edit)
            g_strlcpy(out->edit, v->edit, sizeof out->edit);
        else {
            double prior;
            classify_dl1(d, v->intended, &klass, out->edit, sizeof out->edit, &prior);
        }
        out->prior = v->prior;
        out->needs_context = v->needs_context;
    } else if (p->spoof) {
        /* Look-alikes: compare look-alike keys (see lookalike_key) with the
         * protected domains': equal is a homoglyph, one or two edits a
         * look-alike of a typo (a look-alike of army.ml is still a leak). */
        char *uni = NULL;
        if (!idn || idn2_to_unicode_8z8z(d, &uni, 0) != IDN2_OK || !uni) {
            free(uni);
            uni = NULL;
        }
        const char *shown = uni ? uni : d;
        char *key = lookalike_key(p, shown);
        const char *hit = key ? g_hash_table_lookup(p->keys, key) : NULL;
        if (!hit && key) {
            char *loose = loose_key(key);
            hit = g_hash_table_lookup(p->loose_keys, loose);
            g_free(loose);
        }
        const char *pre = idn ? "idn-" : "";
        if (hit) {
            g_strlcpy(out->intended, hit, sizeof out->intended);
            g_snprintf(out->klass, sizeof out->klass, "%shomoglyph", pre);
            g_snprintf(out->edit, sizeof out->edit, "\"%s\" looks like \"%s\"%s", shown, hit,
                       idn ? " (Unicode confusables)" : " (look-alike characters)");
            out->prior = idn ? 0.05 : 0.3;
        } else if (key && (idn || strcmp(key, d) != 0)) {
            /* Near-look-alikes: an IDN, or an ASCII name that has
             * look-alike characters at all (else a key one edit away is
             * just a one-edit typo, or an unrelated name). */
            GHashTableIter it;
            gpointer k, val;
            char edit[160];
            double prior;
            g_hash_table_iter_init(&it, p->keys);
            while (g_hash_table_iter_next(&it, &k, &val)) {
                if (classify_dl1(key, k, &klass, edit, sizeof edit, &prior)) {
                    g_snprintf(out->klass, sizeof out->klass, "%slookalike-%s", pre, klass);
                    out->prior = prior * (idn ? 0.1 : 0.3);
                } else if ((idn || label_len(val) >= DL2_MIN) && osa_distance(key, k) == 2 &&
                           lookup_dl2(p, d, DL2_MIN) == NULL) {
                    g_snprintf(out->klass, sizeof out->klass, "%slookalike-distance-2", pre);
                    out->prior = idn ? 0.01 : 0.05;
                } else
                    continue;
                g_strlcpy(out->intended, val, sizeof out->intended);
                g_snprintf(out->edit, sizeof out->edit, "\"%s\" looks like a near-typo of \"%s\"", shown,
                           (char *)val);
                break;
            }
        }
        g_free(key);
        free(uni);
    }
    /* A host under a protected suffix that is not a typo of a known
     * protected domain is one of the suffix owner's own. */
    if (!out->klass[0])
        for (guint i = 0; i < p->suffixes->len; i++) {
            const char *suf = p->suffixes->pdata[i];
            size_t n = strlen(d), sl = strlen(suf);
            if ((n == sl && strcmp(d, suf) == 0) || (n > sl && d[n - sl - 1] == '.' && strcmp(d + n - sl, suf) == 0)) {
                out->verdict = TL_VERDICT_PROTECTED;
                out->is_protected = 1;
                g_snprintf(out->intended, sizeof out->intended, "*.%s", suf);
                out->exposure = TL_EXPOSURE_SAME;
                goto done;
            }
        }
    if (!out->klass[0]) {
        const char *hit = lookup_dl2(p, d, DL2_MIN);
        if (hit) {
            g_strlcpy(out->intended, hit, sizeof out->intended);
            g_strlcpy(out->klass, "distance-2", sizeof out->klass);
            g_snprintf(out->edit, sizeof out->edit, "two edits from \"%s\"", hit);
            out->prior = 0.15;
        }
    }
    if (!out->klass[0] &&
        lookup_suffix(p, d, out->intended, sizeof out->intended, &klass, out->edit, sizeof out->edit, &out->prior)) {
        g_snprintf(out->klass, sizeof out->klass, "suffix-%s", klass);
        out->prior *= 0.6;          /* an unknown host under a protected suffix */
    }
    /* Weak matches: two edits from a short name, or a look-alike key near a
     * protected one without look-alike characters.  Real typos hide there
     * (naii.mil for mail.mil), but so do thousands of unrelated short
     * names: recognised, with a low prior and needs_context, so that they
     * alert only with a context booster. */
    if (!out->klass[0]) {
        const char *hit = lookup_dl2(p, d, 0);
        char *uni = NULL;
        if (!hit && idn && (idn2_to_unicode_8z8z(d, &uni, 0) != IDN2_OK || !uni)) {
            free(uni);
            uni = NULL;
        }
        char *key = hit ? NULL : lookalike_key(p, uni ? uni : d);
        char *loose = key ? loose_key(key) : NULL;
        GHashTableIter it;
        gpointer k, val;
        if (key) {
            g_hash_table_iter_init(&it, p->keys);
            while (!hit && g_hash_table_iter_next(&it, &k, &val))
                if (osa_distance(key, k) <= 2)
                    hit = val;
            g_hash_table_iter_init(&it, p->loose_keys);
            while (!hit && g_hash_table_iter_next(&it, &k, &val))
                if (osa_distance(loose, k) <= (label_len(val) >= 7 ? 3 : 2))
                    hit = val;
        }
        g_free(key);
        g_free(loose);
        free(uni);
        if (hit) {
            g_strlcpy(out->intended, hit, sizeof out->intended);
            g_strlcpy(out->klass, "weak-near", sizeof out->klass);
            g_snprintf(out->edit, sizeof out->edit, "two edits or look-alikes from \"%s\" (weak)", hit);
            out->prior = 0.05;
            out->needs_context = 1;
        }
    }
    if (!out->klass[0])
        goto done;
    out->exposure = exposure_of(p, d, out->intended[0] == '*' ? out->intended + 2 : out->intended,
                                out->registrable, sizeof out->registrable);
    if (out->exposure == TL_EXPOSURE_SAME) {
        out->klass[0] = '\0';       /* same owner: a sub-domain, not a typo */
        goto done;
    }
    out->verdict = TL_VERDICT_TYPO;
    out->is_typo = 1;
    out->score = out->prior * exposure_weight(out->exposure);
done:
    free(a);
    g_free(u);
}

void
tl_typo_explain(const tl_typo_verdict *v, char *out, size_t len)
{
    switch (v->verdict) {
    case TL_VERDICT_PROTECTED:
        g_snprintf(out, len, "%s is protected (%s)", v->domain, v->intended);
        return;
    case TL_VERDICT_ALLOWLISTED:
        g_snprintf(out, len, "%s is on the allowlist", v->domain);
        return;
    case TL_VERDICT_OK:
        g_snprintf(out, len, "%s is not near a protected domain", v->domain);
        return;
    case TL_VERDICT_TYPO:
        break;
    }
    const char *who = v->exposure == TL_EXPOSURE_OPEN ? "a third party can register"
                      : v->exposure == TL_EXPOSURE_CLOSED ? "only the namespace's owner can register"
                      : v->exposure == TL_EXPOSURE_NONEXISTENT_TLD ? "its TLD does not exist, mail to it bounces:"
                      : "";
    const char *why = !v->needs_context ? ""
                      : strcmp(v->klass, "wrong-tld") == 0 ? "; a whole-TLD swap: alerts only with context"
                      : strcmp(v->klass, "weak-near") == 0 ? "; a weak match: alerts only with context"
                      : "; an edit of a short name: alerts only with context";
    g_snprintf(out, len, "%s: %s (%s, prior %.2f); %s %s; score %.2f%s", v->intended, v->edit, v->klass, v->prior,
               who, v->registrable[0] ? v->registrable : v->domain, v->score, why);
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
    g_once(&p->once, freeze, p);
    char *d = normalise(domain);
    GPtrArray *out = g_ptr_array_new();
    collect_ctx c = { d, out };
    g_hash_table_foreach(p->variants, collect_one, &c);
    g_ptr_array_sort(out, cmp_str);
    g_ptr_array_add(out, NULL);
    g_free(d);
    return (char **)g_ptr_array_free(out, FALSE);
}
