/*
 * score.c - exposure and scoring: who could receive mail sent to a typo
 * domain (the Public Suffix List: open, closed, nonexistent TLD), and the
 * score, prior x exposure weight.
 */
#include "scanner/typo/typo_int.h"    /* GLib first: idn2.h defines G_GNUC_DEPRECATED only when GLib has not */

#include <libpsl.h>
#include <string.h>

/* Namespaces only their owner can register into. */
static const char *const closed_tlds[] = { "mil", "gov", "edu", "int", "arpa", NULL };

/* Exposure of host d (ASCII) as a typo of intended. */
tl_exposure
tl_typo_exposure_of(tl_protect *p, const char *d, const char *intended, char *registrable, size_t rlen)
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

double
tl_typo_exposure_weight(tl_exposure e)
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

void
tl_typo_score(tl_protect *p, const char *d, tl_typo_verdict *out)
{
    out->exposure = tl_typo_exposure_of(p, d, out->intended[0] == '*' ? out->intended + 2 : out->intended,
                                        out->registrable, sizeof out->registrable);
    if (out->exposure == TL_EXPOSURE_SAME) {
        out->klass[0] = '\0';       /* same owner: a sub-domain, not a typo */
        return;
    }
    out->verdict = TL_VERDICT_TYPO;
    out->is_typo = 1;
    out->score = out->prior * tl_typo_exposure_weight(out->exposure);
    /* How likely a typo on its own: a whole-TLD swap, an edit of a name of
     * three letters or less, distance 2 and weak matches land among real
     * domains as often as not; the rest is typed by accident. */
    out->strong = !out->needs_context && out->prior >= TL_TYPO_STRONG_PRIOR;
}
