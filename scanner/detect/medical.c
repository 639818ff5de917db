/*
 * medical.c - protected health information (research/sensitive-content.md
 * section 5.15): MED.PHI.
 *
 * Candidates: ICD-10-CM codes, only with a clinical word near (Dx,
 * diagnosis, assessment, ICD, problem list...) and never beside an
 * aircraft, weapon or product word (F16, C130, M240 and SKU A12.3 are the
 * traps of section 8); NPI numbers (Luhn over 80840 + the ten digits)
 * and DEA registrations (their check digit), each after its label;
 * Medicare Beneficiary Identifiers (the CMS grammar) after `MBI` or
 * `Medicare`; medical record numbers after their label.  Per part: a
 * record, health content (a DoD medical form, a sick-call or profile
 * word, lab and vital-sign lines, codes) with an identifier of the person
 * in the same part; behavioural-health records are `phi-bh` (section 6:
 * S1).
 */
#include <hs.h>
#include <stdio.h>

#include "scanner/detect/leak.h"

#define MBI_L "[AC-HJKMNP-RT-Y]"
#define MBI_A "[AC-HJKMNP-RT-Y0-9]"

const tl_pattern tl_patterns_medical[] = {
    /* letter, digit, letter or digit, then an optional dot and 1-4 more;
     * U only as U07/U09 */
    /* dotted anywhere (the context is checked in C); undotted only right
     * after a diagnosis label: a bare letter-digit-digit token is an
     * aircraft, a vitamin or a paper size far more often */
    { P_ICD10,
      "\\b([A-TV-Z]\\d[0-9A-Z]|U0[79])\\.[0-9A-Z]{1,4}\\b|"
      "(?i:\\b(dx|icd(-10)?|diagnosis|diag)\\b)[\\x20:#-]{1,3}([A-TV-Z]\\d[0-9A-Z]|U0[79])\\b",
      0 },
    /* identifiers right after their label (the label is the anchor that
     * keeps these shapes cheap in the one pass) */
    { P_NPI, "(?i:\\b(npi|national\\x20provider(\\x20identifier)?)\\b)(\\x20?(no\\.?|number|#))?[\\x20:#]{1,3}[12]\\d{9}\\b", 0 },
    { P_DEA, "(?i:\\bdea\\b)(\\x20?(no\\.?|number|#|registration))?[\\x20:#]{1,3}[ABFGMPRX][A-Z9]\\d{7}\\b", 0 },
    { P_MBI,
      "(?i:\\b(mbi|medicare)\\b)(\\x20?(no\\.?|number|id|#|beneficiary\\x20identifier))?[\\x20:#]{1,3}"
      "[1-9]" MBI_L MBI_A "\\d-?" MBI_L MBI_A "\\d-?" MBI_L "{2}\\d{2}\\b",
      0 },
    { P_MRN, "(?i:\\b(mrn|medical\\x20record\\x20(number|no\\.?|#)|patient\\x20id)\\x20?[:#]?\\x20?)[A-Z0-9-]{6,12}\\b",
      0 },
    /* vital signs and labs: BP 120/80, HR 72, SpO2 98%, A1C 6.1 */
    { P_VITAL,
      "(?i:\\b(bp|blood\\x20pressure)\\x20?:?\\x20?\\d{2,3}/\\d{2,3}|\\b(hr|pulse|resp|rr)\\x20?:?\\x20?\\d{2,3}\\b|"
      "\\b(temp|temperature)\\x20?:?\\x20?\\d{2,3}(\\.\\d)?\\x20?(f|c)?\\b|\\b(spo2|o2\\x20sat)\\x20?:?\\x20?\\d{2,3}\\x20?%|"
      "\\b(a1c|hba1c|ldl|hdl|glucose|creatinine|hgb|wbc)\\x20?:?\\x20?\\d{1,3}(\\.\\d{1,2})?)",
      0 },
    /* DoD medical forms and care words that start a record; the rest of
     * the lexicon is counted in C under one of them */
    { K_MEDFORM,
      "\\b(sf\\x20?600|dd\\x20?(form\\x20)?2766|dd\\x20?(form\\x20)?689|dd\\x20?2807-1|dd\\x20?2808|da\\x20?3349|"
      "dd\\x20?279[56]|pdhra?|limdu|physical\\x20profile|temporary\\x20profile|permanent\\x20profile|sick\\x20call|"
      "sick\\x20slip|tricare|mhs\\x20genesis|ahlta|immunization\\x20record|shot\\x20record|patient|diagnosis|"
      "chief\\x20complaint)\\b",
      HS_FLAG_CASELESS },
    { 0, NULL, 0 }
};

static int
icd10(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    size_t v = tl_value_start(t, h->from, h->to, ".");
    const char *s = t + v;
    size_t n = h->to - v;
    if (v > 0 && strchr("-./#", t[v - 1]) && v == h->from)
        return 0;
    if (h->to + 1 < p->len && strchr("-/", t[h->to]) && g_ascii_isalnum(t[h->to + 1]))
        return 0;
    c->from = v;
    static const char *const dx[] = { "ICD", "ICD-10", "ICD-10-CM", "Dx", "diagnosis", "diagnoses", "diag",
                                      "assessment", "A/P", "problem list", "PMH", "impression", "chief complaint",
                                      NULL };
    (void)d;
    if (!tl_words_near(t, p->len, v, h->to, 50, 50, dx))
        return 0;
    int dotted = n > 3 && s[3] == '.';
    c->det = "icd10", c->cat = "MED.PHI";
    c->score = dotted ? 85 : 75;
    /* aircraft, weapons, products: F16, C130, M240 and SKU A12.3 */
    static const char *const not_dx[] = { "aircraft", "airframe", "sortie", "sorties", "tail", "rifle", "weapon",
                                          "weapons", "round", "rounds", "jet", "jets", "fighter", "squadron", "pilot",
                                          "flight", "model", "sku", "part", "item", "product", "catalog", "catalogue",
                                          "order", "lot", "size", "paper", "promo", "vitamin", "postcode", "grid",
                                          NULL };
    if (tl_words_near(t, p->len, v, h->to, 50, 50, not_dx))
        c->score -= 40;
    c->masked = g_strdup_printf("ICD-10 %.3s", s);
    g_snprintf(c->norm, sizeof c->norm, "%.*s", (int)MIN(n, 16), s);
    return 1;
}

static int
npi(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    (void)d;
    c->from = tl_value_start(p->text, h->from, h->to, "");
    const char *s = p->text + c->from;
    /* Luhn over 80840 followed by the ten digits */
    char all[16];
    g_snprintf(all, sizeof all, "80840%.10s", s);
    int sum = 0;
    for (int i = 14, dbl = 0; i >= 0; i--, dbl = !dbl) {
        int v = all[i] - '0';
        if (dbl && (v *= 2) > 9)
            v -= 9;
        sum += v;
    }
    if (sum % 10)
        return 0;
    c->det = "npi", c->cat = "MED.PHI";
    c->score = 75;
    /* a provider's number is public registry data: stored in full */
    c->masked = g_strdup_printf("NPI %.10s", s);
    g_snprintf(c->norm, sizeof c->norm, "%.10s", s);
    return 1;
}

static int
dea(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    (void)d;
    c->from = tl_value_start(p->text, h->from, h->to, "");
    const char *s = p->text + c->from;
    const char *g = s + 2;
    int v = (g[0] - '0') + (g[2] - '0') + (g[4] - '0') + 2 * ((g[1] - '0') + (g[3] - '0') + (g[5] - '0'));
    if (v % 10 != g[6] - '0')
        return 0;
    c->det = "dea", c->cat = "MED.PHI";
    c->score = 75;
    c->masked = g_strdup_printf("DEA %.9s", s);
    g_snprintf(c->norm, sizeof c->norm, "%.9s", s);
    return 1;
}

static int
mbi(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    (void)d;
    c->from = tl_value_start(p->text, h->from, h->to, "-");
    const char *s = p->text + c->from;
    char v[16];
    size_t m = 0;
    for (size_t i = 0; i < h->to - c->from && m + 1 < sizeof v; i++)
        if (s[i] != '-')
            v[m++] = s[i];
    v[m] = 0;
    c->det = "mbi", c->cat = "MED.PHI";
    c->score = 85;
    c->pii = 1;
    c->masked = g_strdup_printf("*******%s", v + m - 4);
    g_strlcpy(c->norm, v, sizeof c->norm);
    return 1;
}

static int
mrn(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    size_t v = h->to;
    while (v > h->from && (g_ascii_isupper(t[v - 1]) || g_ascii_isdigit(t[v - 1]) || t[v - 1] == '-'))
        v--;
    int digits = 0;
    for (size_t i = v; i < h->to; i++)
        digits += g_ascii_isdigit(t[i]);
    if (digits < 4)
        return 0;
    c->from = v;
    c->det = "mrn", c->cat = "MED.PHI";
    c->score = 75;
    c->pii = 1;
    c->masked = g_strdup_printf("MRN ***%.3s", t + h->to - 3);
    g_snprintf(c->norm, sizeof c->norm, "%.*s", (int)(h->to - v), t + v);
    return 1;
}

int
tl_cand_medical(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    switch (h->id) {
    case P_ICD10:
        return icd10(d, p, h, c);
    case P_NPI:
        return npi(d, p, h, c);
    case P_DEA:
        return dea(d, p, h, c);
    case P_MBI:
        return mbi(d, p, h, c);
    case P_MRN:
        return mrn(p, h, c);
    default:
        return 0;
    }
}

/* A record: health content (forms, care words, vitals, codes) with an
 * identifier of the person (an SSN, DoD ID, date of birth, MBI, MRN, a
 * rank-name unit) in the same part. */
static const char *const care[] = { "SF 600", "SF600", "DD 2766", "DD Form 2766", "DD 689", "DD Form 689", "DD 2807-1",
                                    "DD 2808", "DA 3349", "DD 2795", "DD 2796", "PHA", "PDHA", "PDHRA", "LIMDU",
                                    "physical profile", "temporary profile", "permanent profile", "sick call", "sick slip",
                                    "MEB", "PEB", "IDES", "MTF", "TRICARE", "MHS GENESIS", "AHLTA", "CHCS", "dental class",
                                    "immunization record", "shot record", "patient", "diagnosis", "prescribed", "Rx",
                                    "medication", "medications", "allergies", "vitals", "chief complaint", NULL };
static const char *const bh_words[] = { "behavioral health", "behavioural health", "mental health", "FAP", "SARC",
                                           "SAPR", "restricted report", "suicidal", "suicide risk", "PTSD",
                                           "post-traumatic stress", "psychiatric", "substance use", "sexual assault",
                                           NULL };

void
tl_doc_medical(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out)
{
    int codes = tl_best_of(found, NULL, "icd10") >= 75, vitals = (int)tl_hits_of(d, P_VITAL)->len;
    if (!tl_hits_of(d, K_MEDFORM)->len && !codes && vitals < 2)
        return;
    int forms = tl_words_in(p->text, p->len, 0, p->len, 0, 0, care, NULL);
    int bh = tl_words_in(p->text, p->len, 0, p->len, 0, 0, bh_words, NULL) > 0;
    int health = forms + (vitals >= 2) + codes + (bh && forms);
    if (health < 2)
        return;
    int ident = 0;
    for (guint i = 0; i < found->len && !ident; i++) {
        const tl_finding *f = found->pdata[i];
        ident = f->pii && f->score >= 75 && strcmp(f->category, "PII.CONTACT") != 0;
    }
    size_t rf, rt;
    ident |= tl_rank_name_at(p->text, 0, p->len, &rf, &rt);
    if (!ident)
        return;
    const tl_hit *a = tl_first_hit(d, K_MEDFORM);
    if (!a)
        a = tl_first_hit(d, P_VITAL);
    if (!a)
        return;
    int behavioural = bh && forms;
    char norm[96];
    g_snprintf(norm, sizeof norm, "phi:%.*s", (int)MIN(a->to - a->from, 40), p->text + a->from);
    tl_doc_cand(out, behavioural ? "phi-bh" : "phi", "MED.PHI", a->from, a->to, behavioural ? 90 : 85,
                g_strdup_printf("health record%s: %d form or care words, %d vital or lab lines%s",
                                behavioural ? " (behavioural health)" : "", forms, vitals, codes ? ", ICD-10 codes" : ""),
                norm, 0);
}
