/*
 * outlook.c - PST/OST stores (libpff), .msg files (libolecf) and TNEF
 * files (a reader here, MS-OXTNEF) read as RFC 5322 messages (outlook.h).
 *
 * Design.  The three formats hold the same thing, a MAPI message: a set of
 * properties (tagged values), a recipient table and attachments, some of
 * which are messages themselves.  Each format is read into one
 * intermediate form, ol_msg, through one accessor interface (ol_src: a
 * property's string, binary, 32-bit or time value by its 16-bit MAPI id);
 * one renderer turns an ol_msg into message bytes.  So the mapping from
 * MAPI properties to headers exists once, whatever the container.
 *
 * Rendering rules (docs/formats.md, "Outlook"):
 *   - the header block is the item's transport headers
 *     (PID_TRANSPORT_MESSAGE_HEADERS) less their MIME fields, when the item
 *     has them; otherwise it is built from the properties: From (sent
 *     representing, else sender), Sender (when it differs), To/Cc/Bcc from
 *     the recipient table, Subject, Date (submit time, else delivery time,
 *     else creation time), Message-ID, In-Reply-To, References;
 *   - addresses are SMTP addresses: PID_SMTP_ADDRESS (or the sender's and
 *     sent-representing's SMTP properties), else the e-mail address when
 *     its type is SMTP or it holds an '@'; an Exchange (X.500) address
 *     alone leaves the display name only;
 *   - the body is text/plain and text/html (multipart/alternative when
 *     both), or the decompressed RTF (text/rtf) when there is neither;
 *     attachments follow in a multipart/mixed, base64, and embedded
 *     messages are message/rfc822 parts rendered by the same rules;
 *   - a multipart boundary is derived from the SHA-256 of the parts it
 *     separates, so the bytes are a function of the item's content alone:
 *     no clock, no randomness, no item identifier (two copies of a message
 *     in two stores give the same bytes).
 *
 * Damage.  A store that libpff cannot open is an error for the caller.
 * Inside a store, an item libpff cannot read is a TL_OL_ERROR event and
 * the walk goes on with the next item; a part of an item that cannot be
 * read (an attachment) leaves the rest of the item, with a reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <libbfio.h>
#include <libolecf.h>
#include <libpff.h>

#include "parsers/outlook.h"

#define OL_MAX_ITEM_DEFAULT ((size_t)256 << 20)
#define OL_MAX_DEPTH_DEFAULT 8
#define OL_MAX_FOLDER_DEPTH 64
#define OL_MAX_PROP ((size_t)64 << 20)    /* one property value */

/* MAPI property ids (the upper 16 bits of a tag). */
enum {
    PID_MESSAGE_CLASS = 0x001A,
    PID_SUBJECT = 0x0037,
    PID_CONVERSATION_TOPIC = 0x0070,
    PID_CLIENT_SUBMIT_TIME = 0x0039,
    PID_SENT_REPRESENTING_NAME = 0x0042,
    PID_SENT_REPRESENTING_ADDRTYPE = 0x0064,
    PID_SENT_REPRESENTING_EMAIL = 0x0065,
    PID_TRANSPORT_HEADERS = 0x007D,
    PID_RECIPIENT_TYPE = 0x0C15,
    PID_SENDER_NAME = 0x0C1A,
    PID_SENDER_ADDRTYPE = 0x0C1E,
    PID_SENDER_EMAIL = 0x0C1F,
    PID_DELIVERY_TIME = 0x0E06,
    PID_BODY = 0x1000,
    PID_RTF_COMPRESSED = 0x1009,
    PID_HTML = 0x1013,
    PID_INTERNET_MESSAGE_ID = 0x1035,
    PID_REFERENCES = 0x1039,
    PID_IN_REPLY_TO = 0x1042,
    PID_DISPLAY_NAME = 0x3001,
    PID_ADDRTYPE = 0x3002,
    PID_EMAIL_ADDRESS = 0x3003,
    PID_CREATION_TIME = 0x3007,
    PID_ATTACH_DATA = 0x3701,
    PID_ATTACH_FILENAME = 0x3704,
    PID_ATTACH_METHOD = 0x3705,
    PID_ATTACH_LONG_FILENAME = 0x3707,
    PID_ATTACH_MIME_TAG = 0x370E,
    PID_ATTACH_CONTENT_ID = 0x3712,
    PID_SMTP_ADDRESS = 0x39FE,
    PID_INTERNET_CPID = 0x3FDE,
    PID_MESSAGE_CODEPAGE = 0x3FFD,
    PID_SENDER_SMTP = 0x5D01,
    PID_SENT_REPRESENTING_SMTP = 0x5D02,
    PID_PST_PASSWORD = 0x67FF,
};

/* MAPI property types. */
enum {
    TYP_I2 = 0x0002, TYP_LONG = 0x0003, TYP_BOOLEAN = 0x000B, TYP_OBJECT = 0x000D, TYP_I8 = 0x0014,
    TYP_STRING8 = 0x001E, TYP_UNICODE = 0x001F, TYP_SYSTIME = 0x0040, TYP_BINARY = 0x0102,
};

/* ------------------------------------------------------------------ */
/* The intermediate form                                              */
/* ------------------------------------------------------------------ */

typedef struct {
    uint32_t type;          /* 1 To, 2 Cc, 3 Bcc (0: originator, left out) */
    char *name;
    char *addr;             /* SMTP address or NULL */
} ol_recip;

typedef struct ol_msg ol_msg;

typedef struct {
    char *filename;
    char *mime;
    char *cid;
    GBytes *data;           /* the bytes, or NULL */
    ol_msg *embedded;       /* an attached message, or NULL */
} ol_att;

struct ol_msg {
    char *msg_class, *subject, *headers;
    char *from_name, *from_addr, *sender_name, *sender_addr;
    char *message_id, *in_reply_to, *references;
    gint64 submit, delivery, creation;      /* unix seconds; G_MININT64 when absent */
    uint32_t cpid;                          /* PID_INTERNET_CPID of the HTML body, 0 */
    GBytes *plain, *html, *rtf;
    GPtrArray *recips;                      /* of ol_recip* */
    GPtrArray *atts;                        /* of ol_att* */
    GString *notes;                         /* what could not be read, "; "-separated */
};

static void ol_msg_free(ol_msg *m);

static void
ol_recip_free(gpointer p)
{
    ol_recip *r = p;
    g_free(r->name);
    g_free(r->addr);
    g_free(r);
}

static void
ol_att_free(gpointer p)
{
    ol_att *a = p;
    g_free(a->filename);
    g_free(a->mime);
    g_free(a->cid);
    if (a->data)
        g_bytes_unref(a->data);
    if (a->embedded)
        ol_msg_free(a->embedded);
    g_free(a);
}

static ol_msg *
ol_msg_new(void)
{
    ol_msg *m = g_new0(ol_msg, 1);
    m->submit = m->delivery = m->creation = G_MININT64;
    m->recips = g_ptr_array_new_with_free_func(ol_recip_free);
    m->atts = g_ptr_array_new_with_free_func(ol_att_free);
    m->notes = g_string_new(NULL);
    return m;
}

static void
ol_msg_free(ol_msg *m)
{
    if (!m)
        return;
    g_free(m->msg_class), g_free(m->subject), g_free(m->headers);
    g_free(m->from_name), g_free(m->from_addr), g_free(m->sender_name), g_free(m->sender_addr);
    g_free(m->message_id), g_free(m->in_reply_to), g_free(m->references);
    if (m->plain)
        g_bytes_unref(m->plain);
    if (m->html)
        g_bytes_unref(m->html);
    if (m->rtf)
        g_bytes_unref(m->rtf);
    g_ptr_array_free(m->recips, TRUE);
    g_ptr_array_free(m->atts, TRUE);
    g_string_free(m->notes, TRUE);
    g_free(m);
}

static void G_GNUC_PRINTF(2, 3)
ol_note(ol_msg *m, const char *fmt, ...)
{
    va_list ap;
    if (m->notes->len)
        g_string_append(m->notes, "; ");
    va_start(ap, fmt);
    g_string_append_vprintf(m->notes, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------ */
/* The accessor interface                                             */
/* ------------------------------------------------------------------ */

/* A property source: one message, recipient or attachment of one of the
 * three formats.  Strings are returned as valid UTF-8 (g_free them),
 * binaries as GBytes; NULL / FALSE when the property is absent. */
typedef struct ol_src ol_src;
struct ol_src {
    char *(*str)(ol_src *s, uint16_t id);
    GBytes *(*bin)(ol_src *s, uint16_t id);
    gboolean (*u32)(ol_src *s, uint16_t id, uint32_t *v);
    gboolean (*time)(ol_src *s, uint16_t id, gint64 *t);
};

/* FILETIME (100 ns since 1601) to unix seconds. */
static gint64
filetime_unix(uint64_t ft)
{
    return (gint64)(ft / 10000000u) - G_GINT64_CONSTANT(11644473600);
}

/* An SMTP address from a source: the SMTP property, else the e-mail
 * address when its type is SMTP or it looks like one. */
static char *
pick_addr(ol_src *s, uint16_t smtp, uint16_t email, uint16_t type)
{
    char *a = s->str(s, smtp);
    if (a && strchr(a, '@'))
        return a;
    g_free(a);
    char *e = s->str(s, email);
    char *t = s->str(s, type);
    gboolean ok = e && *e && ((t && g_ascii_strcasecmp(t, "SMTP") == 0) || (e[0] != '/' && strchr(e, '@')));
    g_free(t);
    if (ok)
        return e;
    g_free(e);
    return NULL;
}

/* A PST or .msg subject may start with 0x01 and a prefix length. */
static char *
clean_subject(char *s)
{
    if (s && s[0] == '\x01' && s[1]) {
        char *c = g_strdup(s + 2);
        g_free(s);
        return c;
    }
    return s;
}

/* The properties every message has, read the same way from any source. */
static void
fill_envelope(ol_src *s, ol_msg *m)
{
    uint32_t v;
    m->msg_class = s->str(s, PID_MESSAGE_CLASS);
    m->subject = clean_subject(s->str(s, PID_SUBJECT));
    m->headers = s->str(s, PID_TRANSPORT_HEADERS);
    m->from_name = s->str(s, PID_SENT_REPRESENTING_NAME);
    m->from_addr = pick_addr(s, PID_SENT_REPRESENTING_SMTP, PID_SENT_REPRESENTING_EMAIL, PID_SENT_REPRESENTING_ADDRTYPE);
    m->sender_name = s->str(s, PID_SENDER_NAME);
    m->sender_addr = pick_addr(s, PID_SENDER_SMTP, PID_SENDER_EMAIL, PID_SENDER_ADDRTYPE);
    m->message_id = s->str(s, PID_INTERNET_MESSAGE_ID);
    m->in_reply_to = s->str(s, PID_IN_REPLY_TO);
    m->references = s->str(s, PID_REFERENCES);
    if (!s->time(s, PID_CLIENT_SUBMIT_TIME, &m->submit))
        m->submit = G_MININT64;
    if (!s->time(s, PID_DELIVERY_TIME, &m->delivery))
        m->delivery = G_MININT64;
    if (!s->time(s, PID_CREATION_TIME, &m->creation))
        m->creation = G_MININT64;
    if (s->u32(s, PID_INTERNET_CPID, &v))
        m->cpid = v;
}

static void
fill_recip(ol_src *s, ol_msg *m)
{
    ol_recip *r = g_new0(ol_recip, 1);
    if (!s->u32(s, PID_RECIPIENT_TYPE, &r->type))
        r->type = 1;
    r->name = s->str(s, PID_DISPLAY_NAME);
    r->addr = pick_addr(s, PID_SMTP_ADDRESS, PID_EMAIL_ADDRESS, PID_ADDRTYPE);
    g_ptr_array_add(m->recips, r);
}

/* The names of an attachment (the data and the embedded message are read
 * by the format's own code). */
static ol_att *
fill_att_names(ol_src *s)
{
    ol_att *a = g_new0(ol_att, 1);
    a->filename = s->str(s, PID_ATTACH_LONG_FILENAME);
    if (!a->filename || !*a->filename) {
        g_free(a->filename);
        a->filename = s->str(s, PID_ATTACH_FILENAME);
    }
    if (!a->filename || !*a->filename) {
        g_free(a->filename);
        a->filename = s->str(s, PID_DISPLAY_NAME);
    }
    a->mime = s->str(s, PID_ATTACH_MIME_TAG);
    a->cid = s->str(s, PID_ATTACH_CONTENT_ID);
    return a;
}

/* ------------------------------------------------------------------ */
/* Compressed RTF (MS-OXRTFCP)                                         */
/* ------------------------------------------------------------------ */

/* Decompresses PID_RTF_COMPRESSED; NULL when the stream is not valid. */
static GBytes *
lzfu_decompress(const uint8_t *in, size_t len)
{
    static const char prebuf[] =
        "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
        "\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
        "\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
    if (len < 16)
        return NULL;
    uint32_t comp = GUINT32_FROM_LE(*(const uint32_t *)(const void *)in);
    uint32_t raw = GUINT32_FROM_LE(*(const uint32_t *)(const void *)(in + 4));
    uint32_t magic = GUINT32_FROM_LE(*(const uint32_t *)(const void *)(in + 8));
    size_t end = (size_t)comp + 4 < len ? (size_t)comp + 4 : len;
    if (raw > OL_MAX_PROP)
        return NULL;
    if (magic == 0x414C454D) /* "MELA": stored uncompressed */
        return g_bytes_new(in + 16, MIN((size_t)raw, len - 16));
    if (magic != 0x75465A4C) /* "LZFu" */
        return NULL;
    uint8_t dict[4096];
    size_t wp = sizeof prebuf - 1;
    memset(dict, 0, sizeof dict);
    memcpy(dict, prebuf, wp);
    GByteArray *out = g_byte_array_sized_new(raw);
    size_t p = 16;
    while (p < end && out->len < raw) {
        uint8_t ctl = in[p++];
        for (int bit = 0; bit < 8 && p < end && out->len < raw; bit++) {
            if (!(ctl & (1u << bit))) {
                uint8_t c = in[p++];
                g_byte_array_append(out, &c, 1);
                dict[wp] = c;
                wp = (wp + 1) % 4096;
                continue;
            }
            if (p + 2 > end)
                goto done;
            unsigned word = ((unsigned)in[p] << 8) | in[p + 1];
            p += 2;
            size_t off = word >> 4, n = (word & 0xF) + 2;
            if (off == wp)
                goto done;
            for (size_t k = 0; k < n && out->len < raw; k++) {
                uint8_t c = dict[(off + k) % 4096];
                g_byte_array_append(out, &c, 1);
                dict[wp] = c;
                wp = (wp + 1) % 4096;
            }
        }
    }
done:
    return g_byte_array_free_to_bytes(out);
}

/* ------------------------------------------------------------------ */
/* Rendering                                                          */
/* ------------------------------------------------------------------ */

static const char *
cpid_charset(uint32_t cp)
{
    switch (cp) {
    case 65001: return "utf-8";
    case 20127: return "us-ascii";
    case 1200: return "utf-16le";
    case 932: return "shift_jis";
    case 936: return "gb2312";
    case 949: return "ks_c_5601-1987";
    case 950: return "big5";
    case 20866: return "koi8-r";
    case 21866: return "koi8-u";
    case 50220: return "iso-2022-jp";
    case 51932: return "euc-jp";
    case 54936: return "gb18030";
    default: break;
    }
    if (cp >= 1250 && cp <= 1258) {
        static const char *const win[] = { "windows-1250", "windows-1251", "windows-1252", "windows-1253",
                                           "windows-1254", "windows-1255", "windows-1256", "windows-1257",
                                           "windows-1258" };
        return win[cp - 1250];
    }
    if (cp >= 28591 && cp <= 28605) {
        static const char *const iso[] = { "iso-8859-1", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5",
                                           "iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-9", "iso-8859-10",
                                           "iso-8859-11", NULL, "iso-8859-13", "iso-8859-14", "iso-8859-15" };
        return iso[cp - 28591];
    }
    return NULL;
}

/* Appends text as a header value: as is when it is printable ASCII,
 * else as RFC 2047 B encoded-words of at most 45 bytes, cut between UTF-8
 * characters.  Line ends become blanks. */
static void
put_text(GString *o, const char *text)
{
    char *v = g_utf8_make_valid(text, -1);
    gboolean ascii = TRUE;
    for (char *p = v; *p; p++) {
        if (*p == '\r' || *p == '\n' || *p == '\t')
            *p = ' ';
        if ((unsigned char)*p >= 0x7f || (unsigned char)*p < 0x20)
            ascii = FALSE;
    }
    if (ascii && !strstr(v, "=?")) {
        g_string_append(o, v);
        g_free(v);
        return;
    }
    const char *p = v;
    gboolean first = TRUE;
    while (*p) {
        const char *e = p;
        while (*e) {
            const char *n = g_utf8_next_char(e);
            if (n - p > 45)
                break;
            e = n;
        }
        if (e == p)
            e = g_utf8_next_char(p);
        char *b = g_base64_encode((const guchar *)p, (gsize)(e - p));
        g_string_append_printf(o, "%s=?UTF-8?B?%s?=", first ? "" : "\n ", b);
        g_free(b);
        first = FALSE;
        p = e;
    }
    g_free(v);
}

/* Appends one mailbox: "Name" <addr>, the name alone, or the address
 * alone. */
static void
put_mailbox(GString *o, const char *name, const char *addr)
{
    if (name && *name && (!addr || strcmp(name, addr) != 0)) {
        gboolean plain = TRUE;
        for (const char *p = name; *p; p++)
            if ((unsigned char)*p >= 0x7f || (unsigned char)*p < 0x20 || *p == '"' || *p == '\\')
                plain = FALSE;
        if (plain) {
            g_string_append_printf(o, "\"%s\"", name);
        } else {
            /* An encoded-word may not stand in a quoted string. */
            put_text(o, name);
        }
        if (addr)
            g_string_append_printf(o, " <%s>", addr);
    } else if (addr) {
        g_string_append(o, addr);
    } else {
        g_string_append(o, "undisclosed-recipients:;");
    }
}

static void
put_date(GString *o, gint64 t)
{
    static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return;
    g_string_append_printf(o, "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon],
                           tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A message-id value, angle brackets ensured. */
static void
put_msgid_field(GString *o, const char *field, const char *v)
{
    if (!v || !*v)
        return;
    char *s = g_strstrip(g_strdup(v));
    for (char *p = s; *p; p++)
        if (*p == '\r' || *p == '\n')
            *p = ' ';
    if (*s) {
        if (s[0] == '<')
            g_string_append_printf(o, "%s: %s\n", field, s);
        else
            g_string_append_printf(o, "%s: <%s>\n", field, s);
    }
    g_free(s);
}

/* The item's transport headers without their MIME fields (the body is
 * rebuilt here), with LF line ends and no body. */
static void
put_transport_headers(GString *o, const char *h)
{
    gboolean drop = FALSE;
    const char *p = h;
    /* A leading blank line or junk before the first field is skipped. */
    while (*p == '\r' || *p == '\n')
        p++;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        size_t c = (n > 0 && p[n - 1] == '\r') ? n - 1 : n;
        if (c == 0)
            break;                          /* end of the header block */
        if (p[0] == ' ' || p[0] == '\t') {
            if (!drop) {
                g_string_append_len(o, p, (gssize)c);
                g_string_append_c(o, '\n');
            }
        } else {
            const char *colon = memchr(p, ':', c);
            drop = !colon || g_ascii_strncasecmp(p, "content-", 8) == 0 ||
                   g_ascii_strncasecmp(p, "mime-version", 12) == 0;
            if (!drop) {
                g_string_append_len(o, p, (gssize)c);
                g_string_append_c(o, '\n');
            }
        }
        if (!nl)
            break;
        p = nl + 1;
    }
}

/* Appends data as base64, 76 characters a line. */
static void
put_base64(GString *o, const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i += 57) {
        size_t k = MIN((size_t)57, n - i);
        char *b = g_base64_encode(d + i, k);
        g_string_append(o, b);
        g_string_append_c(o, '\n');
        g_free(b);
    }
}

/* A MIME parameter: quoted when plain ASCII, else RFC 2231 UTF-8. */
static void
put_param(GString *o, const char *name, const char *value)
{
    char *v = g_utf8_make_valid(value, -1);
    gboolean plain = TRUE;
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p >= 0x7f || (unsigned char)*p < 0x20 || *p == '"' || *p == '\\')
            plain = FALSE;
    if (plain) {
        g_string_append_printf(o, "; %s=\"%s\"", name, v);
    } else {
        g_string_append_printf(o, "; %s*=UTF-8''", name);
        for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
            if (g_ascii_isalnum(*p) || strchr("!#$&+-.^_`|~", *p))
                g_string_append_c(o, (char)*p);
            else
                g_string_append_printf(o, "%%%02X", *p);
        }
    }
    g_free(v);
}

/* A leaf part: headers and base64 body. */
static GString *
leaf_part(const char *type, const char *charset, const ol_att *a, GBytes *data)
{
    GString *o = g_string_new("Content-Type: ");
    g_string_append(o, type);
    if (charset)
        g_string_append_printf(o, "; charset=\"%s\"", charset);
    if (a && a->filename && *a->filename)
        put_param(o, "name", a->filename);
    g_string_append_c(o, '\n');
    if (a) {
        g_string_append(o, "Content-Disposition: attachment");
        if (a->filename && *a->filename)
            put_param(o, "filename", a->filename);
        g_string_append_c(o, '\n');
        /* A Content-ID is an msg-id: printable ASCII in angle brackets;
         * another value is left out. */
        if (a->cid) {
            char *id = g_strstrip(g_strdup(a->cid));
            size_t n = strlen(id);
            gboolean ok = n > 0;
            for (size_t i = 0; i < n; i++)
                if ((unsigned char)id[i] <= 0x20 || (unsigned char)id[i] >= 0x7f)
                    ok = FALSE;
            if (ok)
                g_string_append_printf(o, id[0] == '<' ? "Content-ID: %s\n" : "Content-ID: <%s>\n", id);
            g_free(id);
        }
    }
    g_string_append(o, "Content-Transfer-Encoding: base64\n\n");
    gsize n = 0;
    const uint8_t *d = data ? g_bytes_get_data(data, &n) : NULL;
    put_base64(o, d, n);
    return o;
}

/* A multipart of parts (each freed); the boundary is the SHA-256 of the
 * parts, so that it is a function of the content. */
static GString *
multipart(const char *subtype, GPtrArray *parts)
{
    GChecksum *h = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(h, (const guchar *)subtype, (gssize)strlen(subtype));
    for (guint i = 0; i < parts->len; i++) {
        GString *p = parts->pdata[i];
        g_checksum_update(h, (const guchar *)p->str, (gssize)p->len);
    }
    char b[64];
    g_snprintf(b, sizeof b, "=_tl_%.40s", g_checksum_get_string(h));
    g_checksum_free(h);
    GString *o = g_string_new(NULL);
    g_string_append_printf(o, "Content-Type: multipart/%s; boundary=\"%s\"\n\n", subtype, b);
    for (guint i = 0; i < parts->len; i++) {
        GString *p = parts->pdata[i];
        g_string_append_printf(o, "--%s\n", b);
        g_string_append_len(o, p->str, (gssize)p->len);
        if (p->len == 0 || p->str[p->len - 1] != '\n')
            g_string_append_c(o, '\n');
        g_string_free(p, TRUE);
    }
    g_string_append_printf(o, "--%s--\n", b);
    g_ptr_array_free(parts, TRUE);
    return o;
}

/* A MIME type from PID_ATTACH_MIME_TAG when it is type/subtype. */
static const char *
att_type(const ol_att *a)
{
    static const char ok[] = "!#$%&'*+-.^_`|~";
    if (!a->mime)
        return "application/octet-stream";
    const char *slash = strchr(a->mime, '/');
    if (!slash || slash == a->mime || !slash[1])
        return "application/octet-stream";
    for (const char *p = a->mime; *p; p++)
        if (p != slash && !g_ascii_isalnum(*p) && !strchr(ok, *p))
            return "application/octet-stream";
    return a->mime;
}

static GBytes *
trim_nul(GBytes *b)
{
    gsize n = 0;
    const uint8_t *d = g_bytes_get_data(b, &n);
    gsize k = n;
    while (k > 0 && d[k - 1] == 0)
        k--;
    if (k == n)
        return b;
    GBytes *t = g_bytes_new_from_bytes(b, 0, k);
    g_bytes_unref(b);
    return t;
}

static void render(const ol_msg *m, GString *o, unsigned depth);

/* The body of m: a text part, an alternative, the RTF, or an empty text. */
static GString *
body_part(const ol_msg *m)
{
    GString *plain = NULL, *html = NULL;
    if (m->plain && g_bytes_get_size(m->plain) > 0)
        plain = leaf_part("text/plain", "utf-8", NULL, m->plain);
    if (m->html && g_bytes_get_size(m->html) > 0)
        html = leaf_part("text/html", cpid_charset(m->cpid), NULL, m->html);
    if (plain && html) {
        GPtrArray *parts = g_ptr_array_new();
        g_ptr_array_add(parts, plain);
        g_ptr_array_add(parts, html);
        return multipart("alternative", parts);
    }
    if (plain)
        return plain;
    if (html)
        return html;
    if (m->rtf && g_bytes_get_size(m->rtf) > 0)
        return leaf_part("text/rtf", NULL, NULL, m->rtf);
    return leaf_part("text/plain", "utf-8", NULL, NULL);
}

static GString *
att_part(const ol_att *a, unsigned depth)
{
    if (a->embedded) {
        GString *o = g_string_new("Content-Type: message/rfc822\nContent-Disposition: attachment");
        if (a->filename && *a->filename)
            put_param(o, "filename", a->filename);
        g_string_append(o, "\n\n");
        render(a->embedded, o, depth + 1);
        return o;
    }
    return leaf_part(att_type(a), NULL, a, a->data);
}

/* Whether a header block has a field of this name. */
static gboolean
has_field(const char *block, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t p = 0; p < len;) {
        const char *line = block + p;
        const char *nl = memchr(line, '\n', len - p);
        size_t l = nl ? (size_t)(nl - line) : len - p;
        if (l > n && line[n] == ':' && g_ascii_strncasecmp(line, name, n) == 0)
            return TRUE;
        p += l + 1;
    }
    return FALSE;
}

/* The header fields built from the properties, each only when the block
 * written so far (the transport headers, from `start` in o) lacks it: a
 * store may keep partial transport headers.  Bcc comes from the recipient
 * table only when there are no transport headers (a sent item's copy). */
static void
put_built_headers(const ol_msg *m, GString *o, size_t start)
{
    gboolean transport = o->len > start;
#define LACKS(f) (!has_field(o->str + start, o->len - start, (f)))
    const char *fn = m->from_name ? m->from_name : m->sender_name;
    const char *fa = m->from_addr ? m->from_addr : m->sender_addr;
    gint64 t = m->submit != G_MININT64 ? m->submit : m->delivery != G_MININT64 ? m->delivery : m->creation;
    if (t != G_MININT64 && LACKS("Date")) {
        g_string_append(o, "Date: ");
        put_date(o, t);
        g_string_append_c(o, '\n');
    }
    if ((fn || fa) && LACKS("From")) {
        g_string_append(o, "From: ");
        put_mailbox(o, fn, fa);
        g_string_append_c(o, '\n');
    }
    if ((m->sender_addr || m->sender_name) && (m->from_addr || m->from_name) &&
        g_strcmp0(m->sender_addr, m->from_addr) != 0 && LACKS("Sender")) {
        g_string_append(o, "Sender: ");
        put_mailbox(o, m->sender_name, m->sender_addr);
        g_string_append_c(o, '\n');
    }
    static const char *const fields[] = { NULL, "To", "Cc", "Bcc" };
    for (uint32_t type = 1; type <= 3; type++) {
        gboolean any = FALSE;
        if ((type == 3 && transport) || !LACKS(fields[type]))
            continue;
        for (guint i = 0; i < m->recips->len; i++) {
            const ol_recip *r = m->recips->pdata[i];
            if (r->type != type)
                continue;
            g_string_append(o, any ? ",\n " : fields[type]);
            if (!any)
                g_string_append(o, ": ");
            put_mailbox(o, r->name, r->addr);
            any = TRUE;
        }
        if (any)
            g_string_append_c(o, '\n');
    }
    if (m->subject && LACKS("Subject")) {
        g_string_append(o, "Subject: ");
        put_text(o, m->subject);
        g_string_append_c(o, '\n');
    }
    if (LACKS("Message-ID"))
        put_msgid_field(o, "Message-ID", m->message_id);
    if (LACKS("In-Reply-To"))
        put_msgid_field(o, "In-Reply-To", m->in_reply_to);
    if (m->references && *m->references && LACKS("References")) {
        g_string_append(o, "References: ");
        put_text(o, m->references);
        g_string_append_c(o, '\n');
    }
#undef LACKS
}

/* Appends the RFC 5322 bytes of m to o. */
static void
render(const ol_msg *m, GString *o, unsigned depth)
{
    size_t start = o->len;
    if (m->headers && *m->headers)
        put_transport_headers(o, m->headers);
    put_built_headers(m, o, start);
    g_string_append(o, "MIME-Version: 1.0\n");
    GString *body = body_part(m);
    if (m->atts->len > 0) {
        GPtrArray *parts = g_ptr_array_new();
        g_ptr_array_add(parts, body);
        for (guint i = 0; i < m->atts->len; i++)
            g_ptr_array_add(parts, att_part(m->atts->pdata[i], depth));
        body = multipart("mixed", parts);
    }
    g_string_append_len(o, body->str, (gssize)body->len);
    g_string_free(body, TRUE);
}

/* ------------------------------------------------------------------ */
/* Delivering events                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
    tl_ol_cb cb;
    void *user;
    tl_ol_info *info;
    size_t max_item;
    unsigned max_depth;
    unsigned flags;
    int stop;
} ol_ctx;

static void
ctx_init(ol_ctx *c, const tl_ol_opts *o, tl_ol_cb cb, void *user, tl_ol_info *info, const char *format)
{
    memset(c, 0, sizeof *c);
    memset(info, 0, sizeof *info);
    g_strlcpy(info->format, format, sizeof info->format);
    c->cb = cb;
    c->user = user;
    c->info = info;
    c->max_item = o && o->max_item ? o->max_item : OL_MAX_ITEM_DEFAULT;
    c->max_depth = o && o->max_depth ? o->max_depth : OL_MAX_DEPTH_DEFAULT;
    c->flags = o ? o->flags : 0;
}

static void
deliver(ol_ctx *c, tl_ol_item *it)
{
    if (c->stop)
        return;
    it->info = c->info;
    switch (it->event) {
    case TL_OL_FOLDER: c->info->folders++; break;
    case TL_OL_MESSAGE:
        c->info->messages++;
        if (it->recovered)
            c->info->recovered++;
        break;
    case TL_OL_ERROR:
        c->info->errors++;
        if (!it->recovered || it->item_id == 0)
            c->info->damaged++;
        break;
    case TL_OL_LAST: break;
    }
    if (c->cb(it, c->user) != 0) {
        c->stop = 1;
        c->info->stopped = 1;
    }
}

/* Renders m and delivers it (or an error when it is over the limit). */
static void
deliver_msg(ol_ctx *c, const ol_msg *m, const char *folder, uint64_t id, unsigned index, int recovered)
{
    GString *o = g_string_new(NULL);
    render(m, o, 0);
    tl_ol_item it = { .folder = folder, .item_id = id, .index = index, .recovered = recovered,
                      .msg_class = m->msg_class };
    char *why = NULL;
    if (o->len > c->max_item) {
        why = g_strdup_printf("item of %zu bytes is over the limit of %zu bytes", o->len, c->max_item);
        it.event = TL_OL_ERROR;
        it.reason = why;
    } else {
        it.event = TL_OL_MESSAGE;
        it.data = (const uint8_t *)o->str;
        it.len = o->len;
        it.reason = m->notes->len ? m->notes->str : NULL;
    }
    deliver(c, &it);
    g_free(why);
    g_string_free(o, TRUE);
}

static void
deliver_error(ol_ctx *c, const char *folder, uint64_t id, unsigned index, int recovered, const char *why)
{
    tl_ol_item it = { .event = TL_OL_ERROR, .folder = folder, .item_id = id, .index = index,
                      .recovered = recovered, .reason = why };
    deliver(c, &it);
}

/* ------------------------------------------------------------------ */
/* A bounded memory handle for libpff and libolecf                     */
/* ------------------------------------------------------------------ */

/* libbfio's own memory range (20170123) copies as many bytes as asked,
 * past the end of a buffer shorter than the read (ASan: a .msg of 52
 * bytes, a store cut short): this handle clamps every read to the
 * buffer.  libbfio calls these through its custom-handle interface. */
typedef struct {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    int open;
} mem_io;

static int
mem_io_free(intptr_t **h, libbfio_error_t **e)
{
    (void)e;
    g_free(*h);
    *h = NULL;
    return 1;
}

static int
mem_io_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **e)
{
    (void)e;
    if (!src) {
        *dst = NULL;
        return 1;
    }
    mem_io *c = g_memdup2(src, sizeof(mem_io));
    c->pos = 0;
    c->open = 0;
    *dst = (intptr_t *)c;
    return 1;
}

static int
mem_io_open(intptr_t *h, int flags, libbfio_error_t **e)
{
    mem_io *m = (mem_io *)h;
    (void)e;
    if (flags & LIBBFIO_ACCESS_FLAG_WRITE)
        return -1;
    m->open = 1;
    m->pos = 0;
    return 1;
}

static int
mem_io_close(intptr_t *h, libbfio_error_t **e)
{
    (void)e;
    ((mem_io *)h)->open = 0;
    return 0;
}

static ssize_t
mem_io_read(intptr_t *h, uint8_t *buf, size_t size, libbfio_error_t **e)
{
    mem_io *m = (mem_io *)h;
    (void)e;
    if (!m->open || size > (size_t)SSIZE_MAX)
        return -1;
    size_t n = m->pos < m->len ? MIN(size, m->len - m->pos) : 0;
    if (n)
        memcpy(buf, m->buf + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static ssize_t
mem_io_write(intptr_t *h, const uint8_t *buf, size_t size, libbfio_error_t **e)
{
    (void)h, (void)buf, (void)size, (void)e;
    return -1;
}

static off64_t
mem_io_seek(intptr_t *h, off64_t off, int whence, libbfio_error_t **e)
{
    mem_io *m = (mem_io *)h;
    (void)e;
    off64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off64_t)m->pos : (off64_t)m->len;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
        return -1;
    if (off < -base || off > G_MAXINT64 - base)
        return -1;
    m->pos = (size_t)(base + off);
    return base + off;
}

static int
mem_io_exists(intptr_t *h, libbfio_error_t **e)
{
    (void)h, (void)e;
    return 1;
}

static int
mem_io_is_open(intptr_t *h, libbfio_error_t **e)
{
    (void)e;
    return ((mem_io *)h)->open;
}

static int
mem_io_size(intptr_t *h, size64_t *size, libbfio_error_t **e)
{
    (void)e;
    *size = ((mem_io *)h)->len;
    return 1;
}

/* A libbfio handle over buf (which must outlive it), or NULL. */
static libbfio_handle_t *
mem_handle(const uint8_t *buf, size_t len)
{
    libbfio_handle_t *h = NULL;
    libbfio_error_t *e = NULL;
    mem_io *m = g_new0(mem_io, 1);
    m->buf = buf;
    m->len = len;
    if (libbfio_handle_initialize(&h, (intptr_t *)m, mem_io_free, mem_io_clone, mem_io_open, mem_io_close,
                                  mem_io_read, mem_io_write, mem_io_seek, mem_io_exists, mem_io_is_open,
                                  mem_io_size, LIBBFIO_FLAG_IO_HANDLE_MANAGED | LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION,
                                  &e) != 1) {
        libbfio_error_free(&e);
        g_free(m);
        return NULL;
    }
    return h;
}

/* ------------------------------------------------------------------ */
/* PST and OST (libpff)                                                */
/* ------------------------------------------------------------------ */

/* One line from a libpff error (freed). */
static char *
pff_why(libpff_error_t **e, const char *what)
{
    char buf[512] = "";
    if (*e) {
        libpff_error_sprint(*e, buf, sizeof buf);
        libpff_error_free(e);
    }
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    g_strstrip(buf);
    return g_strdup_printf("%s%s%s", what, *buf ? ": " : "", buf);
}

typedef struct {
    ol_src base;
    libpff_record_set_t *rs;    /* NULL: the item has no such set */
} pff_src;

/* The record entry of a property (any value type), or NULL. */
static libpff_record_entry_t *
pff_entry(ol_src *s, uint16_t id)
{
    pff_src *p = (pff_src *)s;
    libpff_record_entry_t *re = NULL;
    libpff_error_t *e = NULL;
    if (!p->rs)
        return NULL;
    if (libpff_record_set_get_entry_by_type(p->rs, id, 0, &re, LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE, &e) != 1) {
        libpff_error_free(&e);
        return NULL;
    }
    return re;
}

static char *
pff_str(ol_src *s, uint16_t id)
{
    libpff_record_entry_t *re = pff_entry(s, id);
    libpff_error_t *e = NULL;
    size_t n = 0;
    uint32_t vt = 0;
    char *v = NULL;
    if (!re)
        return NULL;
    if (libpff_record_entry_get_value_type(re, &vt, &e) != 1 || (vt != TYP_STRING8 && vt != TYP_UNICODE) ||
        libpff_record_entry_get_data_as_utf8_string_size(re, &n, &e) != 1 || n == 0 || n > OL_MAX_PROP)
        goto out;
    v = g_malloc(n + 1);
    if (libpff_record_entry_get_data_as_utf8_string(re, (uint8_t *)v, n, &e) != 1) {
        g_free(v);
        v = NULL;
        goto out;
    }
    v[n] = 0;
    if (!g_utf8_validate(v, -1, NULL)) {
        char *u = g_utf8_make_valid(v, -1);
        g_free(v);
        v = u;
    }
out:
    libpff_error_free(&e);
    libpff_record_entry_free(&re, NULL);
    return v;
}

static GBytes *
pff_bin(ol_src *s, uint16_t id)
{
    libpff_record_entry_t *re = pff_entry(s, id);
    libpff_error_t *e = NULL;
    size_t n = 0;
    GBytes *b = NULL;
    if (!re)
        return NULL;
    if (libpff_record_entry_get_data_size(re, &n, &e) == 1 && n <= OL_MAX_PROP) {
        uint8_t *v = g_malloc(n ? n : 1);
        if (n == 0 || libpff_record_entry_get_data(re, v, n, &e) == 1)
            b = g_bytes_new_take(v, n);
        else
            g_free(v);
    }
    libpff_error_free(&e);
    libpff_record_entry_free(&re, NULL);
    return b;
}

static gboolean
pff_u32(ol_src *s, uint16_t id, uint32_t *v)
{
    libpff_record_entry_t *re = pff_entry(s, id);
    libpff_error_t *e = NULL;
    uint32_t vt = 0;
    gboolean ok = FALSE;
    if (!re)
        return FALSE;
    if (libpff_record_entry_get_value_type(re, &vt, &e) == 1 && vt == TYP_LONG)
        ok = libpff_record_entry_get_data_as_32bit_integer(re, v, &e) == 1;
    libpff_error_free(&e);
    libpff_record_entry_free(&re, NULL);
    return ok;
}

static gboolean
pff_time(ol_src *s, uint16_t id, gint64 *t)
{
    libpff_record_entry_t *re = pff_entry(s, id);
    libpff_error_t *e = NULL;
    uint32_t vt = 0;
    uint64_t ft = 0;
    gboolean ok = FALSE;
    if (!re)
        return FALSE;
    if (libpff_record_entry_get_value_type(re, &vt, &e) == 1 && vt == TYP_SYSTIME &&
        libpff_record_entry_get_data_as_filetime(re, &ft, &e) == 1 && ft != 0) {
        *t = filetime_unix(ft);
        ok = TRUE;
    }
    libpff_error_free(&e);
    libpff_record_entry_free(&re, NULL);
    return ok;
}

/* A source over record set `set` of item (freed by pff_src_done). */
static void
pff_src_init(pff_src *p, libpff_item_t *item, int set)
{
    libpff_error_t *e = NULL;
    p->base.str = pff_str;
    p->base.bin = pff_bin;
    p->base.u32 = pff_u32;
    p->base.time = pff_time;
    p->rs = NULL;
    if (libpff_item_get_record_set_by_index(item, set, &p->rs, &e) != 1) {
        libpff_error_free(&e);
        p->rs = NULL;
    }
}

static void
pff_src_done(pff_src *p)
{
    if (p->rs)
        libpff_record_set_free(&p->rs, NULL);
}

typedef int (*pff_size_fn)(libpff_item_t *, size_t *, libpff_error_t **);
typedef int (*pff_get_fn)(libpff_item_t *, uint8_t *, size_t, libpff_error_t **);

/* A body through libpff's own accessors (which decode the codepage and
 * decompress the RTF). */
static GBytes *
pff_body(libpff_item_t *item, pff_size_fn size, pff_get_fn get, ol_msg *m, const char *what)
{
    libpff_error_t *e = NULL;
    size_t n = 0;
    int r = size(item, &n, &e);
    if (r == 0 || (r == 1 && n == 0))
        return NULL;
    if (r != 1 || n > OL_MAX_PROP) {
        char *why = r != 1 ? pff_why(&e, what) : g_strdup_printf("%s: %zu bytes, over the limit", what, n);
        ol_note(m, "%s", why);
        g_free(why);
        return NULL;
    }
    uint8_t *v = g_malloc(n);
    if (get(item, v, n, &e) != 1) {
        char *why = pff_why(&e, what);
        ol_note(m, "%s", why);
        g_free(why);
        g_free(v);
        return NULL;
    }
    return trim_nul(g_bytes_new_take(v, n));
}

static ol_msg *pff_read_msg(ol_ctx *c, libpff_item_t *item, unsigned depth, char **why);

/* Reads attachment a of m: its data or its embedded message. */
static void
pff_read_att(ol_ctx *c, libpff_item_t *att, ol_msg *m, unsigned depth, int index)
{
    pff_src s;
    libpff_error_t *e = NULL;
    int type = 0;
    pff_src_init(&s, att, 0);
    ol_att *a = fill_att_names(&s.base);
    pff_src_done(&s);
    g_ptr_array_add(m->atts, a);
    if (libpff_attachment_get_type(att, &type, &e) != 1) {
        char *w = pff_why(&e, "attachment type");
        ol_note(m, "attachment %d: %s", index, w);
        g_free(w);
        return;
    }
    if (type == LIBPFF_ATTACHMENT_TYPE_ITEM) {
        libpff_item_t *sub = NULL;
        char *w = NULL;
        if (depth + 1 >= c->max_depth) {
            ol_note(m, "attachment %d: embedded message nested deeper than %u", index, c->max_depth);
            return;
        }
        if (libpff_attachment_get_item(att, &sub, &e) != 1) {
            w = pff_why(&e, "embedded message");
        } else {
            a->embedded = pff_read_msg(c, sub, depth + 1, &w);
            libpff_item_free(&sub, NULL);
        }
        if (w) {
            ol_note(m, "attachment %d: %s", index, w);
            g_free(w);
        }
        return;
    }
    if (type != LIBPFF_ATTACHMENT_TYPE_DATA) {
        ol_note(m, "attachment %d: a reference to a file outside the store", index);
        return;
    }
    size64_t size = 0;
    if (libpff_attachment_get_data_size(att, &size, &e) != 1) {
        char *w = pff_why(&e, "attachment size");
        ol_note(m, "attachment %d: %s", index, w);
        g_free(w);
        return;
    }
    if (size > c->max_item) {
        ol_note(m, "attachment %d: %" G_GUINT64_FORMAT " bytes, over the limit", index, (guint64)size);
        return;
    }
    uint8_t *buf = g_malloc(size ? (size_t)size : 1);
    size_t got = 0;
    if (size > 0 && libpff_attachment_data_seek_offset(att, 0, SEEK_SET, &e) < 0) {
        libpff_error_free(&e);
    }
    while (got < size) {
        ssize_t r = libpff_attachment_data_read_buffer(att, buf + got, (size_t)size - got, &e);
        if (r <= 0) {
            char *w = pff_why(&e, "attachment data");
            ol_note(m, "attachment %d: %s (read %zu of %" G_GUINT64_FORMAT " bytes)", index, w, got,
                    (guint64)size);
            g_free(w);
            break;
        }
        got += (size_t)r;
    }
    a->data = g_bytes_new_take(buf, got);
}

/* Reads one message item (and its embedded messages) into an ol_msg;
 * NULL with *why when nothing of it can be read. */
static ol_msg *
pff_read_msg(ol_ctx *c, libpff_item_t *item, unsigned depth, char **why)
{
    libpff_error_t *e = NULL;
    pff_src s;
    int n = 0;
    uint32_t entries = 0;
    if (libpff_item_get_number_of_entries(item, &entries, &e) != 1) {
        *why = pff_why(&e, "item properties");
        return NULL;
    }
    ol_msg *m = ol_msg_new();
    pff_src_init(&s, item, 0);
    fill_envelope(&s.base, m);
    pff_src_done(&s);
    m->plain = pff_body(item, libpff_message_get_plain_text_body_size, libpff_message_get_plain_text_body, m,
                        "plain text body");
    m->html = pff_body(item, libpff_message_get_html_body_size, libpff_message_get_html_body, m, "HTML body");
    m->rtf = pff_body(item, libpff_message_get_rtf_body_size, libpff_message_get_rtf_body, m, "RTF body");

    libpff_item_t *recips = NULL;
    int r = libpff_message_get_recipients(item, &recips, &e);
    if (r == 1) {
        if (libpff_item_get_number_of_record_sets(recips, &n, &e) == 1) {
            for (int i = 0; i < n; i++) {
                pff_src rs;
                pff_src_init(&rs, recips, i);
                fill_recip(&rs.base, m);
                pff_src_done(&rs);
            }
        } else {
            char *w = pff_why(&e, "recipient table");
            ol_note(m, "%s", w);
            g_free(w);
        }
        libpff_item_free(&recips, NULL);
    } else if (r < 0) {
        char *w = pff_why(&e, "recipient table");
        ol_note(m, "%s", w);
        g_free(w);
    }

    n = 0;
    if (libpff_message_get_number_of_attachments(item, &n, &e) != 1) {
        libpff_error_free(&e);
        n = 0;
    }
    for (int i = 0; i < n; i++) {
        libpff_item_t *att = NULL;
        if (libpff_message_get_attachment(item, i, &att, &e) != 1) {
            char *w = pff_why(&e, "attachment");
            ol_note(m, "attachment %d: %s", i, w);
            g_free(w);
            continue;
        }
        pff_read_att(c, att, m, depth, i);
        libpff_item_free(&att, NULL);
    }
    return m;
}

/* Delivers one item of a folder (or of the recovered/orphan lists). */
static void
pff_item(ol_ctx *c, libpff_item_t *item, const char *folder, unsigned index, int recovered)
{
    libpff_error_t *e = NULL;
    uint32_t id = 0;
    uint8_t type = 0;
    if (libpff_item_get_identifier(item, &id, &e) != 1)
        libpff_error_free(&e);
    if (libpff_item_get_type(item, &type, &e) != 1) {
        libpff_error_free(&e);
        type = LIBPFF_ITEM_TYPE_UNDEFINED;
    }
    /* Folders and tables in the recovered lists are not messages. */
    if (type == LIBPFF_ITEM_TYPE_FOLDER || type == LIBPFF_ITEM_TYPE_ATTACHMENT ||
        type == LIBPFF_ITEM_TYPE_ATTACHMENTS || type == LIBPFF_ITEM_TYPE_RECIPIENTS)
        return;
    char *why = NULL;
    ol_msg *m = pff_read_msg(c, item, 0, &why);
    /* libpff's recovery scan also finds internal tables and other
     * non-message nodes whose values are gone: a recovered entry that
     * cannot be read is reported only when its node identifier says it
     * was a message (NID type 0x04 normal, 0x08 associated). */
    if (!m && recovered && (id & 0x1F) != 0x04 && (id & 0x1F) != 0x08) {
        c->info->remnants++;
        g_free(why);
        return;
    }
    if (!m) {
        deliver_error(c, folder, id, index, recovered, why);
        g_free(why);
        return;
    }
    deliver_msg(c, m, folder, id, index, recovered);
    ol_msg_free(m);
}

/* A folder name as a path element: '%' and '/' escaped. */
static void
put_path_name(GString *o, const char *name)
{
    g_string_append_c(o, '/');
    for (const char *p = name; *p; p++) {
        if (*p == '/')
            g_string_append(o, "%2F");
        else if (*p == '%')
            g_string_append(o, "%25");
        else
            g_string_append_c(o, *p);
    }
}

static void
pff_folder(ol_ctx *c, libpff_item_t *folder, const char *path, unsigned depth)
{
    libpff_error_t *e = NULL;
    uint32_t id = 0;
    int n = 0;
    if (c->stop)
        return;
    if (libpff_item_get_identifier(folder, &id, &e) != 1)
        libpff_error_free(&e);
    if (libpff_folder_get_number_of_sub_messages(folder, &n, &e) != 1) {
        char *why = pff_why(&e, "folder's message list");
        deliver_error(c, path, id, 0, 0, why);
        g_free(why);
        n = 0;
    }
    tl_ol_item f = { .event = TL_OL_FOLDER, .folder = path, .item_id = id, .count = (unsigned)n };
    deliver(c, &f);
    for (int i = 0; i < n && !c->stop; i++) {
        libpff_item_t *item = NULL;
        if (libpff_folder_get_sub_message(folder, i, &item, &e) != 1) {
            char *why = pff_why(&e, "message");
            deliver_error(c, path, 0, (unsigned)i, 0, why);
            g_free(why);
            continue;
        }
        pff_item(c, item, path, (unsigned)i, 0);
        libpff_item_free(&item, NULL);
    }
    int nf = 0;
    if (libpff_folder_get_number_of_sub_folders(folder, &nf, &e) != 1) {
        char *why = pff_why(&e, "folder's sub-folder list");
        deliver_error(c, path, id, 0, 0, why);
        g_free(why);
        return;
    }
    if (nf > 0 && depth >= OL_MAX_FOLDER_DEPTH) {
        deliver_error(c, path, id, 0, 0, "folders nested deeper than 64");
        return;
    }
    for (int i = 0; i < nf && !c->stop; i++) {
        libpff_item_t *sub = NULL;
        if (libpff_folder_get_sub_folder(folder, i, &sub, &e) != 1) {
            char *why = pff_why(&e, "sub-folder");
            deliver_error(c, path, 0, (unsigned)i, 0, why);
            g_free(why);
            continue;
        }
        GString *p = g_string_new(path);
        size_t nn = 0;
        char *name = NULL;
        if (libpff_folder_get_utf8_name_size(sub, &nn, &e) == 1 && nn > 0 && nn < 4096) {
            name = g_malloc(nn + 1);
            if (libpff_folder_get_utf8_name(sub, (uint8_t *)name, nn, &e) != 1) {
                libpff_error_free(&e);
                g_free(name);
                name = NULL;
            } else {
                name[nn] = 0;
            }
        } else {
            libpff_error_free(&e);
        }
        if (!name) {
            uint32_t sid = 0;
            if (libpff_item_get_identifier(sub, &sid, &e) != 1)
                libpff_error_free(&e);
            name = g_strdup_printf("(folder %u)", sid);
        }
        char *valid = g_utf8_make_valid(name, -1);
        put_path_name(p, valid);
        g_free(valid);
        g_free(name);
        pff_folder(c, sub, p->str, depth + 1);
        g_string_free(p, TRUE);
        libpff_item_free(&sub, NULL);
    }
}

/* Reads an open store. */
static void
pff_walk(ol_ctx *c, libpff_file_t *file)
{
    libpff_error_t *e = NULL;
    uint8_t t = 0;
    if (libpff_file_get_content_type(file, &t, &e) == 1 && t == LIBPFF_FILE_CONTENT_TYPE_OST)
        g_strlcpy(c->info->format, "ost", sizeof c->info->format);
    libpff_error_free(&e);
    if (libpff_file_get_type(file, &t, &e) == 1)
        c->info->wide = t != LIBPFF_FILE_TYPE_32BIT;
    libpff_error_free(&e);
    libpff_item_t *store = NULL;
    if (libpff_file_get_message_store(file, &store, &e) == 1 && store) {
        uint32_t sum = 0;
        pff_src ss;
        pff_src_init(&ss, store, 0);
        if (ss.base.u32(&ss.base, PID_PST_PASSWORD, &sum) && sum != 0) {
            c->info->password_flag = 1;
            c->info->password_checksum = sum;
        }
        pff_src_done(&ss);
        libpff_item_free(&store, NULL);
    }
    libpff_error_free(&e);
    c->info->corrupted = libpff_file_is_corrupted(file, &e) == 1;
    libpff_error_free(&e);

    libpff_item_t *root = NULL;
    int r = libpff_file_get_root_folder(file, &root, &e);
    if (r == 1 && root) {
        pff_folder(c, root, "", 0);
        libpff_item_free(&root, NULL);
    } else {
        char *why = r == 0 ? g_strdup("the store has no root folder") : pff_why(&e, "root folder");
        deliver_error(c, "", 0, 0, 0, why);
        g_free(why);
    }
    libpff_error_free(&e);

    int n = 0;
    if (!(c->flags & TL_OL_NO_RECOVERY) && !c->stop) {
        if (libpff_file_recover_items(file, 0, &e) == 1 &&
            libpff_file_get_number_of_recovered_items(file, &n, &e) == 1) {
            for (int i = 0; i < n && !c->stop; i++) {
                libpff_item_t *item = NULL;
                if (libpff_file_get_recovered_item_by_index(file, i, &item, &e) != 1) {
                    char *why = pff_why(&e, "recovered item");
                    deliver_error(c, "/(recovered)", 0, (unsigned)i, 1, why);
                    g_free(why);
                    continue;
                }
                pff_item(c, item, "/(recovered)", (unsigned)i, 1);
                libpff_item_free(&item, NULL);
            }
        } else {
            char *why = pff_why(&e, "recovery of deleted items");
            deliver_error(c, "/(recovered)", 0, 0, 1, why);
            g_free(why);
        }
    }
    n = 0;
    if (!c->stop && libpff_file_get_number_of_orphan_items(file, &n, &e) == 1) {
        for (int i = 0; i < n && !c->stop; i++) {
            libpff_item_t *item = NULL;
            if (libpff_file_get_orphan_item_by_index(file, i, &item, &e) != 1) {
                char *why = pff_why(&e, "orphan item");
                deliver_error(c, "/(orphan)", 0, (unsigned)i, 1, why);
                g_free(why);
                continue;
            }
            pff_item(c, item, "/(orphan)", (unsigned)i, 1);
            libpff_item_free(&item, NULL);
        }
    }
    libpff_error_free(&e);
}

gboolean
tl_outlook_pst_mem(const uint8_t *buf, size_t len, const tl_ol_opts *opts, tl_ol_cb cb, void *user,
                   tl_ol_info *info, char **why)
{
    ol_ctx c;
    libpff_file_t *file = NULL;
    libpff_error_t *e = NULL;
    ctx_init(&c, opts, cb, user, info, "pst");
    libbfio_handle_t *h = mem_handle(buf, len);
    if (!h) {
        *why = g_strdup("libbfio: cannot make a memory handle");
        return FALSE;
    }
    if (libpff_file_initialize(&file, &e) != 1) {
        *why = pff_why(&e, "libpff");
        libbfio_handle_free(&h, NULL);
        return FALSE;
    }
    if (libpff_file_open_file_io_handle(file, h, LIBPFF_OPEN_READ, &e) != 1) {
        *why = pff_why(&e, "not a readable PST/OST store");
        libpff_file_free(&file, NULL);
        libbfio_handle_free(&h, NULL);
        return FALSE;
    }
    pff_walk(&c, file);
    libpff_file_close(file, NULL);
    libpff_file_free(&file, NULL);
    libbfio_handle_free(&h, NULL);
    return TRUE;
}

gboolean
tl_outlook_pst_fd(int fd, const tl_ol_opts *opts, tl_ol_cb cb, void *user, tl_ol_info *info, char **why)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *why = g_strdup_printf("stat: %s", g_strerror(errno));
        return FALSE;
    }
    if (st.st_size == 0) {
        memset(info, 0, sizeof *info);
        *why = g_strdup("empty file");
        return FALSE;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        *why = g_strdup_printf("mmap: %s", g_strerror(errno));
        return FALSE;
    }
    gboolean ok = tl_outlook_pst_mem(map, (size_t)st.st_size, opts, cb, user, info, why);
    munmap(map, (size_t)st.st_size);
    return ok;
}

gboolean
tl_outlook_pst_path(const char *path, const tl_ol_opts *opts, tl_ol_cb cb, void *user, tl_ol_info *info,
                    char **why)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        memset(info, 0, sizeof *info);
        *why = g_strdup_printf("%s: %s", path, g_strerror(errno));
        return FALSE;
    }
    gboolean ok = tl_outlook_pst_fd(fd, opts, cb, user, info, why);
    close(fd);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Property bags (.msg and TNEF)                                       */
/* ------------------------------------------------------------------ */

/* A property read from a .msg stream or a TNEF attribute. */
typedef struct {
    uint16_t type;
    GBytes *v;
} bagval;

typedef struct {
    ol_src base;
    GHashTable *props;      /* id -> bagval* */
    uint32_t codepage;      /* of 8-bit strings (PR_MESSAGE_CODEPAGE), 0: windows-1252 */
} bag_src;

static void
bagval_free(gpointer p)
{
    bagval *b = p;
    g_bytes_unref(b->v);
    g_free(b);
}

/* Keeps the first value of a property id (a .msg has each once). */
static void
bag_put(bag_src *b, uint16_t id, uint16_t type, GBytes *v)
{
    if (g_hash_table_contains(b->props, GUINT_TO_POINTER(id))) {
        g_bytes_unref(v);
        return;
    }
    bagval *x = g_new(bagval, 1);
    x->type = type;
    x->v = v;
    g_hash_table_insert(b->props, GUINT_TO_POINTER(id), x);
}

static bagval *
bag_get(ol_src *s, uint16_t id)
{
    return g_hash_table_lookup(((bag_src *)s)->props, GUINT_TO_POINTER(id));
}

static char *
bag_str(ol_src *s, uint16_t id)
{
    bagval *x = bag_get(s, id);
    gsize n = 0;
    if (!x)
        return NULL;
    const char *d = g_bytes_get_data(x->v, &n);
    if (x->type == TYP_UNICODE) {
        n &= ~(gsize)1;
        while (n >= 2 && d[n - 1] == 0 && d[n - 2] == 0)
            n -= 2;
        char *u = g_convert(d, (gssize)n, "UTF-8", "UTF-16LE", NULL, NULL, NULL);
        if (!u)
            return NULL;
        char *v = g_utf8_make_valid(u, -1);
        g_free(u);
        return v;
    }
    if (x->type != TYP_STRING8)
        return NULL;
    while (n > 0 && d[n - 1] == 0)
        n--;
    if (g_utf8_validate(d, (gssize)n, NULL) && ((bag_src *)s)->codepage == 0)
        return g_strndup(d, n);
    const char *cs = cpid_charset(((bag_src *)s)->codepage);
    char *u = g_convert(d, (gssize)n, "UTF-8", cs ? cs : "WINDOWS-1252", NULL, NULL, NULL);
    if (!u)
        u = g_convert(d, (gssize)n, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
    if (!u)
        return g_utf8_make_valid(d, (gssize)n);
    char *v = g_utf8_make_valid(u, -1);
    g_free(u);
    return v;
}

static GBytes *
bag_bin(ol_src *s, uint16_t id)
{
    bagval *x = bag_get(s, id);
    return x && (x->type == TYP_BINARY || x->type == TYP_OBJECT) ? g_bytes_ref(x->v) : NULL;
}

static gboolean
bag_u32(ol_src *s, uint16_t id, uint32_t *v)
{
    bagval *x = bag_get(s, id);
    gsize n = 0;
    if (!x || x->type != TYP_LONG)
        return FALSE;
    const uint8_t *d = g_bytes_get_data(x->v, &n);
    if (n < 4)
        return FALSE;
    *v = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
    return TRUE;
}

static gboolean
bag_time(ol_src *s, uint16_t id, gint64 *t)
{
    bagval *x = bag_get(s, id);
    gsize n = 0;
    if (!x || x->type != TYP_SYSTIME)
        return FALSE;
    const uint8_t *d = g_bytes_get_data(x->v, &n);
    if (n < 8)
        return FALSE;
    uint64_t ft = 0;
    for (int i = 7; i >= 0; i--)
        ft = ft << 8 | d[i];
    if (ft == 0)
        return FALSE;
    *t = filetime_unix(ft);
    return TRUE;
}

static void
bag_init(bag_src *b)
{
    b->base.str = bag_str;
    b->base.bin = bag_bin;
    b->base.u32 = bag_u32;
    b->base.time = bag_time;
    b->props = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, bagval_free);
    b->codepage = 0;
}

static void
bag_done(bag_src *b)
{
    g_hash_table_destroy(b->props);
}

/* The bodies of a bag: plain, HTML (binary, or a string then UTF-8),
 * compressed RTF decompressed. */
static void
bag_bodies(bag_src *b, ol_msg *m)
{
    m->plain = NULL;
    char *plain = bag_str(&b->base, PID_BODY);
    if (plain && *plain)
        m->plain = g_bytes_new_take(plain, strlen(plain));
    else
        g_free(plain);
    bagval *h = bag_get(&b->base, PID_HTML);
    if (h && h->type == TYP_BINARY) {
        m->html = trim_nul(g_bytes_ref(h->v));
    } else if (h) {
        char *s = bag_str(&b->base, PID_HTML);
        if (s) {
            m->html = g_bytes_new_take(s, strlen(s));
            m->cpid = 65001;
        }
    }
    GBytes *rtf = bag_bin(&b->base, PID_RTF_COMPRESSED);
    if (rtf) {
        gsize n = 0;
        const uint8_t *d = g_bytes_get_data(rtf, &n);
        m->rtf = lzfu_decompress(d, n);
        if (!m->rtf)
            ol_note(m, "compressed RTF body is not valid");
        g_bytes_unref(rtf);
    }
}

/* ------------------------------------------------------------------ */
/* Outlook .msg (libolecf)                                             */
/* ------------------------------------------------------------------ */

static char *
olecf_why(libolecf_error_t **e, const char *what)
{
    char buf[512] = "";
    if (*e) {
        libolecf_error_sprint(*e, buf, sizeof buf);
        libolecf_error_free(e);
    }
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    g_strstrip(buf);
    return g_strdup_printf("%s%s%s", what, *buf ? ": " : "", buf);
}

/* The whole of a stream, or NULL. */
static GBytes *
olecf_read(libolecf_item_t *it, size_t max)
{
    libolecf_error_t *e = NULL;
    uint32_t n = 0;
    if (libolecf_item_get_size(it, &n, &e) != 1 || n > max) {
        libolecf_error_free(&e);
        return NULL;
    }
    uint8_t *d = g_malloc(n ? n : 1);
    size_t got = 0;
    while (got < n) {
        ssize_t r = libolecf_stream_read_buffer_at_offset(it, d + got, n - got, (off64_t)got, &e);
        if (r <= 0) {
            libolecf_error_free(&e);
            g_free(d);
            return NULL;
        }
        got += (size_t)r;
    }
    return g_bytes_new_take(d, n);
}

static char *
olecf_name(libolecf_item_t *it)
{
    libolecf_error_t *e = NULL;
    size_t n = 0;
    if (libolecf_item_get_utf8_name_size(it, &n, &e) != 1 || n == 0 || n > 1024) {
        libolecf_error_free(&e);
        return NULL;
    }
    char *s = g_malloc(n + 1);
    if (libolecf_item_get_utf8_name(it, (uint8_t *)s, n, &e) != 1) {
        libolecf_error_free(&e);
        g_free(s);
        return NULL;
    }
    s[n] = 0;
    return s;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads the properties of a storage into b: the __substg1.0_ streams and
 * the fixed-size values of __properties_version1.0 (after a header of
 * hdr bytes).  The names of the recipient and attachment storages go to
 * recips/atts (sorted), when given. */
static void
msg_load(libolecf_item_t *st, size_t hdr, bag_src *b, GPtrArray *recips, GPtrArray *atts, ol_msg *m)
{
    libolecf_error_t *e = NULL;
    int n = 0;
    GBytes *props = NULL;
    if (libolecf_item_get_number_of_sub_items(st, &n, &e) != 1) {
        char *w = olecf_why(&e, "storage");
        ol_note(m, "%s", w);
        g_free(w);
        return;
    }
    for (int i = 0; i < n; i++) {
        libolecf_item_t *it = NULL;
        if (libolecf_item_get_sub_item(st, i, &it, &e) != 1) {
            libolecf_error_free(&e);
            continue;
        }
        char *name = olecf_name(it);
        if (!name) {
            libolecf_item_free(&it, NULL);
            continue;
        }
        unsigned tag = 0;
        if (strlen(name) == 20 && strncmp(name, "__substg1.0_", 12) == 0 && sscanf(name + 12, "%8x", &tag) == 1) {
            uint16_t type = tag & 0xFFFF;
            if (type == TYP_STRING8 || type == TYP_UNICODE || type == TYP_BINARY) {
                GBytes *v = olecf_read(it, OL_MAX_PROP);
                if (v)
                    bag_put(b, (uint16_t)(tag >> 16), type, v);
                else
                    ol_note(m, "stream %s unreadable", name);
            }
        } else if (strcmp(name, "__properties_version1.0") == 0) {
            if (!props)
                props = olecf_read(it, OL_MAX_PROP);
        } else if (recips && strncmp(name, "__recip_version1.0_", 19) == 0) {
            g_ptr_array_add(recips, g_strdup(name));
        } else if (atts && strncmp(name, "__attach_version1.0_", 20) == 0) {
            g_ptr_array_add(atts, g_strdup(name));
        }
        g_free(name);
        libolecf_item_free(&it, NULL);
    }
    if (props) {
        gsize len = 0;
        const uint8_t *d = g_bytes_get_data(props, &len);
        for (gsize p = hdr; p + 16 <= len; p += 16) {
            uint32_t tag = (uint32_t)d[p] | (uint32_t)d[p + 1] << 8 | (uint32_t)d[p + 2] << 16 |
                           (uint32_t)d[p + 3] << 24;
            uint16_t type = tag & 0xFFFF;
            if (type == TYP_I2 || type == TYP_LONG || type == TYP_BOOLEAN || type == TYP_I8 ||
                type == TYP_SYSTIME)
                bag_put(b, (uint16_t)(tag >> 16), type, g_bytes_new(d + p + 8, 8));
        }
        g_bytes_unref(props);
    }
    if (recips)
        g_ptr_array_sort(recips, cmp_str);
    if (atts)
        g_ptr_array_sort(atts, cmp_str);
    uint32_t cp = 0;
    if (bag_u32(&b->base, PID_MESSAGE_CODEPAGE, &cp))
        b->codepage = cp;
}

static libolecf_item_t *
olecf_child(libolecf_item_t *st, const char *name)
{
    libolecf_item_t *it = NULL;
    libolecf_error_t *e = NULL;
    if (libolecf_item_get_sub_item_by_utf8_name(st, (const uint8_t *)name, strlen(name), &it, &e) != 1) {
        libolecf_error_free(&e);
        return NULL;
    }
    return it;
}

/* A message stored in st (the root storage: hdr 32; an embedded message:
 * hdr 24). */
static ol_msg *
msg_read(ol_ctx *c, libolecf_item_t *st, size_t hdr, unsigned depth)
{
    ol_msg *m = ol_msg_new();
    bag_src b;
    GPtrArray *rn = g_ptr_array_new_with_free_func(g_free), *an = g_ptr_array_new_with_free_func(g_free);
    bag_init(&b);
    msg_load(st, hdr, &b, rn, an, m);
    fill_envelope(&b.base, m);
    bag_bodies(&b, m);
    bag_done(&b);
    for (guint i = 0; i < rn->len; i++) {
        libolecf_item_t *r = olecf_child(st, rn->pdata[i]);
        if (!r) {
            ol_note(m, "%s unreadable", (char *)rn->pdata[i]);
            continue;
        }
        bag_src rb;
        bag_init(&rb);
        msg_load(r, 8, &rb, NULL, NULL, m);
        fill_recip(&rb.base, m);
        bag_done(&rb);
        libolecf_item_free(&r, NULL);
    }
    for (guint i = 0; i < an->len; i++) {
        libolecf_item_t *at = olecf_child(st, an->pdata[i]);
        if (!at) {
            ol_note(m, "%s unreadable", (char *)an->pdata[i]);
            continue;
        }
        bag_src ab;
        uint32_t method = 1;
        bag_init(&ab);
        msg_load(at, 8, &ab, NULL, NULL, m);
        ol_att *a = fill_att_names(&ab.base);
        g_ptr_array_add(m->atts, a);
        bag_u32(&ab.base, PID_ATTACH_METHOD, &method);
        if (method == 5) {
            libolecf_item_t *sub = olecf_child(at, "__substg1.0_3701000D");
            if (!sub)
                ol_note(m, "attachment %u: embedded message missing", i);
            else if (depth + 1 >= c->max_depth)
                ol_note(m, "attachment %u: embedded message nested deeper than %u", i, c->max_depth);
            else
                a->embedded = msg_read(c, sub, 24, depth + 1);
            if (sub)
                libolecf_item_free(&sub, NULL);
        } else if (method == 6) {
            ol_note(m, "attachment %u: an OLE object (not read)", i);
        } else {
            a->data = bag_bin(&ab.base, PID_ATTACH_DATA);
        }
        bag_done(&ab);
        libolecf_item_free(&at, NULL);
    }
    g_ptr_array_free(rn, TRUE);
    g_ptr_array_free(an, TRUE);
    return m;
}

gboolean
tl_outlook_msg_mem(const uint8_t *buf, size_t len, const tl_ol_opts *opts, tl_ol_cb cb, void *user,
                   tl_ol_info *info, char **why)
{
    ol_ctx c;
    libolecf_file_t *file = NULL;
    libolecf_error_t *e = NULL;
    libolecf_item_t *root = NULL;
    ctx_init(&c, opts, cb, user, info, "msg");
    libbfio_handle_t *h = mem_handle(buf, len);
    if (!h) {
        *why = g_strdup("libbfio: cannot make a memory handle");
        return FALSE;
    }
    int opened = 0;
    if (libolecf_file_initialize(&file, &e) != 1 ||
        (opened = libolecf_file_open_file_io_handle(file, h, LIBOLECF_OPEN_READ, &e)) != 1 ||
        libolecf_file_get_root_item(file, &root, &e) != 1) {
        *why = olecf_why(&e, "not a readable OLE2 compound file");
        if (opened == 1)
            libolecf_file_close(file, NULL);
        if (file)
            libolecf_file_free(&file, NULL);
        libbfio_handle_free(&h, NULL);
        return FALSE;
    }
    ol_msg *m = msg_read(&c, root, 32, 0);
    libolecf_item_free(&root, NULL);
    gboolean ok = TRUE;
    if (!m->msg_class && !m->subject && !m->plain && !m->headers && m->recips->len == 0) {
        *why = g_strdup("OLE2 compound file without Outlook message properties");
        ok = FALSE;
    } else {
        deliver_msg(&c, m, "", 0, 0, 0);
    }
    ol_msg_free(m);
    libolecf_file_close(file, NULL);
    libolecf_file_free(&file, NULL);
    libbfio_handle_free(&h, NULL);
    return ok;
}

/* ------------------------------------------------------------------ */
/* TNEF (MS-OXTNEF)                                                    */
/* ------------------------------------------------------------------ */

/* TNEF is read here rather than with libytnef, which prints to stdout
 * and refuses some valid streams.  A stream is a signature, a key and a
 * list of attributes (level, id, length, data, checksum); the message's
 * MAPI properties, its recipient table and each attachment's properties
 * are MAPI property lists (below). */

gboolean
tl_outlook_is_tnef(const uint8_t *buf, size_t len)
{
    return len >= 4 && buf[0] == 0x78 && buf[1] == 0x9F && buf[2] == 0x3E && buf[3] == 0x22;
}

enum {
    ATT_SUBJECT = 0x00018004,
    ATT_DATE_SENT = 0x00038005,
    ATT_DATE_RECD = 0x00038006,
    ATT_MESSAGE_CLASS = 0x00078008,
    ATT_BODY = 0x0002800C,
    ATT_MSG_PROPS = 0x00069003,
    ATT_RECIP_TABLE = 0x00069004,
    ATT_ATTACH_REND_DATA = 0x00069002,
    ATT_ATTACH_TITLE = 0x00018010,
    ATT_ATTACH_DATA = 0x0006800F,
    ATT_ATTACHMENT = 0x00069005,
    ATT_OEM_CODEPAGE = 0x00069007,
};

/* A bounded little-endian reader. */
typedef struct {
    const uint8_t *p;
    size_t len, pos;
    int bad;
} rd;

static uint32_t
rd_u32(rd *r)
{
    if (r->bad || r->len - r->pos < 4) {
        r->bad = 1;
        return 0;
    }
    const uint8_t *d = r->p + r->pos;
    r->pos += 4;
    return (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
}

static const uint8_t *
rd_take(rd *r, size_t n)
{
    if (r->bad || r->len - r->pos < n) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *d = r->p + r->pos;
    r->pos += n;
    return d;
}

/* Size of a fixed-size MAPI value in a TNEF property list, 0 for
 * variable-size types, -1 for unknown types. */
static int
tnef_fixed_size(uint16_t type)
{
    switch (type) {
    case 0x0002: case 0x0003: case 0x0004: case 0x000A: case 0x000B: return 4;
    case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040: return 8;
    case 0x0048: return 16;
    case 0x001E: case 0x001F: case 0x0102: case 0x000D: return 0;
    default: return -1;
    }
}

/* Reads a MAPI property list into b (the first value of each property;
 * named properties are skipped).  FALSE when the list is malformed. */
static gboolean
tnef_props(rd *r, bag_src *b)
{
    uint32_t n = rd_u32(r);
    if (r->bad || n > (r->len - r->pos) / 4)
        return FALSE;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        uint32_t tag = rd_u32(r);
        uint16_t type = tag & 0xFFFF, id = (uint16_t)(tag >> 16);
        gboolean multi = (type & 0x1000) != 0;
        type &= (uint16_t)~0x1000;
        if (id >= 0x8000) {
            rd_take(r, 16);
            uint32_t kind = rd_u32(r);
            if (kind == 0) {
                rd_u32(r);
            } else {
                uint32_t nl = rd_u32(r);
                rd_take(r, nl);
                rd_take(r, (4 - nl % 4) % 4);
            }
        }
        int fixed = tnef_fixed_size(type);
        if (fixed < 0 || r->bad)
            return FALSE;
        uint32_t count = 1;
        if (multi || fixed == 0)
            count = rd_u32(r);
        if (r->bad || count > r->len - r->pos)
            return FALSE;
        for (uint32_t k = 0; k < count && !r->bad; k++) {
            const uint8_t *d;
            size_t dn;
            if (fixed > 0) {
                dn = (size_t)fixed;
                d = rd_take(r, dn);
            } else {
                dn = rd_u32(r);
                d = rd_take(r, dn);
                rd_take(r, (4 - dn % 4) % 4);
            }
            if (d && k == 0 && !multi && id < 0x8000) {
                /* 2-byte values are padded to 4; a value keeps 8 bytes
                 * for bag_u32/bag_time. */
                uint8_t v8[8] = { 0 };
                if (fixed > 0 && fixed <= 8) {
                    memcpy(v8, d, (size_t)fixed);
                    bag_put(b, id, type, g_bytes_new(v8, 8));
                } else {
                    bag_put(b, id, type, g_bytes_new(d, dn));
                }
            }
        }
    }
    return !r->bad;
}

/* A TNEF date (year, month, day, hour, minute, second, weekday: 16-bit). */
static gint64
tnef_date(const uint8_t *d, size_t n)
{
    if (n < 12)
        return G_MININT64;
    unsigned v[6];
    for (int i = 0; i < 6; i++)
        v[i] = (unsigned)d[2 * i] | (unsigned)d[2 * i + 1] << 8;
    if (v[0] < 1601 || v[0] > 9999 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 ||
        v[5] > 59)
        return G_MININT64;
    GDateTime *t = g_date_time_new_utc((gint)v[0], (gint)v[1], (gint)v[2], (gint)v[3], (gint)v[4], v[5]);
    if (!t)
        return G_MININT64;
    gint64 u = g_date_time_to_unix(t);
    g_date_time_unref(t);
    return u;
}

/* An 8-bit TNEF string (NUL-terminated or not) as UTF-8. */
static char *
tnef_string(const uint8_t *d, size_t n, uint32_t codepage)
{
    while (n > 0 && d[n - 1] == 0)
        n--;
    if (g_utf8_validate((const char *)d, (gssize)n, NULL))
        return g_strndup((const char *)d, n);
    const char *cs = cpid_charset(codepage);
    char *u = g_convert((const char *)d, (gssize)n, "UTF-8", cs ? cs : "WINDOWS-1252", NULL, NULL, NULL);
    return u ? u : g_utf8_make_valid((const char *)d, (gssize)n);
}

typedef struct {
    bag_src bag;
    GBytes *data;               /* attAttachData */
    char *title;                /* attAttachTitle */
} tnef_att;

static ol_msg *tnef_read(ol_ctx *c, const uint8_t *buf, size_t len, unsigned depth, char **why);

static void
tnef_att_finish(ol_ctx *c, tnef_att *ta, ol_msg *m, unsigned index, unsigned depth)
{
    ol_att *a = fill_att_names(&ta->bag.base);
    if ((!a->filename || !*a->filename) && ta->title) {
        g_free(a->filename);
        a->filename = g_strdup(ta->title);
    }
    g_ptr_array_add(m->atts, a);
    /* An embedded message: PR_ATTACH_DATA_OBJ holds an interface id and a
     * TNEF stream. */
    bagval *obj = bag_get(&ta->bag.base, PID_ATTACH_DATA);
    gsize on = 0;
    const uint8_t *od = obj ? g_bytes_get_data(obj->v, &on) : NULL;
    if (obj && obj->type == TYP_OBJECT && on > 16 && tl_outlook_is_tnef(od + 16, on - 16)) {
        char *w = NULL;
        if (depth + 1 >= c->max_depth)
            ol_note(m, "attachment %u: embedded message nested deeper than %u", index, c->max_depth);
        else if (!(a->embedded = tnef_read(c, od + 16, on - 16, depth + 1, &w)))
            ol_note(m, "attachment %u: %s", index, w);
        g_free(w);
    } else if (ta->data) {
        a->data = g_bytes_ref(ta->data);
    } else if (obj && on > 0) {
        a->data = g_bytes_new(od + (obj->type == TYP_OBJECT && on > 16 ? 16 : 0),
                              on - (obj->type == TYP_OBJECT && on > 16 ? 16 : 0));
    }
    bag_done(&ta->bag);
    if (ta->data)
        g_bytes_unref(ta->data);
    g_free(ta->title);
    memset(ta, 0, sizeof *ta);
}

/* Reads one TNEF stream into an ol_msg; NULL with *why when it is no
 * TNEF stream.  Damage after the header keeps what came before it, with
 * a note. */
static ol_msg *
tnef_read(ol_ctx *c, const uint8_t *buf, size_t len, unsigned depth, char **why)
{
    rd r = { buf, len, 0, 0 };
    if (!tl_outlook_is_tnef(buf, len) || len < 6) {
        *why = g_strdup("no TNEF signature");
        return NULL;
    }
    r.pos = 6;
    ol_msg *m = ol_msg_new();
    bag_src mb;
    bag_init(&mb);
    char *subject = NULL, *klass = NULL;
    GBytes *body = NULL;
    gint64 sent = G_MININT64, recd = G_MININT64;
    uint32_t codepage = 0;
    tnef_att ta;
    gboolean in_att = FALSE;
    unsigned natt = 0;
    memset(&ta, 0, sizeof ta);
    while (r.pos < len) {
        const uint8_t *lvl = rd_take(&r, 1);
        uint32_t id = rd_u32(&r);
        uint32_t n = rd_u32(&r);
        const uint8_t *d = rd_take(&r, n);
        rd_take(&r, 2);                     /* checksum, not checked: damage shows as bad lengths */
        if (r.bad || !lvl || !d) {
            ol_note(m, "TNEF stream damaged or cut at byte %zu", r.pos);
            break;
        }
        if (*lvl == 2) {
            if (id == ATT_ATTACH_REND_DATA) {
                if (in_att)
                    tnef_att_finish(c, &ta, m, natt++, depth);
                bag_init(&ta.bag);
                ta.bag.codepage = codepage;
                in_att = TRUE;
            } else if (!in_att) {
                continue;
            } else if (id == ATT_ATTACH_DATA) {
                if (!ta.data)
                    ta.data = g_bytes_new(d, n);
            } else if (id == ATT_ATTACH_TITLE) {
                if (!ta.title)
                    ta.title = tnef_string(d, n, codepage);
            } else if (id == ATT_ATTACHMENT) {
                rd pr = { d, n, 0, 0 };
                if (!tnef_props(&pr, &ta.bag))
                    ol_note(m, "attachment %u: property list damaged", natt);
            }
            continue;
        }
        switch (id) {
        case ATT_OEM_CODEPAGE:
            if (n >= 4)
                codepage = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
            break;
        case ATT_SUBJECT:
            if (!subject)
                subject = tnef_string(d, n, codepage);
            break;
        case ATT_MESSAGE_CLASS:
            if (!klass)
                klass = tnef_string(d, n, codepage);
            break;
        case ATT_BODY:
            if (!body) {
                char *s = tnef_string(d, n, codepage);
                body = g_bytes_new_take(s, strlen(s));
            }
            break;
        case ATT_DATE_SENT: sent = tnef_date(d, n); break;
        case ATT_DATE_RECD: recd = tnef_date(d, n); break;
        case ATT_MSG_PROPS: {
            rd pr = { d, n, 0, 0 };
            mb.codepage = codepage;
            if (!tnef_props(&pr, &mb))
                ol_note(m, "message property list damaged");
            break;
        }
        case ATT_RECIP_TABLE: {
            rd pr = { d, n, 0, 0 };
            uint32_t rows = rd_u32(&pr);
            for (uint32_t i = 0; i < rows && !pr.bad && pr.pos < n; i++) {
                bag_src rb;
                bag_init(&rb);
                rb.codepage = codepage;
                if (tnef_props(&pr, &rb))
                    fill_recip(&rb.base, m);
                else
                    ol_note(m, "recipient %u: property list damaged", i);
                bag_done(&rb);
            }
            break;
        }
        default:
            break;
        }
    }
    if (in_att)
        tnef_att_finish(c, &ta, m, natt++, depth);
    uint32_t cp = 0;
    if (!mb.codepage && bag_u32(&mb.base, PID_MESSAGE_CODEPAGE, &cp))
        mb.codepage = cp;
    fill_envelope(&mb.base, m);
    bag_bodies(&mb, m);
    /* TNEF's own attributes fill what the MAPI properties left out. */
    if (!m->subject)
        m->subject = subject, subject = NULL;
    /* A winmail.dat often carries no subject (the outer message has
     * it); the conversation topic is the subject less its prefixes. */
    if (!m->subject)
        m->subject = bag_str(&mb.base, PID_CONVERSATION_TOPIC);
    bag_done(&mb);
    if (!m->msg_class)
        m->msg_class = klass, klass = NULL;
    if (m->submit == G_MININT64)
        m->submit = sent;
    if (m->delivery == G_MININT64)
        m->delivery = recd;
    if (!m->plain && body && g_bytes_get_size(body) > 0)
        m->plain = g_bytes_ref(body);
    if (body)
        g_bytes_unref(body);
    g_free(subject);
    g_free(klass);
    return m;
}

gboolean
tl_outlook_tnef_mem(const uint8_t *buf, size_t len, const tl_ol_opts *opts, tl_ol_cb cb, void *user,
                    tl_ol_info *info, char **why)
{
    ol_ctx c;
    ctx_init(&c, opts, cb, user, info, "tnef");
    ol_msg *m = tnef_read(&c, buf, len, 0, why);
    if (!m)
        return FALSE;
    deliver_msg(&c, m, "", 0, 0, 0);
    ol_msg_free(m);
    return TRUE;
}
