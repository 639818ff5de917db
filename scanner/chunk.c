/*
 * chunk.c - refcounted byte buffers: the mbox splitter reads into one, the
 * messages cut from it borrow it (a reference each) instead of copying,
 * and the background hasher may keep one until it has hashed its bytes.
 *
 * Chunks of at least TL_CHUNK_SIZE (the splitter's usual buffer) go to a
 * free list when their last reference goes, and a new chunk is taken from
 * it when one there is large enough: a fresh multi-megabyte buffer costs a
 * page fault for every 4 KiB page the reader writes into it (glibc gives
 * such blocks back to the kernel when they are freed), and faults are dear
 * on this kind of VM: on the bench corpus at -j 2 they were about 10 % of
 * the reader thread's CPU, and recycling took 6 to 8 % off the scan's CPU
 * (docs/bench.md).  The list holds at most POOL_BYTES: what it keeps is
 * resident memory nothing else can use, so it stays small (with 64 MiB,
 * a scan of 40,000 messages peaked at 109 MiB instead of 73; with 8 MiB
 * at about 80, whatever the size of the archive).
 */
#include "scanner/base.h"

#define POOL_BYTES ((size_t)8 << 20)   /* kept on the free list at most: two chunks */

struct tl_chunk {
    gint ref;
    size_t cap;
    tl_chunk *next;         /* on the free list */
    uint8_t data[];
};

static struct {
    GMutex lock;
    tl_chunk *head;
    size_t bytes;
} pool;

tl_chunk *
tl_chunk_ref(tl_chunk *c)
{
    g_atomic_int_inc(&c->ref);
    return c;
}

void
tl_chunk_unref(tl_chunk *c)
{
    if (!c || !g_atomic_int_dec_and_test(&c->ref))
        return;
    if (c->cap >= TL_CHUNK_SIZE) {
        g_mutex_lock(&pool.lock);
        if (pool.bytes + c->cap <= POOL_BYTES) {
            c->next = pool.head;
            pool.head = c;
            pool.bytes += c->cap;
            c = NULL;
        }
        g_mutex_unlock(&pool.lock);
    }
    g_free(c);
}

tl_chunk *
tl_chunk_new(size_t cap)
{
    tl_chunk *c = NULL;
    if (cap >= TL_CHUNK_SIZE) {
        g_mutex_lock(&pool.lock);
        for (tl_chunk **p = &pool.head; *p; p = &(*p)->next)
            if ((*p)->cap >= cap) {
                c = *p;
                *p = c->next;
                pool.bytes -= c->cap;
                break;
            }
        g_mutex_unlock(&pool.lock);
    }
    if (!c) {
        c = g_malloc(sizeof *c + cap);
        c->cap = cap;
    }
    c->ref = 1;
    c->next = NULL;
    return c;
}

size_t
tl_chunk_cap(const tl_chunk *c)
{
    return c->cap;
}

uint8_t *
tl_chunk_data(tl_chunk *c)
{
    return c->data;
}
