/*
 * util.c - small helpers the reader, the writer and the database tools
 * share.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

char *
tl_text_db_path(const char *db_path)
{
    return g_strconcat(db_path, ".text", NULL);
}

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

char *
tl_db_file_problem(const char *path, int *exists)
{
    struct stat st;
    *exists = 0;
    if (stat(path, &st) != 0)
        return errno == ENOENT ? NULL : g_strdup_printf("cannot read %s: %s", path, g_strerror(errno));
    *exists = 1;
    if (S_ISDIR(st.st_mode))
        return g_strdup_printf("%s is a folder, not a database file", path);
    if (st.st_size == 0)
        return NULL;        /* an empty file: SQLite makes it a database */
    unsigned char h[100];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return g_strdup_printf("cannot read %s: %s", path, g_strerror(errno));
    ssize_t n = read(fd, h, sizeof h);
    int e = errno;
    close(fd);
    if (n < 0)
        return g_strdup_printf("cannot read %s: %s", path, g_strerror(e));
    if (n < (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
        return g_strdup_printf("%s is not a SQLite database: it does not start with the SQLite header", path);
    /* the size in the header is valid when its change counter matches
     * (offsets 24 and 92); with a -wal beside it the file may lag behind */
    uint64_t page = (uint64_t)h[16] << 8 | h[17];
    if (page == 1)
        page = 65536;
    uint64_t pages = be32(h + 28), want = page * pages;
    char *wal = g_strconcat(path, "-wal", NULL);
    int has_wal = access(wal, F_OK) == 0;
    g_free(wal);
    if (!has_wal && pages > 0 && be32(h + 24) == be32(h + 92) && (uint64_t)st.st_size < want)
        return g_strdup_printf("%s is truncated: it holds %ju bytes, its header says %ju", path,
                               (uintmax_t)st.st_size, (uintmax_t)want);
    return NULL;
}

/* The shortest "%.Ng" that reads back as v. */
static void
shortest(double v, char *out, size_t len)
{
    for (int digits = 1; digits <= 17; digits++) {
        g_ascii_formatd(out, (int)len, digits == 17 ? "%.17g" : (const char *[]){
            "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g", "%.8g", "%.9g", "%.10g", "%.11g", "%.12g",
            "%.13g", "%.14g", "%.15g", "%.16g" }[digits - 1], v);
        if (g_ascii_strtod(out, NULL) == v)
            return;
    }
}

char *
tl_json_tidy_numbers(const char *json)
{
    GString *o = g_string_sized_new(strlen(json));
    const char *p = json;
    while (*p) {
        if (*p == '"') {                    /* a string, escapes and all */
            const char *q = p + 1;
            while (*q && *q != '"')
                q += (*q == '\\' && q[1]) ? 2 : 1;
            if (*q)
                q++;
            g_string_append_len(o, p, q - p);
            p = q;
        } else if (*p == '-' || g_ascii_isdigit(*p)) {
            const char *q = p;
            int fraction = 0;
            while (*q && (g_ascii_isdigit(*q) || strchr("+-.eE", *q))) {
                fraction |= *q == '.' || *q == 'e' || *q == 'E';
                q++;
            }
            if (fraction) {
                char buf[G_ASCII_DTOSTR_BUF_SIZE];
                shortest(g_ascii_strtod(p, NULL), buf, sizeof buf);
                /* keep it a fraction when it was one: 1.0 stays 1.0 */
                g_string_append(o, buf);
                if (!strpbrk(buf, ".eEn"))
                    g_string_append(o, ".0");
            } else
                g_string_append_len(o, p, q - p);
            p = q;
        } else
            g_string_append_c(o, *p++);
    }
    return g_string_free(o, FALSE);
}
