/*
 * sniff.c - recognise a container by its first bytes, not by its name.
 *
 * Mail files are recognised here; archives and compressed files are left to
 * libarchive's own bidders (the caller tries libarchive on anything this
 * file calls TL_KIND_UNKNOWN).  Mail is recognised first because a mail
 * file must never be handed to libarchive's filters (its uudecode filter
 * would replace a message by its attachment; research/mail-formats.md 6).
 *
 * Rules:
 *   - a UTF-8 BOM is skipped (reported through *skip);
 *   - "From " followed by a line end and then a header field line: mbox;
 *   - a header block whose first line is a header field and which names at
 *     least one of the usual mail headers: a single message;
 *   - a first line of only digits (and blanks) followed by a header block:
 *     Apple .emlx;
 *   - an mbox behind a few lines of something else (a From_ envelope line
 *     followed by a header line in the first 64 lines);
 *   - magic numbers for PST/OST ("!BDN"), OLE2 (Outlook .msg when its
 *     directory names MAPI property streams) and TNEF (winmail.dat), read by
 *     parsers/outlook.c; Outlook Express .dbx and batch SMTP ("HELO") are
 *     recognised only to be reported as unsupported.
 */
#include <string.h>

#include "parsers/parsers.h"

/* Header names that make a header block a mail message. */
static const char *const mail_headers[] = {
    "from", "to", "cc", "bcc", "subject", "date", "message-id", "received",
    "return-path", "delivered-to", "mime-version", "sender", "reply-to",
    "x-original-to", "envelope-to", "x-gm-thrid", "x-mozilla-status",
    "in-reply-to", "references", "content-type", "resent-from", "resent-to",
    NULL
};

/* Length of the header field name at p (up to the colon), or 0 when the
 * line is not a header field.  RFC 5322: printable ASCII except ':'. */
static size_t
field_name_len(const uint8_t *p, size_t len)
{
    size_t i = 0;
    while (i < len && i < 128 && p[i] > 32 && p[i] < 127 && p[i] != ':')
        i++;
    /* Tolerate blanks before the colon ("Subject : x"), as GMime does. */
    size_t n = i;
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (n == 0 || i >= len || p[i] != ':')
        return 0;
    return n;
}

static int
is_mail_header(const uint8_t *p, size_t n)
{
    for (int i = 0; mail_headers[i]; i++)
        if (strlen(mail_headers[i]) == n && g_ascii_strncasecmp((const char *)p, mail_headers[i], n) == 0)
            return 1;
    return 0;
}

/* End of the line starting at p (index of '\n', or len). */
static size_t
line_end(const uint8_t *p, size_t len)
{
    const uint8_t *nl = memchr(p, '\n', len);
    return nl ? (size_t)(nl - p) : len;
}

/* Does buf start with a mail header block?  The first line must be a field;
 * the block (up to the first blank line, or what we have of it) must name
 * at least one usual mail header. */
int
tl_sniff_headers(const uint8_t *buf, size_t len)
{
    size_t pos = 0, lines = 0;
    int known = 0;
    if (len == 0 || field_name_len(buf, len) == 0)
        return 0;
    while (pos < len && lines < 200) {
        const uint8_t *p = buf + pos;
        size_t rest = len - pos;
        size_t e = line_end(p, rest);
        size_t content = (e > 0 && p[e - 1] == '\r') ? e - 1 : e;
        if (content == 0)
            break;                          /* blank line: end of headers */
        if (p[0] != ' ' && p[0] != '\t') {
            size_t n = field_name_len(p, content);
            if (n == 0)
                return known && lines > 0;  /* junk after real headers: GMime copes */
            if (is_mail_header(p, n))
                known = 1;
        }
        lines++;
        pos += e + 1;
    }
    return known;
}

/* Does the From_ line look like an mbox envelope ("From -", a quoted
 * sender, or a time of day somewhere in it)?  Prose that starts with
 * "From " has none of these. */
int
tl_sniff_envelope(const uint8_t *p, size_t n)
{
    if (n >= 6 && (p[5] == '-' || p[5] == '"'))
        return 1;
    for (size_t i = 5; i + 5 <= n; i++)
        if (g_ascii_isdigit(p[i]) && g_ascii_isdigit(p[i + 1]) && p[i + 2] == ':' && g_ascii_isdigit(p[i + 3]) &&
            g_ascii_isdigit(p[i + 4]))
            return 1;
    return 0;
}

tl_kind_t
tl_sniff(const uint8_t *buf, size_t len, size_t *skip)
{
    size_t s = 0;
    *skip = 0;
    if (len == 0)
        return TL_KIND_EMPTY;
    if (len >= 4 && memcmp(buf, "!BDN", 4) == 0)
        return TL_KIND_PST;
    if (len >= 8 && memcmp(buf, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        /* Outlook .msg names its streams "__substg1.0_..." and
         * "__properties_version1.0" (UTF-16LE) in the compound file's
         * directory; Word, Excel and PowerPoint files do not. */
        static const char substg[] = "_\0_\0s\0u\0b\0s\0t\0g\0" "1\0.\0" "0\0_\0";
        static const char props[] = "_\0_\0p\0r\0o\0p\0e\0r\0t\0i\0e\0s\0_\0";
        if (memmem(buf, len, substg, sizeof substg - 1) || memmem(buf, len, props, sizeof props - 1))
            return TL_KIND_OLE;
        return TL_KIND_OLE_OTHER;
    }
    if (len >= 4 && memcmp(buf, "\xCF\xAD\x12\xFE", 4) == 0)
        return TL_KIND_DBX;
    if (len >= 6 && memcmp(buf, "\x78\x9F\x3E\x22", 4) == 0)
        return TL_KIND_TNEF;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        s = 3;
    *skip = s;
    buf += s;
    len -= s;
    if (len >= 5 && memcmp(buf, "From ", 5) == 0) {
        size_t e = line_end(buf, len);
        if (e < len && tl_sniff_headers(buf + e + 1, len - e - 1))
            return TL_KIND_MBOX;
        /* A message with no header at all after an envelope line. */
        if (e < len && tl_sniff_envelope(buf, e) && (buf[e + 1] == '\n' || buf[e + 1] == '\r'))
            return TL_KIND_MBOX;
        return TL_KIND_UNKNOWN;
    }
    if (tl_sniff_headers(buf, len))
        return TL_KIND_MESSAGE;
    if (len >= 5 && (g_ascii_strncasecmp((const char *)buf, "HELO ", 5) == 0 ||
                     g_ascii_strncasecmp((const char *)buf, "EHLO ", 5) == 0))
        return TL_KIND_BSMTP;
    /* Apple .emlx: "<byte count>[blanks]\n" then the message. */
    size_t i = 0;
    while (i < len && i < 20 && g_ascii_isdigit(buf[i]))
        i++;
    if (i > 0 && i < len) {
        size_t j = i;
        while (j < len && (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\r'))
            j++;
        if (j < len && buf[j] == '\n' && tl_sniff_headers(buf + j + 1, len - j - 1))
            return TL_KIND_EMLX;
    }
    /* An mbox behind a few lines of something else: a From_ envelope line
     * followed by a header line, somewhere in the first lines.  The
     * splitter reports the bytes before it. */
    for (size_t pos = 0, lines = 0; pos < len && lines < 64; lines++) {
        size_t e = line_end(buf + pos, len - pos);
        if (memchr(buf + pos, '\0', e))
            break;                  /* binary: an archive holding an mbox, not an mbox */
        if (len - pos >= 5 && memcmp(buf + pos, "From ", 5) == 0 && tl_sniff_envelope(buf + pos, e) &&
            pos + e < len && tl_sniff_headers(buf + pos + e + 1, len - pos - e - 1))
            return TL_KIND_MBOX;
        pos += e + 1;
    }
    *skip = 0;
    return TL_KIND_UNKNOWN;
}

const char *
tl_kind_name(tl_kind_t k)
{
    switch (k) {
    case TL_KIND_UNKNOWN: return "other";
    case TL_KIND_MBOX: return "mbox";
    case TL_KIND_MESSAGE: return "message";
    case TL_KIND_EMLX: return "emlx";
    case TL_KIND_PST: return "pst";
    case TL_KIND_OLE: return "outlook-msg";
    case TL_KIND_OLE_OTHER: return "ole2";
    case TL_KIND_DBX: return "dbx";
    case TL_KIND_EMPTY: return "empty";
    case TL_KIND_BSMTP: return "bsmtp";
    case TL_KIND_TNEF: return "tnef";
    case TL_KIND_LAST: break;
    }
    return "other";
}
