/*
 * mbox.c - the project's own streaming mbox splitter.
 *
 * GMime's mbox mode loses every message after one it cannot parse, and
 * takes any "From " line as a separator (research/mail-formats.md 7), so the
 * boundaries come from here and each message is parsed on its own.
 *
 * A separator is a line that starts with "From " at offset 0, or elsewhere
 * when what follows shows a new message:
 *   - after a blank line (LF or CRLF): the next line is a header field of a
 *     mail header block, or the From_ line looks like an envelope and the
 *     next line is blank (a message with no header);
 *   - after any other line (mboxcl files, tools that write no blank line
 *     between messages): the From_ line looks like an envelope ("From -", a
 *     quoted sender, a time of day) and a mail header block follows.
 * So a body line "From Russia with love" after a blank line does not cut a
 * message in two, nor does git format-patch's "From <sha> Mon Sep 17
 * 00:00:00 2001" line in an attached patch.  Whatever follows "From " is
 * accepted on a real separator: a sender and ctime (mboxo/mboxrd), "-"
 * (Netscape/Thunderbird), a quoted address (readpst), a Google Takeout id
 * with a zone before the year, or nothing.  Quoted body lines (">From ")
 * are left as they are: offsets and hashes are those of the bytes on disk.
 *
 * A Content-Length header (mboxcl, mboxcl2, Solaris) is believed when the
 * body it announces ends exactly on a blank line followed by "From " (or on
 * the end of the file): then nothing before that point is a separator,
 * whatever the body holds.  Any other value is ignored.
 *
 * Deciding needs the bytes after the candidate line, so the splitter waits
 * for LOOKAHEAD bytes past it (or the end of the container).
 *
 * When the container does not start with "From ", the bytes before the
 * first separator are reported as a preamble, not as a message.
 *
 * A message is the bytes after its From_ line up to the next separator, less
 * the one blank line that separates it from the next message (so that a
 * message copied from a Maildir into an mbox keeps its SHA-256).
 *
 * The splitter is fed blocks of any size (or reads straight into its buffer,
 * tl_mbox_reserve/commit).  Its buffer is a refcounted chunk of at least
 * 4 MiB: each message it emits points into the chunk, and the caller may
 * keep a reference instead of copying the bytes.  When a chunk is full the
 * current partial message moves to a new one and the old chunk is freed
 * when its last message is done with.  A message over the size limit is
 * reported with its extent and dropped while the splitter goes on looking
 * for the next separator, so memory stays bounded whatever the mbox size.
 */
#include <string.h>

#include "parsers/parsers.h"

#define KEEP_TAIL 8     /* below this, no point in dropping bytes */
#define LOOKAHEAD 4096  /* bytes past a candidate From_ line needed to judge it */
#define CHUNK_MIN (4u << 20)    /* the splitter's buffers */
#define MARKER_MAX 998  /* a From_ line longer than this is cut in the record */

struct tl_mbox {
    tl_chunk *chunk;        /* holds buf; messages borrow it */
    uint8_t *buf;
    size_t len, cap;
    size_t start;           /* start of the current message in buf */
    size_t scan;            /* where the separator search resumes */
    uint64_t base;          /* container offset of buf[0] */
    uint64_t max_msg;
    uint64_t count;
    int dropping;           /* current message is over the limit */
    int in_preamble;        /* the container did not start with "From " */
    int final;              /* no more bytes will come */
    int cl_state;           /* Content-Length of the current message: 0 not looked at, 1 in use, 2 none */
    uint64_t cl_end;        /* container offset where that Content-Length says the body ends */
    int started;            /* the first bytes were seen */
    uint64_t drop_offset;   /* container offset of its From_ line */
    char *drop_marker;
    tl_mbox_emit_fn emit;
    void *user_data;
};

tl_mbox *
tl_mbox_new(uint64_t base, uint64_t max_msg, tl_mbox_emit_fn emit, void *user_data)
{
    tl_mbox *m = g_new0(tl_mbox, 1);
    m->base = base;
    m->max_msg = max_msg ? max_msg : G_MAXUINT64;
    m->emit = emit;
    m->user_data = user_data;
    return m;
}

void
tl_mbox_free(tl_mbox *m)
{
    if (!m)
        return;
    tl_chunk_unref(m->chunk);
    g_free(m->drop_marker);
    g_free(m);
}

void
tl_mbox_set_index(tl_mbox *m, uint64_t index)
{
    m->count = index;
}

uint64_t
tl_mbox_count(const tl_mbox *m)
{
    return m->count;
}

/* Copies the From_ line at buf[s..] (up to e, the '\n' or the end). */
static char *
marker_dup(const uint8_t *p, size_t n)
{
    if (n > 0 && p[n - 1] == '\r')
        n--;
    if (n > MARKER_MAX)
        n = MARKER_MAX;
    return g_strndup((const char *)p, n);
}

/* Emits the message buf[s, e): s is the start of its From_ line (or of the
 * preamble for a first message without one). */
static int
emit_range(tl_mbox *m, size_t s, size_t e)
{
    tl_mbox_msg msg = { 0 };
    char *marker = NULL;
    int rc;

    if (m->in_preamble) {
        /* Bytes before the first From_ line: reported, not a message. */
        m->in_preamble = 0;
        msg.preamble = 1;
        if (m->dropping) {
            /* Junk over the size limit: its whole extent, no bytes (found
             * by fuzz_mbox: it was reported twice, as junk from where the
             * dropping had got to and as an oversized message). */
            msg.offset = m->drop_offset;
            msg.len = (size_t)(m->base + e - m->drop_offset);
            g_clear_pointer(&m->drop_marker, g_free);
            m->dropping = 0;
            return m->emit(&msg, m->user_data);
        }
        msg.offset = m->base + s;
        msg.len = e - s;
        msg.data = m->buf + s;
        msg.chunk = m->chunk;
        return m->emit(&msg, m->user_data);
    }
    msg.index = m->count++;
    if (m->dropping) {
        msg.oversized = 1;
        msg.offset = m->drop_offset;
        msg.marker_offset = m->drop_offset;
        msg.len = (size_t)(m->base + e - m->drop_offset);
        msg.marker = m->drop_marker;
        rc = m->emit(&msg, m->user_data);
        g_clear_pointer(&m->drop_marker, g_free);
        m->dropping = 0;
        return rc;
    }
    size_t body = s;
    msg.marker_offset = m->base + s;
    if (e - s >= 5 && memcmp(m->buf + s, "From ", 5) == 0) {
        const uint8_t *nl = memchr(m->buf + s, '\n', e - s);
        size_t le = nl ? (size_t)(nl - m->buf) : e;
        marker = marker_dup(m->buf + s, le - s);
        body = nl ? le + 1 : e;
    }
    size_t n = e - body;
    /* Drop the blank line that separates this message from the next. */
    if (n >= 4 && memcmp(m->buf + e - 4, "\r\n\r\n", 4) == 0)
        n -= 2;
    else if (n >= 2 && m->buf[e - 1] == '\n' && m->buf[e - 2] == '\n')
        n -= 1;
    msg.data = m->buf + body;
    msg.chunk = m->chunk;
    msg.len = n;
    msg.offset = m->base + body;
    msg.marker = marker;
    rc = m->emit(&msg, m->user_data);
    g_free(marker);
    return rc;
}

/* Is the "From " line at p (avail bytes from there) a separator?  blank:
 * a blank line precedes it.  -1 when more bytes are needed to tell. */
static int
is_separator(const uint8_t *p, size_t avail, int blank, int final)
{
    if (avail < LOOKAHEAD && !final)
        return -1;
    const uint8_t *nl = memchr(p, '\n', avail);
    if (!nl)
        return 0;
    size_t e = (size_t)(nl - p);
    /* git format-patch writes this fixed line at the top of every patch */
    if (e >= 30 && memmem(p, e, " Mon Sep 17 00:00:00 2001", 25))
        return 0;
    const uint8_t *h = nl + 1;
    size_t hl = avail - e - 1;
    int envelope = tl_sniff_envelope(p, e);
    if (hl > 0 && (blank || envelope) && tl_sniff_headers(h, hl))
        return 1;
    if (blank && envelope && (hl == 0 || h[0] == '\n' || h[0] == '\r'))
        return 1;
    return 0;
}

#define CL_HEADER_MAX (256u << 10)  /* header block searched for Content-Length */

/* Looks at the current message's header block for a Content-Length
 * (mboxcl, mboxcl2, Solaris).  Sets cl_state to 1 (and cl_end) or 2; returns
 * -1 when the header block is not wholly in the buffer yet. */
static int
find_content_length(tl_mbox *m)
{
    const uint8_t *s = m->buf + m->start, *end = m->buf + m->len;
    const uint8_t *nl = memchr(s, '\n', (size_t)(end - s));
    if (!nl)
        return m->final ? (m->cl_state = 2, 0) : -1;
    const uint8_t *h = nl + 1, *body = NULL;
    for (const uint8_t *q = h; q < end && (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++) {
        if (q + 1 < end && q[1] == '\n') {
            body = q + 2;
            break;
        }
        if (q + 2 < end && q[1] == '\r' && q[2] == '\n') {
            body = q + 3;
            break;
        }
    }
    if (!body) {
        if (!m->final && (size_t)(end - h) < CL_HEADER_MAX)
            return -1;
        m->cl_state = 2;
        return 0;
    }
    m->cl_state = 2;
    for (const uint8_t *line = h; line < body;) {
        const uint8_t *e = memchr(line, '\n', (size_t)(body - line));
        size_t n = e ? (size_t)(e - line) : (size_t)(body - line);
        if (n > 15 && g_ascii_strncasecmp((const char *)line, "Content-Length:", 15) == 0) {
            char num[24];
            size_t k = MIN(n - 15, sizeof num - 1);
            memcpy(num, line + 15, k);
            num[k] = '\0';
            char *stop = NULL;
            guint64 v = g_ascii_strtoull(g_strstrip(num), &stop, 10);
            if (stop && *stop == '\0' && num[0] && v <= m->max_msg) {
                m->cl_state = 1;
                m->cl_end = m->base + (uint64_t)(body - m->buf) + v;
            }
            break;
        }
        line += n + 1;
    }
    return 0;
}

/* Looks for separators in buf[scan, len) and emits every complete message. */
static int
split(tl_mbox *m)
{
    for (;;) {
        /* A Content-Length that lands exactly on a blank line and a From_
         * line (or on the end) decides the boundary; body lines that look
         * like separators before it are body.  Any other value is ignored. */
        if (m->cl_state == 0 && !m->in_preamble && !m->dropping && find_content_length(m) < 0)
            return 0;
        if (m->cl_state == 1) {
            if (m->cl_end + 6 > m->base + m->len && !m->final)
                return 0;                           /* wait for the bytes there */
            if (m->cl_end < m->base + m->len) {
                size_t q = (size_t)(m->cl_end - m->base);
                int crlf = q + 1 < m->len && m->buf[q] == '\r' && m->buf[q + 1] == '\n';
                size_t f = q + (crlf ? 2 : 1);
                if ((m->buf[q] == '\n' || crlf) && f + 5 <= m->len && memcmp(m->buf + f, "From ", 5) == 0) {
                    int rc = emit_range(m, m->start, f);
                    m->start = f;
                    m->scan = f;
                    m->cl_state = 0;
                    if (rc)
                        return rc;
                    continue;
                }
            }
            if (m->final && m->cl_end <= m->base + m->len) {
                size_t q = (size_t)(m->cl_end - m->base);
                while (q < m->len && (m->buf[q] == '\n' || m->buf[q] == '\r'))
                    q++;
                if (q == m->len)
                    return 0;       /* the last message runs to the end, as announced */
            }
            m->cl_state = 2;        /* points elsewhere: not trusted */
        }
        if (m->len - m->scan < 6)
            break;
        const uint8_t *p = memmem(m->buf + m->scan, m->len - m->scan, "\nFrom ", 6);
        if (!p) {
            m->scan = m->len - 5;
            break;
        }
        size_t q = (size_t)(p - m->buf);
        m->scan = q + 1;
        if (q < 1 || q - 1 < m->start)
            continue;
        int blank = m->buf[q - 1] == '\n' ||
                    (m->buf[q - 1] == '\r' && q >= 2 && q - 2 >= m->start && m->buf[q - 2] == '\n');
        int sep = is_separator(m->buf + q + 1, m->len - q - 1, blank, m->final);
        if (sep < 0) {
            m->scan = q;            /* judge it when more bytes have come */
            break;
        }
        if (!sep)
            continue;
        int rc = emit_range(m, m->start, q + 1);
        m->start = q + 1;
        m->cl_state = 0;
        if (rc)
            return rc;
    }
    return 0;
}

uint8_t *
tl_mbox_reserve(tl_mbox *m, size_t len)
{
    if (m->len + len > m->cap) {
        /* A new chunk with the current (partial) message at its start; the
         * old one lives on while messages cut from it are in flight. */
        size_t keep = m->len - m->start;
        size_t cap = MAX((size_t)CHUNK_MIN, 2 * (keep + len));
        tl_chunk *c = tl_chunk_new(cap);
        if (keep)
            memcpy(tl_chunk_data(c), m->buf + m->start, keep);
        tl_chunk_unref(m->chunk);
        m->chunk = c;
        m->buf = tl_chunk_data(c);
        m->cap = cap;
        m->len = keep;
        m->scan = m->scan > m->start ? m->scan - m->start : 0;
        m->base += m->start;
        m->start = 0;
    }
    return m->buf + m->len;
}

tl_chunk *
tl_mbox_chunk(const tl_mbox *m)
{
    return m->chunk;
}

int
tl_mbox_feed(tl_mbox *m, const uint8_t *data, size_t len)
{
    memcpy(tl_mbox_reserve(m, len), data, len);
    return tl_mbox_commit(m, len);
}

int
tl_mbox_commit(tl_mbox *m, size_t len)
{
    int rc;
    g_assert(m->len + len <= m->cap);
    m->len += len;
    if (!m->started && m->len >= 5) {
        m->started = 1;
        m->in_preamble = memcmp(m->buf, "From ", 5) != 0;
    }
    if ((rc = split(m)))
        return rc;
    /* Over the limit: remember the message and drop its bytes as they come. */
    if (!m->dropping && m->len - m->start > m->max_msg) {
        const uint8_t *s = m->buf + m->start;
        const uint8_t *nl = memchr(s, '\n', m->len - m->start);
        m->dropping = 1;
        m->drop_offset = m->base + m->start;
        if (m->len - m->start >= 5 && memcmp(s, "From ", 5) == 0)
            m->drop_marker = marker_dup(s, nl ? (size_t)(nl - s) : MIN(m->len - m->start, (size_t)MARKER_MAX));
    }
    /* While dropping, keep only what the separator search still needs: from
     * two bytes before where it resumes (the blank-line test looks back). */
    if (m->dropping && m->scan > KEEP_TAIL && m->scan - 2 > m->start)
        m->start = m->scan - 2;
    return 0;
}

int
tl_mbox_finish(tl_mbox *m)
{
    int rc;
    m->final = 1;
    if (!m->buf)
        return 0;       /* nothing was fed (found by fuzz_mbox: pointer arithmetic on NULL) */
    if ((rc = split(m)) != 0)
        return rc;
    if (m->len > m->start || m->dropping)
        return emit_range(m, m->start, m->len);
    return 0;
}
