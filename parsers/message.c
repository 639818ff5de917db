/*
 * message.c - the worker stage: every GMime call of the project.
 *
 * A worker owns one GMimeParserOptions (with its warning callback) and a
 * cache of typo verdicts per distinct domain.  tl_worker_process() parses
 * one raw message from memory in GMIME_FORMAT_MESSAGE mode, on its own (never
 * GMime's mbox mode): its header block, or its whole MIME tree when it has a
 * typo recipient or the scan asks for full parses; and fills a tl_record: identity headers, every
 * recipient with the header it came from, the parser's warnings as
 * anomalies, and the typo verdict of each recipient domain.
 *
 * Recipients come from To, Cc, Bcc, Resent-To/Cc/Bcc, Delivered-To,
 * X-Original-To, Envelope-To, X-Envelope-To, Apparently-To, and the
 * "for <addr>" clause of Received headers.  GMime's address parser drops
 * entries it cannot read ("bad@@x"); the raw value is therefore scanned for
 * address-like tokens too, and a token GMime did not return becomes a
 * recipient marked parsed = 0, with the raw header value kept.
 *
 * Ownership: GMime objects live only inside tl_worker_process(); every
 * string in the record is a g_malloc'd copy, freed by tl_record_free().
 */
#include <gmime/gmime.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "parsers/parsers.h"

struct tl_worker {
    GMimeParserOptions *opts;
    GMimeParser *parser;    /* reused from message to message */
    GMimeStream *stream;    /* a memory stream, pointed at each message in turn */
    const tl_protect *protect;
    int full;               /* parse every message's whole MIME tree */
    GHashTable *cache;      /* domain -> tl_typo_verdict* */
    GArray *anomalies;      /* of the message being parsed */
    gint64 limit;           /* header-only parse: warnings past this offset are artefacts */
    int classify;           /* TL_CLASSIFY_* */
    tl_detector *det;       /* the classifier's pattern pass, NULL when none */
    int index_text;         /* TL_INDEX_*: whose masked text the record carries */
    tl_text_limits text_limits;
    uint64_t max_headers, max_header_bytes, max_mime_depth, max_parts;
};

/* Headers whose addresses are recipients (compared case-insensitively). */
static const char *const recipient_headers[] = {
    "To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc", "Delivered-To",
    "X-Original-To", "Envelope-To", "X-Envelope-To", "Apparently-To", NULL
};

/* Headers a message has at most once (RFC 5322 3.6, and the MIME content
 * headers): GMime's message mode reports their repeats, and only theirs. */
static int
single_instance_header(const char *name)
{
    static const char *const once[] = {
        "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Date", "Message-ID", "In-Reply-To",
        "References", "Subject", NULL
    };
    if (!name)
        return 0;
    if (g_ascii_strncasecmp(name, "Content-", 8) == 0)
        return 1;
    for (int i = 0; once[i]; i++)
        if (g_ascii_strcasecmp(name, once[i]) == 0)
            return 1;
    return 0;
}

static void
on_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
    tl_worker *w = data;
    /* In a header-only parse, what GMime says about the body it was not
     * shown (often at offset -1) is an artefact, not the message's fault;
     * so are repeats of headers that a message may repeat (Received,
     * Delivered-To, X-*), which GMime flags only because the header block
     * was parsed as a bare part. */
    if (w->limit && (offset >= w->limit || code == GMIME_WARN_TRUNCATED_MESSAGE ||
                     code == GMIME_WARN_MALFORMED_MULTIPART || code == GMIME_WARN_PART_WITHOUT_CONTENT ||
                     code == GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT ||
                     ((code == GMIME_CRIT_CONFLICTING_HEADER || code == GMIME_WARN_DUPLICATED_HEADER) &&
                      !single_instance_header(item))))
        return;
    tl_anomaly a = { offset, (int)code, item ? g_utf8_make_valid(item, -1) : NULL };
    if (w->anomalies->len < 1000)   /* a hostile message could warn forever */
        g_array_append_val(w->anomalies, a);
    else
        g_free(a.item);
}

tl_worker *
tl_worker_new(const tl_protect *protect, int full)
{
    tl_worker *w = g_new0(tl_worker, 1);
    w->full = full;
    w->opts = g_mime_parser_options_new();
    g_mime_parser_options_set_warning_callback(w->opts, on_warning, w);
    w->stream = g_mime_stream_mem_new();
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(w->stream), FALSE);
    w->parser = g_mime_parser_new();
    w->protect = protect;
    w->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    tl_text_limits_init(&w->text_limits);
    return w;
}

void
tl_worker_set_limits(tl_worker *w, const tl_scan_options *o)
{
    w->max_headers = o->max_headers;
    w->max_header_bytes = o->max_header_bytes;
    w->max_mime_depth = o->max_mime_depth;
    w->max_parts = o->max_parts;
    tl_text_limits *t = &w->text_limits;
    t->max_total = o->max_text ? (size_t)MIN(o->max_text, (uint64_t)SIZE_MAX) : SIZE_MAX;
    t->max_part = o->max_part_text ? (size_t)MIN(o->max_part_text, (uint64_t)SIZE_MAX) : SIZE_MAX;
    if (o->max_part_depth)     /* never none: a zip that holds itself would recurse forever */
        t->max_depth = (int)MIN(o->max_part_depth, (uint64_t)TL_MAX_PART_DEPTH);
    t->pdf_pages = o->max_pdf_pages ? (int)MIN(o->max_pdf_pages, (uint64_t)G_MAXINT) : G_MAXINT;
    t->pdf_seconds = o->max_pdf_seconds > 0 ? o->max_pdf_seconds : G_MAXDOUBLE;
    t->sheet_cells = o->max_sheet_cells ? (size_t)MIN(o->max_sheet_cells, (uint64_t)SIZE_MAX) : SIZE_MAX;
    t->xml_bytes = o->max_xml_bytes ? (size_t)MIN(o->max_xml_bytes, (uint64_t)SIZE_MAX) : SIZE_MAX;
    t->unpacked = o->max_unpacked ? (size_t)MIN(o->max_unpacked, (uint64_t)SIZE_MAX) : SIZE_MAX;
    t->xml_entities = MAX(o->max_xml_entities, 0);
}

void
tl_worker_set_classifier(tl_worker *w, int mode, tl_detector *det)
{
    tl_detector_free(w->det);
    w->det = det;
    w->classify = det ? mode : TL_CLASSIFY_NONE;
    if (w->classify == TL_CLASSIFY_ALL)
        w->full = 1;        /* every message's text is read */
}

void
tl_worker_set_index_text(tl_worker *w, int mode)
{
    w->index_text = mode;
}

void
tl_worker_free(tl_worker *w)
{
    if (!w)
        return;
    g_mime_parser_options_free(w->opts);
    g_object_unref(w->parser);
    g_object_unref(w->stream);
    g_hash_table_destroy(w->cache);
    tl_detector_free(w->det);
    g_free(w);
}

static void
recipient_free(gpointer p)
{
    tl_recipient *r = p;
    g_free(r->header);
    g_free(r->addr);
    g_free(r->addr_norm);
    g_free(r->local);
    g_free(r->domain);
    g_free(r->name);
    g_free(r->raw);
    g_free(r->intended);
    g_free(r->edit);
    g_free(r->verdict);
    g_free(r);
}

static void
anomaly_clear(gpointer p)
{
    g_free(((tl_anomaly *)p)->item);
}


static void
bounce_free(gpointer p)
{
    tl_bounce *b = p;
    g_free(b->recipient);
    g_free(b->action);
    g_free(b->status);
    g_free(b);
}

/* The value of an RFC 3464 address field ("rfc822; john@army.ml"). */
static char *
dsn_address(const char *value)
{
    const char *semi = strchr(value, ';');
    char *a = g_strstrip(g_strdup(semi ? semi + 1 : value));
    size_t n = strlen(a);
    if (n >= 2 && a[0] == '<' && a[n - 1] == '>') {
        memmove(a, a + 1, n - 2);
        a[n - 2] = '\0';
    }
    return a;
}

/* Reads the per-recipient blocks of a message/delivery-status part: each
 * block is a header block, parsed by GMime as a bare part. */
static void
read_delivery_status(tl_worker *w, GMimeObject *part, tl_record *rec)
{
    /* GMime may build the part as a GMimePart or, being message/..., as a
     * GMimeMessagePart whose "message" is the first block: either way its
     * content, written out, is the blocks. */
    GMimeStream *mem = g_mime_stream_mem_new();
    if (GMIME_IS_PART(part) && g_mime_part_get_content(GMIME_PART(part)))
        g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(part)), mem);
    else
        g_mime_object_write_content_to_stream(part, NULL, mem);
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    g_byte_array_append(bytes, (const guint8 *)"", 1);
    /* G_REGEX_RAW: the report's bytes need not be UTF-8 (else no split). */
    char **blocks = g_regex_split_simple("\r?\n\r?\n", (const char *)bytes->data, G_REGEX_RAW, 0);
    for (int i = 0; blocks && blocks[i] && (!rec->bounces || rec->bounces->len < 1000); i++) {
        if (!*g_strstrip(blocks[i]))
            continue;
        char *block = g_strconcat(blocks[i], "\n\n", NULL);
        GMimeStream *bs = g_mime_stream_mem_new_with_buffer(block, strlen(block));
        GMimeParser *parser = g_mime_parser_new_with_stream(bs);
        GMimeObject *obj = g_mime_parser_construct_part(parser, w->opts);
        if (obj) {
            const char *fin = g_mime_object_get_header(obj, "Final-Recipient");
            const char *orig = g_mime_object_get_header(obj, "Original-Recipient");
            const char *action = g_mime_object_get_header(obj, "Action");
            if ((fin || orig) && action) {
                tl_bounce *b = g_new0(tl_bounce, 1);
                char *addr = dsn_address(fin ? fin : orig);
                b->recipient = g_utf8_make_valid(addr, -1);
                g_free(addr);
                char *act = g_utf8_make_valid(action, -1);
                b->action = g_ascii_strdown(g_strstrip(act), -1);
                g_free(act);
                const char *st = g_mime_object_get_header(obj, "Status");
                b->status = st ? g_strstrip(g_utf8_make_valid(st, -1)) : NULL;
                if (!rec->bounces)
                    rec->bounces = g_ptr_array_new_with_free_func(bounce_free);
                g_ptr_array_add(rec->bounces, b);
            }
            g_object_unref(obj);
        }
        g_object_unref(parser);
        g_object_unref(bs);
        g_free(block);
    }
    g_strfreev(blocks);
    g_object_unref(mem);
}

typedef struct {
    tl_worker *w;
    tl_record *rec;
} dsn_ctx;

static void
find_delivery_status(GMimeObject *parent, GMimeObject *part, gpointer data)
{
    (void)parent;
    dsn_ctx *c = data;
    GMimeContentType *ct = g_mime_object_get_content_type(part);
    if (ct && g_mime_content_type_is_type(ct, "message", "delivery-status"))
        read_delivery_status(c->w, part, c->rec);
}

/* A copy of s that is valid UTF-8 (invalid bytes become U+FFFD), or NULL. */
static char *
utf8_dup(const char *s)
{
    return s ? g_utf8_make_valid(s, -1) : NULL;
}

/* An address as the database compares it (docs/schema.md, "Addresses"):
 * valid UTF-8, no angle brackets or surrounding blanks, lower case (the
 * domain always; the local part too: Jane.Doe@ and jane.doe@ are one
 * mailbox at every system in the evidence), no trailing dot.  Dots and
 * "+tags" in the local part are kept: not every system ignores them. */
static char *
addr_normalise(const char *addr)
{
    char *v = g_utf8_make_valid(addr, -1);
    g_strstrip(v);
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
        memmove(v, v + 1, n - 2);
        v[n - 2] = '\0';
    }
    char *low = g_utf8_strdown(v, -1);
    g_free(v);
    n = strlen(low);
    while (n > 0 && low[n - 1] == '.')
        low[--n] = '\0';
    return low;
}

/* Adds a recipient; addr is split at its last '@'; the domain is lower-cased
 * and loses a trailing dot.  Looks the domain up in the worker's cache. */
static void
add_recipient(tl_worker *w, tl_record *rec, const char *header, const char *addr,
              const char *name, int parsed, const char *raw)
{
    tl_recipient *r = g_new0(tl_recipient, 1);
    const char *at = strrchr(addr, '@');
    r->header = g_strdup(header);
    r->addr = utf8_dup(addr);
    r->addr_norm = addr_normalise(addr);
    r->parsed = parsed;
    r->name = (name && *name) ? utf8_dup(name) : NULL;
    r->raw = raw ? utf8_dup(raw) : NULL;
    if (at) {
        const char *lend = addr;
        while (*lend && *lend != '@')
            lend++;                         /* local part: up to the first '@' */
        char *local = g_strndup(addr, (gsize)(lend - addr));
        r->local = g_utf8_make_valid(local, -1);
        g_free(local);
        char *dom = g_utf8_make_valid(at + 1, -1);
        char *low = g_utf8_strdown(dom, -1);
        g_free(dom);
        size_t n = strlen(low);
        while (n > 0 && low[n - 1] == '.')
            low[--n] = '\0';
        r->domain = low;
    }
    if (r->domain && *r->domain) {
        tl_typo_verdict *v = g_hash_table_lookup(w->cache, r->domain);
        if (!v) {
            v = g_new0(tl_typo_verdict, 1);
            tl_typo_check(w->protect, r->domain, v);
            g_hash_table_insert(w->cache, g_strdup(r->domain), v);
        }
        if (v->is_typo) {
            r->typo = 1;
            r->intended = g_strdup(v->intended);
            r->edit = g_strdup(v->edit);
            r->verdict = g_memdup2(v, sizeof *v);     /* the cache dies with the worker */
            rec->n_typo++;
        }
    }
    g_ptr_array_add(rec->recipients, r);
}

/* Walks a GMime address list (groups included) into recipients; every
 * addr-spec is also put in seen (lower-cased) for the raw-value recovery. */
static void
add_list(tl_worker *w, tl_record *rec, const char *header, InternetAddressList *list,
         GHashTable *seen)
{
    int n = list ? internet_address_list_length(list) : 0;
    for (int i = 0; i < n; i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(ia)) {
            add_list(w, rec, header,
                     internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), seen);
            continue;
        }
        const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
        if (!addr || !*addr)
            continue;
        add_recipient(w, rec, header, addr, internet_address_get_name(ia), 1, NULL);
        g_hash_table_add(seen, g_ascii_strdown(addr, -1));
    }
}

static int
is_addr_delim(unsigned char c)
{
    return c <= ' ' || strchr(",;<>\"()[]:", c) != NULL;
}

/* Finds address-like tokens (something@something) in a raw header value,
 * outside quoted strings and comments, and adds those that GMime's parser
 * did not return.  This is how "bad@@x" keeps its domain. */
static void
recover_raw(tl_worker *w, tl_record *rec, const char *header, const char *raw, GHashTable *seen)
{
    const char *p = raw;
    int depth = 0;
    while (*p) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') {                     /* quoted string */
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p)
                p++;
            continue;
        }
        if (c == '(') { depth++; p++; continue; }
        if (c == ')') { if (depth) depth--; p++; continue; }
        if (depth || is_addr_delim(c)) { p++; continue; }
        const char *s = p;
        while (*p && !is_addr_delim((unsigned char)*p))
            p++;
        size_t n = (size_t)(p - s);
        const char *at = memchr(s, '@', n);
        if (!at || at == s || n > 320)
            continue;
        char *tok = g_strndup(s, n);
        char *low = g_ascii_strdown(tok, -1);
        const char *last = strrchr(tok, '@');
        if (!g_hash_table_contains(seen, low) && last[1] != '\0') {
            char *value = g_strstrip(g_strdup(raw));
            add_recipient(w, rec, header, tok, NULL, 0, value);
            g_free(value);
            g_hash_table_add(seen, low);
            low = NULL;
        }
        g_free(low);
        g_free(tok);
    }
}

/* The "for <addr>" clause of a Received header (RFC 5321 4.4). */
static void
add_received_for(tl_worker *w, tl_record *rec, const char *raw, GHashTable *seen)
{
    for (const char *p = raw; (p = strstr(p, "for")) != NULL; p += 3) {
        if (p > raw && !g_ascii_isspace(p[-1]))
            continue;
        const char *q = p + 3;
        if (!g_ascii_isspace(*q))
            continue;
        while (g_ascii_isspace(*q))
            q++;
        int angle = *q == '<';
        if (angle)
            q++;
        const char *e = q;
        while (*e && !g_ascii_isspace(*e) && *e != '>' && *e != ';' && *e != '<')
            e++;
        if (e > q && memchr(q, '@', (size_t)(e - q))) {
            char *addr = g_strndup(q, (size_t)(e - q));
            char *low = g_ascii_strdown(addr, -1);
            if (!g_hash_table_contains(seen, low)) {
                add_recipient(w, rec, "Received", addr, NULL, 1, NULL);
                g_hash_table_add(seen, low);
            } else
                g_free(low);
            g_free(addr);
        }
    }
}

/* Copies a decoded address list as text, and the first addr-spec. */
static char *
list_text(InternetAddressList *list, char **first_addr)
{
    if (!list || internet_address_list_length(list) == 0)
        return NULL;
    if (first_addr) {
        InternetAddress *ia = internet_address_list_get_address(list, 0);
        if (INTERNET_ADDRESS_IS_MAILBOX(ia))
            *first_addr = utf8_dup(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
    }
    char *s = internet_address_list_to_string(list, NULL, FALSE);
    char *v = utf8_dup(s);
    g_free(s);
    return v;
}

/* The decoded address list of a raw header value, as text, and its first
 * addr-spec. */
static char *
parsed_list_text(tl_worker *w, const char *raw, char **first_addr)
{
    InternetAddressList *list = internet_address_list_parse(w->opts, raw);
    char *text = list_text(list, first_addr);
    if (list)
        g_object_unref(list);
    return text;
}

/* The unit or office a display name carries: "Jane Doe (J6 Plans)",
 * "Doe, Jane - Finance Office", "Jane Doe | Contracting"; or NULL. */
static char *
unit_of_name(const char *name)
{
    if (!name || !*name)
        return NULL;
    char *unit = NULL;
    const char *open = strchr(name, '('), *close = open ? strchr(open, ')') : NULL;
    if (open && close && close > open + 1)
        unit = g_strndup(open + 1, (gsize)(close - open - 1));
    else {
        static const char *const seps[] = { " - ", " | ", " / ", " -- ", NULL };
        const char *best = NULL;
        size_t blen = 0;
        for (int i = 0; seps[i]; i++) {
            const char *p = g_strrstr(name, seps[i]);
            if (p && (!best || p > best))
                best = p, blen = strlen(seps[i]);
        }
        if (best)
            unit = g_strdup(best + blen);
    }
    if (unit) {
        g_strstrip(unit);
        int letters = 0;
        for (const char *c = unit; *c; c++)
            letters += g_ascii_isalpha(*c);
        if (letters < 2 || strlen(unit) > 80)
            g_clear_pointer(&unit, g_free);
    }
    return unit;
}

/* parsed_list_text, and the unit of the first mailbox's display name. */
static char *
parsed_list_text_unit(tl_worker *w, const char *raw, char **first_addr, char **unit)
{
    InternetAddressList *list = internet_address_list_parse(w->opts, raw);
    char *text = list_text(list, first_addr);
    if (list && internet_address_list_length(list) > 0) {
        InternetAddress *ia = internet_address_list_get_address(list, 0);
        char *name = utf8_dup(internet_address_get_name(ia));
        *unit = unit_of_name(name);
        g_free(name);
    }
    if (list)
        g_object_unref(list);
    return text;
}

/* A date header value in UTC (ISO 8601) and its Unix time, or NULL. */
static char *
utc_of(const char *value, int64_t *unix_time)
{
    GDateTime *dt = g_mime_utils_header_decode_date(value);
    GDateTime *utc = dt ? g_date_time_to_utc(dt) : NULL;
    char *iso = NULL;
    if (utc) {
        iso = g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
        *unix_time = g_date_time_to_unix(utc);
        g_date_time_unref(utc);
    }
    if (dt)
        g_date_time_unref(dt);
    return iso;
}

#define TL_DATE_MIN 631152000   /* 1990-01-01T00:00:00Z: before it, a Date is a clock gone wrong */

/* The Unix time is plausible for mail: from 1990 to a day after now. */
static const char *
implausible(int64_t t)
{
    if (t < TL_DATE_MIN)
        return "before-1990";
    if (t > g_get_real_time() / G_USEC_PER_SEC + 86400)
        return "future";
    return NULL;
}

/* The message's date: the Date header when it is there and plausible;
 * else the time of the first Received header (the one on top, written
 * by the last server that took the message in), flagged. */
static void
choose_date(tl_record *rec, int date_seen, const char *first_received)
{
    int64_t t = 0;
    const char *flag = !date_seen ? "missing" : !rec->date_header_utc ? "unparsable" : implausible(rec->date_unix);
    if (!flag) {
        rec->date_utc = g_strdup(rec->date_header_utc);
        rec->date_source = "header";
        return;
    }
    rec->date_flag = flag;
    rec->date_unix = 0;
    const char *semi = first_received ? strrchr(first_received, ';') : NULL;
    char *iso = semi ? utc_of(semi + 1, &t) : NULL;
    if (iso && !implausible(t)) {
        rec->date_utc = iso;
        rec->date_unix = t;
        rec->date_source = "received";
    } else
        g_free(iso);
}

/* In-Reply-To (its first id) and References (every id, as a JSON array);
 * the thread key is the References' first id, the thread's root (RFC
 * 5322 3.6.4), else In-Reply-To. */
static void
read_references(tl_worker *w, tl_record *rec, const char *name, const char *raw)
{
    int irt = g_ascii_strcasecmp(name, "In-Reply-To") == 0;
    if (irt ? rec->in_reply_to != NULL : rec->refs != NULL)
        return;
    GMimeReferences *refs = g_mime_references_parse(w->opts, raw);
    int n = refs ? g_mime_references_length(refs) : 0;
    if (n > 0 && irt) {
        rec->in_reply_to = utf8_dup(g_mime_references_get_message_id(refs, 0));
        if (!rec->thread_key)
            rec->thread_key = g_strdup(rec->in_reply_to);
    } else if (n > 0) {
        JsonBuilder *b = json_builder_new();
        json_builder_begin_array(b);
        for (int i = 0; i < n && i < 500; i++) {
            char *id = utf8_dup(g_mime_references_get_message_id(refs, i));
            json_builder_add_string_value(b, id);
            g_free(id);
        }
        json_builder_end_array(b);
        JsonNode *root = json_builder_get_root(b);
        rec->refs = json_to_string(root, FALSE);
        json_node_unref(root);
        g_object_unref(b);
        g_free(rec->thread_key);
        rec->thread_key = utf8_dup(g_mime_references_get_message_id(refs, 0));
    }
    if (refs)
        g_mime_references_free(refs);
}

/* A recipient counts once per message whatever headers name it: the
 * first row of an address (a To, Cc... row before a Received "for" copy)
 * is counted, the others are marked dup and carry no typo hit. */
static void
mark_duplicate_recipients(tl_record *rec)
{
    GHashTable *first = g_hash_table_new(g_str_hash, g_str_equal);
    for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < rec->recipients->len; i++) {
            tl_recipient *r = rec->recipients->pdata[i];
            int received = g_strcmp0(r->header, "Received") == 0;
            if (!r->addr_norm || received != (pass == 1))
                continue;
            if (!g_hash_table_contains(first, r->addr_norm)) {
                g_hash_table_add(first, r->addr_norm);
                continue;
            }
            r->dup = 1;
            if (r->typo) {
                r->typo = 0;
                rec->n_typo--;
            }
        }
    g_hash_table_destroy(first);
}

/*
 * Fills the record from the header list of the top-level entity, in one
 * pass, for a whole message and for a header block alike (so that both
 * parse depths give the same record).  For the single-valued headers the
 * first occurrence counts; GMime reports the others as anomalies.
 */
static void
fill_record(tl_worker *w, GMimeObject *obj, tl_record *rec)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
    int n = g_mime_header_list_get_count(hl);
    /* A delivery-status report (RFC 3464)?  The top-level content type
     * lives on the message's MIME part, or on the bare part itself. */
    GMimeObject *body = GMIME_IS_MESSAGE(obj) ? g_mime_message_get_mime_part(GMIME_MESSAGE(obj)) : obj;
    GMimeContentType *ct = body ? g_mime_object_get_content_type(body) : NULL;
    if (ct && g_mime_content_type_is_type(ct, "multipart", "report")) {
        const char *rt = g_mime_content_type_get_parameter(ct, "report-type");
        rec->dsn = rt && g_ascii_strcasecmp(rt, "delivery-status") == 0;
    }
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *first_received = NULL;
    int date_seen = 0;
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        const char *name = g_mime_header_get_name(h);
        const char *raw = g_mime_header_get_raw_value(h);
        if (!name || !raw)
            continue;
        if (g_ascii_strcasecmp(name, "Received") == 0) {
            if (!first_received)
                first_received = raw;
            g_hash_table_remove_all(seen);
            add_received_for(w, rec, raw, seen);
            continue;
        }
        if (g_ascii_strcasecmp(name, "Message-ID") == 0) {
            if (!rec->message_id) {
                char *id = g_mime_utils_decode_message_id(raw);
                rec->message_id = utf8_dup(id);
                g_free(id);
            }
            continue;
        }
        if (g_ascii_strcasecmp(name, "Subject") == 0) {
            if (!rec->subject)
                rec->subject = utf8_dup(g_mime_header_get_value(h));
            continue;
        }
        if (g_ascii_strcasecmp(name, "Date") == 0) {
            if (date_seen++)
                continue;
            const char *value = g_mime_header_get_value(h);
            rec->date = g_strstrip(utf8_dup(value ? value : ""));
            if (value)
                rec->date_header_utc = utc_of(value, &rec->date_unix);
            continue;
        }
        if (g_ascii_strcasecmp(name, "In-Reply-To") == 0 || g_ascii_strcasecmp(name, "References") == 0) {
            read_references(w, rec, name, raw);
            continue;
        }
        if (g_ascii_strcasecmp(name, "From") == 0) {
            if (!rec->from) {
                char *unit = NULL;
                rec->from = parsed_list_text_unit(w, raw, &rec->from_addr, &unit);
                rec->from_unit = unit;
                if (rec->from_addr) {
                    char *norm = addr_normalise(rec->from_addr);
                    g_free(rec->from_addr);
                    rec->from_addr = norm;
                }
            }
            continue;
        }
        if (g_ascii_strcasecmp(name, "Sender") == 0) {
            if (!rec->sender)
                rec->sender = parsed_list_text(w, raw, NULL);
            continue;
        }
        if (g_ascii_strcasecmp(name, "Reply-To") == 0) {
            if (!rec->reply_to)
                rec->reply_to = parsed_list_text(w, raw, NULL);
            continue;
        }
        int k;
        for (k = 0; recipient_headers[k]; k++)
            if (g_ascii_strcasecmp(name, recipient_headers[k]) == 0)
                break;
        if (!recipient_headers[k])
            continue;
        InternetAddressList *list = internet_address_list_parse(w->opts, raw);
        guint before = rec->recipients->len;
        g_hash_table_remove_all(seen);
        add_list(w, rec, recipient_headers[k], list, seen);
        if (list)
            g_object_unref(list);
        /* Only when the raw value has more '@' than GMime returned
         * addresses can an entry have been dropped. */
        guint ats = 0;
        for (const char *c = raw; (c = strchr(c, '@')) != NULL; c++)
            ats++;
        if (ats > rec->recipients->len - before)
            recover_raw(w, rec, recipient_headers[k], raw, seen);
    }
    g_hash_table_destroy(seen);
    choose_date(rec, date_seen, first_received);
    mark_duplicate_recipients(rec);
    if (!rec->thread_key && rec->message_id)
        rec->thread_key = g_strdup(rec->message_id);
}

/* Describes why GMime returned no message, from the warnings it gave. */
static char *
parse_failure_reason(const GArray *an)
{
    if (an->len == 0)
        return g_strdup("GMime could not build a message (no header block)");
    const tl_anomaly *a = &g_array_index(an, tl_anomaly, an->len - 1);
    return g_strdup_printf("GMime could not build a message: %s at offset %" G_GINT64_FORMAT "%s%s",
                           tl_anomaly_name(a->code), a->offset, a->item ? ": " : "",
                           a->item ? a->item : "");
}

/* Length of the header block, blank line included (the whole message when
 * it has no body). */
static size_t
header_block_len(const guint8 *p, size_t n)
{
    for (const guint8 *q = p; (q = memchr(q, '\n', (size_t)(p + n - q))) != NULL; q++) {
        if (q + 1 < p + n && q[1] == '\n')
            return (size_t)(q - p) + 2;
        if (q + 2 < p + n && q[1] == '\r' && q[2] == '\n')
            return (size_t)(q - p) + 3;
    }
    return n;
}

/* The subject through the detectors: a value in it is written as its
 * type in the stored subject (the database never holds a full value), and
 * when the message is classified (findings not NULL) its findings join
 * the message's, as part "subject". */
static void
subject_detect(tl_worker *w, tl_record *rec, GPtrArray *findings)
{
    if (!w->det || !rec->subject || !rec->subject[0])
        return;
    tl_detector_set_time(w->det, rec->date_unix);   /* ages of dates of birth */
    tl_text_part p = { 0 };
    p.path = (char *)"subject";
    tl_text_normalise(rec->subject, strlen(rec->subject), &p.text, &p.map, &p.len);
    p.quote_from = p.len;
    GString *masked = g_string_new(NULL);
    GPtrArray *found = tl_detect_part_masked(w->det, &p, masked);
    if (found && strcmp(masked->str, p.text) != 0) {
        g_free(rec->subject);
        rec->subject = g_string_free(masked, FALSE);
        masked = NULL;
    }
    if (masked)
        g_string_free(masked, TRUE);
    if (found && findings) {
        g_ptr_array_set_free_func(found, NULL);
        for (guint k = 0; k < found->len; k++) {
            tl_finding *f = found->pdata[k];
            f->part = g_strdup("subject");
            g_ptr_array_add(findings, f);
        }
    }
    if (found)
        g_ptr_array_unref(found);
    g_free(p.text);
    g_free(p.map);
}

#define TL_ROSTER_MIN 10     /* contact findings of one detector in one part that make a roster */

/* What the report counts (docs/report.md, "Counting once"): a value once
 * per message (the same detector and keyed hash, or the same marking,
 * again in another part, such as the text/html alternative of a
 * text/plain part, or repeated, is not counted again), and a roster (ten
 * or more contact findings of one detector in one part) as one finding,
 * or, where a roster detector (category *.ROSTER) named the part, as that
 * finding;
 * and the finding that set the message's severity. */
static void
mark_counted(tl_record *rec)
{
    GPtrArray *f = rec->findings;
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *per_part = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < f->len; i++) {
        tl_finding *x = f->pdata[i];
        char *key = g_strdup_printf("%s\x1f%s", x->detector, x->vhash[0] ? x->vhash : x->masked);
        if (g_hash_table_contains(seen, key)) {
            x->uncounted = 1;
            x->why_uncounted = "same value";
            g_free(key);
            continue;
        }
        g_hash_table_add(seen, key);
        if (strcmp(x->category, "PII.CONTACT") == 0) {
            char *pk = g_strdup_printf("%s\x1f%s", x->part ? x->part : "", x->detector);
            int n = GPOINTER_TO_INT(g_hash_table_lookup(per_part, pk)) + 1;
            g_hash_table_insert(per_part, pk, GINT_TO_POINTER(n));
        }
    }
    /* a part a roster detector named (PERSONNEL.ROSTER...): that finding
     * stands for its contact values */
    GHashTable *roster_parts = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *roster_heads = g_hash_table_new(g_str_hash, g_str_equal);     /* parts with a "roster" finding */
    for (guint i = 0; i < f->len; i++) {
        tl_finding *x = f->pdata[i];
        if (g_str_has_suffix(x->category, ".ROSTER") && x->part)
            g_hash_table_add(roster_parts, x->part);
        if (strcmp(x->detector, "roster") == 0 && x->part)
            g_hash_table_add(roster_heads, x->part);
    }
    /* the rows of a roster the roster finding stands for (person, name) */
    for (guint i = 0; i < f->len; i++) {
        tl_finding *x = f->pdata[i];
        if (!x->uncounted && x->part && g_str_has_suffix(x->category, ".ROSTER") &&
            strcmp(x->detector, "roster") != 0 &&
            g_hash_table_contains(roster_heads, x->part)) {
            x->uncounted = 1;
            x->why_uncounted = "roster";
        }
    }
    g_hash_table_destroy(roster_heads);
    GHashTable *lead = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < f->len; i++) {
        tl_finding *x = f->pdata[i];
        if (x->uncounted || strcmp(x->category, "PII.CONTACT") != 0)
            continue;
        if (x->part && g_hash_table_contains(roster_parts, x->part)) {
            x->uncounted = 1;
            x->why_uncounted = "roster";
            continue;
        }
        char *pk = g_strdup_printf("%s\x1f%s", x->part ? x->part : "", x->detector);
        if (GPOINTER_TO_INT(g_hash_table_lookup(per_part, pk)) < TL_ROSTER_MIN)
            g_free(pk);
        else if (!g_hash_table_contains(lead, pk))
            g_hash_table_add(lead, pk);         /* the roster's first member stands for it */
        else {
            x->uncounted = 1;
            x->why_uncounted = "roster";
            g_free(pk);
        }
    }
    g_hash_table_destroy(lead);
    g_hash_table_destroy(roster_parts);
    g_hash_table_destroy(per_part);
    g_hash_table_destroy(seen);
    int why = tl_rollup_reason(f, rec->severity);
    if (why >= 0)
        ((tl_finding *)f->pdata[why])->sets_severity = 1;
}

/* The sender's unit or office from the signature of the first text part
 * (the lines after "-- ", or a short closing block): the first line that
 * names an office, division, branch... */
static char *
unit_of_signature(const GPtrArray *parts)
{
    static const char *const words[] = { "office", "division", "department", "dept", "branch", "unit",
                                         "battalion", "squadron", "command", "directorate", "section",
                                         "bureau", "agency", "detachment", "team", "group", NULL };
    for (guint i = 0; i < parts->len; i++) {
        const tl_text_part *p = parts->pdata[i];
        if (p->html || !p->text)
            continue;
        const char *end = p->text + p->quote_from;
        const char *sig = g_strstr_len(p->text, (gssize)p->quote_from, "\n-- \n");
        if (!sig)
            sig = g_strstr_len(p->text, (gssize)p->quote_from, "\n--\n");
        if (!sig)
            return NULL;
        char *block = g_strndup(sig + 1, (gsize)(end - sig - 1));
        char **lines = g_strsplit(block, "\n", 8);
        char *unit = NULL;
        for (int k = 1; lines[k] && !unit; k++) {
            char *low = g_ascii_strdown(lines[k], -1);
            for (int j = 0; words[j] && !unit; j++) {
                const char *m = strstr(low, words[j]);
                size_t wl = strlen(words[j]);
                if (m && (m == low || !g_ascii_isalpha(m[-1])) && !g_ascii_isalpha(m[wl]))
                    unit = g_strstrip(g_strdup(lines[k]));
            }
            g_free(low);
        }
        g_strfreev(lines);
        g_free(block);
        if (unit && (strlen(unit) > 80 || !*unit))
            g_clear_pointer(&unit, g_free);
        return unit;
    }
    return NULL;
}

/* The text of every part through the detectors; findings and text
 * anomalies go to the record. */
/* The TL_WARN_LIMIT reason of a text note that says a limit was reached,
 * or NULL: the message's text (--max-text), one part's (--max-part-text),
 * or an attachment's own limits (pages, cells, entities, sizes:
 * parsers/extract/). */
static char *
text_limit_note(const char *note)
{
    static const struct {
        const char *marker, *tail;
    } limits[] = {
        { "message text limit", " (--max-text); the text before it was classified" },
        { "(part limit)", " (--max-part-text); the text before it was classified" },
        { ": limit: ", "; what the attachment gave before it was classified" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(limits); i++)
        if (strstr(note, limits[i].marker))
            return g_strconcat(note, limits[i].tail, NULL);
    return NULL;
}

static void
classify(tl_worker *w, GMimeMessage *msg, tl_record *rec)
{
    GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
    rec->attachments = g_ptr_array_new_with_free_func(tl_attachment_free);
    GPtrArray *parts = tl_text_extract_all(msg, &w->text_limits, notes, rec->attachments);
    rec->findings = g_ptr_array_new_with_free_func(tl_finding_free);
    tl_detector_set_time(w->det, rec->date_unix);
    subject_detect(w, rec, rec->findings);
    /* the masked text for the full-text index, parts apart by a blank line */
    GString *text = w->index_text == TL_INDEX_ALL || (w->index_text == TL_INDEX_FLAGGED && rec->n_typo > 0)
                        ? g_string_new(NULL)
                        : NULL;
    for (guint i = 0; i < parts->len; i++) {
        const tl_text_part *p = parts->pdata[i];
        if (text && text->len)
            g_string_append(text, "\n\n");
        GPtrArray *found = tl_detect_part_masked(w->det, p, text && text->len < TL_TEXT_INDEX_MAX ? text : NULL);
        if (!found) {
            char *why = NULL;
            tl_detect_ready(&why);
            g_ptr_array_add(notes, g_strdup_printf("not classified: %s", why));
            g_free(why);
            g_clear_pointer(&rec->findings, g_ptr_array_unref);
            break;
        }
        g_ptr_array_set_free_func(found, NULL);
        for (guint k = 0; k < found->len; k++) {
            tl_finding *f = found->pdata[k];
            f->part = g_strdup(p->path);
            g_ptr_array_add(rec->findings, f);
        }
        g_ptr_array_unref(found);
    }
    /* what the attachments are: identity documents, photos with a position */
    if (rec->findings)
        tl_detect_attachments(w->det, rec->subject, parts, rec->attachments, rec->findings);
    for (guint i = 0; i < notes->len; i++) {
        if (!rec->limit_note)
            rec->limit_note = text_limit_note(notes->pdata[i]);
        tl_anomaly a = { -1, TL_ANOMALY_TEXT, g_strdup(notes->pdata[i]) };
        g_array_append_val(rec->anomalies, a);
    }
    if (text && rec->findings) {
        if (text->len > TL_TEXT_INDEX_MAX) {
            /* cut on a character boundary */
            size_t n = TL_TEXT_INDEX_MAX;
            while (n > 0 && ((unsigned char)text->str[n] & 0xC0) == 0x80)
                n--;
            g_string_truncate(text, n);
        }
        rec->text_masked = g_string_free(text, FALSE);
    } else if (text)
        g_string_free(text, TRUE);
    rec->classified = rec->findings != NULL;
    rec->severity = rec->findings ? tl_rollup(rec->findings, &rec->categories) : NULL;
    if (rec->findings)
        mark_counted(rec);
    if (!rec->from_unit)
        rec->from_unit = unit_of_signature(parts);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(notes);
}

/* MIME depth and part count of a parsed tree, walked with a stack of its
 * own (a hostile tree is 10,000 deep); over a limit, rec->limit_note says
 * so and the text is not read. */
static void
mime_limits(tl_worker *w, GMimeObject *top, tl_record *rec)
{
    if (!w->max_mime_depth && !w->max_parts)
        return;
    GPtrArray *stack = g_ptr_array_new();
    GArray *depths = g_array_new(FALSE, FALSE, sizeof(guint64));
    guint64 parts = 0, deepest = 0, d0 = 0;
    g_ptr_array_add(stack, top);
    g_array_append_val(depths, d0);
    while (stack->len) {
        GMimeObject *o = g_ptr_array_steal_index_fast(stack, stack->len - 1);
        guint64 d = g_array_index(depths, guint64, depths->len - 1);
        g_array_set_size(depths, depths->len - 1);
        if (!o)
            continue;
        parts++;
        deepest = MAX(deepest, d);
        if ((w->max_parts && parts > w->max_parts) || (w->max_mime_depth && deepest > w->max_mime_depth))
            break;
        guint64 dn = d + 1;
        if (GMIME_IS_MESSAGE(o)) {
            g_ptr_array_add(stack, g_mime_message_get_mime_part(GMIME_MESSAGE(o)));
            g_array_append_val(depths, dn);
        } else if (GMIME_IS_MESSAGE_PART(o)) {
            g_ptr_array_add(stack, g_mime_message_part_get_message(GMIME_MESSAGE_PART(o)));
            g_array_append_val(depths, dn);
        } else if (GMIME_IS_MULTIPART(o)) {
            int n = g_mime_multipart_get_count(GMIME_MULTIPART(o));
            for (int i = 0; i < n; i++) {
                g_ptr_array_add(stack, g_mime_multipart_get_part(GMIME_MULTIPART(o), i));
                g_array_append_val(depths, dn);
            }
        }
    }
    if (w->max_parts && parts > w->max_parts)
        rec->limit_note = g_strdup_printf("MIME tree has more than %" G_GUINT64_FORMAT " parts (--max-parts);"
                                          " the headers were read, the text was not", w->max_parts);
    else if (w->max_mime_depth && deepest > w->max_mime_depth)
        rec->limit_note = g_strdup_printf("MIME tree nested deeper than %" G_GUINT64_FORMAT " (--max-mime-depth);"
                                          " the headers were read, the text was not", w->max_mime_depth);
    g_ptr_array_free(stack, TRUE);
    g_array_free(depths, TRUE);
}

/* The header fields of raw: the length of the prefix that holds at most
 * max_fields fields and max_bytes bytes (cut at a field's start), or 0
 * when the whole header block is within both. */
static size_t
header_cut(const guint8 *p, size_t n, uint64_t max_fields, uint64_t max_bytes, uint64_t *fields)
{
    size_t hb = header_block_len(p, n);
    uint64_t count = 0;
    for (size_t i = 0; i < hb;) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') {
            if ((max_fields && count >= max_fields) || (max_bytes && i >= max_bytes)) {
                *fields = count;
                return i;
            }
            count++;
        }
        const guint8 *nl = memchr(p + i, '\n', hb - i);
        if (!nl)
            break;
        i = (size_t)(nl - p) + 1;
    }
    *fields = count;
    if (max_bytes && hb > max_bytes)
        return (size_t)max_bytes;
    return 0;
}

/* Parses raw[0, len) into rec; 0 when GMime built nothing.  The whole
 * message (len = raw->len) is built as a GMimeMessage, its MIME tree
 * included.  A header block alone is built as a bare part (no message-level
 * processing: the record reads every header it needs itself), after a
 * leading From_ line, which GMime's message mode would skip. */
static int
parse_into(tl_worker *w, GByteArray *raw, size_t len, tl_record *rec)
{
    int whole = len == raw->len;
    size_t start = 0;
    if (!whole && len >= 5 && memcmp(raw->data, "From ", 5) == 0) {
        const guint8 *nl = memchr(raw->data, '\n', len);
        start = nl ? (size_t)(nl - raw->data) + 1 : len;
    }
    w->anomalies = rec->anomalies;
    w->limit = whole ? 0 : (gint64)len;
    /* One parser and one stream per worker, re-aimed at each message: a
     * new pair per message costs their buffers every time. */
    GMimeStream *stream = w->stream;
    g_mime_stream_mem_set_byte_array(GMIME_STREAM_MEM(stream), raw);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
    g_mime_stream_set_bounds(stream, (gint64)start, (gint64)len);
    g_mime_stream_seek(stream, (gint64)start, GMIME_STREAM_SEEK_SET);
    g_mime_parser_init_with_stream(w->parser, stream);
    g_mime_parser_set_format(w->parser, GMIME_FORMAT_MESSAGE);
    GMimeObject *obj = whole ? (GMimeObject *)g_mime_parser_construct_message(w->parser, w->opts)
                             : g_mime_parser_construct_part(w->parser, w->opts);
    if (obj) {
        fill_record(w, obj, rec);
        if (whole && rec->dsn && GMIME_IS_MESSAGE(obj)) {
            dsn_ctx c = { w, rec };
            g_mime_message_foreach(GMIME_MESSAGE(obj), find_delivery_status, &c);
        }
        if (whole && GMIME_IS_MESSAGE(obj))
            mime_limits(w, obj, rec);
        if (whole && w->det && GMIME_IS_MESSAGE(obj) && !rec->limit_note &&
            (w->classify == TL_CLASSIFY_ALL || (w->classify == TL_CLASSIFY_FLAGGED && rec->n_typo > 0)))
            classify(w, GMIME_MESSAGE(obj), rec);
        else
            subject_detect(w, rec, NULL);
        g_object_unref(obj);
    }
    w->anomalies = NULL;
    w->limit = 0;
    return obj != NULL;
}

static tl_record *
record_new(void)
{
    tl_record *rec = g_new0(tl_record, 1);
    rec->recipients = g_ptr_array_new_with_free_func(recipient_free);
    rec->anomalies = g_array_new(FALSE, FALSE, sizeof(tl_anomaly));
    g_array_set_clear_func(rec->anomalies, anomaly_clear);
    return rec;
}

/*
 * Two depths.  A message needs its whole MIME tree parsed only when
 * something will look inside it: when a recipient is at a typo domain (the
 * classifier reads those), when it is a delivery-status report (its
 * per-recipient blocks say which typo addresses bounced), or with --parse
 * full.  Every other message is
 * parsed from its header block alone, which is all the record needs and
 * costs a fraction of a full parse (research/performance.md); warnings
 * GMime gives about the body it was not shown are dropped.
 */
void
tl_worker_process(tl_worker *w, tl_job *job)
{
    g_assert(job->type == TL_JOB_MESSAGE);
    if (!job->raw || job->raw->len == 0) {
        tl_sha256_hex("", 0, job->sha256);
        job->status = TL_ERR_EMPTY;
        job->stage = g_strdup("parse");
        job->reason = g_strdup("message has no bytes");
        return;
    }
    tl_record *rec = record_new();
    tl_sha256_hex(job->raw->data, job->raw->len, rec->sha256);
    tl_message_identity(job->raw->data, job->raw->len, rec->sha256, job->marker != NULL, rec->identity);
    uint64_t nfields = 0;
    size_t cut = w->max_headers || w->max_header_bytes
                     ? header_cut(job->raw->data, job->raw->len, w->max_headers, w->max_header_bytes, &nfields)
                     : 0;
    size_t hlen = cut ? cut : w->full ? job->raw->len : header_block_len(job->raw->data, job->raw->len);
    int ok = parse_into(w, job->raw, hlen, rec);
    if (cut) {
        rec->limit_note = g_strdup_printf("header block over the limit of %" G_GUINT64_FORMAT " fields"
                                          " (--max-headers) or %" G_GUINT64_FORMAT " bytes (--max-header-bytes):"
                                          " the first %" G_GUINT64_FORMAT " fields (%zu bytes) were read, the rest"
                                          " of the message was not", w->max_headers, w->max_header_bytes,
                                          nfields, cut);
    } else if (ok && hlen < job->raw->len && (rec->n_typo > 0 || rec->dsn)) {
        tl_record *full = record_new();
        memcpy(full->sha256, rec->sha256, sizeof rec->sha256);
        memcpy(full->identity, rec->identity, sizeof rec->identity);
        tl_record_free(rec);
        rec = full;
        hlen = job->raw->len;
        ok = parse_into(w, job->raw, hlen, rec);
    }
    rec->mime_parsed = hlen == job->raw->len;
    if (ok) {
        job->rec = rec;
        return;
    }
    job->status = TL_ERR_PARSE;
    job->stage = g_strdup("parse");
    job->reason = parse_failure_reason(rec->anomalies);
    memcpy(job->sha256, rec->sha256, sizeof job->sha256);
    tl_record_free(rec);
}


void
tl_library_init(void)
{
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        g_mime_init();
        g_once_init_leave(&once, 1);
    }
}

void
tl_library_shutdown(void)
{
    g_mime_shutdown();
}
