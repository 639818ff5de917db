/*
 * places.c - military locations (research/sensitive-content.md section
 * 5.13): GEO.MIL.
 *
 * MGRS grid references (zone 1-60, a latitude band C-X without I and O,
 * a 100-km square, an even number of 2-10 digits), stored to the 1-km
 * level, 85 with a military or operational-location word near and 70
 * alone; installation names by the grammar of section 5.13 (Fort, Camp,
 * Joint Base, Naval Station, NAS, Air Force Base...), only with a
 * military word near (Fort Lauderdale is a city, NAS a storage box), 75.
 * DSN numbers and classified-network addresses stay contact findings
 * (detect_contact.c): they are origin evidence, not places.
 */
#include <hs.h>
#include <stdio.h>

#include "scanner/detect/leak.h"

const tl_pattern tl_patterns_places[] = {
    { P_MGRS, "\\b([1-9]|[1-5]\\d|60)[C-HJ-NP-X]\\x20?[A-HJ-NP-Z][A-HJ-NP-V]\\x20?\\d{1,5}\\x20?\\d{1,5}\\b", 0 },
    { P_INSTALL,
      "\\b(Fort|Ft\\.|Camp|Joint\\x20Base|JB|Naval\\x20Station|NAVSTA|Naval\\x20Air\\x20Station|NAS|"
      "Naval\\x20Support\\x20Activity|NSA|Naval\\x20Base|Marine\\x20Corps\\x20Base|MCB|MCAS|MCRD|FOB|COP)"
      "\\x20[A-Z][a-z]+\\b"
      /* the suffix only: the name before it is taken in C (a leading
       * capitalised-word class made this the costliest pattern) */
      "|\\x20(Air\\x20Force\\x20Base|AFB|Air\\x20Base|Army\\x20Airfield|AAF|Air\\x20Reserve\\x20Base|ARB|"
      "Space\\x20Force\\x20Base|SFB)\\b",
      0 },
    { 0, NULL, 0 }
};

/* Military and operational-location words (section 5.13). */
static const char *const milcue[] = { "ECP", "entry control point", "gate", "flight line", "pier", "berth", "hangar",
                                      "SCIF", "armory", "ammo supply point", "perimeter", "guard tower", "fence line",
                                      "grid", "LZ", "HLZ", "DZ", "FARP", "ASP", "motor pool", "base", "installation",
                                      "garrison", "post", "unit", "battalion", "brigade", "squadron", "wing",
                                      "platoon", "soldier", "soldiers", "sailors", "airmen", "marines", "troops",
                                      "deploy", "deployed", "deployment", "mission", "patrol", "convoy", "military",
                                      "DoD", "Army", "Navy", "USAF", "USMC", "PCS", "TDY", "barracks", "company",
                                      "MGRS", NULL };

static int
mgrs(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text, *s = t + h->from;
    size_t n = h->to - h->from;
    if (h->from > 0 && strchr("-./#", t[h->from - 1]))
        return 0;
    /* the whole reference: Hyperscan also reports "38S MB 4487" inside
     * "38S MB 4487 825" */
    if (h->to + 1 < p->len && t[h->to] == ' ' && g_ascii_isdigit(t[h->to + 1]))
        return 0;
    /* zone, band, square, then the digits: an even count, halves equal */
    char zone[3] = { 0 }, sq[3] = { 0 }, dg[12];
    size_t i = 0, z = 0, m = 0;
    while (i < n && g_ascii_isdigit(s[i]) && z < 2)
        zone[z++] = s[i++];
    char band = s[i++];
    while (i < n && s[i] == ' ')
        i++;
    sq[0] = s[i], sq[1] = s[i + 1];
    i += 2;
    int groups = 0, prev_space = 1;
    for (; i < n; i++) {
        if (g_ascii_isdigit(s[i])) {
            if (prev_space)
                groups++;
            if (m + 1 < sizeof dg)
                dg[m++] = s[i];
            prev_space = 0;
        } else
            prev_space = 1;
    }
    dg[m] = 0;
    if (m < 4 || m > 10 || m % 2 || groups > 2)
        return 0;
    /* grid letters in a row of text are a product code more often than
     * not: a military word is wanted near a short reference */
    static const char *const product[] = { "product", "code", "SKU", "model", "part", "item", "serial", "order", "lot",
                                           "catalog", NULL };
    if (tl_words_near(t, p->len, h->from, h->to, 40, 0, product))
        return 0;
    int kw = tl_words_near(t, p->len, h->from, h->to, 300, 300, milcue);
    if (!kw && m < 8)
        return 0;
    size_t half = m / 2;
    c->det = "mgrs", c->cat = "GEO.MIL";
    c->score = kw ? 85 : 70;
    /* to 1 km: two digits of each half */
    c->masked = g_strdup_printf("MGRS %s%c %s %.2s %.2s", zone, band, sq, dg, dg + half);
    g_snprintf(c->norm, sizeof c->norm, "%s%c%s%s", zone, band, sq, dg);
    return 1;
}

static int
installation(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    (void)d;
    const char *t = p->text;
    if (t[h->from] == ' ') {
        /* "Name [Name] AFB": one or two capitalised words before */
        size_t b = h->from, words = 0;
        while (words < 2 && b > 1 && g_ascii_isalpha(t[b - 1])) {
            size_t w = b;
            while (w > 0 && g_ascii_isalpha(t[w - 1]))
                w--;
            if (!g_ascii_isupper(t[w]) || b - w < 3)
                break;
            b = w, words++;
            if (b > 0 && t[b - 1] == ' ')
                b--;
            else
                break;
        }
        while (b < h->from && !g_ascii_isalpha(t[b]))
            b++;
        if (!words)
            return 0;
        c->from = b;
    }
    if (h->to < p->len && g_ascii_isalpha(t[h->to]))
        return 0;
    /* cities and companies: Fort Lauderdale, Fort Worth, Camp David is a
     * place too but a public one; a military word near is wanted */
    static const char *const city[] = { "Fort Lauderdale", "Fort Worth", "Fort Myers", "Fort Collins", "Fort Wayne",
                                        "Fort Smith", "Fort Pierce", "Fort Lee Dr" };
    for (size_t i = 0; i < G_N_ELEMENTS(city); i++)
        if (h->to - h->from >= strlen(city[i]) && memcmp(t + h->from, city[i], strlen(city[i])) == 0)
            return 0;
    if (!tl_words_near(t, p->len, c->from, h->to, 200, 200, milcue))
        return 0;
    c->det = "installation", c->cat = "GEO.MIL";
    c->score = 75;
    /* installation names are public facts: stored verbatim */
    c->masked = g_strdup_printf("%.*s", (int)MIN(h->to - c->from, 60), t + c->from);
    g_snprintf(c->norm, sizeof c->norm, "%.*s", (int)MIN(h->to - c->from, 90), t + c->from);
    return 1;
}

int
tl_cand_places(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    switch (h->id) {
    case P_MGRS:
        return mgrs(p, h, c);
    case P_INSTALL:
        return installation(d, p, h, c);
    default:
        return 0;
    }
}
