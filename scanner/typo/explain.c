/*
 * explain.c - verdicts in words: names of exposures and verdict kinds,
 * and the one-line explanation `typoleak check` prints.
 */
#include "scanner/typo/typo_int.h"    /* GLib first: idn2.h defines G_GNUC_DEPRECATED only when GLib has not */

#include <string.h>

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
    const char *why = v->strong ? "; strong: alerts on its own when open"
                      : strcmp(v->klass, "wrong-tld") == 0 ? "; weak, a whole-TLD swap: alerts only with strong context"
                      : strcmp(v->klass, "weak-near") == 0 ? "; weak, two edits or look-alikes away: alerts only with strong context"
                      : v->needs_context ? "; weak, an edit of a name of three letters or less: alerts only with strong context"
                      : "; weak, a rare edit: alerts only with strong context";
    g_snprintf(out, len, "%s: %s (%s, prior %.2f); %s %s; score %.2f%s", v->intended, v->edit, v->klass, v->prior,
               who, v->registrable[0] ? v->registrable : v->domain, v->score, why);
}
