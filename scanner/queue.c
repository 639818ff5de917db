/*
 * queue.c - the few thread primitives the pipeline needs, on pthreads.
 *
 * This is the only file that includes pthread.h (as pigz keeps its threads
 * in yarn.c).  GLib's GMutex and GAsyncQueue would do the same work, but
 * they sleep on raw futexes, which ThreadSanitizer cannot see: every
 * hand-off between our threads would look like a data race and `make tsan`
 * would be useless.  Threads themselves are still GThreads.
 *
 *   tl_queue  an unbounded FIFO of pointers; pop waits for an item.  The
 *             pipeline bounds what is in it with a tl_gate.
 *   tl_gate   admission control: a number of slots and a byte budget.
 *             take() waits until a slot and the bytes are free (try_take()
 *             does not wait); an item larger than the whole budget is let
 *             in when nothing else is in, so that it cannot wait forever.
 *   tl_wait   a counter that can be waited on until it drops to zero.
 *   tl_once   runs a function once, whatever the thread (for what is
 *             built lazily and then shared).
 *
 * A failed pthread call is a bug or a broken system: it aborts with the
 * place (yarn's fail()), since no caller could do anything useful with it.
 */
#include <pthread.h>
#include <string.h>

#include "scanner/base.h"

#define CHECK(call)                                                                 \
    do {                                                                            \
        int rc_ = (call);                                                           \
        if (rc_ != 0)                                                               \
            g_error("%s:%d: %s: %s", __FILE__, __LINE__, #call, g_strerror(rc_));   \
    } while (0)

struct tl_queue {
    pthread_mutex_t lock;
    pthread_cond_t more;
    GQueue items;
};

tl_queue *
tl_queue_new(void)
{
    tl_queue *q = g_new0(tl_queue, 1);
    CHECK(pthread_mutex_init(&q->lock, NULL));
    CHECK(pthread_cond_init(&q->more, NULL));
    g_queue_init(&q->items);
    return q;
}

void
tl_queue_free(tl_queue *q)
{
    if (!q)
        return;
    g_assert(g_queue_is_empty(&q->items));
    CHECK(pthread_mutex_destroy(&q->lock));
    CHECK(pthread_cond_destroy(&q->more));
    g_free(q);
}

void
tl_queue_push(tl_queue *q, void *item)
{
    CHECK(pthread_mutex_lock(&q->lock));
    g_queue_push_tail(&q->items, item);
    CHECK(pthread_cond_signal(&q->more));
    CHECK(pthread_mutex_unlock(&q->lock));
}

void *
tl_queue_pop(tl_queue *q)
{
    CHECK(pthread_mutex_lock(&q->lock));
    while (g_queue_is_empty(&q->items))
        CHECK(pthread_cond_wait(&q->more, &q->lock));
    void *item = g_queue_pop_head(&q->items);
    CHECK(pthread_mutex_unlock(&q->lock));
    return item;
}

struct tl_gate {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int slots;              /* free slots */
    int64_t bytes;          /* free bytes */
    int64_t budget;         /* all bytes */
};

tl_gate *
tl_gate_new(int slots, int64_t budget)
{
    tl_gate *g = g_new0(tl_gate, 1);
    CHECK(pthread_mutex_init(&g->lock, NULL));
    CHECK(pthread_cond_init(&g->freed, NULL));
    g->slots = slots;
    g->bytes = g->budget = budget;
    return g;
}

void
tl_gate_free(tl_gate *g)
{
    if (!g)
        return;
    CHECK(pthread_mutex_destroy(&g->lock));
    CHECK(pthread_cond_destroy(&g->freed));
    g_free(g);
}

void
tl_gate_take(tl_gate *g, int64_t bytes)
{
    CHECK(pthread_mutex_lock(&g->lock));
    while (g->slots == 0 || (bytes > g->bytes && g->bytes < g->budget))
        CHECK(pthread_cond_wait(&g->freed, &g->lock));
    g->slots--;
    g->bytes -= bytes;
    CHECK(pthread_mutex_unlock(&g->lock));
}

int
tl_gate_try_take(tl_gate *g, int64_t bytes)
{
    int ok;
    CHECK(pthread_mutex_lock(&g->lock));
    ok = !(g->slots == 0 || (bytes > g->bytes && g->bytes < g->budget));
    if (ok) {
        g->slots--;
        g->bytes -= bytes;
    }
    CHECK(pthread_mutex_unlock(&g->lock));
    return ok;
}

void
tl_gate_give(tl_gate *g, int slots, int64_t bytes)
{
    CHECK(pthread_mutex_lock(&g->lock));
    g->slots += slots;
    g->bytes += bytes;
    CHECK(pthread_cond_broadcast(&g->freed));
    CHECK(pthread_mutex_unlock(&g->lock));
}

struct tl_wait {
    pthread_mutex_t lock;
    pthread_cond_t zero;
    int count;
};

tl_wait *
tl_wait_new(void)
{
    tl_wait *w = g_new0(tl_wait, 1);
    CHECK(pthread_mutex_init(&w->lock, NULL));
    CHECK(pthread_cond_init(&w->zero, NULL));
    return w;
}

void
tl_wait_free(tl_wait *w)
{
    if (!w)
        return;
    CHECK(pthread_mutex_destroy(&w->lock));
    CHECK(pthread_cond_destroy(&w->zero));
    g_free(w);
}

void
tl_wait_add(tl_wait *w, int n)
{
    CHECK(pthread_mutex_lock(&w->lock));
    w->count += n;
    if (w->count == 0)
        CHECK(pthread_cond_broadcast(&w->zero));
    CHECK(pthread_mutex_unlock(&w->lock));
}

void
tl_wait_zero(tl_wait *w)
{
    CHECK(pthread_mutex_lock(&w->lock));
    while (w->count > 0)
        CHECK(pthread_cond_wait(&w->zero, &w->lock));
    CHECK(pthread_mutex_unlock(&w->lock));
}

void
tl_once(tl_once_t *o, void (*fn)(void *), void *arg)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    CHECK(pthread_mutex_lock(&lock));
    if (!o->done) {
        fn(arg);
        o->done = 1;
    }
    CHECK(pthread_mutex_unlock(&lock));
}
