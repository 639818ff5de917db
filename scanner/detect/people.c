/*
 * people.c - rosters and crew lists (research/sensitive-content.md
 * section 5.11): PERSONNEL.ROSTER, PERSONNEL.CREWLIST.
 *
 * A rank token alone is nothing (CPT is a billing code, MG a milligram,
 * COL a column): only a rank-name unit counts, a rank of a US service
 * followed by a capitalised surname (`SSG Smith`, `SGT,ABLE,ALEX` in a
 * CSV row, `LCDR J. Doe`), or `Given Surname, RANK, USN`.  A roster is
 * five or more lines, rows of a table or repeated lines, each pairing a
 * rank-name unit with a pay grade or personal data (an identifier, a
 * phone, an e-mail address).  The ranks are looked for in C on those
 * lines only: as a pattern of the one pass their short tokens cost every
 * part a third of its scan.  Its rows become `person` findings that keep only the
 * rank and the initials (and a keyed hash of the name); the roster itself
 * is one `roster` finding: 75 for five rows, 85 for ten, +10 under a
 * roster title or header, 95 when a row carries a validated SSN or DoD ID
 * (section 6: S1).
 *
 * A crew list (IMO FAL Form 5) is five or more rows with a maritime rank
 * or rating and a date or a document number, under two or more of the
 * form's headings, in a part that names its ship by a check-digit-valid
 * IMO number (85) or a hull number (80): film crews and public ship news
 * have one or the other, not both.
 */
#include <hs.h>
#include <stdio.h>
#include <string.h>

#include "scanner/detect/leak.h"


const tl_pattern tl_patterns_people[] = {
    { P_GRADE, "\\b(E-?[1-9]|O-?(10|[1-9])|W-?[1-5]|GS-?(1[0-5]|[1-9])|GS-\\d{4}-\\d{2}|NH-0[1-4])\\b", 0 },
    { P_IMO, "\\bIMO(\\x20?(No\\.?|number|#))?\\x20?:?\\x20?\\d{7}\\b", HS_FLAG_CASELESS },
    { P_HULL,
      "\\b(CVN|CG|DDG|FFG|LCS|LHA|LHD|LPD|LSD|LCC|SSN|SSBN|SSGN|ESB|ESD|EPF|MCM|T-AKE|T-AO|T-AOE|T-ARC|T-AH|T-EPF|"
      "T-ESB)[\\x20-]?\\d{1,4}\\b",
      0 },
    { 0, NULL, 0 }
};

/* ---- rank-name units, found in C on the lines that may be rows -------- */

static const char *const rank_tokens[] = {
    /* Army */
    "PVT", "PV2", "PFC", "SPC", "CPL", "SGT", "SSG", "SFC", "MSG", "1SG", "SGM", "CSM", "WO1", "CW2", "CW3", "CW4", "CW5",
    "2LT", "1LT", "CPT", "MAJ", "LTC", "COL", "BG", "MG", "LTG", "GEN",
    /* Navy, Coast Guard */
    "PO1", "PO2", "PO3", "CPO", "SCPO", "MCPO", "CWO2", "CWO3", "CWO4", "CWO5", "ENS", "LTJG", "LT", "LCDR", "CDR", "CAPT",
    "RDML", "RADM", "VADM", "ADM",
    /* Marine Corps, Air Force, Space Force (mixed case) */
    "Pvt", "LCpl", "Cpl", "Sgt", "SSgt", "GySgt", "MSgt", "1stSgt", "MGySgt", "SgtMaj", "2ndLt", "1stLt", "Capt", "Maj",
    "LtCol", "Col", "BGen", "MajGen", "LtGen", "Gen", "Amn", "A1C", "SrA", "TSgt", "SMSgt", "CMSgt", "Spc1", "Spc2",
    "Spc3", "Spc4", NULL
};
/* two-word ranks of the Air Force style */
static const char *const rank_pairs[] = { "2d Lt", "1st Lt", "Lt Col", "Brig Gen", "Maj Gen", "Lt Gen", NULL };
/* Navy ratings take a level (BM2, ITC, HMCS): IT, MA, CS, PS, OS alone
 * are words */
static const char *const ratings[] = { "ABE", "ABF", "ABH", "AC", "AD", "AE", "AG", "AM", "AO", "AS", "AT", "AWF", "AWO",
                                       "AWR", "AWS", "AWV", "AZ", "BM", "BU", "CE", "CM", "CS", "CTI", "CTM", "CTN", "CTR",
                                       "CTT", "DC", "EA", "EM", "EN", "EO", "ET", "FC", "FT", "GM", "GSE", "GSM", "HM",
                                       "HT", "IC", "IS", "IT", "LN", "LS", "MA", "MC", "MM", "MN", "MR", "MT", "MU", "NC",
                                       "ND", "OS", "PR", "PS", "QM", "RP", "SB", "SH", "SO", "STG", "STS", "SW", "UT",
                                       "YN", NULL };
static const char *const services[] = { "USA", "USN", "USAF", "USMC", "USCG", "USSF", "USAR", "ARNG", "ANG", "USNR",
                                        "USMCR", NULL };

static int
in_list(const char *const *l, const char *s, size_t n)
{
    for (; *l; l++)
        if (strlen(*l) == n && memcmp(*l, s, n) == 0)
            return 1;
    return 0;
}

/* Every rank token, the Navy ratings with each level: one hash set,
 * built once. */
static GHashTable *rank_set;

static gpointer
build_ranks(gpointer unused)
{
    (void)unused;
    rank_set = g_hash_table_new(g_str_hash, g_str_equal);
    for (const char *const *r = rank_tokens; *r; r++)
        g_hash_table_add(rank_set, (gpointer)*r);
    static const char *const levels[] = { "1", "2", "3", "C", "CS", "CM" };
    for (const char *const *r = ratings; *r; r++)
        for (size_t l = 0; l < G_N_ELEMENTS(levels); l++)
            g_hash_table_add(rank_set, g_strconcat(*r, levels[l], NULL));   /* kept for the process */
    return NULL;
}

/* The length of a rank at s (at most n characters), or 0. */
static size_t
rank_at(const char *s, size_t n)
{
    static GOnce once = G_ONCE_INIT;
    if (!g_ascii_isupper(s[0]) && s[0] != '1' && s[0] != '2')
        return 0;
    size_t k = 0;
    while (k < n && k < 8 && g_ascii_isalnum(s[k]))
        k++;
    if (k < 2 || k > 6 || (k < n && (g_ascii_isalnum(s[k]) || strchr("'-_", s[k]))))
        return 0;
    g_once(&once, build_ranks, NULL);
    for (const char *const *r = rank_pairs; *r; r++) {
        size_t m = strlen(*r);
        if (m <= n && memcmp(s, *r, m) == 0 && (m == n || !g_ascii_isalnum(s[m])))
            return m;
    }
    char tok[8];
    memcpy(tok, s, k);
    tok[k] = 0;
    return g_hash_table_contains(rank_set, tok) ? k : 0;
}

/* The first rank-name unit on t[ls, le): a rank, 1-3 blanks or commas, an
 * optional initial, a capitalised surname of two or more letters; or
 * "Given Surname, RANK, USN".  1 and [*from, *to) when found. */
int
tl_rank_name_at(const char *t, size_t ls, size_t le, size_t *from, size_t *to)
{
    for (size_t i = ls; i < le; i++) {
        if ((i > ls && g_ascii_isalnum(t[i - 1])) || !g_ascii_isalnum(t[i]))
            continue;
        size_t k = rank_at(t + i, le - i);
        if (!k)
            continue;
        size_t j = i + k;
        /* reverse: "Given Surname, RANK, USN" */
        if (i >= ls + 2 && t[i - 1] == ' ' && t[i - 2] == ',' && j + 2 < le && t[j] == ',' && t[j + 1] == ' ') {
            size_t se = j + 2;
            while (se < le && g_ascii_isalpha(t[se]))
                se++;
            size_t b = i - 2;
            while (b > ls && (g_ascii_isalpha(t[b - 1]) || t[b - 1] == '\'' || t[b - 1] == '-'))
                b--;
            if (in_list(services, t + j + 2, se - j - 2) && b + 2 < i - 2 && g_ascii_isupper(t[b]) && b > ls + 1 &&
                t[b - 1] == ' ') {
                size_t g = b - 1;
                while (g > ls && g_ascii_isalpha(t[g - 1]))
                    g--;
                if (g + 1 < b - 1 && g_ascii_isupper(t[g])) {
                    *from = g, *to = se;
                    return 1;
                }
            }
        }
        if (j < le && t[j] == '.')
            j++;
        size_t sep = 0;
        while (j < le && sep < 3 && strchr(" \t,", t[j]))
            j++, sep++;
        if (!sep || sep > 3)
            continue;
        if (j + 2 < le && g_ascii_isupper(t[j]) && t[j + 1] == '.') {
            j += 2;
            if (j < le && t[j] == ' ')
                j++;
        }
        size_t s0 = j;
        if (j >= le || !g_ascii_isupper(t[j]))
            continue;
        while (j < le && (g_ascii_isalpha(t[j]) || t[j] == '\'' || t[j] == '-'))
            j++;
        if (j - s0 < 2 || (j < le && g_ascii_isdigit(t[j])))
            continue;
        *from = i, *to = j;
        return 1;
    }
    return 0;
}

static const char *const roster_words[] = { "alpha roster", "recall roster", "personnel roster", "roster", "manning",
                                            "muster", "PERSTAT", "sign-in sheet", "accountability", "manifest",
                                            "passenger manifest", "chalk", "watch bill", "staff list", "org chart",
                                            NULL };
/* IMO FAL Form 5 headings and crew cues */
static const char *const crew_words[] = { "crew list", "name of ship", "IMO number", "call sign", "flag state",
                                          "rank or rating", "nationality", "date and place of birth", "seaman's book",
                                          "seamans book", "seafarer", "seafarers", "nature and number of identity document",
                                          "port of arrival", "date of arrival", "FAL Form 5", NULL };
static const char *const rating_words[] = { "master", "chief officer", "chief mate", "second officer", "2nd officer",
                                            "third officer", "3rd officer", "second mate", "2nd mate", "third mate",
                                            "3rd mate", "second engineer", "2nd engineer", "third engineer",
                                            "3rd engineer", "bosun", "boatswain", "able seaman", "ordinary seaman", "AB",
                                            "OS", "oiler", "wiper", "cook", "chief cook", "steward", "messman",
                                            "chief engineer", "electrician", "ETO", "fitter", "cadet", "deck cadet",
                                            "engine cadet", "pumpman", NULL };

/* IMO ship number: the last digit is that of sum(d[i] * (7 - i)), i < 6. */
static int
imo_ok(const char *d7)
{
    int s = 0;
    for (int i = 0; i < 6; i++)
        s += (d7[i] - '0') * (7 - i);
    return s % 10 == d7[6] - '0';
}

/* Whether the part names a ship: a valid IMO number or a hull number. */
static int
ship_named(tl_detector *d, const char *t)
{
    const GArray *a = tl_hits_of(d, P_IMO);
    for (guint i = 0; i < a->len; i++) {
        const tl_hit *h = &g_array_index(a, tl_hit, i);
        if (h->to - h->from >= 7 && imo_ok(t + h->to - 7))
            return 2;
    }
    return tl_hits_of(d, P_HULL)->len > 0;
}

/* The hits of k on [ls, le). */
static int
on_line(tl_detector *d, unsigned k, size_t ls, size_t le)
{
    return tl_count_in(d, k, ls, le) > 0;
}

typedef struct {
    size_t from, to;        /* the rank-name unit, widened over a given name */
    char rank[12], initials[8], norm[64];
} unit;

/* The rank, the surname and a given name after it (", Given", or a
 * separator and a capitalised word) of the rank-name unit h. */
static void
parse_unit(const char *t, size_t len, const tl_hit *h, unit *u)
{
    memset(u, 0, sizeof *u);
    u->from = h->from, u->to = h->to;
    const char *s = t + h->from;
    size_t n = h->to - h->from;
    int reverse = rank_at(s, n) == 0;
    char sur[32] = "", given[32] = "";
    if (reverse) {
        /* Given Surname, RANK, USN */
        size_t i = 0, gi = 0, si = 0;
        while (i < n && s[i] != ' ' && gi + 1 < sizeof given)
            given[gi++] = s[i++];
        i++;
        while (i < n && s[i] != ',' && si + 1 < sizeof sur)
            sur[si++] = s[i++];
        i += 2;
        size_t r = 0;
        while (i < n && s[i] != ',' && r + 1 < sizeof u->rank)
            u->rank[r++] = s[i++];
    } else {
        /* RANK, separators, optional initial, SURNAME */
        size_t rk = rank_at(s, n);
        g_snprintf(u->rank, sizeof u->rank, "%.*s", (int)MIN(rk, sizeof u->rank - 1), s);
        size_t j = h->to;
        while (j > h->from && (g_ascii_isalpha(t[j - 1]) || t[j - 1] == '\'' || t[j - 1] == '-'))
            j--;
        g_snprintf(sur, sizeof sur, "%.*s", (int)MIN(h->to - j, sizeof sur - 1), t + j);
        /* a given name after it: ", Given" or ",GIVEN" or "\tGIVEN" */
        size_t k = h->to;
        if (k < len && (t[k] == ',' || t[k] == '\t')) {
            k++;
            while (k < len && t[k] == ' ')
                k++;
            size_t gs = k;
            while (k < len && (g_ascii_isalpha(t[k]) || t[k] == '-' || t[k] == '\''))
                k++;
            if (k > gs + 1 && g_ascii_isupper(t[gs])) {
                g_snprintf(given, sizeof given, "%.*s", (int)MIN(k - gs, sizeof given - 1), t + gs);
                u->to = k;
            }
        }
    }
    char si = sur[0] ? g_ascii_toupper(sur[0]) : '?';
    if (given[0])
        g_snprintf(u->initials, sizeof u->initials, "%c.%c.", g_ascii_toupper(given[0]), si);
    else
        g_snprintf(u->initials, sizeof u->initials, "%c.", si);
    char *su = g_ascii_strup(sur, -1), *gu = g_ascii_strup(given, -1);
    g_snprintf(u->norm, sizeof u->norm, "%s+%s", su, gu);
    g_free(su);
    g_free(gu);
}

/* Whether a finding of found on [ls, le) is personal data at LOW or above
 * (strict: a validated SSN or DoD ID at MEDIUM or above). */
static int
row_has(const GPtrArray *found, size_t ls, size_t le, int strict)
{
    /* found is sorted by offset: the first at or after ls by bisection */
    guint l = 0, r = found->len;
    while (l < r) {
        guint m = l + (r - l) / 2;
        if (((const tl_finding *)found->pdata[m])->off < ls)
            l = m + 1;
        else
            r = m;
    }
    for (guint i = l; i < found->len; i++) {
        const tl_finding *f = found->pdata[i];
        if (f->off >= le)
            break;
        if (strict ? f->score >= 75 && (strcmp(f->detector, "ssn") == 0 || strcmp(f->detector, "dodid") == 0 ||
                                        strcmp(f->detector, "itin") == 0)
                   : f->pii && f->score >= 65)
            return 1;
    }
    return 0;
}

static gint
by_size(gconstpointer a, gconstpointer b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* A roster: rows are the lines with personal data (an identifier, a
 * phone, an e-mail address...) or a pay grade, and a rank-name unit;
 * only those lines are read (a unit word alone does not make a line a
 * candidate row: reading every line of every part would cost the pass). */
static void
roster(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out)
{
    const char *t = p->text;
    GArray *starts = g_array_new(FALSE, FALSE, sizeof(size_t));
    /* found is sorted by offset: one cursor finds every line start (a
     * long line with many findings must not be walked back each time) */
    size_t cur = 0, line = 0;
    for (guint i = 0; i < found->len; i++) {
        const tl_finding *f = found->pdata[i];
        if (!f->pii || f->score < 65)
            continue;
        if (cur < f->off) {
            const char *nl = memrchr(t + cur, '\n', f->off - cur);
            if (nl)
                line = (size_t)(nl - t) + 1;
            cur = f->off;
        }
        if (!starts->len || g_array_index(starts, size_t, starts->len - 1) != line)
            g_array_append_val(starts, line);
    }
    const GArray *grades = tl_hits_of(d, P_GRADE);
    for (guint i = 0; i < grades->len; i++) {
        size_t ls = tl_line_start(t, g_array_index(grades, tl_hit, i).from);
        g_array_append_val(starts, ls);
    }
    if (starts->len < 5) {
        g_array_free(starts, TRUE);
        return;
    }
    g_array_sort(starts, by_size);
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(unit));
    int validated = 0;
    for (guint i = 0; i < starts->len; i++) {
        size_t ls = g_array_index(starts, size_t, i), from, to;
        if (i > 0 && g_array_index(starts, size_t, i - 1) == ls)
            continue;
        size_t le = tl_line_end(t, p->len, ls);
        if (le - ls > 2000 || !tl_rank_name_at(t, ls, le, &from, &to))
            continue;
        validated |= row_has(found, ls, le, 1);
        tl_hit h = { 0, from, to };
        unit u;
        parse_unit(t, p->len, &h, &u);
        g_array_append_val(rows, u);
    }
    g_array_free(starts, TRUE);
    int n = (int)rows->len;
    if (n >= 5) {
        int score = n >= 10 ? 85 : 75;
        if (tl_words_in(t, p->len, 0, p->len, 0, 0, roster_words, NULL))
            score += 10;
        if (validated)
            score = 95;
        score = MIN(score, 99);
        const unit *u0 = &g_array_index(rows, unit, 0);
        char norm[96];
        GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
        for (int i = 0; i < n; i++)
            g_checksum_update(sum, (const guchar *)g_array_index(rows, unit, i).norm, -1);
        g_snprintf(norm, sizeof norm, "roster:%s", g_checksum_get_string(sum));
        g_checksum_free(sum);
        tl_doc_cand(out, "roster", "PERSONNEL.ROSTER", tl_line_start(t, u0->from), tl_line_start(t, u0->from), score,
                    g_strdup_printf("roster %d rows%s", n, validated ? ", validated identifiers" : ""), norm, 0);
        for (int i = 0; i < n; i++) {
            const unit *u = &g_array_index(rows, unit, i);
            tl_doc_cand(out, "person", "PERSONNEL.ROSTER", u->from, u->to, score,
                        g_strdup_printf("%s %s", u->rank, u->initials), u->norm, 0);
        }
    }
    g_array_free(rows, TRUE);
}

static void
crew_list(tl_detector *d, const tl_text_part *p, GArray *out)
{
    const char *t = p->text;
    /* the ship first: rare, and the gate of the rest */
    int ship = ship_named(d, t);
    if (!ship || tl_words_in(t, p->len, 0, p->len, 0, 0, crew_words, NULL) < 2)
        return;
    int n = 0;
    size_t first = 0;
    for (size_t ls = 0; ls < p->len;) {
        size_t le = tl_line_end(t, p->len, ls);
        if (le - ls < 2000 && tl_words_in(t, le, ls, le, 0, 0, rating_words, NULL)) {
            /* a date of birth or a document number on the row */
            int doc = on_line(d, P_DATE, ls, le);
            for (size_t k = ls, run = 0; k < le && !doc; k++) {
                run = g_ascii_isdigit(t[k]) ? run + 1 : 0;
                doc = run >= 6;
            }
            if (doc && !n++)
                first = ls;
        }
        ls = le + 1;
    }
    if (n < 5)
        return;
    int score = ship == 2 ? 85 : 80;
    char norm[96];
    g_snprintf(norm, sizeof norm, "crew:%.*s", (int)MIN(tl_line_end(t, p->len, first) - first, 80), t + first);
    tl_doc_cand(out, "crew-list", "PERSONNEL.CREWLIST", first, first, score,
                g_strdup_printf("crew list %d rows%s", n, ship == 2 ? ", IMO number" : ", hull number"), norm, 0);
}

/* ---- names beside personal identifiers -------------------------------- */

/* A capitalised word (or an all-capitals one) at t[i, *end): its end, or 0. */
static size_t
cap_word(const char *t, size_t i, size_t hi)
{
    if (i >= hi || !g_ascii_isupper(t[i]) || (i > 0 && (g_ascii_isalnum(t[i - 1]) || t[i - 1] == '@')))
        return 0;
    size_t e = i + 1;
    while (e < hi && (g_ascii_isalpha(t[e]) || t[e] == '\'' || t[e] == '-'))
        e++;
    if (e - i < 2 || (e < hi && (g_ascii_isdigit(t[e]) || t[e] == '@' || t[e] == '_')))
        return 0;
    return e;
}

/* Words that follow a given name in the names of places and firms
 * (Grant Street, Summer Hill Farm, Will Power Tools): no surname. */
static const char *const not_surnames[] = { "Street", "St", "Avenue", "Ave", "Road", "Rd", "Drive", "Dr", "Lane",
                                            "Boulevard", "Blvd", "Court", "Place", "Way", "Center", "Centre",
                                            "Hall", "Park", "Hill", "Farm", "Bakery", "Books", "Tools", "Power",
                                            "Company", "Inc", "LLC", "Group", "Bank", "Hotel", "School",
                                            "University", "College", "Hospital", "Clinic", "Church", "County",
                                            "City", "Island", "Beach", "Airport", "Base", "Station", "Square",
                                            "Building", "Office", "Services", "Garden", "Gardens", "Day", NULL };

/* A person's name on t[lo, hi): "SURNAME, Given [M.]" or "Given Surname"
 * with the given name in the vendored list; the one that ends nearest to
 * `near`.  1 and its span, the initials and the normalised SURNAME+GIVEN. */
static int
name_in(const char *t, size_t lo, size_t hi, size_t near, size_t *from, size_t *to, char initials[8], char norm[64])
{
    int found = 0;
    size_t best = G_MAXSIZE;
    for (size_t i = lo; i < hi; i++) {
        size_t e1 = cap_word(t, i, hi);
        if (!e1)
            continue;
        size_t gs, ge, ss, se, end;
        if (e1 + 2 < hi && t[e1] == ',' && t[e1 + 1] == ' ' && (ge = cap_word(t, e1 + 2, hi)) &&
            tl_first_name(t + e1 + 2, ge - e1 - 2)) {
            ss = i, se = e1, gs = e1 + 2, end = ge;
            if (end + 3 <= hi && t[end] == ' ' && g_ascii_isupper(t[end + 1]) && t[end + 2] == '.')
                end += 3;
        } else if (e1 + 1 < hi && t[e1] == ' ' && tl_first_name(t + i, e1 - i) && (se = cap_word(t, e1 + 1, hi)) &&
                   !in_list(not_surnames, t + e1 + 1, se - e1 - 1)) {
            gs = i, ge = e1, ss = e1 + 1, end = se;
        } else {
            i = e1;
            continue;
        }
        size_t dist = end <= near ? near - end : i - near;
        if (dist < best) {
            best = dist, found = 1;
            *from = MIN(gs, ss), *to = end;
            g_snprintf(initials, 8, "%c.%c.", t[gs], g_ascii_toupper(t[ss]));
            char *su = g_ascii_strup(t + ss, (gssize)(se - ss)), *gu = g_ascii_strup(t + gs, (gssize)(ge - gs));
            g_snprintf(norm, 64, "%s+%s", su, gu);
            g_free(su);
            g_free(gu);
        }
        i = e1;
    }
    return found;
}

/* Names outside rosters (section 5.11's name shapes): beside an
 * identifier, a date of birth or a passport number at MEDIUM or above,
 * within 100 characters before it or 60 after on its paragraph, the
 * nearest "SURNAME, Given M." or "Given Surname" whose given name is in
 * data/first-names.txt.  75; stored as initials, the keyed hash over
 * SURNAME+GIVEN (the same as a roster row's, so one person is one value). */
static void
names(const tl_text_part *p, const GPtrArray *found, GArray *out)
{
    static const char *const dets[] = { "ssn", "itin", "dodid", "dob", "passport", "cac-cn", NULL };
    const char *t = p->text;
    size_t last_to = 0;
    for (guint i = 0; i < found->len; i++) {
        const tl_finding *f = found->pdata[i];
        if (f->score < 75 || !in_list(dets, f->detector, strlen(f->detector)))
            continue;
        size_t lo = f->off > 100 ? f->off - 100 : 0, hi = MIN(p->len, f->off + f->len + 60);
        /* the paragraph: a blank line ends the window */
        for (size_t k = f->off; k > lo + 1; k--)
            if (t[k - 1] == '\n' && t[k - 2] == '\n') {
                lo = k;
                break;
            }
        for (size_t k = f->off + f->len; k + 1 < hi; k++)
            if (t[k] == '\n' && t[k + 1] == '\n') {
                hi = k;
                break;
            }
        size_t from, to;
        char initials[8], norm[64];
        lo = MAX(lo, last_to);
        if (lo >= hi || !name_in(t, lo, hi, f->off, &from, &to, initials, norm) ||
            (from < f->off + f->len && to > f->off))
            continue;
        last_to = to;
        tl_doc_cand(out, "person-name", "PII.NAME", from, to, 75, g_strdup(initials), norm, 1);
    }
}

void
tl_doc_people(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out)
{
    roster(d, p, found, out);
    crew_list(d, p, out);
    names(p, found, out);
}

/* ---- given names (data/first-names.txt) -------------------------------- */

static GHashTable *first_names;     /* upper case, kept for the process */

static gpointer
load_names(gpointer unused)
{
    (void)unused;
    first_names = g_hash_table_new(g_str_hash, g_str_equal);
    char **lines = g_strsplit(tl_first_names, "\n", -1);
    for (char **l = lines; *l; l++)
        if (**l && **l != '#')
            g_hash_table_add(first_names, g_ascii_strup(*l, -1));
    g_strfreev(lines);
    return NULL;
}

int
tl_first_name(const char *s, size_t n)
{
    static GOnce once = G_ONCE_INIT;
    if (n < 2 || n > 15 || !g_ascii_isupper(s[0]))
        return 0;
    g_once(&once, load_names, NULL);
    char buf[16];
    for (size_t i = 0; i < n; i++) {
        if (!g_ascii_isalpha(s[i]))
            return 0;
        buf[i] = g_ascii_toupper(s[i]);
    }
    buf[n] = 0;
    return g_hash_table_contains(first_names, buf);
}
