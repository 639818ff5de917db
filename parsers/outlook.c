/*
 * outlook.c - PST/OST stores (libpff), .msg files (libolecf) and TNEF
 * files (a reader here, MS-OXTNEF) read as RFC 5322 messages (outlook.h):
 * what the three share.  The formats are read in outlook_pst.c,
 * outlook_msg.c and outlook_tnef.c (outlook_int.h).
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
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "parsers/outlook_int.h"

/* ------------------------------------------------------------------ */
/* The intermediate form                                              */
/* ------------------------------------------------------------------ */


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
        tl_ol_msg_free(a->embedded);
    g_free(a);
}

ol_msg *
tl_ol_msg_new(void)
{
    ol_msg *m = g_new0(ol_msg, 1);
    m->submit = m->delivery = m->creation = G_MININT64;
    m->recips = g_ptr_array_new_with_free_func(ol_recip_free);
    m->atts = g_ptr_array_new_with_free_func(ol_att_free);
    m->notes = g_string_new(NULL);
    return m;
}

void
tl_ol_msg_free(ol_msg *m)
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

void G_GNUC_PRINTF(2, 3)
tl_ol_note(ol_msg *m, const char *fmt, ...)
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


/* FILETIME (100 ns since 1601) to unix seconds. */
gint64
tl_ol_filetime_unix(uint64_t ft)
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
void
tl_ol_fill_envelope(ol_src *s, ol_msg *m)
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

void
tl_ol_fill_recip(ol_src *s, ol_msg *m)
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
ol_att *
tl_ol_fill_att_names(ol_src *s)
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
GBytes *
tl_ol_lzfu_decompress(const uint8_t *in, size_t len)
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

const char *
tl_ol_cpid_charset(uint32_t cp)
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

GBytes *
tl_ol_trim_nul(GBytes *b)
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
        html = leaf_part("text/html", tl_ol_cpid_charset(m->cpid), NULL, m->html);
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


void
tl_ol_ctx_init(ol_ctx *c, const tl_ol_opts *o, tl_ol_cb cb, void *user, tl_ol_info *info, const char *format)
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

void
tl_ol_deliver(ol_ctx *c, tl_ol_item *it)
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

GString *
tl_ol_render(const ol_msg *m)
{
    GString *o = g_string_new(NULL);
    render(m, o, 0);
    return o;
}

/* Renders m and delivers it (or an error when it is over the limit). */
void
tl_ol_deliver_msg(ol_ctx *c, const ol_msg *m, const char *folder, uint64_t id, unsigned index, int recovered)
{
    GString *o = tl_ol_render(m);
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
    tl_ol_deliver(c, &it);
    g_free(why);
    g_string_free(o, TRUE);
}

void
tl_ol_deliver_error(ol_ctx *c, const char *folder, uint64_t id, unsigned index, int recovered, const char *why)
{
    tl_ol_item it = { .event = TL_OL_ERROR, .folder = folder, .item_id = id, .index = index,
                      .recovered = recovered, .reason = why };
    tl_ol_deliver(c, &it);
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
libbfio_handle_t *
tl_ol_mem_handle(const uint8_t *buf, size_t len)
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
/* Property bags (.msg and TNEF)                                       */
/* ------------------------------------------------------------------ */


static void
bagval_free(gpointer p)
{
    bagval *b = p;
    g_bytes_unref(b->v);
    g_free(b);
}

/* Keeps the first value of a property id (a .msg has each once). */
void
tl_ol_bag_put(bag_src *b, uint16_t id, uint16_t type, GBytes *v)
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

bagval *
tl_ol_bag_get(ol_src *s, uint16_t id)
{
    return g_hash_table_lookup(((bag_src *)s)->props, GUINT_TO_POINTER(id));
}

char *
tl_ol_bag_str(ol_src *s, uint16_t id)
{
    bagval *x = tl_ol_bag_get(s, id);
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
    const char *cs = tl_ol_cpid_charset(((bag_src *)s)->codepage);
    char *u = g_convert(d, (gssize)n, "UTF-8", cs ? cs : "WINDOWS-1252", NULL, NULL, NULL);
    if (!u)
        u = g_convert(d, (gssize)n, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
    if (!u)
        return g_utf8_make_valid(d, (gssize)n);
    char *v = g_utf8_make_valid(u, -1);
    g_free(u);
    return v;
}

GBytes *
tl_ol_bag_bin(ol_src *s, uint16_t id)
{
    bagval *x = tl_ol_bag_get(s, id);
    return x && (x->type == TYP_BINARY || x->type == TYP_OBJECT) ? g_bytes_ref(x->v) : NULL;
}

gboolean
tl_ol_bag_u32(ol_src *s, uint16_t id, uint32_t *v)
{
    bagval *x = tl_ol_bag_get(s, id);
    gsize n = 0;
    if (!x || x->type != TYP_LONG)
        return FALSE;
    const uint8_t *d = g_bytes_get_data(x->v, &n);
    if (n < 4)
        return FALSE;
    *v = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
    return TRUE;
}

gboolean
tl_ol_bag_time(ol_src *s, uint16_t id, gint64 *t)
{
    bagval *x = tl_ol_bag_get(s, id);
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
    *t = tl_ol_filetime_unix(ft);
    return TRUE;
}

void
tl_ol_bag_init(bag_src *b)
{
    b->base.str = tl_ol_bag_str;
    b->base.bin = tl_ol_bag_bin;
    b->base.u32 = tl_ol_bag_u32;
    b->base.time = tl_ol_bag_time;
    b->props = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, bagval_free);
    b->codepage = 0;
}

void
tl_ol_bag_done(bag_src *b)
{
    g_hash_table_destroy(b->props);
}

/* The bodies of a bag: plain, HTML (binary, or a string then UTF-8),
 * compressed RTF decompressed. */
void
tl_ol_bag_bodies(bag_src *b, ol_msg *m)
{
    m->plain = NULL;
    char *plain = tl_ol_bag_str(&b->base, PID_BODY);
    if (plain && *plain)
        m->plain = g_bytes_new_take(plain, strlen(plain));
    else
        g_free(plain);
    bagval *h = tl_ol_bag_get(&b->base, PID_HTML);
    if (h && h->type == TYP_BINARY) {
        m->html = tl_ol_trim_nul(g_bytes_ref(h->v));
    } else if (h) {
        char *s = tl_ol_bag_str(&b->base, PID_HTML);
        if (s) {
            m->html = g_bytes_new_take(s, strlen(s));
            m->cpid = 65001;
        }
    }
    GBytes *rtf = tl_ol_bag_bin(&b->base, PID_RTF_COMPRESSED);
    if (rtf) {
        gsize n = 0;
        const uint8_t *d = g_bytes_get_data(rtf, &n);
        m->rtf = tl_ol_lzfu_decompress(d, n);
        if (!m->rtf)
            tl_ol_note(m, "compressed RTF body is not valid");
        g_bytes_unref(rtf);
    }
}
