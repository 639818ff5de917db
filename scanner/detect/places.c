/*
 * places.c - military locations (research/sensitive-content.md section
 * 5.13): GEO.MIL.
 *
 * MGRS grid references (zone 1-60, a latitude band C-X without I and O,
 * a 100-km square, an even number of 2-10 digits), stored to the 1-km
 * level, 85 with a military or operational-location word near and 70
 * alone; installation names by the grammar of section 5.13 (Fort, Camp,
 * Joint Base, Naval Station, NAS, Air Force Base...), only with a
 * military word near (Fort Lauderdale is a city, NAS a storage box), 75;
 * a name of the vendored list of US installations with an airfield
 * (data/us-military-installations.txt: Travis AFB, Fort Carson, NAS
 * Pensacola) needs no word near, 75, and 85 with one.  The same list
 * places a photo's GPS position near a base (attach.c).
 * DSN numbers and classified-network addresses stay contact findings
 * (detect_contact.c): they are origin evidence, not places.
 */
#include <hs.h>
#include <math.h>
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
const char *const tl_milcue[] = { "ECP", "entry control point", "gate", "flight line", "pier", "berth", "hangar",
                                      "SCIF", "armory", "ammo supply point", "perimeter", "guard tower", "fence line",
                                      "grid", "LZ", "HLZ", "DZ", "FARP", "ASP", "motor pool", "base", "installation",
                                      "garrison", "post", "unit", "battalion", "brigade", "squadron", "wing",
                                      "platoon", "soldier", "soldiers", "sailors", "airmen", "marines", "troops",
                                      "deploy", "deployed", "deployment", "mission", "patrol", "convoy", "military",
                                      "DoD", "Army", "Navy", "USAF", "USMC", "PCS", "TDY", "barracks", "company",
                                      "MGRS", NULL };

/* ---- the vendored installation list --------------------------------- */

typedef struct {
    char *key;          /* "TRAVIS|AFB": the name upper case, hyphens as blanks, and its kind */
    char *name;         /* "Travis AFB" */
    double lat, lon;
} installation_row;

static GArray *inst_rows;       /* of installation_row, kept for the process */
static GHashTable *inst_keys;   /* key -> index + 1 */

static char *
inst_key(const char *name, size_t n, const char *kind)
{
    char *k = g_strdup_printf("%.*s|%s", (int)n, name, kind);
    for (char *c = k; *c && *c != '|'; c++)
        *c = *c == '-' ? ' ' : g_ascii_toupper(*c);
    return k;
}

static gpointer
load_installations(gpointer unused)
{
    (void)unused;
    inst_rows = g_array_new(FALSE, FALSE, sizeof(installation_row));
    inst_keys = g_hash_table_new(g_str_hash, g_str_equal);
    char **lines = g_strsplit(tl_installations, "\n", -1);
    for (char **l = lines; *l; l++) {
        char **f = g_strsplit(*l, "\t", 5);
        if (**l != '#' && g_strv_length(f) == 4) {
            installation_row r = { inst_key(f[0], strlen(f[0]), f[1]), NULL, g_ascii_strtod(f[2], NULL),
                                   g_ascii_strtod(f[3], NULL) };
            r.name = strcmp(f[1], "FORT") == 0 ? g_strdup(f[0]) : g_strdup_printf("%s %s", f[0], f[1]);
            g_array_append_val(inst_rows, r);
            g_hash_table_insert(inst_keys, r.key, GUINT_TO_POINTER(inst_rows->len));
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    return NULL;
}

static GOnce inst_once = G_ONCE_INIT;

/* The listed installation's name for name[0, n) of kind, or NULL. */
static const char *
inst_find(const char *name, size_t n, const char *kind)
{
    g_once(&inst_once, load_installations, NULL);
    char *k = inst_key(name, n, kind);
    guint i = GPOINTER_TO_UINT(g_hash_table_lookup(inst_keys, k));
    g_free(k);
    return i ? g_array_index(inst_rows, installation_row, i - 1).name : NULL;
}

const char *
tl_installation_near(double lat, double lon, double km, double *dist)
{
    g_once(&inst_once, load_installations, NULL);
    const char *best = NULL;
    double bd = km;
    for (guint i = 0; i < inst_rows->len; i++) {
        const installation_row *r = &g_array_index(inst_rows, installation_row, i);
        /* equirectangular: exact enough within a few km */
        double x = (r->lon - lon) * cos((r->lat + lat) / 2 * G_PI / 180), y = r->lat - lat;
        double d = sqrt(x * x + y * y) * 111.195;
        if (d <= bd)
            bd = d, best = r->name;
    }
    if (best && dist)
        *dist = bd;
    return best;
}

/* The kind of installation a grammar word names, for the list. */
static const char *
kind_of(const char *w, size_t n)
{
    static const struct { const char *word, *kind; } k[] = {
        { "Fort", "FORT" }, { "Ft.", "FORT" }, { "NAS", "NAS" }, { "Naval Air Station", "NAS" }, { "AFB", "AFB" },
        { "Air Force Base", "AFB" }, { "AAF", "AAF" }, { "Army Airfield", "AAF" }, { "ARB", "ARB" },
        { "Air Reserve Base", "ARB" }, { "MCAS", "MCAS" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(k); i++)
        if (strlen(k[i].word) == n && memcmp(k[i].word, w, n) == 0)
            return k[i].kind;
    return NULL;
}

/* The listed name of the installation match [from, to) (the grammar word
 * at gfrom, gto), or NULL: "Fort Carson", "NAS Pensacola", "Travis AFB",
 * "Seymour Johnson AFB". */
static const char *
listed(const char *t, size_t from, size_t to, size_t gfrom, size_t gto)
{
    const char *kind = kind_of(t + gfrom, gto - gfrom);
    if (!kind)
        return NULL;
    if (strcmp(kind, "FORT") == 0) {
        /* the list writes "Fort Carson" whole; "Ft." is "Fort" */
        char *whole = g_strdup_printf("Fort%.*s", (int)(to - gto), t + gto);
        const char *r = inst_find(whole, strlen(whole), kind);
        g_free(whole);
        return r;
    }
    if (gfrom == from) {    /* "NAS Pensacola" */
        size_t s = gto;
        while (s < to && t[s] == ' ')
            s++;
        return inst_find(t + s, to - s, kind);
    }
    /* "Seymour Johnson AFB": the two words, then the last */
    size_t e = gfrom;
    while (e > from && t[e - 1] == ' ')
        e--;
    const char *r = inst_find(t + from, e - from, kind);
    for (size_t s = e; !r && s > from; s--)
        if (t[s - 1] == ' ')
            r = inst_find(t + s, e - s, kind);
    return r;
}

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
    int kw = tl_words_near(t, p->len, h->from, h->to, 300, 300, tl_milcue);
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
    /* the grammar word: the match's first word(s) or its suffix */
    size_t gfrom = h->from, gto = h->to;
    if (t[h->from] == ' ')
        gfrom = h->from + 1;
    else {
        gto = h->to;
        while (gto > h->from && t[gto - 1] != ' ')
            gto--;
        while (gto > h->from && t[gto - 1] == ' ')
            gto--;
    }
    const char *known = listed(t, c->from, h->to, gfrom, gto);
    int kw = tl_words_near(t, p->len, c->from, h->to, 200, 200, tl_milcue);
    if (!kw && !known)
        return 0;
    c->det = "installation", c->cat = "GEO.MIL";
    c->score = known && kw ? 85 : 75;
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
