/*
 * match.c - matching one domain (tl_typo_check): exact and allowlisted
 * names first, then the variant table, look-alikes, hosts under protected
 * suffixes, distance 2 and weak matches; the verdict is then scored
 * (score.c).
 */
#include "scanner/typo/typo_int.h"    /* GLib first: idn2.h defines G_GNUC_DEPRECATED only when GLib has not */

#include <idn2.h>
#include <string.h>

/* Optimal string alignment distance, capped at 4. */
int
tl_typo_osa_distance(const char *a, const char *b)
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

size_t
tl_typo_label_len(const char *host)
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
            if (tl_typo_label_len(a->pdata[i]) >= min_label && tl_typo_osa_distance(d, a->pdata[i]) == 2)
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
    if (n <= sl + 1 || v[n - sl - 1] != '.' || strcmp(v + n - sl, c->suffix) != 0 || !tl_typo_valid_host(v))
        return 0;
    if (!tl_typo_classify_dl1(c->d, v, c->klass, c->edit, c->elen, c->prior))
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
        if (tl_typo_for_each_dl1(d, suffix_one, &c))
            return 1;
    }
    return 0;
}

void

tl_protect_prepare(const tl_protect *cp)
{
    tl_protect *p = (tl_protect *)cp;
    g_once(&p->once, tl_typo_freeze, p);
}

/* Exact matches win, and hosts under a protected domain are its own;
 * then the allowlist.  1 when d was settled here. */
static int
match_own(tl_protect *p, const char *d, tl_typo_verdict *out)
{
    for (const char *s = d; s; s = strchr(s, '.') ? strchr(s, '.') + 1 : NULL) {
        if (g_hash_table_contains(p->set, s)) {
            out->verdict = TL_VERDICT_PROTECTED;
            out->is_protected = 1;
            g_strlcpy(out->intended, s, sizeof out->intended);
            out->exposure = TL_EXPOSURE_SAME;
            return 1;
        }
    }
    if (g_hash_table_contains(p->allow, d)) {
        out->verdict = TL_VERDICT_ALLOWLISTED;
        return 1;
    }
    return 0;
}

/* A variant of the generated table: its class, edit and prior. */
static int
match_variant(tl_protect *p, const char *d, tl_typo_verdict *out)
{
    variant *v = g_hash_table_lookup(p->variants, d);
    if (!v)
        return 0;
    g_strlcpy(out->intended, v->intended, sizeof out->intended);
    g_strlcpy(out->klass, v->klass, sizeof out->klass);
    if (v->edit)
        g_strlcpy(out->edit, v->edit, sizeof out->edit);
    else {
        const char *klass;
        double prior;
        tl_typo_classify_dl1(d, v->intended, &klass, out->edit, sizeof out->edit, &prior);
    }
    out->prior = v->prior;
    out->needs_context = v->needs_context;
    return 1;
}

/* Look-alikes: compare look-alike keys (see tl_typo_lookalike_key) with
 * the protected domains': equal is a homoglyph, one or two edits a
 * look-alike of a typo (a look-alike of army.ml is still a leak). */
static void
match_lookalike(tl_protect *p, const char *d, int idn, tl_typo_verdict *out)
{
    char *uni = NULL;
    if (!idn || idn2_to_unicode_8z8z(d, &uni, 0) != IDN2_OK || !uni) {
        free(uni);
        uni = NULL;
    }
    const char *shown = uni ? uni : d;
    char *key = tl_typo_lookalike_key(p, shown);
    const char *hit = key ? g_hash_table_lookup(p->keys, key) : NULL;
    if (!hit && key) {
        char *loose = tl_typo_loose_key(key);
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
        /* Near-look-alikes: an IDN, or an ASCII name that has look-alike
         * characters at all (else a key one edit away is just a one-edit
         * typo, or an unrelated name). */
        /* The nearest protected key wins: one edit before two, then the
         * key of the same length (a look-alike keeps the shape), then the
         * name, so that the answer never depends on the table's order
         * (xn--any-3ya.mil, key "amy.mil", is army.mil's, not af.mil's). */
        GHashTableIter it;
        gpointer k, val;
        char edit[160];
        const char *klass, *best = NULL, *best_key = NULL, *best_klass = NULL;
        double prior, best_prior = 0;
        int best_rank = 0;
        size_t klen = strlen(key);
        g_hash_table_iter_init(&it, p->keys);
        while (g_hash_table_iter_next(&it, &k, &val)) {
            int rank;
            if (tl_typo_classify_dl1(key, k, &klass, edit, sizeof edit, &prior))
                rank = strlen(k) == klen ? 4 : 3;
            else if ((idn || tl_typo_label_len(val) >= DL2_MIN) && tl_typo_osa_distance(key, k) == 2)
                rank = strlen(k) == klen ? 2 : 1, klass = NULL, prior = 0;
            else
                continue;
            if (rank > best_rank || (rank == best_rank && strcmp(val, best) < 0)) {
                best_rank = rank;
                best = val;
                best_key = k;
                best_klass = klass;
                best_prior = prior;
            }
        }
        if (best && best_rank <= 2 && lookup_dl2(p, d, DL2_MIN) != NULL)
            best = NULL;
        if (best) {
            (void)best_key;
            if (best_rank >= 3) {
                g_snprintf(out->klass, sizeof out->klass, "%slookalike-%s", pre, best_klass);
                out->prior = best_prior * (idn ? 0.1 : 0.3);
            } else {
                g_snprintf(out->klass, sizeof out->klass, "%slookalike-distance-2", pre);
                out->prior = idn ? 0.01 : 0.05;
            }
            g_strlcpy(out->intended, best, sizeof out->intended);
            g_snprintf(out->edit, sizeof out->edit, "\"%s\" looks like a near-typo of \"%s\"", shown, best);
        }
    }
    g_free(key);
    free(uni);
}

/* A host under a protected suffix that is not a typo of a known protected
 * domain is one of the suffix owner's own.  1 when d is. */
static int
match_suffix_own(tl_protect *p, const char *d, tl_typo_verdict *out)
{
    for (guint i = 0; i < p->suffixes->len; i++) {
        const char *suf = p->suffixes->pdata[i];
        size_t n = strlen(d), sl = strlen(suf);
        if ((n == sl && strcmp(d, suf) == 0) || (n > sl && d[n - sl - 1] == '.' && strcmp(d + n - sl, suf) == 0)) {
            out->verdict = TL_VERDICT_PROTECTED;
            out->is_protected = 1;
            g_snprintf(out->intended, sizeof out->intended, "*.%s", suf);
            out->exposure = TL_EXPOSURE_SAME;
            return 1;
        }
    }
    return 0;
}

/* Further away: two edits from a long enough protected name, then one
 * edit from being under a protected suffix. */
static void
match_far(tl_protect *p, const char *d, tl_typo_verdict *out)
{
    const char *hit = lookup_dl2(p, d, DL2_MIN);
    if (hit) {
        g_strlcpy(out->intended, hit, sizeof out->intended);
        g_strlcpy(out->klass, "distance-2", sizeof out->klass);
        g_snprintf(out->edit, sizeof out->edit, "two edits from \"%s\"", hit);
        out->prior = 0.15;
        return;
    }
    const char *klass;
    if (lookup_suffix(p, d, out->intended, sizeof out->intended, &klass, out->edit, sizeof out->edit, &out->prior)) {
        g_snprintf(out->klass, sizeof out->klass, "suffix-%s", klass);
        out->prior *= 0.6;          /* an unknown host under a protected suffix */
    }
}

/* Weak matches: two edits from a short name, or a look-alike key near a
 * protected one without look-alike characters.  Real typos hide there
 * (naii.mil for mail.mil), but so do thousands of unrelated short names:
 * recognised, with a low prior and needs_context, so that they alert only
 * with a context booster. */
static void
match_weak(tl_protect *p, const char *d, int idn, tl_typo_verdict *out)
{
    const char *hit = lookup_dl2(p, d, 0);
    char *uni = NULL;
    if (!hit && idn && (idn2_to_unicode_8z8z(d, &uni, 0) != IDN2_OK || !uni)) {
        free(uni);
        uni = NULL;
    }
    char *key = hit ? NULL : tl_typo_lookalike_key(p, uni ? uni : d);
    char *loose = key ? tl_typo_loose_key(key) : NULL;
    GHashTableIter it;
    gpointer k, val;
    if (key) {
        g_hash_table_iter_init(&it, p->keys);
        while (!hit && g_hash_table_iter_next(&it, &k, &val))
            if (tl_typo_osa_distance(key, k) <= 2)
                hit = val;
        g_hash_table_iter_init(&it, p->loose_keys);
        while (!hit && g_hash_table_iter_next(&it, &k, &val))
            if (tl_typo_osa_distance(loose, k) <= (tl_typo_label_len(val) >= 7 ? 3 : 2))
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

void
tl_typo_check(const tl_protect *cp, const char *domain, tl_typo_verdict *out)
{
    tl_protect *p = (tl_protect *)cp;
    g_once(&p->once, tl_typo_freeze, p);
    memset(out, 0, sizeof *out);
    char *u = tl_typo_normalise(domain);
    char *a = NULL;
    /* The A-label form for the tables and the PSL; the U-label for skeletons. */
    if (idn2_to_ascii_8z(u, &a, IDN2_NONTRANSITIONAL) != IDN2_OK) {
        free(a);
        a = NULL;
    }
    const char *d = a ? a : u;
    g_strlcpy(out->domain, d, sizeof out->domain);
    /* One label ("localhost", "armymil") is not an Internet host. */
    if (strchr(d, '.') && !match_own(p, d, out)) {
        int idn = strstr(d, "xn--") != NULL;
        if (!match_variant(p, d, out) && p->spoof)
            match_lookalike(p, d, idn, out);
        if (out->klass[0] || !match_suffix_own(p, d, out)) {
            if (!out->klass[0])
                match_far(p, d, out);
            if (!out->klass[0])
                match_weak(p, d, idn, out);
            if (out->klass[0])
                tl_typo_score(p, d, out);
        }
    }
    free(a);
    g_free(u);
}
