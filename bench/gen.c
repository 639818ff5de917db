/*
 * gen.c - deterministic mail corpus generator for the typoleak benchmark.
 *
 * Writes the same N synthetic but realistic messages both as one mboxrd file
 * and as a Maildir, and optionally a ground-truth TSV.  Every byte is derived
 * from a private splitmix64 generator seeded from (--seed, message index), so
 * output is byte-identical across runs, machines and libc versions (no rand(),
 * no locale, no time zone database).  Message i does not depend on N except
 * for its Date, which increases monotonically with i over 2019-2024.
 *
 * Messages mix: plain text, multipart/alternative (plain + verbose HTML),
 * multipart/mixed with 1-3 base64 attachments (1 KiB .. 1.5 MiB, long tail),
 * forwarded message/rfc822 parts, quoted-printable non-ASCII bodies, RFC 2047
 * subjects and display names, Received chains with "for <addr>" clauses, and
 * body lines starting with "From " / ">From " (mboxrd quoting is applied).
 * About 4% of messages carry a recipient at a one-edit typo of a protected
 * domain (army.ml, gmial.com, ...); forwarded inner messages never do.
 *
 * Truth TSV columns (one line per message, no header, 0-based index):
 *   index  message-id (without <>)  distinct To/Cc/Bcc recipients  of which typo
 *
 * With --catcher, every message has a recipient at a typo domain, as in
 * the archive of a catcher of misdirected mail (the seed's .ml case).
 *
 * Usage: gen --messages N [--seed S] [--mbox OUT.mbox] [--maildir DIR]
 *            [--truth OUT.tsv] [--catcher 1] [--audit 1]   (at least one of --mbox / --maildir)
 */
#define _POSIX_C_SOURCE 200809L
#include <glib.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_RCPT 8
#define MAX_ATTACH (1536u * 1024u)
#define T_START 1546300800 /* 2019-01-01 00:00:00 UTC */
#define T_END 1735689600   /* 2025-01-01 00:00:00 UTC */

typedef struct { guint64 s; } rng_t;
typedef struct { const char *disp; const char *ascii; } name_t;
typedef struct { char local[64]; const char *domain; char display[128]; gboolean typo; } addr_t;
typedef struct { const char *ext; const char *mime; const char *magic; } ftype_t;

static const char *const prose_words[] = {
    "the", "schedule", "report", "convoy", "supply", "request", "attached", "please", "review",
    "draft", "final", "budget", "contract", "delivery", "of", "to", "and", "for", "on", "with",
    "we", "will", "need", "by", "Friday", "Monday", "team", "update", "status", "meeting",
    "briefing", "training", "range", "vehicle", "maintenance", "inventory", "shipment",
    "warehouse", "invoice", "order", "approval", "signature", "deadline", "quarter", "fiscal",
    "year", "travel", "orders", "lodging", "per", "diem", "reimbursement", "policy", "memo",
    "guidance", "command", "unit", "battalion", "company", "roster", "leave", "form", "portal",
    "account", "access", "badge", "building", "room", "conference", "call", "agenda", "minutes",
    "action", "items", "follow", "up", "coordinate", "vendor", "quote", "pricing", "line",
    "spreadsheet", "numbers", "totals", "revised", "version", "comments", "feedback", "changes",
    "document", "folder", "shared", "drive", "link", "below", "as", "discussed", "earlier",
    "today", "tomorrow", "next", "week", "thanks", "again", "let", "me", "know", "if", "you",
    "have", "any", "questions", "is", "are", "was", "be", "this", "that", "it", "a", "our",
    "your", "all", "new", "current", "pending", "complete", "in", "progress", "hold",
    "requirements", "parts", "pallets", "containers", "customs", "port", "manifest", "tracking",
    "carrier", "freight", "estimate", "arrival", "window", "dock", "gate", "clearance",
    "security", "board", "packet", "slides", "template", "procedure", "checklist", "audit",
    "findings", "plan", "milestone", "risk", "issue", "owner", "lead", "contact",
};
static const char *const intl_words[] = {
    "café", "Zürich", "München", "naïve", "résumé", "Straße", "Ångström", "façade",
    "São Paulo", "Besprechung", "Übergabe", "Lieferung", "déjà vu", "€1.200", "señor",
    "Malmö", "Kraków", "Ærøskøbing", "—", "“draft”", "Größe", "coöperation",
};
static const char *const subjects[] = {
    "Q3 logistics report", "Updated deployment schedule", "Invoice 8812 overdue",
    "Training roster for FY2021", "Range safety briefing", "Badge access request",
    "Travel orders - TDY", "Contract mod P00004", "Lunch Friday?", "Slides for Monday",
    "Pallet count discrepancy", "Customs paperwork", "Action items from today's call",
    "Meeting notes from Zürich", "Réunion de coordination", "Änderung der Lieferadresse",
    "Übergabeprotokoll Größe M", "Café order for the offsite", "Reunião em São Paulo",
    "Résumé for the analyst position", "Angebot über €1.200", "Łódź warehouse status",
};
static const name_t first_names[] = {
    {"James", "james"}, {"Mary", "mary"}, {"Robert", "robert"}, {"Patricia", "patricia"},
    {"John", "john"}, {"Jennifer", "jennifer"}, {"Michael", "michael"}, {"Linda", "linda"},
    {"David", "david"}, {"Elizabeth", "elizabeth"}, {"William", "william"}, {"Susan", "susan"},
    {"Carlos", "carlos"}, {"Aisha", "aisha"}, {"Wei", "wei"}, {"Priya", "priya"},
    {"Jürgen", "juergen"}, {"José", "jose"}, {"François", "francois"}, {"Søren", "soren"},
    {"Zoë", "zoe"}, {"Björn", "bjorn"}, {"Renée", "renee"}, {"Łukasz", "lukasz"},
};
static const name_t last_names[] = {
    {"Smith", "smith"}, {"Johnson", "johnson"}, {"Williams", "williams"}, {"Brown", "brown"},
    {"Jones", "jones"}, {"Garcia", "garcia"}, {"Miller", "miller"}, {"Davis", "davis"},
    {"Rodriguez", "rodriguez"}, {"Martinez", "martinez"}, {"Nguyen", "nguyen"}, {"Kim", "kim"},
    {"Patel", "patel"}, {"O'Brien", "obrien"}, {"Müller", "mueller"}, {"Núñez", "nunez"},
    {"Ødegaard", "odegaard"}, {"Żuk", "zuk"}, {"Lefèvre", "lefevre"}, {"Hoffmann", "hoffmann"},
};
static const char *const ordinary_domains[] = {
    "army.mil", "army.mil", "navy.mil", "us.af.mil", "usmc.mil", "mail.mil", "gmail.com",
    "gmail.com", "yahoo.com", "example.com", "example.org", "outlook.com", "hotmail.com",
    "acme-logistics.com", "northwind-defense.com", "globex-systems.com", "initech.net",
    "contoso.com", "fabrikam.com", "vandelay-industries.com", "stark-engineering.com",
    "example.de", "example.fr",
};
static const char *const typo_domains[] = {
    "army.ml", "navy.ml", "us.af.ml", "armym.il", "amry.mil", "gmail.con", "gmial.com",
    "yahooo.com", "usmc.ml", "mail.ml",
};
static const char *const mailers[] = {
    "Microsoft Outlook 16.0", "Apple Mail (2.3445.104.11)", "Mozilla Thunderbird 68.9.0",
    "Roundcube Webmail/1.4.9", "iPhone Mail (18D52)", "Evolution 3.36.5",
};
static const ftype_t ftypes[] = {
    {"pdf", "application/pdf", "%PDF-1.5\n"}, {"jpg", "image/jpeg", "\xff\xd8\xff\xe0"},
    {"png", "image/png", "\x89PNG\r\n\x1a\n"}, {"gif", "image/gif", "GIF89a"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\x03\x04"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04"},
    {"zip", "application/zip", "PK\x03\x04"},
};
static const char *const fstems[] = {
    "report_2021_Q3", "IMG_4521", "scan0012", "orders", "invoice-8812", "diagram",
    "roster_final_v2", "manifest", "photo", "slides", "budget FY22",
};
/* Attachment size octaves in KiB: [1,2) [2,4) ... [512,1024) [1024,1536); weights sum 200. */
static const guint attach_octave_weight[] = {34, 34, 32, 28, 24, 20, 14, 8, 4, 1, 1};
static const char *const wday_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const mon_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const int tz_minutes[] = {-300, -240, -420, -480, 0, 60, 120, 540, 330};

/* splitmix64 step: returns the next 64-bit output and advances the state. */
static guint64 rng_next(rng_t *r)
{
    guint64 z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform-enough integer in [0, n); n must be > 0. */
static guint32 rng_below(rng_t *r, guint32 n)
{
    return (guint32)(((rng_next(r) >> 32) * (guint64)n) >> 32);
}

/* TRUE with probability per_mille / 1000. */
static gboolean rng_chance(rng_t *r, guint32 per_mille) { return rng_below(r, 1000) < per_mille; }

#define PICK(r, arr) ((arr)[rng_below((r), (guint32)N_ELEMS(arr))])

/* Converts days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil_from_days(gint64 z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    gint64 era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)((gint64)yoe + era * 400 + (*m <= 2));
}

/*
 * Formats t (UTC seconds) as an RFC 5322 date in zone tz (minutes east of UTC)
 * when rfc is TRUE, else as the asctime-style mbox "From " line date in UTC.
 */
static void format_date(char *buf, gsize size, gint64 t, int tz, gboolean rfc)
{
    if (!rfc)
        tz = 0;
    gint64 local = t + (gint64)tz * 60;
    gint64 days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int secs = (int)(local - days * 86400), y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    const char *wd = wday_names[(int)(((days % 7) + 11) % 7)];
    if (rfc)
        g_snprintf(buf, size, "%s, %u %s %d %02d:%02d:%02d %c%02d%02d", wd, d, mon_names[m - 1], y,
                   secs / 3600, secs / 60 % 60, secs % 60, tz < 0 ? '-' : '+', abs(tz) / 60,
                   abs(tz) % 60);
    else
        g_snprintf(buf, size, "%s %s %2u %02d:%02d:%02d %d", wd, mon_names[m - 1], d, secs / 3600,
                   secs / 60 % 60, secs % 60, y);
}

/* Appends base64 of data to out, wrapped at line_len chars (0 = no wrapping, no final LF). */
static void append_base64(GString *out, const guint8 *data, gsize len, gsize line_len)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    gsize col = 0;
    for (gsize i = 0; i < len; i += 3) {
        guint32 v = (guint32)data[i] << 16;
        if (i + 1 < len) v |= (guint32)data[i + 1] << 8;
        if (i + 2 < len) v |= data[i + 2];
        char q[4] = {tbl[v >> 18], tbl[(v >> 12) & 63], i + 1 < len ? tbl[(v >> 6) & 63] : '=',
                     i + 2 < len ? tbl[v & 63] : '='};
        g_string_append_len(out, q, 4);
        col += 4;
        if (line_len && col >= line_len) {
            g_string_append_c(out, '\n');
            col = 0;
        }
    }
    if (line_len && col)
        g_string_append_c(out, '\n');
}

/*
 * Appends text (LF line ends) as quoted-printable: soft breaks keep encoded
 * lines <= 76 chars, '=' / non-ASCII / trailing blanks are =XX encoded.
 */
static void append_qp(GString *out, const char *text, gsize len)
{
    gsize col = 0;
    for (gsize i = 0; i < len; i++) {
        guchar c = (guchar)text[i];
        if (c == '\n') {
            g_string_append_c(out, '\n');
            col = 0;
            continue;
        }
        gboolean at_eol = i + 1 == len || text[i + 1] == '\n';
        gboolean literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_eol);
        gsize need = literal ? 1 : 3;
        if (col + need > 75) {
            g_string_append(out, "=\n");
            col = 0;
        }
        if (literal)
            g_string_append_c(out, (char)c);
        else
            g_string_append_printf(out, "=%02X", c);
        col += need;
    }
}

/* Converts UTF-8 to ISO-8859-1 into out; returns FALSE if a code point is > 0xFF. */
static gboolean utf8_to_latin1(const char *s, GString *out)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        if (u > 0xFF)
            return FALSE;
        g_string_append_c(out, (char)u);
    }
    return TRUE;
}

/*
 * Appends s as one or more RFC 2047 encoded-words (B or Q), folding between
 * words with LF+space.  UTF-8 input is split only at character boundaries;
 * for iso-8859-1 the text is transcoded first (caller ensures it fits).
 */
static void append_rfc2047(GString *out, const char *s, gboolean b_enc, gboolean latin1)
{
    GString *raw = g_string_new(NULL);
    if (!latin1 || !utf8_to_latin1(s, raw)) {
        latin1 = FALSE;
        g_string_assign(raw, s);
    }
    const char *cs = latin1 ? "iso-8859-1" : "utf-8";
    gsize i = 0, max_payload = b_enc ? 45 : 60;
    gboolean first = TRUE;
    while (i < raw->len) {
        gsize start = i, cost = 0;
        while (i < raw->len) {
            gsize clen = 1;      /* whole UTF-8 character (or one latin-1 byte) */
            if (!latin1)
                while (i + clen < raw->len && ((guchar)raw->str[i + clen] & 0xC0) == 0x80) clen++;
            gsize ccost = b_enc ? clen : 0;
            for (gsize k = 0; !b_enc && k < clen; k++) {
                guchar c = (guchar)raw->str[i + k];
                ccost += (g_ascii_isalnum(c) || c == ' ' || strchr("!*+-/", c)) && c < 128 ? 1 : 3;
            }
            if (cost + ccost > max_payload && i > start)
                break;
            cost += ccost;
            i += clen;
        }
        g_string_append_printf(out, "%s=?%s?%c?", first ? "" : "\n ", cs, b_enc ? 'B' : 'Q');
        if (b_enc) {
            append_base64(out, (const guint8 *)raw->str + start, i - start, 0);
        } else {
            for (gsize k = start; k < i; k++) {
                guchar c = (guchar)raw->str[k];
                if (c == ' ')
                    g_string_append_c(out, '_');
                else if (c < 128 && (g_ascii_isalnum(c) || strchr("!*+-/", c)))
                    g_string_append_c(out, (char)c);
                else
                    g_string_append_printf(out, "=%02X", c);
            }
        }
        g_string_append(out, "?=");
        first = FALSE;
    }
    g_string_free(raw, TRUE);
}

/* TRUE if s contains any byte >= 0x80. */
static gboolean has_8bit(const char *s, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if ((guchar)s[i] >= 0x80)
            return TRUE;
    return FALSE;
}

/*
 * Appends about `target` bytes of prose: paragraphs of wrapped lines (<= ~74
 * chars) separated by blank lines, optionally with non-ASCII words and with
 * paragraphs starting "From " or ">From " (to exercise mbox quoting).
 */
static void gen_prose(rng_t *r, GString *out, gsize target, gboolean intl, gboolean from_lines)
{
    gsize end = out->len + target;
    while (out->len < end) {
        gsize col = 0;
        gboolean cap = TRUE;
        if (from_lines && rng_chance(r, 120)) {
            g_string_append(out, rng_chance(r, 200) ? ">From the archive," : "From the field,");
            col = 18;
            cap = FALSE;
        }
        guint nwords = 25 + rng_below(r, 90);
        for (guint w = 0; w < nwords; w++) {
            const char *word = intl && rng_chance(r, 60) ? PICK(r, intl_words) : PICK(r, prose_words);
            gsize wl = strlen(word);
            if (col && col + wl + 1 > 72) {
                g_string_append_c(out, '\n');
                col = 0;
            } else if (col) {
                g_string_append_c(out, ' ');
                col++;
            }
            g_string_append(out, word);
            if (cap && g_ascii_islower(word[0]))
                out->str[out->len - wl] = g_ascii_toupper(word[0]);
            cap = FALSE;
            col += wl;
            if (w + 1 == nwords || rng_chance(r, 70)) {
                g_string_append_c(out, w + 1 == nwords || rng_chance(r, 800) ? '.' : '?');
                col++;
                cap = TRUE;
            } else if (rng_chance(r, 60)) {
                g_string_append_c(out, ',');
                col++;
            }
        }
        g_string_append(out, "\n\n");
    }
}

/* Draws a random name/address at an ordinary (or, if typo, typo) domain. */
static void gen_addr(rng_t *r, addr_t *a, gboolean typo)
{
    const name_t *f = &PICK(r, first_names), *l = &PICK(r, last_names);
    a->typo = typo;
    a->domain = typo ? PICK(r, typo_domains) : PICK(r, ordinary_domains);
    gboolean mil = g_str_has_suffix(a->domain, ".mil") || g_str_has_suffix(a->domain, ".ml") ||
                   g_str_has_suffix(a->domain, "m.il");
    switch (rng_below(r, mil ? 2 : 4)) {
    case 0: g_snprintf(a->local, sizeof a->local, "%s.%s", f->ascii, l->ascii); break;
    case 1:
        if (mil) {
            char initial = (char)('a' + rng_below(r, 26));
            g_snprintf(a->local, sizeof a->local, "%s.%c.%s%s", f->ascii, initial, l->ascii,
                       rng_chance(r, 400) ? ".civ" : ".mil");
        } else
            g_snprintf(a->local, sizeof a->local, "%c%s", f->ascii[0], l->ascii);
        break;
    case 2: g_snprintf(a->local, sizeof a->local, "%s_%s", f->ascii, l->ascii); break;
    default: g_snprintf(a->local, sizeof a->local, "%s%s%u", f->ascii, l->ascii, rng_below(r, 100));
    }
    guint style = rng_below(r, 10);
    if (style < 2)
        a->display[0] = '\0';
    else if (style < 4)
        g_snprintf(a->display, sizeof a->display, "\"%s, %s\"", l->disp, f->disp);
    else
        g_snprintf(a->display, sizeof a->display, "%s%s %s",
                   mil && rng_chance(r, 400) ? PICK(r, ((const char *const[]){"SGT ", "CPT ", "MAJ ", "LCDR "})) : "",
                   f->disp, l->disp);
}

/* Appends a as "Name <local@domain>", RFC 2047-encoding non-ASCII names. */
static void append_addr(rng_t *r, GString *out, const addr_t *a)
{
    if (!a->display[0]) {
        g_string_append_printf(out, "%s@%s", a->local, a->domain);
        return;
    }
    if (has_8bit(a->display, strlen(a->display))) {
        gboolean b_enc = rng_chance(r, 300);
        append_rfc2047(out, a->display, b_enc, rng_chance(r, 300));
    } else
        g_string_append(out, a->display);
    g_string_append_printf(out, " <%s@%s>", a->local, a->domain);
}

/* Appends "Name: a1, a2, ..." folding before an address that would pass column 76. */
static void append_addr_header(rng_t *r, GString *out, const char *name, const addr_t *a, guint n)
{
    gsize col = strlen(name) + 2;
    g_string_append_printf(out, "%s: ", name);
    GString *one = g_string_new(NULL);
    for (guint i = 0; i < n; i++) {
        g_string_truncate(one, 0);
        append_addr(r, one, &a[i]);
        const char *nl = strchr(one->str, '\n');
        gsize first_len = nl ? (gsize)(nl - one->str) : one->len;
        if (i) {
            gboolean fold = col + 2 + first_len > 76;
            g_string_append(out, fold ? ",\n\t" : ", ");
            col = fold ? 8 : col + 2;
        }
        g_string_append_len(out, one->str, one->len);
        nl = strrchr(one->str, '\n');
        col = nl ? strlen(nl + 1) + 1 : col + one->len;
    }
    g_string_free(one, TRUE);
    g_string_append_c(out, '\n');
}

/* Appends a text/plain or text/html entity (headers, blank line, body). */
static void append_text_entity(GString *out, const char *subtype, const GString *text)
{
    gboolean qp = has_8bit(text->str, text->len) || subtype[0] == 'h';
    g_string_append_printf(out, "Content-Type: text/%s; charset=\"%s\"\nContent-Transfer-Encoding: %s\n\n",
                           subtype, qp ? "utf-8" : "us-ascii", qp ? "quoted-printable" : "7bit");
    if (qp)
        append_qp(out, text->str, text->len);
    else
        g_string_append_len(out, text->str, text->len);
    if (out->len && out->str[out->len - 1] != '\n')
        g_string_append_c(out, '\n');
}

/* Builds a verbose Outlook-style HTML rendering of plain text paragraphs. */
static void html_from_text(const GString *text, GString *html)
{
    g_string_append(html, "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n"
                          "<style>p.MsoNormal{margin:0in;font-size:11.0pt;font-family:\"Calibri\",sans-serif;}\n"
                          "a:link{color:#0563C1;text-decoration:underline;}\n"
                          "div.WordSection1{page:WordSection1;}</style></head>\n<body lang=\"EN-US\">"
                          "<div class=\"WordSection1\">\n");
    gboolean open = FALSE;
    for (gsize i = 0; i < text->len; i++) {
        char c = text->str[i];
        if (c == '\n' && i + 1 < text->len && text->str[i + 1] == '\n') {
            if (open) g_string_append(html, "</span></p>\n");
            open = FALSE;
            i++;
            continue;
        }
        if (!open) {
            g_string_append(html, "<p class=\"MsoNormal\" style=\"margin:0 0 12px 0\"><span style=\""
                                  "font-size:11.0pt;font-family:Calibri,Arial,sans-serif;color:#1F1F1F\">");
            open = TRUE;
        }
        switch (c) {
        case '&': g_string_append(html, "&amp;"); break;
        case '<': g_string_append(html, "&lt;"); break;
        case '>': g_string_append(html, "&gt;"); break;
        case '\n': g_string_append_c(html, ' '); break;
        default: g_string_append_c(html, c);
        }
    }
    if (open) g_string_append(html, "</span></p>\n");
    g_string_append(html, "</div></body></html>\n");
}

/* Appends a multipart/alternative entity (plain + HTML) for text. */
static void append_alternative(rng_t *r, GString *out, const GString *text)
{
    char b[40];
    g_snprintf(b, sizeof b, "=_alt_%016" G_GINT64_MODIFIER "x", rng_next(r));
    g_string_append_printf(out, "Content-Type: multipart/alternative;\n\tboundary=\"%s\"\n\n--%s\n", b, b);
    append_text_entity(out, "plain", text);
    GString *html = g_string_new(NULL);
    html_from_text(text, html);
    g_string_append_printf(out, "--%s\n", b);
    append_text_entity(out, "html", html);
    g_string_append_printf(out, "--%s--\n", b);
    g_string_free(html, TRUE);
}

/* Appends a base64 attachment entity of pseudo-random bytes with a long-tailed size. */
static void append_attachment(rng_t *r, GString *out, guint8 *scratch)
{
    guint total = 0, pick, oct = 0;
    for (guint i = 0; i < N_ELEMS(attach_octave_weight); i++) total += attach_octave_weight[i];
    pick = rng_below(r, total);
    while (pick >= attach_octave_weight[oct]) pick -= attach_octave_weight[oct++];
    guint lo = 1024u << oct, span = oct + 1 < N_ELEMS(attach_octave_weight) ? lo : MAX_ATTACH - lo;
    gsize size = lo + rng_below(r, span);
    const ftype_t *ft = &PICK(r, ftypes);
    for (gsize i = 0; i < size; i += 8) {
        guint64 v = rng_next(r);
        memcpy(scratch + i, &v, 8); /* scratch has 8 bytes of slack */
    }
    memcpy(scratch, ft->magic, strlen(ft->magic));
    char fname[64];
    g_snprintf(fname, sizeof fname, "%s.%s", PICK(r, fstems), ft->ext);
    g_string_append_printf(out, "Content-Type: %s;\n\tname=\"%s\"\nContent-Disposition: attachment;\n"
                                "\tfilename=\"%s\"; size=%zu\nContent-Transfer-Encoding: base64\n\n",
                           ft->mime, fname, fname, size);
    append_base64(out, scratch, size, 76);
}

/*
 * Appends one complete message (headers + body, ending in LF) to out.  The
 * top-level message (inner == FALSE) gets Received/Return-Path headers, may
 * contain typo recipients and forwards; *n_rcpt / *n_typo receive the
 * distinct To/Cc/Bcc counts and mid the Message-ID without brackets.
 */
/*
 * About one message in eight carries a synthetic sensitive line for the
 * classifier: an SSN from the areas never issued before 2011 (734-749), or
 * a Luhn-valid card number with a card keyword.  One in 16 of those is
 * instead a marked memo (SECRET//NOFORN banners and a portion mark) or a
 * temporary password with a user name.  A generator of its own, seeded by
 * the message index, draws them, so that the rest of the corpus is the
 * same as without them.
 */
static void append_sensitive(guint64 idx, GString *text)
{
    rng_t s = {0x5EED5EED5EED5EEDULL ^ (idx * 0x9E3779B97F4A7C15ULL)};
    rng_next(&s);
    if (!rng_chance(&s, 125))
        return;
    if (rng_chance(&s, 62)) {
        if (rng_chance(&s, 500))
            g_string_append(text, "\nSECRET//NOFORN\n\n(S//NF) Movement table follows in the next message.\n\n"
                                  "SECRET//NOFORN\n");
        else {
            static const char set[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789#!";
            char pw[13];
            for (int i = 0; i < 12; i++)
                pw[i] = set[rng_below(&s, sizeof set - 1)];
            pw[12] = 0;
            /* three character classes at least, whatever the draw */
            pw[0] = 'Q', pw[5] = '7', pw[9] = 'k';
            g_string_append_printf(text, "\nUsername: user%04u\nTemporary password: %s\n", rng_below(&s, 10000), pw);
        }
        return;
    }
    if (rng_chance(&s, 500)) {
        g_string_append_printf(text, "\nMember SSN: %03u-%02u-%04u, on file with the unit.\n", 734 + rng_below(&s, 16),
                               10 + rng_below(&s, 90), 1000 + rng_below(&s, 9000));
        return;
    }
    char d[17];
    d[0] = '4';
    for (int i = 1; i < 15; i++)
        d[i] = (char)('0' + rng_below(&s, 10));
    int sum = 0;        /* Luhn check digit */
    for (int i = 0; i < 15; i++) {
        int v = d[i] - '0';
        if ((15 - i) % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    d[15] = (char)('0' + (10 - sum % 10) % 10);
    d[16] = 0;
    g_string_append_printf(text, "\nPlease charge the GTCC card %.4s %.4s %.4s %.4s, exp %02u/%02u.\n", d, d + 4,
                           d + 8, d + 12, 1 + rng_below(&s, 12), 25 + rng_below(&s, 5));
}

static gboolean catcher;    /* --catcher: every message is misdirected */

static void build_message(rng_t *r, GString *out, gint64 t, guint64 idx, gboolean inner,
                          guint8 *scratch, char *mid, gsize mid_size, guint *n_rcpt, guint *n_typo)
{
    addr_t from, rc[MAX_RCPT];
    guint counts[] = {1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 8};
    guint n = PICK(r, counts), n_to = 1 + rng_below(r, n), n_bcc = 0;
    gboolean typo_msg = !inner && (rng_chance(r, 40) || catcher);
    gen_addr(r, &from, FALSE);
    for (guint i = 0; i < n; i++) gen_addr(r, &rc[i], FALSE);
    if (typo_msg) {
        gen_addr(r, &rc[rng_below(r, n)], TRUE);
        if (n > 1 && rng_chance(r, 150)) gen_addr(r, &rc[rng_below(r, n)], TRUE);
    }
    if (!inner && n_to < n && rng_chance(r, 250))
        n_bcc = 1 + rng_below(r, MIN(2u, n - n_to));
    char date[64];
    int tz = PICK(r, tz_minutes);
    if (!inner) {
        g_string_append_printf(out, "Return-Path: <%s@%s>\n", from.local, from.domain);
        guint hops = 2 + rng_below(r, 4);
        const addr_t *to = &rc[rng_below(r, n)]; /* the envelope recipient of this copy */
        for (guint h = 0; h < hops; h++) {
            /* one draw per statement: argument evaluation order is unspecified */
            guint jitter = rng_below(r, 4), host_a = rng_below(r, 9), host_b = rng_below(r, 99);
            guint ip = 1 + rng_below(r, 254), mx = rng_below(r, 4);
            guint64 qid = rng_next(r) >> 24;
            format_date(date, sizeof date, t + 5 * (hops - h) + jitter, tz, TRUE);
            const char *dom = h + 1 == hops ? from.domain : to->domain;
            g_string_append_printf(out, "Received: from %s%u.%s (host%u.%s [203.0.113.%u])\n\tby mx%u.%s "
                                        "(Postfix) with ESMTPS id %010" G_GINT64_MODIFIER "X",
                                   h + 1 == hops ? "smtp-out" : "relay", host_a, dom, host_b, dom, ip,
                                   mx, to->domain, qid);
            if (rng_chance(r, 850))
                g_string_append_printf(out, "\n\tfor <%s@%s>", to->local, to->domain);
            g_string_append_printf(out, "; %s\n", date);
        }
    }
    g_string_append(out, "From: ");
    append_addr(r, out, &from);
    g_string_append_c(out, '\n');
    append_addr_header(r, out, "To", rc, n_to);
    if (n - n_to - n_bcc)
        append_addr_header(r, out, "Cc", rc + n_to, n - n_to - n_bcc);
    if (n_bcc)
        append_addr_header(r, out, "Bcc", rc + n - n_bcc, n_bcc);
    const char *subj = PICK(r, subjects);
    guint kind = inner ? rng_below(r, 62) : rng_below(r, 100); /* <35 plain, <62 alt, <95 mixed, fwd */
    const char *prefix = kind >= 95 ? "Fwd: " : rng_chance(r, 350) ? "Re: " : "";
    g_string_append_printf(out, "Subject: %s", prefix);
    if (has_8bit(subj, strlen(subj)) || rng_chance(r, 50)) {
        gboolean b_enc = rng_chance(r, 450);
        append_rfc2047(out, subj, b_enc, rng_chance(r, 250));
    } else
        g_string_append(out, subj);
    format_date(date, sizeof date, t, tz, TRUE);
    g_snprintf(mid, mid_size, "%" G_GINT64_MODIFIER "d.%08x.%" G_GINT64_MODIFIER "u%s@%s", t,
               (unsigned)(rng_next(r) >> 32), idx, inner ? ".fwd" : "", from.domain);
    g_string_append_printf(out, "\nDate: %s\nMessage-ID: <%s>\nMIME-Version: 1.0\n", date, mid);
    if (rng_chance(r, 800))
        g_string_append_printf(out, "X-Mailer: %s\n", PICK(r, mailers));

    GString *text = g_string_new(NULL);
    gboolean intl = rng_chance(r, 300);
    gen_prose(r, text, 800 + rng_below(r, rng_chance(r, 300) ? 12000 : 4000), intl, TRUE);
    if (rng_chance(r, 550)) {
        GString *quoted = g_string_new(NULL);
        gen_prose(r, quoted, 1000 + rng_below(r, rng_chance(r, 250) ? 30000 : 8000), intl, TRUE);
        g_string_append_printf(text, "On %s, %s@%s wrote:\n", date, rc[0].local, rc[0].domain);
        for (const char *p = quoted->str; *p;) {
            const char *nl = strchr(p, '\n');
            g_string_append(text, nl == p ? ">" : "> ");
            g_string_append_len(text, p, nl - p + 1);
            p = nl + 1;
        }
        g_string_free(quoted, TRUE);
    }
    if (!inner)
        append_sensitive(idx, text);
    g_string_append_printf(text, "-- \n%s@%s\n", from.local, from.domain);

    if (kind < 35) {
        append_text_entity(out, "plain", text);
    } else if (kind < 62) {
        append_alternative(r, out, text);
    } else {
        char b[40];
        g_snprintf(b, sizeof b, "=_mix_%016" G_GINT64_MODIFIER "x", rng_next(r));
        g_string_append_printf(out, "Content-Type: multipart/mixed;\n\tboundary=\"%s\"\n\n"
                                    "This is a multi-part message in MIME format.\n--%s\n", b, b);
        if (rng_chance(r, 600))
            append_text_entity(out, "plain", text);
        else
            append_alternative(r, out, text);
        guint natt = kind >= 95 ? rng_below(r, 2) : rng_chance(r, 600) ? 1 : rng_chance(r, 700) ? 2 : 3;
        if (kind >= 95) {
            char imid[160];
            guint dummy_r, dummy_t;
            g_string_append_printf(out, "--%s\nContent-Type: message/rfc822\n"
                                        "Content-Disposition: inline; filename=\"forwarded.eml\"\n\n", b);
            gint64 t_inner = t - 3600 * (gint64)(1 + rng_below(r, 400));
            build_message(r, out, MAX(t_inner, T_START), idx, TRUE, scratch, imid,
                          sizeof imid, &dummy_r, &dummy_t);
        }
        for (guint i = 0; i < natt; i++) {
            g_string_append_printf(out, "--%s\n", b);
            append_attachment(r, out, scratch);
        }
        g_string_append_printf(out, "--%s--\n", b);
    }
    g_string_free(text, TRUE);

    *n_rcpt = *n_typo = 0;
    for (guint i = 0; i < n; i++) {
        gboolean dup = FALSE;
        for (guint j = 0; j < i && !dup; j++)
            dup = !strcmp(rc[i].local, rc[j].local) && !strcmp(rc[i].domain, rc[j].domain);
        if (!dup) {
            (*n_rcpt)++;
            *n_typo += rc[i].typo;
        }
    }
}


/*
 * --audit 1: after the corpus, the cases an auditor and an investigator
 * ask about (docs/report.md): a habitual sender of one unit who writes to
 * every typo domain over the years, a second unit named in a display name
 * and a third in a signature, follow-ups that quote a leaked SSN and name
 * the leaked message in In-Reply-To and References, replies that carry
 * only In-Reply-To, a recipient named in To, Cc and a Received "for"
 * clause, dates a clock got wrong (1980, 2099).  Its own generator:
 * the corpus before it is the same as without the option.
 */
static void audit_message(FILE *mbox, gint64 t, const char *from, const char *to, const char *cc,
                          const char *extra, const char *mid, const char *date_override, const char *body)
{
    char date[64], rdate[64], env[64];
    format_date(date, sizeof date, t, 0, TRUE);
    format_date(rdate, sizeof rdate, t + 7, 0, TRUE);
    format_date(env, sizeof env, t, 0, FALSE);
    const char *to_addr = strchr(to, '<') ? strchr(to, '<') + 1 : to;
    fprintf(mbox, "From audit@typoleak-gen %s\n", env);
    fprintf(mbox, "Received: from smtp-out.army.mil by mx1.example.net (Postfix)\n\tfor <%.*s>; %s\n",
            (int)strcspn(to_addr, ">"), to_addr, rdate);
    fprintf(mbox, "From: %s\nTo: %s\n", from, to);
    if (cc)
        fprintf(mbox, "Cc: %s\n", cc);
    fprintf(mbox, "Subject: %s\nDate: %s\nMessage-ID: <%s>\n%s%sMIME-Version: 1.0\n"
                  "Content-Type: text/plain; charset=us-ascii\n\n%s\n\n",
            extra && strstr(extra, "In-Reply-To") ? "Re: personnel actions" : "Personnel actions",
            date_override ? date_override : date, mid, extra ? extra : "", extra ? "\n" : "", body);
}

static void write_audit(FILE *mbox, guint64 seed)
{
    rng_t r = {seed ^ 0xA0D17A0D17A0D17AULL};
    rng_next(&r);
    const gint64 y2015 = 1420070400, decade = 10 * 365 * 86400LL;
    char mid[96], body[512], extra[256], to[128], cc[128];
    for (guint i = 0; i < 66; i++) {
        gint64 t = y2015 + (gint64)((double)i / 66.0 * (double)decade) + rng_below(&r, 86400 * 20);
        const char *dom = typo_domains[i % N_ELEMS(typo_domains)];
        const name_t *f = &PICK(&r, first_names), *l = &PICK(&r, last_names);
        g_snprintf(to, sizeof to, "%s %s <%s.%s@%s>", f->ascii, l->ascii, f->ascii, l->ascii, dom);
        guint ssn_a = 734 + rng_below(&r, 16), ssn_b = 10 + rng_below(&r, 90), ssn_c = 1000 + rng_below(&r, 9000);
        g_snprintf(body, sizeof body, "Please process the action for the member below.\n\nMember SSN: %03u-%02u-%04u,"
                   " on file with the unit.\n\n-- \nDana Whitfield\nG1 Personnel Division, Fort Liberty", ssn_a, ssn_b,
                   ssn_c);
        g_snprintf(mid, sizeof mid, "audit.%u@army.mil", i);
        const char *from = i % 3 ? "\"Dana Whitfield (G1 Personnel)\" <Dana.Whitfield@ARMY.MIL>"
                                 : "Dana Whitfield <dana.whitfield@army.mil>";
        g_snprintf(cc, sizeof cc, "%s.%s@%s", f->ascii, l->ascii, dom);   /* the same address again */
        const char *bad_date = i == 5 ? "Tue, 1 Jan 1980 00:00:00 +0000" : i == 9 ? "Fri, 1 Jan 2099 00:00:00 +0000"
                                                                           : NULL;
        audit_message(mbox, t, from, to, i % 4 == 0 ? cc : NULL, NULL, mid, bad_date, body);
        if (i % 6 == 0) {   /* a follow-up quoting it, and a reply to that with In-Reply-To only */
            char rmid[96], body2[768];
            g_snprintf(rmid, sizeof rmid, "audit.%u.re@army.mil", i);
            g_snprintf(extra, sizeof extra, "In-Reply-To: <%s>\nReferences: <%s>", mid, mid);
            g_snprintf(body2, sizeof body2, "Resending with the form attached.\n\nOn the day before, Dana wrote:\n"
                       "> Member SSN: %03u-%02u-%04u, on file with the unit.", ssn_a, ssn_b, ssn_c);
            audit_message(mbox, t + 3600, from, to, NULL, extra, rmid, NULL, body2);
            char rrmid[96];
            g_snprintf(rrmid, sizeof rrmid, "audit.%u.re2@army.mil", i);
            g_snprintf(extra, sizeof extra, "In-Reply-To: <%s>", rmid);
            audit_message(mbox, t + 7200, from, to, NULL, extra, rrmid, NULL, "Any news on this one?");
        }
    }
    for (guint i = 0; i < 12; i++) {
        gint64 t = y2015 + (gint64)rng_below(&r, (guint32)(decade / 60)) * 60;
        const char *dom = typo_domains[rng_below(&r, N_ELEMS(typo_domains))];
        g_snprintf(to, sizeof to, "ops%u@%s", i, dom);
        g_snprintf(mid, sizeof mid, "audit.fin.%u@navy.mil", i);
        audit_message(mbox, t, i % 2 ? "Lee Park - Finance Office <lee.park@navy.mil>"
                                     : "Kim Ortiz - Finance Office <Kim.Ortiz@Navy.Mil>",
                      to, NULL, NULL, mid, NULL, "Travel voucher status attached.");
    }
}

/*
 * Writes msg to f in mboxrd form: lines matching ^>*From  get one extra '>'.
 * The caller writes the "From " separator before and the blank line after.
 */
static void write_mboxrd(FILE *f, const GString *msg)
{
    const char *p = msg->str, *end = msg->str + msg->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (gsize)(end - p));
        const char *eol = nl ? nl + 1 : end, *q = p;
        while (q < eol && *q == '>') q++;
        if (eol - q >= 5 && !memcmp(q, "From ", 5))
            fputc('>', f);
        fwrite(p, 1, (gsize)(eol - p), f);
        p = eol;
    }
}

/* Parses a non-negative decimal option value, exiting with a message on error. */
static guint64 parse_u64(const char *opt, const char *s)
{
    char *end = NULL;
    errno = 0;
    guint64 v = g_ascii_strtoull(s, &end, 10);
    if (errno || !end || *end || !*s || *s == '-') {
        fprintf(stderr, "gen: bad value for %s: %s\n", opt, s);
        exit(2);
    }
    return v;
}

static int cmp_u32(const void *a, const void *b)
{
    guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    guint64 n = 0, seed = 1;
    const char *mbox_path = NULL, *maildir = NULL, *truth_path = NULL;
    gboolean audit = FALSE;
    for (int i = 1; i < argc; i += 2) { /* every option takes one value */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(a, "--messages")) n = parse_u64(a, v);
        else if (!strcmp(a, "--seed")) seed = parse_u64(a, v);
        else if (!strcmp(a, "--mbox")) mbox_path = v;
        else if (!strcmp(a, "--maildir")) maildir = v;
        else if (!strcmp(a, "--truth")) truth_path = v;
        else if (!strcmp(a, "--audit")) audit = parse_u64(a, v) != 0;
        else if (!strcmp(a, "--catcher")) catcher = parse_u64(a, v) != 0;
        else {
            fprintf(stderr, "usage: gen --messages N [--seed S] [--mbox OUT.mbox] [--maildir DIR] "
                            "[--truth OUT.tsv] [--catcher 1] [--audit 1]\n");
            return 2;
        }
    }
    if (!n || (!mbox_path && !maildir)) {
        fprintf(stderr, "gen: need --messages N > 0 and at least one of --mbox / --maildir\n");
        return 2;
    }
    FILE *mbox = mbox_path ? fopen(mbox_path, "w") : NULL, *truth = truth_path ? fopen(truth_path, "w") : NULL;
    if ((mbox_path && !mbox) || (truth_path && !truth)) {
        perror("gen: fopen");
        return 1;
    }
    if (mbox) setvbuf(mbox, NULL, _IOFBF, 1 << 20);
    if (maildir) {
        const char *subs[] = {"", "/cur", "/new", "/tmp"};
        for (gsize i = 0; i < N_ELEMS(subs); i++) {
            char *d = g_strconcat(maildir, subs[i], NULL);
            if (mkdir(d, 0755) && errno != EEXIST) {
                perror(d);
                return 1;
            }
            g_free(d);
        }
    }
    const gint64 t0 = T_START, span = T_END - T_START;
    guint8 *scratch = g_malloc(MAX_ATTACH + 16);
    guint32 *sizes = g_new(guint32, n);
    GString *msg = g_string_sized_new(1 << 20);
    guint64 total = 0, typo_msgs = 0;
    for (guint64 i = 0; i < n; i++) {
        rng_t r = {seed ^ (i * 0xD1B54A32D192ED03ULL)};
        rng_next(&r);
        gint64 step = MAX(span / (gint64)n, 1);
        gint64 t = t0 + (gint64)((double)i / (double)n * (double)span) + rng_below(&r, (guint32)MIN(step, G_MAXUINT32));
        gboolean in_new = rng_chance(&r, 200);
        char mid[160], date[64];
        guint n_rcpt, n_typo;
        g_string_truncate(msg, 0);
        build_message(&r, msg, t, i, FALSE, scratch, mid, sizeof mid, &n_rcpt, &n_typo);
        sizes[i] = (guint32)msg->len;
        total += msg->len;
        typo_msgs += n_typo > 0;
        if (mbox) {
            const char *rp = msg->str + strlen("Return-Path: <");
            format_date(date, sizeof date, t, 0, FALSE);
            fprintf(mbox, "From %.*s %s\n", (int)(strchr(rp, '>') - rp), rp, date);
            write_mboxrd(mbox, msg);
            fputc('\n', mbox);
        }
        if (maildir) {
            char path[4096];
            g_snprintf(path, sizeof path, "%s/%s/%" G_GINT64_MODIFIER "d.M%06" G_GINT64_MODIFIER
                       "uP%" G_GINT64_MODIFIER "u.typoleak-gen%s", maildir, in_new ? "new" : "cur",
                       t, i, seed, in_new ? "" : ":2,S");
            FILE *f = fopen(path, "w");
            if (!f || fwrite(msg->str, 1, msg->len, f) != msg->len || fclose(f)) {
                perror(path);
                return 1;
            }
        }
        if (truth)
            fprintf(truth, "%" G_GINT64_MODIFIER "u\t%s\t%u\t%u\n", i, mid, n_rcpt, n_typo);
    }
    if (audit && mbox)
        write_audit(mbox, seed);
    if ((mbox && fclose(mbox)) || (truth && fclose(truth))) {
        perror("gen: write");
        return 1;
    }
    qsort(sizes, n, sizeof *sizes, cmp_u32);
    fprintf(stderr, "gen: messages=%" G_GINT64_MODIFIER "u bytes=%" G_GINT64_MODIFIER "u median=%u "
            "mean=%" G_GINT64_MODIFIER "u max=%u typo_messages=%" G_GINT64_MODIFIER "u (%.1f%%)\n",
            n, total, sizes[n / 2], total / n, sizes[n - 1], typo_msgs, 100.0 * (double)typo_msgs / (double)n);
    g_free(sizes);
    g_free(scratch);
    g_string_free(msg, TRUE);
    return 0;
}
