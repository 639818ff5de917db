/*
 * util.c - small helpers the reader, the writer and the database tools
 * share.
 */
#include <errno.h>
#include <fcntl.h>

#include "scanner/base.h"

char *
tl_iso_utc(int64_t unix_time)
{
    GDateTime *t = g_date_time_new_from_unix_utc(unix_time);
    if (!t)
        return NULL;
    char *s = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(t);
    return s;
}

int
tl_open_evidence(const char *path, int flags)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME | flags);
    if (fd < 0 && errno == EPERM)
        fd = open(path, O_RDONLY | O_CLOEXEC | flags);
    return fd;
}
