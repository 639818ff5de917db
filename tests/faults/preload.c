/*
 * preload.c - injected I/O faults for tests/check_faults.c, loaded with
 * LD_PRELOAD into the typoleak command.  Environment:
 *   TL_FAULT_DENY=SUFFIX       open() of a path ending so fails with EACCES
 *   TL_FAULT_EIO=SUFFIX        read() of such a file fails with EIO once
 *   TL_FAULT_EIO_AFTER=N       N bytes were read from it (default 0)
 *   TL_FAULT_WEIO=SUFFIX       write()/pwrite() to such a file fails with EIO
 *   TL_FAULT_WEIO_AFTER=N      after N successful writes (default 0)
 * Root ignores file permissions, so denial has to be injected.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAXFD 4096
static unsigned char eio_fd[MAXFD], weio_fd[MAXFD];
static long long eio_read, weio_done;

static int
ends_with(const char *path, const char *var)
{
    const char *suf = getenv(var);
    if (!suf || !*suf || !path)
        return 0;
    size_t a = strlen(path), b = strlen(suf);
    return a >= b && strcmp(path + a - b, suf) == 0;
}

static long long
num(const char *var)
{
    const char *v = getenv(var);
    return v ? atoll(v) : 0;
}

static int
opened(const char *path, int fd)
{
    if (fd >= 0 && fd < MAXFD) {
        eio_fd[fd] = (unsigned char)ends_with(path, "TL_FAULT_EIO");
        weio_fd[fd] = (unsigned char)ends_with(path, "TL_FAULT_WEIO");
    }
    return fd;
}

/* open and open64: the same fault, each passed on to its own real call. */
static int
open_as(const char *name, int (**real)(const char *, int, ...), const char *path, int flags, mode_t mode)
{
    if (!*real)
        *real = dlsym(RTLD_NEXT, name);
    if (ends_with(path, "TL_FAULT_DENY")) {
        errno = EACCES;
        return -1;
    }
    return opened(path, (*real)(path, flags, mode));
}

#define OPEN_MODE(flags, mode)                                                                                         \
    do {                                                                                                               \
        if ((flags) & (O_CREAT | O_TMPFILE)) {                                                                         \
            va_list ap;                                                                                                \
            va_start(ap, flags);                                                                                       \
            mode = va_arg(ap, mode_t);                                                                                 \
            va_end(ap);                                                                                                \
        }                                                                                                              \
    } while (0)

int
open(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    mode_t mode = 0;
    OPEN_MODE(flags, mode);
    return open_as("open", &real, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    mode_t mode = 0;
    OPEN_MODE(flags, mode);
    return open_as("open64", &real, path, flags, mode);
}

ssize_t
read(int fd, void *buf, size_t n)
{
    static ssize_t (*real)(int, void *, size_t);
    if (!real)
        real = dlsym(RTLD_NEXT, "read");
    if (fd >= 0 && fd < MAXFD && eio_fd[fd]) {
        long long after = num("TL_FAULT_EIO_AFTER");
        if (eio_read >= after) {
            eio_fd[fd] = 0;     /* once */
            errno = EIO;
            return -1;
        }
        if ((long long)n > after - eio_read)
            n = (size_t)(after - eio_read);
        ssize_t r = real(fd, buf, n);
        if (r > 0)
            eio_read += r;
        return r;
    }
    return real(fd, buf, n);
}

static int
write_fault(int fd)
{
    if (fd >= 0 && fd < MAXFD && weio_fd[fd] && weio_done++ >= num("TL_FAULT_WEIO_AFTER")) {
        errno = EIO;
        return 1;
    }
    return 0;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        real = dlsym(RTLD_NEXT, "write");
    if (write_fault(fd))
        return -1;
    return real(fd, buf, n);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real)
        real = dlsym(RTLD_NEXT, "pwrite64");
    if (write_fault(fd))
        return -1;
    return real(fd, buf, n, off);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
    return pwrite64(fd, buf, n, off);
}
