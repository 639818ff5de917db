/*
 * detect_contact.c - contact data and dates of birth: NANP telephone
 * numbers, DSN (Defense Switched Network) numbers, international E.164
 * numbers, e-mail addresses in bodies (with the DoD role of the local part
 * and classified-network domains), APO/FPO/DPO postal addresses, and
 * dates of birth (research/sensitive-content.md sections 5.8 to 5.10).
 *
 * Hyperscan reports every end offset of a match, so each handler first
 * insists that its span is maximal (no digit, or for addresses no address
 * character, continues it); one value then gives one candidate.  Numbers
 * are mostly roster corroboration, so a phone number alone is LOW; a date
 * is never a finding by itself: only a date-of-birth label directly
 * before it, or a DOB column header over it, makes it one, and only when
 * the age it gives at the message date is plausible.
 */
#include <hs.h>
#include <string.h>

#include "scanner/detect/engine.h"

#define MONTHS "(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t|tember)?|oct(ober)?|" \
               "nov(ember)?|dec(ember)?)"

const tl_pattern tl_patterns_contact[] = {
    /* NANP: optional +1/1, area code bare or in parentheses, then
     * NXX-XXXX; separators are required (bare runs are P_PHONE's third
     * branch: ten or eleven digits, which need a phone column); an
     * extension (x123, ext. 123) is part of the span, not of the number */
    { P_PHONE, "((\\+?1|001)[\\x20.-]?)?(\\(\\d{3}\\)\\x20?|\\d{3}[\\x20.-])\\d{3}[\\x20.-]\\d{4}"
               "(\\x20?([xX]|[eE]xt\\.?)\\x20?\\d{1,6})?|\\+1\\d{10}|1?\\d{10}", 0 },
    /* DSN: the keyword, an optional 3xx area code, DDD-DDDD */
    { P_DSN, "DSN\\x20?:?\\x20?(\\(3\\d{2}\\)\\x20?|3\\d{2}[\\x20.-])?\\d{3}[.-]\\d{4}", 0 },
    /* from the @ on: the local part is taken in C (an unbounded repeat
     * before the @ costs Hyperscan's leftmost-start tracking dearly) */
    { P_EMAIL, "@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}", 0 },
    { P_DATE,
      /* ISO and YYYY/MM/DD */
      "(19|20)\\d{2}[-/.]\\d{1,2}[-/.]\\d{1,2}"
      /* US M/D/Y, M-D-Y and European D.M.Y */
      "|\\d{1,2}/\\d{1,2}/(\\d{4}|\\d{2})|\\d{1,2}-\\d{1,2}-(\\d{4}|\\d{2})|\\d{1,2}\\.\\d{1,2}\\.(\\d{4}|\\d{2})"
      /* military and textual day-month-year: 12JAN85, 12 Jan 1985, 12-JAN-1985, 12 January 1985 */
      "|\\d{1,2}[\\x20-]?" MONTHS "\\.?[\\x20-]?(\\d{4}|\\d{2})"
      /* textual month-day-year: January 12, 1985 */
      "|" MONTHS "\\.?\\x20\\d{1,2}(st|nd|rd|th)?,?\\x20\\d{4}"
      /* DoD forms: YYYYMMDD */
      "|(19|20)\\d{6}",
      HS_FLAG_CASELESS },
    /* E.164 outside NANP: +CC then 6 to 13 more digits in groups */
    { P_PHONE_INTL, "\\+[2-9]\\d{0,2}[\\x20.-]?(\\(0\\)\\x20?)?\\d{1,4}([\\x20.-]?\\d{2,4}){1,4}", 0 },
    /* military post: APO|FPO|DPO AE|AP|AA ZIP; a PSC, CMR or Unit line
     * before it is taken in C (an optional unbounded prefix made this
     * pattern the costliest of the family) */
    { P_MILPOST, "(APO|FPO|DPO),?\\x20(AE|AP|AA),?\\x20\\d{5}(-\\d{4})?", HS_FLAG_CASELESS },
    /* keyword classes: \b on the left keeps Hyperscan from reporting
     * "eas" in "please" (the engine checks whole words anyway; this is
     * for speed) */
    { K_DSN, "\\b(dsn)", HS_FLAG_CASELESS },
    { K_PHONE, "\\b(tel\\.?|tele(phone)?|phone|ph|cell(\\x20?phone)?|mobile|mob|comm|commercial|dsn|fax|work|home|office|"
               "voice|contact\\x20(number|no\\.?|#)|call\\x20(me\\x20)?at)", HS_FLAG_CASELESS },
    /* with K_NEG_COMMON (order, invoice, ref, serial...): what else a
     * number after these words is */
    { K_PHONE_NEG, "\\b(reference|isbn|sku|model|account|po\\x20(no\\.?|number|#)|version|ver|"
                   "(conference|meeting|bridge|participant|attendee)\\x20(id|code|number|#)|access\\x20code)",
      HS_FLAG_CASELESS },
    /* labels of a date of birth; "born" is K_BORN (prose is a trap) */
    { K_DOB, "\\b(dob|d\\.o\\.b\\.?|date\\x20of\\x20birth|birth\\x20?date|birthday|b-?day|geburtsdatum)", HS_FLAG_CASELESS },
    /* dates that belong to a document or an event, not to a person */
    { K_DOB_NEG, "\\b(exp\\.?|expiry|expiration|expires|expired|issued?|date\\x20of\\x20issue|valid(\\x20(until|thru|through|"
                 "from))?|effective|renewal|renewed|due|deadline|appointment|dos|admission|admitted|discharge|"
                 "hired?|enlisted|eas|ets|pebd|deros|arrival|departure|signed|dated|updated|created|modified|"
                 "posted|sent|received|since|until)",
      HS_FLAG_CASELESS },
    /* "born" counts only as a label ("Born:") or after a personal
     * pronoun ("she was born on"): "the idea was born on ..." is prose */
    { K_BORN, "\\b(born\\x20?:|(i|he|she|you|we|they)\\x20(was|were)\\x20born(\\x20on)?)", HS_FLAG_CASELESS },
    /* the signature separator (RFC 3676): addresses after it are the
     * sender's own */
    { K_SIG, "^--\\x20?$", HS_FLAG_MULTILINE },
    { 0, NULL, 0 }
};

/* ---- shared helpers ------------------------------------------------ */

/* Whether [from, to) is a maximal number: no digit touches it, and no
 * separator followed (or preceded) by a digit continues it (part numbers,
 * IP addresses, versions). */
static int
number_bounded(const char *t, size_t len, size_t from, size_t to)
{
    if (from > 0 && g_ascii_isalnum(t[from - 1]))
        return 0;
    if (from > 1 && strchr("-./", t[from - 1]) && g_ascii_isdigit(t[from - 2]))
        return 0;
    if (to < len && g_ascii_isalnum(t[to]))
        return 0;
    if (to + 1 < len && strchr("-./", t[to]) && g_ascii_isdigit(t[to + 1]))
        return 0;
    return 1;
}

/* Whether nothing continues a number that ends at to (a keyword starts
 * the match, so only its end is checked). */
static int
bounded_after(const char *t, size_t len, size_t to)
{
    return !(to < len && g_ascii_isalnum(t[to])) &&
           !(to + 1 < len && strchr("-./", t[to]) && g_ascii_isdigit(t[to + 1]));
}

/* The end of the last hit of class k that ends in [from - window, from],
 * or -1.  The class's hits are sorted by end offset: bisection. */
static gint64
last_before(tl_detector *d, unsigned k, size_t from, size_t window)
{
    const GArray *a = tl_hits_of(d, k);
    guint l = 0, r = a->len;
    while (l < r) {     /* the first that ends after from */
        guint m = l + (r - l) / 2;
        if (g_array_index(a, tl_hit, m).to <= from)
            l = m + 1;
        else
            r = m;
    }
    if (l == 0)
        return -1;
    size_t end = g_array_index(a, tl_hit, l - 1).to;
    return end + window >= from ? (gint64)end : -1;
}

/* Only blanks and punctuation (no letter or digit) in t[from, to). */
static int
gap_is_blank(const char *t, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (g_ascii_isalnum(t[i]))
            return 0;
    return 1;
}

/* ---- telephone numbers (5.8) ---------------------------------------- */

static int
toll_free(const char *npa)
{
    static const char *const tf[] = { "800", "833", "844", "855", "866", "877", "888" };
    for (size_t i = 0; i < G_N_ELEMENTS(tf); i++)
        if (memcmp(npa, tf[i], 3) == 0)
            return 1;
    return 0;
}

/* NANP rules over the ten digits NPA NXX XXXX. */
static int
nanp_ok(const char *d10)
{
    if (d10[0] < '2' || d10[1] == '9' || (d10[1] == '1' && d10[2] == '1'))
        return 0;       /* NPA [2-9][0-8]D, not N11 */
    if (d10[3] < '2' || (d10[4] == '1' && d10[5] == '1'))
        return 0;       /* NXX [2-9]DD, not N11 */
    if (memcmp(d10 + 3, "555", 3) == 0 && memcmp(d10 + 6, "01", 2) == 0)
        return 0;       /* 555-0100..0199: fictional */
    return 1;
}

/* The phone keyword in the short window (40 before, 20 after), or a phone
 * column header; a negative cue (order, invoice, conference ID...) in the
 * 40 characters before: a cue after the number belongs to the next field
 * ("+1 202-760-0811, conference ID 448 201 9375"). */
static int
phone_context(tl_detector *d, size_t from, size_t to, int *neg)
{
    *neg = tl_near(d, K_NEG_COMMON, from, to, 40, 0) || tl_near(d, K_PHONE_NEG, from, to, 40, 0);
    return tl_context(d, K_PHONE, from, to, 40, 20);
}

static int dsn_area_known(const char *a);

static int
phone(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text, *s = t + h->from;
    size_t n = h->to - h->from;
    if (!number_bounded(t, p->len, h->from, h->to) || (h->from > 0 && strchr("$#", t[h->from - 1])))
        return 0;
    size_t core = n;     /* before the extension */
    for (size_t k = 0; k < n; k++)
        if (g_ascii_isalpha(s[k])) {
            core = k;
            break;
        }
    char digits[16];
    size_t nd = tl_digits_of(s, core, digits, sizeof digits);
    size_t skip = nd == 13 && memcmp(digits, "001", 3) == 0 ? 2 : 0;     /* 001: the international prefix */
    if (nd - skip != 10 && nd - skip != 11)
        return 0;
    if (nd - skip == 11 && digits[skip] != '1')
        return 0;
    const char *d10 = digits + (nd - 10);
    if (!nanp_ok(d10))
        return 0;
    /* after a DSN keyword the DSN candidate decides, whatever its area code */
    const GArray *dsns = tl_hits_of(d, P_DSN);
    for (guint k = dsns->len; k-- > 0;) {
        const tl_hit *x = &g_array_index(dsns, tl_hit, k);
        if (x->to < h->to)
            break;
        if (x->to == h->to)
            return 0;
    }
    /* the shape: after the country code, a parenthesised area code and
     * one separator, or two separators of one kind; none at all is a
     * bare run, spaces only are weak (tables of numbers) */
    int plus = s[0] == '+', paren = 0;
    size_t i = skip ? 3 : plus ? 2 : nd == 11 ? 1 : 0;
    if (i && i < n && !g_ascii_isdigit(s[i]) && s[i] != '(')
        i++;
    char sep1 = 0, sep2 = 0;
    if (s[i] == '(') {
        paren = 1;
        i += 5;
        if (s[i] == ' ')
            i++;
    } else {
        i += 3;
        sep1 = g_ascii_isdigit(s[i]) ? 0 : s[i++];
    }
    i += 3;
    sep2 = g_ascii_isdigit(s[i]) ? 0 : s[i];
    if (!paren && sep1 != sep2)
        return 0;
    char sep = sep2;
    int neg = 0, kw = phone_context(d, h->from, h->to, &neg);
    int bare = !paren && !plus && !sep;
    if (bare) {
        /* ten digits are DoD IDs, timestamps, order numbers: only a phone
         * column makes a run a phone number */
        if (!tl_context(d, K_PHONE, h->from, h->to, 0, 0))
            return 0;
        c->score = 75;
    } else {
        /* base 55 (canonical separators), +10 NANP range rules; the
         * keyword brings it to 75; space-separated groups without +1 or
         * parentheses are weak (tables of numbers) */
        c->score = (sep == ' ' && !paren && !plus) ? 55 : 65;
        if (kw)
            c->score = 75;
    }
    if (neg)
        c->score -= 40;
    if (nd - skip == 10 && dsn_area_known(d10) && tl_context(d, K_DSN, h->from, h->to, 0, 0)) {
        /* under a DSN column header: a DSN number, not a St. Louis one */
        c->det = "dsn", c->cat = "PII.CONTACT";
        c->pii = 1;
        c->score = 80 - (neg ? 40 : 0);
        c->masked = g_strdup_printf("DSN %.3s-***-%.4s", d10, d10 + 6);
        g_snprintf(c->norm, sizeof c->norm, "DSN%s", d10);
        return 1;
    }
    c->det = "phone", c->cat = "PII.CONTACT";
    c->pii = 1;
    int tf = toll_free(d10);
    if (tf) {
        /* an organisation's number: kept and flagged, not personal */
        c->score -= 10;
        c->pii = 0;
    }
    c->masked = g_strdup_printf("+1 (%.3s) ***-%.4s%s", d10, d10 + 6, tf ? " org_number" : "");
    g_snprintf(c->norm, sizeof c->norm, "+1%s", d10);
    return 1;
}

static int
dsn_area_known(const char *a)
{
    static const char *const codes[] = { "312", "314", "315", "317", "318", "319" };
    for (size_t i = 0; i < G_N_ELEMENTS(codes); i++)
        if (memcmp(a, codes[i], 3) == 0)
            return 1;
    return 0;
}

/* DSN: the keyword is part of the match; the span is the number.  Known
 * area codes (DISA: 312 CONUS, 314 Europe, 315 Pacific, 317 Alaska, 318
 * SWA, 319 Canada) or none: 80; another 3xx: 70. */
static int
dsn(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    if (!bounded_after(t, p->len, h->to) || (h->from > 0 && g_ascii_isalnum(t[h->from - 1])))
        return 0;
    size_t from = h->from + 3;
    while (from < h->to && !g_ascii_isdigit(t[from]) && t[from] != '(')
        from++;
    char digits[16];
    size_t nd = tl_digits_of(t + from, h->to - from, digits, sizeof digits);
    c->from = from;
    c->det = "dsn", c->cat = "PII.CONTACT";
    c->pii = 1;
    if (nd == 10) {
        c->score = dsn_area_known(digits) ? 80 : 70;
        c->masked = g_strdup_printf("DSN %.3s-***-%.4s", digits, digits + 6);
    } else {
        c->score = 80;
        c->masked = g_strdup_printf("DSN ***-%.4s", digits + 3);
    }
    g_snprintf(c->norm, sizeof c->norm, "DSN%s", digits);
    return 1;
}

/* International numbers: E.164 allows 7 to 15 digits with the country
 * code; without a country-length table only the count is checked, so a
 * keyword is needed for a finding (75; 60 without, a candidate). */
static int
phone_intl(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text, *s = t + h->from;
    size_t n = h->to - h->from;
    if (!number_bounded(t, p->len, h->from, h->to) || (h->to < p->len && t[h->to] == ' ' && h->to + 1 < p->len &&
                                                        g_ascii_isdigit(t[h->to + 1])))
        return 0;       /* another group follows: Hyperscan reports each end */
    char digits[24];
    size_t nd = tl_digits_of(s, n, digits, sizeof digits);
    if (nd == 0 || nd < 8 || nd > 15)
        return 0;
    size_t cc = strspn(s + 1, "0123456789");
    if (cc > 3 || cc == nd)
        cc = 1;
    int neg = 0, kw = phone_context(d, h->from, h->to, &neg);
    c->score = (kw ? 75 : 60) - (neg ? 40 : 0);
    c->det = "phone", c->cat = "PII.CONTACT";
    c->pii = 1;
    c->masked = g_strdup_printf("+%.*s ***%.4s", (int)cc, digits, digits + nd - 4);
    g_snprintf(c->norm, sizeof c->norm, "+%s", digits);
    return 1;
}

/* ---- e-mail and military post (5.9) --------------------------------- */

static int
email_char(char x)
{
    return g_ascii_isalnum(x) || strchr("._%+-", x) != NULL;
}

/* Whether dom is name or ends with .name. */
static int
domain_is(const char *dom, size_t n, const char *name)
{
    size_t k = strlen(name);
    return n >= k && g_ascii_strncasecmp(dom + n - k, name, k) == 0 && (n == k || dom[n - k - 1] == '.');
}

/* The DoD Enterprise Email role suffix of a local part: first.m.last.mil,
 * .civ, .ctr, .fn (at least one dot before it), or NULL. */
static const char *
dod_role(const char *local, size_t n)
{
    static const char *const roles[] = { "mil", "civ", "ctr", "fn" };
    for (size_t i = 0; i < G_N_ELEMENTS(roles); i++) {
        size_t k = strlen(roles[i]);
        if (n > k + 3 && local[n - k - 1] == '.' && g_ascii_strncasecmp(local + n - k, roles[i], k) == 0 &&
            memchr(local, '.', n - k - 1))
            return roles[i];
    }
    return NULL;
}

static int
email(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text, *s = t + h->from;
    size_t len = p->len, n = h->to - h->from;
    /* maximal: the domain does not go on (Hyperscan reports each end) */
    if (h->to < len && (g_ascii_isalnum(t[h->to]) || t[h->to] == '-' ||
                        (t[h->to] == '.' && h->to + 1 < len && g_ascii_isalnum(t[h->to + 1]))))
        return 0;
    /* the local part: up to 64 address characters before the @ */
    size_t from = h->from;
    while (from > 0 && h->from - from < 64 && email_char(t[from - 1]))
        from--;
    if (from > 0 && email_char(t[from - 1]))
        return 0;
    /* scheme://user:password@host is a URL's user information, for the
     * credential detector, not an address */
    if (from > 0 && t[from - 1] == ':') {
        size_t k = from - 1;
        while (k > 0 && email_char(t[k - 1]))
            k--;
        if (k >= 3 && t[k - 1] == '/' && t[k - 2] == '/' && t[k - 3] == ':')
            return 0;
    }
    /* <local@host> after "Message-ID:", "Content-ID:", "In-Reply-To:", "References:",
     * "In message" or a Received line's "id" is a message identifier */
    if (from > 0 && t[from - 1] == '<') {
        size_t lo = from > 24 ? from - 24 : 0;
        gchar *w = g_ascii_strdown(t + lo, (gssize)(from - 1 - lo));
        int msgid = strstr(w, "message-id") || strstr(w, "content-id") || strstr(w, "in-reply-to") ||
                    strstr(w, "references") ||
                    strstr(w, "in message") || g_str_has_suffix(w, " id ") || g_str_has_suffix(w, "\tid ");
        g_free(w);
        if (msgid)
            return 0;
    }
    c->from = from;
    s = t + from;
    n = h->to - from;
    if (n >= sizeof c->norm)
        return 0;
    const char *at = memchr(s, '@', n);
    size_t ln = (size_t)(at - s), dn = n - ln - 1;
    const char *dom = at + 1;
    if (ln == 0 || s[0] == '.' || at[-1] == '.')
        return 0;
    /* retina image names (logo@2x.png) and similar file names */
    static const char *const files[] = { "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
        if (domain_is(dom, dn, files[i]))
            return 0;
    const char *role = dod_role(s, ln);
    int classified = domain_is(dom, dn, "smil.mil") || domain_is(dom, dn, "sgov.gov") || domain_is(dom, dn, "ic.gov");
    c->score = classified ? 80 : role ? 75 : 65;
    c->det = "email", c->cat = "PII.CONTACT";
    c->pii = 1;
    /* in the signature block: the sender's own address (the scanner has
     * it from the headers), a candidate that vouches for nothing, unless
     * its role or domain says more */
    const GArray *sig = tl_hits_of(d, K_SIG);
    if (sig->len && g_array_index(sig, tl_hit, 0).to <= h->from && c->score == 65)
        c->score = 55, c->pii = 0;
    char *ldom = g_ascii_strdown(dom, (gssize)dn);
    c->masked = g_strdup_printf("%c***@%s%s%s%s", g_ascii_tolower(s[0]), ldom, role ? " (" : "", role ? role : "",
                                role ? ")" : "");
    g_free(ldom);
    for (size_t i = 0; i < n; i++)
        c->norm[i] = g_ascii_tolower(s[i]);
    c->norm[n] = '\0';
    return 1;
}

/* The number before a word ending at off ("Box 12"): the start of the
 * word when it is one of the names (caseless, NULL-ended), else off. */
static size_t
word_number_before(const char *t, size_t off, const char *const *names)
{
    size_t i = off;
    while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == ',' || t[i - 1] == '\n') && off - i < 4)
        i--;
    size_t de = i;
    while (i > 0 && g_ascii_isdigit(t[i - 1]) && de - i < 5)
        i--;
    if (i == de || i == 0 || t[i - 1] != ' ')
        return off;
    size_t we = --i;
    while (i > 0 && g_ascii_isalpha(t[i - 1]) && we - i < 4)
        i--;
    if (i > 0 && g_ascii_isalnum(t[i - 1]))
        return off;
    for (const char *const *nm = names; *nm; nm++)
        if (we - i == strlen(*nm) && g_ascii_strncasecmp(t + i, *nm, we - i) == 0)
            return i;
    return off;
}

/* An APO line's start widened over "PSC 1234, Box 567" or "Unit 1234"
 * before it, on its line or the line above. */
static size_t
widen_post(const char *t, size_t from)
{
    static const char *const box[] = { "box", NULL }, *const unit[] = { "psc", "cmr", "unit", NULL };
    size_t b = word_number_before(t, from, box);
    size_t u = word_number_before(t, b, unit);
    return u != b ? u : from;
}

/* APO/FPO/DPO: the state code and ZIP must agree (AE 09xxx, AA 340xx,
 * AP 962xx-966xx).  Mask: the type, state code and first three digits of
 * the ZIP (a region, not a unit); PSC, unit and box numbers are dropped. */
static int
milpost(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    if (!bounded_after(t, p->len, h->to) || (h->from > 0 && g_ascii_isalnum(t[h->from - 1])))
        return 0;
    size_t from = widen_post(t, h->from);
    const char *s = t + from;
    size_t n = h->to - from;
    c->from = from;
    /* the ZIP: the last run of five digits (before an optional -DDDD) */
    size_t z = n;
    while (z > 0 && (g_ascii_isdigit(s[z - 1]) || s[z - 1] == '-'))
        z--;
    const char *zip = s + z;
    /* the type (APO, FPO, DPO) and the state code before the ZIP */
    const char *ty = NULL;
    for (size_t i = 0; i + 3 <= z && !ty; i++)
        if ((i == 0 || !g_ascii_isalpha(s[i - 1])) && strchr("AaFfDd", s[i]) &&
            g_ascii_strncasecmp(s + i + 1, "PO", 2) == 0)
            ty = s + i;
    const char *code = zip - 1;
    while (code > s && !g_ascii_isalpha(*code))
        code--;
    code--;
    if (!ty || code < s)
        return 0;
    int zn = (zip[0] - '0') * 100 + (zip[1] - '0') * 10 + (zip[2] - '0');
    char st[3] = { g_ascii_toupper(code[0]), g_ascii_toupper(code[1]), 0 };
    int ok = (strcmp(st, "AE") == 0 && zn >= 90 && zn <= 99) || (strcmp(st, "AA") == 0 && zn == 340) ||
             (strcmp(st, "AP") == 0 && zn >= 962 && zn <= 966);
    if (!ok)
        return 0;
    c->score = 75;
    c->det = "milpost", c->cat = "PII.CONTACT";
    c->pii = 1;
    c->masked = g_strdup_printf("%c%c%c %s %.3s**", g_ascii_toupper(ty[0]), g_ascii_toupper(ty[1]),
                                g_ascii_toupper(ty[2]), st, zip);
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof c->norm; i++)
        if (g_ascii_isalnum(s[i]))
            c->norm[k++] = g_ascii_toupper(s[i]);
    c->norm[k] = '\0';
    return 1;
}

/* ---- dates of birth (5.10) ------------------------------------------ */

static int
month_of(const char *w, size_t n)
{
    static const char *const m[] = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
    if (n < 3)
        return 0;
    for (int i = 0; i < 12; i++)
        if (g_ascii_strncasecmp(w, m[i], 3) == 0)
            return i + 1;
    return 0;
}

static int
days_in(int y, int m)
{
    static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* The year, month and day a date match writes, or 0.  Two-digit years are
 * placed in the century that makes them not later than ref_year. */
static int
parse_date(const char *s, size_t n, int ref_year, int *y, int *m, int *dd)
{
    long num[3];
    int digits[3], nn = 0, mon = 0;
    char sep = 0;
    for (size_t i = 0; i < n;) {
        if (g_ascii_isdigit(s[i])) {
            if (nn == 3)
                return 0;
            size_t j = i;
            long v = 0;
            while (j < n && g_ascii_isdigit(s[j]))
                v = v * 10 + (s[j++] - '0');
            num[nn] = v;
            digits[nn++] = (int)(j - i);
            i = j;
        } else if (g_ascii_isalpha(s[i])) {
            size_t j = i;
            while (j < n && g_ascii_isalpha(s[j]))
                j++;
            if (!mon)
                mon = month_of(s + i, j - i);
            i = j;
        } else {
            if (!sep && strchr("/.-", s[i]))
                sep = s[i];
            i++;
        }
    }
    if (mon) {
        if (nn != 2)
            return 0;
        *m = mon;
        *dd = (int)num[0];
        *y = (int)num[1];
        if (digits[1] == 2)
            *y += 2000 + *y > ref_year ? 1900 : 2000;
    } else if (nn == 1 && digits[0] == 8) {
        *y = (int)(num[0] / 10000), *m = (int)(num[0] / 100 % 100), *dd = (int)(num[0] % 100);
    } else if (nn == 3 && digits[0] == 4) {
        *y = (int)num[0], *m = (int)num[1], *dd = (int)num[2];
    } else if (nn == 3) {
        if (sep == '.') {       /* European D.M.Y */
            *dd = (int)num[0], *m = (int)num[1];
        } else {                /* US M/D/Y; D/M/Y when the first cannot be a month */
            *m = (int)num[0], *dd = (int)num[1];
            if (*m > 12 && *dd <= 12) {
                int x = *m;
                *m = *dd, *dd = x;
            }
        }
        *y = (int)num[2];
        if (digits[2] == 2)
            *y += 2000 + *y > ref_year ? 1900 : 2000;
        else if (digits[2] != 4)
            return 0;
    } else
        return 0;
    return *m >= 1 && *m <= 12 && *dd >= 1 && *y >= 1000 && *dd <= days_in(*y, *m);
}

/* Whether a date-of-birth label stands directly before [from, to): the
 * nearest label in the 40 characters before is a DOB label, not an issue
 * or expiry one; in a table row only the column header counts (the
 * line above is another row). */
static int
dob_labelled(tl_detector *d, const char *t, size_t from, size_t to)
{
    size_t window = 40;
    /* with no DOB label anywhere in the part only "born" can label the
     * date, and neither the table nor the window is asked about */
    if (tl_hits_of(d, K_DOB)->len && tl_in_table(d, from)) {
        if (tl_context(d, K_DOB, from, to, 0, 0))
            return 1;
        window = MIN(window, from - tl_line_start(t, from));
    }
    /* an issue or expiry label nearer than the DOB label: asked about
     * only when there is a DOB label (K_DOB_NEG is common words) */
    gint64 dob = last_before(d, K_DOB, from, window);
    if (dob >= 0 && dob > last_before(d, K_DOB_NEG, from, window))
        return 1;
    /* "born": only "Born:" or "she was born (on)", directly before */
    gint64 born = last_before(d, K_BORN, from, 4);
    return born >= 0 && gap_is_blank(t, (size_t)born, from);
}

static int
dob(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text, *s = t + h->from;
    size_t n = h->to - h->from;
    if (!number_bounded(t, p->len, h->from, h->to) || (h->from > 0 && t[h->from - 1] == '$'))
        return 0;
    if (!dob_labelled(d, t, h->from, h->to))
        return 0;
    gint64 now = d->ref_time ? d->ref_time : g_get_real_time() / G_USEC_PER_SEC;
    GDateTime *ref = g_date_time_new_from_unix_utc(now);
    if (!ref)
        return 0;
    int ry = g_date_time_get_year(ref), rm = g_date_time_get_month(ref), rd = g_date_time_get_day_of_month(ref);
    g_date_time_unref(ref);
    int y, m, dd;
    if (!parse_date(s, n, ry, &y, &m, &dd))
        return 0;
    int age = ry - y - ((rm < m || (rm == m && rd < dd)) ? 1 : 0);
    if (age < 15 || age > 100)
        return 0;       /* not the birth date of a correspondent, employee or service member */
    c->score = 85;
    c->det = "dob", c->cat = "PII.DOB";
    c->pii = 1;
    /* HIPAA Safe Harbor: the year only, and ages over 89 as one group */
    c->masked = age >= 90 ? g_strdup("90+") : g_strdup_printf("%04d", y);
    g_snprintf(c->norm, sizeof c->norm, "%04d-%02d-%02d", y, m, dd);
    return 1;
}

int
tl_cand_contact(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    switch (h->id) {
    case P_PHONE:
        return phone(d, p, h, c);
    case P_DSN:
        return dsn(p, h, c);
    case P_PHONE_INTL:
        return phone_intl(d, p, h, c);
    case P_EMAIL:
        return email(d, p, h, c);
    case P_MILPOST:
        return milpost(p, h, c);
    case P_DATE:
        return dob(d, p, h, c);
    default:
        return 0;
    }
}
