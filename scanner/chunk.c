/*
 * chunk.c - refcounted byte buffers: the mbox splitter reads into one, the
 * messages cut from it borrow it (a reference each) instead of copying,
 * and the background hasher may keep one until it has hashed its bytes.
 *
 * A chunk is freed when its last reference goes.  Keeping freed chunks on
 * a free list to read into again saved their page faults (about 5 % of a
 * scan's CPU on this VM) but measured as resident memory nothing else
 * could use: with 8 MiB kept, a 40,000-message scan peaked 6 MiB higher
 * and make bench's flatness check (10 times the corpus, at most 1.1 times
 * the peak) failed; docs/bench.md, "Issue 16, second stop".
 */
#include "scanner/base.h"

struct tl_chunk {
    gint ref;
    size_t cap;
    uint8_t data[];
};

tl_chunk *
tl_chunk_ref(tl_chunk *c)
{
    g_atomic_int_inc(&c->ref);
    return c;
}

void
tl_chunk_unref(tl_chunk *c)
{
    if (c && g_atomic_int_dec_and_test(&c->ref))
        g_free(c);
}

tl_chunk *
tl_chunk_new(size_t cap)
{
    tl_chunk *c = g_malloc(sizeof *c + cap);
    c->ref = 1;
    c->cap = cap;
    return c;
}

uint8_t *
tl_chunk_data(tl_chunk *c)
{
    return c->data;
}
