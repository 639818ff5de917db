/*
 * fuzz_archive.c - libFuzzer harness of the walker on an in-memory
 * archive (parsers/walk.c with libarchive and the mbox splitter): the
 * input is a memfd the walker reads as a file; every job is checked and
 * freed.  Sources must be opened and closed in pairs.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "parsers/parsers.h"

typedef struct {
    int open;
} ctx;

static int
on_job(tl_job *j, void *data)
{
    ctx *c = data;
    if (j->type == TL_JOB_SOURCE)
        c->open++;
    else if (j->type == TL_JOB_SOURCE_END)
        c->open--;
    if (c->open < 0)
        __builtin_trap();
    tl_job_free(j);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    static tl_scan_options o;
    if (fd < 0) {
        tl_library_init();
        fd = memfd_create("fuzz", 0);
        g_snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        tl_scan_options_init(&o);
        o.jobs = 1;
        o.max_message = 1 << 20;
        o.max_nested = 8 << 20;
        o.max_expand = 64 << 20;
        o.max_entries = 1000;
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        return 0;
    lseek(fd, 0, SEEK_SET);
    ctx c = { 0 };
    tl_walker w = { .opt = &o, .emit = on_job, .emit_data = &c };
    tl_walk_path(&w, path);
    if (c.open != 0)
        __builtin_trap();
    g_free(w.cut_reason);
    return 0;
}
