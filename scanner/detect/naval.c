/*
 * naval.c - naval inspection and operational reports (research/
 * sensitive-content.md section 5.20): OPS.NAVAL.
 *
 * Per part: three or more distinct terms of the inspection and readiness
 * lexicon (INSURV, trial cards, CASREP, departure from specification,
 * SRA/DSRA, TYCOM, SITREP, OPREP-3...) make a report (75); with a hull
 * number (DDG 51, CVN-78) beside a status word (degraded, deficiency,
 * casualty, not mission capable...) 85; with a government marking in the
 * same part 95.  Public Navy news carries hull numbers and a word or two
 * of the lexicon, not three with a status.
 */
#include <hs.h>
#include <stdio.h>

#include "scanner/detect/leak.h"

const tl_pattern tl_patterns_naval[] = {
    /* the anchors only; the rest of the lexicon is counted in C under one */
    { K_NAVAL,
      "\\b(insurv|board\\x20of\\x20inspection\\x20and\\x20survey|material\\x20inspection|trial\\x20cards?|"
      "acceptance\\x20trials|final\\x20contract\\x20trials|casreps?|casualty\\x20report|"
      "departure\\x20from\\x20specification|sitrep|spotrep|opreps?-3|oprep|intsum|opord|frago|warno|conop)\\b",
      HS_FLAG_CASELESS },
    { 0, NULL, 0 }
};

static const char *const lexicon[] = { "INSURV", "Board of Inspection and Survey", "Material Inspection", "trial card",
                                       "trial cards", "Acceptance Trials", "Final Contract Trials", "CASREP", "CASREPs",
                                       "casualty report", "mission degrading", "departure from specification", "3-M",
                                       "PMS", "SRA", "DSRA", "PIA", "RMC", "SUPSHIP", "NAVSEA", "TYCOM", "OPNAV",
                                       "SURFLANT", "SURFPAC", "material condition", "propulsion", "combat systems",
                                       "damage control", "deficiencies", "SITREP", "SPOTREP", "OPREP-3", "OPREP",
                                       "INTSUM", "FPCON", "THREATCON", "OPORD", "FRAGO", "WARNO", "CONOP", NULL };

void
tl_doc_naval(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out)
{
    if (!tl_hits_of(d, K_NAVAL)->len)
        return;
    const char *t = p->text;
    int terms = tl_words_in(t, p->len, 0, p->len, 0, 0, lexicon, NULL);
    if (terms < 3)
        return;
    static const char *const status[] = { "degraded", "deficiency", "deficiencies", "casualty", "inoperative", "inop",
                                          "not mission capable", "NMC", "partially mission capable", "PMC", "C2",
                                          "C3", "C4", "unsat", "unsatisfactory", "failed", "failure", "restricted",
                                          "down", "awaiting parts", "estimated repair", "ETR", NULL };
    int score = 75;
    const tl_hit *hull = NULL;
    const GArray *a = tl_hits_of(d, P_HULL);
    for (guint i = 0; i < a->len && !hull; i++) {
        const tl_hit *h = &g_array_index(a, tl_hit, i);
        if (tl_words_near(t, p->len, h->from, h->to, 300, 300, status))
            hull = h;
    }
    if (hull)
        score = 85;
    int marked = tl_best_of(found, "MARK.CLASS", NULL) >= 75 || tl_best_of(found, "MARK.CUI", NULL) >= 75;
    if (marked)
        score = 95;
    const tl_hit *at = tl_first_hit(d, K_NAVAL);
    char hn[24] = "";
    if (hull)
        g_snprintf(hn, sizeof hn, ", %.*s", (int)MIN(hull->to - hull->from, 16), t + hull->from);
    char norm[96];
    g_snprintf(norm, sizeof norm, "naval:%.*s%s", (int)MIN(at->to - at->from, 40), t + at->from, hn);
    for (char *q = norm; *q; q++)
        *q = g_ascii_toupper(*q);
    /* hull numbers and lexicon hits are public identifiers: stored */
    tl_doc_cand(out, "naval-report", "OPS.NAVAL", at->from, at->to, score,
                g_strdup_printf("naval report: %d terms%s%s", terms, hn, marked ? ", marked" : ""), norm, 0);
}
