/*
 * digest.c - SHA-256 through libcrypto's EVP interface.
 *
 * Every message and every container is hashed, so the digest sits on the hot
 * path: OpenSSL uses the CPU's SHA extensions and runs about 4 to 5 times
 * faster than GLib's GChecksum here (research/performance.md).
 *
 * Containers are hashed by the reader thread, which is the one stage that
 * cannot run in parallel.  So that it does not spend a third of its time
 * hashing, large updates are handed to one background hasher thread, in
 * order: bytes that lie in a refcounted splitter chunk are hashed in place
 * (the hasher holds a reference until done; at most BG_CHUNK_BYTES of them
 * wait), other bytes are copied into a pooled 1 MiB block (copying is five
 * times cheaper than hashing).  tl_sha256_finish() waits for the digest's
 * pending blocks.  Memory is bounded and a slow hasher makes the reader
 * wait.  Small digests (single
 * messages) are computed inline, where a hand-off would cost more than it
 * saves.  With -j 1 nothing goes to the hasher: every stage runs inline.
 */
#include <openssl/evp.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base.h"

#define BG_MIN (64u << 10)      /* updates at least this large go to the hasher */
#define BG_BLOCK (1u << 20)
#define POOL_BLOCKS 8
#define BG_CHUNK_BYTES (32 << 20)   /* borrowed bytes the hasher may lag behind */

struct tl_sha256 {
    EVP_MD_CTX *ctx;
    int background;         /* large updates may go to the hasher thread */
    int async;              /* blocks went to the hasher: every update must */
    tl_wait *pending;       /* blocks queued and not yet hashed */
};

typedef struct {
    tl_sha256 *h;
    const guint8 *data;
    size_t len;
    guint8 *block;          /* a pool block holding a copy of the bytes, or NULL */
    tl_chunk *chunk;        /* the reader's chunk holding them, or NULL */
} bg_item;

static struct {
    tl_queue *work;         /* bg_item* */
    tl_queue *free;         /* guint8* blocks of BG_BLOCK bytes */
    tl_gate *chunks;        /* bytes of borrowed chunks waiting to be hashed */
    GThread *thread;
} bg;

static void
to_hex(const unsigned char *md, unsigned n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * n] = '\0';
}

void
tl_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32)
        g_error("EVP_Digest(sha256) failed");
    to_hex(md, n, out);
}

static gpointer
hasher_main(gpointer unused)
{
    (void)unused;
    for (;;) {
        bg_item *it = tl_queue_pop(bg.work);
        if (!EVP_DigestUpdate(it->h->ctx, it->data, it->len))
            g_error("EVP_DigestUpdate failed");
        if (it->block)
            tl_queue_push(bg.free, it->block);
        if (it->chunk) {
            tl_chunk_unref(it->chunk);
            tl_gate_give(bg.chunks, 1, (int64_t)it->len);
        }
        tl_wait_add(it->h->pending, -1);
        g_free(it);
    }
    return NULL;
}

/* Starts the hasher thread and its pool, once per process. */
static void
hasher_start(void)
{
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        bg.work = tl_queue_new();
        bg.free = tl_queue_new();
        for (int i = 0; i < POOL_BLOCKS; i++)
            tl_queue_push(bg.free, g_malloc(BG_BLOCK));
        bg.chunks = tl_gate_new(64, BG_CHUNK_BYTES);
        bg.thread = g_thread_new("tl-hasher", hasher_main, NULL);
        g_once_init_leave(&once, 1);
    }
}

tl_sha256 *
tl_sha256_new(int background)
{
    tl_sha256 *h = g_new0(tl_sha256, 1);
    h->background = background;
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || !EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL))
        g_error("EVP_DigestInit_ex(sha256) failed");
    h->pending = tl_wait_new();
    return h;
}

void
tl_sha256_update(tl_sha256 *h, const void *data, size_t len)
{
    if (len == 0)
        return;
    if (!h->async && (len < BG_MIN || !h->background)) {
        if (!EVP_DigestUpdate(h->ctx, data, len))
            g_error("EVP_DigestUpdate failed");
        return;
    }
    hasher_start();
    h->async = 1;
    const guint8 *p = data;
    while (len > 0) {
        size_t n = MIN(len, (size_t)BG_BLOCK);
        bg_item *it = g_new0(bg_item, 1);
        it->h = h;
        it->block = tl_queue_pop(bg.free);         /* waits when the pool is empty */
        it->data = it->block;
        it->len = n;
        memcpy(it->block, p, n);
        tl_wait_add(h->pending, 1);
        tl_queue_push(bg.work, it);
        p += n;
        len -= n;
    }
}

void
tl_sha256_update_chunk(tl_sha256 *h, const void *data, size_t len, tl_chunk *chunk)
{
    if (len == 0)
        return;
    if (!h->async && (len < BG_MIN || !h->background)) {
        if (!EVP_DigestUpdate(h->ctx, data, len))
            g_error("EVP_DigestUpdate failed");
        return;
    }
    hasher_start();
    h->async = 1;
    tl_gate_take(bg.chunks, (int64_t)len);     /* waits when the hasher is far behind */
    bg_item *it = g_new0(bg_item, 1);
    it->h = h;
    it->data = data;
    it->len = len;
    it->chunk = tl_chunk_ref(chunk);
    tl_wait_add(h->pending, 1);
    tl_queue_push(bg.work, it);
}

void
tl_sha256_finish(tl_sha256 *h, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    tl_wait_zero(h->pending);
    if (!EVP_DigestFinal_ex(h->ctx, md, &n) || n != 32)
        g_error("EVP_DigestFinal_ex failed");
    to_hex(md, n, out);
    EVP_MD_CTX_free(h->ctx);
    tl_wait_free(h->pending);
    g_free(h);
}

int
tl_sha256_fd(int fd, char out[65])
{
    tl_sha256 *h = tl_sha256_new(0);
    enum { BUF = 1 << 17 };
    char *buf = g_malloc(BUF);
    ssize_t n;
    while ((n = read(fd, buf, BUF)) > 0)
        tl_sha256_update(h, buf, (size_t)n);
    int e = n < 0 ? errno : 0;
    g_free(buf);
    tl_sha256_finish(h, out);
    return e;
}

/* The next line at or after p that starts with '>'s and "From ", or NULL.
 * '>' is rare in mail (never in base64), so memchr skips most bytes. */
static const uint8_t *
next_quoted_from(const uint8_t *data, const uint8_t *p, const uint8_t *end)
{
    while ((p = memchr(p, '>', (size_t)(end - p)))) {
        if (p == data || p[-1] == '\n') {
            const uint8_t *c = p;
            while (c < end && *c == '>')
                c++;
            if (end - c >= 5 && memcmp(c, "From ", 5) == 0)
                return p;
            p = c;
        } else
            p++;
    }
    return NULL;
}

void
tl_message_identity(const uint8_t *data, size_t len, const char sha256[65], int from_mbox, char out[65])
{
    const uint8_t *end = data + len, *q = from_mbox ? next_quoted_from(data, data, end) : NULL;
    if (!q) {
        memcpy(out, sha256, 65);
        return;
    }
    /* the bytes between quoted lines, each quoted line without its first '>' */
    tl_sha256 *h = tl_sha256_new(0);
    const uint8_t *start = data;
    for (; q; q = next_quoted_from(data, q + 1, end)) {
        tl_sha256_update(h, start, (size_t)(q - start));
        start = q + 1;
    }
    tl_sha256_update(h, start, (size_t)(end - start));
    tl_sha256_finish(h, out);
}
