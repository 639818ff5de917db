/*
 * travel.c - itineraries, lodging and VIP movement (research/
 * sensitive-content.md section 5.14): TRAVEL.ITINERARY, LODGING.ROOM,
 * TRAVEL.VIPMOVE.
 *
 * Candidates of the first Hyperscan pass: flight numbers (an active
 * airline's IATA designator from data/iata-airlines.txt and a flight word
 * near), PNR and confirmation codes right after their label, 13-digit
 * e-ticket numbers after a ticket word, IATA BCBP boarding-pass strings
 * (airports and carrier checked against the vendored tables), hotel room
 * numbers and door or key codes, only in a lodging context.  Then, per
 * part: schema.org reservations in JSON-LD and microdata (a reservation
 * number or a guest, never an offer), calendar events about a flight or a
 * hotel, DV time-lines (four or more lines that start with a time, with
 * movement words), and the VIP movement: an itinerary with a flag or
 * general officer, a DV or VIP cue, a CODEL or a senior civilian title.
 */
#include <hs.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "scanner/detect/leak.h"

const tl_pattern tl_patterns_travel[] = {
    /* flight numbers are looked for in C, in booked parts and on
     * time-line rows only (tl_doc_travel): as a pattern of the one pass,
     * a two-character designator before digits matched everywhere */
    /* the code right after its label; the label only is caseless */
    { P_PNR,
      "(?i:\\b(pnr|record\\x20locator|booking\\x20(reference|ref\\.?|code|number|no\\.?)|"
      "confirmation\\x20(code|number|no\\.?|#)|reservation\\x20(code|number|no\\.?|#)|airline\\x20locator|"
      "conf\\.?\\x20(#|no\\.?|number))\\x20?(:|#|is)?\\x20?)[A-Z0-9]{5,12}\\b",
      0 },
    { P_ETKT, "(?i:\\b(ticket|e-?ticket|etkt|tkt)\\b)(\\x20?(number|no\\.?|#))?[\\x20:#]{1,3}\\d{3}[\\x20-]?\\d{10}\\b", 0 },
    /* IATA Resolution 792 mandatory block: M, legs, name (20), e-ticket
     * flag, PNR (7), from, to, carrier (3), flight (5), Julian day,
     * compartment, seat (4), sequence (5), status, size of the
     * conditional block (2 hex) */
    { P_BCBP,
      "M[1-4][A-Z/\\x20.-]{20}[E\\x20][A-Z0-9\\x20]{7}[A-Z]{3}[A-Z]{3}[A-Z0-9\\x20]{3}[0-9\\x20]{4}[A-Z\\x20]"
      "\\d{3}[A-Z][0-9A-Z\\x20]{4}[0-9A-Z\\x20]{5}[0-9A-Z\\x20][0-9A-F]{2}",
      0 },
    { P_ROOM, "(?i:\\b(room|rm\\.?|suite|ste\\.?)\\x20?(#|no\\.?|number)?\\x20?:?\\x20?)\\d{3,5}[A-Z]?\\b", 0 },
    { P_DOORCODE,
      "(?i:\\b(door|room|access|safe|gate|keypad|lockbox|entry)\\x20code\\x20?(is|:)?\\x20?)\\d{3,8}\\b", 0 },
    /* a name after its label (passenger, guest, patient): never a
     * finding, always a candidate, so that snippets and the full-text
     * index write it as its type */
    { P_NAMED,
      "(?i:\\b((full\\x20)?name|passenger(\\x20name)?|traveler|traveller|guest\\x20name|patient(\\x20name)?|name\\x20of\\x20patient)"
      "\\x20?:\\x20?)(SGT\\x20|SSG\\x20|SPC\\x20|PFC\\x20|CPT\\x20|MAJ\\x20|LTC\\x20|COL\\x20|Mr\\.?\\x20|Ms\\.?\\x20|Mrs\\.?\\x20|Dr\\.?\\x20)?"
      "[A-Z][A-Za-z'-]+([/,]\\x20?[A-Z][A-Za-z'-]+|\\x20[A-Z][A-Za-z'.-]+){0,3}",
      0 },
    /* lines that start with a time: 0730, 0730L, 07:30, 7:30 PM,
     * 0730-0800, then an activity */
    { P_TIMEROW,
      "^[\\x20\\t]*(\\d{1,2}:[0-5]\\d(\\x20?[AaPp]\\.?[Mm]\\.?)?|([01]\\d|2[0-3])[0-5]\\d(L|Z|\\x20?hrs)?)"
      "(\\x20?-\\x20?(\\d{1,2}:[0-5]\\d|([01]\\d|2[0-3])[0-5]\\d)[LZ]?)?[\\x20\\t]*[\\x20\\t:|-][\\x20\\t]*[A-Za-z]",
      HS_FLAG_MULTILINE },
    { P_VEVENT, "^BEGIN:VEVENT", HS_FLAG_MULTILINE },
    /* a flag or general officer before a surname */
    { P_FLAGNAME,
      "\\b(BG|MG|LTG|GEN|Gen\\.?|RDML|RADM|VADM|ADM|Adm\\.?|BGen|MajGen|LtGen|Brig\\x20Gen\\.?|Maj\\x20Gen\\.?|"
      "Lt\\x20Gen\\.?)\\x20[A-Z][a-z]+",
      0 },
    { K_VIP, "\\b(dvs?|distinguished\\x20visitors?|dv\\x20code|codel|staffdel|protective\\x20detail|psd|"
             "aide-de-camp|advance\\x20team|sam\\x20?\\d{2,5}|c-37[ab]?|c-40[abc]?|c-32a?|secdef|secnav|secarmy|"
             "secaf|cjcs|vcjcs|csaf|vcsa|vcno|cno|cmc|"
             "(deputy\\x20|under\\x20|assistant\\x20)?secretary\\x20of\\x20(defense|the\\x20army|the\\x20navy|"
             "the\\x20air\\x20force|state)|senator|congressman|congresswoman|ambassador)\\b",
      HS_FLAG_CASELESS },
    { 0, NULL, 0 }
};

/* ---- words looked for in C beside a candidate (leak.h) ---------------- */

static const char *const flight_words[] = { "flight", "flights", "flt", "dep", "arr", "depart", "departs", "departure",
                                            "departing", "arrive", "arrives", "arrival", "arriving", "gate", "seat",
                                            "boarding", "terminal", "airline", "nonstop", "layover", "connection",
                                            "operated by", NULL };
static const char *const lodging_words[] = { "hotel", "motel", "inn", "resort", "lodging", "lodge", "billeting",
                                             "check-in", "check-out", "checkin", "checkout", "check in", "check out",
                                             "guest", "front desk", "concierge", "room key", "Marriott", "Hilton",
                                             "Hyatt", "Sheraton", "Westin", "Holiday Inn", "IHG", "Navy Lodge", "night",
                                             "nights", NULL };
static const char *const stay_words[] = { "confirmation", "confirmed", "reservation", "booked", "your room",
                                          "your stay", "guest name", "room assignment", "assigned", NULL };
static const char *const key_words[] = { "key card", "key cards", "keycard", "keycards", "room key", "room keys",
                                         "key packet", "key packets", "keys will be", "door code", "access code",
                                         "safe code", "connecting room", "connecting rooms", "adjoining", NULL };
static const char *const move_words[] = { "wheels up", "wheels down", "ETD", "ETA", "RON", "motorcade", "depart",
                                          "departs", "departure", "arrive", "arrives", "arrival", "land", "lands",
                                          "takeoff", "enroute", "en route", "convoy", "check-in", "check-out",
                                          "lodging", "billeting", "hotel", "airport", "airfield", "flight", "itinerary",
                                          "pick-up", "pickup", "pick up", "drive to", "travel to", "hangar",
                                          "flight line", NULL };

/* ---- the vendored tables ------------------------------------------- */

static guint8 airline_bits[36 * 36 / 8 + 1], airport_bits[26 * 26 * 26 / 8 + 1];

static int
c36(char c)
{
    return g_ascii_isdigit(c) ? c - '0' : g_ascii_isupper(c) ? 10 + c - 'A' : -1;
}

static gpointer
load_tables(gpointer unused)
{
    (void)unused;
    for (const char *l = tl_iata_airlines; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        if (n == 2 && c36(l[0]) >= 0 && c36(l[1]) >= 0) {
            int i = c36(l[0]) * 36 + c36(l[1]);
            airline_bits[i / 8] |= (guint8)(1u << (i % 8));
        }
        l += n + (e != NULL);
    }
    for (const char *l = tl_iata_airports; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        if (n == 3 && g_ascii_isupper(l[0]) && g_ascii_isupper(l[1]) && g_ascii_isupper(l[2])) {
            int i = ((l[0] - 'A') * 26 + (l[1] - 'A')) * 26 + (l[2] - 'A');
            airport_bits[i / 8] |= (guint8)(1u << (i % 8));
        }
        l += n + (e != NULL);
    }
    return NULL;
}

static GOnce tables_once = G_ONCE_INIT;

int
tl_iata_airline(const char *code)
{
    g_once(&tables_once, load_tables, NULL);
    int a = c36(code[0]), b = c36(code[1]);
    if (a < 0 || b < 0)
        return 0;
    int i = a * 36 + b;
    return (airline_bits[i / 8] >> (i % 8)) & 1;
}

int
tl_iata_airport(const char *code)
{
    g_once(&tables_once, load_tables, NULL);
    if (!g_ascii_isupper(code[0]) || !g_ascii_isupper(code[1]) || !g_ascii_isupper(code[2]))
        return 0;
    int i = ((code[0] - 'A') * 26 + (code[1] - 'A')) * 26 + (code[2] - 'A');
    return (airport_bits[i / 8] >> (i % 8)) & 1;
}

/* ---- candidates ------------------------------------------------------ */

/* Upper-case English words that are also airline designators: "DEPART
 * AT 1500" is not Royal Air Maroc. */
static int
designator_word(const char *s)
{
    static const char *const w[] = { "AT", "IN", "ON", "TO", "BY", "OR", "AS", "IS", "IT", "OF", "NO", "US", "WE",
                                     "UP", "SO", "DO", "GO", "IF", "ME", "MY", "HE", "AM", "PM", "AN", "BE", "ID",
                                     "OK", "TV", "PO", "MR", "MS", "DR", "ST", "RM", "FL", "PA", "VA", "MD", "DC" };
    for (size_t i = 0; i < G_N_ELEMENTS(w); i++)
        if (s[0] == w[i][0] && s[1] == w[i][1])
            return 1;
    return 0;
}

/* Whether a time-line row starts the line of off. */
static int
on_time_row(tl_detector *d, const char *t, size_t off)
{
    size_t ls = tl_line_start(t, off);
    const GArray *a = tl_hits_of(d, P_TIMEROW);
    for (guint i = 0; i < a->len; i++) {
        const tl_hit *h = &g_array_index(a, tl_hit, i);
        if (h->from == ls)
            return 1;
        if (h->from > ls)
            break;
    }
    return 0;
}

/* Whether the part carries a booking: a record locator, an e-ticket, a
 * boarding pass or a schema.org reservation. */
static int
booked(tl_detector *d, const tl_text_part *p)
{
    return tl_hits_of(d, P_PNR)->len || tl_hits_of(d, P_ETKT)->len || tl_hits_of(d, P_BCBP)->len ||
           (p->jsonld && strstr(p->jsonld, "reservationNumber")) ||
           (p->microdata && strstr(p->microdata, "reservationNumber="));
}

static int
flight(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text, *s = t + h->from;
    size_t n = h->to - h->from;
    /* part numbers: F16-2, A12.3 */
    if (h->from > 0 && strchr("-./#", t[h->from - 1]))
        return 0;
    if (h->to + 1 < p->len && strchr("-./", t[h->to]) && g_ascii_isalnum(t[h->to + 1]))
        return 0;
    if (!tl_iata_airline(s) || (s[2] == ' ' && designator_word(s)))
        return 0;
    /* B12, F16, A10, C130: a letter and a digit run together are a
     * taxiway, an aircraft or a vitamin; such a designator needs its space */
    if (g_ascii_isdigit(s[1]) && s[2] != ' ')
        return 0;
    char num[8];
    size_t k = s[2] == ' ' ? 3 : 2, m = 0;
    while (k < n && m + 1 < sizeof num)
        num[m++] = s[k++];
    num[m] = 0;
    int kw = tl_words_near(t, p->len, h->from, h->to, 60, 40, flight_words), row = on_time_row(d, t, h->from);
    if (!kw && !row)
        return 0;
    c->det = "flight", c->cat = "TRAVEL.ITINERARY";
    /* a booking (a record locator, a ticket, a boarding pass) or a
     * time-line row makes it a trip; a flight number in an airline's
     * advertisement is not one (a candidate only) */
    c->score = booked(d, p) || row ? 80 : 60;
    c->masked = g_strdup_printf("%.2s %s", s, num);
    g_snprintf(c->norm, sizeof c->norm, "%.2s%s", s, num);
    return 1;
}

/* Labels' values that are words, not codes. */
static int
code_word(const char *s, size_t n)
{
    static const char *const w[] = { "CANCEL", "TRAVEL", "NUMBER", "RECORD", "LOCATOR", "BOOKED", "CHANGE", "FLIGHT",
                                     "HOTEL", "PLEASE", "STATUS", "TICKET", "AIRPORT", "BELOW", "ABOVE", "ATTACHED",
                                     "PENDING", "NEEDED", "REQUIRED", "UNKNOWN", "TBD", "NONE" };
    for (size_t i = 0; i < G_N_ELEMENTS(w); i++)
        if (strlen(w[i]) == n && memcmp(s, w[i], n) == 0)
            return 1;
    return 0;
}

static int
pnr(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    /* the value: the run of upper-case letters and digits at the end */
    size_t v = h->to;
    while (v > h->from && (g_ascii_isupper(t[v - 1]) || g_ascii_isdigit(t[v - 1])))
        v--;
    size_t n = h->to - v;
    if (n < 5 || n > 12 || (v > 0 && g_ascii_isalnum(t[v - 1])))
        return 0;
    int digits = 0, letters = 0;
    for (size_t i = v; i < h->to; i++)
        digits += g_ascii_isdigit(t[i]), letters += g_ascii_isupper(t[i]) != 0;
    /* an airline record locator is six characters; a hotel's
     * confirmation has digits */
    if (!digits && (n != 6 || code_word(t + v, n)))
        return 0;
    if (n != 6 && !digits)
        return 0;
    c->from = v;
    c->det = "pnr", c->cat = "TRAVEL.ITINERARY";
    c->score = 80;
    c->pii = 0;     /* no corroboration: the spec's scores stand */
    c->masked = g_strdup_printf("%c*****", t[v]);
    g_snprintf(c->norm, sizeof c->norm, "%.*s", (int)n, t + v);
    (void)letters;
    return 1;
}

static int
eticket(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    (void)d;
    c->from = tl_value_start(t, h->from, h->to, " -");
    while (c->from < h->to && !g_ascii_isdigit(t[c->from]))
        c->from++;
    char dg[16];
    size_t nd = tl_digits_of(t + c->from, h->to - c->from, dg, sizeof dg);
    if (nd != 13 || memcmp(dg, "000", 3) == 0)
        return 0;
    c->det = "eticket", c->cat = "TRAVEL.ITINERARY";
    c->score = 80;
    c->pii = 0;     /* no corroboration: the spec's scores stand */
    c->masked = g_strdup_printf("%.3s-******%.4s", dg, dg + 9);
    g_strlcpy(c->norm, dg, sizeof c->norm);
    return 1;
}

static int
bcbp(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *s = p->text + h->from;
    if (h->to - h->from != 60 || (h->from > 0 && g_ascii_isalnum(s[-1])))
        return 0;
    const char *from = s + 30, *to = s + 33, *carrier = s + 36, *fl = s + 39, *jd = s + 44;
    if (!tl_iata_airport(from) || !tl_iata_airport(to))
        return 0;
    if (!tl_iata_airline(carrier) || (carrier[2] != ' ' && !g_ascii_isalnum(carrier[2])))
        return 0;
    int day = (jd[0] - '0') * 100 + (jd[1] - '0') * 10 + (jd[2] - '0');
    if (day < 1 || day > 366)
        return 0;
    c->det = "bcbp", c->cat = "TRAVEL.ITINERARY";
    c->score = 95;
    c->pii = 0;     /* no corroboration: the spec's scores stand */
    /* the name is dropped: airports, carrier, flight, Julian day */
    int fn = 5;
    while (fn > 0 && fl[fn - 1] == ' ')
        fn--;
    c->masked = g_strdup_printf("BCBP %.3s-%.3s %.2s %.*s day %.3s", from, to, carrier, fn, fl, jd);
    /* over PNR, route, flight and day: the name stays out of it too */
    g_snprintf(c->norm, sizeof c->norm, "%.37s", s + 23);
    return 1;
}

static int
room(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c, int door)
{
    const char *t = p->text;
    size_t v = h->to;
    while (v > h->from && g_ascii_isalnum(t[v - 1]))
        v--;
    if (h->to < p->len && strchr("-/.", t[h->to]) && h->to + 1 < p->len && g_ascii_isdigit(t[h->to + 1]))
        return 0;
    /* hotel rooms only: a conference or meeting room is no lodging */
    static const char *const meeting[] = { "conference", "meeting", "briefing", "classroom", "class", "auditorium",
                                           "Pentagon", "building", "bldg", "lecture", "courtroom", "training",
                                           "seminar", "VTC", "Webex", "Teams", "Zoom", "office", "lab", NULL };
    if (tl_words_near(t, p->len, h->from, h->to, 40, 0, meeting))
        return 0;
    if (!tl_words_near(t, p->len, h->from, h->to, 300, 300, lodging_words))
        return 0;
    /* and a stay, not an advertisement: a booking, key or door words, or
     * a confirmation or reservation word near */
    int keys = tl_words_near(t, p->len, h->from, h->to, 300, 300, key_words);
    if (!door && !keys && !booked(d, p) && !tl_words_near(t, p->len, h->from, h->to, 300, 300, stay_words))
        return 0;
    c->det = door ? "door-code" : "room", c->cat = "LODGING.ROOM";
    c->from = v;
    c->pii = 0;     /* no corroboration: the spec's scores stand */
    c->score = door || keys ? 90 : 75;
    if (door)
        c->masked = g_strdup_printf("code %zu digits", h->to - v);
    else
        c->masked = g_strdup_printf("\xe2\x9f\xa8ROOM\xe2\x9f\xa9 %zu-digit", h->to - v);
    g_snprintf(c->norm, sizeof c->norm, "%s%.*s", door ? "code:" : "room:", (int)(h->to - v), t + v);
    return 1;
}

/* A labelled name: the span covers the name, never a finding (score 60):
 * what it buys is that no snippet and no indexed text shows it. */
static int
named(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    /* the maximal match: Hyperscan reports each end of the name; the
     * hits are sorted by end, so the longer ones follow this one closely */
    const GArray *a = tl_hits_of(d, P_NAMED);
    guint l = 0, r = a->len;
    while (l < r) {
        guint m = l + (r - l) / 2;
        if (g_array_index(a, tl_hit, m).to <= h->to)
            l = m + 1;
        else
            r = m;
    }
    for (guint i = l; i < a->len; i++) {
        const tl_hit *x = &g_array_index(a, tl_hit, i);
        if (x->to > h->to + 200)
            break;
        if (x->from == h->from)
            return 0;
    }
    size_t v = h->from;
    while (v < h->to && t[v] != ':')
        v++;
    v++;
    while (v < h->to && t[v] == ' ')
        v++;
    if (v >= h->to)
        return 0;
    c->from = v;
    c->det = "name", c->cat = "PERSONNEL.ROSTER";
    c->score = 60;
    c->masked = g_strdup("name");
    c->no_hash = 1;
    return 1;
}

int
tl_cand_travel(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    switch (h->id) {
    case P_PNR:
        return pnr(p, h, c);
    case P_ETKT:
        return eticket(d, p, h, c);
    case P_BCBP:
        return bcbp(p, h, c);
    case P_ROOM:
        return room(d, p, h, c, 0);
    case P_DOORCODE:
        return room(d, p, h, c, 1);
    case P_NAMED:
        return named(d, p, h, c);
    default:
        return 0;
    }
}

/* Flight numbers on t[from, to): a designator (two letters, a letter and
 * a digit, or a digit and a letter), an optional space, 1-4 digits, an
 * optional suffix letter, as a whole word; each judged by flight(). */
static void
flights_in(tl_detector *d, const tl_text_part *p, size_t from, size_t to, GArray *out)
{
    const char *t = p->text;
    for (size_t i = from; i + 3 <= to; i++) {
        if ((i > 0 && g_ascii_isalnum(t[i - 1])) || !g_ascii_isalnum(t[i]) || !g_ascii_isalnum(t[i + 1]))
            continue;
        if (!(g_ascii_isupper(t[i]) && (g_ascii_isupper(t[i + 1]) || g_ascii_isdigit(t[i + 1]))) &&
            !(g_ascii_isdigit(t[i]) && g_ascii_isupper(t[i + 1])))
            continue;
        size_t j = i + 2;
        if (j < to && t[j] == ' ')
            j++;
        size_t ds = j;
        while (j < to && j - ds < 5 && g_ascii_isdigit(t[j]))
            j++;
        if (j == ds || j - ds > 4)
            continue;
        if (j < to && g_ascii_isupper(t[j]))
            j++;
        if (j < p->len && g_ascii_isalnum(t[j]))
            continue;
        tl_hit h = { P_FLIGHT, i, j };
        tl_cand c = { 0 };
        c.from = i, c.to = j, c.doc_neg_penalty = 20;
        if (flight(d, p, &h, &c))
            g_array_append_val(out, c);
        i = j;
    }
}

/* ---- schema.org reservations (JSON-LD, microdata) -------------------- */

static const char *
str_member(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);
    return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING ? json_node_get_string(n)
                                                                                           : NULL;
}

/* The reservation type of o ("FlightReservation"...), or NULL. */
static const char *
reservation_type(JsonObject *o)
{
    const char *ty = str_member(o, "@type");
    if (!ty)
        return NULL;
    const char *slash = strrchr(ty, '/');
    if (slash)
        ty = slash + 1;
    return g_str_has_suffix(ty, "Reservation") || strcmp(ty, "ReservationPackage") == 0 ? ty : NULL;
}

static void
reservation(GArray *out, const char *type, const char *number, const char *extra)
{
    char *masked = g_strdup_printf("%s%s%c%s%s%s", type, number ? " " : "", number ? number[0] : 0,
                                   number ? "*****" : "", extra && *extra ? " " : "", extra ? extra : "");
    char norm[96];
    g_snprintf(norm, sizeof norm, "%s:%s", type, number ? number : "");
    tl_doc_cand(out, "reservation", "TRAVEL.ITINERARY", 0, 0, 95, masked, norm, 0);
}

static void
walk_jsonld(JsonNode *n, GArray *out, int depth)
{
    if (!n || depth > 8)
        return;
    if (JSON_NODE_HOLDS_ARRAY(n)) {
        JsonArray *a = json_node_get_array(n);
        for (guint i = 0; i < json_array_get_length(a); i++)
            walk_jsonld(json_array_get_element(a, i), out, depth + 1);
        return;
    }
    if (!JSON_NODE_HOLDS_OBJECT(n))
        return;
    JsonObject *o = json_node_get_object(n);
    const char *ty = reservation_type(o);
    /* a reservation has a number or a guest: marketing carries Offer and
     * Product, or a reservation type without either */
    if (ty && (json_object_has_member(o, "reservationNumber") || json_object_has_member(o, "underName"))) {
        char extra[64] = "";
        JsonNode *rf = json_object_get_member(o, "reservationFor");
        if (rf && JSON_NODE_HOLDS_OBJECT(rf)) {
            JsonObject *f = json_node_get_object(rf);
            const char *fn = str_member(f, "flightNumber");
            JsonNode *al = json_object_get_member(f, "airline");
            const char *ac = al && JSON_NODE_HOLDS_OBJECT(al) ? str_member(json_node_get_object(al), "iataCode") : NULL;
            JsonNode *da = json_object_get_member(f, "departureAirport"), *aa = json_object_get_member(f, "arrivalAirport");
            const char *dc = da && JSON_NODE_HOLDS_OBJECT(da) ? str_member(json_node_get_object(da), "iataCode") : NULL;
            const char *acode = aa && JSON_NODE_HOLDS_OBJECT(aa) ? str_member(json_node_get_object(aa), "iataCode") : NULL;
            if (fn)
                g_snprintf(extra, sizeof extra, "%.3s %.6s %.3s-%.3s", ac ? ac : "", fn, dc ? dc : "?",
                           acode ? acode : "?");
        }
        reservation(out, ty, str_member(o, "reservationNumber"), extra);
        return;
    }
    GList *members = json_object_get_members(o);
    for (GList *m = members; m; m = m->next)
        if (strcmp(m->data, "reservationFor") != 0)
            walk_jsonld(json_object_get_member(o, m->data), out, depth + 1);
    g_list_free(members);
}

static void
jsonld(const tl_text_part *p, GArray *out)
{
    if (!p->jsonld || !strstr(p->jsonld, "Reservation"))
        return;
    /* one or more blocks, a blank line apart */
    char **blocks = g_strsplit(p->jsonld, "\n\n", -1);
    for (int i = 0; blocks[i]; i++) {
        if (!strstr(blocks[i], "Reservation"))
            continue;
        JsonParser *jp = json_parser_new();
        if (json_parser_load_from_data(jp, blocks[i], -1, NULL))
            walk_jsonld(json_parser_get_root(jp), out, 0);
        g_object_unref(jp);
    }
    g_strfreev(blocks);
}

/* Microdata: "itemscope TYPE" lines open a scope, "prop=value" lines
 * follow; a Reservation scope with a reservationNumber or underName. */
static void
microdata(const tl_text_part *p, GArray *out)
{
    if (!p->microdata || !strstr(p->microdata, "Reservation"))
        return;
    char **lines = g_strsplit(p->microdata, "\n", -1);
    const char *type = NULL;
    char *number = NULL;
    int guest = 0;
    for (int i = 0;; i++) {
        const char *l = lines[i];
        int scope = l && (g_str_has_prefix(l, "itemscope ") || strstr(l, ": itemscope ") != NULL);
        int top = l && g_str_has_prefix(l, "itemscope ");
        if (!l || top) {
            if (type && (number || guest))
                reservation(out, type, number, NULL);
            type = NULL, guest = 0;
            g_clear_pointer(&number, g_free);
            if (!l)
                break;
        }
        if (scope && top) {
            const char *ty = strrchr(l, '/');
            ty = ty ? ty + 1 : l + 10;
            if (g_str_has_suffix(ty, "Reservation") || strcmp(ty, "ReservationPackage") == 0)
                type = ty;
        } else if (type && g_str_has_prefix(l, "reservationNumber=") && !number)
            number = g_strdup(l + 18);
        else if (type && g_str_has_prefix(l, "underName"))
            guest = 1;
    }
    g_strfreev(lines);
}

/* ---- documents ------------------------------------------------------- */

void
tl_doc_travel(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out)
{
    const char *t = p->text;
    guint first = out->len;
    jsonld(p, out);
    microdata(p, out);

    /* flight numbers: in a booked part anywhere, else on time-line rows */
    if (booked(d, p))
        flights_in(d, p, 0, p->len, out);
    else {
        const GArray *r = tl_hits_of(d, P_TIMEROW);
        for (guint i = 0; i < r->len; i++) {
            const tl_hit *h = &g_array_index(r, tl_hit, i);
            if (i + 1 < r->len && g_array_index(r, tl_hit, i + 1).from == h->from)
                continue;
            flights_in(d, p, h->from, tl_line_end(t, p->len, h->from), out);
        }
    }

    /* a time-line: four or more lines that start with a time, with two
     * or more distinct movement words over them */
    const GArray *rows = tl_hits_of(d, P_TIMEROW);
    if (rows->len >= 4) {
        int n = 0;
        size_t last_line = (size_t)-1, start = 0, end = 0;
        for (guint i = 0; i < rows->len; i++) {
            const tl_hit *h = &g_array_index(rows, tl_hit, i);
            if (h->from == last_line)
                continue;
            if (!n)
                start = h->from;
            last_line = h->from;
            end = tl_line_end(t, p->len, h->from);
            n++;
        }
        int moves = n >= 4 ? tl_words_in(t, p->len, start, end, 0, 0, move_words, NULL) : 0;
        if (n >= 4 && moves >= 2) {
            size_t ts = start;
            while (ts < p->len && (t[ts] == ' ' || t[ts] == '\t'))
                ts++;
            size_t te = ts;
            while (te < p->len && (g_ascii_isdigit(t[te]) || t[te] == ':'))
                te++;
            char norm[96];
            g_snprintf(norm, sizeof norm, "timeline:%.*s", (int)MIN(end - start, 80), t + start);
            tl_doc_cand(out, "timeline", "TRAVEL.ITINERARY", ts, te, 85, g_strdup_printf("time-line %d rows", n), norm,
                        0);
        }
    }

    /* a calendar event about a flight or a hotel */
    const tl_hit *ev = tl_first_hit(d, P_VEVENT);
    if (ev && (tl_best_of(found, NULL, "flight") >= 65 || tl_words_in(t, p->len, ev->from, p->len, 0, 0, lodging_words, NULL) ||
               tl_words_in(t, p->len, ev->from, p->len, 0, 0, flight_words, NULL))) {
        char norm[96];
        g_snprintf(norm, sizeof norm, "vevent:%.*s", (int)MIN(p->len - ev->from, 80), t + ev->from);
        tl_doc_cand(out, "calendar-travel", "TRAVEL.ITINERARY", ev->from + 6, ev->to, 85,
                    g_strdup("calendar event: travel"), norm, 0);
    }

    /* the VIP movement: an itinerary with a VIP cue */
    int itin = tl_best_of(found, "TRAVEL.ITINERARY", NULL);
    for (guint i = first; i < out->len; i++)
        itin = MAX(itin, g_array_index(out, tl_cand, i).score);
    if (itin < 75)
        return;
    const tl_hit *flag = tl_first_hit(d, P_FLAGNAME), *vip = tl_first_hit(d, K_VIP);
    /* a flag officer's name first: the finding's span hides it in every
     * snippet */
    const tl_hit *cue = flag ? flag : vip;
    if (!cue)
        return;
    int score = MIN(itin + 10, 99);
    int lodging = tl_best_of(found, "LODGING.ROOM", NULL) >= 75;
    if (lodging)
        score = MIN(score + 10, 99);
    char norm[96];
    g_snprintf(norm, sizeof norm, "vip:%.*s", (int)MIN(cue->to - cue->from, 60), t + cue->from);
    for (char *q = norm; *q; q++)
        *q = g_ascii_toupper(*q);
    tl_doc_cand(out, "vip-move", "TRAVEL.VIPMOVE", cue->from, cue->to, score,
                g_strdup_printf("VIP movement: %s%s", cue == flag ? "flag officer" : "DV/VIP cue",
                                lodging ? ", lodging room" : ""),
                norm, 0);
}
