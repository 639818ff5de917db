/*
 * typo_int.h - what the files of the typo engine share, and nothing
 * outside scanner/typo/ includes.
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
#ifndef TL_TYPO_INT_H
#define TL_TYPO_INT_H

#include "scanner/typo/typo.h"

#include <libpsl.h>
#include <unicode/uspoof.h>
#include <unicode/utrans.h>

/* A generated variant of a protected domain. */
typedef struct {
    const char *intended;   /* the protected domain (owned by the list) */
    const char *klass;      /* static string */
    const char *edit;       /* NULL for one-edit variants: derived at lookup */
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
    GHashTable *variants;   /* variant -> variant*, both in the two stores below */
    GStringChunk *strings;  /* the variants' names and edits */
    GPtrArray *slabs;       /* the variants, VARIANT_SLAB to an allocation */
    guint slab_used;        /* of the last slab */
    GHashTable *deletes;    /* deletion (<= 2) of a protected domain -> GPtrArray of protected */
    GHashTable *keys;       /* look-alike key -> protected domain */
    GHashTable *loose_keys; /* loose look-alike key -> protected domain (equality only) */
    psl_ctx_t *psl;
    int psl_builtin;            /* psl is libpsl's static built-in list: not freed */
    USpoofChecker *spoof;
    UTransliterator *translit;  /* Any-Latin; Latin-ASCII; Lower (cloned per use), opened lazily */
    tl_once_t translit_once;
};

/* Distance 2 means something only for names long enough: two edits turn
 * "me.com", "live.com" or "army.mil" into thousands of unrelated short
 * domains.  The label left of the TLD must have DL2_MIN characters. */
#define DL2_MIN 5

/* A typo whose prior is at least this (and needs no context) is strong:
 * it alerts on its own when open (docs/typo-model.md). */
#define TL_TYPO_STRONG_PRIOR 0.2

/* lists.c */
/* Trims blanks, lower-cases (ASCII and Unicode), drops a trailing dot. */
char *tl_typo_normalise(const char *s);
gint tl_typo_cmp_str(gconstpointer a, gconstpointer b);

/* variants.c */
/* Builds the tables (g_once with the list as data). */
gpointer tl_typo_freeze(gpointer data);
/* Whether t is one DL edit from p: its class, edit in words and prior. */
int tl_typo_classify_dl1(const char *t, const char *p, const char **klass, char *edit, size_t elen, double *prior);
int tl_typo_valid_host(const char *h);
/* Calls fn on every string one edit from d until it returns non-zero. */
int tl_typo_for_each_dl1(const char *d, int (*fn)(const char *v, void *ctx), void *ctx);
/* The look-alike key of s, and its loose form (g_free). */
char *tl_typo_lookalike_key(tl_protect *p, const char *s);
char *tl_typo_loose_key(const char *key);

/* match.c */
size_t tl_typo_label_len(const char *host);
int tl_typo_osa_distance(const char *a, const char *b);

/* score.c */
/* Exposure of host d (ASCII) as a typo of intended; its registrable
 * domain into registrable. */
tl_exposure tl_typo_exposure_of(tl_protect *p, const char *d, const char *intended, char *registrable, size_t rlen);
double tl_typo_exposure_weight(tl_exposure e);
/* A matched verdict (intended, class, prior) gets its exposure and score;
 * a match under the intended domain's own registrable domain is no typo. */
void tl_typo_score(tl_protect *p, const char *d, tl_typo_verdict *out);

#endif /* TL_TYPO_INT_H */
