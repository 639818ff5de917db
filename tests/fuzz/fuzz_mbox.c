/*
 * fuzz_mbox.c - libFuzzer harness of the mbox splitter (parsers/mbox.c).
 * The input's length picks the block size it is fed in; every message
 * must lie inside the input, in order, and never overlap the next.
 */
#include "parsers/parsers.h"

typedef struct {
    size_t len;
    uint64_t end;       /* end of the last message or dropped extent */
} ctx;

static int
on_msg(const tl_mbox_msg *m, void *data)
{
    ctx *c = data;
    if (m->offset + m->len > c->len || m->offset < c->end)
        __builtin_trap();
    if (!m->preamble && !m->oversized && m->marker_offset > m->offset)
        __builtin_trap();
    c->end = m->offset + m->len;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t block = (size % 251) * 37 + 1;
    ctx c = { size, 0 };
    tl_mbox *m = tl_mbox_new(0, 4096, on_msg, &c);
    for (size_t off = 0; off < size; off += block)
        tl_mbox_feed(m, data + off, MIN(block, size - off));
    tl_mbox_finish(m);
    tl_mbox_free(m);
    return 0;
}
