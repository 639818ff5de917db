/*
 * detect_mark.c - government markings (research/sensitive-content.md
 * section 5.12): classification banners and portion marks, classification
 * authority blocks, DoD e-mail classification lines, CUI banners and
 * designation indicators, legacy controls (FOUO...), privacy notices,
 * distribution statements A to F and export-control warnings.
 *
 * Markings are labels, not personal data: they are stored verbatim and
 * carry no keyed hash.  What makes them hard is that their words are
 * everyday words ("secret", "confidential", "(c)", "cui" in Italian): a
 * marking counts only in its structure - upper case, alone on its line,
 * with "//" control groups, at the start of a paragraph or cell, or
 * backed by other marks of the same part (section 8, traps 1 to 5).
 */
#include <hs.h>
#include <string.h>

#include "scanner/detect/engine.h"

#define LEVELS "TOP\\x20SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED|RESTRICTED|NATO\\x20SECRET|COSMIC\\x20TOP\\x20SECRET"
/* control groups: //SI/TK, //NOFORN, //REL TO USA, FVEY, //FOUO */
#define GROUPS "(//[A-Z0-9][A-Z0-9\\x20,/-]*)"

const tl_pattern tl_patterns_mark[] = {
    /* a banner: the level (or CUI) and its groups alone on a line */
    { P_BANNER, "^[\\x20\\t]*(" LEVELS "|CUI|CONTROLLED)" GROUPS "?[\\x20\\t]*$", HS_FLAG_MULTILINE },
    /* a portion mark; where it stands is checked in C */
    { P_PORTION, "\\((U|C|S|TS|CUI)(//[A-Z0-9][A-Z0-9\\x20,/-]*)?\\)", 0 },
    /* classification authority block */
    { P_CAB, "^[\\x20\\t]*(Classified\\x20By|Derived\\x20From|Declassify\\x20On|Reason):[^\\n]*$",
      HS_FLAG_MULTILINE | HS_FLAG_CASELESS },
    /* CUI designation indicator */
    { P_CUI_IND, "^[\\x20\\t]*(Controlled\\x20by|CUI\\x20Categor(y|ies)|Categories|Distribution/Dissemination\\x20Control|"
                 "Limited\\x20Dissemination\\x20Control|LDC|POC):[^\\n]*$", HS_FLAG_MULTILINE | HS_FLAG_CASELESS },
    /* legacy controls, in upper case only */
    { P_FOUO, "FOUO|FOR\\x20OFFICIAL\\x20USE\\x20ONLY|SENSITIVE\\x20BUT\\x20UNCLASSIFIED|LAW\\x20ENFORCEMENT\\x20SENSITIVE|"
              "SENSITIVE\\x20SECURITY\\x20INFORMATION|DoD\\x20UCNI|LIMDIS", 0 },
    { P_PRIVACY, "privacy\\x20act\\x20of\\x201974|5\\x20U\\.?S\\.?C\\.?\\x20(\\xc2\\xa7\\x20?)?552a|privacy\\x20sensitive|"
                 "civil\\x20and\\x20criminal\\x20penalties", HS_FLAG_CASELESS },
    /* distribution statements; the letter in upper case */
    { P_DIST, "(?i:distribution\\x20statement)\\x20[A-FX]\\b|DISTRIBUTION\\x20[A-F][.:]", 0 },
    { P_EXPORT, "arms\\x20export\\x20control\\x20act|export\\x20administration\\x20act|"
                "international\\x20traffic\\x20in\\x20arms\\x20regulations|export\\x20administration\\x20regulations|"
                "title\\x2022,?\\x20u\\.?s\\.?c\\.?,?\\x20sec(tion|\\.)?\\x202751|22\\x20cfr\\x2012\\d|15\\x20cfr\\x207[3-7]\\d|"
                "usml\\x20category", HS_FLAG_CASELESS },
    { P_EXPORT, "ITAR|ECCN|EAR99", 0 },
    /* DoD enterprise mail: Classification: UNCLASSIFIED//FOUO, Caveats: */
    { P_CLASS_LINE, "^[\\x20\\t]*(Classification|CLASSIFICATION):[\\x20\\t]*(" LEVELS "|CUI)" GROUPS "?[\\x20\\t]*$",
      HS_FLAG_MULTILINE },
    { P_CLASS_LINE, "^[\\x20\\t]*(Caveats|CAVEATS):[\\x20\\t]*[A-Z][A-Z0-9\\x20,/-]*$", HS_FLAG_MULTILINE },
    /* marking guides and training decks quote markings */
    { K_MARK_NEG, "\\b(markings\\x20are\\x20for\\x20training(\\x20purposes)?(\\x20only)?|marking\\x20guide|"
                  "marking\\x20examples?|classification\\x20markings\\x20training|for\\x20training\\x20use)", HS_FLAG_CASELESS },
    { K_DESTRUCT, "\\b(destruction\\x20notice)", HS_FLAG_CASELESS },
    { 0, NULL, 0 }
};

/* The part's markings, counted once per part: how many portion marks at
 * a paragraph or cell start, classified ones among them, authority lines,
 * indicator lines, banners per level. */
static int portion_at_start(const char *t, size_t from);
static int portion_ok(const tl_text_part *p, const tl_hit *h);
static int cab_valid(const char *t, size_t from, size_t to);

static const struct tl_mark_state *
state(tl_detector *d, const tl_text_part *p)
{
    struct tl_mark_state *m = &d->mark;
    if (m->serial == d->serial)
        return m;
    memset(m, 0, sizeof *m);
    m->serial = d->serial;
    const char *t = p->text;
    const GArray *a = tl_hits_of(d, P_PORTION);
    for (guint i = 0; i < a->len; i++) {
        const tl_hit *h = &g_array_index(a, tl_hit, i);
        if (!portion_ok(p, h))
            continue;
        m->portions++;
        m->classified_portions += t[h->from + 1] != 'U';
    }
    a = tl_hits_of(d, P_CAB);
    for (guint i = 0; i < a->len; i++) {
        const tl_hit *h = &g_array_index(a, tl_hit, i);
        m->cab += cab_valid(t, h->from, h->to);
    }
    m->cui_ind = (int)tl_hits_of(d, P_CUI_IND)->len;     /* whole lines: the pattern ends at $ */
    a = tl_hits_of(d, P_BANNER);
    for (guint i = 0; i < a->len; i++) {
        const tl_hit *h = &g_array_index(a, tl_hit, i);
        const char *s = t + h->from + strspn(t + h->from, " \t");
        m->cui_banner += g_str_has_prefix(s, "CUI") || g_str_has_prefix(s, "CONTROLLED");
        m->top_secret += g_str_has_prefix(s, "TOP SECRET") || g_str_has_prefix(s, "COSMIC TOP SECRET");
        m->secret += g_str_has_prefix(s, "SECRET") || g_str_has_prefix(s, "NATO SECRET");
        m->confidential += g_str_has_prefix(s, "CONFIDENTIAL");
    }
    m->guide = tl_hits_of(d, K_MARK_NEG)->len > 0;
    m->destruct = tl_hits_of(d, K_DESTRUCT)->len > 0;
    return m;
}

/* A portion mark opens a paragraph, a line, a bullet or a table cell:
 * only blanks, bullets or a tab stand between it and the line start. */
static int
portion_at_start(const char *t, size_t from)
{
    size_t i = from;
    while (i > 0 && t[i - 1] != '\n' && t[i - 1] != '\t') {
        char c = t[i - 1];
        /* blanks, bullets, and paragraph numbers: "1.", "a.", "(2)" */
        if (c != ' ' && c != '-' && c != '*' && c != '.' && c != '(' && c != ')' && !g_ascii_isdigit(c) &&
            !g_ascii_islower(c) && !(c == '\xa2' && i >= 3 && t[i - 2] == '\x80' && t[i - 3] == '\xe2'))
            return 0;
        if (from - i > 8)
            return 0;
        i--;
    }
    return 1;
}

/* Authority lines with the content they need: Reason: 1.4(x);
 * Declassify On: a date, an exemption (25X1, 50X1-HUM...) or an event;
 * Classified By / Derived From: anything. */
static int
cab_valid(const char *t, size_t from, size_t to)
{
    const char *s = t + from + strspn(t + from, " \t");
    const char *colon = memchr(s, ':', (size_t)(t + to - s));
    if (!colon)
        return 0;
    const char *v = colon + 1;
    while (v < t + to && (*v == ' ' || *v == '\t'))
        v++;
    size_t vn = (size_t)(t + to - v);
    if (vn == 0)
        return 0;
    if (g_ascii_strncasecmp(s, "Reason", 6) == 0)
        return vn >= 5 && strncmp(v, "1.4", 3) == 0 && (v[3] == '(' || v[3] == ' ');
    return 1;
}

/* The verbatim marking, at most 120 characters, blanks trimmed. */
static char *
verbatim(const char *t, size_t from, size_t to)
{
    while (from < to && (t[from] == ' ' || t[from] == '\t'))
        from++;
    while (to > from && (t[to - 1] == ' ' || t[to - 1] == '\t' || t[to - 1] == '\r'))
        to--;
    size_t n = MIN(to - from, 120);
    while (n > 0 && n < to - from && ((unsigned char)t[from + n] & 0xC0) == 0x80)
        n--;
    return g_strndup(t + from, n);
}

/* A banner line: level, groups. */
static int
banner(const struct tl_mark_state *m, const char *t, size_t from, size_t to, tl_cand *c)
{
    const char *s = t + from + strspn(t + from, " \t");
    size_t n = (size_t)(t + to - s);
    if (n > 120)
        return 0;
    const char *slash = g_strstr_len(s, (gssize)n, "//");
    const char *groups = slash ? slash + 2 : "";
    size_t gn = slash ? (size_t)(t + to - groups) : 0;
    int have_groups = slash != NULL;
    int backed = m->portions > 0 || m->cab >= 1;
    if (g_str_has_prefix(s, "CUI") || g_str_has_prefix(s, "CONTROLLED")) {
        int cui = s[0] == 'C' && s[1] == 'U';
        c->cat = "MARK.CUI", c->det = "cui-banner";
        /* CONTROLLED alone is an ordinary word on a line: it needs the
         * designation indicator */
        c->score = m->cui_ind >= 1 ? 95 : cui ? 80 : 50;
        return 1;
    }
    if (g_str_has_prefix(s, "UNCLASSIFIED")) {
        c->det = "banner";
        if (have_groups && gn > 0) {
            /* U//FOUO, U//CUI...: controlled unclassified */
            c->cat = "MARK.CUI";
            c->score = 85;
        } else {
            c->cat = "MARK.CLASS";
            c->score = 70;  /* a DoD-origin cue, no sensitivity of its own */
        }
        return 1;
    }
    c->cat = "MARK.CLASS", c->det = "banner";
    int confidential = g_str_has_prefix(s, "CONFIDENTIAL") || g_str_has_prefix(s, "RESTRICTED");
    if (have_groups && gn > 0)
        c->score = 95;
    else if (confidential)
        /* corporate "CONFIDENTIAL" lines: only with portion marks or an
         * authority block (trap 1) */
        c->score = backed ? 85 : 50;
    else {
        int repeated = g_str_has_prefix(s, "TOP") || g_str_has_prefix(s, "COSMIC") ? m->top_secret >= 2
                                                                                    : m->secret >= 2;
        c->score = repeated || backed ? 95 : 80;
    }
    return 1;
}

/* A portion mark where marks stand, followed by a blank and text: (C)
 * 2024 is a copyright, friend(s) a plural. */
static int
portion_ok(const tl_text_part *p, const tl_hit *h)
{
    const char *t = p->text;
    if (!portion_at_start(t, h->from))
        return 0;
    if (h->to < p->len && t[h->to] != ' ' && t[h->to] != '\t')
        return 0;
    return !(h->to + 1 < p->len && g_ascii_isdigit(t[h->to + 1]));
}

static int
portion(const struct tl_mark_state *m, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    if (!portion_ok(p, h))
        return 0;
    const char *lv = t + h->from + 1;
    int slash = memchr(lv, '/', h->to - h->from) != NULL;
    c->det = "portion-mark";
    if (lv[0] == 'U' || (lv[0] == 'C' && lv[1] == 'U')) {
        int controlled = slash || lv[0] == 'C';
        c->cat = controlled ? "MARK.CUI" : "MARK.CLASS";
        if (controlled)
            c->score = m->portions >= 3 || m->cui_banner ? 80 : 70;
        else
            c->score = m->portions >= 3 ? 70 : 50;  /* a single (U) is evidence only */
        return 1;
    }
    c->cat = "MARK.CLASS";
    c->score = slash ? 95 : m->portions >= 3 ? 80 : 50;
    return 1;
}

int
tl_cand_mark(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const struct tl_mark_state *m = state(d, p);
    const char *t = p->text;
    c->no_hash = 1;
    c->doc_neg_penalty = 40;    /* section 8: samples and guides quote markings */
    switch (h->id) {
    case P_BANNER:
        if (!banner(m, t, h->from, h->to, c))
            return 0;
        break;
    case P_PORTION:
        if (!portion(m, p, h, c))
            return 0;
        break;
    case P_CAB:
        if (!cab_valid(t, h->from, h->to))
            return 0;
        c->det = "authority-block", c->cat = "MARK.CLASS";
        c->score = m->cab >= 2 ? 95 : 55;
        if (g_ascii_strncasecmp(t + h->from + strspn(t + h->from, " \t"), "Classified By", 13) == 0) {
            /* the classifier's name is not a marking: only the label */
            c->masked = g_strdup("Classified By: \xe2\x9f\xa8name\xe2\x9f\xa9");
            goto scored;
        }
        break;
    case P_CUI_IND: {
        c->det = "cui-indicator", c->cat = "MARK.CUI";
        /* Controlled by: and POC: are ordinary form lines: two indicator
         * lines, or one under a CUI banner */
        c->score = m->cui_ind >= 2 || (m->cui_ind >= 1 && m->cui_banner) ? 95 : 50;
        if (g_ascii_strncasecmp(t + h->from + strspn(t + h->from, " \t"), "POC", 3) == 0) {
            c->masked = g_strdup("POC: \xe2\x9f\xa8name\xe2\x9f\xa9");
            goto scored;
        }
        break;
    }
    case P_FOUO:
        if (!tl_whole_word(t, p->len, h->from, h->to))
            return 0;
        c->det = "legacy-control", c->cat = "MARK.CUI";
        c->score = 80;
        break;
    case P_PRIVACY:
        c->det = "privacy-notice", c->cat = "MARK.CUI";
        c->score = 70;
        if (g_ascii_strncasecmp(t + h->from, "civil", 5) == 0) {
            /* the DoD footer: penalties for misusing personal data */
            size_t lo = h->from > 300 ? h->from - 300 : 0, hi = MIN(p->len, h->to + 300);
            gchar *w = g_ascii_strdown(t + lo, (gssize)(hi - lo));
            int privacy = strstr(w, "privacy") != NULL;
            g_free(w);
            if (!privacy)
                return 0;
        }
        break;
    case P_DIST: {
        if (h->from > 0 && g_ascii_isalnum(t[h->from - 1]))
            return 0;
        const char *letter = t + h->to - 1;
        if (*letter == '.' || *letter == ':')
            letter--;
        int shortform = g_str_has_prefix(t + h->from, "DISTRIBUTION ") && h->to - h->from <= 15;
        if (shortform) {
            /* "DISTRIBUTION A." must come with a statement's words;
             * "Distribution:" list headers never match */
            size_t hi = MIN(p->len, h->to + 300);
            gchar *w = g_ascii_strdown(t + h->to, (gssize)(hi - h->to));
            int words = strstr(w, "public release") || strstr(w, "authorized to") ||
                        strstr(w, "further dissemination") || strstr(w, "dod components");
            g_free(w);
            if (!words)
                return 0;
        }
        c->det = "distribution", c->cat = "MARK.DIST";
        c->score = *letter == 'A' ? 60 : 90;    /* A: public; evidence of a DoD document only */
        if (m->destruct && c->score < 100)
            c->score += 5;
        size_t e = tl_line_end(t, p->len, h->from);
        c->masked = verbatim(t, h->from, MIN(e, h->from + 120));
        goto scored;
    }
    case P_EXPORT: {
        if (!tl_whole_word(t, p->len, h->from, h->to))
            return 0;
        /* an export-control warning says WARNING */
        size_t lo = h->from > 300 ? h->from - 300 : 0, hi = MIN(p->len, h->to + 300);
        int warning = g_strstr_len(t + lo, (gssize)(hi - lo), "WARNING") != NULL;
        c->det = "export-control", c->cat = "MARK.DIST";
        c->score = warning ? 85 : 55;
        break;
    }
    case P_CLASS_LINE: {
        const char *s = t + h->from + strspn(t + h->from, " \t");
        const char *v = strchr(s, ':') + 1;
        v += strspn(v, " \t");
        c->det = "classification-line";
        if (g_ascii_strncasecmp(s, "Caveats", 7) == 0) {
            int none = g_str_has_prefix(v, "NONE") || g_str_has_prefix(v, "N/A");
            c->cat = none ? "MARK.CLASS" : "MARK.CUI";
            c->score = none ? 50 : 85;
        } else if (g_str_has_prefix(v, "UNCLASSIFIED") || g_str_has_prefix(v, "CUI")) {
            int caveat = strstr(v, "//") != NULL && v[0] == 'U';
            c->cat = caveat || v[0] == 'C' ? "MARK.CUI" : "MARK.CLASS";
            c->score = caveat || v[0] == 'C' ? 85 : 70;
        } else {
            c->cat = "MARK.CLASS";
            c->score = 95;
        }
        break;
    }
    default:
        return 0;
    }
    c->masked = verbatim(t, h->from, h->to);
scored:
    if (m->guide)
        c->score -= 40;
    return 1;
}
