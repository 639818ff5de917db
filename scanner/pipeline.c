/*
 * pipeline.c - one reader, N workers, one writer (the pigz shape).
 *
 * Design.  The reader (the calling thread) walks the paths and emits jobs,
 * which are gathered into batches of up to 16; each batch gets a sequence
 * number.  A batch that holds a message goes to the work queue, where N
 * worker threads parse its messages (GMime) and check their recipients; a
 * batch of other jobs (sources beginning or ending, errors) goes straight
 * to the writer's queue.  The writer thread takes batches as they come and
 * writes them to SQLite strictly in sequence order, holding early arrivals
 * in a ring.  Batching pays a queue operation, and the wake-up of a
 * sleeping thread, once per batch instead of once per job.
 *
 * Memory is flat because the reader must take a slot (and room in the byte
 * budget) before it adds a job and the writer gives them back once the job
 * is written: at most `slots` jobs exist at any time (queue_depth per
 * worker) and at most max_inflight message bytes (one larger message may
 * enter alone), so a slow writer or slow workers block the reader instead
 * of filling memory, and the ring never holds more than `slots` batches.
 * There are 16 slots per worker: enough that a large message, which the
 * writer must wait for to keep the order, stalls the small ones behind it
 * for no more than the time of a few of them, and few enough that what
 * the jobs hold beside their bytes (the chunks they borrow, their records
 * waiting for the writer) stays small: against 64, the same wall time on
 * the bench corpora and the catcher, 5-9 MiB less peak memory and 3-8 %
 * less CPU (docs/bench.md).  The byte budget bounds the bytes.  The reader
 * never waits for room while it holds a partial batch: it sends the batch
 * first.
 *
 * Shut-down: after the last path the reader sends its last batch, then one
 * STOP batch per worker through the work queue, joins the workers (checking
 * that every one came back), then a final STOP batch with the next sequence
 * number to the writer, which ends when it reaches it.
 *
 * With -j 1 there are no threads: each job is processed and written inline,
 * in the same order and with the same code.
 *
 * If the writer fails (disk full, locked database), it records the error,
 * keeps consuming jobs without writing them and the reader stops at its next
 * emission: the run ends with TL_ERR_DB.
 */
#include <string.h>
#include <sys/stat.h>

#include "scanner/job.h"
#include "scanner/typo/typo.h"
#include "scanner/detect/detect.h"
#include "parsers/parsers.h"
#include "db/writer.h"

/* Jobs travel in batches, so that a queue operation, and the wake-up of a
 * sleeping thread, is paid once per batch rather than once per job. */
typedef struct {
    uint64_t seq;               /* batch order; the writer writes in this order */
    int stop;                   /* sentinel */
    int n_messages;             /* jobs for the workers */
    int64_t bytes;              /* message bytes, for the gate */
    GPtrArray *jobs;            /* tl_job*, in emission order */
} batch;

typedef struct {
    const tl_scan_options *opt;
    const tl_protect *protect;
    guint8 *case_key;           /* NULL when nothing is classified */
    gsize case_key_len;
    tl_writer *writer;
    uint64_t seq;               /* next sequence number */
    /* threaded mode */
    tl_queue *work;             /* message jobs for the workers */
    tl_queue *done;             /* every job, for the writer */
    tl_gate *gate;              /* jobs and message bytes in flight */
    int nslots;
    batch *cur;                 /* the batch the reader is filling */
    int batch_max;              /* jobs per batch */
    gint failed;                /* the writer failed: stop emitting */
    tl_status_t writer_status;
    /* inline mode */
    tl_worker *inline_worker;
    gint64 last_progress;
} pipeline;

static int64_t
job_bytes(const tl_job *j)
{
    return j->raw ? (int64_t)j->raw->len : 0;
}

/* Calls the progress callback at most twice a second (writer side). */
static void
progress(pipeline *p, int force)
{
    if (!p->opt->progress)
        return;
    gint64 now = g_get_monotonic_time();
    if (!force && now - p->last_progress < 500000)
        return;
    p->last_progress = now;
    tl_scan_stats s;
    tl_writer_stats(p->writer, &s);
    p->opt->progress(&s, p->opt->progress_data);
}

static batch *
batch_new(void)
{
    batch *b = g_new0(batch, 1);
    b->jobs = g_ptr_array_new();
    return b;
}

static void
batch_free(batch *b)
{
    g_ptr_array_free(b->jobs, TRUE);
    g_free(b);
}

/* Sends the reader's current batch on: to the workers when it holds a
 * message, else straight to the writer. */
static void
flush(pipeline *p)
{
    batch *b = p->cur;
    if (!b)
        return;
    p->cur = NULL;
    b->seq = p->seq++;
    tl_queue_push(b->n_messages ? p->work : p->done, b);
}

/* The reader's emit callback. */
static int
emit_job(tl_job *job, void *data)
{
    pipeline *p = data;
    if (p->inline_worker) {
        if (job->type == TL_JOB_MESSAGE)
            tl_worker_process(p->inline_worker, job);
        tl_status_t st = tl_writer_put(p->writer, job);
        progress(p, 0);
        if (st != TL_OK) {
            p->writer_status = st;
            g_atomic_int_set(&p->failed, 1);
        }
        return g_atomic_int_get(&p->failed);
    }
    /* Never wait for room while holding jobs of our own: they may be what
     * fills the gate. */
    int64_t bytes = job_bytes(job);
    if (!tl_gate_try_take(p->gate, bytes)) {
        flush(p);
        tl_gate_take(p->gate, bytes);
    }
    if (!p->cur)
        p->cur = batch_new();
    g_ptr_array_add(p->cur->jobs, job);
    p->cur->bytes += bytes;
    p->cur->n_messages += job->type == TL_JOB_MESSAGE;
    if ((int)p->cur->jobs->len >= p->batch_max)
        flush(p);
    return g_atomic_int_get(&p->failed);
}

/* A worker with its own detector when the scan classifies. */
static tl_worker *
worker_new(const pipeline *p)
{
    tl_worker *w = tl_worker_new(p->protect, p->opt->full_parse);
    if (p->case_key) {
        char *err = NULL;
        tl_detector *d = tl_detector_new(p->case_key, p->case_key_len, &err);
        g_assert(d != NULL);    /* tl_scan checked the CPU before any worker */
        g_free(err);
        tl_worker_set_classifier(w, p->opt->classify, d);
        tl_worker_set_index_text(w, p->opt->index_text);
        tl_worker_set_limits(w, p->opt);
    }
    return w;
}

static gpointer
worker_main(gpointer data)
{
    pipeline *p = data;
    tl_worker *w = worker_new(p);
    for (;;) {
        batch *b = tl_queue_pop(p->work);
        if (b->stop) {
            batch_free(b);
            break;
        }
        for (guint i = 0; i < b->jobs->len; i++) {
            tl_job *job = b->jobs->pdata[i];
            if (job->type == TL_JOB_MESSAGE)
                tl_worker_process(w, job);
        }
        tl_queue_push(p->done, b);
    }
    tl_worker_free(w);
    return GINT_TO_POINTER(1);
}

static gpointer
writer_main(gpointer data)
{
    pipeline *p = data;
    size_t ringn = (size_t)p->nslots + 1;   /* batches in flight <= jobs in flight */
    batch **ring = g_new0(batch *, ringn);
    uint64_t next = 0;
    for (;;) {
        batch *b = tl_queue_pop(p->done);
        g_assert(b->seq >= next && b->seq < next + ringn);
        g_assert(ring[b->seq % ringn] == NULL);
        ring[b->seq % ringn] = b;
        while ((b = ring[next % ringn]) != NULL) {
            ring[next % ringn] = NULL;
            next++;
            if (b->stop) {
                batch_free(b);
                g_free(ring);
                return NULL;
            }
            for (guint i = 0; i < b->jobs->len; i++) {
                tl_job *job = b->jobs->pdata[i];
                if (!g_atomic_int_get(&p->failed)) {
                    tl_status_t st = tl_writer_put(p->writer, job);
                    if (st != TL_OK) {
                        p->writer_status = st;
                        g_atomic_int_set(&p->failed, 1);
                    }
                } else
                    tl_job_free(job);
            }
            progress(p, 0);
            tl_gate_give(p->gate, (int)b->jobs->len, b->bytes);
            batch_free(b);
        }
    }
}

void
tl_scan_options_init(tl_scan_options *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = (int)g_get_num_processors();
    o->max_depth = 8;
    o->max_message = 256u << 20;
    o->max_nested = 1u << 30;
    o->max_expand = (uint64_t)64 << 30;
    o->max_ratio = 200;
    o->max_entries = 1000000;
    o->max_headers = 10000;
    o->max_header_bytes = 1u << 20;
    o->max_mime_depth = 64;
    o->max_parts = 10000;
    o->max_text = 32u << 20;
    tl_text_limits t;
    tl_text_limits_init(&t);
    o->max_part_text = t.max_part;
    o->max_part_depth = (uint64_t)t.max_depth;
    o->max_pdf_pages = (uint64_t)t.pdf_pages;
    o->max_pdf_seconds = t.pdf_seconds;
    o->max_sheet_cells = t.sheet_cells;
    o->max_xml_bytes = t.xml_bytes;
    o->max_unpacked = t.unpacked;
    o->max_xml_entities = t.xml_entities;
    o->queue_depth = 16;
    o->max_inflight = 64u << 20;
    o->classify = TL_CLASSIFY_FLAGGED;
}


/* The scan's own files as they are now, "dev:ino" -> what they are: the
 * walker records them as TL_SKIP_OWN instead of reading them. */
static GHashTable *
own_files(const tl_scan_options *o)
{
    GHashTable *own = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char *text = tl_text_db_path(o->db_path);
    char *key = o->case_key_path ? g_strdup(o->case_key_path) : g_strconcat(o->db_path, ".casekey", NULL);
    const char *bases[] = { o->db_path, text };
    const char *sfx[] = { "", "-wal", "-shm", "-journal" };
    for (size_t b = 0; b < G_N_ELEMENTS(bases); b++)
        for (size_t i = 0; i < G_N_ELEMENTS(sfx); i++) {
            char *path = g_strconcat(bases[b], sfx[i], NULL);
            struct stat st;
            if (stat(path, &st) == 0)
                g_hash_table_insert(own, g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino),
                                    g_strdup_printf("this scan's %s%s%s%s", b ? "text index" : "database",
                                                    *sfx[i] ? "'s " : "", sfx[i], *sfx[i] ? " file" : ""));
            g_free(path);
        }
    struct stat st;
    if (stat(key, &st) == 0)
        g_hash_table_insert(own, g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino),
                            g_strdup("this scan's case key"));
    g_free(key);
    g_free(text);
    return own;
}

static tl_status_t
scan_run(const tl_scan_options *o, const char *const *paths, int npaths, GHashTable *owned, tl_scan_stats *stats,
         char **errmsg)
{
    pipeline p = { 0 };
    tl_protect *own = NULL;
    tl_status_t st;

    if (!o->db_path || o->jobs < 1 || o->max_depth < 0 || o->queue_depth < 1) {
        if (errmsg)
            *errmsg = g_strdup("invalid scan options (db path, jobs >= 1, queue depth >= 1)");
        return TL_ERR_USAGE;
    }
    /* make bench's figure (docs/bench.md): the start, one core's work
     * before any message is read */
    gint64 t_start = g_get_monotonic_time(), t_tables, t_db;
    tl_library_init();
    p.opt = o;
    p.protect = o->protect ? o->protect : (own = tl_protect_new_default());
    tl_protect_prepare(p.protect);      /* before any worker thread exists */
    t_tables = g_get_monotonic_time();
    p.writer = tl_writer_open(o, p.protect, &st, errmsg);
    t_db = g_get_monotonic_time();
    if (!p.writer) {
        tl_protect_free(own);
        return st;
    }
    char *rules = tl_detect_patterns_digest();
    st = tl_writer_set_custody(p.writer, tl_build_id(), rules, tl_psl_digest());
    g_free(rules);
    if (st != TL_OK) {
        if (errmsg)
            *errmsg = g_strdup(tl_writer_errmsg(p.writer));
        tl_writer_close(p.writer, "failed", NULL);
        tl_protect_free(own);
        return st;
    }
    GThread *compiler = NULL;
    if (o->classify != TL_CLASSIFY_NONE) {
        /* the case key; the pattern database is compiled in a thread of
         * its own while the scan starts (workers wait for it at their
         * first part); a key or CPU unfit ends the run before any reading */
        char *key_path = o->case_key_path ? g_strdup(o->case_key_path) : g_strconcat(o->db_path, ".casekey", NULL);
        char *why = NULL;
        st = tl_case_key_load(key_path, &p.case_key, &p.case_key_len, &why);
        g_free(key_path);
        if (st == TL_OK) {
            char id[33];
            tl_vhash(p.case_key, p.case_key_len, "typoleak case key id", id);
            if (tl_writer_set_case_key_id(p.writer, id) != TL_OK) {
                why = g_strdup(tl_writer_errmsg(p.writer));
                st = TL_ERR_DB;
            }
        }
        compiler = st == TL_OK ? tl_detect_compile_async(&why) : NULL;
        if (!compiler) {
            g_free(p.case_key);
            tl_writer_close(p.writer, "failed", NULL);
            tl_protect_free(own);
            if (errmsg)
                *errmsg = why;
            else
                g_free(why);
            return TL_ERR_USAGE;
        }
    }
    tl_walker w = { .opt = o, .emit = emit_job, .emit_data = &p, .own = own_files(o), .owned = owned };
    if (!o->rescan)
        w.done = tl_writer_done_files(p.writer);
    GThread **workers = NULL, *writer = NULL;
    if (o->jobs == 1) {
        p.inline_worker = worker_new(&p);
    } else {
        p.nslots = o->jobs * o->queue_depth;
        p.batch_max = CLAMP(p.nslots / 8, 1, 16);
        p.gate = tl_gate_new(p.nslots, (int64_t)o->max_inflight);
        p.work = tl_queue_new();
        p.done = tl_queue_new();
        writer = g_thread_new("tl-writer", writer_main, &p);
        workers = g_new0(GThread *, o->jobs);
        for (int i = 0; i < o->jobs; i++)
            workers[i] = g_thread_new("tl-worker", worker_main, &p);
    }

    if (g_getenv("TYPOLEAK_TIMING")) {
        gint64 now = g_get_monotonic_time();
        g_printerr("typoleak: start %.3f s (typo tables %.3f, database %.3f, custody, case key, patterns and"
                   " threads %.3f)\n", (double)(now - t_start) / 1e6, (double)(t_tables - t_start) / 1e6,
                   (double)(t_db - t_tables) / 1e6, (double)(now - t_db) / 1e6);
    }
    for (int i = 0; i < npaths && !w.stopped; i++)
        tl_walk_path(&w, paths[i]);

    if (o->jobs == 1) {
        tl_worker_free(p.inline_worker);
    } else {
        int joined = 0;
        flush(&p);
        for (int i = 0; i < o->jobs; i++) {
            batch *b = batch_new();
            b->stop = 1;
            tl_queue_push(p.work, b);
        }
        for (int i = 0; i < o->jobs; i++)
            joined += GPOINTER_TO_INT(g_thread_join(workers[i]));
        g_assert(joined == o->jobs);
        batch *stop = batch_new();
        stop->stop = 1;
        stop->seq = p.seq++;
        tl_queue_push(p.done, stop);
        g_thread_join(writer);
        g_free(workers);
        tl_queue_free(p.work);
        tl_queue_free(p.done);
        tl_gate_free(p.gate);
    }
    progress(&p, 1);
    if (w.done)
        g_hash_table_destroy(w.done);
    g_hash_table_destroy(w.own);
    int failed = g_atomic_int_get(&p.failed);
    int cancelled = !failed && o->cancel && *o->cancel;
    if (stats) {
        tl_writer_stats(p.writer, stats);
        stats->unchanged = w.unchanged;
        stats->path_errors = w.path_errors;
    }
    if (failed && errmsg)
        *errmsg = g_strdup(tl_writer_errmsg(p.writer));
    st = tl_writer_close(p.writer, failed ? "failed" : cancelled ? "interrupted" : "completed",
                         failed ? NULL : errmsg);
    if (cancelled && st == TL_OK) {
        st = TL_INTERRUPTED;
        if (errmsg)
            *errmsg = g_strdup("interrupted: what was read is kept; run the same command again to finish");
    }
    if (compiler)
        g_thread_join(compiler);
    if (p.case_key)
        memset(p.case_key, 0, p.case_key_len);
    g_free(p.case_key);
    tl_protect_free(own);
    return failed ? p.writer_status : st;
}

tl_status_t
tl_scan(const tl_scan_options *o, const char *const *paths, int npaths, tl_scan_stats *stats, char **errmsg)
{
    if (!o->shard_path)
        return scan_run(o, paths, npaths, NULL, stats, errmsg);
    /* A shard of a plan (typoleak plan): the plan's paths, walked as a scan
     * of the whole walks them, reading only the files and ranges the shard
     * owns; the run records which shard it is. */
    char *why = NULL;
    tl_shard *sh = tl_shard_load(o->shard_path, &why);
    if (!sh) {
        if (errmsg)
            *errmsg = why;
        else
            g_free(why);
        return TL_ERR_USAGE;
    }
    if (npaths > 0) {
        int same = (int)g_strv_length(sh->paths) == npaths;
        for (int i = 0; same && i < npaths; i++)
            same = strcmp(paths[i], sh->paths[i]) == 0;
        if (!same) {
            if (errmsg)
                *errmsg = g_strdup_printf("the paths given are not those of the plan of %s: give none, or the "
                                          "plan's", o->shard_path);
            tl_shard_free(sh);
            return TL_ERR_USAGE;
        }
    }
    tl_scan_options so = *o;
    so.shard_plan = sh->plan;
    so.shard_index = sh->index;
    so.shard_count = sh->count;
    tl_status_t st = scan_run(&so, (const char *const *)sh->paths, (int)g_strv_length(sh->paths), sh->owned, stats,
                              errmsg);
    tl_shard_free(sh);
    return st;
}
