/*
 * attach.c - what a message's attachments are rather than what they say
 * (research/sensitive-content.md sections 5.17 and 5.18): identity
 * documents (IDDOC.ATTACH) and photos with a position (GEO.PHOTO).  No
 * pixel is read: issue 11's extractors give each attachment its sniffed
 * type, pixel size, EXIF/XMP position and camera, and a PDF without a text
 * layer its largest image (parsers/text.c fills tl_attachment).
 *
 * An identity document is judged on three kinds of evidence:
 *   - its file name: passport, CAC, visa, driver's licence, ID card... as
 *     tokens of the name (`passport_scan.jpg`, `CAC-front.png`);
 *   - its shape: an image of 600 pixels or more on its long side whose
 *     aspect is that of an ID-1 card (85.60 x 53.98 mm, 1.586: CAC,
 *     driver's licence, passport card) or of a passport data page (ID-3,
 *     125 x 88 mm, 1.42), within 4 %, either orientation;
 *   - the message's words (subject and text): "passport", "CAC", "common
 *     access card", "driver's license", "visa", "military ID", "scan of
 *     my", "front and back"...
 * Name, shape and words: 90 (S1); two of them: 80 (name and shape, name
 * and words) or 75 (shape and words, no name); the name alone: 70 (LOW,
 * the specification's "filename cue + image"); shape alone or words
 * alone: nothing (a logo of card shape, a holiday photo in a mail that
 * talks about passports).  "Visa" in a message about a payment card (Visa
 * card, credit card, Mastercard, cardholder...) is the brand: neither its
 * file name nor its words count.  The words are read in the first 64 KiB
 * of each part.  An image-only PDF of one or two pages is judged
 * on its largest image.  Two images of ID-1 shape named "front" and
 * "back" (IMG_front.jpg, back.jpg) are a card's two sides: the pair
 * counts as the name.  The mask keeps the document type, the sniffed
 * type, the pixel size and the cues; the keyed hash is over the file's
 * SHA-256 (the same scan sent twice is one value).  An MRZ in an
 * attachment's text is id.c's `mrz` finding, already IDDOC.ATTACH.
 *
 * A photo with a GPS position (not 0/0): 70; 85 when the message has
 * military words or names an installation; 90 when the position lies
 * within 5 km of an installation of the vendored list (whose points are
 * airfields, not perimeters).  The mask keeps the position rounded to
 * 0.01 degree (about 1 km), the camera, the capture time and the
 * installation near; the exact position is only under the keyed hash.
 */
#include <math.h>
#include <stdio.h>

#include "scanner/detect/leak.h"

/* The message's words (section 5.17, item 5). */
static const char *const id_words[] = { "passport", "passports", "CAC", "common access card", "driver's license",
                                        "driver's licence", "drivers license", "driver license", "driving licence",
                                        "driver\xe2\x80\x99s license", "visa", "ID card", "identification card",
                                        "military ID", "dependent ID", "USID", "green card", "scan of my",
                                        "copy of my", "front and back", "country clearance", "APACS",
                                        "no-fee passport", "data page", NULL };

/* Payment words: Visa the card brand is no visa (a bank's card art is
 * card-shaped and often named visa_card.png). */
static const char *const payment_words[] = { "Visa card", "Visa debit", "Visa credit", "Visa Signature",
                                             "Visa Platinum", "Visa Infinite", "credit card", "debit card",
                                             "Mastercard", "American Express", "card ending", "cardholder",
                                             "rewards", "cash back", "card art", NULL };

typedef struct {
    const char *token, *doc;
} name_cue;

/* File-name tokens (section 5.17, item 1) and the document they name. */
static const name_cue name_cues[] = {
    { "passport", "passport" }, { "ppt", "passport" },   { "pp", "passport" },       { "visa", "visa" },
    { "cac", "CAC" },           { "idcard", "ID card" }, { "usid", "ID card" },      { "dd1173", "ID card" },
    { "dd2", "ID card" },       { "license", "driver's licence" }, { "licence", "driver's licence" },
    { "dl", "driver's licence" }, { "driverslicense", "driver's licence" }, { "greencard", "ID card" },
};

/* The document a file name names, or NULL: its tokens are split on
 * blanks, "_", "-", "." and digits; "id" followed by "card" and "military"
 * followed by "id" count as one. */
static const char *
name_doc(const char *fname)
{
    if (!fname)
        return NULL;
    char *low = g_ascii_strdown(fname, -1);
    for (char *c = low; *c; c++)
        if (!g_ascii_isalpha(*c))
            *c = ' ';
    char **tok = g_strsplit(low, " ", -1);
    const char *doc = NULL, *prev = "";
    for (char **t = tok; *t && !doc; t++) {
        if (!**t)
            continue;
        if ((strcmp(prev, "id") == 0 && strcmp(*t, "card") == 0) ||
            (strcmp(prev, "military") == 0 && strcmp(*t, "id") == 0))
            doc = "ID card";
        else if (strcmp(prev, "green") == 0 && strcmp(*t, "card") == 0)
            doc = "ID card";
        else if (strcmp(*t, "driver") == 0 || strcmp(*t, "drivers") == 0)
            doc = "driver's licence";
        for (size_t i = 0; i < G_N_ELEMENTS(name_cues) && !doc; i++)
            if (strcmp(*t, name_cues[i].token) == 0)
                doc = name_cues[i].doc;
        prev = *t;
    }
    g_strfreev(tok);
    g_free(low);
    return doc;
}

/* Whether a file name has token tok (split as name_doc splits). */
static int
has_token(const char *fname, const char *tok)
{
    if (!fname)
        return 0;
    char *low = g_ascii_strdown(fname, -1);
    for (char *c = low; *c; c++)
        if (!g_ascii_isalpha(*c))
            *c = ' ';
    char **t = g_strsplit(low, " ", -1);
    int found = g_strv_contains((const gchar *const *)t, tok);
    g_strfreev(t);
    g_free(low);
    return found;
}

/* The shape of a w x h image: "ID-1" (card), "ID-3" (passport page) or
 * NULL; small images (logos, signatures) have none. */
static const char *
shape_of(int w, int h)
{
    if (w <= 0 || h <= 0 || MAX(w, h) < 600)
        return NULL;
    double a = (double)MAX(w, h) / MIN(w, h);
    if (fabs(a / 1.586 - 1) <= 0.04)
        return "ID-1";
    if (fabs(a / 1.42 - 1) <= 0.04)
        return "ID-3";
    return NULL;
}

/* Whether a list's word is in the subject or a text part. */
static int
message_has(const char *subject, const GPtrArray *parts, const char *const *words)
{
    if (subject && tl_words_in(subject, strlen(subject), 0, strlen(subject), 0, 0, words, NULL))
        return 1;
    for (guint i = 0; i < parts->len; i++) {
        const tl_text_part *p = parts->pdata[i];
        if (tl_words_in(p->text, p->len, 0, MIN(p->len, 65536), 0, 0, words, NULL))
            return 1;
    }
    return 0;
}

/* The message's identity-document words: the first found, or NULL;
 * "visa" not in a message about a payment card. */
static const char *
words_doc(const char *subject, const GPtrArray *parts, int payment)
{
    for (int i = -1; i < (int)parts->len; i++) {
        const char *t = i < 0 ? subject : ((const tl_text_part *)parts->pdata[i])->text;
        size_t len = i < 0 ? (subject ? strlen(subject) : 0) : ((const tl_text_part *)parts->pdata[i])->len;
        if (!t || !len)
            continue;
        for (const char *const *w = id_words; *w; w++) {
            const char *one[] = { *w, NULL };
            if (payment && strcmp(*w, "visa") == 0)
                continue;
            if (tl_words_in(t, len, 0, MIN(len, 65536), 0, 0, one, NULL))
                return *w;
        }
    }
    return NULL;
}

/* Whether the message has military words or an installation finding. */
static int
military_message(const char *subject, const GPtrArray *parts, const GPtrArray *found)
{
    for (guint i = 0; found && i < found->len; i++)
        if (strcmp(((const tl_finding *)found->pdata[i])->category, "GEO.MIL") == 0)
            return 1;
    return message_has(subject, parts, tl_milcue);
}

static tl_finding *
finding(tl_detector *d, const tl_attachment *a, const char *det, const char *cat, int score, char *masked,
        const char *norm, char *snippet)
{
    tl_finding *f = g_new0(tl_finding, 1);
    f->detector = det, f->category = cat;
    f->score = score;
    f->level = score >= 85 ? "HIGH" : score >= 75 ? "MEDIUM" : "LOW";
    f->masked = masked;
    f->snippet = snippet;
    f->part = g_strdup(a->path);
    f->pii = 1;
    tl_vhash(d->key, d->keylen, norm, f->vhash);
    return f;
}

static const char name_doc_pair[] = "ID-1 card";

/* Whether the attachments hold a front and a back of one card: two
 * images of ID-1 shape, one named "front", the other "back" (5.17 item 3). */
static int
card_pair(const GPtrArray *attachments)
{
    int front = 0, back = 0;
    for (guint i = 0; attachments && i < attachments->len; i++) {
        const tl_attachment *a = attachments->pdata[i];
        const char *shape = shape_of(a->width, a->height);
        if (!shape || strcmp(shape, "ID-1") != 0)
            continue;
        front |= has_token(a->filename, "front");
        back |= has_token(a->filename, "back");
    }
    return front && back;
}

static void
iddoc(tl_detector *d, const tl_attachment *a, int pair, const char **words, int *words_done, const char *subject,
      const GPtrArray *parts, GPtrArray *out)
{
    int image = a->width > 0 && a->height > 0, scan = a->scan_width > 0;
    if (!image && !scan)
        return;
    int w = image ? a->width : a->scan_width, h = image ? a->height : a->scan_height;
    const char *named = name_doc(a->filename), *shape = shape_of(w, h);
    /* a card's front and back: the pair names it */
    if (!named && pair && shape && strcmp(shape, "ID-1") == 0 &&
        (has_token(a->filename, "front") || has_token(a->filename, "back")))
        named = name_doc_pair;
    if (!named && !shape)
        return;
    if (!*words_done) {
        int payment = message_has(subject, parts, payment_words);
        *words = words_doc(subject, parts, payment);
        *words_done = payment ? 2 : 1;
    }
    if (named && *words_done == 2 && strcmp(named, "visa") == 0)
        named = NULL;
    if (!named && !shape)
        return;
    int n = !!named + !!shape + !!*words;
    int score = n == 3 ? 90 : n == 2 ? (named ? 80 : 75) : named ? 70 : 0;
    if (!score)
        return;
    const char *doc = named ? named : strcmp(shape, "ID-3") == 0 ? "passport page" : "ID-1 card";
    GString *cues = g_string_new(NULL);
    if (named)
        g_string_append(cues, named == name_doc_pair ? "front and back" : "name");
    if (shape)
        g_string_append_printf(cues, "%sshape %s", cues->len ? ", " : "", shape);
    if (*words)
        g_string_append_printf(cues, "%swords", cues->len ? ", " : "");
    char *masked = g_strdup_printf("%s: %s %dx%d%s (%s)", doc, a->sniffed ? a->sniffed : "image", w, h,
                                   scan ? " scanned page" : "", cues->str);
    char *snippet = g_strdup_printf("\xe2\x9f\xa8iddoc\xe2\x9f\xa9 attachment %s, %dx%d; cues: %s%s%s%s",
                                    a->sniffed ? a->sniffed : "image", w, h, cues->str, *words ? " \"" : "",
                                    *words ? *words : "", *words ? "\"" : "");
    g_string_free(cues, TRUE);
    char norm[80];
    g_snprintf(norm, sizeof norm, "iddoc:%s", a->sha256);
    g_ptr_array_add(out, finding(d, a, "iddoc", "IDDOC.ATTACH", score, masked, norm, snippet));
}

static void
photo(tl_detector *d, const tl_attachment *a, int *mil, int *mil_done, const char *subject, const GPtrArray *parts,
      GPtrArray *out)
{
    if (!a->has_gps || !isfinite(a->lat) || !isfinite(a->lon) || fabs(a->lat) > 90 || fabs(a->lon) > 180 ||
        (fabs(a->lat) < 1e-6 && fabs(a->lon) < 1e-6))
        return;
    if (!*mil_done) {
        *mil = military_message(subject, parts, out);
        *mil_done = 1;
    }
    double dist = 0;
    const char *near = tl_installation_near(a->lat, a->lon, 5.0, &dist);
    int score = near ? 90 : *mil ? 85 : 70;
    GString *m = g_string_new(NULL);
    /* to 0.01 degree, about 1 km; "-0.00" written as 0.00 */
    double rl = round(a->lat * 100) / 100, ro = round(a->lon * 100) / 100;
    g_string_append_printf(m, "GPS %.2f, %.2f", rl == 0 ? 0.0 : rl, ro == 0 ? 0.0 : ro);
    if (a->camera)
        g_string_append_printf(m, "; %.40s", a->camera);
    if (a->taken)
        g_string_append_printf(m, "; %.19s", a->taken);
    if (near)
        g_string_append_printf(m, "; %.1f km from %s", dist, near);
    char norm[80];
    g_snprintf(norm, sizeof norm, "gps:%.7f,%.7f", a->lat, a->lon);
    char *snippet = g_strdup_printf("\xe2\x9f\xa8gps-photo\xe2\x9f\xa9 attachment %s%s", a->sniffed ? a->sniffed : "image",
                                    near ? ", near an installation" : *mil ? ", military words in the message" : "");
    g_ptr_array_add(out, finding(d, a, "gps-photo", "GEO.PHOTO", score, g_string_free(m, FALSE), norm, snippet));
}

void
tl_detect_attachments(tl_detector *d, const char *subject, const GPtrArray *parts, const GPtrArray *attachments,
                      GPtrArray *out)
{
    const char *words = NULL;
    int words_done = 0, mil = 0, mil_done = 0, pair = card_pair(attachments);
    for (guint i = 0; attachments && i < attachments->len; i++) {
        const tl_attachment *a = attachments->pdata[i];
        iddoc(d, a, pair, &words, &words_done, subject, parts, out);
        photo(d, a, &mil, &mil_done, subject, parts, out);
    }
}
