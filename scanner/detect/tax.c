/*
 * tax.c - tax and pay records (research/sensitive-content.md section
 * 5.16): TAX.RECORD.
 *
 * Per part: a form anchor (Form W-2, Wage and Tax Statement, its OMB
 * number, Form 1040, 1099-MISC and the other 1099s, W-4, W-9, 1095-B/C,
 * 1042-S) with two or more of the form's box labels and an amount is a
 * record (80); with a validated SSN, ITIN or EIN of the same part, 95; the
 * W-2's OMB number with three box labels, 90 even when the sender masked
 * the SSN.  A Leave and Earnings Statement is its title, or `LES`, `DFAS`
 * or `myPay`, with three or more of its field labels and an amount (80,
 * 95 with an identifier).  Marketing of tax preparation and IRS notices
 * name the forms but carry no box labels with amounts; `LES` alone is the
 * Law Enforcement Sensitive marking or a remark.
 */
#include <hs.h>
#include <stdio.h>

#include "scanner/detect/leak.h"

const tl_pattern tl_patterns_tax[] = {
    { K_TAXFORM, "\\b(form\\x20w-?2|w-2|w-2c|wage\\x20and\\x20tax\\x20statement|omb\\x20no\\.?\\x20?1545-0008|"
                 "form\\x201040|omb\\x20no\\.?\\x20?1545-0074|1099-(misc|nec|int|div|r|g|k|b)|form\\x201099|w-4|"
                 "w-9|1095-[bc]|1042-s|employee'?s\\x20withholding\\x20certificate)\\b",
      HS_FLAG_CASELESS },
    { K_LES, "\\b(leave\\x20and\\x20earnings\\x20statement|les|dfas|mypay)\\b", HS_FLAG_CASELESS },
    { 0, NULL, 0 }
};

/* box labels of the forms, field labels of the LES: read only under an
 * anchor */
static const char *const box_words[] = { "wages, tips, other compensation", "federal income tax withheld",
                                         "social security wages", "social security tax withheld",
                                         "medicare wages and tips", "medicare tax withheld",
                                         "employer identification number", "employee's social security number",
                                         "employer's name", "control number", "state wages", "local wages",
                                         "nonemployee compensation", "payer's TIN", "recipient's TIN",
                                         "adjusted gross income", "taxable income", "total tax", "filing status",
                                         "dependents", "allowances", NULL };
static const char *const les_words[] = { "entitlements", "deductions", "allotments", "BAH", "BAS", "TSP", "FITW", "FICA",
                                         "SGLI", "PEBD", "BASD", "ETS", "pay date", "LV BAL", "base pay", "net amt",
                                         "mid-month-pay", "end of month", NULL };

void
tl_doc_tax(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out)
{
    const char *t = p->text;
    const tl_hit *form = tl_first_hit(d, K_TAXFORM), *les = tl_first_hit(d, K_LES);
    if (!form && !les)
        return;
    /* an amount: $1,234 or 1,234.56 (looked for only under an anchor) */
    int money = 0;
    for (size_t i = 0; i + 3 < p->len && !money; i++)
        money = (t[i] == '$' && g_ascii_isdigit(t[i + 1 + (t[i + 1] == ' ')])) ||
                (t[i] == '.' && i > 0 && g_ascii_isdigit(t[i - 1]) && g_ascii_isdigit(t[i + 1]) &&
                 g_ascii_isdigit(t[i + 2]) && !g_ascii_isdigit(t[i + 3]));
    if (!money)
        return;
    int ids = 0;
    for (guint i = 0; i < found->len; i++) {
        const tl_finding *f = found->pdata[i];
        ids |= f->score >= 75 && (strcmp(f->detector, "ssn") == 0 || strcmp(f->detector, "itin") == 0 ||
                                  strcmp(f->detector, "ein") == 0);
    }
    int boxes = form ? tl_words_in(t, p->len, 0, p->len, 0, 0, box_words, NULL) : 0;
    int score = 0;
    const tl_hit *at = NULL;
    const char *kind = NULL;
    if (form && boxes >= 2) {
        at = form;
        kind = "tax form";
        score = 80;
        int omb = 0;
        const GArray *a = tl_hits_of(d, K_TAXFORM);
        for (guint i = 0; i < a->len; i++) {
            const tl_hit *h = &g_array_index(a, tl_hit, i);
            omb |= h->to - h->from >= 4 && memcmp(t + h->to - 4, "0008", 4) == 0;
        }
        if (omb && boxes >= 3)
            score = 90;
    }
    int labels = les ? tl_words_in(t, p->len, 0, p->len, 0, 0, les_words, NULL) : 0;
    if (!score && les && labels >= 3) {
        at = les;
        kind = "leave and earnings statement";
        score = 80;
    }
    if (!score)
        return;
    if (ids)
        score = 95;
    /* the form's name as written, then the tax year if one follows */
    char name[48];
    g_snprintf(name, sizeof name, "%.*s", (int)MIN(at->to - at->from, 40), t + at->from);
    char *up = g_ascii_strup(name, -1);
    char norm[96];
    g_snprintf(norm, sizeof norm, "tax:%s", up);
    tl_doc_cand(out, "tax-form", "TAX.RECORD", at->from, at->to, score,
                g_strdup_printf("%s: %s%s", kind, up, ids ? ", validated identifier" : ""), norm, 0);
    g_free(up);
}
