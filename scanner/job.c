/*
 * job.c - allocation and release of pipeline jobs.
 */
#include "tl_internal.h"

tl_job *
tl_job_new(tl_job_type type)
{
    tl_job *j = g_new0(tl_job, 1);
    j->type = type;
    j->mtime = -1;
    j->marker_offset = (uint64_t)-1;
    return j;
}

void
tl_job_free(tl_job *j)
{
    if (!j)
        return;
    g_free(j->path);
    g_free(j->member);
    g_free(j->kind);
    g_free(j->format);
    g_free(j->state);
    if (j->raw)
        g_byte_array_free(j->raw, j->chunk == NULL);    /* borrowed bytes are the chunk's */
    tl_chunk_unref(j->chunk);
    g_free(j->marker);
    g_free(j->flags);
    tl_record_free(j->rec);
    g_free(j->stage);
    g_free(j->reason);
    g_free(j);
}
