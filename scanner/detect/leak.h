/*
 * leak.h - small helpers shared by the families of what the leak carried
 * (issue 12): travel.c, people.c, medical.c, tax.c, naval.c, places.c.
 * They include engine.h, the families' header.
 */
#ifndef TL_DETECT_LEAK_H
#define TL_DETECT_LEAK_H

#include <string.h>

#include "scanner/detect/engine.h"

/* The lists vendored in data/ and compiled in (tools/embed.sh). */
extern const char tl_iata_airlines[], tl_iata_airports[], tl_first_names[], tl_installations[];
/* Military and operational-location words (section 5.13; places.c). */
extern const char *const tl_milcue[];
/* The listed installation (data/us-military-installations.txt) nearest
 * to lat, lon within km, or NULL; *dist (may be NULL) gets how far. */
const char *tl_installation_near(double lat, double lon, double km, double *dist);
/* Whether s[0, n) is a given name of data/first-names.txt (as written:
 * capitalised, or all upper case; people.c). */
int tl_first_name(const char *s, size_t n);
/* Whether code (2 upper-case letters or digits) is an active airline's
 * designator, and code (3 letters) an airport's (travel.c). */
int tl_iata_airline(const char *code);
int tl_iata_airport(const char *code);
/* The first rank-name unit (a rank of a US service and a capitalised
 * surname, section 5.11) on t[ls, le): 1 and its span (people.c). */
int tl_rank_name_at(const char *t, size_t ls, size_t le, size_t *from, size_t *to);

/* A document-level candidate: its span, category and score; masked is
 * taken (g_malloc'd); norm is what its keyed hash is over (NULL: none). */
static inline void
tl_doc_cand(GArray *out, const char *det, const char *cat, size_t from, size_t to, int score, char *masked,
            const char *norm, int pii)
{
    tl_cand c = { 0 };
    c.det = det, c.cat = cat;
    c.from = from, c.to = to;
    c.score = score;
    c.masked = masked;
    c.pii = pii;
    c.doc_neg_penalty = 20;
    if (norm)
        g_strlcpy(c.norm, norm, sizeof c.norm);
    else
        c.no_hash = 1;
    g_array_append_val(out, c);
}

/* The highest score of a finding of category cat (or detector det when
 * cat is NULL) in found; 0 when none. */
static inline int
tl_best_of(const GPtrArray *found, const char *cat, const char *det)
{
    int best = 0;
    for (guint i = 0; i < found->len; i++) {
        const tl_finding *f = found->pdata[i];
        if ((cat && strcmp(f->category, cat) == 0) || (det && strcmp(f->detector, det) == 0))
            best = MAX(best, f->score);
    }
    return best;
}

/* The first hit of class k, or NULL. */
static inline const tl_hit *
tl_first_hit(tl_detector *d, unsigned k)
{
    const GArray *a = tl_hits_of(d, k);
    const tl_hit *best = NULL;
    for (guint i = 0; i < a->len; i++) {
        const tl_hit *h = &g_array_index(a, tl_hit, i);
        if (!best || h->from < best->from)
            best = h;
    }
    return best;
}

/* Where the value at the end of a labelled match [from, to) starts: the
 * run of characters of set (and letters and digits) before to, leading
 * blanks skipped. */
static inline size_t
tl_value_start(const char *t, size_t from, size_t to, const char *set)
{
    size_t v = to;
    while (v > from && (g_ascii_isalnum(t[v - 1]) || strchr(set, t[v - 1])))
        v--;
    while (v < to && t[v] == ' ')
        v++;
    return v;
}

/* The keyword lists consulted only beside a rare candidate or under an
 * anchor (lodging words beside a room number, unit and rating words on a
 * roster's rows, movement words over a time-line, box labels under a tax
 * form...) are looked for here, in t[lo, hi) outside [skip_from,
 * skip_to), case-insensitive and as whole words: kept out of the one
 * Hyperscan pass, where their hits in ordinary mail would cost every
 * part.  The number of distinct entries of words (at most 128, NULL-ended)
 * found; *first (when not NULL) gets the offset of the earliest. */
static inline int
tl_words_in(const char *t, size_t len, size_t lo, size_t hi, size_t skip_from, size_t skip_to,
            const char *const *words, size_t *first)
{
    guint8 seen[128] = { 0 };
    int n = 0;
    hi = MIN(hi, len);
    for (size_t i = lo; i < hi; i++) {
        if ((i >= skip_from && i < skip_to) || (i > 0 && g_ascii_isalnum(t[i - 1])) || !g_ascii_isalnum(t[i]))
            continue;
        for (size_t w = 0; words[w] && w < sizeof seen; w++) {
            size_t k = strlen(words[w]);
            if (seen[w] || g_ascii_tolower(t[i]) != g_ascii_tolower(words[w][0]) || i + k > len ||
                g_ascii_strncasecmp(t + i, words[w], k) != 0 || (i + k < len && g_ascii_isalnum(t[i + k])))
                continue;
            if (!n && first)
                *first = i;
            seen[w] = 1;
            n++;
        }
    }
    return n;
}

/* Whether one of words is within before/after characters of [from, to). */
static inline int
tl_words_near(const char *t, size_t len, size_t from, size_t to, size_t before, size_t after,
              const char *const *words)
{
    return tl_words_in(t, len, from > before ? from - before : 0, to + after, from, to, words, NULL) > 0;
}

#endif
